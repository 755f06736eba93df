"""The job framework without HTTP: state transitions, dedupe, progress, failures recorded with a sentence."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import jobs
from app.extensions import db
from app.jobs import core
from app.models import Job, User

SEEN: list[dict] = []


@jobs.register("test.file")
def _file_runner(ctx, text: str, total: int = 3):
    for done in range(1, total + 1):
        ctx.progress(done, total, f"step {done}")
        SEEN.append(_row(ctx.job_id))
    path = ctx.output("../answer file.txt")
    path.write_text(text)
    return path


@jobs.register("test.dict")
def _dict_runner(ctx, n: int):
    return {"questions": n, "owner": ctx.owner_id}


@jobs.register("test.readable", readable=(LookupError,))
def _readable_runner(ctx):
    raise LookupError("No article with the id 'x'.")


@jobs.register("test.crash")
def _crash_runner(ctx):
    db.session.add(User(username="half-written", display_name="x", password_hash="x"))
    db.session.flush()
    raise ZeroDivisionError("secret internals")


@jobs.register("test.outside")
def _outside_runner(ctx):
    return "/etc/passwd"


def _row(job_id: int) -> dict:
    with db.engine.connect() as conn:
        row = conn.execute(
            select(Job.state, Job.progress_done, Job.progress_total, Job.message).where(Job.id == job_id)
        )
        return dict(row.one()._mapping)


@pytest.fixture
def owner(app, tmp_path):
    app.config["JOBS_FOLDER"] = str(tmp_path / "jobs")
    with app.app_context():
        user = User(username="teacher", display_name="Teacher", password_hash="x", role="instructor")
        db.session.add(user)
        db.session.commit()
        yield user


def test_inline_job_runs_to_done_with_progress_committed_as_it_goes(owner):
    SEEN.clear()
    job = jobs.start("test.file", owner, {"text": "hello"})
    assert job.state == "done"
    # Each progress call was visible from another connection while the runner was still running.
    assert [(s["state"], s["progress_done"], s["message"]) for s in SEEN] == [
        ("running", 1, "step 1"),
        ("running", 2, "step 2"),
        ("running", 3, "step 3"),
    ]
    assert (job.progress_done, job.progress_total, job.percent) == (3, 3, 100)
    assert job.started_at is not None and job.finished_at is not None and job.dedupe_key is None
    path = jobs.result_file(job)
    assert path.name == "answer-file.txt" and path.read_text() == "hello"  # kept inside the job's folder
    assert path.parent.name == str(job.id)


def test_dict_result_is_stored(owner):
    job = jobs.start("test.dict", owner.id, {"n": 7})
    assert job.state == "done" and job.result == {"questions": 7, "owner": owner.id}
    assert jobs.result_file(job) is None


def test_readable_failure_keeps_its_sentence(owner):
    job = jobs.start("test.readable", owner)
    assert job.state == "failed" and job.error == "No article with the id 'x'."
    assert job.dedupe_key is None  # a failed job does not block a new one
    assert jobs.start("test.readable", owner).id != job.id


def test_unexpected_failure_is_rolled_back_and_said_without_internals(owner):
    job = jobs.start("test.crash", owner)
    assert job.state == "failed"
    assert "ZeroDivisionError" in job.error and "secret" not in job.error
    assert db.session.scalar(select(User).where(User.username == "half-written")) is None


def test_a_result_outside_the_jobs_folder_is_refused(owner):
    job = jobs.start("test.outside", owner)
    assert job.state == "failed" and "not a file in the jobs folder" in job.error


def test_a_second_identical_job_while_one_is_queued_is_the_same_job(owner, monkeypatch):
    monkeypatch.setattr(core, "run", lambda job_id: None)  # stays queued, as on a busy queue
    first = jobs.start("test.dict", owner, {"n": 1})
    assert first.state == "queued"
    assert jobs.start("test.dict", owner, {"n": 1}).id == first.id
    assert jobs.start("test.dict", owner, {"n": 2}).id != first.id  # other params: another job
    assert db.session.scalar(select(db.func.count()).select_from(Job)) == 2


def test_a_stale_active_job_is_abandoned_and_started_again(owner, monkeypatch, app):
    monkeypatch.setattr(core, "run", lambda job_id: None)
    first = jobs.start("test.dict", owner, {"n": 1})
    app.config["JOBS_STALE_SECONDS"] = 0
    second = jobs.start("test.dict", owner, {"n": 1})
    assert second.id != first.id
    db.session.refresh(first)
    assert first.state == "failed" and "stopped making progress" in first.error


def test_unknown_kind_and_non_json_params_write_nothing(owner):
    with pytest.raises(jobs.JobError, match="No job runner"):
        jobs.start("test.nope", owner)
    with pytest.raises(jobs.JobError, match="must be JSON"):
        jobs.start("test.dict", owner, {"n": object()})
    assert db.session.scalar(select(db.func.count()).select_from(Job)) == 0


def test_run_twice_runs_once(owner, monkeypatch):
    calls = []
    real_run = core.run
    monkeypatch.setattr(core, "run", lambda job_id: None)
    job = jobs.start("test.dict", owner, {"n": 3})
    monkeypatch.setattr(core, "_result_values", lambda outcome: calls.append(outcome) or {})
    real_run(job.id)
    real_run(job.id)  # the queue delivered it twice
    assert len(calls) == 1
