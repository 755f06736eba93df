"""CSRF on every state-changing route, security headers on every page, cookies and sessions.

Routes are enumerated from `app.url_map`: a new POST route is covered (and must refuse a missing token)
without anyone editing this file; a route exempted from CSRF must be listed in CSRF_EXEMPT with a reason.
Password rules (scrypt, 8 characters, common passwords) are tested in tests/integration/auth/test_accounts.py.
"""

from __future__ import annotations

import re

import pytest

from app import create_app
from app.extensions import db
from tests.security.conftest import (
    PASSWORD,
    ROLES,
    app_rules,
    client_for,
    csrf_token,
    route_methods,
    row_counts,
    state_changing,
    url_for_rule,
)
from tests.security.test_access_matrix import ACCESS, BODIES


@pytest.fixture
def backend() -> str:
    """Headers, cookies and sessions do not depend on the database: these run on SQLite only (the access
    matrix and the answer-key and XSS tests run on both)."""
    return "sqlite"


# endpoint -> why it takes no CSRF token (the bench baselines exist only with BENCH_ENDPOINTS).
CSRF_EXEMPT: dict[str, str] = {
    "lti.login": "the LMS posts the OIDC login initiation; the tool's state and nonce protect what follows",
    "lti.launch": "the LMS posts a signed id_token; signature, nonce and the state cookie are checked instead",
}


def allowed_role(endpoint: str, method: str) -> str:
    """The first role the access matrix lets through: the refusal is then the token's doing alone."""
    outcomes = dict(zip(ROLES, ACCESS[endpoint][method].split(), strict=True))
    # A route whose matrix row only reaches 404 (its record is missing) still meets CSRF first.
    for wanted in (("ok", "200", "301", "302"), ("404",)):
        for role, outcome in outcomes.items():
            if outcome in wanted:
                return role
    raise AssertionError(f"{endpoint} {method}: no role gets past the access checks")


def _send(client, url, method, endpoint, world, token=None):
    body = BODIES.get(endpoint, lambda w: {"data": {}})(world)
    headers = {"Accept": "application/json"} if "json" in body else {}
    if token and "json" in body:
        headers["X-CSRFToken"] = token
    elif token:
        body = {"data": {**body.get("data", {}), "csrf_token": token}}
    return client.open(url, method=method, headers=headers, **body)


def test_every_state_changing_route_refuses_a_missing_csrf_token(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    problems = []
    covered = 0
    for rule in app_rules(app):
        for method in state_changing(rule):
            if rule.endpoint in CSRF_EXEMPT:
                continue
            covered += 1
            url = url_for_rule(rule, world)
            client = client_for(app, world.user(allowed_role(rule.endpoint, method)))
            before = row_counts()
            refused = _send(client, url, method, rule.endpoint, world)
            text = refused.get_data(as_text=True)
            if refused.status_code != 400 or not ("security token" in text or '"csrf"' in text):
                problems.append(f"{method} {url}: {refused.status_code} without a token")
            if row_counts() != before:
                problems.append(f"{method} {url}: wrote to the database without a token")
            # The same request with the session's token passes the CSRF check (so the 400 above was it).
            accepted = _send(client, url, method, rule.endpoint, world, token=csrf_token(client, "/login"))
            if accepted.status_code == 400 and "security token" in accepted.get_data(as_text=True):
                problems.append(f"{method} {url}: refused even with a valid token")
    assert covered >= 20, "the enumeration found too few POST routes"
    assert not problems, "\n".join(problems)


def test_the_csrf_error_is_json_for_the_autosave(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    client = client_for(app, world.user("student_a"))
    response = client.post(
        f"/quizzes/attempts/{world.attempt_open.id}/save",
        json={"question_id": world.questions["short"].id, "answer": "x", "seq": 9},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf"
    assert "security token" in response.get_json()["error"]["message"]


# ---------------------------------------------------------------------------------------------- headers


def _directives(csp: str) -> dict[str, list[str]]:
    parts = (part.split() for part in csp.split(";") if part.strip())
    return {part[0]: part[1:] for part in parts}


def _check_headers(response, label: str, frame_ancestors: list[str]) -> list[str]:
    problems = []
    headers = response.headers
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{label}: X-Content-Type-Options is {headers.get('X-Content-Type-Options')!r}")
    if headers.get("Referrer-Policy") not in (
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    ):
        problems.append(f"{label}: Referrer-Policy is {headers.get('Referrer-Policy')!r}")
    csp = _directives(headers.get("Content-Security-Policy", ""))
    scripts = csp.get("script-src", csp.get("default-src"))
    if scripts is None or "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts or "*" in scripts:
        problems.append(f"{label}: script-src is {scripts!r}")
    if csp.get("object-src") != ["'none'"]:
        problems.append(f"{label}: object-src is {csp.get('object-src')!r}")
    if csp.get("frame-ancestors") != frame_ancestors:
        problems.append(f"{label}: frame-ancestors is {csp.get('frame-ancestors')!r}, not {frame_ancestors}")
    return problems


def test_every_page_has_the_security_headers(app, world):
    """Every GET route, as a role that may see it, plus the error pages: CSP without inline scripts,
    nosniff, a Referrer-Policy, and framing only by the app itself."""
    problems = []
    pages = 0
    for rule in app_rules(app):
        if "GET" not in route_methods(rule):
            continue
        client = client_for(app, world.user(allowed_role(rule.endpoint, "GET")))
        response = client.get(url_for_rule(rule, world))
        pages += response.mimetype == "text/html"
        problems += _check_headers(response, rule.endpoint, ["'self'"])
        if response.mimetype == "text/html" and response.headers.get("X-Frame-Options") != "SAMEORIGIN":
            problems.append(
                f"{rule.endpoint}: X-Frame-Options is {response.headers.get('X-Frame-Options')!r}"
            )
    for status, url in ((404, "/nowhere"), (403, "/quizzes/new"), (405, "/logout")):
        response = client_for(app, world.user("student_a")).get(url)
        assert response.status_code == status
        problems += _check_headers(response, f"error {status}", ["'self'"])
    assert pages >= 20
    assert not problems, "\n".join(problems)


def test_no_page_has_inline_script_or_inline_handlers(app, world):
    """The CSP forbids inline scripts; the pages must not need any (or they would break in browsers)."""
    from lxml import html as lxml_html

    problems = []
    for rule in app_rules(app):
        if "GET" not in route_methods(rule):
            continue
        response = client_for(app, world.user(allowed_role(rule.endpoint, "GET"))).get(
            url_for_rule(rule, world)
        )
        if response.mimetype != "text/html" or not response.data.strip():
            continue
        tree = lxml_html.fromstring(response.data)
        for script in tree.iter("script"):
            if not script.get("src") or (script.text or "").strip():
                problems.append(f"{rule.endpoint}: inline <script>")
        for element in tree.iter():
            if isinstance(element.tag, str) and any(a.lower().startswith("on") for a in element.attrib):
                problems.append(f"{rule.endpoint}: <{element.tag}> has an inline event handler")
            if isinstance(element.tag, str) and element.get("style") is not None:
                problems.append(f"{rule.endpoint}: <{element.tag}> has an inline style (style-src 'self')")
    assert not problems, "\n".join(sorted(set(problems)))


def test_lms_framing_is_allowed_only_for_the_configured_origins(app, world):
    app.config["FRAME_ANCESTORS"] = "'self' https://canvas.example.edu"
    response = client_for(app, world.user("student_a")).get("/dashboard")
    assert not _check_headers(response, "dashboard", ["'self'", "https://canvas.example.edu"])
    # X-Frame-Options cannot name another origin: it is left out and the CSP decides.
    assert "X-Frame-Options" not in response.headers


# ---------------------------------------------------------------------------------------------- cookies


def _set_cookie(response, name: str) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")]
    assert cookies, f"no {name} cookie set"
    return cookies[-1]


def _flags(cookie: str) -> set[str]:
    return {part.strip().lower() for part in cookie.split(";")[1:]}


def test_session_cookie_is_httponly_and_lax_and_not_secure_over_plain_http_in_development(app, world):
    response = client_for(app, None).get("/login")
    flags = _flags(_set_cookie(response, "session"))
    assert "httponly" in flags and "samesite=lax" in flags
    assert "secure" not in flags  # tests and `make run` serve plain http on loopback


def test_production_cookies_are_secure_httponly_lax(database_url, world, monkeypatch):
    """The production config: session and remember-me cookies only over HTTPS, never readable by scripts."""
    monkeypatch.setenv("CASEWISE_CONFIG", "production")
    production = create_app(
        {
            "SECRET_KEY": "x" * 32,
            "SQLALCHEMY_DATABASE_URI": database_url,
            # Production keeps its limits in Redis (it refuses to start otherwise); a database of its own.
            "REDIS_URL": "redis://127.0.0.1:6379/12",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/12",
        }
    )
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_SECURE"] is True
    client = production.test_client()
    page = client.get("/login", base_url="https://casewise.example")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.get_data(as_text=True)).group(1)
    login = client.post(
        "/login",
        base_url="https://casewise.example",
        headers={"Referer": "https://casewise.example/login"},
        data={"username": "student_a", "password": PASSWORD, "remember": "y", "csrf_token": token},
    )
    assert login.status_code == 302, login.get_data(as_text=True)
    for name in ("session", "remember_token"):
        flags = _flags(_set_cookie(login, name))
        assert {"secure", "httponly", "samesite=lax"} <= flags, (name, flags)


# ---------------------------------------------------------------------------------------------- sessions


def test_session_protection_is_strong_a_stolen_cookie_from_another_browser_is_dropped(app, world):
    assert app.login_manager.session_protection == "strong"
    client = client_for(app, world.user("student_a"))
    assert client.get("/dashboard").status_code == 200
    moved = client.get("/dashboard", headers={"User-Agent": "Another browser/1.0"})
    assert moved.status_code == 302 and moved.headers["Location"].startswith("/login")


def test_login_starts_a_new_session(app, world):
    """Session fixation: nothing planted in the session before login survives it, and the CSRF token
    (the only secret a pre-login session holds) is a new one."""
    from tests.security.conftest import OwnUserClient

    client = OwnUserClient(app, app.response_class, use_cookies=True)
    before_token = csrf_token(client, "/login")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    response = client.post("/login", data={"username": "student_a", "password": PASSWORD})
    assert response.status_code == 302
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.get("_user_id") == world.user("student_a").get_id()
    assert csrf_token(client, "/dashboard") != before_token


def test_logout_ends_every_session_of_the_user_even_a_copied_cookie(app, world):
    """Logging out bumps the user's session version: a copy of the cookie taken before (another device,
    or a thief) no longer logs in. The two-device case is also in tests/integration/auth."""
    student = world.user("student_a")
    laptop = client_for(app, student)
    phone = client_for(app, student)
    stolen = laptop.get_cookie("session").value
    assert laptop.post("/logout").status_code == 302
    db.session.refresh(student)
    thief = client_for(app, None)
    thief.set_cookie("session", stolen)
    for client in (laptop, phone, thief):
        response = client.get("/dashboard")
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_logout_needs_a_post_with_a_token(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    client = client_for(app, world.user("student_a"))
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no token: still logged in
    assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize("path", ["/login", "/register"])
def test_auth_pages_are_not_cached(app, path):
    assert client_for(app, None).get(path).headers.get("Cache-Control") == "no-store"


def test_attempt_pages_are_not_cached(app, world):
    client = client_for(app, world.user("student_a"))
    assert client.get(f"/quizzes/attempts/{world.attempt_open.id}").headers.get("Cache-Control") == "no-store"
    assert client.get("/account/data.json").headers.get("Cache-Control") == "no-store"
