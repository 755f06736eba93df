"""HTML reduction: scripts and page chrome never reach the article text; structure survives as blocks."""

from __future__ import annotations

import pytest

from app.articles.decode import ArticleInputError, decode_upload
from app.articles.htmltext import describe_left_out, reduce_html
from app.articles.ingest import ingest

BODY = "<p>Acme Corp. agreed to buy Beta Ltd for US$534 million on Monday.</p>"


def test_script_is_gone_from_the_text():
    page = f"<html><body>{BODY}<script>alert(1)</script><p>Shares rose 4%.</p></body></html>"
    text, fmt = decode_upload(page.encode(), "page.html")
    art = ingest(text, fmt)
    assert "alert" not in art.text and "script" not in art.text
    assert [s.text for s in art.sentences] == [
        "Acme Corp. agreed to buy Beta Ltd for US$534 million on Monday.",
        "Shares rose 4%.",
    ]


def test_article_element_is_preferred_and_chrome_dropped():
    page = f"""<html><head><title>Deal | Site</title><style>p {{ color: red }}</style></head><body>
      <nav>Home | News</nav><div id="cookie-consent">We use cookies.</div>
      <article><h1>Acme Buys Beta</h1>{BODY}<div class="share-bar">Share</div>
      <div hidden>Hidden promo</div><div style="display: none">Invisible</div></article>
      <aside>Sidebar</aside><div class="ad-slot">Buy now</div><footer>Footer</footer></body></html>"""
    reduced = reduce_html(page)
    # The headline is the title, not also the first block.
    assert reduced.text == "Acme Corp. agreed to buy Beta Ltd for US$534 million on Monday."
    assert reduced.title == "Acme Buys Beta"
    assert reduced.headings == frozenset()
    assert reduced.left_out == (
        ("navigation", 1),
        ("cookie notice", 1),
        ("share buttons", 1),
        ("hidden text", 2),
        ("sidebar", 1),
        ("advertisements", 1),
        ("footer", 1),
    )
    assert describe_left_out(reduced.left_out) == (
        "navigation, cookie notice, share buttons, hidden text ×2, sidebar, advertisements, footer (8 blocks)"
    )
    # Shown under the headline (however cased), it is not repeated; under a title of its own, the article
    # keeps the page's headline as its first block.
    assert reduce_html(page, "Acme buys  Beta").text.startswith("Acme Corp.")
    kept = reduce_html(page, "Beta's new owner")
    assert kept.text.startswith("Acme Buys Beta\n\nAcme Corp.") and kept.headings == frozenset({0})


def test_main_is_used_without_article_and_title_falls_back_to_title_tag():
    page = (
        f"<html><head><title>Acme deal</title></head><body><div>Menu</div><main>{BODY}</main></body></html>"
    )
    reduced = reduce_html(page)
    assert reduced.text == "Acme Corp. agreed to buy Beta Ltd for US$534 million on Monday."
    assert reduced.title == "Acme deal"


def test_class_words_do_not_drop_the_body_or_match_inside_words():
    page = f'<html><body class="has-cookie-banner"><div class="canvas-header-advanced">{BODY}</div></body></html>'
    assert "US$534 million" in reduce_html(page).text


def test_breaks_lists_and_tables_become_blocks():
    page = """<article><p>First line<br>Second line.</p><ul><li>One</li><li>Two</li></ul>
      <table><tr><th>Year</th><th>Sales</th></tr><tr><td>2024</td><td>3.2m</td></tr></table></article>"""
    reduced = reduce_html(page)
    assert reduced.text.split("\n\n") == [
        "First line",
        "Second line.",
        "One",
        "Two",
        "Year | Sales",
        "2024 | 3.2m",
    ]
    rows = sorted(reduced.table_rows)
    assert [reduced.text[r : r + 4] for r in rows] == ["Year", "2024"]
    assert rows[0] in reduced.headings and rows[1] not in reduced.headings


def test_xml_declaration_comments_and_entities():
    page = (
        '<?xml version="1.0" encoding="utf-8"?>'
        "<html><body><!-- hidden --><p>R&amp;D &ndash; 10&nbsp;%</p></body></html>"
    )
    assert reduce_html(page).text == "R&D – 10 %"


def test_deep_nesting_is_read_or_refused_cleanly():
    assert "US$534 million" in reduce_html("<div>" * 1000 + BODY + "</div>" * 1000).text
    with pytest.raises(ArticleInputError, match="No article text"):
        ingest("<div>" * 5000 + BODY + "</div>" * 5000, "html")  # beyond libxml2's limit, never a crash


def test_page_without_article_text_is_refused():
    with pytest.raises(ArticleInputError, match="No article text"):
        ingest("<html><head><script>x()</script></head><body><nav>Home</nav></body></html>", "html")
