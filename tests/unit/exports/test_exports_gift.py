"""GIFT: read by pygiftparser (answer types checked per question), escaping, round trip, malformed input."""

from __future__ import annotations

import io

import pytest

from app.exports import EXPORTERS, IMPORTERS, ExportSelection, ImportFormatError
from tests.unit.exports.conftest import TRICKY, UNIT_NOT_IN_STEM, canonical, reader

# pygiftparser asks the locale module the deprecated way when it is imported.
pytestmark = pytest.mark.filterwarnings("ignore:'locale.getdefaultlocale' is deprecated:DeprecationWarning")


def _parse(data: bytes) -> dict:
    parser = reader("pygiftparser.parser", "pygiftparser==1.1")
    return {q.title: q for q in parser.parseFile(io.StringIO(data.decode("utf-8")))}


def test_pygiftparser_reads_every_type_with_its_answers(selection):
    questions = _parse(EXPORTERS["gift"](selection).data)
    assert all(q.valid for q in questions.values())
    assert all(q.cat.startswith("$course$/top/Casewise/") for q in questions.values())

    def answers(title: str) -> list[tuple[str, float]]:
        return [(a.answer.strip(), a.fraction) for a in questions[title].answers.answers]

    assert type(questions["faw-stake-price"].answers).__name__ == "SelectSet"
    assert answers("faw-stake-price")[0] == ("3.74 billion yuan", 100)
    assert [f for _, f in answers("faw-stake-price")[1:]] == [0, 0, 0]

    assert type(questions["faw-partners"].answers).__name__ == "MultipleChoicesSet"
    weights = dict(answers("faw-partners"))
    assert sum(w for w in weights.values() if w > 0) == pytest.approx(100, abs=1e-9)
    assert weights["Tesla"] == weights["BYD"] == -50

    tf = questions["faw-is-state-owned"].answers
    assert type(tf).__name__ == "TrueFalseSet" and tf.answer is False

    numeric = questions["faw-stake-percent"].answers
    assert type(numeric).__name__ == "NumericAnswerSet"
    assert (numeric.answers[0].value, numeric.answers[0].tolerance) == (20.0, 0.5)
    relative = questions["faw-price-relative"].answers.answers[0]
    assert (relative.value, relative.tolerance) == (3.74, 0.187)

    matching = questions["faw-roles"].answers
    assert type(matching).__name__ == "MatchingSet"
    assert [(a.question.strip(), a.answer.strip()) for a in matching.answers] == [
        ("FAW", "Buyer"),
        ("Leapmotor", "Target"),
        ("Stellantis", "Existing shareholder"),
    ]

    short = questions["faw-buyer-name"]
    assert type(short.answers).__name__ == "ShortSet" and short.tail == ""
    assert answers("faw-buyer-name") == [("FAW", 100), ("First Automobile Works", 100)]

    missing_word = questions["faw-cloze-one"]
    assert type(missing_word.answers).__name__ == "ShortSet"
    assert missing_word.text == "The buyer of the stake is"
    assert missing_word.tail == ", a state-owned carmaker."
    assert answers("faw-cloze-one") == [("FAW", 100), ("FAW Group", 100)]
    assert questions["faw-cloze-two (blank 2 of 2)"].text == "FAW pays 3.74 billion yuan for a"
    assert "faw-cloze-two (blank 1 of 2)" in questions

    assert questions["faw-stake-price"].markup == "markdown"
    assert questions["faw-stake-price"].generalFeedback.startswith("The article gives the price")


def test_pygiftparser_unescapes_control_characters_in_text():
    """pygiftparser unescapes \\{ \\} \\~ \\= \\# \\: in text; it has no rule for an escaped backslash."""
    stem = "Which uses {braces}, ~tilde~, = sign, # hash and : colon?"
    explanation = "Escaping: { } ~ = # : & < >"
    question = canonical(
        dict(TRICKY, stem=stem, options=["one", "two", "three"], answer="two", explanation=explanation)
    )
    (parsed,) = _parse(EXPORTERS["gift"](ExportSelection(title="t", questions=[question])).data).values()
    utils = reader("pygiftparser.utils", "pygiftparser==1.1")

    assert parsed.valid
    assert utils.transformSpecials(parsed.text) == stem
    assert utils.transformSpecials(parsed.generalFeedback) == explanation


def test_every_special_character_survives_export_and_import(tricky_selection):
    data = EXPORTERS["gift"](tricky_selection).data
    text = data.decode()
    assert r"\{braces\}, a \~tilde\~, a \= sign, \# and \: and a back\\slash" in text
    (restored,) = IMPORTERS["gift"](data).questions
    original = tricky_selection.questions[0]
    for key in ("type", "stem", "options", "answer", "explanation"):
        assert restored[key] == original[key], key


def test_round_trip_keeps_types_answers_and_stems(selection):
    restored = IMPORTERS["gift"](EXPORTERS["gift"](selection).data)
    assert restored.warnings == []
    by_stem = {q["stem"]: q for q in restored.questions}
    assert all(q["status"] == "candidate" and q["id"].startswith("imp-gift-") for q in restored.questions)
    for original in selection.questions:
        if original["id"] == "faw-cloze-two":
            continue
        copy = by_stem[original["stem"]]
        assert copy["type"] == original["type"], original["id"]
        assert copy["topic"] == original["topic"]
        assert copy["tags"] == original["tags"]
        if original["type"] == "numeric":
            assert copy["answer"]["value"] == original["answer"]["value"]
            assert copy["answer"]["unit"] in ("", original["answer"]["unit"])
        else:
            assert copy["answer"] == original["answer"], original["id"]
        if original["type"] in ("mcq", "multi"):
            assert copy["options"] == original["options"]
        assert copy["explanation"] == original["explanation"]
    assert by_stem["How many billion yuan does FAW pay?"]["answer"]["tolerance"] == pytest.approx(0.187)
    split = [q for q in restored.questions if q["stem"].startswith("FAW pays")]
    assert [q["answer"] for q in split] == [
        [["3.74 billion yuan", "3.74bn yuan"]],
        [["20%", "20 %", "twenty percent"]],
    ]


def test_a_unit_missing_from_the_stem_is_added_and_read_back():
    numeric = canonical(UNIT_NOT_IN_STEM)
    data = EXPORTERS["gift"](ExportSelection(title="t", questions=[numeric])).data
    assert "stake? (answer in million yuan){#3740:10}" in data.decode()
    (restored,) = IMPORTERS["gift"](data).questions
    assert restored["stem"] == numeric["stem"]
    assert restored["answer"] == numeric["answer"]


def test_ids_are_stable_across_imports(selection):
    data = EXPORTERS["gift"](selection).data
    first, second = IMPORTERS["gift"](data), IMPORTERS["gift"](data)
    assert [q["id"] for q in first.questions] == [q["id"] for q in second.questions]
    assert len({q["id"] for q in first.questions}) == len(first.questions)


def test_conversions_are_reported(bank):
    roles = next(q for q in bank if q["type"] == "matching")
    arrow = canonical(dict(roles, answer=[{"left": "A->B", "right": "x"}, {"left": "C", "right": "y"}]))
    result = EXPORTERS["gift"](ExportSelection(title="t", questions=[*bank, arrow]))
    assert dict(result.converted) == {
        "faw-cloze-two": "cloze with 2 blanks -> 2 missing-word questions, other blanks filled in",
        "faw-roles": "'->' in a matching item written as '→' (GIFT cannot escape it)",
    }
    assert "=A→B -> x" in result.data.decode()


GOOD = "::q1::What is the answer here?{=yes ~no ~maybe}\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("::q1::What is the answer here?{=yes ~no ~maybe\n", "line 1 (question 'q1')|never closed with '}'"),
        ("\n\n::q1::What is the answer} here?\n", "line 3|'}' without an opening '{'"),
        ("::q1 What is the answer here?{=a ~b ~c}\n", "line 1|the title opened with '::' is never closed"),
        (
            "::q2::What is two and two?{#four}\n",
            "line 1 (question 'q2')|numerical answer {#four} is not a number",
        ),
        (
            "::m::Match these two things please.{=a -> 1 =b}\n",
            "line 1 (question 'm')|matching answer 'b' has no '->'",
        ),
        (
            "::q::Pick the right one please.{=yes ~no}\n",
            "line 1 (question 'q')|options: needs at least 3 items",
        ),
        ("::q::Two blocks {=a =b} and {=c}\n", "line 1 (question 'q')|more than one answer block"),
    ],
)
def test_malformed_gift_names_what_and_where(text, message):
    where, what = message.split("|")
    with pytest.raises(ImportFormatError) as info:
        IMPORTERS["gift"](text.encode())
    assert str(info.value).startswith(where)
    assert what in str(info.value)


def test_non_utf8_gift_is_rejected():
    with pytest.raises(ImportFormatError, match=r"not UTF-8 text \(byte 8"):
        IMPORTERS["gift"]("::q::Caf\u00e9 au lait?{=yes =oui}".encode("latin-1"))


def test_descriptions_are_skipped_with_a_warning_and_essays_import():
    text = "// a comment\nJust some text.\n\n::e::Write an essay about it.{}\n\n" + GOOD.replace("q1", "q3")
    result = IMPORTERS["gift"](text.encode())
    assert [(q["type"], q["stem"]) for q in result.questions] == [
        ("essay", "Write an essay about it."),
        ("mcq", "What is the answer here?"),
    ]
    assert result.warnings == ["line 1: text without an answer block (a description); skipped"]


def test_moodle_style_gift_without_our_markers_imports():
    text = (
        "$CATEGORY: $course$/top/Key Figures\n\n"
        "// [tag:Deal Terms]\n"
        "What is the price? {#3.5..4.0}\n\n"
        "Grant is {~buried =entombed ~living} in Grant's tomb.\n\n"
        "::tf::[html]<p>The sun <em>rises</em> in the east.</p>{T}\n"
    )
    result = IMPORTERS["gift"](text.encode())
    numeric, mcq, tf = result.questions
    assert numeric["topic"] == "key-figures" and numeric["tags"] == ["deal-terms"]
    assert numeric["answer"]["value"] == pytest.approx(3.75) and numeric["answer"][
        "tolerance"
    ] == pytest.approx(0.25)
    assert (
        mcq["type"] == "mcq"
        and mcq["stem"] == "Grant is _____ in Grant's tomb."
        and mcq["answer"] == "entombed"
    )
    assert tf["stem"] == "The sun *rises* in the east." and tf["answer"] is True


def test_one_bad_question_is_skipped_with_its_line_and_the_rest_imports():
    text = GOOD + "\n::q2::What is two and two?{#four}\n\n::q3::Is this true?{TRUE}\n"
    result = IMPORTERS["gift"](text.encode())
    assert [q["type"] for q in result.questions] == ["mcq", "tf"]
    assert result.warnings == ["skipped: line 3 (question 'q2'): numerical answer {#four} is not a number"]


# Cases from Moodle's own GIFT importer tests, question/format/gift/tests/giftformat_test.php (moodle/moodle,
# commit 3d51aed3): the GIFT input of each case, and what Moodle stores for it.
def test_moodle_case_import_multichoice_with_per_answer_format_markers():
    """test_import_multichoice: single choice; feedback 'right; good!', '[html]wrong…' and '[plain]blue'."""
    text = (
        "// multiple choice with specified feedback for right and wrong answers\n"
        "::Q2:: What's between orange and green in the spectrum?\n"
        "{\n    =yellow # right; good!\n    ~red # [html]wrong, it's yellow\n"
        "    ~[plain]blue # wrong, it's yellow\n}"
    )
    (question,) = IMPORTERS["gift"](text.encode()).questions
    assert question["stem"] == "What's between orange and green in the spectrum?"
    assert (question["type"], question["options"], question["answer"]) == (
        "mcq",
        ["yellow", "red", "blue"],
        "yellow",
    )
    assert question["feedback"] == {
        "yellow": "right; good!",
        "red": "wrong, it's yellow",
        "blue": "wrong, it's yellow",
    }


def test_moodle_case_import_multichoice_multi():
    """test_import_multichoice_multi: multiple response, yellow and off-beige 50 % each, markers stripped."""
    text = (
        "::colours:: What's between orange and green in the spectrum?\n{\n"
        "    ~%50%yellow # right; good!\n    ~%-100%red # [html]wrong\n"
        "    ~%50%off-beige # right; good!\n    ~%-100%[plain]blue # wrong\n}"
    )
    (question,) = IMPORTERS["gift"](text.encode()).questions
    assert question["type"] == "multi"
    assert question["options"] == ["yellow", "red", "off-beige", "blue"]
    assert question["answer"] == ["yellow", "off-beige"]
    assert question["feedback"] == {
        "yellow": "right; good!",
        "red": "wrong",
        "off-beige": "right; good!",
        "blue": "wrong",
    }


def test_moodle_case_general_feedback_with_a_format_marker():
    """'####[html]' general feedback (the issue's finding): the marker is not stored as text."""
    text = "::Q::What colour? {\n  =blue\n  ~red\n  ~green\n  ####[html]<p>It is <em>blue</em>.</p>\n}\n"
    (question,) = IMPORTERS["gift"](text.encode()).questions
    assert question["explanation"] == "It is *blue*."


def test_moodle_case_single_choice_with_partial_credit_stays_single_and_is_flagged():
    """Moodle (issue #23's run of Moodle's cases): '{=a ~%50%b ~c}' is single choice with b worth half."""
    result = IMPORTERS["gift"](b"::Q::Which one is best here? {=a ~%50%b ~c}\n")
    (question,) = result.questions
    assert (question["type"], question["answer"]) == ("mcq", "a")
    assert result.warnings == [
        "line 1 (question 'Q'): single choice with partial credit: 'b' is worth 50 % in Moodle and 0 in "
        "Casewise; check the question in the review queue"
    ]


def test_moodle_case_numerical_with_a_catch_all_wrong_answer():
    """Moodle's questions.gift.txt fixture: '{#3:2~#Completely wrong}' is valid; the catch-all is feedback only."""
    result = IMPORTERS["gift"](b"::Q::How many apples are left over? {#3:2~#Completely wrong}\n")
    (question,) = result.questions
    assert question["answer"]["value"] == 3 and question["answer"]["tolerance"] == 2
    assert result.warnings == [
        "line 1 (question 'Q'): feedback for any other number dropped ('Completely wrong')"
    ]


def test_a_unit_multiplier_is_reported_as_not_carried_rather_than_silently_reset():
    numeric = canonical({**UNIT_NOT_IN_STEM, "answer": {**UNIT_NOT_IN_STEM["answer"], "multiplier": 1e6}})
    result = EXPORTERS["gift"](ExportSelection(title="t", questions=[numeric]))
    assert [(qid, reason.split(":")[0]) for qid, reason in result.converted] == [
        (numeric["id"], "numeric without its unit multiplier (one 'million yuan' = 1000000)")
    ]
    plain = canonical(UNIT_NOT_IN_STEM)
    assert EXPORTERS["gift"](ExportSelection(title="t", questions=[plain])).converted == []
