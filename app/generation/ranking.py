"""How candidates are scored and ordered, and how the correct option's position is balanced.

score = importance(sentence) × KIND_WEIGHT[answer kind] × TYPE_WEIGHT[question type] × 0.5 ** failed_checks

importance(sentence) =
      0.5 + 0.5 × (1 − position / number_of_sentences)      earlier sentences carry the lead
    + 0.15 × min(3, figures in the sentence)                  figure density
    + 0.10 × min(3, mentions of the two most-named companies) the case's main actors
    + 0.25 × partnership cue score + 0.25 × risk cue score    what the three core topics are about
    + 0.10 × max(cause cue score, contrast cue score)         comprehension material
(cue scores are 0–1, see partnerships.partnership_score and risks.cue_scores)

Candidates that pass every check come first, each group by score (highest first), ties by id.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from app.articles.document import Segment
from app.generation.entities import EntityIndex
from app.generation.partnerships import partnership_score
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
