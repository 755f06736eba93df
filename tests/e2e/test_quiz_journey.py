"""An instructor builds a quiz from the seed bank; a student takes it (autosave, reload, submit, review);
the instructor reads the gradebook and the item analysis."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.browser
TITLE = "Leapmotor deal: key figures check"


def _build_quiz(page, base: str) -> str:
    login(page, base, "instructor")
    page.goto(f"{base}/quizzes/new")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Course", exact=True).select_option(label="Strategy in the EV industry (demo)")
    page.get_by_role("checkbox", name=re.compile("^Published")).check()
    page.get_by_role("button", name="Save quiz").click()
    # Publishing a quiz with no questions yet asks for a confirmation first.
    page.get_by_role("checkbox", name=re.compile("^Publish anyway")).check()
    page.get_by_role("button", name="Save quiz").click()
    page.wait_for_url(re.compile(r"/quizzes/\d+/edit$"))
    edit_url = page.url
    page.locator("select[name=type]").select_option("mcq")
    page.get_by_role("button", name="Filter").click()
    boxes = page.locator("ul.picker input[type=checkbox]")
    for i in range(3):
        boxes.nth(i).check()
    page.get_by_role("button", name="Add selected questions").click()
    page.locator(".flash", has_text="Added 3 questions").wait_for()
    assert page.locator("ol.items > li").count() == 3
    screenshot(page, "quiz-builder-desktop")
    return edit_url.rsplit("/", 1)[0]


def test_quiz_journey(browser, page, phone_page, live_server):
    quiz_url = _build_quiz(page, live_server)

    student = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    student.set_default_timeout(10_000)
    login(student, live_server, "student")
    student.goto(f"{live_server}/quizzes/")
    student.get_by_role("link", name=TITLE).click()
    student.get_by_role("button", name="Start attempt").click()
    student.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
    attempt_url = student.url
    questions = student.locator("fieldset.question")
    assert questions.count() == 3
    chosen = []
    for i in range(2):
        label = questions.nth(i).locator("label.choice").nth(1)
        chosen.append(label.inner_text().strip())
        label.click()
        questions.nth(i).locator(".save-status", has_text="Saved").wait_for()
    student.reload()
    for i in range(2):
        checked = questions.nth(i).locator("input:checked")
        assert checked.count() == 1 and checked.get_attribute("value") == chosen[i]
    screenshot(student, "quiz-attempt-desktop")
    # Finish: the summary of the attempt, then the submit and its confirmation.
    student.locator(".attempt-actions").get_by_role("button", name="Finish attempt…").click()
    student.wait_for_url(re.compile(r"/summary$"))
    student.get_by_role("button", name="Submit all and finish").click()
    student.locator("dialog.confirm-submit").get_by_role("button", name="Submit all and finish").click()
    student.wait_for_url(re.compile(r"/review$"))
    body = student.content()
    assert "Score:" in body and "Correct answer" in body and "Read it in the article" in body
    screenshot(student, "quiz-review-desktop")

    login(phone_page, live_server, "student")
    phone_page.goto(attempt_url + "/review")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the review page is wider than the phone screen: {width}px"
    screenshot(phone_page, "quiz-review-phone")

    page.goto(f"{quiz_url}/gradebook")
    assert "Sam Student" in page.content() and "#1:" in page.content()
    screenshot(page, "quiz-gradebook-desktop")
    page.goto(f"{quiz_url}/analysis")
    assert page.locator("svg.item-chart rect").count() >= 3
    screenshot(page, "quiz-analysis-desktop")
    student.context.close()
