"""Reading and writing bank YAML: precise errors (file, line, field) and a stable round trip."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from app.bank.yamlio import BankError, dump_bank, load_bank_dir, read_bank_dir, read_bank_text, render_bank

GOOD = """\
  - id: flm-t-001
    type: tf
    stem: FAW signed an MoU with Leapmotor.
    answer: true
    source:
      article: faw-leapmotor-mou
      sentence_id: p1s1
      quote: China FAW and Leapmotor signed
"""


def write(directory: Path, name: str, body: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def bank(directory: Path, questions: str, header: str = "topic: key-figures\n") -> Path:
    return write(directory, "bank.yaml", header + "questions:\n" + questions)


def only_error(directory: Path) -> BankError:
    questions, errors = load_bank_dir(directory)
    assert questions == []
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def test_error_string_names_file_line_question_and_field() -> None:
    error = BankError("questions/key-figures.yaml", 42, "answer", "bad answer", 7, "faw-lm-kf-007")
    assert str(error) == "questions/key-figures.yaml:42: q[7] 'faw-lm-kf-007' field answer: bad answer"
    assert str(BankError("a.yaml", None, None, "no such file")) == "a.yaml: no such file"


def test_valid_file_loads_with_file_defaults(tmp_path: Path) -> None:
    bank(tmp_path, GOOD)
    questions, errors = load_bank_dir(tmp_path)
    assert errors == []
    assert [q["id"] for q in questions] == ["flm-t-001"]
    assert questions[0]["topic"] == "key-figures"
    assert questions[0]["status"] == "approved"


def test_article_default_fills_source_article(tmp_path: Path) -> None:
    body = GOOD.replace("      article: faw-leapmotor-mou\n", "")
    bank(tmp_path, body, header="topic: key-figures\narticle: faw-leapmotor-stake\n")
    questions, errors = load_bank_dir(tmp_path)
    assert errors == []
    assert questions[0]["source"]["article"] == "faw-leapmotor-stake"


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    bank(tmp_path, GOOD + "  - id: flm-t-002\n    stem: [unclosed\n    type: tf\n")
    error = only_error(tmp_path)
    assert error.file == (tmp_path / "bank.yaml").as_posix()
    assert error.line == 13
    assert "malformed YAML: while parsing a flow sequence (from line 12)" in error.message


def test_duplicate_key_is_malformed_yaml(tmp_path: Path) -> None:
    bank(tmp_path, GOOD + "    answer: false\n")
    error = only_error(tmp_path)
    assert error.line == 11
    assert "duplicate key" in error.message


def test_duplicate_id_across_files_names_both_places(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "topic: key-figures\nquestions:\n" + GOOD)
    write(
        tmp_path, "b.yaml", "topic: comprehension\nquestions:\n" + GOOD.replace("FAW signed", "FAW did sign")
    )
    error = only_error(tmp_path)
    assert error.file == (tmp_path / "b.yaml").as_posix()
    assert (error.line, error.field, error.qid) == (3, "id", "flm-t-001")
    assert f"{(tmp_path / 'a.yaml').as_posix()}:3" in error.message
    assert read_bank_dir(tmp_path).questions == []  # neither copy is trusted


MCQ = """\
  - id: flm-t-004
    type: mcq
    stem: How much did FAW pay for the stake?
    options: [US$534 million, US$435 million, US$345 million]
"""


@pytest.mark.parametrize(
    ("body", "line", "field", "fragment"),
    [
        pytest.param(
            GOOD.replace("type: tf", "type: poem"),
            4,
            "type",
            "unknown type 'poem'; allowed types: mcq, multi, tf, numeric, cloze, matching, short, essay",
            id="unknown-type",
        ),
        pytest.param(
            GOOD.replace("    stem: FAW signed an MoU with Leapmotor.\n", ""),
            3,
            "stem",
            "required field 'stem' is missing",
            id="missing-field",
        ),
        pytest.param(
            GOOD.replace("    answer: true\n", "    answer: true\n    answr: true\n"),
            7,
            "answr",
            "unknown field 'answr'; allowed fields: id, stem, explanation,",
            id="unknown-field",
        ),
        pytest.param(
            "  - id: flm-t-002\n    type: numeric\n    stem: How many US$ million did FAW pay?\n"
            "    answer:\n      value: 12abc\n      unit: US$ million\n",
            7,
            "answer.value",
            "unable to parse string as a number (got '12abc')",
            id="numeric-does-not-parse",
        ),
        pytest.param(
            "  - id: flm-t-003\n    type: matching\n    stem: Match each brand with its automaker.\n"
            "    answer:\n      - {left: Wenjie, right: Seres}\n      - {left: wenjie, right: Chery}\n",
            8,
            "answer[1].left",
            "matching left items repeats 'wenjie'; each must be different",
            id="matching-repeated-key",
        ),
        pytest.param(
            MCQ + "    answer: US$543 million\n",
            7,
            "answer",
            "answer 'US$543 million' is not one of the options; copy it exactly from options",
            id="mcq-answer-not-an-option",
        ),
        pytest.param(MCQ, 3, "answer", "required field 'answer' is missing", id="mcq-without-answer"),
        pytest.param(
            "  - id: flm-t-006\n    type: cloze\n    stem: The MoU was signed on {{1}}.\n"
            "    answer:\n      - [March 3, 2025]\n",
            7,
            "answer[0][1]",
            "(got 2025); YAML read this as a non-string: put the text in quotes",
            id="unquoted-comma",
        ),
    ],
)
def test_bad_question_is_located_precisely(
    tmp_path: Path, body: str, line: int, field: str, fragment: str
) -> None:
    bank(tmp_path, body)
    error = only_error(tmp_path)
    assert (error.line, error.field, error.index) == (line, field, 0)
    assert fragment in error.message
    assert str(error).startswith(
        f"{(tmp_path / 'bank.yaml').as_posix()}:{line}: q[0] '{error.qid}' field {field}: "
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("- just a list\n", "a bank file is a mapping"),
        ("topic: key-figures\n", "missing `questions:` list"),
        ("questions: nope\n", "must be a list"),
        ("questions: []\nauthor: me\n", "unknown top-level key 'author'"),
        ("topic: Key Figures\nquestions: []\n", "topic must be a slug"),
        ("questions:\n  - just text\n", "a question must be a mapping"),
    ],
)
def test_bad_file_shapes(text: str, message: str) -> None:
    result = read_bank_text(text, "x.yaml")
    assert result.questions == []
    assert len(result.errors) == 1 and message in result.errors[0].message
    assert result.errors[0].file == "x.yaml"


def test_valid_questions_are_kept_apart_from_the_invalid_ones(tmp_path: Path) -> None:
    bank(tmp_path, GOOD + GOOD.replace("flm-t-001", "flm-t-002").replace("type: tf", "type: essay"))
    result = read_bank_dir(tmp_path)
    assert [q["id"] for q in result.questions] == ["flm-t-001"]
    assert result.locations["flm-t-001"].line_of("source.quote") == 10
    assert load_bank_dir(tmp_path) == ([], result.errors)  # all or nothing


def test_missing_directory(tmp_path: Path) -> None:
    questions, errors = load_bank_dir(tmp_path / "nope")
    assert questions == [] and "no such directory" in errors[0].message


EVERY_TYPE = [
    {
        "id": "x-mcq",
        "type": "mcq",
        "stem": "A question whose stem is long enough to be folded over several lines when it is dumped "
        "by the bank writer, with “curly quotes” and a colon: here.",
        "options": ["US$534 million", "US$435 million", "US$345 million"],
        "answer": "US$534 million",
        "topic": "key-figures",
        "tags": ["faw"],
        "source": {
            "article": "faw-leapmotor-stake",
            "sentence_id": "p2s2",
            "quote": "a quote",
            "also": ["p2s3"],
        },
    },
    {
        "id": "x-multi",
        "type": "multi",
        "stem": "Which apply?\nSelect all that apply.",
        "options": ["yes", "no", "true"],
        "answer": ["yes", "true"],
        "topic": "partnership-models",
    },
    {"id": "x-tf", "type": "tf", "stem": "A true statement.", "answer": True, "topic": "comprehension"},
    {
        "id": "x-num",
        "type": "numeric",
        "stem": "How much, in US$ million?",
        "answer": {"value": 534, "tolerance": 0.5, "unit": "US$ million", "multiplier": 1e6},
        "topic": "key-figures",
        "difficulty": "hard",
    },
    {
        "id": "x-cloze",
        "type": "cloze",
        "stem": "Signed on {{1}} in {{2}}.",
        "answer": [["March 3, 2025", "2025-03-03"], ["Changchun"]],
        "fuzzy": 0.9,
        "topic": "key-figures",
    },
    {
        "id": "x-match",
        "type": "matching",
        "stem": "Match the brands.",
        "answer": [{"left": "Wenjie", "right": "Seres"}, {"left": "Zhijie", "right": "Chery"}],
        "topic": "partnership-models",
        "status": "candidate",
    },
    {
        "id": "x-short",
        "type": "short",
        "stem": "Who is the CEO?",
        "answer": ["Zhu Jiangming"],
        "topic": "new-topic",
    },
]


def test_every_type_round_trips_and_dump_is_byte_stable(tmp_path: Path) -> None:
    first = dump_bank(EVERY_TYPE, tmp_path / "one")
    assert sorted(p.name for p in first) == [
        "comprehension.yaml",
        "key-figures.yaml",
        "new-topic.yaml",
        "partnership-models.yaml",
    ]
    loaded, errors = load_bank_dir(tmp_path / "one")
    assert errors == []
    dump_bank(loaded, tmp_path / "two")
    reloaded, errors = load_bank_dir(tmp_path / "two")
    assert errors == []
    assert sorted(reloaded, key=lambda q: q["id"]) == sorted(loaded, key=lambda q: q["id"])
    assert render_bank(reloaded) == render_bank(loaded)
    for path in first:
        assert (tmp_path / "two" / path.name).read_bytes() == path.read_bytes()
    by_id = {q["id"]: q for q in loaded}
    assert by_id["x-multi"]["stem"] == "Which apply?\nSelect all that apply."
    assert by_id["x-mcq"]["stem"] == EVERY_TYPE[0]["stem"]
    assert by_id["x-num"]["answer"]["multiplier"] == 1e6


def test_dump_layout_is_canonical() -> None:
    text = render_bank(EVERY_TYPE)["key-figures.yaml"]
    assert text.startswith("# Curated question bank.")
    lines = text.splitlines()
    assert lines[1:3] == ["topic: key-figures", "questions:"]
    assert lines[3] == "  - id: x-cloze"  # sorted by id
    assert "    stem: >-" in lines  # long text folded
    mcq = text[text.index("  - id: x-mcq") :].split("  - id: x-num")[0]
    keys = [m.group(1) for m in re.finditer(r"^ {4}(\w+):", mcq, re.MULTILINE)]
    assert keys == ["type", "stem", "options", "answer", "difficulty", "tags", "status", "source"]
    assert "multiplier: 1000000" in text and "1000000.0" not in text
    assert "topic:" not in text.split("questions:")[1]
    assert all(len(line) <= 110 for line in lines)


def test_committed_bank_round_trips(tmp_path: Path) -> None:
    committed = Path(__file__).resolve().parents[3] / "questions"
    questions, errors = load_bank_dir(committed)
    assert errors == [] and questions
    first = dump_bank(questions, tmp_path / "one")
    reloaded, errors = load_bank_dir(tmp_path / "one")
    assert errors == []
    assert sorted(reloaded, key=lambda q: q["id"]) == sorted(questions, key=lambda q: q["id"])
    dump_bank(reloaded, tmp_path / "two")
    for path in first:
        assert (tmp_path / "two" / path.name).read_bytes() == path.read_bytes()
