"""Reproducible zip files: sorted entries, a fixed date and fixed permissions, so equal input gives equal bytes."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from lxml import etree

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def xml_bytes(root: etree._Element, indent: bool = True) -> bytes:
    """Serialise an lxml tree as UTF-8 with an XML declaration.

    Pass ``indent=False`` for trees holding mixed content (XHTML bodies): indenting would add spaces to it.
    """
    if indent:
        etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def manifest_head(
    ns: str, nsmap: dict[str | None, str], identifier: str, schema: str, version: str
) -> tuple[etree._Element, etree._Element]:
    """An IMS manifest root and its <metadata> with <schema> and <schemaversion>; the caller adds the rest."""
    manifest = etree.Element(f"{{{ns}}}manifest", nsmap=nsmap, identifier=identifier)
    metadata = etree.SubElement(manifest, f"{{{ns}}}metadata")
    etree.SubElement(metadata, f"{{{ns}}}schema").text = schema
    etree.SubElement(metadata, f"{{{ns}}}schemaversion").text = version
    return manifest, metadata


def lom_title(metadata: etree._Element, lom_ns: str, title: str, tag: str, **attrs: str) -> None:
    """<lom><general><title><{tag}>title</{tag}></title></general></lom> in the given LOM namespace."""
    general = etree.SubElement(etree.SubElement(metadata, f"{{{lom_ns}}}lom"), f"{{{lom_ns}}}general")
    holder = etree.SubElement(general, f"{{{lom_ns}}}title")
    etree.SubElement(holder, f"{{{lom_ns}}}{tag}", attrs).text = title


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


class _Buffered:
    """Small writes gathered into BUFFER_BYTES pieces (zlib compresses many small pieces slowly)."""

    BUFFER_BYTES = 1 << 20

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.pieces: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.pieces.append(data)
        self.size += len(data)
        if self.size >= self.BUFFER_BYTES:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.pieces:
            self.out.write(b"".join(self.pieces))
            self.pieces, self.size = [], 0


class ZipStream:
    """A reproducible zip written into `out` entry by entry (sorted names, a fixed date and fixed
    permissions), so a large export never holds every file in memory at once. Entries must come in
    sorted order; an entry is written whole (`write`) or streamed (`open`)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.archive = zipfile.ZipFile(out, "w")
        self.last = ""

    def _next(self, name: str) -> zipfile.ZipInfo:
        if name <= self.last:
            raise ValueError(f"zip entries must come in sorted order: {name!r} after {self.last!r}")
        self.last = name
        return _zip_info(name)

    def write(self, name: str, data: bytes) -> None:
        self.archive.writestr(self._next(name), data)

    @contextmanager
    def open(self, name: str) -> Iterator[_Buffered]:
        """An entry to write into; its pieces are compressed a megabyte at a time, not one by one."""
        with self.archive.open(self._next(name), "w") as entry:
            buffered = _Buffered(entry)
            yield buffered
            buffered.flush()

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> ZipStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_SLOT = "casewise-stream-slot"


@dataclass(frozen=True)
class XmlFrame:
    """A document serialised around one element (`slot`) whose children are streamed: the bytes before
    them, the bytes after, their indentation level and the namespace declarations they inherit."""

    head: bytes
    tail: bytes
    level: int
    declarations: tuple[bytes, ...]

    def element(self, element: etree._Element) -> bytes:
        """A child of the slot as bytes, indented as xml_bytes would, without repeating the root's
        namespace declarations (lxml writes them on a serialised sub-element)."""
        etree.indent(element, space="  ", level=self.level)
        data = etree.tostring(element, encoding="UTF-8")
        if data.startswith(b"<?xml"):
            data = data[data.index(b"?>") + 2 :].lstrip()
        end = data.index(b">")
        start = data[:end]
        for declaration in self.declarations:
            start = start.replace(declaration, b"", 1)
        return start + data[end:]

    def write_pieces(self, out: IO[bytes], pieces: Iterable[bytes]) -> None:
        """The document with `pieces` (children serialised by `element`) in the slot."""
        out.write(self.head)
        separator = b"\n" + b"  " * self.level
        for number, piece in enumerate(pieces):
            if number:
                out.write(separator)
            out.write(piece)
        out.write(self.tail)


def xml_frame(root: etree._Element, slot: etree._Element) -> XmlFrame:
    """Split `root` (serialised as xml_bytes does) where the streamed children of `slot` go."""
    marker = etree.Comment(_SLOT)
    slot.append(marker)
    level = sum(1 for _ in marker.iterancestors())
    head, tail = xml_bytes(root).split(f"<!--{_SLOT}-->".encode())
    slot.remove(marker)
    declarations = tuple(
        (f' xmlns="{uri}"' if prefix is None else f' xmlns:{prefix}="{uri}"').encode()
        for prefix, uri in root.nsmap.items()
    )
    return XmlFrame(head, tail, level, declarations)


class Spool:
    """Pieces of bytes kept in one temporary file under keys, read back key by key in the order written:
    a second pass over a large export without holding it in memory."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close() / the with block
        self.pieces: dict[str, list[tuple[int, int]]] = {}

    def add(self, key: str, data: bytes) -> None:
        self.pieces.setdefault(key, []).append((self.file.tell(), len(data)))
        self.file.write(data)

    def read(self, key: str) -> Iterator[bytes]:
        end = self.file.tell()
        for offset, length in self.pieces.get(key, []):
            self.file.seek(offset)
            yield self.file.read(length)
        self.file.seek(end)

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
