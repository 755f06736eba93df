"""What tripped a newcomer, in Chromium at desktop and phone widths: an article with no boilerplate says
so (not "0 segments excluded, marked like this"), the reader leads to the article's candidates in the
review queue, and the join form on the courses page speaks to the instructor as an instructor."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.browser

CLEAN_ARTICLE = """Northwind Grocers, a regional supermarket chain with 214 stores, said on Tuesday that it will
sell a 35% stake in its online delivery arm to Harbor Logistics for $410 million.

Chief executive Maria Lund said the partnership would let Northwind cut delivery costs by 18% within two
years. Harbor Logistics will supply refrigerated vans, while Northwind keeps control of pricing.

Analysts warned that Harbor Logistics already works for two of Northwind's rivals, which could raise
questions about customer data."""


@pytest.mark.parametrize("width", [1280, 390])
def test_a_clean_article_leads_to_its_candidates(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)  # generation loads the NLP pipeline on a busy machine
    try:
        login(page, live_server, "instructor")
        page.goto(f"{live_server}/articles/new")
        title = f"Northwind delivery stake {uuid.uuid4().hex[:6]}"
        page.get_by_label("Title").fill(title)
        # The same text twice is refused as a duplicate: each run adds its own closing paragraph.
        page.get_by_label("Paste the article text").fill(
            f"{CLEAN_ARTICLE}\n\nThe filing number is {title[-6:]}."
        )
        page.get_by_role("button", name="Add article").click()
        page.wait_for_url(f"{live_server}/articles/northwind-*")
        assert page.locator("#nothing-excluded").is_visible()
        assert page.locator("p.notice", has_text="excluded from questions").count() == 0
        slug = page.url.rsplit("/", 1)[1]

        page.get_by_role("button", name="Generate questions").click()
        page.get_by_text(re.compile(r"new candidates? queued for review")).wait_for()
        screenshot(page, f"newcomer-reader-{width}")
        page.get_by_role("link", name="Review this article's candidates").click()
        page.wait_for_url(f"{live_server}/bank/review?article={slug}")
        assert page.locator("select[name=article]").input_value() == slug
        sources = page.locator("li.queue-item").filter(has_text=title)
        assert sources.count() >= 1, "the queue filtered to the article shows its candidates"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"newcomer-review-{width}")
        sources.first.get_by_role("button", name="Approve", exact=True).click()
        flash = page.locator(".flash", has_text="Approved 1 question.")
        flash.wait_for()
        assert "add them to a quiz from its builder" in flash.inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_join_hint_fits_who_reads_it(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        login(page, live_server, "instructor")
        page.goto(f"{live_server}/courses/")
        panel = page.locator("section.panel", has_text="Join a course")
        assert "colleague's course" in panel.inner_text()
        assert "Your instructor gives you" not in panel.inner_text()
        page.get_by_role("button", name="Log out").click()

        login(page, live_server, "student")
        page.goto(f"{live_server}/courses/")
        panel = page.locator("section.panel", has_text="Join a course")
        assert "Your instructor gives you an 8-character code." in panel.inner_text()
        assert "colleague" not in panel.inner_text()
        screenshot(page, f"newcomer-courses-student-{width}")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_publishing_says_how_students_get_the_quiz(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        login(page, live_server, "instructor")
        page.goto(f"{live_server}/quizzes/new")
        page.get_by_label("Title").fill(f"Newcomer quiz {width}")
        page.get_by_role("button", name="Save quiz").click()
        page.get_by_text("Quiz created. Now add questions.").wait_for()
        page.locator("input[name=question_id]").first.check()
        page.get_by_role("button", name="Add selected questions").click()
        page.get_by_text("Added 1 question.").wait_for()
        assert page.locator("#export-quiz").is_visible()
        page.get_by_label("Published (students of the course can see and take it)").check()
        page.get_by_role("button", name="Save quiz").click()
        flash = page.get_by_text("They join the course with the code FAWDEMO8.")
        flash.wait_for()
        assert "see it on the course page" in flash.inner_text()
        screenshot(page, f"newcomer-published-{width}")
        page.get_by_role("button", name="Save quiz").click()
        page.get_by_text("Settings saved.").wait_for()  # already published: no repeat of the code
        page.locator("#export-quiz").click()
        page.get_by_role("link", name="Download Moodle XML").wait_for()
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_duplicate_article_links_to_the_one_in_the_library(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        login(page, live_server, "instructor")
        text = f"{CLEAN_ARTICLE}\n\nThe duplicate check runs at {width} px."
        for attempt in ("first", "again"):
            page.goto(f"{live_server}/articles/new")
            page.get_by_label("Title").fill(f"Duplicate {width} {attempt}")
            page.get_by_label("Paste the article text").fill(text)
            page.get_by_role("button", name="Add article").click()
            page.wait_for_load_state()
        assert "already in the library" in page.locator("main").inner_text()
        screenshot(page, f"newcomer-duplicate-{width}")
        page.locator("#duplicate-article").get_by_role("link", name="open the article").click()
        page.wait_for_url(f"{live_server}/articles/duplicate-{width}-first")
    finally:
        context.close()
