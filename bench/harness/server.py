"""The server fixture: a fresh database (SQLite WAL file or a new PostgreSQL database) with the schema,
and gunicorn serving `wsgi:app` on 127.0.0.1 on a free port, stopped by its PID at the end.
"""

from __future__ import annotations

import atexit
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgres")
SETUP_TIMEOUT = 180.0


class ServerError(RuntimeError):
    """The server or its database could not be prepared; the message carries the log's tail."""


def _psycopg_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def postgres_server_url() -> str:
    """Where fresh PostgreSQL databases are created: $DATABASE_URL if it names PostgreSQL, else localhost."""
    url = os.environ.get("DATABASE_URL", "")
    return _psycopg_url(url) if url.startswith(("postgres://", "postgresql")) else DEFAULT_PG_SERVER


def postgres_unavailable() -> str | None:
    """None when PostgreSQL answers; otherwise why not (the benchmark reports it instead of crashing)."""
    url = make_url(postgres_server_url())
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure means: no usable PostgreSQL here
        where = url.render_as_string(hide_password=True)
        return f"PostgreSQL not reachable at {where}: {exc}".splitlines()[0]
    return None


class FreshDatabase:
    """An empty database for one benchmark: a SQLite file in `directory`, or a new PostgreSQL database."""

    def __init__(self, backend: str, directory: Path) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
        self.backend = backend
        self.name = f"casewise_bench_{secrets.token_hex(5)}"
        if backend == "sqlite":
            self.path: Path | None = directory / f"{self.name}.db"
            self.url = f"sqlite:///{self.path}"
        else:
            self.path = None
            server = make_url(postgres_server_url())
            self.url = server.set(database=self.name).render_as_string(hide_password=False)

    @staticmethod
    def _on_server(statement: str) -> None:
        # CREATE/DROP DATABASE cannot run inside a transaction.
        admin = create_engine(make_url(postgres_server_url()), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(statement))
        finally:
            admin.dispose()

    def create(self) -> FreshDatabase:
        if self.backend == "postgres":
            self._on_server(f'CREATE DATABASE "{self.name}"')
        return self

    def drop(self) -> None:
        if self.backend == "postgres":
            self._on_server(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        elif self.path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def __enter__(self) -> FreshDatabase:
        return self.create()

    def __exit__(self, *_exc: object) -> None:
        self.drop()


def in_process_app(database_url: str, client: bool = False):
    """The app on `database_url` for a suite that drives it in-process: rate limits off, a throwaway secret;
    `client`: for Flask's test client too (plain HTTP cookies, no CSRF tokens to scrape)."""
    from app import create_app

    config = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": secrets.token_hex(16),
        "RATELIMIT_ENABLED": False,
    }
    if client:
        config |= {"SESSION_COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False}
    return create_app(config)


def app_env(database_url: str, secret_key: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The app's environment under benchmark: production config, bench endpoints, no rate limit."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "CASEWISE_CONFIG": "production",
        # Plain HTTP on loopback: a Secure session cookie would never come back.
        "SESSION_COOKIE_SECURE": "false",
        "FLASK_BENCH_ENDPOINTS": "true",
        "FLASK_RATELIMIT_ENABLED": "false",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update(extra or {})
    return env


def _run_step(args: list[str], env: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(
            args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=SETUP_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise ServerError(f"{what} took longer than {SETUP_TIMEOUT:.0f}s") from exc
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-25:])
        raise ServerError(f"{what} failed (exit {result.returncode}):\n{tail}")


def has_migrations() -> bool:
    return any((ROOT / "migrations" / "versions").glob("*.py"))


def prepare_database(env: dict[str, str], seed: bool = False) -> None:
    """Create the schema in env's DATABASE_URL (migrations when the repository has them); seed if asked."""
    mode = "migrate" if has_migrations() else "create-all"
    _run_step([sys.executable, "-m", "bench.harness.schema", mode], env, f"creating the schema ({mode})")
    if seed:
        # The benches build their own quizzes and study data; the demo content would only add noise.
        _run_step([sys.executable, "-m", "flask", "--app", "wsgi", "seed", "--no-demo"], env, "flask seed")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _children(pid: int) -> set[int]:
    try:
        return {int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def _is_gunicorn(pid: int) -> bool:
    """Still alive and still gunicorn (a PID that was reused by another program is left alone)."""
    try:
        return b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class GunicornServer:
    """gunicorn -k gthread serving wsgi:app on 127.0.0.1:<free port>; a context manager, stopped by PID."""

    def __init__(
        self,
        env: dict[str, str],
        log_path: Path,
        *,
        workers: int = 2,
        threads: int = 4,
        startup_timeout: float = 60.0,
    ) -> None:
        self.env = env
        self.log_path = log_path
        self.workers = workers
        self.threads = threads
        self.startup_timeout = startup_timeout
        self.host = "127.0.0.1"
        self.port = 0
        self.process: subprocess.Popen | None = None
        self._worker_pids: set[int] = set()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> GunicornServer:
        self.port = free_port(self.host)
        args = [
            sys.executable, "-m", "gunicorn",
            "--workers", str(self.workers),
            "--worker-class", "gthread",
            "--threads", str(self.threads),
            "--bind", f"{self.host}:{self.port}",
            "--graceful-timeout", "5",
            "wsgi:app",
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            # A session of its own: Ctrl-C reaches run.py, which stops the server by PID in order.
            self.process = subprocess.Popen(
                args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        atexit.register(self.stop)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def _wait_ready(self) -> None:
        """Poll /healthz until every worker has booted (gunicorn names them as its children)."""
        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"gunicorn exited with {self.process.returncode}:\n{self._log_tail()}")
            self._worker_pids |= _children(self.process.pid)
            if len(_children(self.process.pid)) >= self.workers and self._healthy():
                return
            time.sleep(0.1)
        waited = f"{self.startup_timeout:.0f}s"
        raise ServerError(f"gunicorn did not answer /healthz within {waited}:\n{self._log_tail()}")

    def _healthy(self) -> bool:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the master, wait, SIGKILL if needed, then any worker PID still alive. Idempotent."""
        if self.process is None:
            return
        process, self.process = self.process, None
        atexit.unregister(self.stop)
        workers = self._worker_pids | _children(process.pid)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        for pid in workers:
            if _is_gunicorn(pid):
                os.kill(pid, signal.SIGKILL)

    def __enter__(self) -> GunicornServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
