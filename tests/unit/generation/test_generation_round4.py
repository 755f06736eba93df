"""Round 4 of the generator's quality rules (issue 18), from the failure classes reviewers found on six
held-out articles judged untuned (0.206): "which company" asked, not chosen; calendar dates and side years
left out; false statements that turn on a bracketed conversion or on who reported it left out; datelines,
"European Union" and companies that speak; "its" that points ahead; blanks glued to a word. Made-up
companies and sentences: the rules are about English and kinds of fact, not articles."""

from __future__ import annotations

from types import SimpleNamespace

from app.articles.document import Segment
from app.articles.ingest import ingest
from app.generation import build, generate, quality
from app.generation.entities import index_entities


def _index(*sentences: str):
    return index_entities([Segment(f"p1s{i}", 1, i, 0, len(t), t) for i, t in enumerate(sentences)])


def _facts(*sentences: str) -> SimpleNamespace:
    segments = [Segment(f"p1s{i}", 1, i, 0, len(t), t) for i, t in enumerate(sentences)]
    return SimpleNamespace(index=index_entities(segments), sentences=segments)


def _question(stem: str, answer, quote: str, qtype: str = "tf") -> dict:
    return {"type": qtype, "stem": stem, "answer": answer, "source": {"quote": quote}}


def test_which_company_is_asked_as_a_short_answer_not_chosen_from_the_articles_other_names():
    article = ingest(
        "Orion Motors will buy a 20 percent stake in Vega Batteries for $2 billion. "
        "Helios Group sold its own stake in Vega Batteries last year. "
        "Regal Cars, a rival carmaker, also makes electric vans. "
        "Kappa Trucks signed a supply deal with Regal Cars in March. "
        "Orion Motors will build a battery plant with Vega Batteries in Ohio.\n"
    )
    questions = [c.question for c in generate(article, "r4").all()]
    asked = [q for q in questions if "which company" in q["stem"]]
    assert asked, "the article has companies in roles worth asking about"
    assert all(q["type"] == "short" and isinstance(q["answer"], list) for q in asked)


def test_calendar_dates_and_years_of_side_events_are_trivia_milestone_years_are_not():
    date = _question("According to the article, on what date will Orion hold its meeting?", "June 7",
                     "Orion will hold its meeting on June 7.", "mcq")  # fmt: skip
    assert quality.side_figure(date, "date") == "trivia: a calendar date"
    side = _question("According to the article, in which year did Orion buy the shares? Give the year.",
                     {"value": 2019}, "Orion bought the shares in May 2019.", "numeric")  # fmt: skip
    assert quality.side_figure(side, "year") == "trivia: a year that marks no milestone"
    for quote in (
        "The venture will start selling cars in 2025.",
        "The merger is expected to close in the second half of 2018.",
        "The plant is expected to begin operations in mid-2013.",
        "The alliance dates back to 1999.",
    ):
        milestone = _question("According to the article, … which year? Give the year.", {"value": 0}, quote)
        year = next(w for w in quote.replace("-", " ").rstrip(".").split() if w.isdigit())
        milestone["answer"] = {"value": float(year)}
        assert quality.side_figure(milestone, "year") is None, quote


def test_a_false_statement_that_changes_only_a_bracketed_conversion_or_the_source_is_trivia():
    quote = "The registered capital of the venture will be Yuan 200 million ($31.3 million)."
    converted = _question(
        "According to the article, the registered capital of the venture will be Yuan 200 million ($47.0 million).",
        False,
        quote,
    )
    assert quality.false_on_a_side_detail(converted) is not None
    changed = _question(
        "According to the article, the registered capital of the venture will be Yuan 300 million ($31.3 million).",
        False,
        quote,
    )
    assert quality.false_on_a_side_detail(changed) is None  # the figure itself is what is false
    source = "Huawei passed Apple in sales last year, according to the research firm Delta Data."
    reported = _question(
        "According to the article, Huawei passed Apple in sales last year, according to the research firm Kappa.",
        False,
        source,
    )
    assert quality.false_on_a_side_detail(reported) is not None
    assert quality.false_on_a_side_detail(dict(reported, answer=True)) is None


def test_datelines_are_not_names_and_the_european_union_is_an_institution():
    index = _index(
        "FRANKFURT/WASHINGTON (Reuters) - Orion won approval for its takeover of Vega.",
        "Orion has secured the go-ahead from the European Union and Vega.",
    )
    names = set(index.entities) | {a for e in index.entities.values() for a in e.aliases}
    assert not names & {"FRANKFURT", "WASHINGTON", "Reuters", "Union"}
    assert index.entities["European Union"].kind == "institution"


def test_a_company_named_by_its_trade_stays_a_company_when_it_speaks():
    index = _index(
        "Orion signed an agreement with Australian miner Delta Rocks to explore for copper.",
        "Each side will contribute $35 million, Delta Rocks said.",
    )
    assert index.entities["Delta Rocks"].kind == "company"


def test_an_its_in_a_fronted_phrase_points_to_the_subject_after_the_comma():
    article = ingest(
        "Kappa Media bought a small radio chain last year. "
        "In its biggest deal yet, Orion Retail is leading a bid to buy Vega Stores for as much as $2.6 billion.\n"
    )
    stems = [c.question["stem"] for c in generate(article, "r4").all()]
    fronted = [s for s in stems if "biggest deal yet" in s]
    assert fronted and all("Kappa Media" not in s for s in fronted)


def test_blanks_glued_to_a_word_and_words_repeated_across_a_comma_are_garbled():
    assert quality.garbled("which company.com Inc. is also keen to show its stores?") is not None
    assert quality.garbled("the chief blamed a slowing economy where, where Orion faces rivals?") is not None
    assert quality.garbled("which company is also keen to show its stores?") is None


def test_the_company_an_article_is_about_is_not_asked_as_which_company():
    about_orion = _facts(
        "The board of Orion Chips Inc said its chief executive resigned on Thursday.",
        "Orion Chips named its finance chief as interim chief executive.",
        "Orion Chips plans to enter the graphics chip market, which Delta Graphics leads.",
        "Orion Chips lost ground in data-centre processors last year.",
    )
    dominant = build._dominant_company(about_orion)
    assert {"orion chips inc", "orion chips"} <= dominant
    entity = SimpleNamespace(info={"option_kind": "entity", "true_text": "Orion Chips Inc"})
    asked = {
        "type": "short",
        "stem": "According to the article, which company plans to enter the graphics chip market?",
    }
    assert build._asks_for_the_subject(dict(asked, answer=["Orion Chips"]), entity, dominant)
    assert not build._asks_for_the_subject(dict(asked, answer=["Delta Graphics"]), entity, dominant)
    swapped = {
        "type": "tf",
        "stem": "According to the article, Delta Graphics plans to enter it.",
        "answer": False,
    }
    assert build._asks_for_the_subject(swapped, entity, dominant)  # the swap is as plain as the question
    # a deal between two companies: neither is "the" subject, so either may be asked for
    deal = _facts(
        "Orion Motors Inc will buy a 20 percent stake in Vega Batteries Ltd.",
        "Vega Batteries will supply cells to Orion Motors from 2026.",
        "Orion will name two directors, and Vega will name the chair.",
    )
    assert build._dominant_company(deal) == set()
