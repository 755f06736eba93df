"""Draft questions of every type from what the extractors found: figures, entities and their roles,
partnership arrangements, risks and conditionals. A draft becomes a candidate once ranked and checked."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.articles.document import Segment
from app.generation import nlp, phrasing, quality
from app.generation.clauses import looks_personal
from app.generation.distractors import (
    Limits,
    Option,
    arrange,
    figure_options,
    pick_phrases,
    place,
)
from app.generation.entities import (
    DEMONYMS,
    NOUN_BY_KIND,
    WH_BY_KIND,
    EntityIndex,
    Mention,
    organisations,
)
from app.generation.figures import MONTHS, SCALES, VAGUE_LADDER, Figure, core_text, option_text
from app.generation.partnerships import (
    ARRANGEMENT_POOL,
    Pair,
    appointments,
    arrangement_labels,
    arrangement_targets,
    brand_partners,
    contributions,
    label_of,
    model_users,
    partnership_score,
)
from app.generation.risks import POOLS, conditionals, cue_scores, risk_phrases
from app.qtypes.schema import slugify

TOPIC_FIGURES = "key-figures"
TOPIC_PARTNERSHIPS = "partnership-models"
TOPIC_RISKS = "strategic-risks"
TOPIC_COMPREHENSION = "comprehension"
_NUMERIC_KINDS = ("money", "percent", "count", "distance", "per-share", "year")
_COMPARATORS = (
    (re.compile(r"\b(?:below|under|lower than|less than|short of|behind|smaller than)\b"), "below"),
    (
        re.compile(
            r"\b(?:above|over|higher than|more than|exceeds?|exceeding|ahead of|beyond|larger than)\b"
        ),
        "above",
    ),
)
_TAG_KIND = {"per-share": "per-share-price", "percent": "percentage"}
_YEAR_PREPOSITION = re.compile(
    r"\b(?:in|by|since|until|from|of|for|to|before|after|through|between|during)\s+$"
)
_RANGE = re.compile(r"^\s*(?:to|-|–|and)\s*$")


@dataclass
class Draft:
    """A question before ranking: the stem and answer are final; MCQ options wait for a position."""

    type: str
    topic: str
    stem: str
    answer: Any
    sid: str
    kind: str  # the answer kind used for ranking (figure kind, "entity", "role", "risk"…)
    importance: float
    explanation: str
    difficulty: str
    tags: list[str]
    fact: str  # the text of the source the answer rests on
    also: tuple[str, ...] = ()
    # MCQ only: position of the answer → (options in order, explanation, distractors used)
    # MCQ only: position of the answer → (options in order, explanation, feedback on each distractor)
    arrange: Callable[[int], tuple[list[str], str, dict[str, str]]] | None = None
    info: dict[str, Any] = field(default_factory=dict)  # what the checks need to know


@dataclass
class Facts:
    """Everything the drafters share about one article."""

    sentences: list[Segment]
    ctx: phrasing.Sentences
    index: EntityIndex
    figures: dict[str, list[Figure]]
    importance: dict[str, float]
    _truth: list[bool] = field(default_factory=list)
    _stated: set[str] = field(default_factory=set)
    # Figures by family (kind, currency, scale, unit), one per value, with where each comes from.
    _pool: dict[tuple[str, str, str, str], list[tuple[Figure, str, str]]] = field(default_factory=dict)
    name_words: set[str] = field(default_factory=set)  # the words of the article's names (typo check)
    surnames: set[str] = field(default_factory=set)
    outlet_names: set[str] = field(default_factory=set)  # outlets, regulators, products (never options)
    _orgs: tuple[set[str] | None] | None = None  # organisations(), once computed
    word_counts: Counter[str] = field(default_factory=Counter)  # how often the article writes each word

    def __post_init__(self) -> None:
        self.outlet_names = quality.non_companies([s.text for s in self.sentences])
        self.word_counts = Counter(w for s in self.sentences for w in re.findall(r"\w+", s.text))
        self.name_words = {
            w
            for e in self.index.entities.values()
            for n in (e.name, *e.aliases)
            for w in n.split()
            if len(w) >= 5
        }
        # "Gelsinger" alone is a person's surname, never a company option.
        self.surnames = {e.name.split()[-1] for e in self.index.entities.values() if e.kind == "person"}
        seen: set[tuple[tuple[str, str, str, str], float]] = set()
        for seg in self.sentences:
            for fig in self.figures[seg.sid]:
                if fig.magnitude is None or (fig.family(), fig.magnitude) in seen:
                    continue
                seen.add((fig.family(), fig.magnitude))
                note = phrasing.tidy_end(seg.text).strip()  # the figure's own sentence, cited in feedback
                self._pool.setdefault(fig.family(), []).append((fig, seg.sid, note))

    def figures_like(self, fig: Figure, sid: str) -> list[tuple[Figure, str]]:
        """Other figures of the article from the same family, outside sentence `sid`."""
        return [(f, note) for f, where, note in self._pool.get(fig.family(), []) if where != sid]

    def claim_statement(self, statement: str) -> bool:
        """True the first time a true/false statement is built on this (true) text; one per clause."""
        key = " ".join(statement.casefold().split())
        if key in self._stated:
            return False
        self._stated.add(key)
        return True

    def organisations(self) -> set[str] | None:
        """Company-kind entities positively known to be organisations (see entities.organisations); None
        without the English pipeline (then the index's kinds are all there is). Computed once."""
        if self._orgs is None:
            texts = {s.sid: s.text for s in self.sentences}
            self._orgs = (organisations(self.index, texts, nlp.entity_labels),)
        return self._orgs[0]

    def next_truth(self) -> bool:
        """True/false statements alternate in the order they are drafted, so the set stays balanced."""
        value = len(self._truth) % 2 == 0
        self._truth.append(value)
        return value

    def by_sid(self, sid: str) -> Segment:
        return next(s for s in self.sentences if s.sid == sid)


def slug_tag(text: str) -> str | None:
    tag = slugify(text)
    return tag if len(tag) >= 2 else None


def _tags(*values: str) -> list[str]:
    tags: list[str] = []
    for value in values:
        tag = slug_tag(value)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _entity_tags(index: EntityIndex, text: str) -> list[str]:
    names = [
        e.name
        for e in sorted(index.entities.values(), key=lambda e: (-e.count, e.name))
        if e.kind == "company"
    ]
    return [n for n in names if n in text and re.search(rf"\b{re.escape(n)}\b", text)][:2]


def sentence_topic(text: str) -> str:
    cues = cue_scores(text)
    partnership = partnership_score(text)
    if cues["risk"] >= 0.45 and cues["risk"] >= partnership:
        return TOPIC_RISKS
    if partnership >= 0.4:
        return TOPIC_PARTNERSHIPS
    if cues["risk"] >= 0.45:
        return TOPIC_RISKS
    return TOPIC_COMPREHENSION


def states(text: str) -> str:
    """'The article states: “…”.' with the statement trimmed to a readable length."""
    body = text if len(text) <= 320 else text[:317].rsplit(" ", 1)[0] + "…"
    return f"The article states: “{phrasing.tidy_end(body)}”."


# Figures ----------------------------------------------------------------------------------------


def limits_for(fig: Figure, others: list[Figure], text: str) -> Limits:
    """Comparisons the sentence states between this figure and another of the same kind."""
    below = above = None
    for other in others:
        if other is fig or other.kind != fig.kind or other.magnitude is None:
            continue
        first, second = (fig, other) if fig.end <= other.start else (other, fig)
        between = text[first.end : second.core_start]
        if len(between) > 60 or ";" in between:
            continue
        if _RANGE.match(between):
            # "60 to 90 days": the first end of a range stays below the second.
            if first is fig:
                below = other.magnitude if below is None else min(below, other.magnitude)
            else:
                above = other.magnitude if above is None else max(above, other.magnitude)
            continue
        for pattern, relation in _COMPARATORS:
            if pattern.search(between):
                first_is_lower = relation == "below"
                fig_is_lower = first_is_lower if first is fig else not first_is_lower
                if fig_is_lower:
                    below = other.magnitude if below is None else min(below, other.magnitude)
                else:
                    above = other.magnitude if above is None else max(above, other.magnitude)
                break
    return Limits(below, above)


def order_of(fig: Figure) -> float:
    """A number that sorts options of one kind the way a reader would."""
    if fig.kind == "date":
        return float((fig.year or 2000) * 400 + MONTHS.index(fig.month) * 32 + fig.day)
    if fig.kind == "vague":
        return float(VAGUE_LADDER.index(fig.number))
    if fig.kind == "multiple":
        return float(fig.value or 0.0)
    return float(fig.magnitude or 0.0)


def _figure_wh(fig: Figure, text: str) -> tuple[str | None, str | None]:
    """(wh-phrase asked in place of the figure, rewrite for 'a <figure> <noun>'); None → completion."""
    if fig.kind == "money":
        return "what amount", "worth how much"
    if fig.kind == "per-share":
        return "what price per share", None
    if fig.kind == "percent":
        return "what percentage", None
    if fig.kind in ("count", "distance") and fig.unit:
        return f"how many {fig.unit}", f"of how many {fig.unit}"
    if fig.kind == "year":
        # "in which year" reads well; "Q1 which year revenue" or "the which year average" do not.
        return ("which year", None) if _YEAR_PREPOSITION.search(text[: fig.start]) else (None, None)
    if fig.kind == "date":
        return "what date", None
    return None, None


def _completion_noun(fig: Figure) -> str:
    return {"date": "date", "year": "year"}.get(fig.kind, "figure")


def unit_label(fig: Figure) -> str:
    """The unit a numeric answer is given in: 'US$ million', 'million vehicles', '%'."""
    if fig.kind == "percent":
        return "%"
    if fig.kind in ("money", "per-share"):
        label = (
            f"{fig.currency} {fig.scale}".strip()
            if not fig.currency_after
            else f"{fig.scale} {fig.currency}".strip()
        )
        return f"{label} per share" if fig.kind == "per-share" else label
    if fig.kind == "year":
        return ""
    return f"{fig.scale} {fig.unit}".strip()


def figure_variants(fig: Figure) -> list[str]:
    """Accepted spellings of a figure blank: '10.6%', '10.6 percent', '10.6'."""
    core = core_text(fig)
    variants = [core]
    number = fig.number
    plain = number.replace(",", "")
    if fig.kind == "percent":
        variants += [f"{number}%", f"{number} percent", f"{number} per cent", number]
    elif fig.kind in ("money", "per-share"):
        scale = f" {fig.scale}" if fig.scale else ""
        if fig.currency.endswith("$") and fig.currency != "$":
            variants.append(f"${number}{scale}")  # "US$534 million" is also written "$534 million"
        variants += [f"{number}{scale}", f"{plain}{scale}"]
        if fig.scale and not fig.currency_after:
            short = {"million": "m", "billion": "bn", "thousand": "k", "trillion": "tn"}[fig.scale]
            gap = " " if fig.currency[-1].isalpha() else ""
            variants += [f"{fig.currency}{gap}{number}{short}", f"{fig.currency}{gap}{number} {short}"]
    elif fig.kind in ("count", "distance"):
        variants += [number, plain]
        if fig.scale:
            full = f"{fig.value * SCALES[fig.scale]:,.0f}" if fig.value is not None else ""
            short = {"million": "m", "billion": "bn", "thousand": "k", "trillion": "tn"}[fig.scale]
            variants += [f"{number} {fig.scale}", f"{number}{short}", full, full.replace(",", "")]
    elif fig.kind == "date":
        variants += [f"{fig.day} {fig.month}" + (f" {fig.year}" if fig.year else ""), core.replace(",", "")]
        variants += [core.replace(fig.month, fig.month[:3])]
    elif fig.kind == "multiple" and fig.value:
        numbers = {2.0: ["2 times", "two times", "double"], 3.0: ["3 times", "three times", "triple"]}
        variants += numbers.get(fig.value, [])
    seen: list[str] = []
    for v in variants:
        v = v.strip()
        if v and v.casefold() not in (s.casefold() for s in seen):
            seen.append(v)
    return seen


def option_feedback(d: Option, answer: str) -> str:
    """Why a figure distractor is wrong, from why it was chosen: another figure of the article (its own
    sentence cited) or a value near the answer that the article does not state."""
    if d.origin == "article":
        return (
            f"Another figure from the article, stated for something else: “{d.note}.” Here it gives {answer}."
        )
    return f"A value near the answer that the article does not state; it gives {answer}."


def _why_wrong(d: Option, answer: str) -> str:
    if d.origin == "article":
        return (
            f"{d.text} is tempting because a similar figure appears in the article, "
            f"but there it describes something else ({d.note})."
        )
    return f"{d.text} may look plausible, but the article gives {answer}."


def figure_drafts(facts: Facts, seg: Segment, fig: Figure) -> list[Draft]:
    others = facts.figures[seg.sid]
    article_figs = facts.figures_like(fig, seg.sid)
    limits = limits_for(fig, others, seg.text)
    surface = seg.text[fig.start : fig.end]
    answer = option_text(fig)
    imp = facts.importance[seg.sid]
    kind_tag = _TAG_KIND.get(fig.kind, fig.kind)
    tags = _tags("generated", kind_tag, *_entity_tags(facts.index, seg.text))
    common = {"figure": fig, "sentence_figures": others, "limits": limits, "option_kind": "figure"}
    same_kind = [option_text(o) for o in others if o is not fig and o.kind == fig.kind]
    # The tempting wrong answer of a free-response item is the other figure of the same kind nearby.
    confusable = (
        f" Do not confuse it with {same_kind[0]}, which the sentence gives for something else."
        if same_kind
        else ""
    )
    drafts: list[Draft] = []

    fr = phrasing.frame(seg, fig.start, fig.end, facts.ctx)
    wh, attributive = _figure_wh(fig, seg.text)
    stem = phrasing.in_situ(fr, wh, attributive_noun_wh=attributive) if fr and wh else None
    blank_end = fig.core_end if fig.kind in ("count", "distance", "per-share") else fig.end
    completion_frame = phrasing.frame(seg, fig.start, blank_end, facts.ctx)
    if stem is None and completion_frame:
        stem = phrasing.completion(completion_frame, _completion_noun(fig))
    elif completion_frame:
        # The fallback when the question form puts the blank inside a phrase (see quality.py).
        common["completion_stem"] = phrasing.completion(completion_frame, _completion_noun(fig))
    true_statement = phrasing.statement(fr, surface) if fr else seg.text
    below, above = figure_options(fig, others, article_figs, limits)

    if stem and len(below) + len(above) >= 2:

        def arrange_figure(position: int) -> tuple[list[str], str, dict[str, str]]:
            options, chosen = arrange(answer, order_of(fig), below, above, position)
            tempting = sorted(chosen, key=lambda o: (o.origin != "article", abs(o.order - order_of(fig))))
            explanation = states(true_statement)
            if tempting:
                explanation += " " + _why_wrong(tempting[0], answer)
            return options, explanation, {o.text: option_feedback(o, answer) for o in chosen}

        difficulty = "easy" if fig.kind in ("year", "date") else "medium"
        drafts.append(
            Draft("mcq", TOPIC_FIGURES, stem, answer, seg.sid, fig.kind, imp, "", difficulty, tags, surface,
                  arrange=arrange_figure, info=dict(common))
        )  # fmt: skip

    if stem and fig.kind in _NUMERIC_KINDS and fig.value is not None:
        unit = unit_label(fig)
        if fig.kind == "year":
            ask = " Give the year."
        elif not unit:
            ask = " Give the number."
        elif unit == "%":
            ask = " Give the number in percent."
        else:
            ask = f" Give the number in {unit}."
        if fig.bound in ("lower", "upper", "approx"):
            ask += " Give the figure the article states."
        if fig.kind == "year":
            tolerance, mode = 0.0, "absolute"
        elif fig.bound == "approx":
            tolerance, mode = 0.05, "relative"
        else:
            tolerance, mode = 0.005, "relative"
        numeric_answer = {
            "value": fig.value,
            "tolerance": tolerance,
            "tolerance_mode": mode,
            "unit": unit,
            "multiplier": fig.multiplier if fig.kind != "year" else 1.0,
        }
        shown_answer = f"{fig.number}%" if unit == "%" else f"{fig.number} {unit}".strip()
        explanation = states(true_statement) + f" The answer is {shown_answer}." + confusable
        drafts.append(
            Draft("numeric", TOPIC_FIGURES, stem + ask, numeric_answer, seg.sid, fig.kind, imp, explanation,
                  "hard", tags, surface, info=dict(common))
        )  # fmt: skip

    cloze_frame = phrasing.frame(seg, fig.core_start, fig.core_end, facts.ctx)
    if cloze_frame:
        variants = figure_variants(fig)
        drafts.append(
            Draft("cloze", TOPIC_FIGURES, phrasing.cloze(cloze_frame), [variants], seg.sid, fig.kind, imp,
                  states(true_statement) + confusable, "medium", tags, seg.text[fig.core_start : fig.core_end],
                  info=dict(common, variants=variants))
        )  # fmt: skip

    if fr and (below or above) and facts.claim_statement(true_statement):
        # A bound ("less than 20,000") is not contradicted by another bound on the same side, so it is
        # only asked as a true statement.
        truth = True if fig.bound in ("lower", "upper") else facts.next_truth()
        perturbed = [o for pair in zip(above, below, strict=False) for o in pair if o.origin == "perturbed"]
        wrong = (perturbed or [*above, *below])[0]
        noun = f" {fig.unit}" if fig.has_noun else (" per share" if fig.kind == "per-share" else "")
        shown = surface if truth else wrong.text + noun
        body = fr.text.replace(phrasing.MARK, shown)
        stem_tf = phrasing.according(body, fr.proper_start, question=False)
        if truth:
            explanation = f"True. {states(true_statement)}"
        else:
            explanation = (
                f"False. The article gives {surface}, not {wrong.text + noun}. {states(true_statement)}"
            )
        drafts.append(
            Draft("tf", TOPIC_FIGURES, stem_tf, truth, seg.sid, fig.kind, imp, explanation, "easy", tags, surface,
                  info=dict(common, shown=shown, true_text=surface, frame=fr.text))
        )  # fmt: skip
    return drafts


# Entities ---------------------------------------------------------------------------------------


# Capitalised words that name no company, person or place of the case: never an answer or an option.
NOT_ENTITIES = frozenset(
    (
        "JV",
        "JVs",
        "U.S",
        "U.S.",
        "US",
        "UK",
        "EU",
        "EV",
        "EVs",
        "CEO",
        "CFO",
        "COO",
        "CTO",
        "AI",
        "IPO",
        "ADS",
    )
    + ("ADR", "GWh", "OTT", "TV")
)


def entity_distractors(facts: Facts, answer_key: str, kind: str, exclude: set[str]) -> list[str]:
    """Other entities of the same kind, most-named first; never the answer or an excluded one. Company
    options must be organisations decided positively (suffix or NER), never a place, product or ticker."""
    orgs = facts.organisations() if kind == "company" else None
    others = [
        e
        for e in facts.index.entities.values()
        if e.kind == kind
        and e.name != answer_key
        and e.name not in exclude
        and e.name not in NOT_ENTITIES
        and (orgs is None or e.name in orgs)
        and not (kind == "company" and (looks_personal(e.name) or e.name in facts.surnames))
        and not (
            kind in ("company", "institution", "brand")
            and quality.implausible_entity(e.name, outlet_names=facts.outlet_names, caps=facts.ctx.names)
        )
    ]
    return [e.name for e in sorted(others, key=lambda e: (-e.count, e.first, e.name))]


def _entity_targets(facts: Facts, seg: Segment) -> list[tuple[Mention, int, int]]:
    """Up to two mentions worth asking about (rarer entities first), with the span to blank."""
    chosen: list[tuple[Mention, int, int]] = []
    seen: set[str] = set()
    orgs = facts.organisations()
    mentions = facts.index.mentions.get(seg.sid, [])
    ranked = sorted(mentions, key=lambda m: (facts.index.entities[m.key].count, m.start))
    text = seg.text
    for m in ranked:
        if m.kind == "company" and looks_personal(m.key):
            continue  # "Tom Hale will become chairman": most likely a person the index took for a company
        if m.kind == "company" and orgs is not None and m.key not in orgs:
            continue  # not positively an organisation: neither asked as "which company" nor swapped in a statement
        if m.key in seen or m.kind in ("product", "person") or m.key in NOT_ENTITIES:
            # People are asked about through their titles (role questions).
            continue
        before, after = text[: m.start], text[m.end :]
        if re.match(r"\s+(?:CEO|Chief|President|Chairman|Founder|founder|chief|president)\b", after):
            continue  # "Orion Chief Executive Laura Chen": the company is part of a title
        if re.search(r"(?:[’']s|[A-Z][a-z]+ of)\s+$", before):
            continue  # "Huawei's Hongmeng…", "Professor Ji Xuehong of …": asked through the owner or the role
        if before.count('"') % 2 or before.count("“") != before.count("”"):
            continue
        if re.search(r"[A-Z][\w-]*\s+(?:(?:de|da|van|von|al|bin|le|la|du|del)\s+)?$", before):
            continue  # "Luca de Meo", "Honda Motor": the mention is part of a longer name
        if re.search(r"[A-Z][\w.-]*,\s+$", before) or re.match(r",\s+(?:and\s+|or\s+)?[A-Z]", after):
            continue  # "Warren, Ohio, and Spring Hill": never a blank inside a list
        if re.match(
            r"\s+(?:executives?|officials?|spokes\w+|unit|division|plant|shares|shareholders|board|chief|chair\w*"
            r"|CEO|president|founder|parent|subsidiary|battery)\b",
            after,
        ):
            continue  # "a senior Honda executive": the name modifies a noun, it is not the thing asked about
        if re.search(r"\b(?:and|or)\s+$", before) or re.match(r"\s+(?:and|or)\s+\S", after):
            continue  # "Sony and Honda": never a blank beside its partner in a pair or a list
        if not before.strip() and re.match(r",", after):
            continue  # "Honda, maker of …, is dealing with …": the apposition would follow the blank
        if re.search(r",\s+$", before) and re.match(r",", after):
            continue  # "another alliance partner, Mitsubishi Motors, will…": an apposition, not a clause
        if (
            re.search(r"\bsuch as (?:[A-Z][\w-]*,? )*(?:and |or )?$", before)
            or re.match(r",? (?:and|or) [A-Z]", after)
            and "such as" in before[-40:]
        ):
            continue
        start, end = m.start, m.end
        if m.kind == "place":
            prep = re.search(r"\b(?:in|at)\s+$", before)
            if not prep or not re.match(r"\s*(?:[.;:]|,\s+[a-z]|$)", after):
                continue
            start = prep.start()
        brand_word = re.match(r"\s+brand\b", after)
        if m.kind == "brand" and brand_word:
            end = m.end + brand_word.end()
        seen.add(m.key)
        chosen.append((m, start, end))
        if len(chosen) == 2:
            break
    return chosen


# "in Danish offshore wind farm developer Orsted", "purchase of designer platform Figma": the common noun in
# front of the name says what the name is. Such a name is not asked for (entity_drafts): "developer which
# company" is not English, and reviewers rejected all 7 "which Danish offshore wind farm developer" rewrites.
_DESCRIPTOR_LINKS = frozenset({"compound", "amod", "nmod"})
_MAX_DESCRIPTOR = 5  # words


def descriptor_before(text: str, start: int, end: int) -> tuple[int, str] | None:
    """(where it starts, its words) of the common-noun phrase right before the name at [start, end) that
    says what the name is ("offshore wind farm developer", "smaller Japanese rival"), or None."""
    docs = nlp.parse([text])
    if not docs:
        return None
    doc = docs[0]
    first = next((t for t in doc if t.idx == start), None)
    if first is None or first.i == 0:
        return None
    name_end = max(t.i for t in doc if start <= t.idx < end)
    words = []
    i = first.i - 1
    while i >= 0 and len(words) < _MAX_DESCRIPTOR:
        token = doc[i]
        # a modifier of the description or of the name: "current Intel CFO" describes the CFO, not Intel
        linked = token.dep_ in _DESCRIPTOR_LINKS and token.i < token.head.i <= name_end
        appositive = not words and first.dep_ == "appos" and first.head.i == token.i
        if not (linked or appositive) or not re.fullmatch(r"[A-Za-z][a-z-]*|[A-Z]{2,4}", token.text):
            break
        if token.text[0].isupper() and token.text not in DEMONYMS and not token.text.isupper():
            break  # a name ("Honda Motor"), not a description
        words.insert(0, token)
        i -= 1
    if (
        not words
        or not words[-1].text.islower()
        or not (words[-1].tag_.startswith("NN") or words[-1].dep_ == "compound")
    ):
        return None  # the last word must be the noun that says what the name is: "developer", "rival"
    before = doc[words[0].i - 1] if words[0].i else None
    if (
        before is not None
        and before.lower_ not in ("the", "a", "an")
        and not _OPENS_PHRASE.match(before.tag_)
    ):
        return None  # "The Times and The Sun publisher", "Abu Dhabi sovereign investor": part of it left
    if before is not None and before.tag_ == "VBP" and before.i and doc[before.i - 1].tag_ == "NNP":
        return None  # "Abu Dhabi sovereign investor": a plural verb after one name is a misread adjective
    left = min(t.left_edge.i for t in words)
    if left < words[0].i and doc[left].lower_ not in ("the", "a", "an"):
        return None  # "Consumer goods giant", "tech and entertainment giant": the whole phrase or nothing
    return words[0].idx, " ".join(t.text for t in words)


# What may stand right before the description: a preposition, a verb, "to", punctuation.
_OPENS_PHRASE = re.compile(r"IN|VB\w?|TO|[,:;(]|``|''|-LRB-|HYPH|RB")


def _similar_length(answer: str, names: list[str]) -> list[str]:
    """Names whose length keeps the options homogeneous with the answer."""
    return [
        n
        for n in names
        if max(len(n), len(answer)) <= 3 * min(len(n), len(answer)) or abs(len(n) - len(answer)) <= 10
    ]


def entity_drafts(facts: Facts, seg: Segment) -> list[Draft]:
    topic = sentence_topic(seg.text)
    imp = facts.importance[seg.sid]
    drafts: list[Draft] = []
    in_sentence = facts.index.keys_in(seg.sid)
    for m, start, end in _entity_targets(facts, seg):
        described = (
            m.kind in ("company", "institution") and descriptor_before(seg.text, start, m.end) is not None
        )
        fr = phrasing.frame(seg, start, end, facts.ctx)
        if not fr:
            continue
        entity = facts.index.entities[m.key]
        if any(re.search(rf"\b{re.escape(n)}\b", fr.text) for n in (entity.name, *entity.aliases)):
            continue  # named again elsewhere in the clause: the stem would give the answer away
        stem = phrasing.in_situ(fr, WH_BY_KIND[m.kind])
        if not stem:
            continue
        # "the Hongqi brand" is asked as "which brand", so the options read "Hongqi brand".
        suffix = seg.text[m.end : end] if m.kind == "brand" else ""
        answer = entity.name + suffix
        names = [n + suffix for n in (entity.name, *entity.aliases)]
        surface = seg.text[start:end]
        true_statement = phrasing.statement(fr, surface)
        distractors = [d + suffix for d in entity_distractors(facts, m.key, m.kind, in_sentence)]
        distractors = _similar_length(answer, distractors)
        tags = _tags("generated", NOUN_BY_KIND[m.kind], *_entity_tags(facts.index, seg.text))
        info = {"option_kind": "entity", "frame": fr.text, "aliases": names, "kind": m.kind}
        if (
            described
        ):  # not asked (descriptor_before); its true/false turn is still taken, as the others' follow
            if distractors and m.kind != "place" and facts.claim_statement(true_statement):
                facts.next_truth()
            continue
        if len(distractors) >= 2 and m.kind != "place":
            chosen = distractors[:3]

            def arrange_entity(
                position: int,
                chosen: list[str] = chosen,
                answer: str = answer,
                fact: str = true_statement,
                noun: str = NOUN_BY_KIND[m.kind],
            ) -> tuple[list[str], str, dict[str, str]]:
                explanation = (
                    f"{states(fact)} {chosen[0]} is also named in the article, but not in this role."
                )
                feedback = {
                    c: f"Another {noun} named in the article, in a comparable role; here the article names {answer}."
                    for c in chosen
                }
                return place(answer, chosen, position), explanation, feedback

            drafts.append(
                Draft("mcq", topic, stem, answer, seg.sid, "entity", imp, "", "easy", tags, m.text,
                      arrange=arrange_entity, info=dict(info))
            )  # fmt: skip
        if distractors and m.kind != "place" and facts.claim_statement(true_statement):
            truth = facts.next_truth()
            shown = surface if truth else distractors[0]
            body = fr.text.replace(phrasing.MARK, shown)
            stem_tf = phrasing.according(
                body, fr.proper_start or fr.text.startswith(phrasing.MARK), question=False
            )
            explanation = (
                f"True. {states(true_statement)}"
                if truth
                else f"False: the article names {answer}, not {distractors[0]}. {states(true_statement)}"
            )
            drafts.append(
                Draft("tf", topic, stem_tf, truth, seg.sid, "entity", imp, explanation, "easy", tags, m.text,
                      info=dict(info, shown=shown, true_text=m.text))
            )  # fmt: skip
        if m.kind in ("institution", "place") or len(distractors) < 2:
            answers = [m.text, surface, *entity.aliases] if m.kind == "place" else [m.text, *names]
            drafts.append(
                Draft("short", topic, stem, _unique(answers), seg.sid, "entity", imp, states(true_statement),
                      "hard", tags, m.text, info=dict(info))
            )  # fmt: skip
    return drafts


def _unique(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        if v and v.casefold() not in (o.casefold() for o in out):
            out.append(v)
    return out


# Partnership arrangements, risks, conditionals ---------------------------------------------------


def _phrase_drafts(
    facts: Facts,
    seg: Segment,
    start: int,
    end: int,
    *,
    topic: str,
    kind: str,
    noun: str,
    distractors: list[str],
    tag: str,
) -> list[Draft]:
    fr = phrasing.frame(seg, start, end, facts.ctx)
    if not fr:
        return []
    answer = seg.text[start:end]
    imp = facts.importance[seg.sid]
    true_statement = phrasing.statement(fr, answer)
    tags = _tags("generated", tag, *_entity_tags(facts.index, seg.text))
    info = {"option_kind": "phrase"}
    drafts: list[Draft] = []
    if len(distractors) >= 2:
        chosen = distractors[:3]

        def arrange_phrase(position: int) -> tuple[list[str], str, dict[str, str]]:
            explanation = (
                f"{states(true_statement)} “{chosen[0]}” is a plausible {noun}, "
                "but not the one the article names here."
            )
            feedback = {c: f"A plausible {noun}, but the article names “{answer}” here." for c in chosen}
            return place(answer, chosen, position), explanation, feedback

        drafts.append(
            Draft("mcq", topic, phrasing.completion(fr, noun), answer, seg.sid, kind, imp, "", "medium", tags,
                  answer, arrange=arrange_phrase, info=dict(info))
        )  # fmt: skip
    drafts.append(
        Draft("cloze", topic, phrasing.cloze(fr), [[answer]], seg.sid, kind, imp, states(true_statement), "medium",
              tags, answer, info=dict(info, variants=[answer]))
    )  # fmt: skip
    return drafts


def arrangement_drafts(facts: Facts, seg: Segment) -> list[Draft]:
    targets = arrangement_targets(seg.text)
    if not targets:
        return []
    start, end = targets[0]
    answer = seg.text[start:end]
    labels = arrangement_labels(seg.text) | {label_of(answer)}
    pool = [phrase for phrase, _ in ARRANGEMENT_POOL]
    distractors = pick_phrases(answer, pool, seg.text, labels, label_of)
    return _phrase_drafts(
        facts, seg, start, end, topic=TOPIC_PARTNERSHIPS, kind="arrangement", noun="arrangement",
        distractors=distractors, tag="arrangement",
    )  # fmt: skip


def risk_drafts(facts: Facts, seg: Segment, article_phrases: dict[str, list[str]]) -> list[Draft]:
    drafts: list[Draft] = []
    for phrase in risk_phrases(seg.text)[:2]:
        # The fixed pool first: another phrase of the article may say nearly the same thing.
        pool = [*POOLS[phrase.pool], *article_phrases.get(phrase.pool, [])]
        distractors = pick_phrases(phrase.text, pool, seg.text, preferred=len(POOLS[phrase.pool]))
        drafts += _phrase_drafts(
            facts, seg, phrase.start, phrase.end, topic=TOPIC_RISKS, kind="risk", noun=phrase.noun,
            distractors=distractors, tag="risk",
        )  # fmt: skip
    return drafts


def conditional_drafts(facts: Facts) -> list[Draft]:
    """'If C, E' statements, true as written or false with another conditional's consequence."""
    found = [(seg, cond) for seg in facts.sentences if (cond := conditionals(seg.text))]
    if len(found) < 2:
        return []
    drafts: list[Draft] = []
    for i, (seg, (cause, effect)) in enumerate(found):
        other_effect = found[(i + 1) % len(found)][1][1]
        if other_effect.casefold() == effect.casefold():
            continue
        truth = facts.next_truth()
        shown = effect if truth else other_effect
        stem = f"According to the article, if {phrasing.tidy_end(cause)}, {phrasing.tidy_end(shown)}."
        frame = f"If {cause}, {phrasing.MARK}"
        fact_text = f"If {cause}, {effect}"
        explanation = (
            f"True. {states(fact_text)}"
            if truth
            else f"False: that consequence belongs to another condition. {states(fact_text)}"
        )
        topic = TOPIC_RISKS if cue_scores(seg.text)["risk"] >= 0.45 else TOPIC_COMPREHENSION
        tags = _tags("generated", "cause-effect", *_entity_tags(facts.index, seg.text))
        drafts.append(
            Draft("tf", topic, stem, truth, seg.sid, "conditional", facts.importance[seg.sid], explanation, "medium",
                  tags, effect, info={"option_kind": "phrase", "shown": shown, "true_text": effect, "frame": frame})
        )  # fmt: skip
    return drafts


# Roles and matching ------------------------------------------------------------------------------


def _role_phrase(role: str) -> str:
    words = role.split()
    if words and not words[0].isupper():
        words[0] = words[0].lower()
    return " ".join(words)


_POLITICAL_TITLE = re.compile(
    r"^(?:(?:vice|deputy)\s+)?(?:president|prime minister|premier|chancellor|minister|secretary|governor|mayor"
    r"|king|queen|senator|ambassador)\b",
    re.IGNORECASE,
)
_COUNTRY_ABBREVIATIONS = frozenset({"US", "U.S.", "USA", "U.S.A.", "UK", "U.K.", "EU", "America", "Britain"})


def _head_of_state(role: str, facts: Facts) -> bool:
    """A political office of a country or a place ("President of US", "Prime Minister of Japan")."""
    found = re.search(r"\b(?:of|at)\s+(?:the\s+)?(?P<org>.+)$", role)
    if not found or not _POLITICAL_TITLE.match(role):
        return False
    org = found.group("org").strip()
    entity = facts.index.entities.get(org)
    return org in _COUNTRY_ABBREVIATIONS or (entity is not None and entity.kind == "place")


def role_drafts(facts: Facts) -> list[Draft]:
    drafts: list[Draft] = []
    for role in facts.index.roles:
        entity = facts.index.entities.get(role.entity)
        if entity is None:
            continue
        seg = facts.by_sid(role.sid)
        imp = facts.importance[seg.sid]
        tags = _tags("generated", "role", *_entity_tags(facts.index, seg.text))
        fact = f"{entity.name}: {role.role}"
        names = _unique([entity.name, *entity.aliases])
        if entity.kind == "person":
            if not re.search(r"\b(?:of|at)\s", role.role):
                continue  # "who is the CEO?" needs the organisation to be answerable
            if _head_of_state(role.role, facts):
                continue  # "who is the president of US?": general knowledge, not the case
            stem = f"According to the article, who is the {_role_phrase(role.role)}?"
            parts = entity.name.split()
            answers = _unique([*names, " ".join(reversed(parts))] if len(parts) == 2 else names)
            drafts.append(
                Draft("short", TOPIC_PARTNERSHIPS, stem, answers, seg.sid, "role", imp,
                      f"{states(seg.text)} {entity.name} is the {_role_phrase(role.role)}.", "medium", tags,
                      entity.name,
                      info={"option_kind": "entity", "aliases": names, "kind": "person"})
            )  # fmt: skip
            continue
        if role.relation == "relative":
            stem = f"According to the article, which {NOUN_BY_KIND[entity.kind]} {role.role}?"
        elif role.relation == "as-role":
            stem = f"According to the article, which {NOUN_BY_KIND[entity.kind]} is described as {role.role}?"
        else:
            stem = f"According to the article, which {NOUN_BY_KIND[entity.kind]} is {role.role}?"
        same_role = {r.entity for r in facts.index.roles if r.role.casefold() == role.role.casefold()}
        # Not one the role itself names ("backs Leapmotor" is not Leapmotor's role).
        named = {
            e.name for e in facts.index.entities.values() if any(n in role.role for n in (e.name, *e.aliases))
        }
        distractors = entity_distractors(facts, entity.name, entity.kind, same_role | named)
        info = {"option_kind": "entity", "aliases": names, "kind": entity.kind, "role": True}
        if len(distractors) >= 2:
            chosen = distractors[:3]

            def arrange_role(
                position: int, chosen: list[str] = chosen, answer: str = entity.name, text: str = seg.text
            ) -> tuple[list[str], str, dict[str, str]]:
                also = f"{chosen[0]} also appears in the article, but the description fits {answer}."
                explanation = f"{states(text)} {also}"
                feedback = {
                    c: f"Also named in the article, but the description fits {answer}." for c in chosen
                }
                return place(answer, chosen, position), explanation, feedback

            drafts.append(
                Draft("mcq", TOPIC_PARTNERSHIPS, stem, entity.name, seg.sid, "role", imp, "", "easy", tags, fact,
                      arrange=arrange_role, info=info)
            )  # fmt: skip
        else:
            drafts.append(
                Draft("short", TOPIC_PARTNERSHIPS, stem, names, seg.sid, "role", imp, states(seg.text), "medium",
                      tags, entity.name, info=info)
            )  # fmt: skip
    return drafts


def _matching(facts: Facts, pairs: list[Pair], stem: str, tag: str) -> Draft | None:
    lefts: list[str] = []
    kept: list[Pair] = []
    for p in pairs:
        if p.left.casefold() in (x.casefold() for x in lefts) or p.right.casefold() in (
            k.right.casefold() for k in kept
        ):
            continue
        lefts.append(p.left)
        kept.append(p)
    kept = kept[:5]
    if len(kept) < 2:
        return None
    sids = _unique([p.sid for p in kept])
    imp = max(facts.importance[s] for s in sids)
    answer = [{"left": p.left, "right": _cap_first(p.right[:300])} for p in kept]
    explanation = (
        "The article pairs them as follows: " + "; ".join(f"{a['left']} — {a['right']}" for a in answer) + "."
    )
    text = " ".join(facts.by_sid(s).text for s in sids)
    return Draft(
        "matching", TOPIC_PARTNERSHIPS, stem, answer, sids[0], "matching", imp, explanation, "medium",
        _tags("generated", tag, *_entity_tags(facts.index, text)), "", also=tuple(sids[1:]),
        info={"option_kind": "pairs"},
    )  # fmt: skip


def _cap_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def matching_drafts(facts: Facts) -> list[Draft]:
    index = facts.index
    roles = [Pair(r.entity, r.role, r.sid) for r in index.roles if r.entity in index.entities]
    candidates = [
        (roles, "Match each name with the role or description the article gives it.", "roles"),
        (brand_partners(facts.sentences),
         "Match each brand with the automaker it was launched with, according to the article.", "co-branding"),
        (contributions(facts.sentences, index),
         "Match each company with what it brings to the cooperation, according to the article.", "contributions"),
        (model_users(facts.sentences, index),
         "Match each model with the company the article links it to.", "business-models"),
    ]  # fmt: skip
    drafts = []
    for pairs, stem, tag in candidates:
        draft = _matching(facts, pairs, stem, tag)
        if draft:
            drafts.append(draft)
    return drafts


# Leadership changes ------------------------------------------------------------------------------

_APPOINTMENT = re.compile(
    r"\b(?:has |have |had |will )?(?P<verb>named|appointed|picked|chose|tapped|name|appoint)\s+(?P<who>.{3,160}?)"
    r"\s+as\s+(?:its\s+|the\s+|an?\s+)?(?P<role>(?:new\s+|interim\s+|acting\s+)?(?:[a-z][\w -]{2,60}?|[A-Z]{2,4}))"
    r"(?=\s+(?:while|after|from|effective|on|to|until|and|replacing|succeeding)\b|[,.;]|$)"
)


def leadership_drafts(facts: Facts, referents: dict[str, str]) -> list[Draft]:
    """'The company named A and B as interim co-chief executive officers' → 'According to the article, whom
    did Intel name as interim co-chief executive officers?' with the people named as the answer and pairs
    (or single names) of the article's other people as distractors; a short answer when there are too few.
    The company is the sentence's subject when it is an organisation, else the one the description before
    the verb stands for (`referents`)."""
    orgs = facts.organisations() or set()
    people = [
        e
        for e in facts.index.entities.values()
        if len(e.name.split()) >= 2
        and (e.kind == "person" or (e.kind == "company" and e.name not in orgs and looks_personal(e.name)))
    ]
    drafts: list[Draft] = []
    for seg in facts.sentences:
        m = _APPOINTMENT.search(seg.text)
        if not m:
            continue
        # (after a fronted phrase: "For now, the company has appointed …")
        subject = seg.text[: m.start()].strip().rsplit(", ", 1)[-1]
        named = [e.name for e in facts.index.entities.values() if e.name in orgs and subject.endswith(e.name)]
        if named:
            org = named[0]
        elif re.fullmatch(
            r"(?:The|the) (?:\w+ )?(?:company|firm|group|board|automaker|carmaker|chipmaker)", subject
        ):
            org = referents.get(seg.sid, "")
        else:
            continue
        # A description set off after the name is not one of the people: "Mary Winston, an industry
        # veteran and one of the recent additions to the board, as interim CEO".
        named_part = re.split(r",\s+(?:an?|the|one of|who)\s", m.group("who"), maxsplit=1)[0]
        who = [e.name for e in people if e.name in named_part]
        role = m.group("role").strip()
        if not org or not who or len(who) > 2 or len(role.split()) > 8:
            continue
        if len(who) == 1 and re.search(r"\band\b|,", named_part):
            continue  # "A and B": one of them is not a known person, the answer would be half of it
        answer = " and ".join(who)
        stem = f"According to the article, whom did {org} name as {role}?"
        tags = _tags("generated", "leadership", org)
        explanation = f"{states(seg.text)}"
        others = [e.name for e in sorted(people, key=lambda e: (-e.count, e.first)) if e.name not in who]
        if len(who) == 2:
            pool = [f"{who[0]} and {o}" for o in others] + [f"{o} and {who[1]}" for o in others]
            pool += [f"{a} and {b}" for i, a in enumerate(others) for b in others[i + 1 :]]
        else:
            pool = others
        distractors = pool[:3]
        info = {"option_kind": "entity", "aliases": [answer], "kind": "person"}
        if len(distractors) == 3:

            def arrange_people(
                position: int,
                chosen: list[str] = distractors,
                answer: str = answer,
                explanation: str = explanation,
            ) -> tuple[list[str], str, dict[str, str]]:
                feedback = {
                    c: f"Named in the article, but the article names {answer} for this role." for c in chosen
                }
                return place(answer, chosen, position), explanation, feedback

            drafts.append(
                Draft("mcq", TOPIC_PARTNERSHIPS, stem, answer, seg.sid, "leadership", facts.importance[seg.sid],
                      explanation, "medium", tags, m.group("who"), arrange=arrange_people, info=info)
            )  # fmt: skip
        else:
            answers = _unique([answer, " and ".join(reversed(who))])
            drafts.append(
                Draft("short", TOPIC_PARTNERSHIPS, stem, answers, seg.sid, "leadership", facts.importance[seg.sid],
                      explanation, "medium", tags, m.group("who"), info=info)
            )  # fmt: skip
    return drafts


# Who appoints the venture's managers -------------------------------------------------------------

_VENTURE_WORDS = re.compile(r"\b(?:the\s+)?(?P<owner>(?:new\s+)?joint\s+venture|venture|JV|new\s+company)\b")


def _post_with_owner(post: str, text: str, article: str) -> str | None:
    """The post with whose it is: as written ('the joint venture's chairman'), or with the venture the
    sentence names ('the chairman of the joint venture'), else the one venture the article names; None
    when neither says (or the article names ventures of several kinds)."""
    if "'" in post or "’" in post or re.search(r"\bof the\b.*\b(?:venture|JV)$", post):
        return post
    owner = _VENTURE_WORDS.search(text)
    if owner is None:
        kinds = {" ".join(o.group("owner").split()).casefold() for o in _VENTURE_WORDS.finditer(article)}
        if len(kinds - {"venture"}) != 1:
            return None  # no venture named, or more than one kind of it: whose post is not certain
        owner = _VENTURE_WORDS.search(article)
        assert owner is not None
    return f"{post} of the {' '.join(owner.group('owner').split())}"


def appointment_drafts(facts: Facts) -> list[Draft]:
    """'Orion will appoint the chief executive, while Vega will name the chairman' → 'According to the
    article, which company will appoint the chief executive of the joint venture?' with the article's other
    organisations as options (never one the article says fills the same post)."""
    found = appointments(facts.sentences, facts.index)
    article = " ".join(s.text for s in facts.sentences)
    drafts: list[Draft] = []
    for ap in found:
        seg = facts.by_sid(ap.sid)
        post = _post_with_owner(ap.post, seg.text, article)
        if post is None:
            continue
        same_post = {a.appointer for a in found if a.post.casefold() == ap.post.casefold()}
        if len(same_post) > 1:
            continue  # two companies said to fill one post: no single answer
        entity = facts.index.entities.get(ap.appointer)
        kind = entity.kind if entity else "company"
        # Not one the sentence names: the checks read any option written in the source as co-correct.
        in_sentence = facts.index.keys_in(seg.sid)
        distractors = entity_distractors(facts, ap.appointer, kind, same_post | in_sentence)[:3]
        if len(distractors) < 3:
            continue
        other_posts = {a.appointer: a.post for a in found if a.appointer != ap.appointer}
        stem = (
            f"According to the article, which {NOUN_BY_KIND.get(kind, 'organisation')} will {ap.act} {post}?"
        )
        explanation = states(seg.text)

        def arrange_appointer(
            position: int, chosen: list[str] = distractors, answer: str = ap.appointer,
            explanation: str = explanation, others: dict[str, str] = other_posts, post: str = post,
        ) -> tuple[list[str], str, dict[str, str]]:  # fmt: skip
            feedback = {
                c: (
                    f"The article says {c} will fill {others[c]}, not {post}."
                    if c in others
                    else f"Named in the article, but the article says {answer} will fill this post."
                )
                for c in chosen
            }
            return place(answer, chosen, position), explanation, feedback

        info = {"option_kind": "entity", "aliases": [ap.appointer], "kind": kind}
        drafts.append(
            Draft("mcq", TOPIC_PARTNERSHIPS, stem, ap.appointer, seg.sid, "structure", facts.importance[seg.sid],
                  explanation, "easy", _tags("generated", "structure", "governance", ap.appointer), ap.appointer,
                  arrange=arrange_appointer, info=info)
        )  # fmt: skip
    return drafts
