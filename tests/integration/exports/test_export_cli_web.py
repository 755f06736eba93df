"""Export and import through the CLI and the web, against the seeded bank."""

from __future__ import annotations

import json
import zipfile

import pytest
from sqlalchemy import func, select

from app.exports import EXPORTERS
from app.exports.forms import FORMAT_LABELS
from app.extensions import db
from app.models import Question


def _count(status: str | None = None) -> int:
    query = select(func.count()).select_from(Question)
    if status:
        query = query.where(Question.status == status)
    return db.session.scalar(query)


def test_every_exporter_has_a_label():
    assert set(FORMAT_LABELS) == set(EXPORTERS)


@pytest.mark.parametrize("fmt", sorted(EXPORTERS))
def test_cli_exports_every_format_for_the_whole_bank(seeded, runner, tmp_path, fmt):
    out = tmp_path / f"bank.{fmt}"
    result = runner.invoke(args=["export", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 100
    assert f"wrote {out}" in result.output
    if fmt in ("qti12-canvas", "cc11", "qti21", "apkg"):
        assert zipfile.is_zipfile(out)


def test_cli_scopes_select_the_right_questions(seeded, runner, tmp_path):
    out = tmp_path / "topic.json"
    assert runner.invoke(args=["export", "json", "--out", str(out), "--topic", "key-figures"]).exit_code == 0
    questions = json.loads(out.read_text())["questions"]
    assert questions and {q["topic"] for q in questions} == {"key-figures"}
    out = tmp_path / "article.json"
    result = runner.invoke(args=["export", "json", "--out", str(out), "--article", "faw-leapmotor-stake"])
    assert result.exit_code == 0, result.output
    assert {q["source"]["article"] for q in json.loads(out.read_text())["questions"]} == {
        "faw-leapmotor-stake"
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "json", "--topic", "no-such-topic"], "Nothing to export"),
        (["export", "json", "--article", "nope"], "No article with the slug 'nope'"),
        (["export", "json", "--article", "nope"], "the library has: faw-leapmotor-"),
        (["export", "docx"], "Invalid value"),
        (["export", "json", "--topic", "a", "--article", "b"], "at most one"),
    ],
)
def test_cli_bad_exports_say_why_and_fail(seeded, runner, tmp_path, args, message):
    out = tmp_path / "x.out"
    result = runner.invoke(args=[*args, "--out", str(out)])
    assert result.exit_code != 0
    assert message in result.output
    assert not out.exists()


def test_cli_unwritable_path_is_reported(seeded, runner, tmp_path):
    result = runner.invoke(args=["export", "json", "--out", str(tmp_path / "missing-dir" / "bank.json")])
    assert result.exit_code != 0
    assert "Cannot write" in result.output


def test_json_export_import_export_is_byte_identical_through_the_database(seeded, runner, tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert runner.invoke(args=["export", "json", "--out", str(first)]).exit_code == 0
    # Change a question, then restore the bank from the export.
    question = db.session.scalar(select(Question).where(Question.status == "approved").order_by(Question.uid))
    question.stem = "Changed stem that the import must restore."
    db.session.commit()
    result = runner.invoke(args=["import", "json", str(first)])
    assert result.exit_code == 0, result.output
    assert "1 updated" in result.output
    db.session.expire_all()
    assert runner.invoke(args=["export", "json", "--out", str(second)]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_gift_import_adds_candidates_and_bad_files_write_nothing(seeded, runner, tmp_path):
    gift = tmp_path / "bank.gift"
    gift.write_text(
        "::q1:: Which automaker took a stake in Leapmotor? {=FAW ~Geely ~BYD}\n", encoding="utf-8"
    )
    before = _count()
    result = runner.invoke(args=["import", "gift", str(gift)])
    assert result.exit_code == 0, result.output
    assert _count("candidate") == 1
    for fmt, payload in (
        ("json", b'{"not": "a bank"}'),
        ("moodle-xml", b"<quiz><question"),
        ("gift", b"{{{"),
    ):
        bad = tmp_path / f"bad.{fmt}"
        bad.write_bytes(payload)
        result = runner.invoke(args=["import", fmt, str(bad)])
        assert result.exit_code != 0, (fmt, result.output)
        assert "Nothing was imported" in result.output
    db.session.expire_all()
    assert _count() == before + 1


def test_web_download_and_conversion_report_for_instructors_only(seeded, client, auth):
    auth.login("student")
    assert client.get("/exports/download?format=json").status_code == 403
    auth.logout()
    auth.login("instructor")
    response = client.get("/exports/download?format=apkg&scope=topic&id=key-figures")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.data[:2] == b"PK"
    page = client.get("/exports/?format=cc11")
    assert page.status_code == 200
    assert b"Converted" in page.data or b"Skipped" in page.data
    empty = client.get("/exports/?format=json&scope=topic&id=nothing-here")
    assert empty.status_code == 422
    assert b"Nothing to export" in empty.data


def test_web_import_of_a_truncated_zip_writes_nothing(seeded, client, auth):
    import io

    auth.login("instructor")
    before = _count()
    response = client.post(
        "/exports/import",
        data={"fmt": "json", "file": (io.BytesIO(b"PK\x03\x04truncated"), "bank.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert b"Nothing was imported" in response.data
    assert _count() == before


def test_export_page_names_the_article_by_its_title(seeded, client, auth):
    from markupsafe import escape

    from app.models import Article

    article = db.session.scalars(select(Article)).first()
    auth.login("instructor")
    page = client.get(f"/exports/?scope=article&id={article.slug}").get_data(as_text=True)
    assert f"Export an article: {escape(article.title)}" in page
    unknown = client.get("/exports/?scope=article&id=no-such-article").get_data(as_text=True)
    assert "Export an article: no-such-article" in unknown


def test_a_quiz_export_page_says_its_json_holds_the_quiz_not_the_full_bank(seeded_demo, client, auth):
    from html import unescape

    from app.models import Quiz

    quiz = db.session.scalars(select(Quiz).order_by(Quiz.id)).first()
    auth.login("instructor")
    page = unescape(client.get(f"/exports/?scope=quiz&id={quiz.id}").get_data(as_text=True))
    export_section = page.split("<h2>Import</h2>")[0]
    assert "Download JSON (this quiz's questions with provenance)" in export_section
    assert "full bank" not in export_section
    data = json.loads(client.get(f"/exports/download?format=json&scope=quiz&id={quiz.id}").data)
    assert len(data["questions"]) < _count()  # the quiz's questions, not the bank
    topic = unescape(client.get("/exports/?scope=topic&id=key-figures").get_data(as_text=True))
    assert "Download JSON (this topic's questions with provenance)" in topic


def test_a_gift_import_summary_counts_what_it_lists(seeded, client, auth):
    """The summary had said "1 skipped" beside four listed skips: the questions the file could not give are
    counted apart from those already in the bank, and the reasons are in plain words."""
    import io

    gift = (
        b"::q1:: Which automaker took a stake in Leapmotor? {=FAW ~Geely ~BYD}\n\n"
        b"::q2:: Is Leapmotor based in Hangzhou? {=yes ~no}\n\n"
        b"::q3:: Which one is it, then? {=one ~two}\n"
    )
    auth.login("instructor")
    before = _count()

    def upload():
        return client.post(
            "/exports/import",
            data={"fmt": "gift", "file": (io.BytesIO(gift), "bank.gift")},
            content_type="multipart/form-data",
            follow_redirects=True,
        )

    page = upload().get_data(as_text=True)
    assert "1 created, 0 updated, 0 unchanged, 2 not imported (each is listed below with why)" in page
    assert "options: needs at least 3 items; it has 2" in page and "List should have" not in page
    again = upload().get_data(as_text=True)
    assert (
        "0 created, 0 updated, 0 unchanged, 1 already in the bank (kept as they are), 2 not imported" in again
    )
    assert _count() == before + 1
