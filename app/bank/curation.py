"""Curating the bank in the web: the review queue, approve/reject decisions, saving edits with revisions.

Each operation is one transaction and owns its commit; a refused operation changes nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.articles.document import IngestedArticle
from app.articles.service import get_article, to_document
from app.bank.check import check_bank, normalise
from app.bank.convert import apply_canonical, canonical_fields, to_canonical
from app.bank.editing import CONTROL
from app.bank.history import DiffLine, changed_fields, diff_snapshots
from app.bank.service import record_revision
from app.bank.yamlio import BankError
from app.extensions import db
from app.models import Article, Question, QuestionRevision, Segment, User

PAGE_SIZE = 20
NEIGHBOURS = 1  # sentences of context shown either side of a question's source sentence
QUEUE_STATUSES = ("candidate", "approved", "rejected", "retired")
ACTIONS = {"approve": "approved", "reject": "rejected"}


class CurationError(Exception):
    """A refused operation; nothing was changed. `field` names the form field, `status` the HTTP status."""

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.field = field
        self.status = status


class EditorErrors(CurationError):
    """The edited question does not pass the bank's checks; `errors` are located by canonical path."""

    def __init__(self, errors: Sequence[BankError]):
        super().__init__("The question was not saved: correct the fields marked below.")
        self.errors = list(errors)


# ---------------------------------------------------------------- the queue and the bank list


@dataclass
class Filters:
    article: str = ""
    topic: str = ""
    qtype: str = ""
    status: str = "candidate"
    checks: str = ""  # "failed": only questions that fail a generator check
    page: int = 1

    def query_args(self, **changes: Any) -> dict[str, Any]:
        """The filters as query arguments (empty ones left out), with `changes` applied."""
        values = {
            "article": self.article,
            "topic": self.topic,
            "qtype": self.qtype,
            "status": self.status,
            "checks": self.checks,
            "page": self.page if self.page > 1 else "",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None)}


def failed_checks(question: Question) -> dict[str, str]:
    """The generator checks this question fails, with their reasons (checks store True or a reason)."""
    return {
        name: (result if isinstance(result, str) else "failed")
        for name, result in (question.checks or {}).items()
        if result is not True
    }


def filter_questions(filters: Filters) -> list[Question]:
    """Questions matching the filters: candidates best-ranked first, others by topic and id."""
    query = select(Question)
    if filters.status in QUEUE_STATUSES:
        query = query.where(Question.status == filters.status)
    if filters.topic:
        query = query.where(Question.topic == filters.topic)
    if filters.qtype:
        query = query.where(Question.qtype == filters.qtype)
    if filters.article:
        query = query.join(Article, Question.article_id == Article.id).where(Article.slug == filters.article)
    if filters.status == "candidate":
        query = query.order_by(Question.rank_score.desc().nulls_last(), Question.uid)
    else:
        query = query.order_by(Question.topic, Question.uid)
    questions = list(db.session.scalars(query))
    if filters.checks == "failed":
        questions = [q for q in questions if failed_checks(q)]
    return questions


def fold_variants(questions: list[Question]) -> tuple[list[Question], dict[int, list[Question]]]:
    """One row per fact: the first question of each (article, fact) in the given order, with the others
    of that fact as its variants. Questions without a fact key stand alone."""
    heads: list[Question] = []
    variants: dict[int, list[Question]] = {}
    head_of: dict[tuple[int | None, str], Question] = {}
    for q in questions:
        key = (q.article_id, q.fact_key) if q.fact_key else None
        if key is not None and key in head_of:
            variants[head_of[key].id].append(q)
            continue
        if key is not None:
            head_of[key] = q
        heads.append(q)
        variants[q.id] = []
    return heads, variants


def status_counts() -> dict[str, int]:
    rows = db.session.execute(select(Question.status, func.count()).group_by(Question.status))
    counts = dict.fromkeys(QUEUE_STATUSES, 0)
    counts.update({status: n for status, n in rows})
    return counts


def topics() -> list[str]:
    return list(db.session.scalars(select(Question.topic).distinct().order_by(Question.topic)))


@dataclass
class SourceContext:
    """The paragraph(s) a question's source sentences sit in, with the cited sentences marked."""

    article: Article
    sentences: list[tuple[Segment, bool]] = field(default_factory=list)  # (segment, cited)
    missing: list[str] = field(default_factory=list)  # cited ids not found among the article's sentences
    more_before: bool = False  # the paragraph goes on before / after the sentences shown
    more_after: bool = False

    @property
    def first_sid(self) -> str | None:
        return next((s.sid for s, cited in self.sentences if cited), None)


def _trim(context: SourceContext, keep: int) -> None:
    """Keep the cited sentences and `keep` sentences either side of them."""
    marks = [i for i, (_, cited) in enumerate(context.sentences) if cited]
    if not marks:
        return
    start, end = max(0, marks[0] - keep), min(len(context.sentences), marks[-1] + keep + 1)
    context.more_before, context.more_after = start > 0, end < len(context.sentences)
    context.sentences = context.sentences[start:end]


def source_contexts(questions: Iterable[Question]) -> dict[int, SourceContext]:
    """For each question with provenance, its source sentences in their paragraph (by question id)."""
    by_article: dict[int, dict[str, Any]] = {}
    contexts: dict[int, SourceContext] = {}
    for question in questions:
        article = question.article
        if article is None or not question.sentence_ids:
            continue
        if article.id not in by_article:
            paragraphs: dict[int, list[Segment]] = {}
            for segment in article.segments:
                if not segment.excluded:
                    paragraphs.setdefault(segment.paragraph, []).append(segment)
            by_article[article.id] = {
                "paragraphs": paragraphs,
                "sids": {s.sid: s for s in article.segments if not s.excluded},
            }
        index = by_article[article.id]
        cited = set(question.sentence_ids)
        wanted = sorted({index["sids"][sid].paragraph for sid in cited if sid in index["sids"]})
        context = SourceContext(
            article, missing=[sid for sid in question.sentence_ids if sid not in index["sids"]]
        )
        for number in wanted:
            context.sentences.extend((s, s.sid in cited) for s in index["paragraphs"][number])
        _trim(context, NEIGHBOURS)
        contexts[question.id] = context
    return contexts


def get_question(uid: str) -> Question | None:
    if len(uid) > 90 or CONTROL.search(uid):
        return None  # no stored id looks like this (and PostgreSQL refuses NUL in a query)
    return db.session.scalar(select(Question).where(Question.uid == uid))


# ---------------------------------------------------------------- decisions


def snapshot_of(question: Question) -> dict[str, Any]:
    """The question's canonical form, except that `status` keeps "rejected" (the schema calls it retired).

    A row that no longer passes the schema (edited in the database by hand) still gets its fields, as
    they are, so that it can be opened in the editor, rejected and recorded."""
    try:
        data = to_canonical(question)
    except ValidationError:
        data = canonical_fields(question)
    data["status"] = question.status
    return data


def _documents(articles: Iterable[Article | None]) -> dict[str, IngestedArticle]:
    return {a.slug: to_document(a) for a in {a.id: a for a in articles if a is not None}.values()}


def _approval_errors(questions: Sequence[Question]) -> list[BankError]:
    """What would make `bank check` fail if these questions were approved (warnings are allowed)."""
    data = [{**snapshot_of(question), "status": "approved"} for question in questions]
    return check_bank(data, _documents(q.article for q in questions)).errors


@dataclass
class Decision:
    action: str
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def decide(uids: Sequence[str], action: str, reason: str, author: User) -> Decision:
    """Approve or reject questions by uid, in one transaction: all of them, or none when any is refused.

    A rejection needs a reason (kept on the question and in its history). An approval is refused when
    the question would fail `bank check` (e.g. no source): the approved bank must always check clean.
    """
    if action not in ACTIONS:
        raise CurationError(f"Unknown action {action!r}: choose approve or reject.", "action", 400)
    wanted = list(dict.fromkeys(uid.strip() for uid in uids if uid and uid.strip()))
    if not wanted:
        raise CurationError("Select at least one question first.", "uids")
    reason = (reason or "").strip()
    if CONTROL.search(reason) or any(CONTROL.search(uid) for uid in wanted):
        raise CurationError("Remove the invisible control characters from the reason.", "reason", 400)
    if action == "reject" and not reason:
        raise CurationError("Give a reason for rejecting: it is kept in the question's history.", "reason")
    if len(reason) > 2000:
        raise CurationError("Keep the reason under 2,000 characters.", "reason")
    found = {
        q.uid: q
        for q in db.session.scalars(select(Question).where(Question.uid.in_(wanted)).with_for_update())
    }
    unknown = [uid for uid in wanted if uid not in found]
    if unknown:
        raise CurationError(f"No question with id {unknown[0]!r}; reload the page.", "uids", 404)
    questions = [found[uid] for uid in wanted]
    status = ACTIONS[action]
    result = Decision(action)
    to_change = [q for q in questions if q.status != status]
    result.unchanged = [q.uid for q in questions if q.status == status]
    if action == "approve":
        errors = _approval_errors(to_change)
        if errors:
            first = errors[0]
            where = f" (field {first.field})" if first.field else ""
            raise CurationError(
                f"{first.qid} cannot be approved: {first.message}{where}. Edit it first; nothing was changed.",
                "uids",
            )
    try:
        for question in to_change:
            question.status = status
            question.reject_reason = reason if action == "reject" else None
            question.version += 1
            record_revision(question, status, snapshot_of(question), author.id, reason)
            result.changed.append(question.uid)
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise CurationError(
            "Someone else changed one of these questions at the same time; reload and try again.", None, 409
        ) from exc
    return result


# ---------------------------------------------------------------- the editor


def new_uid(article_slug: str | None) -> str:
    """A fresh id for a question written in the editor: w-<article>-<random hex>."""
    stem = f"w-{article_slug}"[:70] if article_slug else "w"
    while True:
        uid = f"{stem}-{secrets.token_hex(4)}"
        if get_question(uid) is None:
            return uid


def _source_offsets(data: dict[str, Any], document: IngestedArticle, question: Question | None) -> None:
    """Set source.start/end to where the quote sits in the article text (kept when they still match)."""
    source = data.get("source")
    if not source:
        return
    quote = source["quote"]
    if question is not None and question.source_start is not None and question.source_end is not None:
        span = document.text[question.source_start : question.source_end]
        if span and normalise(span) == normalise(quote):
            source["start"], source["end"] = question.source_start, question.source_end
            return
    at = document.text.find(quote)
    source["start"], source["end"] = (at, at + len(quote)) if at >= 0 else (None, None)


@dataclass
class Saved:
    question: Question
    action: str | None  # the revision recorded, None when nothing changed
    warnings: list[BankError] = field(default_factory=list)


def _lock(question: Question) -> Question:
    locked = db.session.scalar(
        select(Question)
        .where(Question.id == question.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None:
        raise CurationError("This question no longer exists.", None, 404)
    return locked


def save_question(
    question: Question | None,
    data: dict[str, Any],
    status: str,
    author: User,
    *,
    note: str = "",
    expected_version: int | None = None,
) -> Saved:
    """Create (question=None) or update a question from its canonical dict, in one transaction.

    The bank's checks run first (schema, quote against the article, item-writing rules); errors raise
    EditorErrors and nothing is written. Every save that changes something bumps the version and records
    a revision: who, when, what (the snapshot), and the note.
    """
    if status not in QUEUE_STATUSES:
        raise CurationError(f"Unknown status {status!r}.", "status", 400)
    note = note.strip()
    if status == "rejected" and (question is None or question.status != "rejected") and not note:
        raise CurationError("Give a reason for rejecting in the note: it is kept in the history.", "note")
    data = dict(data)
    if data.get("source"):
        data["source"] = dict(data["source"])
    if question is not None:
        question = _lock(question)
        if expected_version is not None and question.version != expected_version:
            raise CurationError(
                f"Someone saved this question (version {question.version}) after you opened it (version "
                f"{expected_version}). Your changes were not saved: reload the editor and make them again.",
                None,
                409,
            )
        data["id"] = question.uid
    elif get_question(data["id"]) is not None:
        raise CurationError(f"The id {data['id']!r} is already used by another question.", "uid")
    slug = (data.get("source") or {}).get("article")
    article = get_article(slug) if slug else None
    if slug and article is None:
        raise EditorErrors(
            [BankError("<editor>", None, "source.article", f"No article {slug!r} in the library.")]
        )
    documents = {}
    if article is not None:
        documents[article.slug] = to_document(article)
        _source_offsets(data, documents[article.slug], question)
    report = check_bank([data], documents)
    if report.errors:
        raise EditorErrors(report.errors)
    warnings = [w for w in report.warnings if w.qid == data["id"]]

    if question is None:
        question = Question(origin="written", checks={})
        apply_canonical(question, data, article)
        question.article = article
        question.status = status
        db.session.add(question)
        action: str | None = "created"
    else:
        before, old_status = snapshot_of(question), question.status
        apply_canonical(question, data, article)
        question.article = article
        question.status = status
        changed = set(changed_fields(before, snapshot_of(question)))
        if changed - {"status"}:
            action = "edited"
        elif old_status != status:
            action = "requeued" if status == "candidate" else status
        else:
            db.session.rollback()  # nothing a person would call a change: leave the row as it was
            return Saved(question, None, warnings)
        question.version += 1
    if status == "rejected":
        question.reject_reason = note or question.reject_reason
    elif question.reject_reason:
        question.reject_reason = None
    try:
        db.session.flush()
        record_revision(question, action, snapshot_of(question), author.id, note)
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise CurationError(
            "Someone else saved this question at the same time; reload the editor and try again.", None, 409
        ) from exc
    return Saved(question, action, warnings)


# ---------------------------------------------------------------- history


@dataclass
class HistoryEntry:
    revision: QuestionRevision
    changed: list[str]
    diff: list[DiffLine]


def history(question: Question) -> list[HistoryEntry]:
    """The question's revisions, newest first, each with what changed since the one before."""
    entries = []
    previous: dict[str, Any] | None = None
    for revision in question.revisions:
        entries.append(
            HistoryEntry(
                revision,
                changed_fields(previous, revision.snapshot) if previous is not None else [],
                diff_snapshots(previous, revision.snapshot),
            )
        )
        previous = revision.snapshot
    return entries[::-1]
