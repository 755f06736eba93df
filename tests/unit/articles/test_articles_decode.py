"""decode_upload: what it accepts, and the message for every input it refuses."""

from __future__ import annotations

import codecs

import pytest

from app.articles.decode import MAX_ARTICLE_BYTES, ArticleInputError, decode_upload, sniff_format
from app.articles.ingest import ingest

ARTICLE = "Acme Corp. agreed to buy Beta Ltd for US$534 million. “It is a good deal,” said CEO Jane Doe.\n"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.txt", "txt"), ("A.MD", "md"), ("notes.markdown", "md"), ("page.html", "html"), ("page.htm", "html")],
)
def test_format_comes_from_the_extension(name, fmt):
    assert decode_upload(ARTICLE.encode(), name) == (ARTICLE, fmt)


@pytest.mark.parametrize(
    ("pasted", "fmt"),
    [
        (ARTICLE, "txt"),
        ("# Title\n\nSome **bold** text.", "md"),
        ("See [the report](https://example.com).", "md"),
        ("<!DOCTYPE html><html><body><p>Hi.</p></body></html>", "html"),
        ("<p>Just a paragraph.</p>", "html"),
    ],
)
def test_pasted_text_is_sniffed(pasted, fmt):
    assert sniff_format(pasted) == fmt
    assert decode_upload(pasted.encode(), "")[1] == fmt


def test_empty_is_refused():
    with pytest.raises(ArticleInputError, match="empty"):
        decode_upload(b"", "a.txt")


def test_whitespace_only_is_refused():
    with pytest.raises(ArticleInputError, match="only whitespace"):
        decode_upload(b" \n\t\r\n  ", "a.txt")


def test_over_the_size_limit_is_refused_with_the_limit():
    with pytest.raises(ArticleInputError, match=r"2\.1 MB; the limit is 2 MB"):
        decode_upload(b"a" * (MAX_ARTICLE_BYTES + 100_000), "a.txt")
    assert decode_upload(b"a" * MAX_ARTICLE_BYTES, "a.txt")[0] == "a" * MAX_ARTICLE_BYTES


def test_png_is_refused_as_binary():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"
    with pytest.raises(ArticleInputError, match="PNG image, not text"):
        decode_upload(png, "article.txt")


def test_nul_bytes_and_control_characters_are_refused():
    with pytest.raises(ArticleInputError, match="NUL bytes"):
        decode_upload(b"text\x00with\x00nuls", "a.txt")
    with pytest.raises(ArticleInputError, match="control characters"):
        decode_upload(bytes(range(1, 9)) * 50 + b"some text", "a.txt")


def test_cp1252_smart_quotes_are_refused_with_the_byte_offset():
    data = "He said “yes” to the deal.".encode("cp1252")
    with pytest.raises(ArticleInputError) as err:
        decode_upload(data, "a.txt")
    message = str(err.value)
    assert "not UTF-8 text (byte 0x93 at position 8)" in message
    assert "Windows-1252" in message and "Save it as UTF-8" in message


def test_utf16_with_bom_is_accepted():
    data = codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le")
    assert decode_upload(data, "a.txt") == (ARTICLE, "txt")
    assert decode_upload(codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"), "a.txt") == (ARTICLE, "txt")


def test_utf8_bom_is_dropped_and_offsets_index_the_decoded_text():
    text, fmt = decode_upload(codecs.BOM_UTF8 + ARTICLE.encode(), "a.txt")
    assert text == ARTICLE and not text.startswith("\ufeff")
    art = ingest(text, fmt)
    first = art.segments[0]
    assert (
        first.start == 0
        and text[first.start : first.end] == "Acme Corp. agreed to buy Beta Ltd for US$534 million."
    )


def test_declared_html_charset_is_used():
    page = '<html><head><meta charset="windows-1252"></head><body><p>“Quoted” café.</p></body></html>'
    text, fmt = decode_upload(page.encode("cp1252"), "page.html")
    assert fmt == "html" and "“Quoted” café." in text
    xml = '<?xml version="1.0" encoding="iso-8859-1"?><html><body><p>Ol\xe9.</p></body></html>'
    assert "Olé." in decode_upload(xml.encode("latin-1"), "page.html")[0]


def test_unknown_declared_charset_falls_back_to_the_utf8_error():
    page = b'<meta charset="no-such-codec"><p>caf\xe9</p>'
    with pytest.raises(ArticleInputError, match="not UTF-8 text"):
        decode_upload(page, "page.html")


def test_unknown_extension_names_the_accepted_ones():
    with pytest.raises(ArticleInputError) as err:
        decode_upload(b"%PDF-1.7", "report.pdf")
    assert ".pdf" in str(err.value)
    for ext in (".txt", ".md", ".markdown", ".html", ".htm"):
        assert ext in str(err.value)
