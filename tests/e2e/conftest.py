"""Browser fixtures: the app served on a free loopback port, and Debian's Chromium driven by Playwright.

Skipped with a printed reason where Chromium is missing, except in CI (CI=true) where it must run.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def _need_browser() -> None:
    problem = None
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        problem = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is not installed (pip install -r requirements-dev.txt)"
    if problem:
        if IN_CI:
            pytest.fail(f"CI must run the browser tests, but {problem}")
        pytest.skip(problem)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app behind `live_server`, on SQLite with the seed case loaded (without the demo content); tests
    may call services in its app context to set up what a journey needs."""
    _need_browser()
    db_path = tmp_path_factory.mktemp("e2e") / "e2e.db"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
            "SECRET_KEY": "e2e-not-secret",
            "RATELIMIT_ENABLED": False,
            "DEMO_PASSWORD": "casewise-demo",
        }
    )
    runner = app.test_cli_runner()
    # The journeys build their own quizzes and study from scratch; the demo content has its own server
    # in test_demo_journey.py.
    for args in (["db", "upgrade"], ["seed", "--no-demo"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    """The real app on SQLite with the seed case loaded, served by werkzeug in a thread."""
    from app.generation import nlp

    nlp.pipeline()  # as wsgi.py does for a serving process: the first "Generate questions" does not load it
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, base: str, username: str, password: str = "casewise-demo") -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    # A password hash and a first page in a fresh browser: allow for a machine busy with the other
    # test process (make test runs two).
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_url(f"{base}/dashboard", timeout=30_000)
    except PlaywrightTimeout as exc:  # say where the login went instead
        text = page.locator("body").inner_text()[:600]
        raise AssertionError(
            f"login as {username} did not reach the dashboard: at {page.url}: {text}"
        ) from exc
