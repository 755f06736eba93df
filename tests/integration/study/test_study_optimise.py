"""Per-student FSRS optimisation: refused below the threshold with nothing written; start → done → the
student's parameters schedule their cards; the course page counts who optimised."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.auth.service import find_user
from app.extensions import db
from app.models import Card, Job, Question, StudyOptimisation
from app.study import optimize, service
from app.study.optimize import NotEnoughReviews
from app.study.optimize_service import JOB_KIND
from app.study.scheduler import DEFAULT_PARAMETERS, review
from bench.harness.review_log import store_reviews, synthetic_reviews
from tests.integration.jobs import test_export_jobs


def give_history(username: str, reviews: int, cards: int = 60) -> None:
    user = find_user(username)
    questions = list(
        db.session.scalars(select(Question.id).where(Question.status == "approved").order_by(Question.id))
    )
    store_reviews(user.id, questions, synthetic_reviews(reviews, cards, datetime.now(UTC)))
    db.session.commit()


def runs(username: str) -> int:
    db.session.expire_all()
    user = find_user(username)
    return db.session.scalar(select(func.count()).where(StudyOptimisation.user_id == user.id))


def test_settings_page_states_the_threshold_and_the_students_counts(client, student):
    give_history("student", 120, cards=20)
    html = client.get("/study/settings").get_data(as_text=True)
    assert "You have <strong>120</strong> reviews" in html
    assert f"at least <strong>{optimize.MIN_ITEMS}</strong>" in html
    assert 'action="/study/settings/optimise"' in html


def test_too_few_reviews_is_refused_and_nothing_is_written(client, student):
    give_history("student", 300, cards=30)
    response = client.post("/study/settings/optimise")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"needs at least {optimize.MIN_ITEMS} reviews that count" in html
    assert runs("student") == 0
    assert find_user("student").fsrs_parameters is None


def test_optimising_stores_the_fit_and_the_scheduler_uses_it(client, student):
    give_history("student", 700)
    response = client.post("/study/settings/optimise")
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    user = find_user("student")
    record = db.session.scalars(select(StudyOptimisation).where(StudyOptimisation.user_id == user.id)).one()
    assert record.updated and record.rmse_after < record.rmse_before
    assert record.items >= optimize.MIN_ITEMS and record.reviews == 700
    parameters = tuple(user.fsrs_parameters)
    assert len(parameters) == len(DEFAULT_PARAMETERS) and parameters != DEFAULT_PARAMETERS

    page = client.get("/study/settings").get_data(as_text=True)
    assert 'class="optimise-outcome">updated<' in page
    assert f"{record.log_loss_before:.4f}" in page and f"{record.rmse_after * 100:.2f}%" in page

    # The next card is shown and graded with the student's parameters, not the defaults.
    shown = service.next_card(user, service.everything())
    assert shown.parameters == parameters
    before = shown.card.data
    now = datetime.now(UTC)
    service.grade(user, shown.card.id, 3, "optimised-grade-1", now=now)
    db.session.expire_all()
    graded = db.session.get(Card, shown.card.id)
    mine = review(before, 3, now, user.desired_retention, user.timezone, parameters)
    defaults = review(before, 3, now, user.desired_retention, user.timezone)
    assert graded.stability == pytest.approx(mine.stability)
    assert mine.stability != pytest.approx(defaults.stability)


def test_parameters_are_kept_when_the_new_fit_is_not_better(client, student, monkeypatch):
    give_history("student", 700)
    monkeypatch.setattr(optimize, "fit", lambda items: DEFAULT_PARAMETERS)  # no better than the defaults
    assert client.post("/study/settings/optimise").status_code == 303
    db.session.expire_all()
    assert find_user("student").fsrs_parameters is None
    assert runs("student") == 1
    page = client.get("/study/settings").get_data(as_text=True)
    assert 'class="optimise-outcome">kept<' in page


def test_course_page_counts_optimised_students_without_showing_anyone(client, auth, student, make_user):
    give_history("student", 700)
    assert client.post("/study/settings/optimise").status_code == 303
    auth.logout()
    auth.login("instructor")
    course_id = 1
    html = client.get(f"/study/course/{course_id}/stats").get_data(as_text=True)
    assert "<strong>1</strong> of" in html and "ran the optimiser" in html
    # One student with review answers: no course mean, which would be that student's own figure.
    assert "Mean true retention appears once at least 3 students" in html


# The job tests' RQ fixture (a unique queue on the running Redis) and in-process worker.
redis_queue = test_export_jobs.redis_queue
_work = test_export_jobs._work


def jobs_of(username: str) -> list[Job]:
    db.session.expire_all()
    user = find_user(username)
    return list(db.session.scalars(select(Job).where(Job.owner_id == user.id, Job.kind == JOB_KIND)))


def test_optimising_runs_as_a_job_only_its_owner_sees(client, auth, student):
    give_history("student", 700)
    assert client.post("/study/settings/optimise").status_code == 303
    (job,) = jobs_of("student")
    assert job.state == "done" and job.result["outcome"] == "updated"
    assert client.get(f"/jobs/{job.id}.json").get_json()["state"] == "done"
    auth.logout()
    auth.login("student2")
    assert client.get(f"/jobs/{job.id}").status_code == 404
    assert client.get(f"/jobs/{job.id}.json").status_code == 404


def test_a_second_start_while_one_runs_is_not_doubled(client, student):
    give_history("student", 700)
    user = find_user("student")
    running = Job(kind=JOB_KIND, owner_id=user.id, params={}, state="running", progress_total=3,
                  progress_done=1, message="Fitting new parameters to your reviews")  # fmt: skip
    db.session.add(running)
    db.session.commit()
    assert client.post("/study/settings/optimise").status_code == 303
    assert [job.id for job in jobs_of("student")] == [running.id]
    assert runs("student") == 0
    page = client.get("/study/settings").get_data(as_text=True)
    assert f'data-job-status-url="/jobs/{running.id}.json"' in page
    assert "Running: Fitting new parameters to your reviews" in page
    assert 'action="/study/settings/optimise"' not in page  # no button while it runs


def test_a_failed_job_says_why(client, student, monkeypatch):
    give_history("student", 700)

    def broken(items):
        raise NotEnoughReviews(3, 5)  # a readable failure inside the job

    monkeypatch.setattr(optimize, "fit", broken)
    assert client.post("/study/settings/optimise").status_code == 303
    (job,) = jobs_of("student")
    assert job.state == "failed"
    page = client.get("/study/settings").get_data(as_text=True)
    assert 'id="optimise-failed"' in page and "you have 3 of 5 reviews" in page
    assert runs("student") == 0 and find_user("student").fsrs_parameters is None


def test_through_a_real_rq_worker_one_job_however_many_clicks(app, client, student, redis_queue):
    give_history("student", 700)
    assert client.post("/study/settings/optimise").status_code == 303
    (job,) = jobs_of("student")
    assert job.state == "queued"
    page = client.get("/study/settings").get_data(as_text=True)
    assert "Waiting for a worker to start the job" in page and 'http-equiv="refresh"' in page
    assert client.post("/study/settings/optimise").status_code == 303  # a second click while it waits
    assert [j.id for j in jobs_of("student")] == [job.id]
    _work(app, redis_queue)
    (job,) = jobs_of("student")
    assert job.state == "done", job.error
    assert job.progress_done == job.progress_total == optimize.STEPS
    assert find_user("student").fsrs_parameters is not None and runs("student") == 1
    assert 'class="optimise-outcome">updated<' in client.get("/study/settings").get_data(as_text=True)
