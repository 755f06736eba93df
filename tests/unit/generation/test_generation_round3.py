"""Round 3 of the generator's quality rules (issue 18): stems built from the clause that holds the answer,
side figures and name-title recall left out, matching on three pairs or more, the article's own aliases
accepted. Made-up companies and sentences: the rules are about English and kinds of fact, not articles."""

from __future__ import annotations

from app.articles.ingest import ingest
from app.generation import generate, nlp, quality


def _fault(body: str) -> str | None:
    docs = nlp.parse([body])
    assert docs is not None, "the English pipeline is part of requirements.txt"
    return quality.clause_fault(docs[0])


def test_two_main_clauses_joined_by_a_comma_are_a_fault():
    assert (
        _fault("Orion holds the larger stake at what percentage and has voting rights, Vega makes more cars")
        == "two clauses joined by a comma"
    )
    assert _fault("Vega makes more cars, the people said") is None  # reported speech is not a splice


def test_the_question_word_belongs_outside_a_comma_set_relative_clause():
    assert (
        _fault("Orion, which expects to recoup what amount from the plant, made the announcement amid a push")
        == quality.WH_IN_CLAUSE
    )
    assert _fault("Orion, which owns the plant, expects to recoup what amount from it") is None
    assert _fault("Orion will invest what amount in Vega, one of the largest cell makers") is None


def test_a_lone_comma_between_subject_and_verb_is_a_fault():
    assert (
        _fault("Sirius Capital in May 2023, said it would buy a majority stake in which company")
        == "a stray comma between the subject and its verb"
    )
    assert (
        _fault("Sirius Capital, a state investor, said it would buy a majority stake in which company")
        is None
    )


def _fig(stem: str, quote: str, answer: object, qtype: str = "mcq") -> dict[str, object]:
    return {"type": qtype, "stem": stem, "answer": answer, "source": {"quote": quote}}


def test_side_figures_and_announcement_years_are_trivia():
    hours = _fig(
        "According to the article, which figure completes the statement “The venture produces ___+ hours of "
        "content annually”?",
        "The venture produces 30,000+ hours of content annually.",
        "30,000",
    )
    assert quality.side_figure(hours, "count") is not None
    staff = _fig(
        "According to the article, the plant has how many employees?", "The plant has 100 employees.", "100"
    )
    assert quality.side_figure(staff, "vague") is not None
    announced = _fig(
        "According to the article, which year completes the statement “In May ___, Orion announced the deal”?",
        "In May 2023, Orion announced the deal.",
        {"value": 2023.0},
        "numeric",
    )
    assert quality.side_figure(announced, "year") == "trivia: when something was announced"
    stake = _fig(
        "According to the article, Orion holds what percentage of Vega?", "Orion holds 30% of Vega.", "30%"
    )
    assert quality.side_figure(stake, "percent") is None
    plants = _fig(
        "According to the article, the venture will build how many plants?", "It will build 3 plants.", "3"
    )
    assert quality.side_figure(plants, "count") is None
    launch = _fig(
        "According to the article, the venture will start selling cars in which year?",
        "The venture will start selling cars in 2025.",
        {"value": 2025.0},
        "numeric",
    )
    assert quality.side_figure(launch, "year") is None


def test_aliases_the_article_itself_uses():
    text = "Orion Motors Co said on Monday. Orion Motors (OM) will sell its stake. OM expects to recoup $1 billion."
    assert quality.article_aliases("Orion Motors Co", text, person=False) == ["Orion Motors", "Orion", "OM"]
    assert quality.article_aliases("OM", text, person=False) == ["Orion Motors"]
    assert quality.article_aliases("Vega Group", "Vega Group grew.", person=False) == ["Vega"]
    assert quality.article_aliases("Anna Keller", text, person=True) == ["Keller"]


def test_who_holds_a_title_is_asked_only_when_the_title_changes_hands():
    article = ingest(
        "Orion Motors and Vega Batteries will form a 51/49 battery venture in Ohio. "
        '"Securing our own cell supply cuts our battery cost by roughly 18%," said Dr. Anna Keller, Chief '
        "Executive Officer of Orion Motors. "
        "Orion Chief Executive Tom Hale told reporters on a call that the plant will cost $2 billion. "
        "Vega Batteries named Marta Ruiz as chief executive of the venture.\n"
    )
    qs = [c.question for c in generate(article, "orion-vega-titles").all()]
    assert not any(q["type"] == "short" and q["answer"][0] in ("Anna Keller", "Tom Hale") for q in qs)
    assert not any(q["type"] == "matching" and len(q["answer"]) < 3 for q in qs)


def test_no_statement_is_copied_from_a_run_on_sentence():
    article = ingest(
        "Orion Motors and Vega Batteries agreed to form a battery venture in Ohio on Monday. "
        "Orion Motors holds the larger stake at 43 percent and has voting rights, Vega Batteries makes more "
        "cells while owning a 15 percent stake in the venture.\n"
    )
    for c in generate(article, "orion-run-on").all():
        q = c.question
        if q["source"]["sentence_id"] == "p1s2":
            assert q["type"] not in ("cloze", "tf"), q["stem"]
            assert "rights, " not in q["stem"] or "completes the statement" in q["stem"], q["stem"]
