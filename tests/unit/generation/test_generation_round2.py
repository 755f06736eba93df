"""Generation round 2 (issue 18): the failure classes independent judges found on unseen articles.

Options of the wrong kind, garbled stems, nonsense true/false swaps, trivia ranked first, options that give
the answer away by their format, and descriptions ("the French carmaker") left unresolved. Each rule is
tested on made-up sentences of the kind it is about.
"""

from __future__ import annotations

from app.articles.document import Segment
from app.articles.ingest import ingest
from app.generation import generate, nlp, quality
from app.generation.entities import TICKER, index_entities, organisations
from app.generation.figures import date_text, extract_figures
from app.generation.ranking import trivia

LEAD = quality.LEAD


def _q(stem: str, quote: str, qtype: str = "mcq", answer: object = "x") -> dict[str, object]:
    q: dict[str, object] = {"type": qtype, "stem": stem, "answer": answer, "source": {"quote": quote}}
    if qtype == "mcq":
        q["options"] = ["Rigel", "Sirius", "Deneb", "x"]
    return q


def _orgs(sentences: list[str], labels: list[list[tuple[int, int, str]]] | None = None) -> set[str] | None:
    segs = [Segment(f"p1s{i}", 1, i, 0, len(t), t) for i, t in enumerate(sentences)]
    index = index_entities(segs)
    texts = {s.sid: s.text for s in segs}
    if labels is None:
        return organisations(index, texts, nlp.entity_labels)
    by_text = dict(zip(sentences, labels, strict=True))
    return organisations(index, texts, lambda ts: [by_text[t] for t in ts])


def test_tickers_and_dotted_abbreviations_are_never_companies():
    for ticker in ("RHMG.DE", "VOWG_p.DE", "7203.T", "U.S", "U.S."):
        assert TICKER.match(ticker), ticker
    for name in ("Renault", "LG Energy Solution", "GM", "XPeng"):
        assert not TICKER.match(name), name


def test_organisations_need_positive_evidence():
    sentences = [
        "Helios Motors will build a plant with Vento near Lyon.",
        "Vento will supply the cells and Lyon will host the plant.",
        "Chinese automaker Regal will sell the cars.",
    ]
    # The NER labels given here: Vento is a place to the parser, Lyon too; Regal is unlabelled.
    labels = [
        [(34, 39, "GPE"), (45, 49, "GPE")],
        [(0, 5, "GPE"), (30, 34, "GPE")],
        [],
    ]
    orgs = _orgs(sentences, labels)
    assert orgs is not None
    assert "Helios Motors" in orgs  # a company suffix
    assert "Regal" in orgs  # "Chinese automaker Regal": a company noun before the name
    assert "Vento" not in orgs and "Lyon" not in orgs  # labelled as places, no company evidence


def test_an_org_label_makes_an_organisation_and_a_surname_never_does():
    sentences = [
        "Orbit named Dana Kole as chief executive on Monday.",
        "Kole said Orbit would keep its plants.",
    ]
    labels = [[(0, 5, "ORG"), (12, 21, "PERSON")], [(0, 4, "ORG"), (10, 15, "ORG")]]
    orgs = _orgs(sentences, labels)
    assert orgs is not None and "Orbit" in orgs and "Kole" not in orgs


def test_garbled_stems_are_weak():
    cases = {
        "Stellantis said on which company. 27 it would cut jobs?": "a blank inside a date or a number",
        "Orion (which company) has completed the merger?": "a blank in the middle of a phrase",
        "Orion and Vega will own the venture in a 51-what split?": "half of a split blanked",
        "Orion said “it will invest what amount in the plant?": "unbalanced brackets or quotes",
    }
    for stem, reason in cases.items():
        assert quality.weakness(_q(LEAD + stem, stem), "entity", person_answer=False) == reason, stem
    ok = "Orion will hold what percentage of the venture (the rest goes to Vega)?"
    assert quality.garbled(ok) is None


def test_a_true_false_split_that_does_not_add_up_is_weak():
    quote = "Orion and Vega formed a 60/40 venture last year."
    false_by_nonsense = LEAD + "Orion and Vega formed a 90/40 venture last year."
    false_by_fact = LEAD + "Orion and Vega formed a 70/30 venture last year."
    assert quality.weakness(_q(false_by_nonsense, quote, "tf", False), "percent", person_answer=False) == (
        "a split that does not add up"
    )
    assert quality.weakness(_q(false_by_fact, quote, "tf", False), "percent", person_answer=False) is None


def test_date_options_follow_the_answers_format():
    fig = next(f for f in extract_figures("Orion said on Oct. 24, 2024 it would invest.") if f.kind == "date")
    assert date_text("November", 5, 2024, fig) == "Nov. 5, 2024"
    assert date_text("September", 5, 2024, fig) == "Sept. 5, 2024"
    assert date_text("March", 5, 2024, fig) == "March 5, 2024"
    full = next(f for f in extract_figures("Orion said on October 24 it would invest.") if f.kind == "date")
    assert date_text("November", 5, 0, full) == "November 5"


def test_trivia_is_ranked_down_and_leadership_changes_up():
    assert trivia("role", "Orion CEO Dana Kole spoke at the fair.") < 1.0
    assert trivia("role", "Orion named Dana Kole as interim chief executive.") > 1.0
    assert trivia("money", "Orion shares closed at $12.40 on Friday.") < 1.0
    assert trivia("money", "Orion will invest $2 billion in the plant.") == 1.0


def test_a_role_that_has_ended_is_not_asked_as_current():
    quote = "Orion CEO Dana Kole has retired, the company said."
    stem = LEAD + "who is the CEO of Orion?"
    assert quality.weakness(_q(stem, quote, "short", ["Dana Kole"]), "role", person_answer=True) == (
        "a role the article says has ended"
    )


def test_a_leading_company_description_is_resolved():
    stem = LEAD + "the French carmaker will reduce its what percentage stake in Vega?"
    assert quality.resolve_reference(stem, "Orion") == (
        LEAD + "Orion will reduce its what percentage stake in Vega?"
    )
    why = LEAD + "why has the company's board formed a search committee?"
    assert (
        quality.resolve_reference(why, "Orion") == LEAD + "why has Orion's board formed a search committee?"
    )
    other = LEAD + "the deal will close in May?"
    assert quality.resolve_reference(other, "Orion") == other


def test_the_rarer_spelling_is_the_typo():
    counts = {"Gelsinger": 4, "Glesinger": 1}
    names = {"Gelsinger", "Glesinger"}
    assert quality.misspelt_names("Under Glesinger, Intel changed.", names, counts) == ["Glesinger"]
    assert quality.misspelt_names("Gelsinger has retired.", names, counts) == []


def test_generated_company_questions_offer_only_organisations():
    article = ingest(
        "Orion Motors and Vega Batteries agreed on Monday to form a joint venture in Lyon. "
        "Orion Motors will hold a 60% stake in the venture and Vega Batteries will hold the rest. "
        "The French carmaker will invest $2 billion in the venture. "
        "Vega Batteries will contribute its cell technology to the venture. "
        "Rival carmaker Regal Cars also makes batteries in Lyon with Tessa Group. "
        "Orion shares (ORMO.PA) rose 3% in Paris.\n"
    )
    cands = generate(article, "orion-vega")
    for c in cands.all():
        q = c.question
        if q["type"] == "mcq" and "which company" in q["stem"]:
            for option in q["options"]:
                assert option not in ("Lyon", "Paris", "ORMO.PA", "French"), (q["stem"], option)
    stems = [c.question["stem"] for c in cands.all()]
    assert not any(s.startswith(LEAD + "the French carmaker") for s in stems)
    assert LEAD + "Orion Motors will invest what amount in the venture?" in stems
    assert not any("rose" in s for s in stems)  # a share-price move, even with a ticker in brackets


def test_a_leadership_change_asks_who_was_named_with_pairs_as_options():
    article = ingest(
        "Orion Chips CEO Dana Kole has retired, the company said on Monday. "
        "The company named Chief Financial Officer Ravi Mehta and senior executive Lena Park as interim "
        "co-chief executive officers while its board searches for a new CEO. "
        "Orion Chips chair Tom Hale said the board would move quickly. "
        "Orion Chips lost market share to rival chipmaker Vega Semiconductor last year.\n"
    )
    cands = generate(article, "orion-chips")
    q = next(c.question for c in cands.all() if c.question["stem"].startswith(LEAD + "whom did"))
    assert q["stem"] == LEAD + "whom did Orion Chips name as interim co-chief executive officers?"
    assert q["answer"] == "Ravi Mehta and Lena Park"
    if q["type"] == "mcq":
        assert all(" and " in o for o in q["options"]) and q["options"].count(q["answer"]) == 1
    assert not any(c.question["stem"] == LEAD + "who is the CEO of Orion Chips?" for c in cands.all())


def test_a_hedged_outcome_asks_for_the_condition_it_depends_on():
    article = ingest(
        "Orion and Vega Batteries agreed to merge their battery units on Monday. "
        "The stake split between the partners may change, depending on how Vega's other plants are valued "
        "by the time the deal is closed, the people said. "
        "Orion will invest $2 billion in the merged unit. "
        "The price of the deal may rise, depending on whether regulators approve it this year. "
        "The closing date may slip, depending on when the financing is arranged. "
        "The size of the board may grow, depending on how many partners join the unit.\n"
    )
    cands = generate(article, "orion-vega-merge")
    q = next(c.question for c in cands.all() if "why may" in c.question["stem"])
    assert q["stem"] == LEAD + "why may the stake split between the partners change?"
    assert q["answer"] == "How Vega's other plants are valued by the time the deal is closed"
    assert q["topic"] == "strategic-risks"
    assert all(o[:3] in ("How", "Whe") for o in q["options"])  # conditions, not causes of another kind


def test_a_description_is_not_resolved_to_a_company_the_sentence_names_itself():
    article = ingest(
        "Orion Motors, like bigger rival Vega Motors, has been slow to shift to electric cars. "
        "The carmaker, which sells only one Orion electric model, plans to roll out 30 models by 2030.\n"
    )
    stems = [c.question["stem"] for c in generate(article, "orion-slow").all()]
    assert stems and not any("Vega Motors, which sells" in s or "Vega Motors plans" in s for s in stems)


def test_a_blank_after_a_number_word_is_mid_phrase():
    stem = (
        LEAD + "the carmaker, which sells only one which company electric model, plans to roll out 30 models?"
    )
    assert (
        quality.weakness(_q(stem, stem), "entity", person_answer=False) == "a blank in the middle of a phrase"
    )
