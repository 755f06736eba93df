"""Casewise inside an LMS iframe, in Chromium: the test LMS (lti1p3platform) embeds the tool; an
instructor deep links a quiz from inside the frame (desktop), a learner takes it in the frame on a phone
(390 px), and the score reaches the LMS's AGS endpoint."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.lti import service as lti
from app.models import Course, LtiContext, LtiUser, Question, User
from app.quizzes import service as quizzes
from tests.e2e.conftest import screenshot
from tests.integration.lti.lms import Served, TestLMS, lms_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lms(live_app, live_server):
    state = TestLMS(tool_url=live_server, client_id="e2e-client")
    server = Served(lms_app(state))
    state.url = server.url
    with live_app.app_context():
        lti.register_platform(lti.PlatformSettings(**state.settings(name="Iframe LMS")))
    yield state
    server.stop()


def _quiz_in_lms_course(live_app) -> int:
    with live_app.app_context():
        owner_id = db.session.scalar(select(LtiUser.user_id).where(LtiUser.sub == "e2e-teacher"))
        context = db.session.scalar(select(LtiContext).where(LtiContext.context_id == "e2e-course"))
        owner = db.session.get(User, owner_id)
        course = db.session.get(Course, context.course_id)
        quiz = quizzes.save_quiz(
            owner, quizzes.QuizSettings(title="Iframe quiz", course=course, published=True)
        )
        question = db.session.scalars(
            select(Question)
            .where(Question.qtype == "mcq", Question.status == "approved")
            .order_by(Question.uid)
        ).first()
        quizzes.add_questions(quiz, [question.id])
        return quiz.id


def test_deep_link_and_take_a_quiz_inside_the_lms_iframe(live_app, lms, page, phone_page):
    teacher = dict(user="e2e-teacher", role="instructor", context="e2e-course", name="Iris Instructor")
    page.goto(f"{lms.url}/course?" + "&".join(f"{k}={v}" for k, v in teacher.items()))
    frame = page.frame_locator("#tool")
    frame.get_by_role("heading", name="LMS e2e-course").wait_for()
    quiz_id = _quiz_in_lms_course(live_app)

    page.goto(f"{lms.url}/course?" + "&".join(f"{k}={v}" for k, v in {**teacher, "deep_link": 1}.items()))
    frame.get_by_role("heading", name=re.compile("Add to LMS e2e-course")).wait_for()
    frame.get_by_label("Iframe quiz").check()
    screenshot(page, "lti-deep-link-desktop")
    frame.get_by_role("button", name="Add to the course").click()
    frame.get_by_text("Added 1 item(s) to e2e-course").wait_for()
    [item] = lms.content_items
    assert item["custom"] == {"casewise_target": f"quiz:{quiz_id}"} and item["lineItem"]["scoreMaximum"] > 0

    learner = dict(
        user="e2e-student", role="learner", context="e2e-course", target=f"quiz:{quiz_id}", line_item=1
    )
    phone_page.goto(f"{lms.url}/course?" + "&".join(f"{k}={v}" for k, v in learner.items()))
    frame = phone_page.frame_locator("#tool")
    frame.get_by_role("button", name="Start attempt").click()
    question = frame.locator("fieldset.question").first
    question.locator("label.choice").first.click()
    question.locator(".save-status", has_text="Saved").wait_for()
    screenshot(phone_page, "lti-attempt-in-iframe-phone")
    frame.locator(".attempt-actions").get_by_role("button", name="Finish attempt…").click()
    # The summary's script turns the submit into a confirmation: wait for the framed page to load (its
    # deferred scripts run first), or on a busy machine the click beats it and the form posts directly.
    tool = next(f for f in phone_page.frames if f is not phone_page.main_frame)
    tool.wait_for_url("**/summary")
    frame.get_by_role("button", name="Submit all and finish").first.click()
    frame.locator("dialog.confirm-submit").get_by_role("button", name="Submit all and finish").click()
    frame.get_by_text("Submitted.").wait_for()
    [score] = lms.scores
    assert score["userId"] == "e2e-student" and score["activityProgress"] == "Completed"
    assert (
        score["gradingProgress"] == "FullyGraded"
        and score["scoreMaximum"] == item["lineItem"]["scoreMaximum"]
    )

    # The instructor sees the score's status on the course's LMS page (inside the LMS frame too).
    page.goto(f"{lms.url}/course?" + "&".join(f"{k}={v}" for k, v in teacher.items()))
    frame = page.frame_locator("#tool")
    frame.get_by_role("link", name="LMS link: grades sent and roster").click()
    row = frame.get_by_role("row", name=re.compile("Iframe quiz"))
    row.get_by_text("sent", exact=True).wait_for()
    screenshot(page, "lti-scores-desktop")
