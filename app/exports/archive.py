"""Reproducible zip files: sorted entries, a fixed date and fixed permissions, so equal input gives equal bytes."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def build_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


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
