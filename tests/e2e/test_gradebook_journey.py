"""The instructor's and the student's grade pages in Chromium, at desktop and phone widths: the course grid,
My grades, the overrides form, a preview, item analysis and the builder's form ids.

One seeded course of its own (so the other journeys' data never mixes in), built once for the module."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.a11y import capture, check_a11y
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.browser
PASSWORD = "casewise-demo"


@dataclass
class World:
    course_id: int
    quiz_id: int
    after_close_quiz_id: int
    student_names: list[str]


@pytest.fixture(scope="module")
def world(live_app) -> World:
    """A course with 12 students and two quizzes: every student took the first (a spread of answers for
    the item analysis), one waits for a hand grade on the second."""
    from app.auth.service import create_user
    from app.courses.service import create_course, join_course
    from app.extensions import db
    from app.models import Attempt, Question, utcnow
    from app.quizzes import service

    with live_app.app_context():
        teacher = create_user("gb_teacher", "Grace Booker", PASSWORD, "instructor")
        course = create_course(teacher, "Gradebook seminar", "Accounting for alliances.", "GRADEB22")
        approved = db.select(Question).where(Question.status == "approved").order_by(Question.uid)
        mcqs = db.session.scalars(approved.where(Question.qtype == "mcq")).all()[:2]
        tf = db.session.scalars(approved.where(Question.qtype == "tf")).first()
        quiz = service.save_quiz(
            teacher,
            service.QuizSettings(title="Alliance figures", course=course, published=True, attempts_allowed=1),
        )
        service.add_questions(quiz, [q.id for q in (*mcqs, tf)])
        later = service.save_quiz(
            teacher,
            service.QuizSettings(
                title="Risks essay (after close)",
                course=course,
                published=True,
                feedback_timing="after_close",
                closes_at=utcnow() + timedelta(days=5),
            ),
        )
        service.add_questions(later, [tf.id])
        names = []
        for i in range(12):
            name = f"Student {chr(65 + i)}{' with a rather long double-barrelled name' if i == 3 else ''}"
            user = create_user(f"gb_student{i:02d}", name, PASSWORD)
            names.append(name)
            join_course(user, "GRADEB22")
            attempt = service.start_attempt(quiz, user)
            answers = {}
            for n, q in enumerate(mcqs):
                answers[q.id] = q.answer if (i + n) % 3 else next(o for o in q.options if o != q.answer)
            answers[tf.id] = tf.answer if i % 2 else (not tf.answer)
            service.submit_attempt(attempt, answers)
            if i == 0:
                taken = service.start_attempt(later, user)
                service.submit_attempt(taken, {tf.id: tf.answer})
            if i == 1:  # submitted and waiting for a hand grade, as an ungraded essay leaves it
                db.session.add(
                    Attempt(
                        mode="quiz",
                        quiz_id=later.id,
                        user_id=user.id,
                        number=1,
                        state="submitted",
                        layout=[],
                        submitted_at=utcnow(),
                        score=None,
                        max_score=1.0,
                    )
                )
                db.session.commit()
        return World(course.id, quiz.id, later.id, names)


def test_course_grid_and_csv(page, live_server, world):
    login(page, live_server, "gb_teacher")
    page.goto(f"{live_server}/courses/{world.course_id}")
    page.get_by_role("link", name="Course gradebook").click()
    page.wait_for_url(f"{live_server}/courses/{world.course_id}/gradebook")
    grid = page.locator("table.course-grid")
    assert grid.locator("tbody tr").count() == 12
    headers = grid.locator("thead th").all_inner_texts()
    assert headers[1].startswith("Alliance figures") and "highest · max 3" in headers[1]
    assert grid.locator(".badge.pending", has_text="needs grading").count() == 1
    first_row = grid.locator("tbody tr").first.inner_text()
    assert "Student A" in first_row and "1 / 1" in first_row
    capture(page, "course-grid")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith('username,display_name,"Alliance figures (max 3, highest)"')
    assert text.count("\n") == 13 and "needs grading" in text


def test_my_grades_for_a_student(browser, page, live_server, world):
    login(page, live_server, "gb_student00")
    page.get_by_role("link", name="Grades", exact=True).click()
    page.wait_for_url(f"{live_server}/grades")
    section = page.locator("section.panel", has_text="Gradebook seminar")
    rows = section.locator("table.my-grades tbody tr")
    assert rows.count() == 2
    assert "Review" in rows.nth(0).inner_text()
    assert "After the quiz closes" in rows.nth(1).inner_text()
    capture(page, "my-grades")
    rows.nth(0).get_by_role("link", name=re.compile("^Review")).click()
    page.wait_for_url(re.compile(r"/review$"))
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    pending = other.new_page()
    login(pending, live_server, "gb_student01")
    pending.goto(f"{live_server}/grades")
    assert "needs grading" in pending.locator("table.my-grades").inner_text()
    other.close()


def test_overrides_form_at_desktop_and_phone(page, phone_page, live_server, world):
    login(page, live_server, "gb_teacher")
    page.goto(f"{live_server}/quizzes/{world.quiz_id}/gradebook")
    form = page.locator("form.override-form")
    form.get_by_label("Student", exact=True).select_option(label="Student C (gb_student02)")
    form.get_by_label("Extra attempts (optional)").fill("101")
    form.get_by_role("button", name="Save override").click()
    error = page.locator("#extra_attempts-error")
    assert "Between 0 and 100" in error.inner_text()
    page.locator("form.override-form").get_by_label("Extra attempts (optional)").fill("1")
    page.locator("form.override-form").get_by_label("Time limit in minutes (optional)").fill("45")
    page.locator("form.override-form").get_by_role("button", name="Save override").click()
    page.locator(".flash", has_text="Override saved for Student C").wait_for()
    row = page.locator("table.overrides tbody tr", has_text="Student C")
    assert "45 min" in row.inner_text()
    capture(page, "quiz-overrides")
    # Student C now has a second attempt; the others have used their one.
    login(phone_page, live_server, "gb_student02")
    phone_page.goto(f"{live_server}/quizzes/{world.quiz_id}")
    assert phone_page.get_by_role("button", name="Start another attempt").is_visible()
    assert "Time limit: 45 minutes" in phone_page.content()
    check_a11y(phone_page, "quiz page with an override")


def test_preview_as_a_student(page, live_server, world):
    login(page, live_server, "gb_teacher")
    page.goto(f"{live_server}/quizzes/{world.quiz_id}/edit")
    page.get_by_role("button", name="Preview as a student").click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
    assert "not counted" in page.locator("p.notice").first.inner_text()
    page.locator("fieldset.question").first.locator("label.choice").first.click()
    page.locator("fieldset.question").first.locator(".save-status", has_text="Saved").wait_for()
    page.locator(".attempt-actions").get_by_role("button", name="Finish attempt…").click()
    page.wait_for_url(re.compile(r"/summary$"))
    page.get_by_role("button", name="Submit all and finish").click()
    page.locator("dialog.confirm-submit").get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r"/review$"))
    assert "preview 1" in page.locator("h1").inner_text()
    page.goto(f"{live_server}/courses/{world.course_id}/gradebook")
    assert "Grace Booker" not in page.locator("table.course-grid tbody").inner_text()


def test_item_analysis_and_builder_ids(page, live_server, world):
    login(page, live_server, "gb_teacher")
    page.goto(f"{live_server}/quizzes/{world.quiz_id}/analysis")
    assert page.locator("#too-few").count() == 0  # 12 first attempts
    first = page.locator("details.responses").first
    table = first.locator("table.response-table")
    assert table.locator("tbody tr").count() >= 3
    assert table.locator("tr.right").count() == 1
    stem = page.locator("table.analysis td.stem").first
    assert (
        stem.get_attribute("title")
        and stem.get_attribute("title") in first.locator(".full-stem").inner_text()
    )
    capture(page, "item-analysis")
    screenshot(page, "item-analysis-responses-desktop")

    page.goto(f"{live_server}/quizzes/{world.quiz_id}/edit")
    duplicates = page.evaluate(
        """() => { const seen = {}; const dup = [];
          document.querySelectorAll('[id]').forEach(el => { if (el.type !== 'hidden') {
            if (seen[el.id]) dup.push(el.id); seen[el.id] = true; } });
          return dup; }"""
    )
    assert duplicates == []
    # Every item's controls name their item, so a screen reader's list of fields tells them apart.
    for n in (1, 2, 3):
        assert page.get_by_label(f"Points for item {n}", exact=True).count() == 1
        assert page.get_by_role("button", name=f"Remove item {n}", exact=True).count() == 1
    check_a11y(page, "quiz builder")
