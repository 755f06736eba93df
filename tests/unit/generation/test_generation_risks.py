"""Strategic risks and 'why' questions on ordinary news prose (issue 18): hedged or negative outcomes read from
the parse and plain words rather than the cue words "risk" / "challenge", the statements of a difficulty set
among neutral statements of the same article, and wrong reasons of the answer's own form stated elsewhere in
the article. Made-up companies and sentences: the rules are about English, not about articles."""

from __future__ import annotations

from app.articles.document import Segment
from app.articles.ingest import ingest
from app.generation import clauses, generate, nlp, ranking
from app.generation.ranking import AREAS, TOP
from app.generation.risks import negative_outcome

LEAD = "According to the article, "


def _doc(text: str):  # noqa: ANN202 (a spaCy Doc)
    docs = nlp.parse([text])
    assert docs is not None, "the English pipeline is part of requirements.txt"
    return docs[0]


def _seg(text: str, sid: str = "p1s1") -> Segment:
    return Segment(sid=sid, text=text, start=0, end=len(text), position=0, paragraph=0)


def _pool(sentences: list[str]) -> list[clauses.Reason]:
    return [
        r
        for i, text in enumerate(sentences)
        for r in clauses.reason_pool(_seg(text, f"p{i + 1}s1"), _doc(text))
    ]


def test_a_negated_or_hedged_main_verb_is_a_risk_without_any_cue_word():
    text = "Orion Motors has not closed the purchase of the Vega plant."
    assert clauses.topic_of(text) == clauses.TOPIC_COMPREHENSION  # no word of the lists
    assert clauses.topic_of(text, _doc(text)) == clauses.TOPIC_RISKS  # the parse: the main verb is negated
    calm = "Orion Motors has closed the purchase of the Vega plant."
    assert clauses.topic_of(calm, _doc(calm)) == clauses.TOPIC_COMPREHENSION


def test_plain_negative_outcomes_are_recognised_and_neutral_statements_are_not():
    for text in (
        "Helios has been slower to shift to electric cars than its rivals",
        "Vega is dealing with crimped margins",
        "The size of Orion's stake in the unit is unknown",
        "Northwind was forced to pull out of the Russian market",
        "Orion Motors was in need of cash",
    ):
        assert negative_outcome(text), text
    for text in (
        "Helios will bring its expertise in building cars",
        "Anna Berg will serve as the venture's chief executive",
        "Northwind signed a supply agreement with Vega",
    ):
        assert not negative_outcome(text), text


def test_statements_come_whole_with_their_subject_and_without_asides():
    pool = _pool(
        [
            "Helios, like its bigger rival Vega, has been slower to shift to electric cars and is under pressure"
            " from investors to cut costs.",
            "Anna Berg, a former Vega engineer, will serve as the venture's chief executive, the company said.",
            "Orion said on Friday it planned to buy a stake in Northwind Batteries.",
        ]
    )
    statements = {r.text: r for r in pool if r.shape == "clause"}
    assert "Helios has been slower to shift to electric cars" in statements
    assert statements["Helios has been slower to shift to electric cars"].negative
    assert "Helios is under pressure from investors to cut costs" in statements  # the second verb's statement
    assert "Anna Berg will serve as the venture's chief executive" in statements
    assert not statements["Anna Berg will serve as the venture's chief executive"].negative
    assert "Orion planned to buy a stake in Northwind Batteries" in statements  # what was reported
    assert not any("," in t or "said" in t for t in statements)


DIFFICULTY_ARTICLE = (
    "Orion Motors and Vega Batteries agreed on Monday to build a battery plant in Ohio. "
    "Orion Motors will contribute its cell technology to the plant. "
    "Vega Batteries will supply the plant with lithium from its mines in Chile. "
    "Anna Berg will serve as the plant's first director. "
    "Orion Motors has been struggling with falling sales in Europe. "
    "The two partners plan to hire engineers from local universities.\n"
)


def test_a_difficulty_is_asked_among_neutral_statements_of_the_same_article():
    article = ingest(DIFFICULTY_ARTICLE)
    cands = generate(article, "orion-vega-plant")
    qs = [c.question for c in cands.all() if c.question["stem"].startswith(clauses.DIFFICULTY_STEM)]
    assert qs, [c.question["stem"] for c in cands.all()]
    q = qs[0]
    assert q["answer"] == "Orion Motors has been struggling with falling sales in Europe"
    assert q["topic"] == "strategic-risks"
    wrong = [o for o in q["options"] if o != q["answer"]]
    assert len(wrong) == 3
    assert not any(negative_outcome(o) for o in wrong)
    assert all(
        o.casefold().rstrip(".")[:20] in article.text.casefold() for o in wrong
    )  # stated in the article
    top = cands[:TOP]
    assert sum(1 for c in top if AREAS.get(c.question["topic"]) == "risks") >= 1


def test_why_options_fall_back_to_statements_of_the_same_form_stated_elsewhere():
    sentences = [
        "Orion Motors will build a second plant in Ohio to supply Vega with cells.",
        "Vega Batteries agreed to sell its stake in the Lansing venture.",
        "Northwind plans to open a research centre in Berlin.",
        "Helios wants to list its shares in London next year.",
        "Orion Motors hopes to cut the cost of its cells.",
    ]
    causes = [c for i, t in enumerate(sentences) for c in clauses.causes(_seg(t, f"p{i + 1}s1"), _doc(t))]
    why = next(c for c in causes if c.sid == "p1s1")
    assert why.form == "purpose" and why.answer == "to supply Vega with cells"
    assert (
        clauses.why_options(why, causes, " ".join(sentences)) == []
    )  # no other stated reasons: none made up
    options = clauses.why_options(why, causes, " ".join(sentences), _pool(sentences))
    assert len(options) == 3 and all(o.startswith("to ") for o in options)
    assert "to cut the cost of its cells" not in options  # shares "cells" with the answer: too close to it
    assert set(options) <= {
        "to sell its stake in the Lansing venture",
        "to open a research centre in Berlin",
        "to list its shares in London next year",
    }


def test_more_cause_forms_and_a_hedged_outcomes_condition():
    found = clauses.causes(
        _seg("Helios cut its forecast because of weak demand in Europe."),
        _doc("Helios cut its forecast because of weak demand in Europe."),
    )
    assert [(c.question, c.answer, c.shape) for c in found] == [
        ("did Helios cut its forecast", "weak demand in Europe", "np")
    ]
    text = "The merger could be delayed if regulators demand more concessions."
    found = clauses.causes(_seg(text), _doc(text))
    assert [(c.form, c.question, c.answer) for c in found] == [
        ("if", "could the merger be delayed", "if regulators demand more concessions")
    ]
    text = "Vega cleared a regulatory hurdle after the partners agreed to sell two plants."
    found = clauses.causes(_seg(text), _doc(text))
    assert [(c.answer, c.shape) for c in found] == [("the partners agreed to sell two plants", "clause")]


def test_a_reason_is_never_one_that_repeats_the_answer_or_explains_the_same_outcome():
    cause = clauses.Cause(
        "p1s1",
        "purpose",
        "to raise cash for battery factories",
        "did Vega sell its stake in Orion",
        "Vega sold its stake in Orion",
        "purpose",
    )
    pool = [
        clauses.Reason(
            "p2s1",
            "purpose",
            "to raise cash for its plants",
            "Orion sold bonds to raise cash for its plants.",
        ),
        clauses.Reason(
            "p3s1", "purpose", "to build a new plant in Ohio", "Orion agreed to build a new plant in Ohio."
        ),
        # another reason for the same outcome (its sentence is about the stake sold): a second right answer
        clauses.Reason(
            "p4s1", "purpose", "to cut its debt", "Vega sold its stake in Orion last year to cut its debt."
        ),
    ]
    assert clauses.why_options(cause, [cause], "", pool) == ["to build a new plant in Ohio"]
    # Another sentence's noun phrase or statement is no reason of the same kind: not offered at all
    np_cause = clauses.Cause("p1s1", "cause", "the sudden resignation of its chief", "did Vega shares fall",
                             "Vega shares fell 9%", "np")  # fmt: skip
    np_pool = [clauses.Reason("p3s1", "np", "a new plant in Ohio", "Orion opened a new plant in Ohio.")]
    assert clauses.why_options(np_cause, [np_cause], "", np_pool) == []


def test_a_why_question_about_a_share_price_fall_is_asked_when_its_reason_is_the_case():
    article = ingest(
        "Vega Batteries named Anna Berg as its new chief executive on Monday. "
        "Shares of Orion Motors fell 9% on Friday after the sudden resignation of its chief executive. "
        "Orion Motors agreed in May to build a plant in Ohio with Vega Batteries. "
        "Northwind will supply cells to the plant amid a global shortage of lithium. "
        "Helios opened a research centre in Berlin following a new tax credit for battery makers. "
        "The plant will be run by Anna Berg after the approval of local regulators.\n"
    )
    cands = generate(article, "orion-vega-fall")
    stems = [c.question["stem"] for c in cands.all()]
    assert any(s.startswith(LEAD + "why did shares of Orion Motors fall") for s in stems), stems
    assert not any("9%" in str(c.question["answer"]) for c in cands.all() if " why " in c.question["stem"])


def test_a_statement_whose_subject_lost_its_other_half_is_not_offered():
    pool = _pool(
        [
            "The latest milestone, and the two earlier ones, are likely to be delayed by several months.",
            "The new factory is likely to open in the spring of next year.",
        ]
    )
    statements = [r.text for r in pool if r.shape == "clause"]
    assert not any(t.startswith("The latest milestone are") for t in statements), statements
    assert "The new factory is likely to open in the spring of next year" in statements


def test_a_linking_so_is_no_part_of_the_statement_and_asks_why_of_what_follows():
    text = "Demand for electric vans slowed in Europe, so Vega postponed the opening of its second plant."
    statements = [r.text for r in _pool([text]) if r.shape == "clause"]
    assert "Vega postponed the opening of its second plant" in statements
    assert not any(t.lower().startswith("so ") for t in statements)
    found = clauses.causes(_seg(text), _doc(text))
    assert [(c.form, c.question, c.answer, c.shape) for c in found] == [
        ("cause", "did Vega postpone the opening of its second plant", "Demand for electric vans slowed in Europe",
         "clause")
    ]  # fmt: skip


def test_what_followed_from_leading_to_resulting_in_and_which_means():
    cases = {
        "Orion Motors cut its profit forecast for the year, leading to a sharp fall in its shares.": (
            "followed when Orion Motors cut its profit forecast for the year",
            "a sharp fall in its shares",
        ),
        "Sales of the Helios sedan fell by a third, resulting in a loss for the quarter.": (
            "followed when sales of the Helios sedan fell by a third",
            "a loss for the quarter",
        ),
        "The plant will close in May, which means that 2,000 workers will lose their jobs.": (
            "is one consequence of the fact that the plant will close in May",
            "2,000 workers will lose their jobs",
        ),
    }
    for text, (question, answer) in cases.items():
        found = [c for c in clauses.causes(_seg(text), _doc(text)) if c.form == "consequence"]
        assert [(c.question, c.answer) for c in found] == [(question, answer)], text
    texts = [
        *cases,
        "Vega raised its prices twice, leading to a drop in orders from dealers.",
        "Kappa closed two of its stores, leading to a cut in its workforce.",
    ]
    found = [clauses.causes(_seg(t, f"p{i}s1"), _doc(t))[0] for i, t in enumerate(texts, 1)]
    cause = found[0]
    # the wrong options are the other consequences the article states, never its noun phrases
    pool = [clauses.Reason("p9s1", "np", "a new plant in Ohio", "Orion opened a new plant in Ohio.")]
    assert clauses.why_draft_parts(cause, [cause], "", pool) is None
    parts = clauses.why_draft_parts(cause, found, "", pool)
    assert parts is not None
    assert "A new plant in Ohio" not in parts[3]
    topic, stem, answer, _ = parts
    assert stem == f"{LEAD}what followed when Orion Motors cut its profit forecast for the year?"
    assert answer == "A sharp fall in its shares" and topic == clauses.TOPIC_RISKS


def test_a_relative_clause_about_a_definite_noun_is_a_statement_of_its_own():
    statements = {
        r.text: r
        for r in _pool(
            [
                "The new plant, which opened in March, is expected to build cars for export.",
                "The merger, which may still face scrutiny from regulators in Brussels, was approved by Orion.",
                "Helios sold the unit to a fund, which could struggle to find buyers.",
                "Orion built a plant that makes batteries for its cars.",
            ]
        )
        if r.shape == "clause"
    }
    assert "The new plant opened in March" in statements
    assert not statements["The new plant opened in March"].negative
    assert statements["The merger may still face scrutiny from regulators in Brussels"].negative
    assert not any(t.startswith(("A fund", "The fund", "The plant makes", "A plant")) for t in statements)


def test_two_difficulty_questions_never_share_a_stem():
    pool = _pool(
        [
            "Orion Motors has been struggling with falling sales in Europe.",
            "Vega Batteries has lost two large customers in China.",
            "The merger may need the approval of regulators in Brussels.",
            "Orion Motors will contribute its cell technology to the plant.",
            "Vega Batteries will supply the plant with lithium from Chile.",
            "Anna Berg will serve as the plant's first director.",
            "The two partners plan to hire engineers from local universities.",
            "Northwind will build a research centre in Berlin.",
            "Helios opened a new sales office in Madrid last year.",
            "Northwind will sell its first cells to carmakers in Spain.",
        ]
    )
    qs = clauses.difficulty_questions(pool)
    assert len(qs) == 2, [(q.stem, q.answer) for q in qs]
    assert qs[0].stem != qs[1].stem
    assert {q.stem for q in qs} == {
        f"{clauses.DIFFICULTY_STEM} a difficulty?",
        f"{clauses.DIFFICULTY_STEM} an uncertainty?",
    }
    assert len(set(qs[0].distractors) & set(qs[1].distractors)) <= 1
    unknown = _pool(["The size of the Vega stake in the new unit is still unknown."]) + [
        r for r in pool if r.sid != "p3s1"
    ]
    assert any(q.stem.endswith("an uncertainty?") for q in clauses.difficulty_questions(unknown))


class _Fake:
    def __init__(self, n: int, topic: str, passed: bool = True) -> None:
        self.question = {"id": f"q{n:02d}", "topic": topic, "source": {"sentence_id": f"p{n}s1"}}
        self.passed = passed
        self.score = 100 - n


def test_the_top_gives_risks_two_places_when_two_risk_questions_pass():
    ranked = [_Fake(i, "comprehension") for i in range(15)] + [
        _Fake(20, "strategic-risks", passed=False),
        _Fake(21, "strategic-risks"),
        _Fake(22, "strategic-risks"),
    ]
    top = ranking.order_facts(ranked)[:TOP]
    assert [c.question["id"] for c in top if c.question["topic"] == "strategic-risks"] == ["q21", "q22"]


def test_a_relative_clause_after_a_second_noun_is_not_made_a_statement():
    text = "In 1999 Orion became the top shareholder in Vega, which was then on the cusp of bankruptcy."
    statements = [r.text for r in _pool([text]) if r.shape == "clause"]
    assert not any("cusp of bankruptcy" in t for t in statements), statements


def test_a_participial_clause_is_said_of_the_subject_only_when_the_tense_is_sure():
    statements = {
        r.text: r
        for r in _pool(
            [
                "Hit by weak demand in China, Vega cut its profit forecast for the year.",
                "Orion, facing pressure from investors, sold its stake in the plant.",
                "Northwind, founded in 1990 in Ohio, makes batteries for trucks.",
                "Having lost two customers, Mira cut its forecast for the year.",
            ]
        )
        if r.shape == "clause"
    }
    assert statements["Vega was hit by weak demand in China"].negative
    assert "Orion was facing pressure from investors" in statements
    assert not any(
        t.startswith(("Northwind is founded", "Northwind was founded", "Mira was")) for t in statements
    )
