"""Ingestion of the two seed articles, byte-for-byte as received: sentence ids, offsets and exclusions."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.articles.ingest import ingest, ingest_file

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
MOU = SEEDS / "faw-leapmotor-mou.txt"
STAKE = SEEDS / "faw-leapmotor-stake.txt"

STAKE_EXCLUDED = {
    "p3s1": "glued",  # FAW’s“Legacy meets new economy,” ...
    "p7s4": "unrelated-link",  # See how OpenAI leveraged ...
    "p8s1": "glued",  # ... FAW’sTesla’s safety leverage analysis.
    "p10s1": "truncated",  # ... but more critically by FAW’s
    "p12s2": "unrelated-link",  # ... a theme explored in USPS operational shifts.
    "p14s3": "truncated",  # FAW’s
    "p17s1": "related-tools",  # Related Tools & Resources
    "p18s1": "advertisement",  # the MrPeasy paragraph
    "p18s2": "advertisement",
    "p18s3": "advertisement",
    "p19s1": "affiliate-notice",  # Full Transparency: ...
    "p19s2": "affiliate-notice",
    "p19s3": "affiliate-notice",
    "p19s4": "affiliate-notice",
    "p20s1": "faq-restates",  # Frequently Asked Questions
    **{f"p{n}s1": "faq-restates" for n in range(21, 37, 2)},  # the eight questions
    **{f"p{n}s1": "faq-restates" for n in (24, 28, 30, 32, 34, 36)},  # answers that only restate
}


@pytest.fixture(scope="module")
def mou():
    return ingest_file(MOU)


@pytest.fixture(scope="module")
def stake():
    return ingest_file(STAKE)


def test_clean_news_piece_has_nothing_excluded(mou, check_structure):
    check_structure(mou, exact_text=True)
    assert mou.excluded == []
    assert mou.title is None
    assert len(mou.segments) == 28
    assert max(s.paragraph for s in mou.segments) == 10
    assert all(s.kind == "sentence" for s in mou.segments)


def test_offsets_skip_the_leading_blank_line(mou):
    first = mou.segments[0]
    assert mou.text[0] == "\n" and first.start == 1
    assert mou.text[first.start : first.end].startswith("On March 3, China FAW and Leapmotor signed")


def test_sentence_split_keeps_decimals_and_quotes(mou):
    p4s1 = mou.by_sid("p4s1").text
    assert "only 10.6%, far below the industry average of 40%." in p4s1
    assert mou.by_sid("p6s1").text.endswith('"more than twice the sales of the whole vehicle."')
    assert mou.by_sid("p6s2").text.startswith("Leapmotor CEO Zhu Jiangming said bluntly:")
    assert (
        mou.by_sid("p10s3").text
        == "In the future, whoever can formulate technical standards will hold the key to the next era."
    )


def test_stake_exclusions_are_exactly_the_boilerplate(stake, check_structure, excluded):
    check_structure(stake, exact_text=True)
    assert excluded(stake) == STAKE_EXCLUDED


def test_stake_excluded_spans_are_the_damaged_text(stake):
    assert stake.text[stake.by_sid("p8s1").start : stake.by_sid("p8s1").end].endswith(
        "FAW’sTesla’s safety leverage analysis."
    )
    assert stake.by_sid("p14s3").text == "FAW’s"
    assert stake.by_sid("p10s1").text.endswith("more critically by FAW’s")
    assert stake.by_sid("p18s3").text == "Learn more about MrPeasy →"
    assert stake.by_sid("p7s4").text.startswith("See how OpenAI leveraged")


def test_stake_faq_answer_with_new_figures_is_kept(stake):
    answer = stake.by_sid("p22s1")
    assert not answer.excluded and answer.kind == "sentence"
    assert "5% stake" in answer.text and "HK$55.29 per share" in answer.text
    assert answer in stake.sentences
    assert "HK$55.29" in stake.cleaned_text


def test_stake_faq_answer_with_mostly_new_claims_is_kept(stake):
    # Vendor access, preferential policies, bottlenecks: none of it is in the body, so it is not a restatement.
    assert not stake.by_sid("p26s1").excluded


def test_stake_headings_and_title(stake):
    headings = [s.sid for s in stake.segments if s.kind == "heading"]
    assert headings == ["p1s1", "p6s1", "p9s1", "p13s1", "p17s1", "p20s1"]
    assert stake.title == "What FAW’s Leapmotor Stake Reveals About China’s EV Strategy"
    assert not stake.by_sid("p1s1").excluded
    assert stake.by_sid("p21s1").kind == "sentence"  # an FAQ question is not a heading


def test_stake_keeps_the_body(stake):
    kept = stake.cleaned_text
    assert "just took a US$534 million stake in Zhejiang Leapmotor Technology" in kept
    assert "“Control core infrastructure, and you control future market.”" in kept
    assert "OpenAI" not in kept and "USPS" not in kept and "MrPeasy" not in kept
    assert "commission" not in kept
    assert len(stake.sentences) == 20  # 18 body sentences and two FAQ answers that add facts


@pytest.mark.parametrize("path", [MOU, STAKE], ids=["mou", "stake"])
def test_ingestion_is_deterministic(path):
    text = path.read_text(encoding="utf-8")
    assert ingest(text) == ingest(text) == ingest_file(path)
