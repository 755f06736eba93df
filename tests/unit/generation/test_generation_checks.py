"""Each automatic check fails on the fault it is meant to catch."""

from __future__ import annotations

import copy

import pytest

from app.articles.document import IngestedArticle, Segment
from app.generation.checks import CheckContext, run_checks
from app.generation.drafts import Draft

TEXT = "Leapmotor will deliver nearly 300,000 vehicles in 2024. Buy our course now!"
ARTICLE = IngestedArticle(
    TEXT,
    None,
    [
        Segment("p1s1", 1, 0, 0, 55, TEXT[:55]),
        Segment("p1s2", 1, 1, 56, 76, TEXT[56:], excluded=True, reason="advertisement"),
    ],
)
GOOD = {
    "id": "gen-a-12345678",
    "type": "mcq",
    "topic": "key-figures",
    "stem": "According to the article, Leapmotor will deliver how many vehicles in 2024?",
    "options": ["nearly 150,000", "nearly 300,000", "nearly 450,000", "nearly 600,000"],
    "answer": "nearly 300,000",
    "status": "candidate",
    "source": {"article": "a-b", "sentence_id": "p1s1", "quote": TEXT[:55], "also": []},
}


def _draft(**info) -> Draft:
    return Draft("mcq", "key-figures", GOOD["stem"], GOOD["answer"], "p1s1", "count", 1.0, "", "medium", [],
                 "nearly 300,000", info=info)  # fmt: skip


def _run(question, draft=None, earlier=None):
    ctx = CheckContext(ARTICLE, earlier or [])
    return run_checks(question, draft or _draft(), ctx)


def test_a_good_question_passes_every_check():
    assert all(v is True for v in _run(GOOD).values())


@pytest.mark.parametrize(
    ("change", "check"),
    [
        (
            {"options": ["nearly 150,000", "nearly 300,000", "nearly 300,000.0", "nearly 600,000"]},
            "options_distinct",
        ),
        (
            {"options": ["nearly 150,000", "nearly 300,000", "US$4 million", "nearly 600,000"]},
            "options_homogeneous",
        ),
        ({"options": ["nearly 300,000", "All of the above", "nearly 600,000"]}, "no_all_none"),
        ({"options": ["nearly 300,000", "nearly 600,000"]}, "option_count"),
        ({"stem": "It will deliver how many vehicles in 2024, according to the article?"}, "self_contained"),
        ({"stem": "In this sentence, how many vehicles will Leapmotor deliver?"}, "self_contained"),
        (
            {"stem": "According to the article, Leapmotor will deliver nearly 300,000 vehicles when?"},
            "no_giveaway",
        ),
        (
            {"answer": "nearly 150,000", "options": ["nearly 150,000", "nearly 450,000", "nearly 600,000"]},
            "answer_in_source",
        ),
    ],
)
def test_each_fault_is_caught(change, check):
    question = copy.deepcopy(GOOD) | change
    result = _run(question, _draft() if "answer" not in change else Draft(
        "mcq", "key-figures", question["stem"], question["answer"], "p1s1", "count", 1.0, "", "medium", [], ""
    ))  # fmt: skip
    assert result[check] is not True
    assert isinstance(result[check], str)


def test_excluded_source_fails():
    question = copy.deepcopy(GOOD)
    question["source"] = {"article": "a-b", "sentence_id": "p1s2", "quote": TEXT[56:], "also": []}
    assert "excluded" in _run(question)["not_excluded"]


def test_near_duplicate_of_a_higher_ranked_stem():
    earlier = [("gen-a-00000000", "mcq", GOOD["stem"].casefold().replace("2024", "2024 "), "nearly 300,000")]
    assert _run(GOOD, earlier=earlier)["not_near_duplicate"].startswith("near duplicate")
    assert (
        _run(GOOD, earlier=[("gen-a-0", "tf", GOOD["stem"].casefold(), "true")])["not_near_duplicate"] is True
    )


def test_a_distractor_implied_by_a_bound_is_a_second_answer():
    from app.generation.figures import extract_figures

    (fig,) = extract_figures("less than 20,000")
    question = copy.deepcopy(GOOD) | {
        "options": ["less than 20,000", "less than 40,000", "less than 10,000"],
        "answer": "less than 20,000",
    }
    draft = _draft(figure=fig, sentence_figures=[fig], option_kind="figure")
    assert "also true" in _run(question, draft)["one_answer"]
