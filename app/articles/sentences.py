"""Sentence boundaries inside one paragraph, as (start, end) offsets into the paragraph's text.

pysbd does the splitting (abbreviations, decimals such as 10.6% or HK$55.29, quotes closing a
sentence). Its cost grows faster than linearly with input length, so a long paragraph is first cut
into chunks at unmistakable boundaries (a lowercase word, a full stop, a capital).
"""

from __future__ import annotations

import re

import pysbd

CHUNK_CHARS = 3_000
_POSSIBLE_END = re.compile(r"[.!?…。][\"”’')\]]*\s+\S")
_SAFE_BOUNDARY = re.compile(r"[a-z]{3}[.!?][\"”’)]?(\s+)(?=[\"“‘(]?[A-Z0-9])")
# Any full stop before a capital, except after an initial ("J. R.") or a title ("Mr. Smith").
_WEAK_BOUNDARY = re.compile(
    r"(?<!\b[A-Z])(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bMrs)(?<!\bProf)(?<!\bSt)(?<!\bNo)"
    r"[.!?][\"”’)]?(\s+)(?=[\"“‘(]?[A-Z0-9])"
)


def new_segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def sentence_spans(text: str, segmenter: pysbd.Segmenter) -> list[tuple[int, int]]:
    """Trimmed, ordered, non-overlapping spans covering every non-blank stretch of `text`."""
    if not _POSSIBLE_END.search(text):
        # No full stop followed by more text: one sentence, and pysbd (slow per call) is not needed.
        stripped = text.strip()
        return [(text.index(stripped), text.index(stripped) + len(stripped))] if stripped else []
    spans: list[tuple[int, int]] = []
    for cstart, cend in _chunks(text):
        spans.extend(_split_chunk(text, cstart, cend, segmenter))
    return spans


def _chunks(text: str) -> list[tuple[int, int]]:
    if len(text) <= CHUNK_CHARS:
        return [(0, len(text))]
    boundaries = [m.start(1) for m in _SAFE_BOUNDARY.finditer(text)]
    chunks: list[tuple[int, int]] = []
    pos = 0
    b = 0
    while len(text) - pos > CHUNK_CHARS:
        limit = pos + CHUNK_CHARS
        while b < len(boundaries) and boundaries[b] <= pos:
            b += 1
        cut = None
        while b < len(boundaries) and boundaries[b] <= limit:
            cut = boundaries[b]
            b += 1
        if cut is None:
            cut = _fallback_cut(text, pos, limit)
        chunks.append((pos, cut))
        pos = cut
    chunks.append((pos, len(text)))
    return chunks


def _fallback_cut(text: str, pos: int, limit: int) -> int:
    """Without an unmistakable boundary, cut after the last full stop before a capital ("Inc. The"),
    else at the last space so no word is split, else hard at the limit."""
    weak = [m.start(1) for m in _WEAK_BOUNDARY.finditer(text, pos, limit) if m.start(1) > pos]
    if weak:
        return weak[-1]
    space = text.rfind(" ", pos + 1, limit)
    return space if space > pos else limit


def _split_chunk(text: str, start: int, end: int, segmenter: pysbd.Segmenter) -> list[tuple[int, int]]:
    chunk = text[start:end]
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in segmenter.segment(chunk):
        piece = piece.strip()
        if not piece:
            continue
        found = chunk.find(piece, cursor)
        if found < 0:
            # pysbd rewrote the text (it rarely does); keep the rest as one sentence rather than guess.
            break
        begin = found
        gap = chunk[cursor:found]
        if gap.strip():
            # Text pysbd skipped over joins the sentence it precedes, so nothing goes missing.
            begin = cursor + len(gap) - len(gap.lstrip())
        spans.append((start + begin, start + found + len(piece)))
        cursor = found + len(piece)
    rest = chunk[cursor:]
    if rest.strip():
        lead = len(rest) - len(rest.lstrip())
        spans.append((start + cursor + lead, start + cursor + len(rest.rstrip())))
    return spans
