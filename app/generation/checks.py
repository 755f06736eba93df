"""Automatic item-writing checks (Haladyna et al.) run on every candidate: each gives True, or a short
reason why the candidate fails it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from app.articles.document import IngestedArticle
from app.generation.distractors import implied_by
from app.generation.drafts import Draft
from app.generation.figures import Figure, parse_option
from app.generation.phrasing import MARK
from app.generation.quality import tickers

CHECK_NAMES = (
    "answer_in_source",
    "one_answer",
    "options_distinct",
    "options_homogeneous",
    "option_count",
    "no_all_none",
    "self_contained",
    "not_near_duplicate",
    "not_excluded",
    "respects_comparisons",
    "no_giveaway",
)
NEAR_DUPLICATE_RATIO = 90  # stems this similar (same type) ask the same thing…
SAME_STEM_RATIO = 97  # …when their answers agree, or whatever the answers when the stems are this close
STEM_LENGTH = (20, 420)
CO_CORRECT_RATIO = 0.02  # 4.99 % and 5 %, a rounded and an exact figure: both defensible
LENGTH_RATIO, LENGTH_SLACK = 3.0, 12  # options' lengths: within this ratio, or this many characters
_PRONOUN_START = re.compile(r"^[\"“']?(?:It|Its|This|That|These|Those|They|Their|He|She|His|Her|Them)\b")
_META_REFERENCE = re.compile(
    r"\b(?:this|the (?:above|following)) (?:sentence|passage|paragraph|excerpt)\b", re.I
)
_ALL_NONE = re.compile(r"\b(?:all|none|both|neither) of (?:the )?(?:above|these|options)\b", re.I)


def norm(text: str) -> str:
    """Casefold, straighten quotes and fold spaces, so comparisons ignore typography."""
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"}))
    return " ".join(text.casefold().split())


def _contains(haystack: str, needle: str) -> bool:
    return bool(needle) and norm(needle) in norm(haystack)


@dataclass
class CheckContext:
    """The article and the stems already accepted above this candidate (for near-duplicates)."""

    article: IngestedArticle
    earlier: list[tuple[str, str, str, str]] = field(default_factory=list)  # (id, type, stem, answer key)

    def __post_init__(self) -> None:
        self._cleaned = norm(self.article.cleaned_text)

    def in_article(self, text: str) -> bool:
        return norm(text) in self._cleaned

    def says_with(self, frame: str, option: str) -> bool:
        """Does the article say the framed statement with `option` in the blank?

        Compared on the few words either side of the blank, so that one changed name or figure in a
        long sentence is not taken for the same statement."""
        left, _, right = frame.partition(MARK)
        left_ctx = re.search(r"(?:\S+\s+){0,3}$", left)
        right_ctx = re.match(r"^\S*(?:\s+\S+){0,3}", right)
        phrases = []
        if left_ctx and len(left_ctx.group(0).split()) >= 2:
            phrases.append(left_ctx.group(0) + option)
        if right_ctx and len(right_ctx.group(0).split()) >= 2:
            phrases.append(option + right_ctx.group(0))
        return any(norm(p) in self._cleaned for p in phrases)


def answer_key(question: dict[str, Any]) -> str:
    answer = question["answer"]
    if isinstance(answer, list):
        return norm(str(answer[0]))
    if isinstance(answer, dict):
        return norm(str(answer.get("value", "")))
    return norm(str(answer))


def _source_text(question: dict[str, Any], ctx: CheckContext) -> str:
    texts = [question["source"]["quote"]]
    for sid in question["source"].get("also", []):
        seg = ctx.article.by_sid(sid)
        if seg:
            texts.append(seg.text)
    return " ".join(texts)


def _answer_in_source(q: dict[str, Any], d: Draft, ctx: CheckContext) -> bool | str:
    source = _source_text(q, ctx)
    kind = q["type"]
    if kind == "mcq":
        found = _contains(source, q["answer"]) or _contains(source, d.fact)
    elif kind == "short":
        found = any(_contains(source, a) for a in q["answer"])
    elif kind == "cloze":
        found = all(any(_contains(source, v) for v in variants) for variants in q["answer"])
    elif kind == "numeric":
        fig: Figure = d.info["figure"]
        found = _contains(source, fig.number)
    elif kind == "tf":
        found = _contains(source, d.info["true_text"])
        if found and q["answer"] is False and _contains(source, d.info["shown"]):
            return f"the falsified text “{d.info['shown']}” is in the source"
    elif kind == "matching":
        # A pair item may be reworded ("CEO of Leapmotor" for "Leapmotor CEO"): its words must be there.
        words = set(re.findall(r"\w{3,}", norm(source)))
        missing = [
            p[s]
            for p in q["answer"]
            for s in ("left", "right")
            if not set(re.findall(r"\w{3,}", norm(p[s]))) <= words
        ]
        return True if not missing else f"“{missing[0]}” is not in the quoted source"
    else:
        found = _contains(source, d.fact)
    return True if found else "the answer does not appear in the quoted source"


def _distractors(q: dict[str, Any]) -> list[str]:
    return [o for o in q.get("options", []) if o != q["answer"]]


def _one_answer(q: dict[str, Any], d: Draft, ctx: CheckContext) -> bool | str:
    quote = q["source"]["quote"]
    kind, option_kind = q["type"], d.info.get("option_kind")
    fig: Figure | None = d.info.get("figure")
    others: list[Figure] = [f for f in d.info.get("sentence_figures", []) if f is not fig]
    if kind == "mcq" and option_kind == "figure" and fig is not None:
        for option in _distractors(q):
            parsed = parse_option(option)
            if parsed is None:
                continue
            if any(parsed.same_value(o) for o in others):
                return f"{option} is another figure of the source sentence"
            answer_fig = parse_option(q["answer"])
            near = answer_fig is not None and answer_fig.magnitude and parsed.magnitude
            if near and abs(parsed.magnitude - answer_fig.magnitude) <= CO_CORRECT_RATIO * abs(
                answer_fig.magnitude
            ):
                return f"{option} is within {CO_CORRECT_RATIO:.0%} of the answer: a reader could defend it"
            if parsed.magnitude is not None and implied_by(fig, parsed.magnitude):
                return f"{option} is also true given “{option_text_of(fig, quote)}”"
    elif kind == "mcq" and option_kind == "entity":
        aliases = {norm(a) for a in d.info.get("aliases", [])}
        given = tickers(ctx.article.cleaned_text)  # "Starbucks (NASDAQ: SBUX)": SBUX is Starbucks
        answer = str(q["answer"])
        aliases |= {norm(t) for t, company in given.items() if company in answer or t == answer}
        aliases |= {norm(company) for t, company in given.items() if t == answer}
        for option in _distractors(q):
            if norm(option) in aliases:
                return f"{option} is another name for the answer"
            if re.search(rf"(?<!\w){re.escape(option)}(?!\w)", quote):
                return f"{option} is also named in the source sentence"
            frame = d.info.get("frame")
            if frame and ctx.says_with(frame, option):
                return f"the article also says this of {option}"
    elif kind == "mcq" and option_kind == "phrase":
        for option in _distractors(q):
            if _contains(quote, option):
                return f"“{option}” also appears in the source sentence"
    elif kind == "numeric" and fig is not None:
        answer = q["answer"]
        tol = answer["tolerance"] * (abs(answer["value"]) if answer["tolerance_mode"] == "relative" else 1)
        for other in others:
            same_unit = other.kind == fig.kind and other.value is not None and other.scale == fig.scale
            if same_unit and abs(other.value - answer["value"]) <= tol:
                return f"{other.number} from the same sentence is also within the tolerance"
    elif kind == "cloze" and fig is not None:
        texts = {norm(quote[o.core_start : o.core_end]) for o in others}
        for variant in q["answer"][0]:
            if norm(variant) in texts:
                return f"“{variant}” is another figure of the source sentence"
    elif kind == "tf" and q["answer"] is False:
        frame = d.info.get("frame")
        if frame and ctx.says_with(frame, d.info["shown"]):
            return "the falsified statement is stated in the article"
    return True


def option_text_of(fig: Figure, quote: str) -> str:
    return quote[fig.start : fig.end]


def _option_key(option: str) -> str:
    parsed = parse_option(option)
    if parsed is not None and parsed.magnitude is not None:
        currency, qualifier = parsed.currency.upper(), parsed.qualifier.lower()
        return f"{parsed.kind}:{currency}:{parsed.magnitude:.6g}:{parsed.unit}:{qualifier}"
    return re.sub(r"[^\w%$€£¥]+", " ", norm(option)).strip()


def _options_distinct(q: dict[str, Any]) -> bool | str:
    options = q.get("options", [])
    keys = [_option_key(o) for o in options]
    if len(set(keys)) != len(keys):
        return "two options say the same after normalising value and unit"
    texts = [o for o in options if parse_option(o) is None]
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if fuzz.ratio(norm(a), norm(b)) >= 95:
                return f"“{a}” and “{b}” are nearly the same"
    return True


def _options_homogeneous(q: dict[str, Any]) -> bool | str:
    options = q.get("options", [])
    if not options:
        return True
    parsed = [parse_option(o) for o in options]
    if any(parsed) and not all(parsed):
        return "some options are figures and some are not"
    if all(parsed):
        families = {(p.kind, p.currency.upper(), p.unit) for p in parsed if p}
        if len(families) > 1:
            return "options mix kinds or units of figure"
    lengths = [len(o) for o in options]
    if max(lengths) > LENGTH_RATIO * min(lengths) and max(lengths) - min(lengths) > LENGTH_SLACK:
        return "option lengths differ too much"
    return True


def _option_count(q: dict[str, Any]) -> bool | str:
    if q["type"] != "mcq":
        return True
    n = len(q["options"])
    return True if 3 <= n <= 4 else f"{n} options (want 3–4)"


def _no_all_none(q: dict[str, Any]) -> bool | str:
    bad = [o for o in q.get("options", []) if _ALL_NONE.search(o)]
    return True if not bad else f"option “{bad[0]}”"


def _self_contained(q: dict[str, Any]) -> bool | str:
    stem = q["stem"]
    lo, hi = STEM_LENGTH
    if not lo <= len(stem) <= hi:
        return f"stem length {len(stem)} outside {lo}–{hi}"
    if _META_REFERENCE.search(stem):
        return "stem refers to 'this sentence/passage'"
    bodies = [re.sub(r"^According to the article,\s*", "", stem)]
    bodies += re.findall(r"“([^”]+)”", stem)
    bodies += [m.group(1) for m in re.finditer(r"^Complete the statement from the article: (.*)$", stem)]
    for body in bodies:
        if _PRONOUN_START.match(body.strip()):
            return f"starts with a pronoun without antecedent: “{body[:30]}…”"
    return True


def _not_near_duplicate(q: dict[str, Any], ctx: CheckContext) -> bool | str:
    stem, key = norm(q["stem"]), answer_key(q)
    for other_id, other_type, other_stem, other_key in ctx.earlier:
        if other_type != q["type"]:
            continue
        ratio = fuzz.ratio(stem, other_stem)
        if ratio >= SAME_STEM_RATIO or (ratio >= NEAR_DUPLICATE_RATIO and key == other_key):
            return f"near duplicate of {other_id}"
    return True


def _not_excluded(q: dict[str, Any], ctx: CheckContext) -> bool | str:
    source = q["source"]
    for sid in [source["sentence_id"], *source.get("also", [])]:
        seg = ctx.article.by_sid(sid)
        if seg is None:
            return f"sentence {sid} is not in the article"
        if seg.excluded or seg.kind != "sentence":
            return f"sentence {sid} is excluded ({seg.reason or seg.kind})"
    if not ctx.in_article(source["quote"]):
        return "the quote is not in the article's cleaned text"
    return True


def _respects_comparisons(q: dict[str, Any], d: Draft) -> bool | str:
    limits = d.info.get("limits")
    if q["type"] != "mcq" or limits is None:
        return True
    for option in _distractors(q):
        parsed = parse_option(option)
        if parsed is not None and not limits.allows(parsed.magnitude):
            return f"{option} contradicts a comparison stated in the stem"
    return True


def _no_giveaway(q: dict[str, Any], d: Draft) -> bool | str:
    stem = norm(q["stem"])
    if q["type"] in ("mcq", "short"):
        answer = q["answer"] if q["type"] == "mcq" else q["answer"][0]
    elif q["type"] == "cloze":
        answer = q["answer"][0][0]
    elif q["type"] == "numeric":
        answer = d.info["figure"].number
    else:
        return True
    if re.search(rf"(?<![\w$]){re.escape(norm(answer))}(?!\w)", stem):
        return f"the stem contains the answer “{answer}”"
    return True


def run_checks(q: dict[str, Any], d: Draft, ctx: CheckContext) -> dict[str, bool | str]:
    """Every check on one candidate, in CHECK_NAMES order."""
    return {
        "answer_in_source": _answer_in_source(q, d, ctx),
        "one_answer": _one_answer(q, d, ctx),
        "options_distinct": _options_distinct(q),
        "options_homogeneous": _options_homogeneous(q),
        "option_count": _option_count(q),
        "no_all_none": _no_all_none(q),
        "self_contained": _self_contained(q),
        "not_near_duplicate": _not_near_duplicate(q, ctx),
        "not_excluded": _not_excluded(q, ctx),
        "respects_comparisons": _respects_comparisons(q, d),
        "no_giveaway": _no_giveaway(q, d),
    }
