"""The generator on the development set of real articles (tests/fixtures/articles/real/, issue 18).

Each candidate is known by a stable hash of what a reader judges (stem + options + answer), so stored
judgements (bench/generation_judgements/<article>.json: {hash: {"acceptable": bool, "reason": str}})
keep applying to today's output as long as the question reads the same. Measures, over the top 15 of each
article: the acceptable rate of the judged ones (and how many are unjudged), distinct facts, the per-area
count (figures, partnership, risks: mean over the articles whose text supports the area), and options the
article also states as true for the same thing (co-correct).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.articles.document import IngestedArticle
from app.articles.ingest import ingest_file
from app.generation import generate, quality
from app.generation.build import Candidate
from app.generation.clauses import RISK_WORDS, STRUCTURE_WORDS
from app.generation.figures import extract_figures, parse_option
from app.generation.ranking import AREAS, TOP

ROOT = Path(__file__).resolve().parents[1]
DEV_DIR = ROOT / "tests/fixtures/articles/real"
# Articles collected apart from the development set and never read while the generator was written: the
# generator is judged on them as a user's new material. Their verdicts live in JUDGEMENTS / "heldout".
HELDOUT_DIR = ROOT / "tests/fixtures/articles/heldout"
JUDGEMENTS = ROOT / "bench/generation_judgements"
SETS = {"dev": (DEV_DIR, ""), "heldout": (HELDOUT_DIR, "heldout")}
AREA_NAMES = ("figures", "partnership", "risks")
# An area is "supported" by an article when at least this many of its sentences are about it.
SUPPORT_SENTENCES = 2
RUBRIC = """A candidate is acceptable as written only if it is:
- factually correct per the article;
- grammatical;
- answerable from the article;
- with exactly one defensible answer;
- with plausible same-kind distractors (multiple choice);
- testing something worth knowing about the case, not trivia."""


def candidate_hash(question: dict[str, Any]) -> str:
    """Stable over runs and ids: what a reader sees (stem, options, answer), canonical JSON, sha256[:16]."""
    payload = json.dumps(
        [question["stem"], question.get("options", []), question["answer"]],
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


@dataclass
class DevArticle:
    slug: str
    path: Path
    article: IngestedArticle
    top: list[Candidate]


def dev_articles(which: str = "dev") -> list[DevArticle]:
    """Today's top 15 of every article of a set: "dev" (the development set) or "heldout"."""
    out = []
    for path in sorted(SETS[which][0].glob("*.txt")):
        article = ingest_file(path)
        cands = generate(article, path.stem)
        out.append(DevArticle(path.stem, path, article, list(cands[:TOP])))
    return out


def judgements(slug: str, which: str = "dev") -> dict[str, dict[str, Any]]:
    path = JUDGEMENTS / SETS[which][1] / f"{slug}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def supported_areas(article: IngestedArticle) -> set[str]:
    texts = [s.text for s in article.sentences]
    areas = set()
    if sum(1 for t in texts if extract_figures(t)) >= SUPPORT_SENTENCES:
        areas.add("figures")
    if sum(1 for t in texts if STRUCTURE_WORDS.search(t)) >= SUPPORT_SENTENCES:
        areas.add("partnership")
    if sum(1 for t in texts if RISK_WORDS.search(t)) >= SUPPORT_SENTENCES:
        areas.add("risks")
    return areas


def co_correct_options(question: dict[str, Any], article: IngestedArticle) -> list[str]:
    """Wrong options the article also states as true: a figure within 2 % of the answer (4.99 % and 5 %,
    rounded and exact), an option written in the source sentence itself, or another name the article
    gives the answer (its ticker, its acronym)."""
    if question["type"] != "mcq":
        return []
    answer = question["answer"]
    quote = question["source"]["quote"]
    text = " ".join(s.text for s in article.sentences)
    parsed_answer = parse_option(answer)
    found = []
    for option in question.get("options", []):
        if option == answer:
            continue
        parsed = parse_option(option)
        if parsed_answer and parsed and parsed_answer.magnitude and parsed.magnitude:
            same_family = (parsed.kind, parsed.currency.upper(), parsed.unit) == (
                parsed_answer.kind,
                parsed_answer.currency.upper(),
                parsed_answer.unit,
            )
            if (
                same_family
                and abs(parsed.magnitude - parsed_answer.magnitude) <= 0.02 * parsed_answer.magnitude
            ):
                found.append(option)
                continue
        if len(option) > 3 and re.search(rf"(?<!\w){re.escape(option)}(?!\w)", quote):
            found.append(option)
            continue
        if isinstance(answer, str) and option in quality.article_aliases(answer, text, person=False):
            found.append(option)  # "SBUX" beside "Starbucks": the ticker the article gives for the answer
    return found


def measure(articles: list[DevArticle], which: str = "dev") -> dict[str, float | None]:
    """The set's measures, named generation.<set>_…"""
    judged = acceptable = unjudged = co_correct = 0
    distinct: list[int] = []
    per_area: dict[str, list[int]] = {a: [] for a in AREA_NAMES}
    for dev in articles:
        verdicts = judgements(dev.slug, which)
        for c in dev.top:
            verdict = verdicts.get(candidate_hash(c.question))
            if verdict is None:
                unjudged += 1
            else:
                judged += 1
                acceptable += bool(verdict.get("acceptable"))
            co_correct += len(co_correct_options(c.question, dev.article))
        distinct.append(len({c.fact for c in dev.top}))
        supported = supported_areas(dev.article)
        for area in AREA_NAMES:
            if area in supported:
                per_area[area].append(sum(1 for c in dev.top if AREAS.get(c.question["topic"]) == area))
    means = {a: (sum(v) / len(v) if v else None) for a, v in per_area.items()}
    present = [m for m in means.values() if m is not None]
    out: dict[str, float | None] = {
        f"generation.{which}_articles": float(len(articles)),
        f"generation.{which}_acceptable_rate": round(acceptable / judged, 3) if judged else None,
        f"generation.{which}_judged_top15": float(judged),
        f"generation.{which}_unjudged_top15": float(unjudged),
        f"generation.{which}_distinct_facts_top15": round(sum(distinct) / len(distinct), 2)
        if distinct
        else None,
        f"generation.{which}_area_min_top15": round(min(present), 2) if present else None,
        f"generation.{which}_co_correct_options": float(co_correct),
    }
    for area, mean in means.items():
        out[f"generation.{which}_{area}_top15"] = round(mean, 2) if mean is not None else None
    return out
