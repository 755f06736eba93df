"""The official schemas live in the repository, unmodified, and the validator built on them rejects bad XML."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.unit.exports.conftest import FORMATS_DIR

REPO = Path(__file__).resolve().parents[3]


def test_every_schema_file_matches_its_recorded_checksum():
    listed = {}
    for line in (FORMATS_DIR / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name] = digest
    on_disk = {
        str(path.relative_to(FORMATS_DIR))
        for path in FORMATS_DIR.rglob("*")
        if path.is_file() and path.name not in {"SHA256SUMS", "README.md"}
    }
    assert on_disk == set(listed), (
        "a file in tests/fixtures/schemas is missing from SHA256SUMS, or vice versa"
    )
    for name, digest in listed.items():
        assert hashlib.sha256((FORMATS_DIR / name).read_bytes()).hexdigest() == digest, f"{name} was modified"


def test_the_schema_folder_is_inside_the_repository():
    assert FORMATS_DIR.is_relative_to(REPO)


def test_the_validator_rejects_a_broken_manifest(shared_validator, tmp_path):
    broken = tmp_path / "imsmanifest.xml"
    broken.write_text(
        '<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="m">'
        "<organizations/><resources><resource/></resources></manifest>",
        encoding="utf-8",
    )
    errors = shared_validator(broken, "cp11-manifest")
    assert errors and any("resource" in error for error in errors)
