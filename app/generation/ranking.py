"""How candidates are scored and ordered, and how the correct option's position is balanced.

score = importance(sentence) × KIND_WEIGHT[answer kind] × TYPE_WEIGHT[question type] × 0.5 ** failed_checks

importance(sentence) =
      0.5 + 0.5 × (1 − position / number_of_sentences)      earlier sentences carry the lead
    + 0.15 × min(3, figures in the sentence)                  figure density
    + 0.10 × min(3, mentions of the two most-named companies) the case's main actors
    + 0.25 × partnership cue score + 0.25 × risk cue score    what the three core topics are about
    + 0.10 × max(cause cue score, contrast cue score)         comprehension material
(cue scores are 0–1, see partnerships.partnership_score and risks.cue_scores)

score is multiplied by focus(topic, kind, sentence), which puts what matters in a case first:
    partnership structure (who holds, controls, appoints, contributes, approves)  × 1.30
    strategic risks and "why" questions (cause and purpose clauses)             × 1.20
    figures in a sentence about the deal (stake, investment, price, valuation)  × 1.00
    other comprehension questions                                                × 0.90
    other supporting figures                                                     × 0.80
    dates and years                                                              × 0.55
and then by trivia(kind, sentence), which ranks down what an instructor would not ask about the case:
    who holds a title (a CEO's name) when the sentence reports no leadership change   × 0.45
    (a sentence that names, appoints, replaces or loses a leader is a case fact      × 1.25)
    a closing or trading share price, a calculation's author, a fiscal year          × 0.40
Currency conversions, tickers, bylines and publication dates are not asked at all (build._noise).

Candidates are grouped by the fact they test (build.fact_key); a fact's best question stands for it and
the others become its variants. Facts are then ordered by order_facts: candidates that pass every check
first, each further fact from an already-used sentence × 0.5 per earlier fact of that sentence, and the
top 15 hold at least two facts of each area (figures, partnership, risks) when the article has them.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import Any

from app.articles.document import Segment
from app.generation.entities import EntityIndex
from app.generation.partnerships import partnership_score
from app.generation.quality import forecast_sentence
from app.generation.risks import cue_scores

KIND_WEIGHT = {
    "money": 1.0,
    "percent": 1.0,
    "count": 1.0,
    "per-share": 0.95,
    "distance": 0.9,
    "multiple": 0.9,
    "date": 0.8,
    "vague": 0.7,
    "year": 0.6,
    "role": 0.95,
    "arrangement": 0.95,
    "risk": 0.95,
    "matching": 0.9,
    "conditional": 0.9,
    "entity": 0.8,
    "why": 1.0,
    "structure": 1.0,
    "leadership": 1.0,
}
TYPE_WEIGHT = {
    "mcq": 1.0,
    "numeric": 0.9,
    "matching": 0.9,
    "cloze": 0.85,
    "tf": 0.8,
    "short": 0.8,
    "multi": 0.8,
}


FOCUS_TOPIC = {"partnership-models": 1.3, "strategic-risks": 1.2, "comprehension": 0.9}
DEAL_WORDS = re.compile(
    r"\b(?:stakes?|shares?|invest\w*|acqui\w*|bid|deal|valu\w*|price|own\w*|hold\w*|merg\w*|venture|JV)\b",
    re.IGNORECASE,
)
AREAS = {"key-figures": "figures", "partnership-models": "partnership", "strategic-risks": "risks"}
TOP = 15
SAME_SENTENCE_DECAY = 0.5


LEADERSHIP_CHANGE = re.compile(
    r"\b(?:appoint\w*|named|names|name|replac\w*|succe\w*|interim|resign\w*|retir\w*|step(?:s|ped)? down"
    r"|ousted|depart\w*|exit\w*|quit\w*|search for|successor|will (?:serve|become|lead|head|take over))\b",
    re.IGNORECASE,
)
TRIVIA_SENTENCE = re.compile(
    r"\b(?:clos(?:ed|ing) (?:at|up|down)|ended (?:the day |trading )?(?:at|up|down)|(?:shares|stock) (?:closed|ended)"
    r"|calculations?|according to (?:\w+ )?(?:data|calculations)|fiscal (?:year|\d{4})|financial year"
    r"|(?:year|quarter) ended|results for)\b",
    re.IGNORECASE,
)


def trivia(kind: str, sentence: str) -> float:
    """How far a fact is from the case (see the module's note): 1.0 for an ordinary fact."""
    if kind == "leadership":
        return 1.25
    if kind in ("role", "matching"):
        return 1.25 if LEADERSHIP_CHANGE.search(sentence) else 0.45
    if TRIVIA_SENTENCE.search(sentence):
        return 0.4
    if kind == "year" and forecast_sentence(sentence):
        # The year a forecast or plan names ("deliveries start in 2028") is recall, ranked down with the
        # trivia; a deal's own timetable (closing, term, the venture's start) is not. Ranked, not dropped:
        # the seeds' stated figures stay among the candidates.
        return 0.4
    return 1.0


def focus(topic: str, kind: str, sentence: str) -> float:
    if kind in ("date", "year"):
        return 0.55
    if kind == "why" and topic == "comprehension":
        return 1.2
    if topic in FOCUS_TOPIC:
        return FOCUS_TOPIC[topic]
    return 1.0 if DEAL_WORDS.search(sentence) else 0.8


def order_facts(heads: list[Any]) -> list[Any]:
    """Facts best first: passing before failing, sentence repeats discounted, then two per area in the top."""
    used: Counter[str] = Counter()
    pending = sorted(heads, key=lambda c: (not c.passed, -c.score, c.question["id"]))
    ordered: list[Any] = []
    while pending:
        best = min(
            range(len(pending)),
            key=lambda i: (
                not pending[i].passed,
                -pending[i].score * SAME_SENTENCE_DECAY ** used[pending[i].question["source"]["sentence_id"]],
                pending[i].question["id"],
            ),
        )
        chosen = pending.pop(best)
        used[chosen.question["source"]["sentence_id"]] += 1
        ordered.append(chosen)
    return _cover_areas(ordered)


def _cover_areas(ordered: list[Any], per_area: int = 2) -> list[Any]:
    top, rest = ordered[:TOP], ordered[TOP:]
    for area in AREAS.values():
        have = sum(1 for c in top if AREAS.get(c.question["topic"]) == area)
        spare = [c for c in rest if c.passed and AREAS.get(c.question["topic"]) == area]
        while have < per_area and spare:
            counts = Counter(AREAS.get(c.question["topic"]) for c in top)
            # drop the lowest fact whose area keeps enough without it
            out = next(
                (i for i in range(len(top) - 1, -1, -1) if counts[AREAS.get(top[i].question["topic"])] > per_area
                 or AREAS.get(top[i].question["topic"]) is None),
                None,
            )  # fmt: skip
            if out is None:
                break
            promoted = spare.pop(0)
            rest.remove(promoted)
            rest.insert(0, top.pop(out))
            top.append(promoted)
            have += 1
    return top + rest


def main_entities(index: EntityIndex, n: int = 2) -> list[str]:
    companies = sorted(index.of_kind("company"), key=lambda e: (-e.count, e.first, e.name))
    return [e.name for e in companies[:n]]


def importance(seg: Segment, total: int, n_figures: int, index: EntityIndex) -> float:
    main = set(main_entities(index))
    main_mentions = sum(1 for m in index.mentions.get(seg.sid, []) if m.key in main)
    cues = cue_scores(seg.text)
    value = (
        0.5
        + 0.5 * (1 - seg.position / max(total, 1))
        + 0.15 * min(3, n_figures)
        + 0.10 * min(3, main_mentions)
        + 0.25 * partnership_score(seg.text)
        + 0.25 * cues["risk"]
        + 0.10 * max(cues["cause"], cues["contrast"])
    )
    return round(value, 4)


def score(base_importance: float, kind: str, qtype: str, failed: int = 0) -> float:
    return round(base_importance * KIND_WEIGHT.get(kind, 0.8) * TYPE_WEIGHT.get(qtype, 0.8) * 0.5**failed, 4)


def stable_hash(text: str) -> int:
    return int(hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:8], 16)


class PositionBalancer:
    """Hands out the correct option's position so that positions stay balanced over the set.

    The least-used position wins; among equals the one a hash of the question id points to, so the
    pattern is not a visible rotation. Callers report the position they could actually use.
    """

    def __init__(self) -> None:
        self.used: Counter[tuple[int, int]] = Counter()

    def propose(self, qid: str, size: int) -> int:
        start = stable_hash(qid) % size
        order = [(start + i) % size for i in range(size)]
        return min(order, key=lambda p: (self.used[(size, p)], order.index(p)))

    def record(self, size: int, position: int) -> None:
        self.used[(size, position)] += 1
