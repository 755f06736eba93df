"""The course statistics' "Refresh now" runs the summary rebuild as a job (inline without Redis, as here),
shows its progress page, is for the course's instructors only and is not started twice."""

from __future__ import annotations

from app.auth.service import find_user
from app.courses.service import find_by_code
from app.extensions import db
from app.models import CourseSummary, Job
from app.seed import DEMO_COURSE_CODE
from app.study import reports
from app.study.summary_job import JOB_KIND
from tests.integration.study.test_study_flow import grade


def refresh_jobs(course_id: int) -> list[Job]:
    db.session.expire_all()
    query = db.select(Job).where(Job.kind == JOB_KIND, Job.course_id == course_id)
    return list(db.session.scalars(query.order_by(Job.id)))


def test_refresh_now_runs_the_rebuild_as_a_job_with_its_progress_page(client, auth, student, screen):
    grade(client, screen(), 3)
    course_id = find_by_code(DEMO_COURSE_CODE).id
    refused = client.post(f"/study/course/{course_id}/stats/refresh")
    assert refused.status_code == 403 and refresh_jobs(course_id) == []  # a student: no job
    auth.logout()
    auth.login("instructor")
    response = client.post(f"/study/course/{course_id}/stats/refresh")
    [job] = refresh_jobs(course_id)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/jobs/{job.id}")
    assert job.state == "done" and job.owner_id == find_user("instructor").id
    assert db.session.get(CourseSummary, course_id).refreshed_at is not None
    summary, log = reports.summary_matches_log(course_id)
    assert summary == log and summary
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Refresh course statistics" in html
    assert f'href="/study/course/{course_id}/stats" id="job-back"' in html


def test_a_second_click_while_a_refresh_runs_starts_no_second_job(client, auth, student):
    course_id = find_by_code(DEMO_COURSE_CODE).id
    auth.logout()
    auth.login("instructor")
    running = Job(
        kind=JOB_KIND, owner_id=find_user("instructor").id, course_id=course_id, params={}, dedupe_key="busy",
        state="running",
    )  # fmt: skip
    db.session.add(running)
    db.session.commit()
    response = client.post(f"/study/course/{course_id}/stats/refresh")
    assert response.headers["Location"].endswith(f"/jobs/{running.id}")
    assert [job.id for job in refresh_jobs(course_id)] == [running.id]
