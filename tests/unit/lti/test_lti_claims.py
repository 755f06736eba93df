"""The pure parts of LTI: role mapping, the claims pylti1p3 leaves unchecked, deployment lists, score URLs."""

from __future__ import annotations

import pytest

from app.lti.passback import _scores_url
from app.lti.service import LtiError, check_claims, is_instructor_role, parse_deployment_ids, parse_target
from app.models import LtiPlatform

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


@pytest.mark.parametrize(
    ("roles", "instructor"),
    [
        ([MEMBERSHIP + "Learner"], False),
        ([MEMBERSHIP + "Instructor"], True),
        ([MEMBERSHIP + "ContentDeveloper"], True),
        ([MEMBERSHIP + "Learner", MEMBERSHIP + "Mentor"], False),
        (["Instructor"], True),  # the short form some LMSs send in NRPS
        (["Learner"], False),
        # An institution-wide role is not a role in this course.
        (["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"], False),
        ([MEMBERSHIP + "Instructor#TeachingAssistant"], False),
        ([], False),
    ],
)
def test_roles_map_to_instructor_only_for_course_instructors(roles, instructor):
    assert is_instructor_role(roles) is instructor


PLATFORM = LtiPlatform(issuer="https://lms.example", client_id="tool-1")


def _claims(**changes):
    claims = {"aud": "tool-1", "exp": 2_000_000_000, "iat": 1_900_000_000}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def test_claims_accept_a_good_token():
    check_claims(_claims(), PLATFORM)
    check_claims(_claims(aud=["tool-1", "other"], azp="tool-1"), PLATFORM)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"aud": "tool-2"}, "addressed to 'tool-2'"),
        ({"aud": ["tool-1", "other"]}, "authorised party (azp)"),
        ({"aud": ["tool-1", "other"], "azp": "other"}, "authorised party (azp)"),
        ({"exp": None}, "no 'exp' time"),
        ({"iat": "yesterday"}, "no 'iat' time"),
    ],
)
def test_claims_refuse_with_a_message(changes, message):
    with pytest.raises(LtiError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_claims(_claims(**changes), PLATFORM)


def test_deployment_ids_and_targets_parse():
    assert parse_deployment_ids(" 1:abc, 2:def\n3 ") == ["1:abc", "2:def", "3"]
    assert parse_deployment_ids("") == []
    assert parse_target("quiz:12") == ("quiz", "12")
    assert parse_target("") == ("", "")


def test_scores_url_keeps_the_query():
    assert _scores_url("https://lms/lineitems/7") == "https://lms/lineitems/7/scores"
    assert _scores_url("https://lms/lineitems/7/") == "https://lms/lineitems/7/scores"
    assert _scores_url("https://lms/api/lti/courses/1/line_items/7?type_id=3") == (
        "https://lms/api/lti/courses/1/line_items/7/scores?type_id=3"
    )
