"""`flask seed` loads both seed articles, the demo accounts and course, and is idempotent."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import Article, Course, Enrolment, Segment, User

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def _snapshot():
    rows = {}
    for model in (Article, Segment, User, Course, Enrolment):
        rows[model.__name__] = db.session.scalar(select(func.count()).select_from(model))
    rows["segments"] = [
        (s.sid, s.start_offset, s.end_offset, s.excluded, s.reason)
        for s in db.session.scalars(select(Segment).order_by(Segment.article_id, Segment.position))
    ]
    return rows


def test_seed_loads_articles_byte_for_byte_and_accounts(seeded, app):
    slugs = sorted(db.session.scalars(select(Article.slug)))
    assert slugs == ["faw-leapmotor-mou", "faw-leapmotor-stake"]
    for slug in slugs:
        article = db.session.scalar(select(Article).where(Article.slug == slug))
        assert article.raw_text.encode("utf-8") == (SEEDS / f"{slug}.txt").read_bytes()
    assert {u.username: u.role for u in db.session.scalars(select(User))} == {
        "instructor": "instructor",
        "student": "student",
        "student2": "student",
    }
    assert "Demo logins" in seeded.output


def test_seed_marks_the_ad_and_glued_fragments_of_the_second_article(seeded):
    article = db.session.scalar(select(Article).where(Article.slug == "faw-leapmotor-stake"))
    reasons = {s.reason for s in article.segments if s.excluded}
    assert {"advertisement", "affiliate-notice", "glued", "truncated"} <= reasons
    excluded_text = " ".join(s.text for s in article.segments if s.excluded)
    assert "MrPeasy" in excluded_text
    assert "FAW’sTesla’s" in excluded_text
    included = " ".join(s.text for s in article.segments if not s.excluded)
    assert "MrPeasy" not in included
    assert "US$534 million stake" in included


def test_seed_twice_changes_nothing(seeded, runner):
    before = _snapshot()
    again = runner.invoke(args=["seed"])
    assert again.exit_code == 0, again.output
    assert "unchanged" in again.output
    db.session.expire_all()
    assert _snapshot() == before


def test_article_add_cli_reports_exclusions_and_rejects_bad_files(app, runner, tmp_path):
    good = tmp_path / "note.md"
    good.write_text(
        "# Volt Cells note\n\nVolt Cells raised US$50 million in 2025. Its margin rose to 12%.\n\n"
        "Subscribe to our newsletter for more analysis.\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["article", "add", str(good), "--topic", "key-figures"])
    assert result.exit_code == 0, result.output
    assert "Added 'volt-cells-note'" in result.output
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    result = runner.invoke(args=["article", "add", str(bad)])
    assert result.exit_code != 0
    assert "bad.txt" in result.output
    assert db.session.scalar(select(func.count()).select_from(Article)) == 1
