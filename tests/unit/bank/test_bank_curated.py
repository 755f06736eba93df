"""The committed bank (questions/) loads cleanly and passes check_bank against the ingested seed articles."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from app.articles.document import IngestedArticle
from app.articles.ingest import ingest
from app.bank.check import check_bank, mcq_positions
from app.bank.yamlio import BankLoad, read_bank_dir
from app.qtypes.registry import TYPES
from app.qtypes.schema import CORE_TOPICS, QUESTION_TYPES

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ("faw-leapmotor-mou", "faw-leapmotor-stake")


def seed_path(slug: str) -> Path:
    return ROOT / "seeds" / f"{slug}.txt"


@pytest.fixture(scope="module")
def articles() -> dict[str, IngestedArticle]:
    return {slug: ingest(seed_path(slug).read_text(encoding="utf-8")) for slug in SEEDS}


@pytest.fixture(scope="module")
def loaded() -> BankLoad:
    return read_bank_dir(ROOT / "questions")


def test_bank_loads_without_errors(loaded: BankLoad) -> None:
    assert [str(e) for e in loaded.errors] == []


def test_bank_passes_check_without_errors_or_warnings(loaded: BankLoad, articles: dict) -> None:
    report = check_bank(loaded.questions, articles, loaded.locations)
    assert [str(e) for e in report.errors] == []
    assert [str(w) for w in report.warnings] == []


def test_counts_per_topic_and_type(loaded: BankLoad) -> None:
    questions = [q for q in loaded.questions if q["status"] == "approved"]
    assert len(questions) >= 64
    topics = Counter(q["topic"] for q in questions)
    for topic in ("key-figures", "partnership-models", "strategic-risks"):
        assert topics[topic] >= 16, topics
    assert set(topics) <= set(CORE_TOPICS)
    types = Counter(q["type"] for q in questions)
    # Auto-graded types at least 4 each; hand-graded ones (essay) at least one case-analysis prompt.
    assert all(types[t] >= (4 if TYPES[t].auto_graded else 1) for t in QUESTION_TYPES), types


def test_every_question_teaches_and_cites(loaded: BankLoad) -> None:
    for q in loaded.questions:
        assert len(q["explanation"]) >= 120, q["id"]
        assert q["tags"], q["id"]
        assert q["source"]["start"] is not None and q["source"]["end"] is not None, q["id"]


def test_mcq_correct_positions_are_balanced(loaded: BankLoad) -> None:
    positions = mcq_positions(loaded.questions)
    total = sum(positions.values())
    assert set(positions) == {0, 1, 2, 3}
    assert all(0.20 <= n / total <= 0.30 for n in positions.values()), positions


def test_ids_follow_the_topic_scheme(loaded: BankLoad) -> None:
    prefixes = {"key-figures": "flm-kf-", "partnership-models": "flm-pm-", "strategic-risks": "flm-sr-"}
    prefixes["comprehension"] = "flm-co-"
    assert all(q["id"].startswith(prefixes[q["topic"]]) for q in loaded.questions)


def test_no_question_draws_on_excluded_text(loaded: BankLoad, articles: dict) -> None:
    for q in loaded.questions:
        article = articles[q["source"]["article"]]
        for sid in [q["source"]["sentence_id"], *q["source"]["also"]]:
            segment = article.by_sid(sid)
            assert segment is not None and not segment.excluded, (q["id"], sid)


def test_a_quote_from_the_advert_in_the_real_seed_is_rejected(loaded: BankLoad, articles: dict) -> None:
    advert = next(s for s in articles["faw-leapmotor-stake"].excluded if "MrPeasy offers" in s.text)
    question = dict(loaded.questions[0])
    question["source"] = {
        "article": "faw-leapmotor-stake",
        "sentence_id": advert.sid,
        "quote": "MrPeasy offers a cloud-based ERP tailored for small manufacturers",
    }
    report = check_bank([question], articles)
    messages = {e.field: e.message for e in report.errors}
    assert len(report.errors) == 2
    assert messages["source.sentence_id"].startswith(
        f"sentence {advert.sid} is excluded (Advertisement or product promotion)"
    )
    assert messages["source.quote"].startswith(f"the quote comes from excluded text ({advert.sid})")


# Choice questions whose explanation names no particular wrong option, so there is nothing to say per option.
NO_DISTRACTOR_DISCUSSED = {"flm-kf-005", "flm-kf-015"}


def test_choice_questions_say_why_the_distractors_their_explanation_discusses_are_wrong(
    loaded: BankLoad,
) -> None:
    choice = [q for q in loaded.questions if q["type"] in ("mcq", "multi")]
    assert len(choice) == 32
    for q in choice:
        feedback = q.get("feedback", {})
        if q["id"] in NO_DISTRACTOR_DISCUSSED:
            assert feedback == {}, q["id"]
            continue
        right = q["answer"] if isinstance(q["answer"], list) else [q["answer"]]
        assert feedback, f"{q['id']}: its explanation discusses a distractor; say why it is wrong per option"
        assert set(feedback) <= set(q["options"]) - set(right), q["id"]


def test_numeric_and_cloze_questions_give_feedback_on_every_right_answer(loaded: BankLoad) -> None:
    """A student who gets a numeric or cloze question right reads why: the right number's feedback, and the
    feedback of every accepted answer of every blank."""
    missing = []
    for q in loaded.questions:
        said = q.get("feedback") or {}
        if q["type"] == "numeric" and not said.get("answer"):
            missing.append(q["id"])
        elif q["type"] == "cloze":
            missing += [
                f"{q['id']} {n}:{v}"
                for n, variants in enumerate(q["answer"], 1)
                for v in variants
                if not said.get(f"{n}:{v}")
            ]
    assert missing == []
