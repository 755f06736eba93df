"""Cloze blanks render one way everywhere: '_____ (n)' in text and HTML, or the markup a page supplies."""

from __future__ import annotations

from markupsafe import Markup

from app.exports.answers import BLANK_LINE
from app.rendering import cloze_markdown, cloze_text


def test_plain_text_numbers_each_blank():
    assert (
        cloze_text("FAW paid {{1}} for {{2}} of Leapmotor.")
        == "FAW paid _____ (1) for _____ (2) of Leapmotor."
    )
    assert cloze_text("No blanks here.") == "No blanks here."


def test_html_shows_a_visible_numbered_blank_and_keeps_markdown_safe():
    html = cloze_markdown("The *deal* closed on {{1}} in {{2}} <script>x</script>.")
    assert "{{" not in html and "[blank" not in html
    assert (
        '<span class="blank"><span aria-hidden="true">_____</span><span class="visually-hidden">blank</span> (1)</span>'
        in html
    )
    assert (
        '<span class="blank"><span aria-hidden="true">_____</span><span class="visually-hidden">blank</span> (2)</span>'
        in html
    )
    assert "<em>deal</em>" in html and "<script>" not in html


def test_a_page_supplies_its_own_blank_markup_such_as_an_input():
    html = cloze_markdown("A {{1}} and a {{2}}.", lambda n: Markup('<input name="b{}">').format(n))
    assert html == '<p>A <input name="b1"> and a <input name="b2">.</p>\n'


def test_the_exports_and_the_pages_use_the_same_blank():
    assert cloze_text("{{1}}").startswith(BLANK_LINE)
