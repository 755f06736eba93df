"""Recovering questions the quality gate used to drop (issue 18, gen-yield): a leading contrast clause
cut when the blank is in the main clause, and "In addition to X," cut as a connective. Invented sentences."""

from __future__ import annotations

from app.articles.ingest import ingest
from app.generation import generate, phrasing, quality

LEAD = quality.LEAD


def test_a_leading_while_clause_is_cut_when_the_blank_is_in_the_main_clause():
    stem = LEAD + "while Norvale expanded its plant in Ohio, which company will build the new battery line?"
    assert (
        quality.drop_leading_contrast(stem, "mcq") == LEAD + "which company will build the new battery line?"
    )
    concession = (
        LEAD + "although the talks stalled in spring, Carrow will hold what percentage of the venture?"
    )
    assert quality.drop_leading_contrast(concession, "numeric") == (
        LEAD + "Carrow will hold what percentage of the venture?"
    )


def test_the_contrast_clause_stays_when_it_holds_the_blank_or_the_main_clause_leans_on_it():
    in_sub = LEAD + "while Norvale raised what amount in June, Carrow cut its budget?"
    assert quality.drop_leading_contrast(in_sub, "mcq") == in_sub
    leaning = LEAD + "while Norvale recovered 3% in June, which company has been down 9% since then?"
    assert quality.drop_leading_contrast(leaning, "mcq") == leaning
    referring = LEAD + "while Norvale cut jobs in Ohio, it will hire how many engineers in Texas?"
    assert quality.drop_leading_contrast(referring, "mcq") == referring


def test_a_true_false_statement_or_a_completion_keeps_its_contrast_clause():
    # a false statement may be false by what the contrast clause says
    tf = LEAD + "while Norvale expanded its plant in Ohio, Carrow will build the new battery line."
    assert quality.drop_leading_contrast(tf, "tf") == tf
    completion = LEAD + "which figure completes the statement “While Norvale grew, Carrow sold ___ cars”?"
    assert quality.drop_leading_contrast(completion, "mcq") == completion


def test_in_addition_to_a_phrase_is_cut_whole_unless_it_holds_the_blank():
    stem = LEAD + "in addition to the Orion deal, which company has signed a supply pact with Belmar?"
    assert quality.tidy_stem(stem) == LEAD + "which company has signed a supply pact with Belmar?"
    blank = LEAD + "in addition to which company deal, Carrow has signed a supply pact with Belmar?"
    assert quality.tidy_stem(blank) == blank
    # the clause rewriter no longer strips "In addition" and leaves "to the Orion deal, …"
    assert not phrasing._CONNECTIVE.match("In addition to the Orion deal, Carrow signed a pact.")
    assert phrasing._CONNECTIVE.match("In addition, Carrow signed a pact.")


def test_generated_questions_on_a_while_sentence_ask_the_main_clause():
    text = (
        "Carrow Motors and Belmar Energy agreed to form a battery joint venture in Ohio on Monday.\n\n"
        "While Belmar Energy will supply the cells for the plant, Carrow Motors will hold a 60 percent stake "
        "in the venture.\n\n"
        "Belmar Energy will hold the remaining 40 percent, and the venture will employ 1,200 workers."
    )
    cands = generate(ingest(text), "carrow-belmar")
    stems = [q["stem"] for c in cands for q in (c.question, *c.question.get("variants", []))]
    assert LEAD + "which company will hold a 60 percent stake in the venture?" in stems, stems
    assert not any(s.startswith(LEAD + "while") for s in stems if "?" in s), stems
