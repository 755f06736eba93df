"""Refused launches: each bad launch gets a clear message and creates nothing; learners never get
instructor rights; one LMS's users never see another LMS's courses."""

from __future__ import annotations

import jwt
import requests
from sqlalchemy import func, select

from app.extensions import db
from app.models import Course, Enrolment, LtiContext, LtiNonce, LtiUser, User
from tests.integration.lti.lms import Browser, Served, TestLMS, lms_app, new_private_pem, now


def _counts() -> tuple[int, ...]:
    db.session.expire_all()
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Course, Enrolment, LtiUser, LtiContext, LtiNonce)
    )


def _resign(lms: TestLMS, token: str, key: str | None = None, **changes) -> str:
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    claims.update(changes)
    return jwt.encode(claims, key or lms.private_pem, algorithm="RS256", headers={"kid": header["kid"]})


def _refused(response: requests.Response, *phrases: str) -> None:
    assert response.status_code in (400, 403), (response.status_code, response.text[:300])
    text = response.text.replace("&#39;", "'").replace("&#34;", '"').replace("&quot;", '"')
    for phrase in phrases:
        assert phrase in text, (phrase, text[text.find("<main") :][:800])


def test_bad_launches_are_refused_with_a_message_and_create_nothing(app, lti_world):
    lms, tool = lti_world.lms, lti_world.tool_url
    before = _counts()
    cases = {
        "forged signature": ({"key": new_private_pem()}, ["Signature verification failed"]),
        "wrong aud": ({"aud": "someone-else"}, ["client id 'someone-else'", "is registered"]),
        "expired": ({"exp": now() - 30, "iat": now() - 400}, ["expired"]),
        "unregistered issuer": (
            {"iss": "https://evil.example"},
            ["No LMS with issuer 'https://evil.example'"],
        ),
        "unregistered deployment": (
            {"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "dep-x"},
            ["deployment id 'dep-x' is not registered"],
        ),
        "no exp": ({"exp": None}, ["exp"]),
    }
    for name, (changes, phrases) in cases.items():
        browser = Browser()
        _, fields = browser.login_form(lms, user="s-9", role="learner", context="c-9")
        key = changes.pop("key", None)
        token = _resign(lms, fields["id_token"], key, **changes)
        if changes.get("exp", 0) is None:
            claims = jwt.decode(token, options={"verify_signature": False})
            claims.pop("exp")
            token = jwt.encode(
                claims, lms.private_pem, algorithm="RS256", headers=jwt.get_unverified_header(token)
            )
        response = browser.http.post(f"{tool}/lti/launch", data={"id_token": token, "state": fields["state"]})
        _refused(response, "The launch was refused", *phrases)
        assert _counts() == before, name

    # State mismatch: the state the tool set in this browser is not the one posted.
    browser = Browser()
    _, fields = browser.login_form(lms, user="s-9", role="learner", context="c-9")
    response = browser.http.post(
        f"{tool}/lti/launch", data={"id_token": fields["id_token"], "state": "state-forged"}
    )
    _refused(response, "State not found", "Open the link again from the LMS")
    assert _counts() == before

    # The platform's JWKS cannot be fetched: refused, nothing created.
    lms.jwks_up = False
    browser = Browser()
    response = browser.launch(lms, user="s-9", role="learner", context="c-9")
    _refused(response, "The launch was refused", "could not read the LMS's public keys", "503")
    assert _counts() == before
    lms.jwks_up = True

    # A link to a deleted quiz.
    response = Browser().launch(lms, user="s-9", role="learner", context="c-9", target="quiz:99999")
    _refused(response, "quiz this LMS link points to was deleted")
    assert _counts() == before

    # Replay: the same id_token posted again after a good launch.
    browser = Browser()
    form, fields = browser.login_form(lms, user="s-9", role="learner", context="c-9")
    assert browser.submit_form(form).status_code == 200
    after_first = _counts()
    response = browser.http.post(f"{tool}/lti/launch", data=fields)
    _refused(response, "already used")
    assert _counts() == after_first


def test_learners_never_get_instructor_rights(app, lti_world):
    lms, tool = lti_world.lms, lti_world.tool_url
    student = Browser()
    assert student.launch(lms, user="s-1", role="learner", context="c-1").status_code == 200
    db.session.expire_all()
    user = db.session.scalar(
        select(User).join(LtiUser, LtiUser.user_id == User.id).where(LtiUser.sub == "s-1")
    )
    assert user.role == "student" and not user.is_instructor
    assert {e.role for e in db.session.scalars(select(Enrolment).where(Enrolment.user_id == user.id))} == {
        "student"
    }
    course_id = db.session.scalar(select(LtiContext.course_id).where(LtiContext.context_id == "c-1"))
    assert student.get(f"{tool}/quizzes/new").status_code == 403
    assert student.get(f"{tool}/lti/courses/{course_id}").status_code == 403
    # A learner's deep-linking request is refused too.
    _refused(
        student.launch(lms, user="s-1", role="learner", context="c-1", deep_link="1"), "Only instructors"
    )
    # And no password logs in as an LMS-provisioned user.
    for password in ("", "!lti-launch-only"):
        login = requests.post(
            f"{tool}/login",
            data={"username": user.username, "password": password},
            allow_redirects=False,
            timeout=10,
        )
        assert login.status_code != 302, password


def test_one_platforms_users_never_see_another_platforms_courses(app, lti_world):
    lms_a, tool = lti_world.lms, lti_world.tool_url
    lms_b = TestLMS(tool_url=tool, client_id="other-client")
    server_b = Served(lms_app(lms_b))
    lms_b.url = server_b.url
    try:
        lti_world.register(lms_b, name="Other LMS")
        a, b = Browser(), Browser()
        assert a.launch(lms_a, user="s-1", role="instructor", context="c-1").status_code == 200
        assert b.launch(lms_b, user="s-1", role="learner", context="c-1").status_code == 200
        db.session.expire_all()
        links = db.session.scalars(select(LtiUser).where(LtiUser.sub == "s-1")).all()
        contexts = db.session.scalars(select(LtiContext).where(LtiContext.context_id == "c-1")).all()
        assert len({link.user_id for link in links}) == 2 and len({c.course_id for c in contexts}) == 2
        course_a = next(c.course_id for c in contexts if c.platform_id == links[0].platform_id)
        course_b = next(c.course_id for c in contexts if c.course_id != course_a)
        assert b.get(f"{tool}/courses/{course_a}").status_code in (403, 404)
        assert a.get(f"{tool}/courses/{course_a}").status_code == 200
        assert b.get(f"{tool}/courses/{course_b}").status_code == 200
    finally:
        server_b.stop()
