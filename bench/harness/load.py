"""A bounded load driver for loopback only: threads of virtual users, each one keep-alive connection.

Each virtual user is a `Session` (cookies, CSRF token, optional login done before the clock starts).
`run_load` stops at `total` requests or `max_seconds`, whichever comes first, and reports requests/s,
p50/p95/p99 and counts by status class ("2xx" … "5xx", and "conn" for connection failures).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Reconnect before reusing a connection idle this long: gunicorn closes keep-alive connections after 2 s,
# and resending a POST after a silent close could submit it twice.
IDLE_RECONNECT_SECONDS = 1.0
_META_CSRF = re.compile(r'<meta\s+name="csrf-token"\s+content="([^"]+)"')
_INPUT_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


class LoadError(RuntimeError):
    """The load could not run as asked (a refused login, a non-loopback host, a failed setup)."""


def require_loopback(host: str) -> None:
    if host not in LOOPBACK_HOSTS:
        raise LoadError(f"the load driver only talks to loopback hosts, not {host!r}")


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)


def csrf_token_in(html: str) -> str | None:
    """The CSRF token from the page's <meta name="csrf-token"> or a form's hidden csrf_token field."""
    match = _META_CSRF.search(html) or _INPUT_CSRF.search(html)
    return match.group(1) if match else None


class Session:
    """One virtual user: a keep-alive connection to the server, its cookie jar and its CSRF token."""

    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        require_loopback(host)
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self.csrf_token: str | None = None
        self._conn: http.client.HTTPConnection | None = None
        self._last_used = 0.0

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is not None and time.monotonic() - self._last_used > IDLE_RECONNECT_SECONDS:
            self.close()
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        multipart: dict[str, str] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        send_headers = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        body: bytes | None = None
        if multipart is not None:  # what a browser's FormData sends
            boundary = f"----casewise{secrets.token_hex(12)}"
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                for name, value in multipart.items()
            ]
            body = ("".join(parts) + f"--{boundary}--\r\n").encode()
            send_headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif form is not None:
            body = urlencode(form).encode()
            send_headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            send_headers["Content-Type"] = "application/json"
        if method != "GET" and self.csrf_token:
            send_headers.setdefault("X-CSRFToken", self.csrf_token)
        if self.cookies:
            send_headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            response = self._send(method, path, body, send_headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.close()
            if method not in ("GET", "HEAD"):
                raise  # the server may have acted on it; resending could hide or cause a double submission
            response = self._send(method, path, body, send_headers)
        self._last_used = time.monotonic()
        return response

    def _send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Response:
        conn = self._connection()
        conn.request(method, path, body=body, headers=headers)
        raw = conn.getresponse()
        data = raw.read()
        for value in raw.headers.get_all("Set-Cookie") or []:
            self._store_cookie(value)
        if raw.will_close:
            self.close()
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data)

    def _store_cookie(self, header: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Response:
        return self.request("POST", path, **kwargs)

    def fetch_csrf(self, path: str = "/login") -> str:
        response = self.get(path)
        token = csrf_token_in(response.text)
        if token is None:
            raise LoadError(f"GET {path} ({response.status}) has no CSRF token in a meta tag or a form")
        self.csrf_token = token
        return token

    def login(self, username: str, password: str, path: str = "/login") -> None:
        """Log in through the real form; afterwards the cookies and the CSRF token are the user's."""
        token = self.fetch_csrf(path)
        response = self.post(path, form={"csrf_token": token, "username": username, "password": password})
        if response.status != 302:
            raise LoadError(f"login as {username!r} answered {response.status}, expected a 302 redirect")
        self.fetch_csrf(response.headers.get("location", "/"))


RequestFn = Callable[[Session, int], Response]
SetupFn = Callable[[Session, int], None]


def fixed(method: str, path: str, **kwargs: Any) -> RequestFn:
    """A request function sending the same request every time."""
    return lambda session, _index: session.request(method, path, **kwargs)


def percentile(sorted_values: list[float], q: float) -> float | None:
    """Nearest-rank percentile of an ascending list (q in 0..100); None for an empty list."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    by_class: dict[str, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def p50_ms(self) -> float | None:
        return percentile(self.latencies_ms, 50)

    @property
    def p95_ms(self) -> float | None:
        return percentile(self.latencies_ms, 95)

    @property
    def p99_ms(self) -> float | None:
        return percentile(self.latencies_ms, 99)

    @property
    def errors(self) -> int:
        return sum(count for name, count in self.by_class.items() if name not in ("2xx", "3xx"))

    def summary(self) -> str:
        classes = " ".join(f"{name}={count}" for name, count in sorted(self.by_class.items()))
        return (
            f"{self.requests} requests in {self.seconds:.2f}s = {self.rps:.0f}/s, "
            f"p50 {self.p50_ms or 0:.1f} ms, p95 {self.p95_ms or 0:.1f} ms, p99 {self.p99_ms or 0:.1f} ms "
            f"[{classes}]"
        )


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def run_load(
    host: str,
    port: int,
    request: RequestFn,
    *,
    users: int,
    total: int,
    max_seconds: float,
    setup: SetupFn | None = None,
    timeout: float = 30.0,
) -> LoadResult:
    """Send up to `total` requests from `users` threads for at most `max_seconds` (setup is not timed).

    `request(session, index)` sends request number `index` (0-based, each index once), returns the response.
    An exception other than a connection failure stops the run and is raised here.
    """
    require_loopback(host)
    if users < 1 or total < 1 or max_seconds <= 0:
        raise LoadError("users, total and max_seconds must be positive")
    lock = threading.Lock()
    counter = iter(range(total))
    stop = threading.Event()
    clock: dict[str, float] = {}
    samples: list[tuple[float, str]] = []
    failures: list[BaseException] = []

    def start_clock() -> None:
        clock["began"] = time.perf_counter()
        clock["deadline"] = clock["began"] + max_seconds

    start_gate = threading.Barrier(users + 1, action=start_clock)

    def next_index() -> int | None:
        with lock:
            if stop.is_set() or time.perf_counter() >= clock["deadline"]:
                return None
            return next(counter, None)

    def fail(exc: BaseException) -> None:
        with lock:
            failures.append(exc)
        stop.set()
        start_gate.abort()

    def user(number: int) -> None:
        session = Session(host, port, timeout)
        mine: list[tuple[float, str]] = []
        try:
            if setup is not None:
                setup(session, number)
            start_gate.wait()
            while (index := next_index()) is not None:
                began = time.perf_counter()
                try:
                    status = status_class(request(session, index).status)
                except (OSError, http.client.HTTPException):
                    session.close()
                    status = "conn"
                mine.append(((time.perf_counter() - began) * 1000, status))
        except threading.BrokenBarrierError:
            pass  # another user failed its setup; that failure is the one reported
        except BaseException as exc:  # re-raised in the caller's thread below
            fail(exc)
        finally:
            session.close()
            with lock:
                samples.extend(mine)

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        start_gate.wait()  # broken when a user's setup failed: the failure is raised below
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    elapsed = time.perf_counter() - clock["began"]
    latencies = sorted(latency for latency, _ in samples)
    return LoadResult(len(samples), elapsed, latencies, dict(Counter(status for _, status in samples)))
