"""Turn uploaded or pasted article bytes into text and a format ("txt", "md", "html").

Every rejection is an `ArticleInputError` whose message says what was wrong and how to fix it.
"""

from __future__ import annotations

import codecs
import re

MAX_ARTICLE_BYTES = 2_000_000

# Extension -> format. Anything else is refused with this list in the message.
ACCEPTED_EXTENSIONS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}

# Magic numbers of files people upload by mistake, so the message can name what they sent.
_BINARY_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (for example a .docx or .xlsx file)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
)

# Checked longest first: the UTF-32 LE BOM starts with the UTF-16 LE BOM.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})"""
    rb"""|<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""",
    re.IGNORECASE,
)
_HTML_SNIFF = re.compile(
    r"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<\?xml)"
    r"|<(?:p|div|article|h[1-6]|br|span|a\s[^>]*href)\b[^>]*>",
    re.IGNORECASE,
)
_MD_SNIFF = re.compile(
    r"^\s{0,3}#{1,6}\s+\S|\[[^\]\n]+\]\([^)\s]+\)|\*\*[^*\n]+\*\*|^\s*\|?\s*:?-{3,}:?\s*\|", re.MULTILINE
)


class ArticleInputError(ValueError):
    """An article upload or paste that cannot be ingested; the message is shown to the user as is."""


def decode_upload(data: bytes, filename: str) -> tuple[str, str]:
    """Return (text, fmt) with fmt in {"txt", "md", "html"}.

    The format comes from the file name's extension; a name without one (pasted text) is sniffed.
    Accepts UTF-8 with or without BOM, UTF-16/32 with BOM, and an HTML/XML-declared charset; a BOM is
    not part of the returned text, so offsets computed later index into the decoded text.
    """
    fmt = _format_from_name(filename)
    if not data:
        raise ArticleInputError("The file is empty. Choose the file that contains the article text.")
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleInputError(
            f"The file is {len(data) / 1_000_000:.1f} MB; the limit is {MAX_ARTICLE_BYTES // 1_000_000} MB. "
            "Upload the article text only (no images or attachments), or split it into parts."
        )
    text = _decode(data)
    if not text.strip():
        raise ArticleInputError("The file contains only whitespace. Paste or upload the article text.")
    _reject_control_heavy(text)
    return text, fmt or sniff_format(text)


def sniff_format(text: str) -> str:
    """Guess the format of pasted text: HTML markup, Markdown syntax, or plain text."""
    head = text[:20_000]
    if _HTML_SNIFF.search(head):
        return "html"
    if _MD_SNIFF.search(head):
        return "md"
    return "txt"


def _format_from_name(filename: str) -> str | None:
    name = (filename or "").strip().lower()
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if "." not in base.strip("."):
        return None
    ext = "." + base.rsplit(".", 1)[-1]
    if ext not in ACCEPTED_EXTENSIONS:
        accepted = ", ".join(ACCEPTED_EXTENSIONS)
        raise ArticleInputError(
            f"Files ending in {ext} are not accepted. Upload the article as {accepted}, or paste its text."
        )
    return ACCEPTED_EXTENSIONS[ext]


def _decode(data: bytes) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec)
            except UnicodeDecodeError as err:
                raise ArticleInputError(
                    f"The file starts with a {codec.upper()} byte-order mark but is not valid {codec.upper()} "
                    f"(bad bytes at position {err.start + len(bom)}). Save it as UTF-8 and upload again."
                ) from None
    _reject_binary(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        utf8_error = err
    declared = _declared_codec(data)
    if declared:
        try:
            return data.decode(declared)
        except LookupError:
            # Python also registers bytes-to-bytes codecs (base64, zlib); a page cannot mean those.
            pass
        except UnicodeDecodeError as err:
            raise ArticleInputError(
                f"The file declares the {declared} encoding but byte 0x{data[err.start]:02X} at position "
                f"{err.start} is not valid {declared}. Save it as UTF-8 and upload again."
            ) from None
    bad = data[utf8_error.start]
    hint = ""
    if 0x80 <= bad <= 0x9F:
        hint = " It looks like Windows-1252 text (for example curly quotes pasted from Word)."
    raise ArticleInputError(
        f"The file is not UTF-8 text (byte 0x{bad:02X} at position {utf8_error.start}).{hint} "
        "Save it as UTF-8 and upload again."
    )


def _declared_codec(data: bytes) -> str | None:
    """The codec named by a <meta charset> or XML declaration near the top, if Python knows it as text."""
    match = _DECLARED_CHARSET.search(data[:4096])
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _reject_binary(data: bytes) -> None:
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise ArticleInputError(
                f"The file is {what}, not text. Upload the article as .txt, .md or .html, or paste its text."
            )
    if b"\x00" in data[:65_536]:
        raise ArticleInputError(
            "The file contains NUL bytes, so it is binary data rather than text. "
            "Upload the article as .txt, .md or .html, or paste its text."
        )


def _reject_control_heavy(text: str) -> None:
    sample = text[:65_536]
    controls = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\x7f")
    if "\x00" in sample or controls > max(8, len(sample) // 20):
        raise ArticleInputError(
            "The file is mostly control characters, so it is binary data rather than text. "
            "Upload the article as .txt, .md or .html, or paste its text."
        )
