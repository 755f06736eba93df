"""Ingest an article: paragraphs and sentences with stable ids and raw offsets, boilerplate flagged.

Pure and deterministic: the same text and format always give an equal `IngestedArticle`. The
exclusion rules are described in `app.articles.boilerplate`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pysbd

from app.articles.blocks import Block, split_blocks
from app.articles.boilerplate import Para, Piece, classify, dateline_length, title_of
from app.articles.decode import ArticleInputError, decode_upload
from app.articles.document import IngestedArticle, Segment
from app.articles.htmltext import reduce_html
from app.articles.sentences import new_segmenter, sentence_spans

FORMATS = ("txt", "md", "html")


def ingest(text: str, fmt: str = "txt", shown_as: str | None = None) -> IngestedArticle:
    """Split `text` (raw txt or md, or an HTML page) into segments; offsets index into the result's text.

    For "html" the page is first reduced to its article text, which becomes `IngestedArticle.text`; its
    headline is the title rather than the first paragraph, unless the article is `shown_as` another title.
    Raises ArticleInputError for an unknown format or when there is no text to ingest.
    """
    if fmt not in FORMATS:
        raise ArticleInputError(f"Unknown article format {fmt!r}. Use one of: {', '.join(FORMATS)}.")
    html_title = None
    headings: frozenset[int] = frozenset()
    table_rows: frozenset[int] = frozenset()
    if fmt == "html":
        reduced = reduce_html(text, shown_as)
        text, html_title = reduced.text, reduced.title
        headings, table_rows = reduced.headings, reduced.table_rows
    blocks = split_blocks(text, fmt, headings, table_rows)
    if not blocks:
        where = "after removing menus, scripts and banners from the HTML" if fmt == "html" else "in the input"
        raise ArticleInputError(f"No article text was found {where}. Paste the article's text instead.")
    segmenter = new_segmenter()
    spans: list[list[tuple[int, int]]] = []
    paras: list[Para] = []
    for block in blocks:
        block_spans, pieces = _split_block(block, text, segmenter)
        spans.append(block_spans)
        paras.append(Para(block.kind, pieces))
    classify(paras)
    segments: list[Segment] = []
    for number, (para, para_spans) in enumerate(zip(paras, spans, strict=True), start=1):
        for index, (piece, (start, end)) in enumerate(zip(para.pieces, para_spans, strict=True), start=1):
            segments.append(
                Segment(
                    sid=f"p{number}s{index}",
                    paragraph=number,
                    position=len(segments),
                    start=start,
                    end=end,
                    text=piece.text,
                    kind=piece.kind,
                    excluded=piece.reason is not None,
                    reason=piece.reason,
                )
            )
    return IngestedArticle(text=text, title=html_title or title_of(paras), segments=segments)


def ingest_file(path: str | os.PathLike[str]) -> IngestedArticle:
    """Read, decode and ingest an article file (.txt, .md, .markdown, .html, .htm)."""
    file = Path(path)
    text, fmt = decode_upload(file.read_bytes(), file.name)
    return ingest(text, fmt)


def _split_block(
    block: Block, text: str, segmenter: pysbd.Segmenter
) -> tuple[list[tuple[int, int]], list[Piece]]:
    """Raw spans and pieces of one block: headings and table rows whole, prose sentence by sentence."""
    clean = block.clean
    if block.kind in ("heading", "table", "table-head"):
        clean_spans = [(0, len(clean))]
        dateline = 0
    else:
        dateline = dateline_length(clean) if block.kind == "text" else 0
        clean_spans = [(s + dateline, e + dateline) for s, e in sentence_spans(clean[dateline:], segmenter)]
        if dateline:
            clean_spans.insert(0, (0, len(clean[:dateline].rstrip())))
    raw_spans: list[tuple[int, int]] = []
    pieces: list[Piece] = []
    for cstart, cend in clean_spans:
        raw_spans.append(block.raw_span(text, cstart, cend))
        pieces.append(Piece(" ".join(clean[cstart:cend].split())))
    if dateline:
        pieces[0].reason = "byline"
    return raw_spans, pieces
