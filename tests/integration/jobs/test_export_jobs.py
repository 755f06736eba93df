"""Whole-bank exports as jobs: started from the export page, polled as JSON, downloaded by their owner
only; inline without Redis, and through a real RQ worker on the running Redis."""

from __future__ import annotations

import json
import os
import uuid
import zipfile

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Job, Question

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def _job_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    assert location.startswith("/jobs/"), location
    return int(location.rsplit("/", 1)[1])


def test_export_job_inline_polls_and_downloads(seeded, client, auth):
    auth.login("instructor")
    job_id = _job_id(client.post("/exports/jobs", data={"format": "json"}))
    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["state"] == "done" and status["percent"] == 100
    assert status["filename"].endswith(".json") and status["download_url"] == f"/jobs/{job_id}/download"
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Done." in page and f"/jobs/{job_id}/download" in page
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    approved = db.session.scalar(
        select(func.count()).select_from(Question).where(Question.status == "approved")
    )
    assert len(json.loads(download.data)["questions"]) == approved
    # The count is in questions, each counted once (not a read step and a write step each: 142 of 71).
    assert status["done"] == status["total"] == approved
    assert f"{approved:,} of {approved:,}" in page


def test_every_format_exports_as_a_job(seeded, client, auth):
    from app.exports import EXPORTERS

    auth.login("instructor")
    for fmt in EXPORTERS:
        job_id = _job_id(client.post("/exports/jobs", data={"format": fmt, "accept_loss": "y"}))
        status = client.get(f"/jobs/{job_id}.json").get_json()
        assert status["state"] == "done", (fmt, status["error"])
        data = client.get(status["download_url"]).data
        assert data, fmt
        if status["filename"].endswith((".zip", ".imscc", ".apkg")):
            assert zipfile.is_zipfile(__import__("io").BytesIO(data)), fmt


def test_a_failed_export_job_says_why(seeded, client, auth):
    auth.login("instructor")
    db.session.execute(db.update(Question).values(status="candidate"))  # nothing approved
    db.session.commit()
    job_id = _job_id(client.post("/exports/jobs", data={"format": "gift"}))
    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["state"] == "failed" and status["download_url"] is None
    assert status["error"].startswith("Nothing to export")
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "The job failed." in page and "Nothing to export" in page
    assert client.get(f"/jobs/{job_id}/download").status_code == 404


def test_bad_export_job_requests_start_nothing(seeded, client, auth):
    auth.login("instructor")
    for data in ({}, {"format": "docx"}, {"format": "csv", "variant": "anki"}):
        response = client.post("/exports/jobs", data=data, follow_redirects=True)
        assert response.status_code == 200
        assert b"Unknown" in response.data or b"required" in response.data
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_only_the_owner_and_admins_see_a_job(seeded, client, auth, make_user):
    auth.login("instructor")
    job_id = _job_id(client.post("/exports/jobs", data={"format": "csv"}))
    auth.logout()
    make_user("other-teacher", "instructor")
    make_user("boss", "admin")
    auth.login("other-teacher")
    for url in (f"/jobs/{job_id}", f"/jobs/{job_id}.json", f"/jobs/{job_id}/download"):
        assert client.get(url).status_code == 404, url
    auth.logout()
    auth.login("boss")
    assert client.get(f"/jobs/{job_id}/download").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/jobs/0",
        "/jobs/99999",
        "/jobs/99999.json",
        "/jobs/x",
        "/jobs/-1",
        "/jobs/99999999999999999999",
        "/jobs/1/download",
        "/jobs/%D9%A3",
    ],
)
def test_bad_job_ids_are_404(seeded, client, auth, url):
    auth.login("instructor")
    assert client.get(url).status_code == 404


def test_the_export_page_reports_without_writing(seeded, client, auth, monkeypatch):
    from app.exports import EXPORTERS

    def refuse(*args, **kwargs):
        raise AssertionError("the report page ran the exporter")

    for name in EXPORTERS:
        monkeypatch.setitem(EXPORTERS, name, refuse)
    auth.login("instructor")
    page = client.get("/exports/?format=gift")
    assert page.status_code == 200
    assert b"GIFT (Moodle): casewise-question-bank.gift.txt" in page.data


@pytest.fixture
def redis_queue(app):
    """The app sending jobs to a unique queue on the running Redis (skipped when Redis is down)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the queue tests, but Redis is not reachable at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    name = f"test-jobs-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=REDIS_URL, JOBS_INLINE=False, JOBS_QUEUE=name)
    yield name
    from rq import Queue

    Queue(name, connection=client).delete(delete_jobs=True)


def _work(app, queue_name: str) -> None:
    """An RQ worker in this process, in its own app context (its own session), as `flask worker` has."""
    from redis import Redis
    from rq import Queue, SimpleWorker

    connection = Redis.from_url(REDIS_URL)
    with app.app_context():
        SimpleWorker([Queue(queue_name, connection=connection)], connection=connection).work(burst=True)


def test_export_job_through_a_real_rq_worker(app, seeded, client, auth, redis_queue):
    auth.login("instructor")
    job_id = _job_id(client.post("/exports/jobs", data={"format": "qti21"}))
    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["state"] == "queued" and status["download_url"] is None
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Waiting for a worker" in page and 'http-equiv="refresh"' in page
    # A second identical export while the first is queued is the same job, not a second one.
    assert _job_id(client.post("/exports/jobs", data={"format": "qti21"})) == job_id
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1
    _work(app, redis_queue)
    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["state"] == "done", status["error"]
    assert status["filename"].endswith("-qti21.zip")
    download = client.get(status["download_url"])
    assert zipfile.is_zipfile(__import__("io").BytesIO(download.data))
    # Done: the same export now starts a new job.
    assert _job_id(client.post("/exports/jobs", data={"format": "qti21"})) != job_id


def test_worker_command_refuses_without_redis(app, runner):
    app.config["REDIS_URL"] = None
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output


def test_worker_command_runs_the_queue(seeded, client, auth, redis_queue, runner):
    auth.login("instructor")
    job_id = _job_id(client.post("/exports/jobs", data={"format": "csv"}))
    result = runner.invoke(args=["worker", "--burst", "--queue", redis_queue])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Job, job_id).state == "done"
