"""Property-based fuzzing of every form, JSON endpoint and query argument, as every role: never a 5xx,
every 4xx says what was wrong (a JSON error message, a field error, a flash, or the error page's
message), and afterwards every page the role could open still opens (nothing stored broke it).

Routes come from `app.url_map`; form fields from the forms the app's own pages render (so a new form is
fuzzed without editing this file); query argument names from the app's source (`args.get("…")`).
The inputs include unpaired surrogates (in JSON, in percent-encoded forms and query strings), NaN and
Infinity, non-ASCII digits ("²", "٣"), 20-digit integers, JSON nested 100,000 deep, bodies over the
upload limit and wrong content types.

Bounded and seeded (derandomized): FUZZ_EXAMPLES examples per route and role (default 3 in CI; `make fuzz`
runs FUZZ_EXAMPLES=30, about 10 minutes, and prints the requests tried and the 5xx found). SQLite only:
the inputs exercise the views, forms and services, not the database.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from tests.security.conftest import app_rules, client_for, route_methods, state_changing, url_for_rule
from tests.security.test_access_matrix import BODIES

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
ROLES = ("anon", "student_a", "student_b", "teacher", "other_teacher", "admin")
APP_DIR = Path(__file__).resolve().parents[2] / "app"
JSON_KEYS = ("question_id", "answer", "seq", "card_id", "rating", "request_id", "duration_ms", "deck")

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,  # the same inputs on every run: a CI failure reproduces locally
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture
def backend() -> str:
    return "sqlite"


# ---------------------------------------------------------------------------------------------- inputs

ODD = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1.5",
        "1e309",
        "nan",
        "-inf",
        "99999999999999999999999",
        "²",
        "٣",
        "2025-13-45T25:61",
        "null",
        "[]",
        "{}",
        "\x00",
        "’“”",
        "😀" * 5,
        "%s%n{0}",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "Europe/Nowhere",
        "approve",
        "reject",
        "remove",
        "up",
        "down",
    ]
)
SURROGATE = st.characters(categories=["Cs"])
TEXT = st.text(max_size=40)
# Text as a JSON body can carry it: with unpaired surrogates, which no page or backup can encode.
JSON_TEXT = st.one_of(
    st.text(max_size=20), st.text(alphabet=st.one_of(st.characters(), SURROGATE), max_size=8)
)
HUGE = st.integers(min_value=3_000, max_value=200_000).map(lambda n: "x" * n)
NUMBER = st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True)).map(str)


def form_value(defaults: list[str]) -> st.SearchStrategy[Any]:
    one = st.one_of(st.sampled_from(defaults or [""]), ODD, TEXT, NUMBER, HUGE)
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))


JSON_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**25), max_value=10**25)
    | st.floats()  # NaN and ±Infinity included: json.dumps writes them as NaN / Infinity
    | JSON_TEXT
    | st.sampled_from(["²", "٣", "99999999999999999999", "1e999", "Infinity"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JSON_TEXT, inner, max_size=3),
    max_leaves=6,
)
DEEP = 100_000
RAW_JSON = st.sampled_from(
    [
        "[" * DEEP + "]" * DEEP,
        '{"answer":' * DEEP + "1" + "}" * DEEP,
        '{"question_id": 1, "answer": "\\udfff", "seq": 3}',
        '{"card_id": Infinity, "rating": NaN, "request_id": "x"}',
        '{"card_id": 1e999, "rating": -Infinity}',
        '{"question_id": 99999999999999999999, "seq": 1e400}',
    ]
).map(lambda raw: {"data": raw, "content_type": "application/json"})
# Percent-escapes of an unpaired surrogate (ED A0 80) and of bytes that are no UTF-8 at all.
RAW_FORM = st.sampled_from(["%ED%A0%80", "%ED%BF%BF", "%FF%FE", "%C0%AF", "a%00b"])
WRONG_TYPE = st.tuples(
    st.one_of(
        st.binary(max_size=120),
        st.just(b'{"question_id": 1}'),
        st.just(b"<x>&e;</x>"),
        st.just(b"--zz\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--zz--\r\n"),
    ),
    st.sampled_from(
        [
            "text/plain",
            "application/xml",
            "application/octet-stream",
            "multipart/form-data",  # without a boundary
            "multipart/form-data; boundary=zz",
            "application/json; charset=latin-1",
            "application/x-www-form-urlencoded; charset=utf-16",
        ]
    ),
).map(lambda pair: {"data": pair[0], "content_type": pair[1]})
OVERSIZED = st.sampled_from(
    ["application/x-www-form-urlencoded", "application/json", "multipart/form-data; boundary=zz"]
).map(lambda content_type: {"data": b"x" * (3 * 1024 * 1024), "content_type": content_type})
FILE = st.tuples(
    st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
    st.sampled_from(["a.json", "a.gift", "a.xml", "a.txt", "a.md", "a.html", "a.zip", "a.exe", "noext", ""]),
)


def query_names() -> list[str]:
    names = set()
    for path in APP_DIR.rglob("*.py"):
        names.update(re.findall(r'args\.get\(\s*"(\w+)"', path.read_text(encoding="utf-8")))
    return sorted(names | {"q", "type", "id", "format", "page"})


# ---------------------------------------------------------------------------------------------- checks


def problem_of(response) -> str | None:
    """None if the response is acceptable: below 500, and a 4xx names what was wrong."""
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if status < 400:
        return None
    if response.is_json:
        body = response.get_json(silent=True) or {}
        error = body.get("error")
        message = error.get("message") if isinstance(error, dict) else error or body.get("message")
        return (
            None
            if isinstance(message, str) and message.strip()
            else f"{status} JSON without a message: {body}"
        )
    if not response.data.strip():
        return f"{status} with an empty body"
    tree = lxml_html.fromstring(response.data)
    found = tree.xpath(
        "//*[@role='alert'] | //*[contains(concat(' ', @class, ' '), ' flash ')]"
        " | //*[contains(concat(' ', @class, ' '), ' error ')] | //h1"
    )
    texts = [" ".join(e.text_content().split()) for e in found]
    if any(t and not (t.startswith(f"{status}:") and len(t) < len(f"{status}: ") + 3) for t in texts):
        return None
    return f"{status} page without a message"


def discover_forms(app, world) -> dict[str, dict[str, Any]]:
    """endpoint -> {"fields": {name: [values seen]}, "files": {names}}, from the forms on every GET page."""
    forms: dict[str, dict[str, Any]] = {}
    adapter = app.url_map.bind("")
    for role in ROLES:
        client = client_for(app, world.user(role))
        for rule in app_rules(app):
            if "GET" not in route_methods(rule) or rule.endpoint == "static":
                continue
            page_url = url_for_rule(rule, world)
            response = client.get(page_url)
            if response.mimetype != "text/html" or response.status_code != 200:
                continue
            for form in lxml_html.fromstring(response.data).iter("form"):
                if (form.get("method") or "get").lower() != "post":
                    continue
                action = urlsplit(form.get("action") or page_url).path
                try:
                    endpoint, _ = adapter.match(action, method="POST")
                except Exception:  # an action outside the app: not ours to fuzz
                    continue
                entry = forms.setdefault(endpoint, {"fields": {}, "files": set()})
                for field in form.xpath(".//input | .//select | .//textarea | .//button"):
                    name = field.get("name")
                    if not name or name == "csrf_token":
                        continue
                    if field.get("type") == "file":
                        entry["files"].add(name)
                        continue
                    values = entry["fields"].setdefault(name, [])
                    values += [
                        v for v in [field.get("value"), *field.xpath(".//option/@value")] if v is not None
                    ]
    return forms


def _body_strategy(endpoint: str, form: dict[str, Any], world) -> st.SearchStrategy[dict[str, Any]]:
    fields = {name: values for name, values in form.get("fields", {}).items()}
    for name, value in BODIES.get(endpoint, lambda w: {"data": {}})(world).get("data", {}).items():
        fields.setdefault(name, []).append(str(value))
    data = st.fixed_dictionaries({}, optional={name: form_value(values) for name, values in fields.items()})
    data = st.tuples(data, st.dictionaries(st.text(min_size=1, max_size=8), TEXT, max_size=2)).map(
        lambda pair: {**pair[1], **pair[0]}
    )
    files = st.fixed_dictionaries({}, optional={name: FILE for name in form.get("files", ())})
    as_form = st.tuples(data, files).map(_form_body)
    as_json = st.one_of(
        st.fixed_dictionaries({}, optional={key: JSON_VALUE for key in JSON_KEYS}),
        JSON_VALUE,
    ).map(lambda value: {"data": json.dumps(value), "content_type": "application/json"})
    broken = st.binary(max_size=50).map(lambda raw: {"data": raw, "content_type": "application/json"})
    raw_form = st.tuples(st.sampled_from(sorted(fields) or ["x"]), RAW_FORM).map(
        lambda pair: {
            "data": f"{pair[0]}={pair[1]}".encode(),
            "content_type": "application/x-www-form-urlencoded",
        }
    )
    return st.one_of(as_form, as_json, broken, RAW_JSON, raw_form, WRONG_TYPE, OVERSIZED)


def _form_body(pair: tuple[dict[str, Any], dict[str, tuple[bytes, str]]]) -> dict[str, Any]:
    data, files = pair
    if not files:
        return {"data": data}
    merged = {**data, **{name: (io.BytesIO(raw), filename) for name, (raw, filename) in files.items()}}
    return {"data": merged, "content_type": "multipart/form-data"}


# ---------------------------------------------------------------------------------------------- tests


def fuzz(check: Callable[..., None], **strategies: st.SearchStrategy[Any]) -> str | None:
    """Run `check` on generated arguments; the first failure's message, or None."""

    @SETTINGS
    @given(**strategies)
    def run(**drawn: Any) -> None:
        check(**drawn)

    try:
        run()
    except AssertionError as exc:
        return str(exc).splitlines()[0]
    return None


# Requests sent and 5xx answers seen in this process (`make fuzz` prints them).
TALLY: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_tally():
    yield
    print(f"\nfuzz: {TALLY['requests']} requests tried, {TALLY['5xx']} 5xx found (FUZZ_EXAMPLES={EXAMPLES})")


def _counted(response):
    TALLY["requests"] += 1
    TALLY["5xx"] += response.status_code >= 500
    return response


def _send(app, world, role: str, url: str, method: str, body: dict[str, Any], accept_json: bool) -> None:
    headers = {"Accept": "application/json"} if accept_json else {}
    response = _counted(client_for(app, world.user(role)).open(url, method=method, headers=headers, **body))
    problem = problem_of(response)
    assert problem is None, f"{method} {url} as {role}: {problem}"


def _get(app, world, role: str, url: str, args: dict[str, str] | str) -> None:
    response = _counted(client_for(app, world.user(role)).get(url, query_string=args))
    problem = problem_of(response)
    assert problem is None, f"GET {url}?{args} as {role}: {problem}"


def reachable_pages(app, world) -> dict[str, list[str]]:
    """role -> the GET pages (with the world's records) that answer 200 for it before any fuzzing."""
    pages: dict[str, list[str]] = {}
    for role in ROLES:
        client = client_for(app, world.user(role))
        pages[role] = [
            url
            for rule in app_rules(app)
            if "GET" in route_methods(rule) and rule.endpoint != "static"
            for url in [url_for_rule(rule, world)]
            if client.get(url).status_code == 200
        ]
    return pages


def still_reachable(app, world, pages: dict[str, list[str]]) -> list[str]:
    """Every page each role could open still opens (after redirects: a submitted attempt's page now
    shows its review); a 5xx here means the fuzzing stored something that breaks a page."""
    broken = []
    for role, urls in pages.items():
        client = client_for(app, world.user(role))
        for url in urls:
            response = _counted(client.get(url, follow_redirects=True))
            if response.status_code != 200:
                broken.append(f"follow-up GET {url} as {role}: {response.status_code}")
    return broken


def test_every_form_and_json_endpoint_survives_generated_input(app, world):
    forms = discover_forms(app, world)
    assert len(forms) >= 15, f"too few forms discovered: {sorted(forms)}"
    pages = reachable_pages(app, world)
    assert all(pages.values()), pages
    failures = []
    for rule in app_rules(app):
        for method in state_changing(rule):
            url = url_for_rule(rule, world)
            body = _body_strategy(rule.endpoint, forms.get(rule.endpoint, {}), world)
            for role in ROLES:
                check = partial(_send, app, world, role, url, method)
                failures.append(fuzz(check, body=body, accept_json=st.booleans()))
    failures += still_reachable(app, world, pages)
    assert not any(failures), "\n".join(f for f in failures if f)


def test_every_get_route_survives_generated_query_arguments(app, world):
    long = st.integers(min_value=300, max_value=8_000).map(
        lambda n: "é" * n
    )  # a URL stays below server limits
    names = st.sampled_from(query_names())
    arguments = st.one_of(
        st.dictionaries(names, st.one_of(ODD, TEXT, NUMBER, long), max_size=4),
        # Raw query strings: percent-escapes a dict would re-encode (surrogates, bytes that are no UTF-8).
        st.tuples(names, RAW_FORM).map(lambda pair: f"{pair[0]}={pair[1]}"),
    )
    pages = reachable_pages(app, world)
    failures = []
    for rule in app_rules(app):
        if "GET" not in route_methods(rule) or rule.endpoint == "static":
            continue
        url = url_for_rule(rule, world).split("?")[0]
        for role in ROLES:
            failures.append(fuzz(partial(_get, app, world, role, url), args=arguments))
    failures += still_reachable(app, world, pages)
    assert not any(failures), "\n".join(f for f in failures if f)


def test_ids_beyond_any_database_integer_are_404(app, world):
    admin = client_for(app, world.user("admin"))
    for path in (
        "/quizzes/99999999999999999999",
        "/courses/2147483648",
        "/quizzes/attempts/9223372036854775808",
    ):
        assert admin.get(path).status_code == 404, path
    assert admin.get("/study/", query_string={"card": "9223372036854775808"}).status_code == 404
