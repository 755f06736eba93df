"""`flask import moodle-xml` on the import cases of Moodle's own importer tests.

Origin: question/format/xml/tests/xmlformat_test.php in moodle/moodle (commit 00e93a99), its eleven
test_import_* cases (inputs in moodle_xml_cases.py). Each ends faithful (what Moodle stores, Casewise stores),
converted with every loss stated in a warning, or clearly refused — never silently wrong.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from app.extensions import db
from app.models import Question
from tests.integration.exports.moodle_xml_cases import CASES, HEAD, TAIL

W = "line 3 (question '{}'): "
ESSAY = ("essay", "Write something.", "", "I hope you wrote something interesting.")

# case -> (outcome, what Casewise stores: qtype, stem, answer, explanation, the warnings it prints)
EXPECTED = {
    "test_import_description": ("refused", None, [
        W.format("A description") + "question type 'description' has no Casewise equivalent; skipped",
    ]),
    "test_import_essay_20": ("faithful", ESSAY, []),
    "test_import_essay_21": ("converted", ESSAY, [
        W.format("An essay") + "essay settings dropped (responseformat monospaced, responserequired 0, "
        "responsefieldlines 42, attachments -1, attachmentsrequired 1, the response template): "
        "Casewise essays are typed text",
    ]),
    "test_import_match_19": ("converted", (
        "matching", "Match the upper and lower case letters.",
        [{"left": "A", "right": "a"}, {"left": "B", "right": "b"}, {"left": "C", "right": "c"}],
        "The answer is A -> a, B -> b and C -> c.",
    ), [
        W.format("Matching question") + "extra wrong match 'd' dropped (Casewise matching has none)",
        W.format("Matching question") + "2 hints dropped (Casewise questions have no hints)",
        W.format("Matching question") + "combined feedback (correctfeedback, partiallycorrectfeedback, "
        "incorrectfeedback) dropped; the general feedback is kept",
    ]),
    "test_import_multichoice_19": ("converted", (
        "multi", "Which are the even numbers?", ["2", "4"], "The even numbers are 2 and 4.",
    ), [
        W.format("Multiple choice question") + "its default mark 2 dropped (Casewise sets points per quiz)",
        W.format("Multiple choice question") + "2 hints dropped (Casewise questions have no hints)",
        W.format("Multiple choice question") + "combined feedback (correctfeedback, partiallycorrectfeedback, "
        "incorrectfeedback) dropped; the general feedback is kept",
    ]),
    "test_import_numerical_19": ("converted", (
        "numeric", "What is the answer?",
        {"value": 42.0, "tolerance": 0.001, "tolerance_mode": "absolute", "unit": "", "multiplier": 1.0},
        "General feedback: Think Hitch-hikers guide to the Galaxy.",
    ), [
        W.format("Numerical question") + "answer '13' (0 %, feedback "
        "'What were you thinking?!'); answer '*' (0 %, feedback 'Completely wrong.') dropped "
        "(Casewise keeps one number and its tolerance)",
    ]),
    "test_import_shortanswer_19": ("converted", (
        "short", "Fill in the gap in this sequence: Alpha, ________, Gamma.", ["Beta"], "The answer is Beta.",
    ), [
        W.format("Short answer question") + "wrong answer '*' (0 %, feedback 'Doh!') dropped "
        "(Casewise marks any other answer wrong)",
        W.format("Short answer question") + "2 hints dropped (Casewise questions have no hints)",
    ]),
    "test_import_truefalse_19": ("faithful", (
        "tf", "The answer is true.", True, "General feedback: You should have chosen true.",
    ), []),
    "test_import_truefalse_with_idnumber": ("faithful", (
        "tf", "The answer is true.", True, "General feedback: You should have chosen true.",
    ), []),
    "test_import_multianswer": ("converted", (
        "cloze", 'Complete this opening line of verse: "The {{1}} and the {{2}} went to sea".',
        [["Owl"], ["Pussy-cat"]],
        'General feedback: It\\\'s from "The Owl and the Pussy-cat" by Lear: "The owl and the pussycat went to sea".',
    ), [
        W.format("Simple multianswer") + "in a blank, feedback 'Wrong, silly!', wrong answer 'Dog', "
        "feedback 'Wrong answer', other answer '*' dropped (Casewise blanks keep right answers)",
        W.format("Simple multianswer") + "a choice blank became a typed blank accepting its correct option",
        W.format("Simple multianswer") + "in a blank, feedback 'You seem to have a dog obsessions!', wrong answer "
        "'Bow-wow', feedback 'Now you are just being ridiculous!', wrong answer 'Wiggly worm' dropped "
        "(Casewise blanks keep right answers)",
        W.format("Simple multianswer") + "2 hints dropped (Casewise questions have no hints)",
    ]),
    "test_import_truefalse_wih_files": ("converted", (
        "tf", "This text file contains the word Moodle.", True,
        "For further information, see the documentation about Moodle.",
    ), [
        W.format("truefalse") + "embedded file 'moodle.txt' dropped (links to them will not work)",
    ]),
}  # fmt: skip

# Per-answer feedback Moodle keeps and Casewise keeps too (the bank's per-option feedback).
FEEDBACK = {
    "test_import_truefalse_19": {"true": "Well done!", "false": "Doh!"},
    "test_import_truefalse_with_idnumber": {"true": "Well done!", "false": "Doh!"},
    "test_import_shortanswer_19": {"Beta": "Well done!"},
    # The right number's feedback, and each right variant's in a blank.
    "test_import_numerical_19": {"answer": "Well done!"},
    "test_import_multianswer": {"1:Owl": "Well done!", "2:Pussy-cat": "Well done!"},
}


def test_every_moodle_importer_case_is_faithful_converted_with_its_loss_or_refused(runner, tmp_path):
    assert set(EXPECTED) == set(CASES) and len(CASES) == 11
    outcomes = {}
    for name, xml in CASES.items():
        path = tmp_path / f"{name}.xml"
        path.write_text(HEAD + xml + TAIL, encoding="utf-8")
        # Each case on its own, as Moodle's test runs it (two cases share a name and text, so the same id).
        db.session.execute(delete(Question))
        db.session.commit()
        result = runner.invoke(args=["import", "moodle-xml", str(path)])
        outcome, stored, warnings = EXPECTED[name]
        printed = [
            line.removeprefix("warning: ")
            for line in result.output.splitlines()
            if line.startswith("warning: ")
        ]
        assert printed == warnings, name
        db.session.expire_all()
        new = db.session.scalars(select(Question)).all()
        if outcome == "refused":  # said in the warning; nothing stored
            assert new == [], name
        else:
            assert result.exit_code == 0, (name, result.output)
            (question,) = new
            assert (question.qtype, question.stem, question.answer, question.explanation) == stored, name
            assert question.status == "candidate", name
            assert (question.settings or {}).get("feedback", {}) == FEEDBACK.get(name, {}), name
        outcomes[name] = outcome
    counts = {
        kind: sum(1 for o in outcomes.values() if o == kind) for kind in ("faithful", "converted", "refused")
    }
    print("\nMoodle xmlformat_test.php import cases:", counts)
    assert counts == {"faithful": 3, "converted": 7, "refused": 1}
