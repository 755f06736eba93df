"""The quality gate (app/generation/quality.py) and the generator's per-option feedback (issue 23).

Each rule is tested on made-up sentences of the kinds it is about, and the feedback on a generated
candidate, down to the Moodle XML answer feedback of an export.
"""

from __future__ import annotations

from lxml import etree

from app.articles.ingest import ingest
from app.exports import EXPORTERS
from app.exports.model import ExportSelection
from app.generation import generate, quality

LEAD = quality.LEAD


def _q(stem: str, quote: str, qtype: str = "mcq", options: list[str] | None = None, answer: object = "x"):
    q = {"type": qtype, "stem": stem, "answer": answer, "source": {"quote": quote}}
    if qtype == "mcq":
        q["options"] = options if options is not None else ["Rigel", "Sirius", "Deneb", "x"]
    return q


def test_tidy_stem_drops_a_leftover_connective_and_a_trailing_attribution():
    assert quality.tidy_stem(LEAD + "separately, Orion will invest what amount in the venture?") == (
        LEAD + "Orion will invest what amount in the venture?"
    )
    assert quality.tidy_stem(
        LEAD + "Orion's affiliates will own what percentage of the merged company, the people said?"
    ) == (LEAD + "Orion's affiliates will own what percentage of the merged company?")
    numeric = (
        LEAD + "Orion will hold what percentage of the venture, the report said? Give the number in percent."
    )
    assert quality.tidy_stem(numeric) == (
        LEAD + "Orion will hold what percentage of the venture? Give the number in percent."
    )
    # The blank inside the attribution is not cut away (the gate drops the question instead).
    who = LEAD + "Orion will hold a 30% stake in the venture, which company said?"
    assert quality.tidy_stem(who) == who
    completion = LEAD + "which figure completes the statement “Under the agreement, Orion pays ___ a year”?"
    assert quality.tidy_stem(completion) == (
        LEAD + "which figure completes the statement “Orion pays ___ a year”?"
    )


def test_a_blank_in_the_middle_of_a_phrase_is_weak():
    quote = "Orion will reduce its 43.4 percent stake in Vega."
    for stem in (
        "Orion will reduce its what percentage stake in Vega?",
        "Orion Capital's what amount bid for Vega has cleared a hurdle?",
        "Orion and Vega will build what amount assembly plant in Texas?",
        "shares rose between what percentage and 5%?",
        "Orion (which company) has completed the merger?",
        "Orion will become which company shareholder by way of a capital increase?",
    ):
        assert quality.weakness(_q(LEAD + stem, quote), "percent", person_answer=False) == (
            "a blank in the middle of a phrase"
        ), stem
    fine = _q(LEAD + "Orion will take what percentage stake in Vega?", quote)
    assert quality.weakness(fine, "percent", person_answer=False) is None
    count = _q(
        LEAD + "the venture has how many employees and plans to hire more?", "The venture has 100 employees."
    )
    assert quality.weakness(count, "count", person_answer=False) is None


def test_stems_that_refer_back_or_start_in_a_subordinate_clause_are_weak():
    quote = "While Vega recovered 2% from the fall, Orion has been down 8% since then."
    for stem in (
        "while Vega recovered what percentage from the fall, Orion has been down 8% since then?",
        "the company's board has formed a committee to appoint which company's successor?",
        "the Japanese automaker will invest in which company?",
    ):
        assert "refers back" in quality.weakness(_q(LEAD + stem, quote), "entity", person_answer=False)


def test_trivia_is_weak_share_moves_who_said_it_and_requests_for_comment():
    move = _q(LEAD + "Orion shares fell what percentage?", "Orion shares fell 5% in Tokyo trading.")
    assert quality.weakness(move, "percent", person_answer=False) == "trivia: a share-price move"
    said = _q(
        LEAD + "“We are open to partners,” which company said?", "“We are open to partners,” Orion said."
    )
    assert quality.weakness(said, "entity", person_answer=False) == "trivia: who said it"
    comment = _q(
        LEAD + "which company did not respond?", "Orion did not immediately respond to a request for comment."
    )
    assert quality.weakness(comment, "entity", person_answer=False).startswith("trivia")


def test_options_and_answers_of_the_wrong_kind_are_weak():
    three = _q(
        LEAD + "Orion will sell its stake to which company?",
        "Orion will sell its stake to Vega.",
        options=["a", "x", "c"],
    )
    assert quality.weakness(three, "entity", person_answer=False) == "fewer than four options"
    person = _q(
        LEAD + "which company will lead the venture?", "Tom Hale will lead the venture.", answer="Tom Hale"
    )
    assert (
        quality.weakness(person, "structure", person_answer=True)
        == "asks for a company when the answer is a person"
    )
    same = _q(
        LEAD + "Orion will sell its stake to which company?",
        "Orion will sell its stake to Vega.",
        options=["Vega", "Ultium Cells JV", "Ultium Cells LLC", "Rigel"],
        answer="Vega",
    )
    assert quality.weakness(same, "entity", person_answer=False) == "two options that name the same thing"
    copied = _q(
        LEAD + "Orion will sell its stake to Vega.",
        "Orion will sell its stake to Vega.",
        qtype="tf",
        answer=True,
    )
    assert "copied" in quality.weakness(copied, "entity", person_answer=False)


def test_outlets_regulators_products_and_places_are_not_companies():
    sentences = [
        "Orion holds the larger stake, according to a report by Bloomberg.",
        "The Committee on Foreign Investment in the United States (CFIUS) approved the sale.",
        "Vega, maker of models such as Accord and Civic, is under pressure.",
        "The plants in Warren, Ohio, and Spring Hill, Tennessee, stay open.",
        "Approvals from authorities -- such as CCI and NCLT -- were received.",
    ]
    names = quality.non_companies(sentences)
    assert {"Bloomberg", "CFIUS", "Accord", "Civic", "CCI", "NCLT"} <= names
    assert not {"Orion", "Vega"} & names
    caps = {"Orion", "Vega", "Rigel"}
    for bad in (
        "Bloomberg",
        "Ohio",
        "Unforeseen",
        "GM-LG",
        "Ex-Walt Disney",
        "Financial Times",
        "Class A Shares",
    ):
        assert quality.implausible_entity(bad, outlet_names=names, caps=caps), bad
    for good in ("Orion", "Rigel", "Toyota Motor"):
        assert not quality.implausible_entity(good, outlet_names=names, caps=caps), good


ARTICLE = """Orion and Vega sign a battery deal

Orion Motors said on Monday it will take a 20% stake in Vega Energy for $300 million.
Vega Energy will supply battery cells to Orion Motors from 2026, and the two will build a $2 billion plant.
Rigel Auto, a rival carmaker, took a 35% stake in Sirius Power last year.
Analysts said the deal may face pressure from regulators because Orion Motors already controls a supplier.
"""


def test_generated_distractors_carry_feedback_grounded_in_the_article():
    cands = generate(ingest(ARTICLE), "orion-vega").all()
    mcqs = [c.question for c in cands if c.question["type"] == "mcq"]
    assert mcqs
    for q in mcqs:
        wrong = [o for o in q["options"] if o != q["answer"]]
        assert set(q.get("feedback", {})) == set(wrong), q["stem"]
    # A distractor that is another stated figure cites that figure's own sentence.
    stake = next(q for q in mcqs if q["answer"] == "20%")
    assert "35%" in stake["options"]
    assert stake["feedback"]["35%"].startswith("Another figure from the article")
    assert (
        "Rigel Auto, a rival carmaker, took a 35% stake in Sirius Power last year" in stake["feedback"]["35%"]
    )
    perturbed = [o for o in stake["options"] if o not in ("20%", "35%")]
    assert all("does not state" in stake["feedback"][o] for o in perturbed)


def test_generated_feedback_reaches_the_moodle_xml_answer_feedback():
    cands = generate(ingest(ARTICLE), "orion-vega").all()
    stake = next(c.question for c in cands if c.question["type"] == "mcq" and c.question["answer"] == "20%")
    data = EXPORTERS["moodle-xml"](ExportSelection(title="Generated", questions=[stake])).data
    root = etree.fromstring(data if isinstance(data, bytes) else data.encode("utf-8"))
    answers = root.findall(".//question[@type='multichoice']/answer")
    by_text = {a.findtext("text"): a.findtext("feedback/text") or "" for a in answers}
    assert "Rigel Auto, a rival carmaker, took a 35% stake" in by_text["35%"]


def test_a_true_false_statement_keeps_its_attribution_and_names_stay_whole():
    statement = LEAD + "Orion is in no hurry to sell its holdings, de Vega said."
    assert quality.tidy_stem(statement, "tf") == statement  # the swapped name may be in the attribution
    quote = "Orion is in no hurry to sell its holdings, Luca de Meo said."
    assert quality.weakness(
        _q(statement, quote, qtype="tf", answer=False), "entity", person_answer=False
    ) == ("a name cut short")
    ceo = _q(
        LEAD + "who is the CEO of Orion?", "Orion CEO Luca de Meo spoke.", qtype="short", answer=["Luca"]
    )
    assert quality.weakness(ceo, "role", person_answer=True) == "a name cut short"
