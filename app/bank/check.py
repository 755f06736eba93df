"""Check a question bank against its articles (provenance) and the item-writing rules (Haladyna et al.).

Pure: questions as plain dicts, articles as `IngestedArticle`s; returns errors and warnings, writes nothing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.articles.document import EXCLUSION_REASONS, IngestedArticle
from app.bank.yamlio import BankError, QuestionLocation, validate_question
from app.qtypes.schema import MCQ, Cloze, Essay, Multi, Numeric, Question, Short, Source

BANK = "<bank>"  # the `file` of findings about the bank as a whole
MAX_POSITION_SHARE = 0.40  # above this share of mcq answers at one position, the bank is unbalanced
MIN_MCQ_FOR_BALANCE = 5  # fewer mcq questions than this cannot be judged for balance
LENGTH_RATIO = 2.5  # longest/shortest option length above this (and LENGTH_GAP chars apart) is heterogeneous
LENGTH_GAP = 25
LONGEST_RATIO = 1.5  # the answer being this much longer than the mean distractor gives it away

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})
_ALL_NONE = re.compile(r"\b(all|none|both|neither) of the (above|below|options|answers)\b", re.IGNORECASE)


def normalise(text: str) -> str:
    """Whitespace folded and curly quotes made straight: the form in which quotes are compared."""
    return " ".join(text.translate(_QUOTES).split())


@dataclass
class CheckReport:
    """Errors make `bank check` fail and `bank load` refuse; warnings are shown and allowed."""

    errors: list[BankError] = field(default_factory=list)
    warnings: list[BankError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class _ArticleIndex:
    """An article's included sentences, normalised and joined, with the span of each in the joined text."""

    article: IngestedArticle
    text: str
    spans: list[tuple[int, int, str]]  # (start, end, sid) in `text`

    @classmethod
    def build(cls, article: IngestedArticle) -> _ArticleIndex:
        parts, spans, offset = [], [], 0
        for segment in article.sentences:
            norm = normalise(segment.text)
            spans.append((offset, offset + len(norm), segment.sid))
            parts.append(norm)
            offset += len(norm) + 1
        return cls(article, " ".join(parts), spans)

    def sentences_covering(self, quote: str) -> list[list[str]]:
        """For each occurrence of the normalised quote, the ids of the sentences it spans."""
        found, at = [], self.text.find(quote)
        while at != -1:
            end = at + len(quote)
            found.append([sid for start, stop, sid in self.spans if start < end and stop > at])
            at = self.text.find(quote, at + 1)
        return found


def _mismatch(quote: str, text: str) -> str:
    """Where a quote stops matching the article: its longest prefix that occurs, then both continuations."""
    low, high = 0, len(quote)
    while low < high:  # the longest prefix of `quote` found in `text` (prefix occurrence is monotone)
        mid = (low + high + 1) // 2
        if quote[:mid] in text:
            low = mid
        else:
            high = mid - 1
    if low < 10:
        return "no part of its beginning occurs in the article's included text"
    at = text.find(quote[:low]) + low
    before = quote[max(0, low - 30) : low]
    return (
        f"it matches the article for {low} of {len(quote)} characters, up to …{before!r}; "
        f"then the quote has {quote[low : low + 30]!r} where the article has {text[at : at + 30]!r}"
    )


def _check_source(
    question: Question, index: _ArticleIndex | None, slug_list: str, loc: QuestionLocation
) -> list[BankError]:
    qid, source = question.id, question.source
    if source is None:
        return [loc.error("source", "no source; cite the article, sentence_id and an exact quote", qid)]
    if index is None:
        return [loc.error("source.article", f"unknown article {source.article!r}; known: {slug_list}", qid)]
    errors: list[BankError] = []
    article = index.article
    covering = index.sentences_covering(normalise(source.quote))
    found_in = f"; the quote is in {' or '.join('+'.join(sids) for sids in covering)}" if covering else ""
    for path, sid in [("source.sentence_id", source.sentence_id)] + [
        (f"source.also[{i}]", sid) for i, sid in enumerate(source.also)
    ]:
        segment = article.by_sid(sid)
        if segment is None:
            errors.append(
                loc.error(path, f"no sentence {sid!r} in article {source.article!r}{found_in}", qid)
            )
        elif segment.excluded:
            reason = EXCLUSION_REASONS.get(segment.reason or "", segment.reason or "excluded")
            message = f"sentence {sid} is excluded ({reason}); questions may not draw on excluded text"
            errors.append(loc.error(path, message, qid))
        elif segment.kind != "sentence":
            errors.append(loc.error(path, f"segment {sid} is a {segment.kind}, not a sentence", qid))
    if not errors:  # where the quote lies only matters once every cited sentence is valid
        errors.extend(_check_cited(source, covering, loc, qid))
    errors.extend(_check_quote(source, index, covering, loc, qid))
    errors.extend(_check_offsets(source, article, loc, qid))
    return errors


def _check_quote(
    source: Source, index: _ArticleIndex, covering: list[list[str]], loc: QuestionLocation, qid: str
) -> list[BankError]:
    if covering:
        return []
    quote = normalise(source.quote)
    excluded = [s.sid for s in index.article.excluded if quote in normalise(s.text)]
    if excluded:
        where = ", ".join(excluded)
        message = f"the quote comes from excluded text ({where}); quote an included sentence"
    else:
        message = f"quote not found in article {source.article!r}: {_mismatch(quote, index.text)}"
    return [loc.error("source.quote", message, qid)]


def _check_cited(
    source: Source, covering: list[list[str]], loc: QuestionLocation, qid: str
) -> list[BankError]:
    cited = {source.sentence_id, *source.also}
    if not covering or any(set(sids) <= cited for sids in covering):
        return []
    where = " or ".join("+".join(sids) for sids in covering)
    named = ", ".join([source.sentence_id, *source.also])
    message = f"the quote is not in sentence {named}; it is in {where} (list extra sentences in source.also)"
    return [loc.error("source.sentence_id", message, qid)]


def _check_offsets(
    source: Source, article: IngestedArticle, loc: QuestionLocation, qid: str
) -> list[BankError]:
    if source.start is None and source.end is None:
        return []
    if source.start is None or source.end is None or source.end <= source.start:
        return [loc.error("source.start", "give both start and end (end > start), or neither", qid)]
    span = article.text[source.start : source.end]
    if normalise(span) != normalise(source.quote):
        message = f"article text at [{source.start}:{source.end}] is {span[:60]!r}, not the quote"
        return [loc.error("source.start", message, qid)]
    return []


def _lint_options(question: MCQ | Multi, loc: QuestionLocation) -> tuple[list[BankError], list[BankError]]:
    errors, warnings, qid = [], [], question.id
    for i, option in enumerate(question.options):
        if _ALL_NONE.search(option):
            message = f"option {option!r}: no 'all/none of the above'; write a real alternative"
            errors.append(loc.error(f"options[{i}]", message, qid))
    lengths = [len(o) for o in question.options]
    if max(lengths) > LENGTH_RATIO * min(lengths) and max(lengths) - min(lengths) > LENGTH_GAP:
        spread = f"{min(lengths)}–{max(lengths)} characters"
        message = f"options differ in length ({spread}); make them homogeneous"
        warnings.append(loc.error("options", message, qid))
    if isinstance(question, MCQ):
        if len(question.options) > 4:
            message = f"{len(question.options)} options; the item-writing rules ask for 3–4"
            warnings.append(loc.error("options", message, qid))
        others = [len(o) for o in question.options if o != question.answer]
        mean_other = sum(others) / len(others)
        if len(question.answer) > max(others) and len(question.answer) > LONGEST_RATIO * mean_other:
            message = "the answer is by far the longest option, which gives it away; even out the lengths"
            warnings.append(loc.error("answer", message, qid))
        pattern = r"(?<!\w)" + re.escape(normalise(question.answer).casefold()) + r"(?!\w)"
        if re.search(pattern, normalise(question.stem).casefold()):
            message = f"the stem contains the answer {question.answer!r}; it gives the answer away"
            warnings.append(loc.error("stem", message, qid))
    return errors, warnings


def _lint_numeric(question: Numeric, loc: QuestionLocation) -> tuple[list[BankError], list[BankError]]:
    errors, warnings, qid = [], [], question.id
    answer = question.answer
    if not (math.isfinite(answer.value) and math.isfinite(answer.tolerance)):
        errors.append(loc.error("answer.value", "value and tolerance must be finite numbers", qid))
    if answer.multiplier != 1 and not answer.unit:
        message = f"multiplier {answer.multiplier:g} without a unit; say the scale, e.g. 'US$ million'"
        errors.append(loc.error("answer.unit", message, qid))
    if answer.tolerance_mode == "relative" and answer.tolerance >= 1:
        message = f"relative tolerance {answer.tolerance:g} accepts answers off by {answer.tolerance:.0%}"
        warnings.append(loc.error("answer.tolerance", message, qid))
    return errors, warnings


def _lint_cloze(question: Cloze, loc: QuestionLocation) -> tuple[list[BankError], list[BankError]]:
    warnings = []
    for i, variants in enumerate(question.answer):
        repeated = [v for v, n in Counter(normalise(v).casefold() for v in variants).items() if n > 1]
        if repeated:
            message = f"blank {i + 1} repeats variant {repeated[0]!r}"
            warnings.append(loc.error(f"answer[{i}]", message, question.id))
    return [], warnings


def _lint_short(question: Short, loc: QuestionLocation) -> tuple[list[BankError], list[BankError]]:
    repeated = [v for v, n in Counter(normalise(v).casefold() for v in question.answer).items() if n > 1]
    if repeated:
        return [], [loc.error("answer", f"accepted answer {repeated[0]!r} is listed twice", question.id)]
    return [], []


def _lint_essay(question: Essay, loc: QuestionLocation) -> tuple[list[BankError], list[BankError]]:
    warnings = []
    if question.status == "approved" and not question.rubric:
        message = "no rubric; say what earns the points so graders agree (e.g. '- names both sides (2)')"
        warnings.append(loc.error("rubric", message, question.id))
    if question.status == "approved" and not question.answer:
        message = (
            "no model answer (answer); write one grounded in the article for graders and the review page"
        )
        warnings.append(loc.error("answer", message, question.id))
    return [], warnings


def _no_lint(question: Question, loc: QuestionLocation) -> tuple[list[BankError], list[BankError]]:
    return [], []


# Type-specific rules per registered type: (errors, warnings).
LINTS: dict[str, Callable[[Any, QuestionLocation], tuple[list[BankError], list[BankError]]]] = {
    "mcq": _lint_options,
    "multi": _lint_options,
    "tf": _no_lint,
    "numeric": _lint_numeric,
    "cloze": _lint_cloze,
    "matching": _no_lint,
    "short": _lint_short,
    "essay": _lint_essay,
}


def _lint(question: Question, loc: QuestionLocation) -> tuple[list[BankError], list[BankError]]:
    """Rules the schema cannot express: item-writing lint and type-specific sanity."""
    errors, warnings = LINTS[question.type](question, loc)
    if question.status == "approved" and not question.explanation:
        message = "no explanation; say why the answer is right and why a tempting distractor is wrong"
        warnings.append(loc.error("explanation", message, question.id))
    return errors, warnings


def mcq_positions(questions: Sequence[Mapping[str, Any]]) -> Counter[int]:
    """How many mcq questions (not retired) have their answer at each 0-based option position."""
    return Counter(
        q["options"].index(q["answer"])
        for q in questions
        if q.get("type") == "mcq" and q.get("status") != "retired" and q.get("answer") in q.get("options", [])
    )


def _balance(questions: Sequence[Mapping[str, Any]]) -> list[BankError]:
    positions = mcq_positions(questions)
    total = sum(positions.values())
    if total < MIN_MCQ_FOR_BALANCE or max(positions.values()) <= MAX_POSITION_SHARE * total:
        return []
    shares = ", ".join(f"{'ABCDE'[p]} {n / total:.0%}" for p, n in sorted(positions.items()))
    message = (
        f"correct-option positions are unbalanced across {total} mcq questions ({shares}); "
        f"no position should hold more than {MAX_POSITION_SHARE:.0%}: reorder some options"
    )
    return [BankError(BANK, None, None, message)]


def check_bank(
    questions: Sequence[Mapping[str, Any]],
    articles: Mapping[str, IngestedArticle],
    locations: Mapping[str, QuestionLocation] | None = None,
) -> CheckReport:
    """Check every question: schema, provenance in `articles` (by slug) and item-writing rules.

    `locations` (from `read_bank_dir`) puts file and line on each finding; without it findings name
    the question's index in `questions`. Retired questions are not checked against articles.
    """
    report = CheckReport()
    indexes = {slug: _ArticleIndex.build(article) for slug, article in articles.items()}
    slug_list = ", ".join(sorted(articles)) or "none"
    first_index: dict[str, int] = {}
    for i, data in enumerate(questions):
        qid = data.get("id") if isinstance(data.get("id"), str) else None
        unlocated = QuestionLocation("<questions>", i, None)
        if qid is not None and qid in first_index:
            loc = unlocated
            message = f"duplicate id {qid!r}; also q[{first_index[qid]}]"
            report.errors.append(loc.error("id", message, qid))
            continue
        loc = (locations or {}).get(qid or "") or unlocated
        if qid is not None:
            first_index[qid] = i
        question, errors = validate_question(data, loc)
        report.errors.extend(errors)
        if question is None:
            continue
        errors, warnings = _lint(question, loc)
        report.errors.extend(errors)
        report.warnings.extend(warnings)
        if question.status != "retired":
            article = indexes.get(question.source.article) if question.source else None
            report.errors.extend(_check_source(question, article, slug_list, loc))
    report.warnings.extend(_balance(questions))
    return report
