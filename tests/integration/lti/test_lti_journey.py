"""The LTI journey against a platform we did not write (lti1p3platform): launches as instructor and
learner, deep linking a quiz, a student taking it, the score at the LMS's AGS endpoint, a roster sync.
The tool's own JWTs (deep-linking response, token assertion) are decoded and checked here."""

from __future__ import annotations

import re

import jwt
from sqlalchemy import select

from app.extensions import db
from app.lti import passback
from app.models import (
    Article,
    Attempt,
    Course,
    Enrolment,
    LtiContext,
    LtiScore,
    LtiUser,
    Question,
    Quiz,
    User,
)
from app.quizzes import service as quizzes
from tests.integration.lti.lms import CLIENT_ID, DEPLOYMENT_ID, Browser, decode_unverified, tool_public_key


def _user(sub: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).join(LtiUser, LtiUser.user_id == User.id).where(LtiUser.sub == sub))


def _make_quiz(owner: User, course: Course) -> Quiz:
    question = db.session.scalars(
        select(Question).where(Question.qtype == "mcq", Question.status == "approved").order_by(Question.uid)
    ).first()
    quiz = quizzes.save_quiz(
        owner, quizzes.QuizSettings(title="FAW deal facts", course=course, published=True)
    )
    quizzes.add_questions(quiz, [question.id])
    return quiz


def test_deep_link_take_quiz_and_score_reaches_the_lms(app, seeded, lti_world):
    lms, tool = lti_world.lms, lti_world.tool_url
    teacher = Browser()

    # Instructor launch: a Casewise instructor and a linked course are provisioned, no password.
    landed = teacher.launch(lms, user="t-1", role="instructor", context="c-1", name="Tina Teacher")
    assert landed.status_code == 200, landed.text[:400]
    instructor = _user("t-1")
    assert instructor.role == "instructor" and instructor.display_name == "Tina Teacher"
    context = db.session.scalar(select(LtiContext).where(LtiContext.context_id == "c-1"))
    course = db.session.get(Course, context.course_id)
    assert course.title == "LMS c-1"
    quiz = _make_quiz(instructor, course)
    max_points = quizzes.max_points(quiz)

    # Deep linking: the instructor picks the quiz; the LMS gets a content item with a line item.
    picker = teacher.launch(
        lms, user="t-1", role="instructor", context="c-1", deep_link="1", name="Tina Teacher"
    )
    assert picker.status_code == 200 and "FAW deal facts" in picker.text, picker.text[:400]
    returned = teacher.http.post(picker.url, data={"item": f"quiz:{quiz.id}"}, timeout=15)
    assert (
        returned.status_code == 200
        and "form-action 'self' " + lms.url in returned.headers["Content-Security-Policy"]
    )
    back = teacher.submit_form(returned)
    assert back.status_code == 200 and "Added 1 item" in back.text
    header, claims = decode_unverified(lms.deep_link_jwts[-1])
    verified = jwt.decode(
        lms.deep_link_jwts[-1],
        tool_public_key(tool, header["kid"]),
        algorithms=["RS256"],
        audience=lms.issuer,
    )
    assert verified["iss"] == CLIENT_ID and verified["aud"] in (lms.issuer, [lms.issuer])
    assert verified["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == DEPLOYMENT_ID
    assert verified["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    assert verified["nonce"] and verified["exp"] > verified["iat"]
    [item] = lms.content_items
    assert item["custom"] == {"casewise_target": f"quiz:{quiz.id}"}
    assert item["lineItem"]["scoreMaximum"] == max_points

    # Learner launch into the linked quiz: lands on the quiz page as a student of that course.
    student = Browser()
    page = student.launch(
        lms, user="s-1", role="learner", context="c-1", target=f"quiz:{quiz.id}", line_item="1"
    )
    assert page.status_code == 200 and page.url.endswith(f"/quizzes/{quiz.id}"), page.url
    assert "frame-ancestors 'self' " + lms.url in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers
    learner = _user("s-1")
    assert learner.role == "student"
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == learner.id))
    assert (enrolment.course_id, enrolment.role) == (course.id, "student")

    # The student takes the quiz in the browser session the launch made; the score reaches the LMS.
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    started = student.http.post(
        f"{tool}/quizzes/{quiz.id}/start", data={"csrf_token": csrf.group(1) if csrf else ""}
    )
    assert started.status_code == 200 and "/attempts/" in started.url, started.url
    attempt_id = int(re.search(r"/attempts/(\d+)", started.url).group(1))
    form = {
        name: value
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', started.text)
    }
    for name in re.findall(r'<input[^>]*type="radio"[^>]*name="([^"]+)"', started.text):
        form.setdefault(
            name, re.search(rf'type="radio"[^>]*name="{name}"[^>]*value="([^"]*)"', started.text).group(1)
        )
    submitted = student.http.post(started.url, data={**form, "submit": "Submit"}, timeout=15)
    assert submitted.status_code == 200 and "/review" in submitted.url, submitted.text[:300]
    attempt = db.session.get(Attempt, attempt_id)
    db.session.refresh(attempt)
    assert attempt.state == "submitted" and attempt.score is not None
    [score] = lms.scores
    assert score["userId"] == "s-1" and score["line_item"] == "1"
    assert score["content_type"] == "application/vnd.ims.lis.v1.score+json"
    assert score["scoreMaximum"] == max_points
    assert score["activityProgress"] == "Completed" and score["gradingProgress"] == "FullyGraded"
    assert score["timestamp"].endswith("Z")
    row = db.session.scalar(select(LtiScore).where(LtiScore.attempt_id == attempt_id))
    assert row.status == "sent" and row.sent_at is not None

    # Never twice: grading the same attempt again, and Resend of a sent score, post nothing.
    passback.on_attempt_graded(attempt_id)
    passback.resend(row.id, course.id)
    assert len(lms.scores) == 1

    # The token assertion the tool signed: iss = sub = client id, aud = the token URL, fresh jti.
    assertion = lms.assertions[-1]
    header, _ = decode_unverified(assertion)
    claims = jwt.decode(
        assertion, tool_public_key(tool, header["kid"]), algorithms=["RS256"], audience=f"{lms.url}/token"
    )
    assert claims["iss"] == claims["sub"] == CLIENT_ID and claims["jti"]

    # Roster sync: the LMS lists the teacher and a new student; s-1 left the course and loses access.
    lms.members["c-1"] = [
        {
            "user_id": "t-1",
            "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
            "status": "Active",
        },
        {
            "user_id": "s-2",
            "name": "Sam New",
            "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
        },
        {"user_id": "s-3", "name": "Inactive", "roles": ["Learner"], "status": "Inactive"},
    ]
    sync = teacher.http.post(f"{tool}/lti/courses/{course.id}/roster", timeout=15)
    assert sync.status_code == 200 and "1 added, 1 kept, 1 removed" in sync.text, sync.text[:600]
    db.session.expire_all()
    members = {
        u.display_name: e.role
        for u, e in db.session.execute(
            select(User, Enrolment)
            .join(Enrolment, Enrolment.user_id == User.id)
            .where(Enrolment.course_id == course.id)
        )
    }
    assert members.get("Sam New") == "student" and members.get("Tina Teacher") == "instructor"
    assert learner.display_name not in members or members[learner.display_name] != "student"
    assert student.get(f"{tool}/quizzes/{quiz.id}").status_code == 403

    # Deep-linked decks and articles open the study deck and the reader.
    slug = db.session.scalars(select(Article.slug).order_by(Article.slug)).first()
    deck = Browser().launch(lms, user="s-2", role="learner", context="c-1", target=f"deck:{slug}")
    assert deck.status_code == 200 and deck.url.endswith(f"/study/article/{slug}"), deck.url
    article = Browser().launch(lms, user="s-2", role="learner", context="c-1", target=f"article:{slug}")
    assert article.status_code == 200 and article.url.endswith(f"/articles/{slug}"), article.url

    # The instructor's status page shows the sent score.
    status = teacher.get(f"{tool}/lti/courses/{course.id}")
    assert status.status_code == 200 and "sent" in status.text
