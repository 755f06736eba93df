"""The JSON backup (admins) and generation for every article (instructors) as jobs."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from app.extensions import db
from app.models import Article, Job, Question


def _job_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_admin_backup_job_writes_a_restorable_json_backup(seeded, client, auth, make_user):
    make_user("boss", "admin")
    auth.login("boss")
    assert b"Start a JSON backup" in client.get("/jobs/").data
    job_id = _job_id(client.post("/jobs/backup"))
    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["state"] == "done", status["error"]
    assert status["filename"].startswith("casewise-backup-") and status["filename"].endswith(".jsonl")
    lines = client.get(status["download_url"]).get_data(as_text=True).splitlines()
    assert json.loads(lines[0])["format"] == "casewise-backup"
    assert json.loads(lines[-1])["end_of_backup"] is True
    questions = db.session.scalar(select(func.count()).select_from(Question))
    ends = {
        row["end"]: row["rows"] for row in map(json.loads, lines) if isinstance(row, dict) and "end" in row
    }
    assert ends["question"] == questions
    listing = client.get("/jobs/").get_data(as_text=True)
    assert "JSON backup" in listing and f"/jobs/{job_id}" in listing


def test_instructors_cannot_start_a_backup(seeded, client, auth):
    auth.login("instructor")
    assert b"Start a JSON backup" not in client.get("/jobs/").data
    assert client.post("/jobs/backup").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_generate_for_all_articles_job_counts_what_it_queued(seeded, client, auth):
    auth.login("instructor")
    assert b"Generate for all articles" in client.get("/articles/").data
    before = db.session.scalar(select(func.count()).select_from(Question))
    job_id = _job_id(client.post("/articles/generate-all"))
    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["state"] == "done", status["error"]
    articles = db.session.scalar(select(func.count()).select_from(Article))
    added = db.session.scalar(select(func.count()).select_from(Question)) - before
    assert status["result"]["articles"] == articles and status["total"] == articles
    assert status["result"]["new candidates"] == added
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "new candidates" in page
    assert 'href="/bank/review" id="job-back">Review the new candidates in the review queue' in page
    # Run again: everything is already queued, nothing doubles.
    again = client.get(f"/jobs/{_job_id(client.post('/articles/generate-all'))}.json").get_json()
    assert again["result"]["new candidates"] == 0
    assert db.session.scalar(select(func.count()).select_from(Question)) - before == added
