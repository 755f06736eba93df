"""The article library: add an article (ingest it and store its segments), look articles up."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Row, func, select

from app.articles.decode import ArticleInputError, decode_upload
from app.articles.document import IngestedArticle
from app.articles.document import Segment as SegmentData
from app.articles.htmltext import describe_left_out, reduce_html
from app.articles.ingest import ingest
from app.extensions import db
from app.models import Article, Segment, User
from app.qtypes.schema import slugify


class ArticleError(ValueError):
    """A user-facing problem with an article; `field` names the form field."""

    def __init__(self, message: str, field: str | None = None, existing_slug: str | None = None):
        super().__init__(message)
        self.field = field
        self.existing_slug = existing_slug  # a duplicate: the article already in the library


@dataclass
class ArticleMeta:
    title: str = ""
    publisher: str = ""
    published_on: date | None = None
    topics: list[str] = field(default_factory=list)
    slug: str | None = None


def _unique_slug(base: str) -> str:
    taken = set(db.session.scalars(select(Article.slug).where(Article.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _segments_rows(doc: IngestedArticle) -> list[Segment]:
    return [
        Segment(
            sid=s.sid,
            paragraph=s.paragraph,
            position=s.position,
            start_offset=s.start,
            end_offset=s.end,
            text=s.text,
            kind=s.kind,
            excluded=s.excluded,
            reason=s.reason,
        )
        for s in doc.segments
    ]


def add_article(data: bytes, filename: str, meta: ArticleMeta, user: User | None = None) -> Article:
    """Decode, ingest and store an article in one transaction; raises ArticleError with a clear message."""
    try:
        raw_text, fmt = decode_upload(data, filename)
    except ArticleInputError as exc:
        raise ArticleError(str(exc), "file") from exc
    digest = hashlib.sha256(raw_text.encode("utf-8")).hexdigest()
    existing = db.session.scalar(select(Article).where(Article.content_sha256 == digest))
    if existing is not None and meta.slug in (None, existing.slug):
        raise ArticleError(
            f"This article is already in the library as “{existing.title}”.", "file", existing.slug
        )
    try:
        doc = ingest(raw_text, fmt, meta.title or None)
    except ArticleInputError as exc:
        raise ArticleError(str(exc), "file") from exc
    if not doc.sentences:
        raise ArticleError(
            "No readable sentences were found in this article. Check that it is the article text, not a page "
            "of links or an image.",
            "file",
        )
    title = (meta.title or doc.title or filename.rsplit(".", 1)[0]).strip()[:300]
    article = Article(
        slug=meta.slug or _unique_slug(slugify(title) or "article"),
        title=title,
        publisher=meta.publisher.strip()[:200],
        published_on=meta.published_on,
        topics=list(meta.topics),
        source_format=fmt,
        raw_text=raw_text,
        body=doc.text,
        content_sha256=digest,
        created_by_id=user.id if user else None,
    )
    article.segments = _segments_rows(doc)
    db.session.add(article)
    db.session.commit()
    return article


def upsert_article(data: bytes, filename: str, meta: ArticleMeta) -> tuple[Article, bool]:
    """Idempotent load by slug (used by `seed`): unchanged text and metadata change nothing.

    Returns (article, changed).
    """
    assert meta.slug, "upsert needs a slug"
    article = get_article(meta.slug)
    if article is None:
        return add_article(data, filename, meta), True
    raw_text, fmt = decode_upload(data, filename)
    digest = hashlib.sha256(raw_text.encode("utf-8")).hexdigest()
    changed = False
    for attr, value in (
        ("title", meta.title),
        ("publisher", meta.publisher),
        ("published_on", meta.published_on),
        ("topics", list(meta.topics)),
    ):
        if getattr(article, attr) != value:
            setattr(article, attr, value)
            changed = True
    if article.content_sha256 != digest:
        doc = ingest(raw_text, fmt, meta.title or None)
        article.raw_text, article.body, article.source_format = raw_text, doc.text, fmt
        article.content_sha256 = digest
        article.segments = _segments_rows(doc)
        changed = True
    if changed:
        db.session.commit()
    return article, changed


def get_article(slug: str) -> Article | None:
    return db.session.scalar(select(Article).where(Article.slug == slug))


def list_articles() -> list[Article]:
    return list(db.session.scalars(select(Article).order_by(Article.created_at, Article.id)))


def article_choices() -> list[Row[tuple[str, str]]]:
    """Every article's slug and title (rows with `.slug` and `.title`), for filter menus: plain rows, not
    ORM objects, since a department's menu lists hundreds of articles on every page that shows it."""
    return list(
        db.session.execute(select(Article.slug, Article.title).order_by(Article.created_at, Article.id))
    )


def count_articles() -> int:
    return db.session.scalar(select(func.count()).select_from(Article)) or 0


def to_document(article: Article) -> IngestedArticle:
    """Rebuild the ingestion result from the stored rows (for checks and generation)."""
    return IngestedArticle(
        text=article.body,
        title=article.title,
        segments=[
            SegmentData(
                sid=s.sid,
                paragraph=s.paragraph,
                position=s.position,
                start=s.start_offset,
                end=s.end_offset,
                text=s.text,
                kind=s.kind,
                excluded=s.excluded,
                reason=s.reason,
            )
            for s in article.segments
        ],
    )


def html_left_out(article: Article) -> str:
    """What the HTML ingest left out of an uploaded page, in words, e.g. "navigation, footer ×2 (3 blocks)";
    "" for text and Markdown articles and for pages that were all article. Worked out again from the stored
    page, as ingesting it does: the segments hold only the article text."""
    if article.source_format != "html":
        return ""
    said = _LEFT_OUT.get(article.content_sha256)
    if said is None:
        left_out = reduce_html(article.raw_text).left_out
        said = describe_left_out(left_out) if left_out else ""
        if len(_LEFT_OUT) >= 256:
            _LEFT_OUT.clear()
        _LEFT_OUT[article.content_sha256] = said
    return said


# What html_left_out said of a page, by its digest: a stored page is parsed once per process, not on every
# view of the reader (the words are small; the pages are not kept).
_LEFT_OUT: dict[str, str] = {}


def paragraphs(article: Article) -> list[list[Segment]]:
    """Segments grouped by paragraph, in order, for the reader."""
    groups: dict[int, list[Segment]] = {}
    for seg in article.segments:
        groups.setdefault(seg.paragraph, []).append(seg)
    return [groups[k] for k in sorted(groups)]
