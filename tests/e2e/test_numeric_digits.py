"""A numeric answer typed with a superscript in Chromium: autosave says it was not saved and which characters
to use, instead of "Saved" with 2² read as 22; the hint under the box gives an amount for a price."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.browser
PASSWORD = "casewise-demo"


@pytest.fixture(scope="module")
def quiz_id(live_app) -> int:
    from app.auth.service import create_user
    from app.courses.service import create_course, join_course
    from app.extensions import db
    from app.models import Question
    from app.quizzes import service

    with live_app.app_context():
        teacher = create_user("nd_teacher", "Nadia Digits", PASSWORD, "instructor")
        course = create_course(teacher, "Digits seminar", "", "DIGITS22")
        for name in ("nd_desk", "nd_phone"):
            join_course(create_user(name, name, PASSWORD), course.join_code)
        price = db.session.scalar(db.select(Question).where(Question.uid == "flm-kf-003"))
        quiz = service.save_quiz(
            teacher,
            service.QuizSettings(title="Share price", course=course, published=True, attempts_allowed=5),
        )
        service.add_questions(quiz, [price.id])
        return quiz.id


@pytest.mark.parametrize(("width", "user"), [(1280, "nd_desk"), (390, "nd_phone")])
def test_a_superscript_in_a_numeric_answer_is_not_saved_and_says_why(
    browser, live_server, quiz_id, width, user
):
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 800)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, live_server, user, PASSWORD)
        page.goto(f"{live_server}/quizzes/{quiz_id}")
        page.get_by_role("button", name="Start attempt").click()
        page.wait_for_url("**/quizzes/attempts/*")
        question = page.locator("fieldset.question").first
        assert "e.g. 55.29" in question.inner_text() and "10.6%" not in question.inner_text()
        box = question.locator("input[type=text]")
        box.fill("2²")
        status = question.locator(".save-status")
        status.filter(has_text="Not saved").wait_for()
        assert "type digits 0-9" in status.inner_text()
        box.fill("55.29")
        question.locator(".save-status", has_text="Saved").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
