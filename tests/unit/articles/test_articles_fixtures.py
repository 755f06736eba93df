"""Ingestion of fixture articles in other shapes: press release, web page, analyst note, news, short piece."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.articles.ingest import ingest_file

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "articles"


@pytest.fixture(scope="module")
def articles():
    return {path.name: ingest_file(path) for path in sorted(FIXTURES.iterdir()) if path.is_file()}


def test_every_fixture_is_deterministic_and_well_formed(articles, check_structure):
    assert set(articles) >= {
        "press_release.txt",
        "webpage.html",
        "analyst_note.md",
        "news_quotes.txt",
        "short_few_figures.txt",
    }
    for name, art in articles.items():
        check_structure(art, exact_text=not name.endswith(".md"))
        assert art == ingest_file(FIXTURES / name)
        assert art.sentences, name


def test_press_release(articles, excluded):
    art = articles["press_release.txt"]
    assert (
        art.title
        == "Helios Motors and Northwind Batteries Form Joint Venture to Build 20 GWh Cell Plant in Hungary"
    )
    assert excluded(art) == {
        "p1s1": "byline",  # FOR IMMEDIATE RELEASE
        "p4s1": "byline",  # the dateline
        **{sid: "advertisement" for sid in ("p10s1", "p11s1", "p11s2", "p11s3", "p12s1", "p13s1", "p13s2")},
        **{f"p{n}s1": "navigation" for n in range(14, 19)},  # media contact block
    }
    assert art.by_sid("p4s1").text == "BUDAPEST, Hungary, May 12, 2025 /PRNewswire/ --"
    assert art.by_sid("p4s2").text.startswith(
        "Helios Motors AG (FSE: HLM), a European maker of electric SUVs"
    )
    assert art.by_sid("p3s1").kind == "heading"  # the deck under the headline
    assert art.by_sid("p6s1").text.endswith("said Dr. Anna Keller, Chief Executive Officer of Helios Motors.")
    assert art.by_sid("p6s2").text == '"This joint venture is the backbone of our 2030 plan."'
    kept = art.cleaned_text
    assert "royalty of 2.5% of cell revenue" in kept and "€310 million investment grant" in kept
    assert "press@heliosmotors.example" not in kept and "headquartered in Munich" not in kept


def test_webpage_reduces_to_the_article(articles, excluded):
    art = articles["webpage.html"]
    for chrome in (
        "alert(",
        "dataLayer",
        "We use cookies",
        "Accept all",
        "Markets",
        "How Wave Won Senegal",
        "Tags:",
        "All rights reserved",
        "enable JavaScript",
        "Get The Ledger Daily",
        "steal",
    ):
        assert chrome not in art.text, chrome
    assert art.title == "Orbit Pay Bets on Kenya With a $120 Million Lending Partnership"
    assert all(s.text != art.title for s in art.segments)  # the <h1> is the title, not also paragraph 1
    assert excluded(art) == {
        "p1s1": "byline",  # By Jane Mwangi | March 3, 2025
        "p2s1": "navigation",  # Home | Fintech | Africa
        "p3s1": "byline",  # Share on LinkedIn
        "p8s1": "advertisement",  # Subscribe to our newsletter ...
    }
    assert [s.sid for s in art.segments if s.kind == "heading"] == ["p6s1", "p9s1", "p11s1"]
    assert art.by_sid("p11s1").text == "Metric | Orbit Pay | Market"
    assert art.by_sid("p13s1").text == "Default rate | 7.8% | 11%"
    kept = art.cleaned_text
    assert "has agreed a $120 million lending partnership with Kenya's Equatorial Bank" in kept
    assert "Bakare said Orbit Pay expects the Kenyan loan book to break even within 18 months." in kept


def _in_order(needle: str, haystack: str) -> bool:
    """Every non-space character of `needle` occurs in `haystack` in the same order."""
    rest = iter(haystack)
    return all(ch in rest for ch in needle if not ch.isspace())


def test_analyst_note_markdown(articles, excluded):
    art = articles["analyst_note.md"]
    assert art.title == "Kestrel Logistics: The Alliance That Could Double Margins"
    assert art.segments[0].start > art.text.index("publisher:")  # front matter is metadata, not text
    assert excluded(art) == {
        "p2s1": "byline",  # *Analyst: ...*
        "p21s1": "unrelated-link",  # See our full analysis of ...
        "p22s1": "related-tools",
        "p23s1": "related-tools",
        "p24s1": "related-tools",
        "p25s1": "affiliate-notice",  # > **Disclosure:** ...
    }
    for seg in art.segments:
        raw = art.text[seg.start : seg.end]
        assert _in_order(seg.text, raw), seg.sid
        assert not raw.startswith(("#", "- ", "1. ", "> ", "|")) and not raw.endswith("|"), seg.sid
        assert "**" not in seg.text and "](" not in seg.text
    p3s1 = art.by_sid("p3s1")
    assert "reported Q1 2025 revenue of $2.84 billion, up 9.2%" in p3s1.text
    assert "**Q1 2025" in art.text[p3s1.start : p3s1.end]
    p5s1 = art.by_sid("p5s1")
    assert p5s1.text.endswith("alliance with Harborline Shipping.")
    assert art.text[p5s1.start : p5s1.end].endswith("[Harborline Shipping](https://example.com/harborline).")
    assert art.by_sid("p7s1").text == "Term of 10 years, with a break clause after year 5"
    assert not art.by_sid("p7s1").excluded  # list items need no final full stop
    assert (
        art.by_sid("p12s1").kind == "heading"
        and art.by_sid("p12s1").text == "Metric | FY2024 | FY2025E | FY2026E"
    )
    assert art.by_sid("p13s1").text == "Revenue ($bn) | 10.9 | 11.8 | 12.9"
    assert art.by_sid("p18s1").text.startswith("Volume risk: if trans-Pacific demand falls")
    assert art.text[art.by_sid("p1s1").start : art.by_sid("p1s1").end] == art.title


def test_news_with_quotes(articles, excluded):
    art = articles["news_quotes.txt"]
    assert art.title == "Orion Foods to Buy 30% of Brazil's Verde Vida for $410 Million"
    assert excluded(art) == {"p2s1": "byline", "p7s1": "unrelated-link", "p11s1": "byline"}
    assert art.by_sid("p2s1").text == "SAO PAULO, June 4 (Reuters) -"
    assert art.by_sid("p4s2").text == '"We are buying a seat at the table, not the whole table."'
    assert art.by_sid("p9s3").text == "Orion's shares fell 2.3% to $48.10 in New York trading."
    assert len(art.sentences) == 14


def test_short_article_with_few_figures(articles, excluded):
    art = articles["short_few_figures.txt"]
    assert art.title == "Why Lumen Coffee Chose a Franchise Partner Instead of Its Own Stores"
    assert excluded(art) == {"p6s1": "byline"}  # Share this article
    assert len(art.sentences) == 7
    assert art.by_sid("p4s1").text == "The approach carries risks."
