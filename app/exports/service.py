"""Exports and imports against the database: build a selection (quiz, article, topic, bank), write, import."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import jobs
from app.bank.convert import apply_canonical, canonical_fields
from app.exports import (
    EXPORTERS,
    IMPORTERS,
    REPORTS,
    ExportError,
    ExportReport,
    ExportResult,
    ExportSelection,
    export_quizlet,
    write_export,
)
from app.exports.model import QuestionDumps, describe_validation_error
from app.extensions import db
from app.inputs import is_id
from app.models import Article, Job, Question, QuestionRevision, Quiz, Segment
from app.qtypes.schema import parse_question

FORMATS = tuple(EXPORTERS)
SCOPES = ("bank", "quiz", "article", "topic")
PROGRESS_STEP = 500  # questions read between two progress reports


def scope_quiz(scope: str, scope_id: str | None) -> Quiz | None:
    """The quiz a "quiz" scope names, or None (not a quiz scope, not an id, no such quiz)."""
    if scope != "quiz" or not is_id(scope_id):
        return None
    return db.session.get(Quiz, int(scope_id))


def scope_title(scope: str, scope_id: str | None) -> str | None:
    """What a person calls the exported scope: the quiz's or article's title, the topic; None for the bank."""
    if scope == "quiz":
        quiz = scope_quiz(scope, scope_id)
        return quiz.title if quiz else scope_id
    if scope == "article" and scope_id:
        title = db.session.scalar(select(Article.title).where(Article.slug == scope_id))
        return title or scope_id
    return scope_id


def build_selection(scope: str = "bank", scope_id: str | None = None, progress=None) -> ExportSelection:
    """Approved questions of a quiz, an article, a topic or the whole bank, as canonical dicts.

    `progress(done, total)`, when given, hears every PROGRESS_STEP questions read."""
    articles = {a.slug: a for a in db.session.scalars(select(Article))}
    query = select(Question).where(Question.status == "approved").order_by(Question.uid)
    points: dict[str, float] | None = None
    if scope == "bank":
        title = "Casewise question bank"
    elif scope == "article":
        article = articles.get(scope_id or "")
        if article is None:
            known = ", ".join(sorted(articles)[:10]) or "none yet: add one with `flask article add PATH`"
            raise ExportError(
                f"No article with the slug {scope_id!r}. An article's slug is the end of its address"
                f" (/articles/SLUG); the library has: {known}{', …' if len(articles) > 10 else ''}."
            )
        query = query.where(Question.article_id == article.id)
        title = article.title
    elif scope == "topic":
        query = query.where(Question.topic == scope_id)
        title = f"Topic: {scope_id}"
    elif scope == "quiz":
        quiz = scope_quiz(scope, scope_id)
        if quiz is None:
            raise ExportError(f"No quiz with the id {scope_id!r}.")
        fixed = [item for item in quiz.items if item.question_id is not None]
        topics = [item.draw_topic for item in quiz.items if item.draw_topic]
        ids = [item.question_id for item in fixed]
        query = query.where(Question.id.in_(ids) | Question.topic.in_(topics))
        by_id = {item.question_id: item.points for item in fixed}
        draw_points = {item.draw_topic: item.points for item in quiz.items if item.draw_topic}
        title = quiz.title
        rows = list(db.session.scalars(query))
        points = {q.uid: by_id.get(q.id, draw_points.get(q.topic, 1.0)) for q in rows}
        return _selection(title, rows, len(rows), scope, scope_id, points, articles, progress)
    else:
        raise ExportError(f"Unknown scope {scope!r}; use one of {', '.join(SCOPES)}.")
    # Rows stream in batches: a row is parsed and let go, so a big bank's rows are never all in memory.
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = db.session.scalars(query.execution_options(yield_per=PROGRESS_STEP))
    return _selection(title, rows, total, scope, scope_id, points, articles, progress)


def article_data(article: Article) -> dict:
    """An article whole, in the JSON bank's shape: metadata, raw text, body and the sentence map."""
    return {
        "slug": article.slug,
        "title": article.title,
        "publisher": article.publisher,
        "published_on": article.published_on.isoformat() if article.published_on else None,
        "topics": list(article.topics or []),
        "source_format": article.source_format,
        "content_sha256": article.content_sha256,
        "raw_text": article.raw_text,
        "body": article.body,
        "segments": [
            {
                "sid": s.sid,
                "paragraph": s.paragraph,
                "position": s.position,
                "start": s.start_offset,
                "end": s.end_offset,
                "kind": s.kind,
                "excluded": s.excluded,
                "reason": s.reason,
                "text": s.text,
            }
            for s in sorted(article.segments, key=lambda s: s.position)
        ],
    }


def _restore_article(data: dict) -> Article:
    article = Article(
        slug=data["slug"],
        title=data["title"],
        publisher=data.get("publisher") or "",
        published_on=date.fromisoformat(data["published_on"]) if data.get("published_on") else None,
        topics=list(data.get("topics") or []),
        source_format=data.get("source_format") or "txt",
        raw_text=data["raw_text"],
        body=data["body"],
        content_sha256=data["content_sha256"],
    )
    article.segments = [
        Segment(
            sid=s["sid"],
            paragraph=s["paragraph"],
            position=s["position"],
            start_offset=s["start"],
            end_offset=s["end"],
            kind=s.get("kind") or "sentence",
            excluded=bool(s.get("excluded")),
            reason=s.get("reason"),
            text=s.get("text") or "",
        )
        for s in data["segments"]
    ]
    return article


def _parsed(row: Question, slugs: dict[int, str]):
    """The row parsed into its question model; a row that does not validate is an ExportError."""
    try:
        return parse_question(canonical_fields(row, slugs.get(row.article_id)))
    except ValidationError as exc:
        raise ExportError(
            f"Question {row.uid} is not valid: {describe_validation_error(exc)}. Fix it in the bank first."
        ) from exc


def _selection(title, rows, total, scope, scope_id, points, articles, progress=None) -> ExportSelection:
    """Each row parsed once (the exporters take the models; their dicts are made only if read)."""
    slugs = {a.id: a.slug for a in articles.values()}
    parsed = []
    modified = None
    for number, row in enumerate(rows, 1):
        parsed.append(_parsed(row, slugs))
        if modified is None or row.updated_at > modified:
            modified = row.updated_at
        if progress is not None and number % PROGRESS_STEP == 0:
            progress(number, total)
    quoted = {q.source.article for q in parsed if q.source}
    return ExportSelection(
        title=title,
        questions=QuestionDumps(tuple(parsed)),
        scope=scope,
        scope_id=scope_id,
        points=points,
        articles={slug: a.title for slug, a in articles.items()},
        modified_at=modified,
        article_data=[article_data(a) for slug, a in sorted(articles.items()) if slug in quoted],
        parsed=tuple(parsed),
    )


def _checked_format(fmt: str) -> None:
    if fmt not in EXPORTERS:
        raise ExportError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")


def export(
    fmt: str,
    scope: str = "bank",
    scope_id: str | None = None,
    variant: str | None = None,
    accept_loss: bool = False,
) -> ExportResult:
    """Export a scope; ``accept_loss`` lets a format that cannot hold everything export anyway (reported)."""
    _checked_format(fmt)
    selection = replace(build_selection(scope, scope_id), accept_loss=accept_loss)
    if fmt == "csv" and variant == "quizlet":
        return export_quizlet(selection)
    return EXPORTERS[fmt](selection)


def report(
    fmt: str, scope: str = "bank", scope_id: str | None = None, accept_loss: bool = False
) -> ExportReport:
    """What exporting a scope would skip, convert or lose, without writing the file (the export page)."""
    _checked_format(fmt)
    return REPORTS[fmt](replace(build_selection(scope, scope_id), accept_loss=accept_loss))


def export_to(
    out,
    fmt: str,
    scope: str = "bank",
    scope_id: str | None = None,
    variant: str | None = None,
    accept_loss: bool = False,
    progress=None,
) -> ExportReport:
    """Write an export into the binary stream `out` (a job's file); returns its report. `progress(done,
    total, message)` counts questions, each once: the questions read, then the writing of them all (the
    job's page shows "71 of 71", not 142 steps for 71 questions)."""
    _checked_format(fmt)
    reading = (lambda done, total: progress(done, total, "Reading the questions")) if progress else None
    selection = replace(build_selection(scope, scope_id, reading), accept_loss=accept_loss)
    if progress is not None:
        total = len(selection.questions)
        progress(total, total, f"Writing {total:,} questions")
    if fmt == "csv" and variant == "quizlet":
        result = export_quizlet(selection)
        out.write(result.data)
        return ExportReport(result.filename)
    return write_export(fmt, selection, out)


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    articles: int = 0
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def unreadable(self) -> int:
        """Questions of the file the importer could not read: each has a warning saying "skipped"."""
        return sum(1 for w in self.warnings if w.startswith("skipped") or w.endswith("; skipped"))

    def __str__(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.articles:
            text += f", {self.articles} article{'s' if self.articles != 1 else ''} added"
        if self.skipped:  # a GIFT or Moodle XML question with the id of one in the bank: the bank's is kept
            text += f", {len(self.skipped)} already in the bank (kept as they are)"
        if self.unreadable:
            text += f", {self.unreadable} not imported (each is listed below with why)"
        return text


def import_file(fmt: str, data: bytes, author_id: int | None = None) -> ImportSummary:
    """Import in one transaction. JSON (our own) restores questions exactly, by id; GIFT and Moodle XML
    questions enter the review queue as candidates. Raises ImportFormatError/ExportError; writes nothing then."""
    if fmt not in IMPORTERS:
        raise ExportError(f"Cannot import {fmt!r}; importable formats: {', '.join(IMPORTERS)}.")
    result = IMPORTERS[fmt](data)
    articles = {a.slug: a for a in db.session.scalars(select(Article))}
    existing = {q.uid: q for q in db.session.scalars(select(Question))}
    summary = ImportSummary(warnings=list(result.warnings))
    try:
        for data_a in result.articles:
            known = articles.get(data_a["slug"])
            if known is None:
                articles[data_a["slug"]] = restored = _restore_article(data_a)
                db.session.add(restored)
                summary.articles += 1
            elif known.content_sha256 != data_a["content_sha256"]:
                summary.warnings.append(
                    f"article {data_a['slug']!r} differs from the library's copy; the library's copy is kept"
                )
        db.session.flush()
        for data_q in result.questions:
            source = data_q.get("source") or {}
            article = articles.get(source.get("article")) if source else None
            if source and article is None:
                summary.warnings.append(
                    f"{data_q['id']}: article {source.get('article')!r} is not in the library; provenance dropped"
                )
                data_q = {k: v for k, v in data_q.items() if k != "source"}
            question = existing.get(data_q["id"])
            if question is None:
                question = Question(origin="imported", checks={})
                apply_canonical(question, data_q, article)
                db.session.add(question)
                number = 1
                summary.created += 1
            elif fmt != "json":
                summary.skipped.append(data_q["id"])
                continue
            elif apply_canonical(question, data_q, article):
                question.version += 1
                number = (
                    db.session.scalar(
                        select(func.count())
                        .select_from(QuestionRevision)
                        .where(QuestionRevision.question_id == question.id)
                    )
                    or 0
                ) + 1
                summary.updated += 1
            else:
                summary.unchanged += 1
                continue
            question.revisions.append(
                QuestionRevision(
                    number=number,
                    action="imported",
                    snapshot=data_q,
                    author_id=author_id,
                    note=f"import {fmt}",
                )
            )
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ExportError(f"The import conflicts with the bank ({exc.orig}); nothing was imported.") from exc
    except Exception:
        db.session.rollback()
        raise
    return summary


def start_export_job(
    user,
    fmt: str,
    scope: str = "bank",
    scope_id: str | None = None,
    variant: str | None = None,
    accept_loss: bool = False,
) -> Job:
    """Start (or find, when the same one is still running) an export job for `user`; see app.jobs."""
    from app.exports.forms import FORMAT_LABELS

    _checked_format(fmt)
    if scope not in SCOPES:
        raise ExportError(f"Unknown scope {scope!r}; use one of {', '.join(SCOPES)}.")
    label = FORMAT_LABELS[fmt] + (" — Quizlet" if fmt == "csv" and variant == "quizlet" else "")
    params = {
        "fmt": fmt,
        "scope": scope,
        "scope_id": scope_id,
        "variant": variant,
        "accept_loss": bool(accept_loss),
        "label": label,
    }
    return jobs.start("export.bank", user, params)
