"""`flask bank check|load|dump` against a real database: one transaction, idempotent, a fixed point."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import Question, QuestionRevision

QUESTIONS = Path(__file__).resolve().parents[3] / "questions"


def _state():
    return sorted(
        (q.uid, q.status, q.version, q.stem, repr(q.answer), q.quote, tuple(q.sentence_ids))
        for q in db.session.scalars(select(Question))
    )


def test_committed_bank_checks_clean(runner):
    result = runner.invoke(args=["bank", "check"])
    assert result.exit_code == 0, result.output
    assert "bank OK" in result.output


def test_seed_loads_the_bank_and_a_second_load_changes_nothing(seeded, runner):
    approved = db.session.scalar(
        select(func.count()).select_from(Question).where(Question.status == "approved")
    )
    assert approved >= 60
    before = _state()
    revisions = db.session.scalar(select(func.count()).select_from(QuestionRevision))
    result = runner.invoke(args=["bank", "load"])
    assert result.exit_code == 0, result.output
    assert "0 created, 0 updated" in result.output
    db.session.expire_all()
    assert _state() == before
    assert db.session.scalar(select(func.count()).select_from(QuestionRevision)) == revisions


def test_load_dump_load_is_a_fixed_point(seeded, runner, tmp_path):
    out = tmp_path / "dumped"
    result = runner.invoke(args=["bank", "dump", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for path in sorted(QUESTIONS.glob("*.yaml")):
        assert (out / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name
    before = _state()
    again = runner.invoke(args=["bank", "load", "--dir", str(out)])
    assert again.exit_code == 0, again.output
    db.session.expire_all()
    assert _state() == before


def test_a_bad_file_loads_nothing_and_names_file_line_and_field(seeded, runner, tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(QUESTIONS, bank)
    target = bank / "key-figures.yaml"
    text = target.read_text(encoding="utf-8")
    first_stem = text.index("stem:")
    target.write_text(
        text[:first_stem] + "stem: 12\n  bogus_field: 1\n  " + text[first_stem:], encoding="utf-8"
    )
    (bank / "zz-new.yaml").write_text(
        "questions:\n- id: new-question-1\n  type: tf\n  stem: A brand new true/false question.\n"
        "  answer: true\n  topic: key-figures\n",
        encoding="utf-8",
    )
    before = _state()
    result = runner.invoke(args=["bank", "load", "--dir", str(bank)])
    assert result.exit_code == 1
    assert "key-figures.yaml:" in result.output
    assert "nothing was loaded" in result.output
    db.session.expire_all()
    assert _state() == before


def test_removed_questions_are_retired_not_deleted(seeded, runner, tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(QUESTIONS, bank)
    (bank / "comprehension.yaml").unlink()
    result = runner.invoke(args=["bank", "load", "--dir", str(bank)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    retired = db.session.scalars(select(Question).where(Question.status == "retired")).all()
    assert retired and all(q.topic == "comprehension" for q in retired)
    assert all(q.revisions[-1].action == "retired" for q in retired)
