"""The editor's pure core: form values to the canonical question and back, errors placed by field, and the
revision diff. No Flask, no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.bank.editing import (
    FORM,
    _typed,
    blank_values,
    build_question,
    field_for,
    parse_number,
    values_from_canonical,
)
from app.bank.history import changed_fields, diff_snapshots, snapshot_lines
from app.bank.yamlio import read_bank_dir
from app.qtypes.schema import parse_question

QUESTIONS = Path(__file__).resolve().parents[3] / "questions"
SOURCE = {"article": "acme-volt", "sentence_id": "p1s2", "quote": "Acme Motors will invest US$120 million."}


def _values(qtype: str, **extra) -> dict:
    values = {
        "qtype": qtype,
        "uid": "acme-001",
        "stem": "How much will Acme Motors invest in the venture?",
        "explanation": "The press release says US$120 million.",
        "topic": "key-figures",
        "difficulty": "easy",
        "tags": "acme, volt-cells",
        "status": "approved",
        "article": SOURCE["article"],
        "sentence_id": SOURCE["sentence_id"],
        "quote": SOURCE["quote"],
        "also": "",
    }
    values.update(extra)
    return values


def _options(*rows: tuple[str, bool]) -> list[dict]:
    return [{"text": text, "correct": correct} for text, correct in rows]


FOUR = _options(("US$100 million", False), ("US$120 million", True), ("US$140 million", False), ("", False))


def _comparable(data: dict) -> dict:
    dumped = parse_question(data).model_dump(mode="json")
    if dumped.get("source"):
        dumped["source"].pop("start"), dumped["source"].pop("end")
    return dumped


def test_every_question_in_the_committed_bank_survives_the_editor_unchanged():
    bank = read_bank_dir(QUESTIONS)
    assert not bank.errors and len(bank.questions) >= 60
    seen_types = set()
    for data in bank.questions:
        built = build_question(values_from_canonical(data))
        assert built.errors == {}, (data["id"], built.errors)
        assert _comparable(built.data) == _comparable(data), data["id"]
        seen_types.add(data["type"])
    assert seen_types == {"mcq", "multi", "tf", "numeric", "cloze", "matching", "short", "essay"}


def test_mcq_rows_become_options_and_the_ticked_one_the_answer_blank_rows_ignored():
    built = build_question(_values("mcq", options=FOUR))
    assert built.errors == {}
    assert built.data["options"] == ["US$100 million", "US$120 million", "US$140 million"]
    assert built.data["answer"] == "US$120 million"
    assert built.data["tags"] == ["acme", "volt-cells"]
    assert built.data["source"] == {**SOURCE, "also": []}
    assert built.rows == [0, 1, 2]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (_options(("A one", False), ("B two", False), ("C three", False)), "none is marked"),
        (_options(("A one", True), ("B two", False), ("C three", True)), "2 are marked"),
    ],
)
def test_mcq_needs_exactly_one_correct_option(rows, message):
    built = build_question(_values("mcq", options=rows))
    assert built.data is None
    assert built.errors["options"] == [f"Mark exactly one option as correct ({message})."]


def test_a_ticked_blank_row_and_too_few_options_are_named():
    rows = _options(("US$100 million", False), ("US$120 million", True), ("", True))
    built = build_question(_values("mcq", options=rows))
    assert "write the option or untick it" in built.errors["options-2-text"][0]
    assert "Give 3 to 5 options (this form has 2)." in built.errors["options"]


def test_repeated_options_are_placed_on_the_repeating_row():
    rows = _options(("US$100 million", False), ("US$120 million", True), ("us$100  million", False))
    built = build_question(_values("mcq", options=rows))
    assert list(built.errors) == ["options-2-text"]
    assert "repeats" in built.errors["options-2-text"][0]


def test_multi_needs_a_correct_option_and_a_wrong_one():
    none = build_question(_values("multi", options=_options(("A x", False), ("B y", False), ("C z", False))))
    assert none.errors["options"] == ["Mark at least one option as correct."]
    every = build_question(_values("multi", options=_options(("A x", True), ("B y", True), ("C z", True))))
    assert "leave at least one wrong option" in every.errors["options"][0]
    ok = build_question(_values("multi", options=_options(("A x", True), ("B y", False), ("C z", True))))
    assert ok.data["answer"] == ["A x", "C z"]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("534", 534.0),
        ("-2.5", -2.5),
        ("1,234.5", 1234.5),
        (" 12 ", 12.0),
        ("\u221210", -10.0),
        ("1e3", 1000.0),
    ],
)
def test_numbers_people_type_parse(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize(
    "text", ["five", "", "1,23", "nan", "inf", "-inf", "12 million", "1.2.3", "²", "٣", "５", "1½"]
)
def test_numbers_that_do_not_parse(text):
    assert parse_number(text) is None


def test_numeric_answer_must_parse_and_tolerance_must_be_sensible():
    good = build_question(_values("numeric", value="120", tolerance="", unit="US$ million", multiplier=""))
    assert good.data["answer"] == {
        "value": 120.0,
        "tolerance": 0.0,
        "tolerance_mode": "absolute",
        "unit": "US$ million",
        "multiplier": 1.0,
    }
    bad = build_question(_values("numeric", value="one hundred", tolerance="-1", multiplier="0"))
    assert bad.errors["value"] == ["Enter the answer as a number, e.g. 534 or 12.5 (got 'one hundred')."]
    assert bad.errors["tolerance"] == ["The tolerance cannot be negative."]
    assert "positive number" in bad.errors["multiplier"][0]


def test_tf_needs_a_choice():
    assert build_question(_values("tf", answer="false")).data["answer"] is False
    assert build_question(_values("tf", answer="")).errors["answer"] == [
        "Choose whether the statement is true or false."
    ]


def test_cloze_rows_are_positional_with_variants_split_on_bars():
    stem = "Acme Motors will invest {{1}} in the venture with {{2}}."
    built = build_question(
        _values("cloze", stem=stem, blanks=["US$120 million | 120 million", "Volt Cells", ""])
    )
    assert built.data["answer"] == [["US$120 million", "120 million"], ["Volt Cells"]]
    gap = build_question(_values("cloze", stem=stem, blanks=["US$120 million", " | ", "Volt Cells"]))
    assert gap.errors == {"blanks-1": ["Blank {{2}} needs at least one accepted answer."]}
    mismatch = build_question(_values("cloze", stem=stem, blanks=["US$120 million"]))
    assert "do not match the 1 answer list" in mismatch.errors["stem"][0]


def test_matching_must_be_a_bijection_and_names_the_repeated_key():
    pairs = [
        {"left": "FAW", "right": "State-owned automaker"},
        {"left": "Leapmotor", "right": "EV maker"},
        {"left": "faw", "right": "Buyer of a 5% stake"},
        {"left": "", "right": ""},
    ]
    built = build_question(_values("matching", pairs=pairs))
    assert built.errors == {
        "pairs-2-left": ["'faw' is repeated (also in row 1): each left item must be different."]
    }
    half = build_question(_values("matching", pairs=[{"left": "FAW", "right": ""}, *pairs[1:2]]))
    assert half.errors["pairs-0-right"] == ["Fill both sides of the pair, or clear the row."]
    assert half.errors["pairs"] == ["Give at least 2 pairs to match (this form has 1)."]


def _accepted(*texts: str) -> list[dict]:
    return [{"text": text, "feedback": ""} for text in texts]


def test_short_answers_blank_rows_ignored_and_fuzzy_in_range():
    built = build_question(_values("short", accepted=_accepted("Volt Cells", "", "Volt"), fuzzy="0.9"))
    assert built.data["answer"] == ["Volt Cells", "Volt"] and built.data["fuzzy"] == 0.9
    assert built.rows == [0, 2]
    none = build_question(_values("short", accepted=_accepted("", " "), fuzzy="2"))
    assert none.errors["accepted"] == ["Give at least one accepted answer."]
    assert "between 0.5 and 1.0" in none.errors["fuzzy"][0]


def test_common_fields_get_readable_messages():
    built = build_question(
        _values(
            "tf", answer="true", uid="X", topic="Key Figures", tags="ok, Not OK", article="", status="gone"
        )
    )
    assert "is not valid" in built.errors["uid"][0]
    assert "is not a slug" in built.errors["topic"][0]
    assert "Tag 'Not' is not a slug" in built.errors["tags"][0]
    assert built.errors["article"] == ["Choose the article the quote comes from."]
    assert "Choose a status" in built.errors["status"][0]


def test_rejected_is_validated_as_retired_and_no_source_is_allowed_here():
    built = build_question(
        _values("tf", answer="true", status="rejected", article="", sentence_id="", quote="")
    )
    assert built.errors == {}
    assert built.data["status"] == "retired" and "source" not in built.data


@pytest.mark.parametrize(
    ("path", "qtype", "field"),
    [
        ("options[1]", "mcq", "options-3-text"),
        ("answer", "mcq", "options"),
        ("answer[1].left", "matching", "pairs-3-left"),
        ("answer[0]", "cloze", "blanks-0"),
        ("answer[1]", "short", "accepted-3-text"),
        ("answer.value", "numeric", "value"),
        ("answer.unit", "numeric", "unit"),
        ("answer", "tf", "answer"),
        ("source.quote", "mcq", "quote"),
        ("source.start", "mcq", "quote"),
        ("source", "mcq", "article"),
        ("source.also[0]", "mcq", "also"),
        ("tags[2]", "mcq", "tags"),
        ("id", "mcq", "uid"),
        (None, "mcq", FORM),
        ("something.else", "mcq", FORM),
    ],
)
def test_errors_found_at_a_canonical_path_go_beside_their_form_field(path, qtype, field):
    assert field_for(path, qtype, [0, 3]) == field


def test_blank_forms_have_rows_to_fill():
    assert len(blank_values("mcq")["options"]) == 4
    assert len(blank_values("matching")["pairs"]) == 4
    assert blank_values("numeric")["multiplier"] == "1"
    assert _typed(5.0) == "5" and _typed(0.25) == "0.25" and _typed(None) == ""


# ---------------------------------------------------------------- revision diffs

BEFORE = {
    "id": "acme-001",
    "type": "mcq",
    "stem": "How much will Acme invest?",
    "options": ["US$100 million", "US$120 million", "US$140 million"],
    "answer": "US$120 million",
    "topic": "key-figures",
    "status": "candidate",
    "source": SOURCE,
}


def test_snapshot_lines_follow_the_canonical_order_whatever_the_stored_order():
    scrambled = dict(reversed(list(BEFORE.items())))
    assert snapshot_lines(scrambled) == snapshot_lines(BEFORE)
    assert snapshot_lines(BEFORE)[:3] == ["id: acme-001", "type: mcq", "stem: How much will Acme invest?"]


def test_identical_snapshots_have_no_diff():
    assert diff_snapshots(BEFORE, dict(BEFORE)) == []
    assert changed_fields(BEFORE, {**BEFORE, "explanation": ""}) == []


def test_a_changed_word_is_marked_within_its_line():
    after = {**BEFORE, "stem": "How much will Acme Motors invest?", "status": "approved"}
    lines = diff_snapshots(BEFORE, after)
    kinds = [line.kind for line in lines]
    assert kinds.count("del") == 2 and kinds.count("ins") == 2 and kinds[0] == "hunk"
    stem_ins = next(line for line in lines if line.kind == "ins" and line.text.startswith("stem:"))
    assert [text for text, changed in stem_ins.parts if changed] == ["Motors "]
    assert changed_fields(BEFORE, after) == ["stem", "status"]


def test_an_added_option_is_one_added_line_and_the_first_revision_is_all_added():
    after = {**BEFORE, "options": [*BEFORE["options"], "US$160 million"]}
    changed = [line for line in diff_snapshots(BEFORE, after) if line.kind in ("ins", "del")]
    assert [(line.kind, line.text) for line in changed] == [("ins", "  - US$160 million")]
    first = diff_snapshots(None, BEFORE)
    assert {line.kind for line in first} == {"hunk", "ins"}
    assert len([line for line in first if line.kind == "ins"]) == len(snapshot_lines(BEFORE))


def test_option_feedback_is_edited_per_row_and_an_orphan_feedback_is_refused():
    rows = [
        {"text": "US$534 million", "correct": True, "feedback": ""},
        {"text": "US$543 million", "correct": False, "feedback": " The digits swapped. "},
        {"text": "US$345 million", "correct": False, "feedback": ""},
        {"text": "", "correct": False, "feedback": "Feedback for nothing"},
    ]
    built = build_question(_values("mcq", options=rows))
    assert built.errors == {"options-3-text": ["This empty row has feedback: write the option or clear it."]}
    built = build_question(_values("mcq", options=rows[:3]))
    assert built.errors == {}
    assert built.data["feedback"] == {"US$543 million": "The digits swapped."}
    values = values_from_canonical(built.data)
    assert [row["feedback"] for row in values["options"]] == ["", "The digits swapped.", ""]


def test_true_false_feedback_is_edited_per_answer_and_survives_the_round_trip():
    built = build_question(
        _values(
            "tf", answer="false", feedback_true=" No: Acme invests, it does not sell. ", feedback_false=""
        )
    )
    assert built.errors == {}
    assert built.data["feedback"] == {"true": "No: Acme invests, it does not sell."}
    values = values_from_canonical(built.data)
    assert (values["feedback_true"], values["feedback_false"]) == ("No: Acme invests, it does not sell.", "")
    assert build_question({**values, "uid": "acme-001"}).data == built.data
    plain = build_question(_values("tf", answer="true"))
    assert "feedback" not in plain.data  # no feedback, no key: earlier questions keep their shape


def test_short_answer_feedback_is_edited_per_row_and_an_orphan_feedback_is_refused():
    rows = [
        {"text": "Volt Cells", "feedback": ""},
        {"text": " Volt ", "feedback": " The short name; accepted. "},
        {"text": "", "feedback": "Feedback for nothing"},
    ]
    orphan = build_question(_values("short", accepted=rows))
    assert orphan.errors == {
        "accepted-2-text": ["This empty row has feedback: write the accepted answer or clear it."]
    }
    assert orphan.data is None
    built = build_question(_values("short", accepted=rows[:2]))
    assert built.errors == {}
    assert built.data["answer"] == ["Volt Cells", "Volt"]
    assert built.data["feedback"] == {"Volt": "The short name; accepted."}
    values = values_from_canonical(built.data)
    assert values["accepted"] == [
        {"text": "Volt Cells", "feedback": ""},
        {"text": "Volt", "feedback": "The short name; accepted."},
    ]
    assert blank_values("short")["accepted"][0] == {"text": "", "feedback": ""}


@pytest.mark.parametrize("qtype", ["numeric", "cloze", "matching", "essay"])
def test_types_without_per_option_feedback_in_the_schema_get_none_from_the_editor(qtype):
    # The schema has no per-option feedback for these types (its feedback_keys are empty): the editor offers
    # no field, so a stray value posted for one is never turned into feedback.
    values = values_from_canonical(
        {
            "id": "x-001",
            "type": qtype,
            "stem": "Acme will invest {{1}} in Volt." if qtype == "cloze" else "How much will Acme invest?",
            "topic": "key-figures",
            "answer": {
                "numeric": {"value": 120.0},
                "cloze": [["US$120 million"]],
                "matching": [{"left": "Acme", "right": "investor"}, {"left": "Volt", "right": "maker"}],
                "essay": "",
            }[qtype],
        }
    )
    built = build_question({**values, "feedback_true": "stray", "feedback": {"x": "stray"}})
    assert built.errors == {} and "feedback" not in built.data


@pytest.mark.parametrize("typed", ["²", "٣", "4²"])
def test_an_essay_word_limit_in_other_digits_is_refused_not_a_crash(typed):
    built = build_question(_values("essay", model_answer="Scale.", rubric="- names it (1)", word_limit=typed))
    assert "positive whole number" in " ".join(built.errors["word_limit"])


def test_numeric_feedback_for_the_right_number_survives_the_round_trip():
    built = build_question(_values("numeric", value="534", feedback_answer=" Right: the 2023 figure. "))
    assert built.errors == {}
    assert built.data["feedback"] == {"answer": "Right: the 2023 figure."}
    values = values_from_canonical(built.data)
    assert values["feedback_answer"] == "Right: the 2023 figure."
    assert build_question({**values, "uid": "acme-001"}).data == built.data
    assert "feedback" not in build_question(_values("numeric", value="534")).data


def test_cloze_feedback_travels_through_the_editor_and_stays_on_the_variants_still_accepted():
    canonical = {
        "id": "acme-001",
        "type": "cloze",
        "stem": "The buyer is {{1}}, paying {{2}}.",
        "answer": [["FAW", "First Automobile Works"], ["3.74 billion yuan"]],
        "topic": "comprehension",
        "feedback": {"1:First Automobile Works": "The full name.", "2:3.74 billion yuan": "Paragraph one."},
    }
    values = {**values_from_canonical(canonical), "uid": "acme-001"}
    built = build_question(values)
    assert built.errors == {}
    assert built.data["feedback"] == canonical["feedback"]
    renamed = build_question({**values, "blanks": ["FAW", "3.74 billion yuan"]})
    assert renamed.data["feedback"] == {"2:3.74 billion yuan": "Paragraph one."}
    damaged = build_question({**values, "blank_feedback": "{not json"})
    assert "damaged" in " ".join(damaged.errors["blanks"])


def test_a_blanks_feedback_field_gives_every_accepted_answer_of_the_blank_that_feedback():
    stem = "Acme Motors will invest {{1}} in the venture with {{2}}."
    built = build_question(
        _values(
            "cloze",
            stem=stem,
            blanks=["US$120 million | 120 million", "Volt Cells"],
            blank_notes=["The figure in paragraph one.", ""],
        )
    )
    assert built.errors == {}
    assert built.data["feedback"] == {
        "1:US$120 million": "The figure in paragraph one.",
        "1:120 million": "The figure in paragraph one.",
    }
    shown = values_from_canonical(built.data)
    assert shown["blank_notes"] == ["The figure in paragraph one.", ""] and shown["blank_feedback"] == ""
    orphan = build_question(
        _values("cloze", stem=stem, blanks=["US$120 million", "Volt Cells", ""], blank_notes=["", "", "Why?"])
    )
    assert orphan.errors == {
        "blank_notes-2": ["This empty row has feedback: write the accepted answers or clear it."]
    }


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"value": "534", "tolerance": "12345678901234567890", "tolerance_mode": "relative"},
            "tolerance",
            "at most 1",
        ),
        ({"value": "534", "tolerance": "1.5", "tolerance_mode": "relative"}, "tolerance", "at most 1"),
        (
            {"value": "534", "tolerance": "1e19", "tolerance_mode": "absolute"},
            "tolerance",
            "larger than the answer",
        ),
        ({"value": "534", "multiplier": "1.2e19"}, "multiplier", "up to 1e15"),
        ({"value": "12345678901234567890"}, "value", "at most 15 digits"),
    ],
)
def test_a_numeric_key_that_would_accept_anything_or_lose_digits_is_refused(fields, field, message):
    """A relative tolerance of 1e19 made every answer right; a 20-digit answer was stored rounded."""
    built = build_question(_values("numeric", **{"tolerance": "", "multiplier": "", **fields}))
    assert message in " ".join(built.errors[field])


def test_sensible_numeric_keys_still_pass():
    for fields in (
        {"value": "534", "tolerance": "0.05", "tolerance_mode": "relative"},
        {"value": "534", "tolerance": "534", "tolerance_mode": "absolute"},
        {"value": "0", "tolerance": "2", "tolerance_mode": "absolute"},
        {"value": "123456789012345", "multiplier": "1000000"},
    ):
        assert not build_question(_values("numeric", **{"tolerance": "", "multiplier": "", **fields})).errors
