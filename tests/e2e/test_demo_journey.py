"""What `make run` shows a visitor: the demo seed's quizzes, review queue and study statistics, at desktop
and phone widths, on the app migrated and seeded exactly as `make run` does."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.demo import CANDIDATES_PER_ARTICLE, EVERY_TYPE_QUIZ, PRACTICE_QUIZ
from app.extensions import db
from tests.e2e.a11y import check_a11y
from tests.e2e.conftest import _need_browser, login, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """One server for the module: `db upgrade` then the full `seed`, as `make run` runs them."""
    _need_browser()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}",
            "SECRET_KEY": "e2e-not-secret",
            "RATELIMIT_ENABLED": False,
            "DEMO_PASSWORD": "casewise-demo",
        }
    )
    runner = app.test_cli_runner()
    for args in (["db", "upgrade"], ["seed"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_demo_shows_a_quiz_a_queue_and_statistics(demo_server, browser, width):
    viewport = {"width": 1280, "height": 900} if width == "desktop" else {"width": 390, "height": 844}
    context = browser.new_context(viewport=viewport, is_mobile=width == "phone", has_touch=width == "phone")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, demo_server, "student")
        page.goto(f"{demo_server}/quizzes/")
        listing = page.locator("main").inner_text()
        assert EVERY_TYPE_QUIZ in listing and PRACTICE_QUIZ in listing
        screenshot(page, f"demo-quizzes-{width}")
        check_a11y(page, "demo quiz list")

        page.goto(f"{demo_server}/study/stats")
        assert page.locator("svg[role=img]").count() == 5
        learned = sum(int(page.locator(f"#count-{state}").inner_text()) for state in ("learning", "review"))
        assert learned >= 10, "the demo history leaves cards in learning and review"
        screenshot(page, f"demo-stats-{width}")

        page.context.clear_cookies()
        login(page, demo_server, "instructor")
        page.goto(f"{demo_server}/bank/review")
        queued = page.locator("[data-uid]").count()
        assert 2 <= queued <= 2 * CANDIDATES_PER_ARTICLE
        screenshot(page, f"demo-review-{width}")
    finally:
        context.close()
