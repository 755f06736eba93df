"""Who appoints the venture's managers: asked as 'which company will appoint …' with the post's owner named,
only where one organisation alone is said to fill the post (invented sentences)."""

from __future__ import annotations

from app.articles.document import Segment
from app.articles.ingest import ingest
from app.generation import generate, quality
from app.generation.entities import index_entities
from app.generation.partnerships import appointments

LEAD = quality.LEAD
_OTHERS = (
    "Kite Capital Ltd, an investment firm, advised Orion Motors Inc on the deal. "
    "Delta Steel Corp will supply steel to the plant, the companies said. "
    "Lumen Power Inc, a rival battery maker, opened a plant in Texas last year.\n"
)


def _found(text: str) -> list[tuple[str, str]]:
    segs = [Segment(f"p1s{i}", 1, i, 0, len(t), t) for i, t in enumerate(text.split("\n"))]
    return [(a.appointer, a.post) for a in appointments(segs, index_entities(segs))]


def test_each_clause_subject_fills_its_own_post():
    found = _found(
        "Under the agreement, Orion Motors Inc will appoint the chief executive, while Vega Batteries Ltd "
        "will nominate the chairman."
    )
    assert ("Orion Motors Inc", "the chief executive") in found
    assert ("Vega Batteries Ltd", "the chairman") in found


def test_a_name_in_a_list_or_a_possessive_post_is_not_read_as_the_appointer():
    assert _found("Orion Motors Inc and Vega Batteries Ltd will appoint the chairman together.") == []
    assert (
        _found("Kite Capital Ltd, Orion Motors Inc and Vega Batteries Ltd will appoint the chairman.") == []
    )
    assert _found("Orion Motors Inc will appoint its chairman next year.") == []
    assert _found("Orion Motors Inc will appoint the auditors.") == []


def test_board_seats_are_a_post_too():
    assert _found("Orion Motors Inc will name four of the seven directors.") == [
        ("Orion Motors Inc", "four of the seven directors")
    ]


def test_who_appoints_is_asked_with_the_venture_named_as_a_short_answer():
    article = ingest(
        "Orion Motors Inc and Vega Batteries Ltd agreed on Monday to form a joint venture to build battery "
        "packs in Ohio. "
        "Under the agreement, Orion Motors Inc will appoint the chief executive, while Vega Batteries Ltd "
        "will name the finance chief. " + _OTHERS
    )
    cands = generate(article, "orion-vega")
    stem = LEAD + "which company will appoint the chief executive of the joint venture?"
    q = next(c.question for c in cands.all() if c.question["stem"] == stem)
    # asked, not chosen (reviewers accepted 2 of 20 "which company" choices): the names the article uses
    assert q["type"] == "short" and q["answer"][0] == "Orion Motors Inc" and "Orion Motors" in q["answer"]
    assert "Vega Batteries Ltd" not in q["answer"]


def test_two_companies_said_to_fill_one_post_are_not_asked():
    article = ingest(
        "Orion Motors Inc and Vega Batteries Ltd agreed on Monday to form a joint venture to build battery "
        "packs in Ohio. "
        "Orion Motors Inc will appoint the chief executive, the companies said. "
        "Later, Vega Batteries Ltd will appoint the chief executive, a person familiar with the matter said. "
        + _OTHERS
    )
    cands = generate(article, "orion-vega-2")
    assert not any("appoint the chief executive of" in c.question["stem"] for c in cands.all())


def test_without_a_venture_named_the_post_is_not_asked():
    article = ingest("Under the agreement, Orion Motors Inc will appoint the chief executive. " + _OTHERS)
    cands = generate(article, "orion-3")
    assert not any("chief executive of the" in c.question["stem"] for c in cands.all())
