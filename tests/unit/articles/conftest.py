"""Fixtures for the article-ingestion tests: the structure and offset checks every article must pass."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.articles.document import EXCLUSION_REASONS, IngestedArticle


def _check_structure(art: IngestedArticle, *, exact_text: bool) -> None:
    """Ids unique and well formed, positions in order, spans trimmed and in order, reasons known.

    With `exact_text` (txt and html) the segment text is the raw span with whitespace folded.
    """
    sids = [s.sid for s in art.segments]
    assert len(sids) == len(set(sids))
    previous_end = 0
    counters: dict[int, int] = {}
    for position, seg in enumerate(art.segments):
        counters[seg.paragraph] = counters.get(seg.paragraph, 0) + 1
        assert seg.sid == f"p{seg.paragraph}s{counters[seg.paragraph]}"
        assert seg.position == position
        assert previous_end <= seg.start < seg.end <= len(art.text)
        raw = art.text[seg.start : seg.end]
        assert raw == raw.strip() and seg.text
        if exact_text:
            assert " ".join(raw.split()) == seg.text, seg.sid
        assert seg.excluded == (seg.reason is not None)
        assert seg.reason is None or seg.reason in EXCLUSION_REASONS
        assert seg.kind in ("sentence", "heading")
        previous_end = seg.end
    assert list(counters) == sorted(counters) == list(range(1, len(counters) + 1))


@pytest.fixture
def check_structure() -> Callable[..., None]:
    return _check_structure


def reasons(art: IngestedArticle) -> dict[str, str]:
    """Excluded segment id -> reason."""
    return {s.sid: s.reason for s in art.segments if s.reason}


@pytest.fixture
def excluded() -> Callable[[IngestedArticle], dict[str, str]]:
    return reasons
