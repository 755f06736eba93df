"""Five failure classes independent judges found on new articles: a ticker offered beside its own company,
a possessive blanked without its 's, a blank inside a name joined by "&", financial terms and generic
words as company options, and a split share (or a forecast year) that the stem gives away. Made-up
companies and sentences: the rules are about English and kinds of things, not articles."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.generation import quality, ranking
from bench.generation_dev import co_correct_options

ARTICLE = (
    "Orbital Coffee (NASDAQ: ORBC) agreed to buy Vega Foods Corp (NYSE:VGF) for $2 billion. "
    "Shares of Barnes & Noble (NYSE: BKS) were unchanged."
)


def _q(stem: str, answer, quote: str, qtype: str = "mcq", options=None) -> dict:
    opts = options if options is not None else [answer, "Altair Ltd", "Sirius Group", "Lyra Inc"]
    return {
        "type": qtype,
        "stem": quality.LEAD + stem,
        "answer": answer,
        "options": opts,
        "source": {"quote": quote},
    }


# 1. A ticker the article gives for a company is that company's alias.
def test_a_ticker_the_article_gives_is_its_companys_alias():
    assert quality.tickers(ARTICLE) == {
        "ORBC": "Orbital Coffee",
        "VGF": "Vega Foods",
        "BKS": "Barnes & Noble",
    }
    assert "ORBC" in quality.article_aliases("Orbital Coffee", ARTICLE, person=False)
    assert "Orbital Coffee" in quality.article_aliases("ORBC", ARTICLE, person=False)
    assert "VGF" in quality.article_aliases("Vega Foods Corp", ARTICLE, person=False)


def test_a_ticker_is_never_a_company_option():
    outlets = quality.non_companies([ARTICLE])
    assert {"ORBC", "VGF", "BKS"} <= outlets
    assert quality.implausible_entity("ORBC", outlet_names=outlets, caps=set())


def test_the_co_correct_measure_counts_a_ticker_beside_its_company():
    article = SimpleNamespace(sentences=[SimpleNamespace(text=ARTICLE)])
    q = _q(
        "Which company agreed to buy Vega Foods?",
        "Orbital Coffee",
        "The coffee chain agreed to buy Vega Foods for $2 billion.",
        options=["Orbital Coffee", "ORBC", "Lyra Inc", "Orion Corp"],
    )
    assert co_correct_options(q, article) == ["ORBC"]


# 2. A blank in place of "X's" must read "which company's".
def test_a_possessive_blanked_without_its_s_is_not_asked():
    quote = "Orion's preferred stock will convert into common shares next year."
    bad = _q("which company preferred stock will convert into common shares next year?", "Orion", quote)
    assert quality.weakness(bad, "entity", person_answer=False) == "a possessive blanked without its 's"
    good = _q("which company's preferred stock will convert into common shares next year?", "Orion", quote)
    assert quality.weakness(good, "entity", person_answer=False) != "a possessive blanked without its 's"
    person = _q(
        "which person analyst note moved the market?",
        "Anna Keller",
        "Anna Keller's analyst note moved the market.",
    )
    assert quality.name_fault("which person analyst note moved", "Anna Keller", person["source"]["quote"])


def test_a_name_that_modifies_a_noun_is_not_blanked_on_its_own():
    """ "Vega preferred stock", "Orion dividends", "Lyra analyst": the name is a modifier of the noun after
    it, and "which company dividends" is not English; a subject before its verb still is asked."""
    from app.generation import nlp

    if nlp.pipeline() is None:
        pytest.skip("the English pipeline is not installed: the modifier check reads the parse")
    cases = [
        ("Orion bought $20 million of Vega preferred stock in May.", "Vega", "preferred"),
        ("Orion dividends have risen steadily over the years.", "Orion", "dividends"),
        ("Late last year, Lyra analyst Tom Berg downgraded Orion to a Hold.", "Lyra", "analyst"),
    ]
    for quote, answer, word in cases:
        body = f"which company {word}"
        assert quality.name_fault(body, answer, quote) == "a name that modifies a noun blanked on its own", (
            quote
        )
    subject = "Orion purchased $20 million of Vega preferred stock in May."
    assert quality.name_fault("which company purchased $20 million", "Orion", subject) is None


def test_a_ticker_in_brackets_without_an_exchange_is_the_companys_alias():
    text = "Orbital Coffee (ORBC) signed a delivery deal with Vega Foods."
    assert quality.tickers(text) == {"ORBC": "Orbital Coffee"}
    assert "ORBC" in quality.article_aliases("Orbital Coffee", text, person=False)


def test_a_one_or_two_letter_ticker_is_no_accepted_answer():
    text = "Orbital Motors (NYSE: OB) and Fjord Cars (NYSE: F) formed an alliance."
    assert quality.tickers(text) == {"OB": "Orbital Motors", "F": "Fjord Cars"}
    assert "F" not in quality.article_aliases("Fjord Cars", text, person=False)
    assert "OB" not in quality.article_aliases("Orbital Motors", text, person=False)


# 3. Never blank part of a name joined by "&" or "and".
def test_a_blank_inside_a_name_joined_by_ampersand_is_not_asked():
    quote = "Barnes & Noble agreed to sell its college unit to Orion."
    q = _q("which company & Noble agreed to sell its college unit to Orion?", "Barnes", quote)
    assert quality.weakness(q, "entity", person_answer=False) == "a blank inside a multi-word name"
    assert quality.name_fault("Barnes & which company agreed to sell", "Noble", quote)
    assert (
        quality.name_fault("which company agreed to sell its college unit", "Barnes & Noble", quote) is None
    )


# 4. Financial terms, generic words and "The" + a common noun are never company options.
def test_financial_terms_and_generic_words_are_not_companies():
    for name in (
        "EPS",
        "P/E",
        "IPO",
        "CEO",
        "EBITDA",
        "GDP",
        "ETF",
        "ETFs",
        "Food",
        "The years",
        "The company",
    ):
        assert quality.implausible_entity(name, outlet_names=set(), caps={"Food"}), name
    for name in ("Orion Corp", "The Home Depot", "IBM"):
        assert not quality.implausible_entity(name, outlet_names=set(), caps={"IBM"}), name


# 5. A split whose other side is in view, and a forecast year.
def test_a_split_share_whose_other_side_is_stated_is_not_asked():
    quote = "The 51/49 venture gives Orion 51% and Vega the rest."
    q = _q(
        "Orion holds 51%; what stake does Vega hold in the venture?",
        "49%",
        quote,
        options=["49%", "40%", "30%", "25%"],
    )
    assert (
        quality.weakness(q, "percent", person_answer=False) == "a split whose other side the stem gives away"
    )
    alone = "The venture was formed by Orion and Vega, with Vega holding 49%."
    q2 = _q("what stake does Vega hold in the venture?", "49%", alone, options=["49%", "40%", "30%", "25%"])
    assert quality.weakness(q2, "percent", person_answer=False) is None


def test_a_forecast_year_is_trivia_but_a_deal_term_is_not():
    forecast = _q(
        "in what year will Orion start mass production?", "2028", "Orion will start mass production in 2028."
    )
    assert ranking.trivia("year", forecast["source"]["quote"]) == 0.4  # ranked down with the trivia
    deal = _q("in what year is the deal expected to close?", "2027", "The deal is expected to close in 2027.")
    assert ranking.trivia("year", deal["source"]["quote"]) == 1.0
    market = _q(
        "by which year is the market expected?",
        "2030",
        "The EV market is expected to reach $400 billion by 2030.",
    )
    assert ranking.trivia("year", market["source"]["quote"]) == 0.4
    launch = _q(
        "in which year will the venture start selling cars?",
        "2025",
        "The venture will start selling cars in 2025.",
    )
    assert ranking.trivia("year", launch["source"]["quote"]) == 1.0  # the deal's own timetable


def test_two_companies_joined_by_and_may_be_blanked_one_at_a_time():
    quote = "Orion and Vega agreed to build a battery plant."
    assert (
        quality.name_fault("which company and Vega agreed to build a battery plant", "Orion", quote) is None
    )
    named = "Barnes and Noble Inc agreed to sell its college unit."
    assert quality.name_fault("which company and Noble Inc agreed to sell", "Barnes", named)
