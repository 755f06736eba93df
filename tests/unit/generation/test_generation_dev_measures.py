"""The development-set measures (bench/generation_dev.py): the candidate hash, co-correct options, judgements."""

from __future__ import annotations

import json

import pytest

from app.articles.ingest import ingest
from bench import generation_dev as dev


def _q(**fields):
    base = {"type": "mcq", "stem": "How much?", "answer": "5 percent", "options": [], "source": {"quote": ""}}
    return base | fields


def test_hash_is_stable_and_changes_with_what_a_reader_sees():
    q = _q(options=["5 percent", "10 percent", "15 percent", "20 percent"])
    assert dev.candidate_hash(q) == dev.candidate_hash(dict(q, id="another-id", score=0.1))
    assert dev.candidate_hash(q) != dev.candidate_hash(dict(q, stem="How much, according to the article?"))
    assert dev.candidate_hash(q) != dev.candidate_hash(dict(q, options=list(reversed(q["options"]))))
    assert len(dev.candidate_hash(q)) == 16


def test_co_correct_options_are_near_equal_figures_or_written_in_the_source():
    article = ingest("Volkswagen will take a 5 percent stake. It equals 4.99 percent of the shares.\n")
    rounded = _q(answer="5 percent", options=["4.99 percent", "5 percent", "10 percent", "15 percent"])
    assert dev.co_correct_options(rounded, article) == ["4.99 percent"]
    written = _q(
        answer="Volkswagen",
        options=["Volkswagen", "Audi", "SAIC", "Xpeng"],
        source={"quote": "Volkswagen and Audi will each take a stake."},
    )
    assert dev.co_correct_options(written, article) == ["Audi"]
    assert dev.co_correct_options(_q(options=["5 percent", "10 percent", "20 percent"]), article) == []


def test_supported_areas_follow_the_text():
    plain = ingest("The weather was mild. The train left on time. Children played in the park.\n")
    deal = ingest(
        "Helios will hold a 51% stake in the venture. Northwind will appoint two of five board seats. "
        "Regulators may block the deal over competition concerns. The venture could lose money next year.\n"
    )
    assert dev.supported_areas(plain) == set()
    assert dev.supported_areas(deal) == {"partnership", "risks"}


def test_stored_judgements_count_only_todays_candidates(tmp_path, monkeypatch):
    monkeypatch.setattr(dev, "JUDGEMENTS", tmp_path)
    articles = dev.dev_articles()[:1]
    top = articles[0].top
    verdicts = {dev.candidate_hash(top[0].question): {"acceptable": True, "reason": "fine"}}
    verdicts["0" * 16] = {"acceptable": False, "reason": "a candidate the generator no longer makes"}
    if len(top) > 1:
        verdicts[dev.candidate_hash(top[1].question)] = {"acceptable": False, "reason": "two answers"}
    (tmp_path / f"{articles[0].slug}.json").write_text(json.dumps(verdicts), encoding="utf-8")
    result = dev.measure(articles)
    judged = 2 if len(top) > 1 else 1
    assert result["generation.dev_judged_top15"] == judged
    assert result["generation.dev_unjudged_top15"] == len(top) - judged
    assert result["generation.dev_acceptable_rate"] == pytest.approx(1 / judged, abs=0.001)
