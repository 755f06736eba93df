"""`generate FILE...`: JSON on stdout, report on stderr, one-line errors with exit code 1."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from app.generation.cli import generate_command

ROOT = Path(__file__).resolve().parents[3]

SEED = str(ROOT / "seeds/faw-leapmotor-stake.txt")
SHORT = str(ROOT / "tests/fixtures/articles/short_few_figures.txt")


def test_json_output_with_report_on_stderr():
    result = CliRunner().invoke(generate_command, [SEED, SHORT, "--report"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert {i["source"]["article"] for i in items} == {"faw-leapmotor-stake", "short-few-figures"}
    assert set(items[0]) >= {"id", "type", "topic", "stem", "options", "answer", "explanation", "difficulty",
                             "tags", "status", "source", "checks", "score"}  # fmt: skip
    assert "by topic:" in result.stderr and "no figures found" in result.stderr


def test_text_format_and_article_id():
    result = CliRunner().invoke(generate_command, [SEED, "--format", "text", "--article-id", "stake"])
    assert result.exit_code == 0
    assert "[gen-stake-" in result.stdout and "* US$534 million" in result.stdout


def test_bad_files_fail_with_one_line(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    other = tmp_path / "deck.pptx"
    other.write_bytes(b"slides")
    for path in (empty, binary, latin, other):
        result = CliRunner().invoke(generate_command, [str(path)])
        assert result.exit_code == 1, path
        assert result.stderr.count("\n") == 1 and str(path) in result.stderr
        assert "Traceback" not in result.stderr and result.stdout == ""


def test_article_id_is_checked():
    result = CliRunner().invoke(generate_command, [SEED, SHORT, "--article-id", "x-y"])
    assert result.exit_code == 2
    result = CliRunner().invoke(generate_command, [SEED, "--article-id", "Bad Id"])
    assert result.exit_code == 2
