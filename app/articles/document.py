"""Plain data produced by article ingestion: the text, its segments, and why some are excluded.

No Flask, no session: the generator, the bank checker and the DB layer all read these.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Reasons a segment is excluded from question generation (shown to instructors).
EXCLUSION_REASONS = {
    "advertisement": "Advertisement or product promotion",
    "affiliate-notice": "Affiliate or sponsorship disclosure",
    "related-tools": "'Related tools / resources' block",
    "faq-restates": "FAQ entry that only restates the article",
    "unrelated-link": "Link or teaser to an unrelated story",
    "truncated": "Truncated fragment: the sentence stops mid-clause",
    "glued": "Glued fragment: words run together from a broken extraction",
    "navigation": "Site navigation, menu or footer",
    "cookie-banner": "Cookie or consent banner",
    "byline": "Byline, date line or share prompt",
}


@dataclass(frozen=True)
class Segment:
    """One sentence (or heading, or excluded block) with offsets into `IngestedArticle.text`."""

    sid: str  # stable id, e.g. "p3s2" (paragraph 3, sentence 2); unique within the article
    paragraph: int  # 1-based paragraph number
    position: int  # 0-based order in the article
    start: int  # character offset into IngestedArticle.text (inclusive)
    end: int  # character offset (exclusive)
    text: str  # cleaned text of the segment (whitespace folded, markup removed)
    kind: str = "sentence"  # "sentence" | "heading"
    excluded: bool = False
    reason: str | None = None  # a key of EXCLUSION_REASONS when excluded


@dataclass(frozen=True)
class IngestedArticle:
    """An article after ingestion. `text` is what the offsets index into.

    For .txt and .md uploads `text` is the raw text exactly as received; for .html it is the
    article text the HTML was reduced to (the raw HTML is kept beside it by the caller).
    """

    text: str
    title: str | None
    segments: list[Segment] = field(default_factory=list)

    @property
    def sentences(self) -> list[Segment]:
        """Included sentences only: what questions may be drawn from."""
        return [s for s in self.segments if not s.excluded and s.kind == "sentence"]

    @property
    def excluded(self) -> list[Segment]:
        return [s for s in self.segments if s.excluded]

    @property
    def cleaned_text(self) -> str:
        """The included sentences joined by single spaces (quotes must occur in this)."""
        return " ".join(s.text for s in self.sentences)

    def by_sid(self, sid: str) -> Segment | None:
        return next((s for s in self.segments if s.sid == sid), None)
