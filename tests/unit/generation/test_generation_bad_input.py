"""Bad input gives an empty or small list with a reason, never an exception."""

from __future__ import annotations

import pytest

from app.articles.document import IngestedArticle
from app.articles.ingest import ingest
from app.generation import generate, report


def test_empty_article():
    cands = generate(IngestedArticle("", None, []), "empty-article")
    assert list(cands) == []
    assert report(cands)["notes"] == ["no included sentences to draw questions from"]


def test_article_without_figures():
    article = ingest(
        "Lumen Coffee will open cafés in Japan with Hoshino Group. The partners will share the risk.\n"
    )
    cands = generate(article, "no-figures")
    assert not any(c.question["topic"] == "key-figures" for c in cands)
    assert any("no figures" in n for n in report(cands)["notes"])


def test_enormous_single_paragraph():
    sentence = (
        "Helios Motors sold 96,000 vehicles in 2024 while Northwind Batteries supplied 40% of its cells. "
    )
    article = ingest(sentence * 2100)  # about 200 KB, one paragraph
    cands = generate(article, "huge")
    rep = report(cands)
    assert 0 < len(cands) < 100
    assert rep["dropped"]["same question drafted twice"] > 0
    assert any("only the first" in n for n in rep["notes"])


def test_one_sentence_without_punctuation_is_not_quoted():
    article = ingest(("word " * 40_000).strip() + "\n")
    cands = generate(article, "run-on")
    assert list(cands) == []


def test_article_id_must_be_a_slug():
    with pytest.raises(ValueError, match="slug"):
        generate(IngestedArticle("", None, []), "Not A Slug")
