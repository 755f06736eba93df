"""A Common Cartridge export that would lose something stops until the instructor accepts the loss."""

from __future__ import annotations

import zipfile

from app.bank.convert import apply_canonical
from app.extensions import db
from app.models import Question
from tests.unit.exports.conftest import canonical
from tests.unit.exports.test_exports_cc11 import WIDE


def _add_wide_tolerance_question() -> None:
    question = Question(origin="imported", checks={})
    apply_canonical(question, canonical(WIDE), None)
    db.session.add(question)
    db.session.commit()


def test_cli_refuses_the_loss_then_exports_with_accept_loss(seeded, runner, tmp_path):
    _add_wide_tolerance_question()
    out = tmp_path / "figures.imscc"
    refused = runner.invoke(args=["export", "cc11", "--out", str(out), "--topic", "key-figures"])
    assert refused.exit_code != 0
    assert "wide-tolerance" in refused.output and "--accept-loss" in refused.output
    assert not out.exists()
    accepted = runner.invoke(
        args=["export", "cc11", "--out", str(out), "--topic", "key-figures", "--accept-loss"]
    )
    assert accepted.exit_code == 0, accepted.output
    assert "lost wide-tolerance: the tolerance ±5 would need more than 401" in accepted.output
    assert zipfile.is_zipfile(out)


def test_web_report_offers_the_checkbox_and_download_honours_it(seeded, client, auth):
    _add_wide_tolerance_question()
    auth.login("instructor")
    query = "format=cc11&scope=topic&id=key-figures"
    report = client.get(f"/exports/?{query}")
    assert report.status_code == 422
    page = report.get_data(as_text=True)
    assert "wide-tolerance" in page and 'name="accept_loss"' in page and "Download anyway" in page
    refused = client.get(f"/exports/download?{query}")
    assert refused.status_code == 302
    accepted_report = client.get(f"/exports/?{query}&accept_loss=1")
    assert accepted_report.status_code == 200
    assert "Lost (accepted)" in accepted_report.get_data(as_text=True)
    download = client.get(f"/exports/download?{query}&accept_loss=1")
    assert download.status_code == 200 and download.data[:2] == b"PK"


def test_web_import_lists_the_skipped_question_with_its_line(seeded, client, auth):
    import io

    auth.login("instructor")
    gift = b"::ok::What is the answer here?{=yes ~no ~maybe}\n\n::bad::What is two and two?{#four}\n"
    response = client.post(
        "/exports/import",
        data={"fmt": "gift", "file": (io.BytesIO(gift), "mixed.gift")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Imported mixed.gift: 1 created" in page
    assert "skipped: line 3 (question &#39;bad&#39;): numerical answer {#four} is not a number" in page
