"""Zipped imports within the documented limits (app/exports/model.py ZIP_*): a 2 MB zip that unpacks to
2 GB is refused with a message, costs well under 100 MB of memory and writes nothing; so do bombs whose
headers lie, archives of too many files, and members beyond the size or ratio limits."""

from __future__ import annotations

import io
import os
import tracemalloc
import zipfile

import pytest
from sqlalchemy import func, select

from app.exports.model import (
    ZIP_MAX_MEMBERS,
    ZIP_MAX_RATIO,
    ZIP_MAX_UNPACKED,
    ImportFormatError,
    unwrap_zip,
)
from app.exports.zipbomb import zip_bomb
from app.extensions import db
from app.models import Question

GB = 1024**3
MB = 1024**2


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Question))


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = zip_bomb(2 * GB)
    assert len(data) < 2.1 * MB
    return data


def test_a_2mb_zip_of_2gb_is_refused_over_http_in_little_memory(app, client, auth, make_user, bomb):
    make_user("instructor", role="instructor")
    auth.login("instructor")
    before = _count()
    tracemalloc.start()
    try:
        response = client.post(
            "/exports/import",
            data={"fmt": "moodle-xml", "file": (io.BytesIO(bomb), "bank.zip")},
            content_type="multipart/form-data",
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "unpacks to more than 20 MB" in page and "Nothing was imported" in page
    assert peak < 100 * MB, f"peak {peak / MB:.0f} MB"
    assert _count() == before


@pytest.mark.parametrize("declared", [1000, 10 * MB])
def test_a_bomb_whose_headers_lie_stops_at_the_declared_size(bomb, declared):
    liar = zip_bomb(2 * GB, declared=declared)
    tracemalloc.start()
    try:
        with pytest.raises(ImportFormatError, match="damaged|unpacks to more than"):
            unwrap_zip(liar, "Moodle XML", (".xml",))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * MB


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_member_count_size_and_ratio_limits():
    many = _zip({f"f{i}.txt": b"x" for i in range(ZIP_MAX_MEMBERS + 1)})
    with pytest.raises(ImportFormatError, match=f"the limit is {ZIP_MAX_MEMBERS}"):
        unwrap_zip(many, "GIFT", (".gift",))
    # Random bytes do not compress: over the size limit without any ratio.
    big = _zip({"bank.json": os.urandom(ZIP_MAX_UNPACKED + 1)})
    with pytest.raises(ImportFormatError, match="unpacks to more than"):
        unwrap_zip(big, "JSON", (".json",))
    dense = _zip({"bank.json": b" " * (ZIP_MAX_RATIO * 1000)})
    with pytest.raises(ImportFormatError, match="times its packed size"):
        unwrap_zip(dense, "JSON", (".json",))


def test_real_exports_stay_within_the_limits():
    text = "".join(f'{{"id": "q-{i}", "stem": "Question {i} about the deal?"}}\n' for i in range(20_000))
    data = _zip({"bank.json": text.encode()})
    assert unwrap_zip(data, "JSON", (".json",)) == text.encode()
    assert unwrap_zip(b'{"format": 1}', "JSON", (".json",)) == b'{"format": 1}'
