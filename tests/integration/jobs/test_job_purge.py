"""Old jobs' files are deleted (JOBS_KEEP_DAYS): by `flask jobs purge` and whenever a job starts. A purged
job keeps its row and its page says the file was deleted; queued or running jobs and recent files stay."""

from __future__ import annotations

import os
import time
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.jobs import jobs_folder, purge
from app.models import Job, User
from app.models.base import utcnow


def _export(client) -> int:
    response = client.post("/exports/jobs", data={"format": "json"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _age(job_id: int, days: float) -> None:
    job = db.session.get(Job, job_id, populate_existing=True)
    job.finished_at = utcnow() - timedelta(days=days)
    db.session.commit()


def test_an_old_finished_jobs_file_is_deleted_and_its_page_says_so(app, seeded, client, auth):
    auth.login("instructor")
    old, recent = _export(client), _export(client)
    assert client.get(f"/jobs/{old}.json").get_json()["download_url"]  # a file, downloadable
    _age(old, 8)
    _age(recent, 6)

    purged = purge()  # JOBS_KEEP_DAYS: 7 by default
    assert purged.folders == 1 and purged.bytes > 0
    assert not (jobs_folder() / str(old)).exists() and (jobs_folder() / str(recent)).is_dir()
    status = client.get(f"/jobs/{old}.json").get_json()
    assert status["state"] == "done" and status["download_url"] is None and status["purged"]
    assert "Its file was deleted after the time files are kept" in client.get(f"/jobs/{old}").get_data(True)
    assert client.get(f"/jobs/{old}/download").status_code == 404
    assert client.get(f"/jobs/{recent}.json").get_json()["download_url"]

    app.config["JOBS_KEEP_DAYS"] = 5  # the keeping time is configurable
    assert purge().folders == 1 and not (jobs_folder() / str(recent)).exists()


def test_starting_a_job_purges_old_files_first(seeded, client, auth):
    auth.login("instructor")
    old = _export(client)
    _age(old, 30)
    client.post("/exports/jobs", data={"format": "csv"})
    assert not (jobs_folder() / str(old)).exists()


def test_active_jobs_and_young_orphans_stay_old_orphans_go(seeded):
    owner = db.session.scalar(select(User.id).where(User.username == "instructor"))
    running = Job(kind="backup.json", owner_id=owner, state="running", params={})
    db.session.add(running)
    db.session.commit()
    folders = {name: jobs_folder() / name for name in (str(running.id), "999998", "999999")}
    for path in folders.values():
        path.mkdir(parents=True)
        (path / "part.bin").write_bytes(b"x" * 10)
    a_month_ago = time.time() - 30 * 86400
    os.utime(folders["999999"], (a_month_ago, a_month_ago))  # no row owns it, written a month ago
    assert purge(timedelta(days=1)).folders == 1
    assert folders[str(running.id)].is_dir() and folders["999998"].is_dir()
    assert not folders["999999"].exists()


def test_the_purge_command(app, seeded, client, auth):
    auth.login("instructor")
    job_id = _export(client)
    result = app.test_cli_runner().invoke(args=["jobs", "purge", "--older-than-days", "1"])
    assert result.exit_code == 0, result.output
    assert "Deleted 0 job folders," in result.output and (jobs_folder() / str(job_id)).is_dir()
    _age(job_id, 2)
    result = app.test_cli_runner().invoke(args=["jobs", "purge", "--older-than-days", "1"])
    assert "Deleted 1 job folder," in result.output and not (jobs_folder() / str(job_id)).exists()
    refused = app.test_cli_runner().invoke(args=["jobs", "purge", "--older-than-days", "-1"])
    assert refused.exit_code != 0 and "older-than-days" in refused.output
