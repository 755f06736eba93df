"""The statistics pages: the student's charts and range selector, and the course page read from its summary
(equal to the log aggregated through grades and undos, within a statement budget, never the log)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from app.auth.service import find_user
from app.courses.service import find_by_code
from app.extensions import db
from app.models import Card, CourseSummary, CourseTopicDay, Question
from app.seed import DEMO_COURSE_CODE
from app.study import reports
from tests.integration.study.conftest import made_log
from tests.integration.study.test_study_flow import grade

CHARTS = ("states", "reviews", "buttons", "retention", "forecast", "intervals", "heatmap")


def test_stats_page_counts_cards_by_state_and_draws_every_chart(client, student, screen):
    grade(client, screen(), 3)  # learning
    grade(client, screen(), 4)  # review
    html = client.get("/study/stats").get_data(as_text=True)
    approved = db.session.scalar(db.select(db.func.count()).where(Question.status == "approved"))
    counts = dict(re.findall(r'<dd id="count-(\w+)">(\d+)</dd>', html))
    assert counts == {"new": str(approved - 2), "learning": "1", "review": "1", "relearning": "0"}
    for chart in CHARTS:
        assert f'id="{chart}-chart"' in html
    assert re.search(r'aria-label="\d{4}-\d\d-\d\d: 2 reviews"', html)
    assert 'aria-label="Learning, Good: 1 of 2"' in html and 'aria-label="Learning, Easy: 1 of 2"' in html
    assert "Learning: 100% correct (2 answers)" in html
    # Nothing on review cards yet: retention says what will appear.
    assert "Your retention will appear here" in html


def test_stats_page_for_a_student_without_reviews_shows_what_will_appear(client, student):
    response = client.get("/study/stats")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your reviews per day will appear here after your first review." in html
    assert "Your answers by button will appear here after your first review." in html
    assert "Each day you study will appear here" in html
    assert html.count('class="empty-state"') == len(CHARTS) - 1  # cards by state has the new cards


@pytest.mark.parametrize("value", ["", "2y", "%00", "1m'--", "x" * 500, "ALL"])
def test_a_bad_range_is_the_default_month(client, student, value):
    response = client.get("/study/stats", query_string={"range": value})
    assert response.status_code == 200
    current = '<a href="/study/stats?range=1m" aria-current="page">1 month</a>'
    assert current in response.get_data(as_text=True)


def test_the_range_selector_groups_a_year_by_month(client, student, screen):
    grade(client, screen(), 3)
    html = client.get("/study/stats?range=1y").get_data(as_text=True)
    assert 'aria-current="page">1 year</a>' in html
    assert "Reviews per month, 1 year" in html
    month = datetime.now(UTC).strftime("%b %Y")
    assert f'aria-label="{month}: 1 review"' in html
    everything = client.get("/study/stats?range=all").get_data(as_text=True)
    assert "Reviews per month, all time" in everything


def test_course_stats_for_its_instructor_only(client, auth, student, screen, make_user):
    grade(client, screen(), 3)
    course = find_by_code(DEMO_COURSE_CODE)
    url = f"/study/course/{course.id}/stats"
    assert client.get(url).status_code == 403  # a student of the course
    assert client.post(f"{url}/refresh").status_code == 403
    auth.logout()
    make_user("outsider", "instructor")
    auth.login("outsider")
    assert client.get(url).status_code == 403
    assert client.post(f"{url}/refresh").status_code == 403
    auth.logout()
    auth.login("instructor")
    assert client.post(f"{url}/refresh").status_code == 303
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="topic-retention-chart"' in html and "<td>1</td>" in html
    assert "Sam Student" not in html and "student2" not in html
    assert client.get("/study/course/999999/stats").status_code == 404


def test_the_summary_equals_the_log_aggregated_through_grades_and_undos(client, student, screen):
    course = find_by_code(DEMO_COURSE_CODE)
    for rating in (3, 1, 4):
        grade(client, screen(), rating)
    # Older answers on review cards, on other UTC days, including one just before midnight.
    cards = db.session.scalars(db.select(Card).where(Card.user_id == student.id)).all()
    now = datetime.now(UTC).replace(hour=12)
    made = [
        made_log(student.id, cards[0].id, now - timedelta(days=3, hours=0, minutes=1), 3, 2, 1),
        made_log(student.id, cards[1].id, now - timedelta(days=3) + timedelta(hours=11, minutes=59), 1, 2, 2),
        made_log(student.id, cards[2].id, now - timedelta(days=40), 2, 2, 3),
    ]
    db.session.add_all(made)
    db.session.commit()

    reports.refresh_course(course.id)
    summary, log = reports.summary_matches_log(course.id)
    assert summary == log and sum(row[2] for row in summary) == 6
    assert sum(row[3] for row in summary) == 3 and sum(row[4] for row in summary) == 2

    assert client.post("/study/undo", data={"deck": "article:faw-leapmotor-mou"}).status_code == 303
    summary_before_refresh, log = reports.summary_matches_log(course.id)
    assert summary_before_refresh != log  # the undo took one answer from the log
    reports.refresh_course(course.id)
    summary, log = reports.summary_matches_log(course.id)
    assert summary == log and sum(row[2] for row in summary) == 5

    # The page's 30 days leave out the answer of 40 days ago.
    page = reports.course_stats(course)
    assert sum(t.reviews for t in page.topics) == 4
    assert db.session.scalar(db.select(db.func.count()).select_from(CourseSummary)) >= 1


def test_the_class_view_counts_students_with_every_card_above_ninety_percent(client, student, screen):
    course = find_by_code(DEMO_COURSE_CODE)
    grade(client, screen(), 3)
    grade(client, screen(), 3)
    cards = db.session.scalars(db.select(Card).where(Card.user_id == student.id)).all()
    now = datetime.now(UTC)
    fresh, stale = cards[0], cards[1]
    fresh.stability, fresh.last_review = 10.0, now - timedelta(days=1)
    stale.stability, stale.last_review = 1.0, now - timedelta(days=30)
    db.session.commit()
    topics = {c.question.topic for c in (fresh, stale)}
    reports.refresh_course(course.id, now)
    recall = {r.topic: r for r in reports.course_stats(course, now).recall}
    if len(topics) == 1:  # both cards in one topic: the stale card keeps the student below
        (topic,) = topics
        assert (recall[topic].students, recall[topic].above) == (1, 0)
    else:
        assert (recall[fresh.question.topic].students, recall[fresh.question.topic].above) == (1, 1)
        assert (recall[stale.question.topic].students, recall[stale.question.topic].above) == (1, 0)
    stale.last_review = now - timedelta(hours=1)
    db.session.commit()
    reports.refresh_course(course.id, now)
    assert all(r.above == r.students == 1 for r in reports.course_stats(course, now).recall)


@contextmanager
def statements():
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_course_page_reads_the_summary_within_its_statement_budget(client, auth, student, screen):
    grade(client, screen(), 3)
    course = find_by_code(DEMO_COURSE_CODE)
    auth.logout()
    auth.login("instructor")
    course_id = course.id
    reports.refresh_course(course_id)
    db.session.expire_all()
    with statements() as seen:
        response = client.get(f"/study/course/{course_id}/stats")
    assert response.status_code == 200
    assert "students above 90% recall" in response.get_data(as_text=True).lower()
    assert len(seen) <= 20, seen
    assert not [s for s in seen if "review_log" in s], "the course page must not read the review log"
    assert db.session.scalar(db.select(db.func.count()).select_from(CourseTopicDay)) >= 1


def test_summarise_command_refreshes_every_course_and_names_a_missing_one(app, student, screen, client):
    grade(client, screen(), 3)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["study", "summarise"])
    assert result.exit_code == 0 and "summarised" in result.output
    course = find_by_code(DEMO_COURSE_CODE)
    summary, log = reports.summary_matches_log(course.id)
    assert summary == log and summary
    missing = runner.invoke(args=["study", "summarise", "--course", "999999"])
    assert missing.exit_code != 0 and "no course with id 999999" in missing.output
    assert find_user("student") is not None


@pytest.mark.parametrize(("minutes", "blocks"), [(1, True), (11, False)])
def test_a_stale_refresh_of_another_instructor_does_not_block_forever(
    client, auth, student, make_user, minutes, blocks
):
    """A refresh left running by a worker that died blocks the course's "Refresh now" only until it has made
    no progress for SUMMARY_REFRESH_STALE_SECONDS (600): then it is marked failed and a new one runs."""
    from app.models import Job
    from app.study.summary_job import JOB_KIND

    course = find_by_code(DEMO_COURSE_CODE)
    colleague = make_user("colleague", "instructor")
    last_progress = datetime.now(UTC) - timedelta(minutes=minutes)
    left = Job(kind=JOB_KIND, owner_id=colleague.id, course_id=course.id, params={}, state="running",
               dedupe_key="left-by-a-dead-worker", updated_at=last_progress)  # fmt: skip
    db.session.add(left)
    db.session.commit()
    left_id = left.id
    auth.logout()
    auth.login("instructor")
    response = client.post(f"/study/course/{course.id}/stats/refresh")
    assert response.status_code == 303
    db.session.expire_all()
    left = db.session.get(Job, left_id)
    if blocks:
        assert response.headers["Location"] == f"/study/course/{course.id}/stats"
        assert left.state == "running"
    else:
        new_id = int(response.headers["Location"].rsplit("/", 1)[1])
        assert new_id != left_id and db.session.get(Job, new_id).state == "done"
        assert left.state == "failed" and left.dedupe_key is None
