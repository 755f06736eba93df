"""Flashcard faces for each of the seven question types (app.study.cards)."""

from __future__ import annotations

import pydantic
import pytest

from app.study.cards import CardFaces, card_faces

SOURCE = {
    "article": "faw-leapmotor",
    "sentence_id": "s12",
    "quote": "FAW will invest about 534 million US dollars in Leapmotor.",
}


def question(kind: str, stem: str, answer, **extra) -> dict:
    return {
        "id": f"faw.{kind}-1",
        "type": kind,
        "stem": stem,
        "answer": answer,
        "topic": "key-figures",
        "explanation": "The deal was announced in 2025.",
        "source": SOURCE,
        **extra,
    }


def test_mcq_lists_the_options_and_answers_with_the_option():
    faces = card_faces(
        question(
            "mcq",
            "Which carmaker invests in Leapmotor?",
            "FAW",
            options=["Stellantis", "FAW", "Geely"],
        )
    )
    assert faces == CardFaces(
        front_text="Which carmaker invests in Leapmotor?\n\nA. Stellantis\nB. FAW\nC. Geely",
        back_text="B. FAW",
        kind="mcq",
        explanation="The deal was announced in 2025.",
        source_quote=SOURCE["quote"],
    )


def test_multi_answers_every_correct_option_in_listed_order():
    faces = card_faces(
        question(
            "multi",
            "Which companies are Chinese carmakers?",
            ["Leapmotor", "FAW"],
            options=["FAW", "Stellantis", "Leapmotor", "Ford"],
        )
    )
    assert faces.front_text == (
        "Which companies are Chinese carmakers?\n\nA. FAW\nB. Stellantis\nC. Leapmotor\nD. Ford"
    )
    assert faces.back_text == "A. FAW\nC. Leapmotor"
    assert faces.kind == "multi"


@pytest.mark.parametrize(("answer", "back"), [(True, "True"), (False, "False")])
def test_tf_answers_true_or_false(answer, back):
    faces = card_faces(question("tf", "FAW takes a stake in Leapmotor.", answer))
    assert (faces.front_text, faces.back_text, faces.kind) == ("FAW takes a stake in Leapmotor.", back, "tf")


@pytest.mark.parametrize(
    ("answer", "back"),
    [
        ({"value": 534, "tolerance": 5, "unit": "US$ million", "multiplier": 1e6}, "534 US$ million (±5)"),
        ({"value": 534.0, "unit": "US$ million"}, "534 US$ million"),
        ({"value": 12.5, "tolerance": 0.05, "tolerance_mode": "relative", "unit": "%"}, "12.5 % (±5%)"),
        ({"value": 1250000, "tolerance": 0.5}, "1,250,000 (±0.5)"),
    ],
)
def test_numeric_shows_value_unit_and_tolerance(answer, back):
    faces = card_faces(question("numeric", "How much does FAW invest, in US$ million?", answer))
    assert faces.front_text == "How much does FAW invest, in US$ million?"
    assert faces.back_text == back


def test_cloze_blanks_the_front_and_fills_the_back_with_the_first_variant():
    faces = card_faces(
        question(
            "cloze",
            "{{1}} will invest about {{2}} million US dollars in Leapmotor.",
            [["FAW", "First Automotive Works"], ["534", "five hundred thirty-four"]],
        )
    )
    assert faces.front_text == "[…] will invest about […] million US dollars in Leapmotor."
    assert faces.back_text == "FAW will invest about 534 million US dollars in Leapmotor."
    assert faces.kind == "cloze"


def test_cloze_blanks_out_of_order_fill_by_number():
    faces = card_faces(question("cloze", "Partner {{2}} joins {{1}} in 2025.", [["Leapmotor"], ["FAW"]]))
    assert faces.back_text == "Partner FAW joins Leapmotor in 2025."


def test_matching_lists_left_items_and_answers_with_pairs():
    faces = card_faces(
        question(
            "matching",
            "Match each company to its role.",
            [{"left": "FAW", "right": "Investor"}, {"left": "Leapmotor", "right": "EV maker"}],
        )
    )
    assert faces.front_text == "Match each company to its role.\n\n• FAW\n• Leapmotor"
    assert faces.back_text == "FAW → Investor\nLeapmotor → EV maker"
    assert faces.kind == "matching"


def test_short_answers_with_the_first_accepted_answer():
    stem = "Which state-owned group invests in Leapmotor?"
    faces = card_faces(question("short", stem, ["FAW", "FAW Group"]))
    assert (faces.front_text, faces.back_text, faces.kind) == (stem, "FAW", "short")


def test_missing_explanation_and_source_are_empty_strings():
    data = question("short", "Which state-owned group invests in Leapmotor?", ["FAW"])
    del data["explanation"], data["source"]
    faces = card_faces(data)
    assert (faces.explanation, faces.source_quote) == ("", "")


def test_text_is_kept_plain_for_the_template_to_escape():
    faces = card_faces(question("short", "Is <b>R&D</b> spending rising?", ["<yes> & more"]))
    assert faces.front_text == "Is <b>R&D</b> spending rising?"
    assert faces.back_text == "<yes> & more"


def test_invalid_question_raises_validation_error():
    with pytest.raises(pydantic.ValidationError, match="answer"):
        card_faces(question("mcq", "Which carmaker invests?", "Tesla", options=["FAW", "Geely", "BYD"]))


def test_the_back_shows_the_source_sentence_once():
    """The generator's explanations quote the source sentence, which the back shows anyway as its source
    (a tester read the same sentence twice): the quotation leaves the explanation, the rest stays."""
    quote = SOURCE["quote"]
    only = question(
        "tf", "FAW will invest in Leapmotor.", True, explanation=f"The article states: “{quote[:-1]}”."
    )
    assert card_faces(only).explanation == ""
    assert card_faces(only).source_quote == quote
    false = question(
        "tf",
        "Geely will invest in Leapmotor.",
        False,
        explanation=f"False: the article names FAW, not Geely. The article states: “{quote[:30]}…”.",
    )
    assert card_faces(false).explanation == "False: the article names FAW, not Geely."
    other = question("tf", "FAW will invest.", True, explanation="The article states: “Another sentence”.")
    assert card_faces(other).explanation == "The article states: “Another sentence”."
