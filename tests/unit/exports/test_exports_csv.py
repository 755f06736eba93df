"""CSV (one row per question) and the two-column Quizlet variant, read back with the csv module."""

from __future__ import annotations

import csv
import io

import pytest

from app.exports import EXPORTERS, export_quizlet


def test_full_csv_has_one_row_per_question_with_provenance(selection):
    result = EXPORTERS["csv"](selection)
    rows = list(csv.DictReader(io.StringIO(result.data.decode("utf-8"))))
    assert list(rows[0]) == [
        "id", "type", "topic", "difficulty", "stem", "options", "answer",
        "explanation", "article", "sentence_id", "quote",
    ]  # fmt: skip
    by_id = {row["id"]: row for row in rows}
    assert len(rows) == len(selection.questions)
    assert (
        by_id["faw-stake-price"]["options"]
        == "3.74 billion yuan | 1.5 billion yuan | 7.2 billion yuan | 500 million yuan"
    )
    assert by_id["faw-stake-price"]["answer"] == "3.74 billion yuan"
    assert (
        by_id["faw-stake-price"]["quote"] == "FAW will pay 3.74 billion yuan for a 20 % stake in Leapmotor."
    )
    assert by_id["faw-stake-price"]["sentence_id"] == "s12"
    assert (
        by_id["faw-partners"]["stem"]
        == "Which of these are parties to the deal?\n\n- pick every one\n- there are three"
    )
    assert by_id["faw-partners"]["answer"] == "FAW | Leapmotor | Stellantis"
    assert by_id["faw-is-state-owned"]["answer"] == "False"
    assert by_id["faw-stake-percent"]["answer"] == "20 (±0.5) %"
    assert by_id["faw-cloze-two"]["answer"] == "3.74 billion yuan / 3.74bn yuan | 20% / 20 % / twenty percent"
    assert (
        by_id["faw-roles"]["answer"] == "FAW → Buyer | Leapmotor → Target | Stellantis → Existing shareholder"
    )
    assert by_id["faw-buyer-name"]["answer"] == "FAW / First Automobile Works"
    assert by_id["faw-is-state-owned"]["article"] == ""


def test_quizlet_default_is_one_tab_separated_card_per_line(selection):
    result = export_quizlet(selection)
    assert result.filename.endswith("-quizlet.txt")
    lines = result.data.decode("utf-8").splitlines()
    assert len(lines) == len(selection.questions)
    cards = [line.split("\t") for line in lines]
    assert all(len(card) == 2 for card in cards)
    assert cards[1] == [
        "Which of these are parties to the deal? - pick every one - there are three",
        "FAW | Leapmotor | Stellantis",
    ]
    assert [
        "FAW pays _____ for a _____ stake in *Leapmotor*.",
        "3.74 billion yuan / 3.74bn yuan | 20% / 20 % / twenty percent",
    ] in cards
    assert [
        "How many billion yuan does FAW pay?",
        "3.74 (±0.187) billion yuan",
    ] in cards


def test_quizlet_comma_variant_is_quoted_csv(selection):
    result = export_quizlet(selection, delimiter=",")
    rows = list(csv.reader(io.StringIO(result.data.decode("utf-8"))))
    assert all(len(row) == 2 for row in rows)
    assert rows[1][0].startswith("Which of these are parties to the deal?\n\n- pick")
    with pytest.raises(ValueError, match="tab or a comma"):
        export_quizlet(selection, delimiter=";")
