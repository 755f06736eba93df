"""Curating the bank in the web: the review queue, approve/reject decisions, saving edits with revisions.

Each operation is one transaction and owns its commit; a refused operation changes nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import String, and_, cast, func, literal, or_, select, tuple_, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from app.articles.document import IngestedArticle
from app.articles.service import get_article, to_document
from app.bank.check import check_bank, normalise
from app.bank.convert import apply_canonical, canonical_fields, to_canonical
from app.bank.history import DiffLine, changed_fields, diff_snapshots
from app.bank.service import record_revision
from app.bank.yamlio import BankError
from app.extensions import db
from app.inputs import CONTROL
from app.models import Article, Question, QuestionRevision, Segment, User

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100  # `size=` above this is refused: no request reads an unbounded list
MAX_PAGE = 1_000_000  # pages up to this beyond the last show the last; larger numbers are refused
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
    size: int = PAGE_SIZE
    # A cursor: the uid of the last row of the page before (`after`) or the first of the page after
    # (`before`), set by the Next and Previous links; `page` is then the number shown.
    after: str = ""
    before: str = ""

    def query_args(self, **changes: Any) -> dict[str, Any]:
        """The filters as query arguments (empty ones left out), with `changes` applied."""
        values = {
            "article": self.article,
            "topic": self.topic,
            "qtype": self.qtype,
            "status": self.status,
            "checks": self.checks,
            "page": self.page if self.page > 1 else "",
            "size": self.size if self.size != PAGE_SIZE else "",
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


def _conditions(q: Any, filters: Filters) -> list[Any]:
    """The filters as SQL conditions on `q` (the question table or an alias of it)."""
    conditions = []
    if filters.status in QUEUE_STATUSES:
        conditions.append(q.status == filters.status)
    if filters.topic:
        conditions.append(q.topic == filters.topic)
    if filters.qtype:
        conditions.append(q.qtype == filters.qtype)
    if filters.article:
        article = select(Article.id).where(Article.slug == filters.article).scalar_subquery()
        conditions.append(q.article_id == article)
    if filters.checks == "failed":
        conditions.append(q.failed_checks > 0)
    return conditions


def _order(q: Any, filters: Filters) -> list[Any]:
    """Candidates best-ranked first, others by topic; the uid breaks ties, so every page is stable."""
    if filters.status == "candidate":
        return [q.rank_score.desc().nulls_last(), q.uid]
    return [q.topic, q.uid]


def _reversed_order(q: Any, filters: Filters) -> list[Any]:
    """`_order` read from the end: the same index walked backwards (for the last pages)."""
    if filters.status == "candidate":
        return [q.rank_score.asc().nulls_first(), q.uid.desc()]
    return [q.topic.desc(), q.uid.desc()]


def _key_columns(filters: Filters) -> tuple[Any, Any]:
    return (Question.rank_score if filters.status == "candidate" else Question.topic), Question.uid


def _seek(filters: Filters, key: tuple[Any, str], forward: bool) -> list[Any]:
    """The rows after (`forward`) or before `key` (the ordering key of the row the cursor names) in the
    list's order, as conditions that are each one range of the ordering index, in the order they come:
    a seek instead of skipping rows. The queue's order (rank DESC NULLS LAST, uid) mixes directions, so
    it is no row comparison: the ranked rows past the cursor are one range, the unranked another."""
    first, uid = key
    if filters.status != "candidate":
        row, cursor = tuple_(Question.topic, Question.uid), tuple_(literal(first), literal(uid))
        return [row > cursor if forward else row < cursor]
    rank = Question.rank_score
    if first is None:  # the unranked come last, by uid
        if forward:
            return [and_(rank.is_(None), Question.uid > uid)]
        return [and_(rank.is_(None), Question.uid < uid), rank.is_not(None)]
    if forward:
        return [and_(rank <= first, ~and_(rank == first, Question.uid <= uid)), rank.is_(None)]
    return [and_(rank >= first, ~and_(rank == first, Question.uid >= uid))]


def _ranks_before(other: Any, q: Any) -> Any:
    """`other` comes before `q` in the queue's order (rank_score DESC NULLS LAST, uid)."""
    same_rank = or_(
        other.rank_score == q.rank_score, and_(other.rank_score.is_(None), q.rank_score.is_(None))
    )
    return or_(
        and_(q.rank_score.is_(None), other.rank_score.is_not(None)),
        other.rank_score > q.rank_score,
        and_(same_rank, other.uid < q.uid),
    )


def _is_head(filters: Filters) -> Any:
    """The question is the first of its fact (same article and fact key) among those the filters match."""
    other = aliased(Question)
    earlier = select(other.id).where(
        other.article_id.is_not_distinct_from(Question.article_id),
        other.fact_key == Question.fact_key,
        *_conditions(other, filters),
        _ranks_before(other, Question),
    )
    return or_(Question.fact_key.is_(None), ~earlier.exists())


@dataclass
class Listing:
    """One page of a filtered list: its questions (one per fact in the queue), their folded variants,
    how many match in all, and the page shown (clamped to the last)."""

    questions: list[Question]
    variants: dict[int, list[Question]]
    total: int
    page: int
    pages: int


# The lists show an article's title and link to it: its text (raw_text, often 100 kB) is not loaded.
_ARTICLE_LINK = selectinload(Question.article).load_only(Article.slug, Article.title)


def list_questions(
    filters: Filters, page_size: int = PAGE_SIZE, counts: dict[str, int] | None = None
) -> Listing:
    """A page of the questions matching the filters, counted, filtered, ordered and sliced in SQL
    (`counts`, the bank's `status_counts()`, saves counting again a list filtered by status alone).

    Candidates are folded by fact: one row per fact (the best-ranked of its questions the filters
    match), the others as its variants. A page beyond the last shows the last."""
    conditions = _conditions(Question, filters)
    if filters.status == "candidate":
        # One row per fact: the distinct facts among the matching rows (a row without a fact key is its own),
        # counted in one pass instead of asking each row whether it is the first of its fact.
        fact = func.coalesce(
            Question.fact_key.concat("@").concat(func.coalesce(cast(Question.article_id, String), "")),
            literal("#").concat(cast(Question.id, String)),
        )
        total = db.session.scalar(select(func.count(fact.distinct())).where(*conditions))
        conditions.append(_is_head(filters))
    elif counts is not None and not (filters.topic or filters.qtype or filters.article or filters.checks):
        # Filtered by status alone: the count is the status's, which the page reads for its tabs anyway.
        total = sum(counts.values()) if filters.status == "any" else counts.get(filters.status, 0)
    else:
        total = db.session.scalar(select(func.count()).select_from(Question).where(*conditions))
    total = total or 0
    pages = max(1, -(-total // page_size))
    page = min(max(1, filters.page), pages)
    page_uids: Any = _cursor_page(filters, conditions, page_size)
    if page_uids is None:
        page_uids = _numbered_page(filters, conditions, page, page_size, total).scalar_subquery()
    questions = list(
        db.session.scalars(
            select(Question)
            .where(Question.uid.in_(page_uids))
            .order_by(*_order(Question, filters))
            .options(_ARTICLE_LINK)
        )
    )
    variants: dict[int, list[Question]] = {q.id: [] for q in questions}
    if filters.status == "candidate":
        _attach_variants(questions, filters, variants)
    return Listing(questions, variants, total, page, pages)


def _numbered_page(filters: Filters, conditions: list[Any], page: int, page_size: int, total: int) -> Any:
    """The uids of page `page` by position. Only its uids are selected: the ordering indexes end in uid,
    so the skipped rows are walked in the index alone. A page in the second half is counted from the end,
    the index walked backwards, so the last page skips nothing whatever the list's length."""
    start, end = (page - 1) * page_size, min(page * page_size, total)
    if start > total - end:
        order, skip = _reversed_order(Question, filters), total - end
    else:
        order, skip = _order(Question, filters), start
    return select(Question.uid).where(*conditions).order_by(*order).limit(max(end - start, 1)).offset(skip)


def _cursor_page(filters: Filters, conditions: list[Any], page_size: int) -> list[str] | None:
    """The uids of the page after `filters.after` (or before `filters.before`), the uid of the last (first)
    row of the page the link was on: a seek on the ordering key, as fast on page 1,000 as on page 2.
    None when there is no cursor, its question is gone, or nothing lies beyond it: the page number decides."""
    uid, forward = (filters.after, True) if filters.after else (filters.before, False)
    if not uid:
        return None
    key = db.session.execute(select(*_key_columns(filters)).where(Question.uid == uid)).one_or_none()
    if key is None:
        return None
    ranges = _seek(filters, (key[0], key[1]), forward)
    order = _order(Question, filters) if forward else _reversed_order(Question, filters)
    if len(ranges) == 1:
        statement = select(Question.uid).where(*conditions, ranges[0]).order_by(*order).limit(page_size)
    else:  # each range read on its own (ordered, limited), then the two merged
        parts = [
            select(Question.uid, Question.rank_score).where(*conditions, r).order_by(*order).limit(page_size)
            for r in ranges
        ]
        merged = union_all(*(select(part.subquery()) for part in parts)).subquery()
        merged_order = _order(merged.c, filters) if forward else _reversed_order(merged.c, filters)
        statement = select(merged.c.uid).order_by(*merged_order).limit(page_size)
    uids = list(db.session.scalars(statement))
    if not uids or (not forward and len(uids) < page_size):  # back at the start: page 1 is whole
        return None
    return uids


def _attach_variants(heads: list[Question], filters: Filters, variants: dict[int, list[Question]]) -> None:
    """The other questions the filters match on each head's fact, best-ranked first, in one query."""
    head_of = {(q.article_id, q.fact_key): q for q in heads if q.fact_key}
    if not head_of:
        return
    rows = db.session.scalars(
        select(Question)
        .where(
            *_conditions(Question, filters),
            Question.fact_key.in_({key for _, key in head_of}),
            Question.id.not_in([q.id for q in heads]),
        )
        .order_by(*_order(Question, filters))
        .options(_ARTICLE_LINK)
    )
    for question in rows:
        head = head_of.get((question.article_id, question.fact_key))
        if head is not None:
            variants[head.id].append(question)


def status_counts() -> dict[str, int]:
    rows = db.session.execute(select(Question.status, func.count()).group_by(Question.status))
    counts = dict.fromkeys(QUEUE_STATUSES, 0)
    counts.update({status: n for status, n in rows})
    return counts


def topics_of_every_status() -> list[str]:
    """Every topic a question in the bank has, candidates and retired ones included (the listing filters).

    Read by skipping from one topic to the next along `ix_question_topic_uid`, one index probe per topic
    (a recursive query: PostgreSQL has no skip scan), instead of reading every question's topic."""
    q = Question.__table__
    topics = select(func.min(q.c.topic).label("topic")).cte("topics", recursive=True)
    following = select(func.min(q.c.topic)).where(q.c.topic > topics.c.topic).scalar_subquery()
    topics = topics.union_all(select(following).where(topics.c.topic.is_not(None)))
    return list(
        db.session.scalars(select(topics.c.topic).where(topics.c.topic.is_not(None)).order_by(topics.c.topic))
    )


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
    """For each question with provenance, its source sentences in their paragraph (by question id).

    The sentences of every article cited come in one query (the questions' articles should be loaded
    with them, e.g. by `selectinload(Question.article)`)."""
    cited_by = [q for q in questions if q.article is not None and q.sentence_ids]
    article_ids = sorted({q.article_id for q in cited_by})
    by_article: dict[int, dict[str, Any]] = {aid: {"paragraphs": {}, "sids": {}} for aid in article_ids}
    if article_ids:
        # Only the paragraphs a question cites, not every sentence of their articles.
        cited_sids = sorted({sid for q in cited_by for sid in q.sentence_ids})
        cited_paragraphs = select(Segment.article_id, Segment.paragraph).where(
            Segment.article_id.in_(article_ids), Segment.sid.in_(cited_sids), Segment.excluded.is_(False)
        )
        segments = db.session.scalars(
            select(Segment)
            .where(
                tuple_(Segment.article_id, Segment.paragraph).in_(cited_paragraphs),
                Segment.excluded.is_(False),
            )
            .order_by(Segment.article_id, Segment.position)
        )
        for segment in segments:
            index = by_article[segment.article_id]
            index["paragraphs"].setdefault(segment.paragraph, []).append(segment)
            index["sids"][segment.sid] = segment
    contexts: dict[int, SourceContext] = {}
    for question in cited_by:
        index = by_article[question.article_id]
        cited = set(question.sentence_ids)
        wanted = sorted({index["sids"][sid].paragraph for sid in cited if sid in index["sids"]})
        context = SourceContext(
            question.article, missing=[sid for sid in question.sentence_ids if sid not in index["sids"]]
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
