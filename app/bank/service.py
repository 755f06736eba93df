"""The bank in the database: check and load questions/ (one transaction), dump approved questions back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.articles.document import IngestedArticle
from app.articles.ingest import ingest_file
from app.articles.service import list_articles, to_document
from app.bank.check import CheckReport, check_bank
from app.bank.convert import apply_canonical, to_canonical
from app.bank.yamlio import BankError, dump_bank, read_bank_dir
from app.config import Config
from app.extensions import db
from app.models import Article, Question, QuestionRevision
from app.plural import counted

# The defaults of the app's SEEDS_DIR and QUESTIONS_DIR settings (config.py), for code without an app.
SEEDS_DIR = Config.SEEDS_DIR
QUESTIONS_DIR = Config.QUESTIONS_DIR


def seeds_dir() -> Path:
    """The seed articles folder of the running app (config SEEDS_DIR)."""
    return Path(current_app.config.get("SEEDS_DIR", SEEDS_DIR))


def questions_dir() -> Path:
    """The curated bank folder of the running app (config QUESTIONS_DIR)."""
    return Path(current_app.config.get("QUESTIONS_DIR", QUESTIONS_DIR))


class BankLoadError(Exception):
    """The bank did not load; nothing was written. `errors` name file, line and field."""

    def __init__(self, errors: list[BankError]):
        self.errors = errors
        lines = "\n".join(f"  {e}" for e in errors[:50])
        more = f"\n  … and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{counted(len(errors), 'error')}; nothing was loaded:\n{lines}{more}")


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, {self.retired} retired"


def known_articles(folder: Path | None = None) -> dict[str, IngestedArticle]:
    """Articles by slug: those in the database, plus seed files not loaded yet (so `check` needs no seed)."""
    try:
        documents = {article.slug: to_document(article) for article in list_articles()}
    except SQLAlchemyError:  # no database yet (not migrated): the seed files still let us check
        db.session.rollback()
        documents = {}
    folder = folder or seeds_dir()
    for path in sorted(folder.glob("*.txt")) + sorted(folder.glob("*.md")) + sorted(folder.glob("*.html")):
        documents.setdefault(path.stem, ingest_file(path))
    return documents


def check_dir(path: Path) -> CheckReport:
    result = read_bank_dir(path)
    report = check_bank(result.questions, known_articles(), result.locations)
    report.errors[:0] = result.errors
    return report


def record_revision(
    question: Question, action: str, data: dict, author_id: int | None = None, note: str = ""
) -> None:
    """Append the next revision (number, who, action, snapshot) to the question's history; no commit."""
    number = len(question.revisions) + 1
    question.revisions.append(
        QuestionRevision(number=number, action=action, snapshot=data, author_id=author_id, note=note)
    )


def load_bank(path: Path) -> LoadSummary:
    """Upsert every question in `path` by id inside one transaction; a bad file loads nothing.

    Bank questions missing from the files are retired (never deleted: students' history refers to them).
    """
    result = read_bank_dir(path)
    report = check_bank(result.questions, {a.slug: to_document(a) for a in list_articles()}, result.locations)
    errors = result.errors + report.errors
    if errors:
        raise BankLoadError(errors)
    articles = {a.slug: a for a in db.session.scalars(select(Article))}
    existing = {q.uid: q for q in db.session.scalars(select(Question))}
    summary = LoadSummary()
    seen = set()
    try:
        for data in result.questions:
            seen.add(data["id"])
            source = data.get("source") or {}
            article = articles.get(source.get("article")) if source else None
            question = existing.get(data["id"])
            if question is None:
                question = Question(origin="bank", checks={})
                apply_canonical(question, data, article)
                db.session.add(question)
                record_revision(question, "loaded", data, note="created by bank load")
                summary.created += 1
            elif apply_canonical(question, data, article):
                question.version += 1
                record_revision(question, "loaded", data, note="updated by bank load")
                summary.updated += 1
            else:
                summary.unchanged += 1
        for uid, question in existing.items():
            if question.origin == "bank" and uid not in seen and question.status != "retired":
                question.status = "retired"
                question.version += 1
                record_revision(question, "retired", to_canonical(question), note="removed from questions/")
                summary.retired += 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return summary


def approved_questions() -> list[dict]:
    rows = db.session.scalars(select(Question).where(Question.status == "approved").order_by(Question.uid))
    return [to_canonical(q) for q in rows]


def dump_approved(out_dir: Path) -> list[Path]:
    return dump_bank(approved_questions(), out_dir)


@dataclass
class GenerationSummary:
    added: int = 0
    already_queued: int = 0
    failing_checks: int = 0


def generate_candidates(
    article: Article, author_id: int | None = None, limit: int | None = None
) -> GenerationSummary:
    """Run the generator on an article and queue its candidates for review, in one transaction.

    Candidates already in the bank (same stable id, whatever their status) are not added again;
    `limit` keeps only the best-ranked that many new ones (the demo seed queues a handful).
    """
    from app.generation import generate

    candidates = generate(to_document(article), article.slug)
    existing = set(db.session.scalars(select(Question.uid).where(Question.article_id == article.id)))
    summary = GenerationSummary()
    try:
        for candidate in candidates.all():
            data = candidate.question
            if data["id"] in existing:
                summary.already_queued += 1
                continue
            if limit is not None and summary.added >= limit:
                break
            question = Question(
                origin="generated",
                rank_score=candidate.score,
                checks=dict(candidate.checks),
                fact_key=candidate.fact[:200] or None,
            )
            apply_canonical(question, data, article)
            question.status = "candidate"
            db.session.add(question)
            record_revision(question, "created", data, author_id, note="generated")
            summary.added += 1
            summary.failing_checks += 0 if candidate.passed else 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return summary


def candidates_for(article: Article) -> list[Question]:
    """The article's review queue, best-ranked first."""
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.article_id == article.id, Question.status == "candidate")
            .order_by(Question.rank_score.desc(), Question.uid)
        )
    )
