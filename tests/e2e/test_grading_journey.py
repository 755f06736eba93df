"""An instructor grades essays and a short answer by keyboard on the grading screen (desktop and 390 px);
the student then reads the grade and the comment on the review page."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from app.auth.service import find_user
from app.courses.service import find_by_code
from app.extensions import db
from app.models import Question
from app.quizzes import service
from tests.e2e.a11y import assert_focus_visible, capture
from tests.e2e.conftest import login

pytestmark = pytest.mark.browser
ESSAYS = {
    "student": "FAW brings **scale**: 3.2 million vehicles in 2024 and the Hongqi brand. Leapmotor brings its "
    "four-leaf clover architecture. The risk: Stellantis's stake could be diluted. Deepen it, carefully.",
    "student2": "Leapmotor needs a stronger partner and FAW needs intelligence. I would deepen the deal.",
}


def _first(qtype: str) -> Question:
    return db.session.scalars(
        select(Question).where(Question.qtype == qtype, Question.status == "approved").order_by(Question.uid)
    ).first()


@contextmanager
def _grader(browser, live_server, viewport: str, quiz_id: int):
    """The instructor's grading screen of `quiz_id` in a new browser context at the viewport's size."""
    size = {"width": 1280, "height": 900} if viewport == "desktop" else {"width": 390, "height": 844}
    context = browser.new_context(viewport=size)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, live_server, "instructor")
        page.goto(f"{live_server}/quizzes/{quiz_id}/grading")
        yield page, size
    finally:
        context.close()


@pytest.fixture(scope="module")
def graded_quiz(live_app):
    """A published quiz (short 2 points, essay 10) that two students have submitted."""
    with live_app.app_context():
        instructor = find_user("instructor")
        quiz = service.save_quiz(
            instructor,
            service.QuizSettings(
                title="Case analysis: FAW and Leapmotor", course=find_by_code("FAWDEMO8"), published=True
            ),
        )
        short, essay = _first("short"), _first("essay")
        service.add_questions(quiz, [short.id], points=2)
        service.add_questions(quiz, [essay.id], points=10)
        attempts = {}
        for username, text in ESSAYS.items():
            attempt = service.start_attempt(quiz, find_user(username))
            service.submit_attempt(attempt, {short.id: "no idea", essay.id: text})
            attempts[username] = attempt.id
        return quiz.id, attempts


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_grading_by_keyboard(browser, live_server, graded_quiz, viewport):
    quiz_id, attempts = graded_quiz
    with _grader(browser, live_server, viewport, quiz_id) as (page, size):
        items = page.locator("article.grading-item")
        if viewport == "desktop":
            assert page.locator(".grading-pick", has_text="2 of 2 need grading").count() == 1
            assert items.count() == 2 and page.locator("details summary", has_text="Rubric").count() == 1
            capture(page, "grading-screen")
            page.set_viewport_size(size)
            # j moves to the first response; a points above the maximum is refused beside the field.
            page.locator("h1").click()
            page.keyboard.press("j")
            first_points = items.nth(0).locator("input[name=points]")
            assert first_points.evaluate("el => el === document.activeElement")
            assert_focus_visible(page)
            first_points.fill("12")
            page.keyboard.press("Enter")
            items.nth(0).locator(
                ".grade-message.error", has_text="above this question's maximum of 10"
            ).wait_for()
            first_points.fill("8")
            items.nth(0).locator("textarea[name=comment]").fill("Good use of the *3.2 million* figure.")
            items.nth(0).locator("textarea[name=comment]").press("Control+Enter")
            items.nth(0).locator(".grade-message", has_text="Saved: 8 / 10").wait_for()
            # The question's count in the left column follows each save, without a reload.
            chosen = page.locator(".grading-pick li", has=page.locator("a[aria-current]")).locator(".badge")
            assert chosen.inner_text() == "essay · 1 of 2 need grading"
            second_points = items.nth(1).locator("input[name=points]")
            assert second_points.evaluate("el => el === document.activeElement")  # moved on by itself
            second_points.fill("5")
            page.keyboard.press("Enter")
            items.nth(1).locator(".grade-message", has_text="Attempt score").wait_for()
            assert items.locator(".badge-ok").count() == 2
            assert chosen.inner_text() == "essay · 2 graded"
            assert "badge-warn" not in chosen.get_attribute("class")
            # The single-key shortcuts can be switched off: j then does nothing.
            page.get_by_label(re.compile("Single-key shortcuts")).uncheck()
            page.locator("h1").click()
            page.keyboard.press("j")
            assert not first_points.evaluate("el => el === document.activeElement")
            # The checkbox is for this visit; the lasting choice is the user's setting (on here).
            page.reload()
            assert page.get_by_label(re.compile("Single-key shortcuts")).is_checked() is True
            # The short answer, by student: override the automatic 0.
            page.get_by_role("link", name="By student").click()
            page.get_by_role("link", name=re.compile("Sam Student")).click()
            short_id = page.locator("article.grading-item", has_text="Graded automatically").get_attribute(
                "id"
            )
            short = page.locator(f"#{short_id}")
            short.locator("input[name=points]").fill("2")
            short.locator("input[name=points]").press("Enter")
            short.locator(".grade-message", has_text="Attempt score: 10 / 12").wait_for()
            assert chosen.inner_text() == "graded · 10 / 12"
        else:
            assert items.count() == 2
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"the grading screen scrolls sideways by {overflow}px at 390 px"
            items.nth(0).locator("input[name=points]").focus()
            assert_focus_visible(page)


def test_the_student_reads_the_grade_and_comment(browser, live_server, graded_quiz):
    quiz_id, attempts = graded_quiz
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        login(page, live_server, "student")
        page.goto(f"{live_server}/quizzes/attempts/{attempts['student']}/review")
        text = page.locator("main").inner_text()
        if "Needs grading" in text:  # run alone, before the grading test: nothing graded yet
            assert "score is pending" in text
        else:
            assert "10.0 / 12.0" in text and "Comment from your instructor" in text
            assert page.locator(".grader-comment em", has_text="3.2 million").count() == 1
    finally:
        context.close()


def test_the_student_writes_an_essay_with_a_live_word_count(browser, live_app, live_server):
    with live_app.app_context():
        quiz = service.save_quiz(
            find_user("instructor"),
            service.QuizSettings(
                title="Essay: the partnership", course=find_by_code("FAWDEMO8"), published=True
            ),
        )
        service.add_questions(quiz, [_first("essay").id], points=10)
        quiz_id = quiz.id
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, live_server, "student2")
        page.goto(f"{live_server}/quizzes/{quiz_id}")
        page.get_by_role("button", name="Start attempt").click()
        page.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
        box = page.get_by_label(re.compile("^Your answer"))
        count = page.locator(".word-count")
        assert count.inner_text() == "0 words of 400"
        box.type("FAW brings scale; Leapmotor brings technology.")
        assert count.inner_text() == "6 words of 400" and "over" not in (count.get_attribute("class") or "")
        box.fill("word " * 401)
        assert (
            count.inner_text() == "401 words of 400 — over the limit by 1"
            and "over" in count.get_attribute("class")
        )
        box.fill(ESSAYS["student"])
        page.locator(".save-status", has_text="Saved").wait_for()  # autosaved as typed, the text itself
        page.reload()
        assert box.input_value() == ESSAYS["student"]
        capture(page, "essay-attempt")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.locator(".attempt-actions").get_by_role("button", name="Finish attempt…").click()
        page.wait_for_url(re.compile(r"/summary$"))
        page.get_by_role("button", name="Submit all and finish").click()
        page.locator("dialog.confirm-submit").get_by_role("button", name="Submit all and finish").click()
        page.wait_for_url(re.compile(r"/review$"))
        assert "Needs grading" in page.locator(".score").inner_text()
        assert page.locator(".feedback .verdict", has_text="Needs grading").count() == 1
        assert page.locator(".essay-given strong", has_text="scale").count() == 1
        capture(page, "essay-review-pending")
    finally:
        context.close()


@pytest.fixture(scope="module")
def one_point_essay(live_app):
    """A published quiz that gives the seeded essay (its rubric adds up to 10 points) 1 point."""
    with live_app.app_context():
        quiz = service.save_quiz(
            find_user("instructor"),
            service.QuizSettings(
                title="Essay worth one point", course=find_by_code("FAWDEMO8"), published=True
            ),
        )
        essay = _first("essay")
        service.add_questions(quiz, [essay.id], points=1)
        for username, text in ESSAYS.items():
            attempt = service.start_attempt(quiz, find_user(username))
            service.submit_attempt(attempt, {essay.id: text})
        return quiz.id


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_mark_out_of_the_rubric_is_typed_as_it_is_and_scaled(
    browser, live_server, one_point_essay, viewport
):
    with _grader(browser, live_server, viewport, one_point_essay) as (page, _size):
        item = page.locator("article.grading-item").nth(int(viewport == "phone"))
        hint = item.locator(".scale-hint")
        assert hint.is_visible()
        assert "The rubric adds up to 10 points; this quiz gives the question 1 point." in hint.inner_text()
        points = item.locator("input[name=points]")
        assert hint.get_attribute("id") in points.get_attribute("aria-describedby")
        points.fill("7/10")
        points.press("Enter")
        item.locator(".grade-message", has_text="Saved: 0.7 / 1").wait_for()
        assert points.input_value() == "0.7"  # the field shows the points given, not what was typed
        page.reload()
        assert item.locator("input[name=points]").input_value() == "0.7"
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the grading screen scrolls sideways by {overflow}px"
        page.screenshot(path=f"/tmp/grading-scale-{viewport}.png")
