"""The instructor's "Generate questions" button queues candidates once; the CLI needs no database."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from app.bank import service as bank
from app.bank.convert import to_canonical
from app.extensions import db
from app.models import Question


def _candidates() -> int:
    return db.session.scalar(select(func.count()).select_from(Question).where(Question.status == "candidate"))


def test_generate_button_queues_candidates_without_duplicates(seeded, client, auth):
    auth.login("instructor")
    response = client.post("/articles/faw-leapmotor-stake/generate")
    assert response.status_code == 302
    first = _candidates()
    assert first >= 20
    page = client.get("/articles/faw-leapmotor-stake")
    assert b"Candidates awaiting review" in page.data
    assert f"Generated questions: {first} new candidates queued for review".encode() in page.data
    again = client.post("/articles/faw-leapmotor-stake/generate", follow_redirects=True)
    assert b"0 new candidates queued" in again.data
    assert _candidates() == first
    queued = db.session.scalars(select(Question).where(Question.status == "candidate")).all()
    assert all(q.origin == "generated" and q.quote and q.sentence_ids for q in queued)
    assert all(q.revisions and q.revisions[0].action == "created" for q in queued)
    # Issue 23: the generator's feedback on each wrong option is kept with the queued question.
    mcqs = [d for d in (to_canonical(q) for q in queued) if d["type"] == "mcq"]
    assert mcqs
    for data in mcqs:
        assert set(data.get("feedback", {})) == set(data["options"]) - {data["answer"]}, data["stem"]


def test_one_new_candidate_is_said_in_the_singular(seeded, client, auth, monkeypatch):
    monkeypatch.setattr(bank, "generate_candidates", lambda article, user_id: bank.GenerationSummary(added=1))
    auth.login("instructor")
    page = client.post("/articles/faw-leapmotor-stake/generate", follow_redirects=True)
    assert b"Generated questions: 1 new candidate queued for review (0 already" in page.data


def test_students_cannot_generate(seeded, client, auth):
    auth.login("student")
    assert client.post("/articles/faw-leapmotor-stake/generate").status_code == 403
    assert _candidates() == 0


def test_generate_cli_prints_json_for_any_file(runner, tmp_path):
    article = tmp_path / "note.txt"
    article.write_text(
        "Volt Cells raised US$50 million from Acme Motors in 2025. The deal gives Acme a 12% stake.\n"
        "Analysts warned that the price war could squeeze Volt Cells' margins.\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["generate", str(article)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data and all(set(q) >= {"id", "type", "topic", "stem", "answer", "source", "checks"} for q in data)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    bad = runner.invoke(args=["generate", str(empty)])
    assert bad.exit_code == 1
    assert "empty" in bad.output.lower()
