"""Self-contained clauses: pronouns resolved, references to 'the two parties' named, stems phrased."""

from __future__ import annotations

from app.generation import phrasing
from app.generation.entities import index_entities


def _ctx(article):
    index = index_entities(article.sentences)
    return phrasing.Sentences(article.sentences, index, ("FAW", "Leapmotor"))


def _sentence(article, start: str):
    return next(s for s in article.sentences if s.text.startswith(start))


def test_leading_pronoun_takes_the_previous_sentences_subject(seed_articles):
    article = seed_articles["faw-leapmotor-mou"]
    seg = _sentence(article, "It will deliver")
    start = seg.text.index("nearly")
    fr = phrasing.frame(seg, start, seg.text.index(" in 2024"), _ctx(article))
    assert fr.text.startswith("Leapmotor will deliver")
    assert (
        phrasing.in_situ(fr, "how many vehicles")
        == "According to the article, Leapmotor will deliver how many vehicles in 2024?"
    )


def test_the_two_parties_are_named(seed_articles):
    article = seed_articles["faw-leapmotor-mou"]
    seg = _sentence(article, "The two parties will carry out")
    start = seg.text.index("strategic cooperation")
    fr = phrasing.frame(seg, start, start + len("strategic cooperation"), _ctx(article))
    assert fr.text.startswith("China FAW and Leapmotor will carry out")


def test_leading_date_moves_to_the_end_of_the_question(seed_articles):
    article = seed_articles["faw-leapmotor-mou"]
    seg = article.sentences[0]
    fr = phrasing.frame(seg, 3, 10, _ctx(article))
    stem = phrasing.in_situ(fr, "what date")
    assert stem.startswith("According to the article, China FAW and Leapmotor signed")
    assert stem.endswith("on what date?")


def test_unresolvable_reference_gives_no_frame(seed_articles):
    article = seed_articles["faw-leapmotor-mou"]
    seg = _sentence(article, "The core logic of this model")
    start = seg.text.index("R&D costs")
    assert phrasing.frame(seg, start, start + 9, _ctx(article)) is None


def test_completion_and_cloze_stems(seed_articles):
    article = seed_articles["faw-leapmotor-mou"]
    seg = _sentence(article, "If FAW controls Leapmotor")
    start = seg.text.index("equity dilution")
    fr = phrasing.frame(seg, start, start + len("equity dilution"), _ctx(article))
    assert phrasing.completion(fr, "risk") == (
        "According to the article, which risk completes the statement "
        "“If FAW controls Leapmotor, it may trigger the risk of ___ of the Stellantis Group”?"
    )
    assert phrasing.cloze(fr).endswith("the risk of {{1}} of the Stellantis Group.")
