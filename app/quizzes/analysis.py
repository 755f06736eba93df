"""Item analysis of quiz results with Moodle's quiz statistics formulas (facility, discrimination, alpha…).

Pure: a score matrix (one dict per attempt) in, test and per-question statistics out; None where undefined.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass
from math import comb
from typing import Any

from app.quizzes.grading import multi_fraction


@dataclass(frozen=True)
class ItemStats:
    """One question. Percentages of its max score, as Moodle shows them: facility, sd, random_guess.

    `n` counts the attempts that include the question; the statistics are over those attempts only.
    """

    question_id: Hashable
    facility: float | None
    sd: float | None
    random_guess: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    n: int


@dataclass(frozen=True)
class TestStats:
    """The whole test. mean, median, sd and standard_error are percentages of `max_total`, as in Moodle."""

    __test__ = False  # not a pytest test class, despite the name

    n_attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    alpha: float | None
    error_ratio: float | None
    standard_error: float | None
    max_total: float


def random_guess_score(question: dict) -> float | None:
    """The expected fraction (0..1) a random guess scores, as Moodle defines it per type.

    mcq 1/options; tf 1/2; matching 1/pairs (a random one-to-one matching gets each pair right with that
    chance); multi: the exact expectation of our partial-credit rule when the student picks as many
    options as there are right ones, uniformly at random (Moodle's assumption that the stem says how many);
    numeric, short, cloze, essay: 0, typed answers are not guessable. None for an unknown type.
    """
    qtype = question.get("type")
    if qtype == "mcq":
        return 1 / len(question["options"])
    if qtype == "tf":
        return 0.5
    if qtype == "matching":
        return 1 / len(question["answer"])
    if qtype == "multi":
        n_right = len(question["answer"])
        n_wrong = len(question["options"]) - n_right
        ways = comb(n_right + n_wrong, n_right)
        return float(
            sum(
                comb(n_right, hits)
                * comb(n_wrong, n_right - hits)
                * multi_fraction(hits, n_right - hits, n_right, n_wrong)
                for hits in range(n_right + 1)
            )
            / ways
        )
    if qtype in ("numeric", "short", "cloze", "essay"):
        return 0.0
    return None


def _variance(values: Sequence[float]) -> float | None:
    """Sample variance (n - 1); exactly 0 for constant values so no float noise reaches a division."""
    if len(values) < 2:
        return None
    if min(values) == max(values):
        return 0.0
    mean = math.fsum(values) / len(values)
    return math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)


def _covariance(xs: Sequence[float], ys: Sequence[float]) -> float:
    mx = math.fsum(xs) / len(xs)
    my = math.fsum(ys) / len(ys)
    return math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (len(xs) - 1)


def _percent(value: float | None, of: float) -> float | None:
    return None if value is None or of <= 0 else 100 * value / of


def _item(
    qid: Hashable, max_score: float, marks: list[float], others: list[float], guess: float | None
) -> tuple[ItemStats, float | None]:
    """The item's statistics and its mark variance (for Cronbach's alpha)."""
    n = len(marks)
    mean = math.fsum(marks) / n if n else None
    var_mark = _variance(marks)
    var_other = _variance(others)
    discrimination = efficiency = None
    if var_mark and var_other:
        covariance = _covariance(marks, others)
        discrimination = 100 * covariance / math.sqrt(var_mark * var_other)
        # Moodle's maximum covariance: both score lists sorted, then paired, so the best possible order.
        covariance_max = _covariance(sorted(marks), sorted(others))
        efficiency = 100 * covariance / covariance_max if covariance_max > 0 else None
    stats = ItemStats(
        question_id=qid,
        n=n,
        facility=_percent(mean, max_score),
        sd=_percent(None if var_mark is None else math.sqrt(var_mark), max_score),
        random_guess=None if guess is None else 100 * guess,
        discrimination_index=discrimination,
        discriminative_efficiency=efficiency,
    )
    return stats, var_mark


def _test(totals: list[float], max_total: float, item_variances: list[float | None]) -> TestStats:
    s = len(totals)
    mean = math.fsum(totals) / s if s else None
    variance = _variance(totals)
    skewness = kurtosis = alpha = error_ratio = standard_error = None
    if variance and mean is not None:
        deviations = [t - mean for t in totals]
        m2, m3, m4 = (math.fsum(d**power for d in deviations) / s for power in (2, 3, 4))
        k2 = variance
        if s > 2:
            k3 = s * s * m3 / ((s - 1) * (s - 2))
            skewness = k3 / k2**1.5
        if s > 3:
            k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
            kurtosis = k4 / (k2 * k2)
        # Moodle only reports alpha from 3 attempts on (it nests it under skewness); it is defined from 2.
        k = len(item_variances)
        if k > 1:
            alpha = 100 * k / (k - 1) * (1 - math.fsum(v or 0.0 for v in item_variances) / k2)
            error_ratio = 100 * math.sqrt(max(0.0, 1 - alpha / 100))
            standard_error = error_ratio * math.sqrt(variance) / 100
    return TestStats(
        n_attempts=s,
        max_total=max_total,
        mean=_percent(mean, max_total),
        median=_percent(statistics.median(totals) if s else None, max_total),
        sd=_percent(None if variance is None else math.sqrt(variance), max_total),
        skewness=skewness,
        kurtosis=kurtosis,
        alpha=alpha,
        error_ratio=error_ratio,
        standard_error=_percent(standard_error, max_total),
    )


def _check(matrix: Sequence[Mapping[Hashable, float | None]], max_scores: Mapping[Hashable, float]) -> None:
    for qid, top in max_scores.items():
        if isinstance(top, bool) or not isinstance(top, int | float) or not math.isfinite(top) or top < 0:
            raise ValueError(f"max score of question {qid!r} is {top!r}; it must be a number >= 0")
    for i, row in enumerate(matrix, start=1):
        for qid, score in row.items():
            if qid not in max_scores:
                raise ValueError(
                    f"attempt {i} scores question {qid!r}, which has no max score; add it to max_scores"
                )
            if score is not None and (
                isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score)
            ):
                raise ValueError(f"attempt {i} scores question {qid!r} as {score!r}; use a number or None")


def analyse(
    matrix: Sequence[Mapping[Hashable, float | None]],
    max_scores: Mapping[Hashable, float],
    questions: Mapping[Hashable, dict] | None = None,
) -> tuple[TestStats, list[ItemStats]]:
    """Moodle's test and item statistics over the attempts in `matrix` (Moodle's default: first attempts).

    Each row maps question id -> score in that attempt: None means shown but unanswered (scores 0), a missing
    key means the question was not in that attempt (left out of its statistics). Items come in the order
    of `max_scores`; `questions` (id -> question dict) gives the random guess scores.
    """
    _check(matrix, max_scores)
    totals = [math.fsum(score or 0.0 for score in row.values()) for row in matrix]
    items: list[ItemStats] = []
    variances: list[float | None] = []
    for qid, top in max_scores.items():
        marks = [float(row[qid] or 0.0) for row in matrix if qid in row]
        others = [
            total - float(row[qid] or 0.0) for row, total in zip(matrix, totals, strict=True) if qid in row
        ]
        question = (questions or {}).get(qid)
        stats, variance = _item(
            qid, top, marks, others, None if question is None else random_guess_score(question)
        )
        items.append(stats)
        if stats.n:
            variances.append(variance)
    return _test(totals, math.fsum(max_scores.values()), variances), items


MIN_RELIABLE = 10  # fewer first attempts than this: discrimination and the thirds say little
TYPED_SHOWN = 5  # typed answers (numeric, short, cloze, matching): the most common ones, then "other"
NO_ANSWER = "(no answer)"
OTHER = "(other answers)"


@dataclass(frozen=True)
class ResponseCount:
    """One option (or typed answer) of a question: how many attempts chose it, and the share of all
    attempts, of the top third and of the bottom third by total score (percentages; None when the group
    is empty)."""

    label: str
    correct: bool
    count: int
    share: float | None
    top_share: float | None
    bottom_share: float | None


def _typed_label(answer: Any) -> str:
    if isinstance(answer, str):
        return " ".join(answer.split())
    if isinstance(answer, list):
        return " | ".join(_typed_label(a) for a in answer)
    if isinstance(answer, dict):
        return " | ".join(f"{k} → {_typed_label(v)}" for k, v in answer.items())
    return json.dumps(answer) if not isinstance(answer, int | float) else f"{answer:g}"


def response_analysis(
    question: dict, responses: Sequence[tuple[Any, float | None, float]]
) -> list[ResponseCount]:
    """Moodle's response analysis of one question over the attempts that included it.

    `responses`: (stored answer or None, fraction or None, the attempt's total score) per attempt. The
    attempts are ranked by total score; the top and bottom thirds are the first and last n // 3 (none when
    n < 3). mcq and tf count each option, multi each ticked option (so counts may sum past n); the typed
    types count the TYPED_SHOWN most common answers (right when their fraction is 1) and the rest as one
    row. A "(no answer)" row counts the blanks when there are any.
    """
    n = len(responses)
    ranked = sorted(range(n), key=lambda i: -responses[i][2])
    third = n // 3
    top = set(ranked[:third])
    bottom = set(ranked[n - third :]) if third else set()
    qtype = question.get("type")

    def chosen(answer: Any) -> list[str]:
        if answer is None:
            return [NO_ANSWER]
        if qtype == "tf":
            return ["True" if answer else "False"]
        if qtype == "multi":
            return [str(a) for a in answer] or [NO_ANSWER]
        return [str(answer) if qtype == "mcq" else _typed_label(answer)]

    picks = [chosen(answer) for answer, _, _ in responses]
    if qtype in ("mcq", "multi"):
        key = question.get("answer")
        right = set(key) if isinstance(key, list) else {key}
        labels = [(str(option), str(option) in right) for option in question.get("options", [])]
    elif qtype == "tf":
        labels = [("True", question.get("answer") is True), ("False", question.get("answer") is False)]
    else:
        counts = Counter(label for p in picks for label in p if label != NO_ANSWER)
        correct = {
            _typed_label(answer)
            for answer, fraction, _ in responses
            if answer is not None and (fraction or 0) >= 1
        }
        common = [label for label, _ in counts.most_common(TYPED_SHOWN)]
        labels = [(label, label in correct) for label in common]
        if len(counts) > TYPED_SHOWN:
            shown = set(common)
            picks = [[label if label in shown or label == NO_ANSWER else OTHER for label in p] for p in picks]
            labels.append((OTHER, False))
    if any(NO_ANSWER in p for p in picks):
        labels.append((NO_ANSWER, False))

    def share(label: str, group: Sequence[int] | set[int]) -> float | None:
        if not group:
            return None
        return 100 * sum(1 for i in group if label in picks[i]) / len(group)

    everyone = range(n)
    return [
        ResponseCount(
            label,
            correct,
            sum(1 for p in picks if label in p),
            share(label, everyone),
            share(label, top),
            share(label, bottom),
        )
        for label, correct in labels
    ]


@dataclass(frozen=True)
class HandGraded:
    """A question a person grades (essay): no options to count, only how far the grading has got."""

    graded: int
    pending: int
    blank: int


def hand_graded_summary(responses: Sequence[tuple[Any, float | None, float]]) -> HandGraded:
    """`responses` as for response_analysis: graded ones have a fraction, pending ones an answer and none."""
    blank = sum(1 for answer, _, _ in responses if answer is None)
    pending = sum(1 for answer, fraction, _ in responses if answer is not None and fraction is None)
    return HandGraded(graded=len(responses) - blank - pending, pending=pending, blank=blank)


def to_json(test: TestStats, items: Sequence[ItemStats]) -> dict:
    """A JSON-ready dict: {"test": {...}, "items": [{...}, ...]}, None as null."""
    return {"test": asdict(test), "items": [asdict(item) for item in items]}
