"""Round 4 (issue 18): a figure question asked in the words of the clause whose verb governs the figure, with
the clause's named subject ("What stake will Orion hold in Vega?"), instead of the source sentence with a
blank in it. Made-up companies and sentences in the style of news prose: the rules are about English
(subject, verb, object, preposition), never about particular articles."""

from __future__ import annotations

import pytest

from app.articles.ingest import ingest
from app.generation import generate, nlp
from app.generation.figures import extract_figures
from app.generation.phrasing import recast_figure


def _recast(sentence: str, surface: str, pair: tuple[str, str] | None = None) -> str | None:
    docs = nlp.parse([sentence])
    assert docs is not None, "the English pipeline is part of requirements.txt"
    fig = next(f for f in extract_figures(sentence) if sentence[f.start : f.end].startswith(surface))
    return recast_figure(docs[0], fig.start, fig.core_end, fig.kind, pair)


@pytest.mark.parametrize(
    ("sentence", "surface", "expected"),
    [
        # who holds what stake: the holding noun is asked, the target company kept
        (
            "Orion Motors will hold a 20 percent stake in Vega Systems after the deal closes.",
            "20 percent",
            "According to the article, what stake in Vega Systems will Orion Motors hold?",
        ),
        # a reporting verb is left out; "it" is the company that said it
        (
            "Orion Motors said on Tuesday it planned to take a 7 percent share of Vega Systems, as part of a"
            " wider alliance.",
            "7 percent",
            "According to the article, what share of Vega Systems did Orion Motors plan to take?",
        ),
        # an investment amount and what it buys
        (
            "Halden Capital will invest $450 million in the battery venture, which will open in Ohio.",
            "$450 million",
            "According to the article, how much will Halden Capital invest in the battery venture?",
        ),
        # a price asked through its preposition
        (
            "Halden Capital has agreed to buy Brightwater Logistics for $2 billion.",
            "$2 billion",
            "According to the article, for how much has Halden Capital agreed to buy Brightwater Logistics?",
        ),
        # a reduction: "to" hangs on "from" in the parse; the other figure and the aside are left out
        (
            "Orion Motors will cut its stake from 40 percent to 10 percent, the same size as Vega's stake.",
            "10 percent",
            "According to the article, to what percentage will Orion Motors cut its stake?",
        ),
        # a dateline is not part of the subject; a quantified subject names the partners
        (
            "BERLIN - Each partner will contribute 3 billion euros to the joint venture.",
            "3 billion euros",
            "According to the article, how much will each partner contribute to the joint venture?",
        ),
        # the value beside a stake is left out, the company it is in kept
        (
            "Orion Motors has taken a 9 percent stake worth $300 million in chipmaker Vega in a surprise move.",
            "9 percent",
            "According to the article, what stake in chipmaker Vega has Orion Motors taken?",
        ),
        # what an investment buys, from a relative clause: "in which" is the noun it hangs on
        (
            "Maria Lund will chair the venture, in which Halden Capital has invested $1.4 billion.",
            "$1.4 billion",
            "According to the article, how much has Halden Capital invested in the venture?",
        ),
        # a price per share beside a stake is a second figure: left out of the question
        (
            "Orion Group acquired a 5% stake in Vega Technology at HK$55.29 per share.",
            "5%",
            "According to the article, what stake in Vega Technology did Orion Group acquire?",
        ),
        # a second verb shares the first one's subject and auxiliary; a share "of" another figure is kept
        (
            "Orion Motors will keep 10 percent of the 40 percent share in Vega and sell the remaining 30 percent"
            " to a pension fund.",
            "30 percent",
            "According to the article, what percentage will Orion Motors sell to a pension fund?",
        ),
        (
            "Orion Motors will keep 10 percent of the 40 percent share in Vega and sell the remaining 30 percent"
            " to a pension fund.",
            "10 percent",
            "According to the article, what percentage of the 40 percent share in Vega will Orion Motors keep?",
        ),
    ],
)
def test_a_figure_is_asked_in_its_clause_with_its_named_subject(sentence, surface, expected):
    assert _recast(sentence, surface) == expected


@pytest.mark.parametrize(
    ("sentence", "surface"),
    [
        # no named subject: "the plant" / "the company" would not say what the question is about
        ("The plant will be able to produce 300,000 vehicles a year.", "300,000"),
        ("The company will hold a 15 percent stake in Vega Systems.", "15 percent"),
        # a pronoun the sentence does not resolve
        ("It will hold a 15 percent stake in Vega Systems.", "15 percent"),
        # the figure is the subject's, inside a relative clause, or modifies a noun that is no holding
        ("Orion, which owns 40 percent of Vega, will appoint the chairman.", "40 percent"),
        ("Orion Motors reported a 12 percent rise in quarterly profit.", "12 percent"),
        # an amount used as an adjective ("a $1.6 billion plant") is not what the verb takes
        ("Orion Motors will build a $1.6 billion assembly plant in Texas.", "$1.6 billion"),
        # a relative pronoun as the object: what "which" stands for is not in the question
        ("Orion Motors bought the plant, which Vega Systems had valued at $2 billion.", "$2 billion"),
        # "the two companies" with no pair of companies to name
        ("The two companies will invest $300 million in the venture.", "$300 million"),
        # "both partners … 50 percent": each, or the two together? Not asked
        ("Both partners will hold 50 percent of the venture.", "50 percent"),
        # a negated clause would turn the question upside down
        ("Orion Motors will not take a 5 percent stake in Vega Systems.", "5 percent"),
    ],
)
def test_no_recast_without_a_named_subject_and_a_governing_verb(sentence, surface):
    assert _recast(sentence, surface) is None


def test_the_generator_asks_the_recast_stem_and_keeps_the_fact_and_its_options():
    article = ingest(
        "Orion Motors and Vega Systems agreed on Monday to form an alliance in electric vehicles.\n\n"
        "Under the agreement, Orion Motors will hold a 20 percent stake in Vega Systems after the deal closes.\n\n"
        "Vega Systems will keep a 35 percent stake in its software unit, and its founders will hold"
        " 10 percent of the unit.\n\n"
        "Halden Capital will invest $450 million in the venture, and Orion Motors will invest $250 million."
    )
    cands = generate(article, "recast-test").all()
    stake = [c for c in cands if "20 percent" in str(c.question["answer"]) and c.question["type"] == "mcq"]
    assert stake, [c.question["stem"] for c in cands]
    assert stake[0].question["stem"] == (
        "According to the article, what stake in Vega Systems will Orion Motors hold?"
    )
    options = stake[0].question["options"]
    assert len(options) == 4 and all("percent" in o or "%" in o for o in options)
    numeric = [c for c in cands if c.question["type"] == "numeric" and c.question["answer"]["value"] == 20]
    assert numeric and numeric[0].question["stem"].startswith(
        "According to the article, what stake in Vega Systems will Orion Motors hold? Give the number"
    )


def test_a_recast_question_survives_a_sentence_that_starts_in_a_subordinate_clause():
    # Its cloze and true/false variants copy "While rivals …" and are left out; the recast question does not
    # copy the start of the sentence, so the fact is still asked.
    article = ingest(
        "Orion Motors and Vega Systems agreed on Monday to form an alliance in electric vehicles.\n\n"
        "While rivals are cutting back, Orion Motors will hold a 20 percent stake in Vega Systems.\n\n"
        "Vega Systems will keep a 35 percent stake in its software unit, and its founders will hold"
        " 10 percent of the unit.\n\n"
        "Halden Capital will invest $450 million in the venture, and Orion Motors will invest $250 million."
    )
    cands = generate(article, "recast-test").all()
    stems = [c.question["stem"] for c in cands if "20 percent" in str(c.question["answer"])]
    assert "According to the article, what stake in Vega Systems will Orion Motors hold?" in stems, stems
    assert not any(s.startswith(("While", "Complete the statement from the article: While")) for s in stems)


def test_the_two_companies_are_named_and_a_combined_amount_is_asked_in_total():
    assert (
        _recast(
            "The two companies will invest a combined $300 million in the venture.",
            "$300 million",
            ("Orion Motors", "Vega Systems"),
        )
        == "According to the article, how much will Orion Motors and Vega Systems invest in the venture in total?"
    )


def test_a_name_after_and_that_starts_a_clause_is_not_read_into_the_object():
    # The parser may join "the joint venture and Vega Batteries Ltd" as one phrase; the verb after it shows
    # that Vega starts a clause of its own, so no recast (the stem would ask about a venture "and Vega").
    sentence = "Orion Motors Inc will hold 60 percent of the joint venture and Vega Batteries Ltd will hold the rest."
    stem = _recast(sentence, "60 percent")
    assert stem is None or "Vega" not in stem
    # a list in the object stays ("of Vega and Kite"): no verb follows it
    listed = _recast("Orion Motors Inc will hold 10 percent of Vega Systems and Kite Labs.", "10 percent")
    assert (
        listed
        == "According to the article, what percentage of Vega Systems and Kite Labs will Orion Motors Inc hold?"
    )


def test_one_generation_run_parses_a_sentence_once_and_keeps_nothing_after():
    """Within a run a quote already parsed as a sentence is not parsed again (the parse is the run's largest
    cost); outside a run nothing is kept, so a process that generates all day holds no parses."""
    sentence = "Orion bought a 20% stake in Vega for $1.5 billion."
    with nlp.one_run():
        first = nlp.parse([sentence, "Vega said so."])
        again = nlp.parse([sentence])
        assert first is not None and again is not None
        assert again[0] is first[0]
        assert [t.text for t in first[1]] == ["Vega", "said", "so", "."]
        labels = nlp.entity_labels([sentence])
        assert labels is not None and nlp.entity_labels([sentence])[0] is labels[0]
    later = nlp.parse([sentence])
    assert later is not None and later[0] is not first[0]
    assert [t.dep_ for t in later[0]] == [t.dep_ for t in first[0]]
