"""What `make run` shows a visitor: the demo seed's quizzes, review queue and study statistics, at desktop
and phone widths, on the app migrated and seeded exactly as `make run` does."""

from __future__ import annotations

import re
import threading

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.seed.demo import CANDIDATES_PER_ARTICLE, EVERY_TYPE_QUIZ, PRACTICE_QUIZ
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
        assert page.locator("figure.chart").count() == 7
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


# Words of table cells that the browser broke across two lines (between hyphens, slashes and spaces is fine).
BROKEN_WORDS = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const broken = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[^\\s\\-\\u2010-\\u2015\\/]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_tables_keep_their_words_whole(demo_server, browser, width):
    """Every page with a table, on the demo content: no word in a cell is broken mid-word ("finished" as
    fini-shed at 390 px), and the page stays as wide as the screen (a wide table scrolls in its box)."""
    context = browser.new_context(viewport={"width": width, "height": 844}, is_mobile=width < 800)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, demo_server, "instructor")
        page.goto(f"{demo_server}/study/course/1/stats")
        page.get_by_role("button", name="Refresh now").click()  # a job, for the jobs list
        pages = {
            "instructor": [
                "/jobs/",
                "/articles/",
                "/study/course/1/stats",
                "/quizzes/",
                "/quizzes/1/gradebook",
                "/quizzes/1/analysis",
                "/courses/1/gradebook",
                "/bank/review?qtype=matching&status=any",
            ],
            "student": ["/quizzes/", "/study/stats"],
        }
        for user, paths in pages.items():
            if user == "student":
                page.context.clear_cookies()
                login(page, demo_server, "student")
            for path in paths:
                assert page.goto(f"{demo_server}{path}").status == 200, path
                assert page.locator("table").count(), f"{path} has no table to check"
                assert page.evaluate(BROKEN_WORDS) == [], f"{path} breaks words at {width} px"
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, f"{path} is {scroll} px wide at {width} px"
                if path == "/jobs/":
                    assert "done" in page.locator("table").inner_text()
                    screenshot(page, f"tables-jobs-{width}")
                if path == "/study/course/1/stats":
                    screenshot(page, f"tables-course-stats-{width}")
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_right_answer_shows_its_feedback_on_the_review(demo_server, browser, width):
    """A student answers the every-type quiz's cloze and numeric questions (autosaved: a reload keeps them),
    submits, and the review shows the feedback each right answer carries in the bank, under the answer."""
    context = browser.new_context(viewport={"width": width, "height": 844}, is_mobile=width < 800)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, demo_server, "student" if width < 800 else "student2")
        page.goto(f"{demo_server}/quizzes/1")
        page.get_by_role("button", name="Start attempt").click()
        page.wait_for_url("**/quizzes/attempts/*")
        cloze = page.locator("input[name^='q-'][name$='-1'][type=text]").first
        cloze.fill("symbiosis and win-win")
        numeric = page.get_by_label("Your answer (in %)")
        numeric.fill("5")
        page.get_by_text("Saved", exact=True).nth(1).wait_for()  # each question says when it is saved
        page.reload()
        assert cloze.input_value() == "symbiosis and win-win" and numeric.input_value() == "5"
        page.get_by_role("button", name="Finish attempt…").click()
        # The summary's script turns the submit into a confirmation: wait for the page to load (its
        # deferred scripts run first), or on a busy machine the click beats it and the form posts directly.
        page.wait_for_url("**/summary")
        page.get_by_role("button", name="Submit all and finish").first.click()
        page.get_by_role("dialog").get_by_role("button", name="Submit all and finish").click()
        page.wait_for_url("**/review")
        said = page.locator(".answer-feedback").all_inner_texts()
        assert any(text.startswith('Right: "symbiosis and win-win"') for text in said), said
        assert any(text.startswith("Right: 5%, a minority stake") for text in said), said
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"demo-review-feedback-{width}")
    finally:
        context.close()


# Tag pills (topic, type) whose text the browser laid out on more than one line.
WRAPPED_PILLS = """() => [...document.querySelectorAll('.badge')].filter(pill => {
  const range = document.createRange();
  range.selectNodeContents(pill);
  return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size > 1;
}).map(pill => pill.textContent)"""


@pytest.mark.parametrize("width", [390, 1280])
def test_the_quiz_builder_keeps_each_tag_pill_on_one_line(demo_server, browser, width):
    """The bank list beside long stems: "comprehension" and "tf" stay whole, not one letter a line."""
    context = browser.new_context(viewport={"width": width, "height": 844}, is_mobile=width < 800)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, demo_server, "instructor")
        page.goto(f"{demo_server}/quizzes/1/edit")
        assert page.locator(".picker .badge").count() >= 2
        assert page.evaluate(WRAPPED_PILLS) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


# Table headers that reach past the right edge of their scroll box (read as "Retent" until scrolled).
CUT_OFF_HEADERS = """() => [...document.querySelectorAll('.scroll-x th')].filter(th =>
  th.getBoundingClientRect().right > th.closest('.scroll-x').getBoundingClientRect().right + 1
).map(th => th.textContent)"""


def test_the_course_study_tables_fit_a_phone(demo_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, demo_server, "instructor")
        page.goto(f"{demo_server}/study/course/1/stats")
        assert page.locator("#panel-topics th", has_text="Retention").count() == 1
        assert page.evaluate(CUT_OFF_HEADERS) == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_library_keeps_each_date_on_one_line(demo_server, browser, width):
    """The article library's date column: "2025-03-03", not "2025-" above "03-03"."""
    context = browser.new_context(viewport={"width": width, "height": 844}, is_mobile=width < 800)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, demo_server, "instructor")
        page.goto(f"{demo_server}/articles/")
        dates = page.locator("td.date")
        texts = dates.all_inner_texts()
        assert any(re.fullmatch(r"\d{4}-\d\d-\d\d", text) for text in texts), texts
        lines = dates.evaluate_all(
            """cells => cells.map(cell => {
              const range = document.createRange();
              range.selectNodeContents(cell);
              return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
            })"""
        )
        assert lines == [1] * len(lines), f"a date wraps at {width} px: {texts}"
    finally:
        context.close()
