"""The generator's entry point: an ingested article in, ranked and checked candidates out, always in the
same order with the same ids (gen-{article_id}-{sha1(type + stem + answer)[:8]}); nothing random."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from app.articles.document import IngestedArticle, Segment
from app.generation import clauses, entities, nlp, phrasing, quality
from app.generation import drafts as dr
from app.generation.checks import CHECK_NAMES, CheckContext, answer_key, norm, run_checks
from app.generation.entities import index_entities, mid_sentence_caps
from app.generation.figures import extract_figures
from app.generation.phrasing import MARK, Sentences
from app.generation.ranking import (
    LEADERSHIP_CHANGE,
    PositionBalancer,
    focus,
    importance,
    main_entities,
    order_facts,
    score,
    trivia,
)
from app.generation.risks import risk_phrases
from app.qtypes.schema import SLUG_PATTERN, parse_question

MAX_SENTENCES = 400  # an enormous article is read up to here (noted in the report)
MAX_SENTENCE_CHARS = 1500  # longer "sentences" are extraction accidents and cannot be quoted whole
MIN_SENTENCE_WORDS = 5
FRAGMENT = "a stem without a finite verb (a fragment)"


@dataclass
class Candidate:
    """A generated question (validated shape, status "candidate") with its check results and score."""

    question: dict[str, Any]
    checks: dict[str, bool | str]
    score: float
    passed: bool
    fact: str = ""  # what the question tests: "{sentence id}:{answer}" (see fact_key)
    variants: list[Candidate] = field(default_factory=list)  # other questions on the same fact


class CandidateList(list[Candidate]):
    """One candidate per fact, best first (each with its `variants`), plus what report() needs to know
    about what was left out and why."""

    def __init__(self, items: list[Candidate], dropped: Counter[str], notes: list[str]) -> None:
        super().__init__(items)
        self.dropped = dropped
        self.notes = notes

    def all(self) -> list[Candidate]:
        """Every candidate: each fact's best question followed by its variants."""
        return [c for head in self for c in (head, *head.variants)]


def fact_key(d: dr.Draft) -> str:
    """The fact a draft tests: its sentence plus the answer's span (a figure's position, or the answer text),
    so that the MCQ, numeric, cloze and true/false questions on one figure or one name share a key."""
    fig = d.info.get("figure")
    if fig is not None:
        return f"{d.sid}:figure:{fig.start}"
    target = d.info.get("true_text") or d.fact or json.dumps(d.answer, sort_keys=True)
    return f"{d.sid}:{norm(str(target))}"


def make_id(article_id: str, qtype: str, stem: str, answer: Any) -> str:
    payload = qtype + stem + json.dumps(answer, sort_keys=True, ensure_ascii=False)
    return f"gen-{article_id}-{hashlib.sha1(payload.encode('utf-8'), usedforsecurity=False).hexdigest()[:8]}"


_ENGLISH_WORDS = frozenset(
    {
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "that",
        "for",
        "on",
        "with",
        "as",
        "was",
        "by",
        "at",
        "it",
        "its",
        "will",
        "said",
        "from",
        "has",
        "have",
        "are",
        "be",
        "an",
        "this",
        "which",
        "were",
        "would",
        "their",
        "than",
        "but",
        "not",
    }
)
MIN_ENGLISH_SHARE = 0.12  # English prose runs at 30–45 % of these words; other languages at a few percent


def _english_share(texts: list[str]) -> float:
    words = [w.lower() for t in texts for w in re.findall(r"[^\W\d_]+", t)]
    return sum(1 for w in words if w in _ENGLISH_WORDS) / len(words) if words else 1.0


def _shouting(text: str) -> bool:
    """Written in capitals (a press-release headline or an all-caps release): not quoted as written."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 20 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


def _usable(seg: Segment) -> bool:
    text = seg.text.strip()
    if text.count(" | ") >= 2 or "\t" in text or re.search(r"\S {3,}\S+ {3,}\S", text):
        return False  # a table row: its cells are not statements
    if _shouting(text):
        return False
    return (
        len(text) <= MAX_SENTENCE_CHARS and len(text.split()) >= MIN_SENTENCE_WORDS and not text.endswith("?")
    )


def _question(
    d: dr.Draft, qid: str, article_id: str, seg: Segment, options: list[str] | None
) -> dict[str, Any]:
    question: dict[str, Any] = {
        "id": qid,
        "type": d.type,
        "topic": d.topic,
        "stem": d.stem,
        "answer": d.answer,
        "explanation": d.explanation,
        "difficulty": d.difficulty,
        "tags": d.tags,
        "status": "candidate",
        "source": {
            "article": article_id,
            "sentence_id": seg.sid,
            "quote": seg.text,
            "start": seg.start,
            "end": seg.end,
        },
    }
    if options is not None:
        question["options"] = options
    if d.also:
        question["source"]["also"] = list(d.also)
    return question


def _collect(
    article: IngestedArticle, notes: list[str], dropped: Counter[str], parsed: dict[str, Any] | None = None
) -> tuple[dr.Facts, list[dr.Draft]]:
    usable = [s for s in article.sentences if _usable(s)]
    skipped = len(article.sentences) - len(usable)
    if skipped:
        dropped["sentence too long, too short, a question, a table row or in capitals"] += skipped
    shouting = sum(1 for s in article.sentences if _shouting(s.text))
    if shouting:
        notes.append(
            f"{shouting} sentence(s) written in capitals were left out: rewrite them in sentence case to ask about them"
        )
    if len(usable) > MAX_SENTENCES:
        notes.append(f"only the first {MAX_SENTENCES} of {len(usable)} usable sentences were read")
        usable = usable[:MAX_SENTENCES]
    if usable and _english_share([s.text for s in usable]) < MIN_ENGLISH_SHARE:
        notes.append(
            "the article does not read as English (few common English words): questions are generated from"
            " English text only; add an English version of the article"
        )
        usable = []
    docs = nlp.parse([s.text for s in usable])
    if docs is not None:
        kept = [(s, d) for s, d in zip(usable, docs, strict=True) if any(nlp.is_verb(t) for t in d)]
        if len(kept) < len(usable):
            dropped["fragment without a verb (a heading or a list item)"] += len(usable) - len(kept)
        usable, docs = [s for s, _ in kept], [d for _, d in kept]
        if parsed is not None:
            parsed.update((s.sid, d) for s, d in kept)
    index = index_entities(usable)
    main = main_entities(index)
    ctx = Sentences(
        usable,
        index,
        phrasing.lead_pair(usable, index, main),
        frozenset(mid_sentence_caps(usable, every_word=True)),
    )
    figures = {s.sid: extract_figures(s.text) for s in usable}
    imp = {s.sid: importance(s, len(usable), len(figures[s.sid]), index) for s in usable}
    facts = dr.Facts(usable, ctx, index, figures, imp)
    if not usable:
        notes.append("no included sentences to draw questions from")
    elif not any(figures.values()):
        notes.append("no figures found in the included sentences, so no key-figures questions")
    drafts: list[dr.Draft] = []
    article_phrases: dict[str, list[str]] = {}
    for seg in usable:
        for phrase in risk_phrases(seg.text):
            article_phrases.setdefault(phrase.pool, []).append(phrase.text)
    for seg in usable:
        for fig in figures[seg.sid]:
            found = dr.figure_drafts(facts, seg, fig)
            if not found:
                dropped["figure with no self-contained question"] += 1
            drafts += found
        drafts += dr.entity_drafts(facts, seg)
        drafts += dr.arrangement_drafts(facts, seg)
        drafts += dr.risk_drafts(facts, seg, article_phrases)
    drafts += dr.conditional_drafts(facts)
    drafts += dr.role_drafts(facts)
    drafts += dr.leadership_drafts(facts, _referents(facts))
    drafts += dr.appointment_drafts(facts)
    drafts += dr.matching_drafts(facts)
    drafts += _structure_drafts(facts, usable, docs, notes)
    kept = [d for d in drafts if not _noise(d, facts)]
    if len(kept) < len(drafts):
        dropped["currency conversion, ticker, byline or publication date"] += len(drafts) - len(kept)
    return facts, kept


_CONVERSION = re.compile(r"\(\s*(?:about|approximately|approx\.|around|roughly|some)?\s*$")
_TICKER = re.compile(r"^\.[A-Z]{1,2}\b|^\s*\)|^[A-Z]")
_BYLINE = re.compile(r"^(?:By [A-Z][\w.]*(?: [A-Z][\w.]*){0,3}|date \d{4}-\d\d-\d\d)\b")
_PUBLISHED = re.compile(r"\b(?:published|updated|posted|first appeared)\b", re.IGNORECASE)


def _noise(d: dr.Draft, facts: dr.Facts) -> bool:
    """Currency conversions, stock tickers, bylines and publication dates: nothing a case is about."""
    text = facts.by_sid(d.sid).text
    if _BYLINE.match(text):
        return True
    fig = d.info.get("figure")
    if fig is None:
        return False
    before, after = text[: fig.start], text[fig.end :]
    if fig.kind in ("money", "per-share") and _CONVERSION.search(before):
        money_before = [f for f in facts.figures[d.sid] if f.end <= fig.start and f.kind == "money"]
        if money_before:
            return True  # "5 billion yen ($37.52 million)": the same amount in another currency
    if re.match(r"^\.[A-Z]{1,2}\b", after) or re.search(r"\b(?:NYSE|Nasdaq|TSE|HKEX|SSE):\s*$", before):
        return True  # "SoftBank Group Corp 9984.T", "(NYSE: TM)"
    return fig.kind in ("date", "year") and bool(_PUBLISHED.search(text))


def _full_name(facts: dr.Facts, name: str) -> str:
    """The longest way the article writes an entity that extends its canonical name ("Northwind Batteries"
    for "Northwind"), so that the options read alike."""
    entity = facts.index.entities.get(name)
    if entity is None:
        return name
    longer = [a for a in entity.aliases if a.startswith(name + " ") and len(a.split()) <= 4]
    return max(longer, key=len) if longer else name


def _structure_drafts(
    facts: dr.Facts, usable: list[Segment], docs: list[Any] | None, notes: list[str]
) -> list[dr.Draft]:
    """'Why' questions from cause and purpose clauses, and 'which company / who' questions about what a
    sentence's subject does, read from the parse (see clauses.py)."""
    if docs is None:
        notes.append("the English pipeline (spaCy) is not installed: no 'why' or subject questions")
        return []
    article_text = " ".join(s.text for s in usable)
    found = [(seg, doc, c) for seg, doc in zip(usable, docs, strict=True) for c in clauses.causes(seg, doc)]
    all_causes = [c for _, _, c in found]
    pool = [r for seg, doc in zip(usable, docs, strict=True) for r in clauses.reason_pool(seg, doc)]
    where = {clauses.cap(c.answer).casefold(): seg.text for seg, _, c in found}
    stated = {clauses.cap(r.text).casefold(): facts.by_sid(r.sid).text for r in pool}
    out: list[dr.Draft] = []
    for seg, doc, cause in found:
        parts = clauses.why_draft_parts(cause, all_causes, article_text, pool, doc)
        if parts is None:
            continue
        topic, stem, answer, distractors = parts
        explanation = f"{dr.states(seg.text)} The other options are not the reason the article gives."
        if stem.startswith(f"{quality.LEAD}under what condition"):
            explanation = f"{dr.states(seg.text)} The other options are not the condition the article gives."
        if cause.form == "consequence":
            explanation = f"{dr.states(seg.text)} The other options are not what the article says followed."
        if cause.form == "aim":
            explanation = (
                f"{dr.states(seg.text)} The other options are aims the article gives for other things."
            )
        kind, as_this = {
            "consequence": ("consequence", "what followed"),
            "aim": ("aim", "this aim"),
        }.get(cause.form, ("reason", "this reason"))
        # an aim's options are bare verb phrases: look them up with the "to" the article writes
        spelled = {d: f"to {d}" if cause.form == "aim" else d for d in distractors}
        feedback = {
            d: (
                f"Another {kind} the article gives, but for something else: “{where[key]}”"
                if (key := next((k for k in (d.casefold(), spelled[d].casefold()) if k in where), ""))
                else f"Stated in the article, but not as {as_this}: “{stated[key]}”"
                if (key := clauses.cap(re.sub(r"^(?:If|Unless) ", "", spelled[d])).casefold()) in stated
                else f"A common {kind} in such cases, but not the one the article gives: {clauses.lower_first(answer)}."
            )
            for d in distractors
        }
        tags = ["generated", "why"] + (["risk"] if topic == clauses.TOPIC_RISKS else [])
        out.append(
            dr.Draft("mcq", topic, stem, answer, seg.sid, "why", facts.importance[seg.sid], "", "medium", tags,
                     cause.answer, arrange=clauses.arrange(answer, distractors, explanation, feedback),
                     info={"option_kind": "reason"})
        )  # fmt: skip
    for q in clauses.difficulty_questions(pool):
        seg = facts.by_sid(q.sid)
        explanation = (
            f"{dr.states(seg.text)} The other statements, such as “{q.distractors[0]}”, are also in the article,"
            " but report no difficulty."
        )
        feedback = {
            o: f"The article states this, but as no difficulty or uncertainty: “{stated[o.casefold()]}”"
            for o in q.distractors
        }
        out.append(
            dr.Draft("mcq", clauses.TOPIC_RISKS, q.stem, q.answer, seg.sid, "risk", facts.importance[seg.sid], "",
                     "medium", ["generated", "risk"], q.quoted, info={"option_kind": "phrase", "own_position": True},
                     arrange=clauses.arrange(q.answer, list(q.distractors), explanation, feedback))
        )  # fmt: skip
    phrases = [p for seg, doc in zip(usable, docs, strict=True) for p in clauses.phrase_subjects(seg, doc)]
    for ph in phrases:
        if not clauses.HEDGED.match(ph.predicate):
            continue  # asked only where the sentence says what may change or is not settled
        options = clauses.phrase_options(ph, phrases, article_text)
        if len(options) < 3:
            continue
        seg = facts.by_sid(ph.sid)
        answer = clauses.cap(ph.phrase)
        explanation = f"{dr.states(seg.text)} The other options are named elsewhere in the article."
        feedback = {o: f"Named elsewhere in the article, but not as what {ph.predicate}." for o in options}
        out.append(
            dr.Draft("mcq", clauses.TOPIC_RISKS, f"According to the article, what {ph.predicate}?", answer, seg.sid,
                     "risk", facts.importance[seg.sid], "", "medium", ["generated", "risk"], ph.phrase,
                     arrange=clauses.arrange(answer, options, explanation, feedback), info={"option_kind": "phrase"})
        )  # fmt: skip
    for seg, doc in zip(usable, docs, strict=True):
        for q in clauses.subject_questions(seg, doc, facts.index.mentions.get(seg.sid, [])):
            in_sentence = facts.index.keys_in(seg.sid)
            kind = q.kind
            if (
                kind == "company"
                and clauses.looks_personal(q.answer)
                and clauses.ROLE_PREDICATE.match(q.predicate)
            ):
                kind = "person"  # "Tom Hale will become the venture's chairman": a person, whatever the index says
            if kind == "person":
                pool = [
                    *dr.entity_distractors(facts, q.answer, "person", in_sentence),
                    *[
                        e.name
                        for e in sorted(facts.index.entities.values(), key=lambda e: (-e.count, e.first))
                        if e.kind == "company"
                        and clauses.looks_personal(e.name)
                        and e.name not in in_sentence
                        and e.name != q.answer
                    ],
                ]
            else:
                pool = [
                    n
                    for n in dr.entity_distractors(facts, q.answer, kind, in_sentence)
                    if not clauses.looks_personal(n)
                ]
            q = clauses.SubjectQuestion(q.sid, q.answer, kind, q.predicate, q.surface)
            distractors = [_full_name(facts, n) for n in clauses.subject_distractors(q, pool, seg.text)]
            q = clauses.SubjectQuestion(q.sid, _full_name(facts, q.answer), kind, q.predicate, q.surface)
            if len(distractors) < 3:
                continue
            wh = {"person": "who", "company": "which company"}.get(q.kind, "which organisation")
            stem = f"According to the article, {wh} {q.predicate}?"
            topic = clauses.topic_of(q.predicate)
            if topic == clauses.TOPIC_COMPREHENSION:
                continue
            explanation = (
                f"{dr.states(seg.text)} {distractors[0]} is also named in the article, but not in this role."
            )
            noun = "person" if q.kind == "person" else "company" if q.kind == "company" else "organisation"
            feedback = {
                n: f"Another {noun} named in the article, in a comparable role; the article says"
                f" {q.answer} {q.predicate}."
                for n in distractors
            }
            arrange = clauses.arrange(q.answer, distractors, explanation, feedback)
            info = {"option_kind": "entity", "frame": f"{MARK} {q.predicate}", "aliases": [q.answer]}
            out.append(
                dr.Draft("mcq", topic, stem, q.answer, seg.sid, "structure", facts.importance[seg.sid], "", "easy",
                         ["generated", "structure"], q.surface or q.answer, arrange=arrange, info=info)
            )  # fmt: skip
    return out


def _referents(facts: dr.Facts) -> dict[str, str]:
    """For each sentence, the company a leading "the company" / "the French carmaker" stands for: the first
    organisation named in the nearest of the two previous sentences that names one, unless the sentence
    itself names it too (then the description means another company, or the reading is unsure: nothing
    is resolved); with no organisation in those sentences, the article's most-named one, if the sentence
    does not name it."""
    orgs = facts.organisations() or set()
    ranked = [
        e.name
        for e in sorted(facts.index.entities.values(), key=lambda e: (-e.count, e.first))
        if e.name in orgs
    ]
    out: dict[str, str] = {}
    for i, seg in enumerate(facts.sentences):
        own = facts.index.keys_in(seg.sid)
        found = None
        for prev in reversed(facts.sentences[max(0, i - 2) : i]):
            named = sorted(
                (m for m in facts.index.mentions.get(prev.sid, []) if m.key in orgs), key=lambda m: m.start
            )
            if named:
                found = named[0].key
                break
        if found is None and ranked:
            found = ranked[0]
        if found and found not in own:
            out[seg.sid] = found
    return out


def _dominant_company(facts: dr.Facts) -> set[str]:
    """The names of the company an article is about, when one is: written at least twice as often as any
    other company and at least four times, or three times as often and at least three times (Intel in a
    piece on Intel's chief executive); empty otherwise (a deal between two).
    Counted in the text, by every name and the brand word that opens it ("Nordlicht" of "Nordlicht
    Energie"), so that a name opening sentences, which the entity index skips, still counts."""
    text = " ".join(seg.text for seg in facts.sentences)
    counted: list[tuple[int, Any]] = []
    for e in facts.index.entities.values():
        if e.kind != "company":
            continue
        words = [
            w for w in e.name.split() if w not in entities.GENERIC_TOKENS and w not in entities.PLACE_LEADS
        ]
        names = {e.name, *e.aliases, *words[:1]}
        pattern = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        counted.append((len(re.findall(rf"(?<![\w-])(?:{pattern})(?![\w-])", text)), e))
    counted.sort(key=lambda ce: (-ce[0], ce[1].first))
    top_count = counted[0][0] if counted else 0
    runner_up = counted[1][0] if len(counted) > 1 else 0
    if not (top_count >= 4 and top_count >= 2 * runner_up) and not (
        top_count >= 3 and top_count >= 3 * runner_up
    ):
        # (named three times or less beside another company named at least once more than a third as
        # often, a company is a party to the story, not its subject; Unilever named three times beside
        # brands named once is the subject)
        return set()
    top = counted[0][1]
    return {n.casefold() for n in (top.name, *top.aliases)}


def _asks_for_the_subject(question: dict[str, Any], d: dr.Draft, dominant: set[str]) -> bool:
    """A "which company" question whose answer is the company the whole article is about, or a true/false
    statement that swaps another company in for it: the article gives it away (reviewers accepted 3 of 15
    such questions, against 40 of 62 for the other "which company" answers)."""
    if not dominant:
        return False
    if question["type"] == "tf":
        return (
            d.info.get("option_kind") == "entity" and str(d.info.get("true_text", "")).casefold() in dominant
        )
    answer = question["answer"]
    first = answer[0] if isinstance(answer, list) and answer else answer
    return (
        isinstance(first, str)
        and first.casefold() in dominant
        and re.search(r"\bwhich (?:company|organisation)\b", question["stem"]) is not None
    )


def _names_answer(facts: dr.Facts, name: str, answer: Any) -> bool:
    """`name` is (an alias of) the answer: putting it into the stem would give the answer away."""
    entity = facts.index.entities.get(name)
    names = {n.casefold() for n in (name, *(entity.aliases if entity else ()))}
    answers = answer if isinstance(answer, list) else [answer]
    return any(isinstance(a, str) and a.casefold() in names for a in answers)


def _is_person(facts: dr.Facts, question: dict[str, Any]) -> bool:
    """The answer names a person (by the entity index or by the look of the name)."""
    answer = question["answer"]
    if isinstance(answer, list):
        answer = answer[0] if answer and isinstance(answer[0], str) else ""
    if not isinstance(answer, str) or not answer:
        return False
    entity = facts.index.entities.get(answer)
    if quality.names_person(answer):
        return True
    return entity.kind == "person" if entity is not None else clauses.looks_personal(answer)


def _as_short(question: dict[str, Any], d: dr.Draft) -> dict[str, Any]:
    """The same question as a short answer accepting the entity's names (its options dropped)."""
    short = {k: v for k, v in question.items() if k not in ("options", "feedback")}
    names = [question["answer"], *d.info["aliases"]]
    short["type"] = "short"
    short["answer"] = [
        n for i, n in enumerate(names) if n.casefold() not in {m.casefold() for m in names[:i]}
    ]
    short["id"] = make_id(question["source"]["article"], "short", question["stem"], short["answer"])
    short["explanation"] = dr.states(question["source"]["quote"])
    out = parse_question(short).model_dump(mode="json", exclude_none=True)
    if not out["source"].get("also"):
        out["source"].pop("also", None)
    return out


def _fragments(stems: list[str]) -> dict[str, str]:
    """The 'According to the article, …?' stems whose body the parser finds faulty (one batch): no finite
    verb or no subject (a fragment), or a clause English does not ask that way (quality.clause_fault)."""
    bodies = {
        st: st[len(quality.LEAD) :].split("?")[0]
        for st in stems
        if st.startswith(quality.LEAD) and "completes the statement" not in st
    }
    docs = nlp.parse(list(bodies.values()))
    if docs is None:
        return {}
    faults = {}
    for st, doc in zip(bodies, docs, strict=True):
        if not quality.has_finite_verb(doc) or not quality.has_subject(doc):
            faults[st] = FRAGMENT
        elif fault := quality.clause_fault(doc):
            faults[st] = fault
    return faults


def _run_on_quotes(quotes: list[str]) -> set[str]:
    """Source sentences that are themselves run-ons (two main clauses joined by a comma, a lone comma
    between subject and verb): a cloze or true/false statement copied from them reads as badly."""
    distinct = sorted(set(quotes))
    docs = nlp.parse(distinct)
    if docs is None:
        return set()
    return {
        q
        for q, doc in zip(distinct, docs, strict=True)
        if quality.clause_fault(doc) not in (None, quality.WH_IN_CLAUSE)
    }


def _names_no_company(facts: dr.Facts, d: dr.Draft, question: dict[str, Any]) -> bool:
    """A 'which company' question whose answer the article uses as something else (see quality.py)."""
    if d.info.get("option_kind") != "entity" or "which company" not in question["stem"]:
        return False
    answer = question["answer"]
    names = answer if isinstance(answer, list) else [answer]
    orgs = facts.organisations()
    entity = facts.index.entities.get(str(names[0])) if names else None
    if orgs is not None and entity is not None and entity.kind == "company" and entity.name not in orgs:
        return True  # "which company" answered by a platform, a place or a ticker: not asked
    return any(
        isinstance(n, str)
        and quality.implausible_entity(n, outlet_names=facts.outlet_names, caps=facts.ctx.names)
        for n in names[:1]
    )


MIN_MATCHING_PAIRS = 3  # two pairs are guessed half the time


def _name_trivia(d: dr.Draft, question: dict[str, Any], sentence: str) -> str | None:
    """Which person holds which title, when the sentence is not about that title changing hands ("who is the CEO
    of Honda?"), and name-to-title matching on too few pairs: recall of names, not the case."""
    if question["type"] == "matching" and len(question["answer"]) < MIN_MATCHING_PAIRS:
        return "matching with fewer than three pairs"
    if question["type"] == "matching":
        people = [str(p["left"]) for p in question["answer"]]
    else:
        people = [str(question["answer"][0] if isinstance(question["answer"], list) else question["answer"])]
    names_titles = d.kind in ("role", "matching") and all(
        quality.names_person(p) or clauses.looks_personal(p) for p in people
    )
    if names_titles and not LEADERSHIP_CHANGE.search(sentence):
        return "trivia: a name and title the sentence does not turn on"
    return None


def _with_aliases(question: dict[str, Any], facts: dr.Facts, text: str) -> list[str]:
    """A short answer's key with the names the article itself uses for the answer (quality.article_aliases)."""
    names = [str(n) for n in question["answer"]]
    person = _is_person(facts, question)
    for name in names[:1] if person else list(names):  # "Keller Anna" is a spelling, not a second name
        names.extend(quality.article_aliases(name, text, person=person))
    return [n for i, n in enumerate(names) if n.casefold() not in {m.casefold() for m in names[:i]}]


def _recast(d: dr.Draft, parsed: dict[str, Any], facts: dr.Facts) -> str:
    """A figure's MCQ or numeric stem asked in the words of its clause, with its named subject, when the
    parse gives one (phrasing.recast_figure: "What stake will Toyota hold in Mazda?"), else as drafted."""
    fig = d.info.get("figure")
    if fig is None or d.type not in ("mcq", "numeric") or d.sid not in parsed:
        return d.stem
    pair = phrasing.parties(facts.by_sid(d.sid), facts.ctx)
    recast = phrasing.recast_figure(parsed[d.sid], fig.start, fig.core_end, fig.kind, pair)
    if recast is None:
        return d.stem
    d.info["drafted_stem"] = d.stem
    ask = d.stem.partition("? ")[2] if d.type == "numeric" else ""
    return f"{recast} {ask}".strip()


def generate(article: IngestedArticle, article_id: str) -> CandidateList:
    """Candidate questions for `article`, best first; `article_id` is the article's slug.

    Raises ValueError when `article_id` is not a slug (it becomes part of every question id).
    """
    if not re.fullmatch(SLUG_PATTERN, article_id):
        raise ValueError(f"article id {article_id!r} is not a slug: use lowercase letters, digits and '-'")
    with nlp.one_run():  # a sentence parsed once is not parsed again as a quote
        return _generate(article, article_id)


def _generate(article: IngestedArticle, article_id: str) -> CandidateList:
    dropped: Counter[str] = Counter()
    notes: list[str] = []
    parsed: dict[str, Any] = {}
    facts, drafts = _collect(article, notes, dropped, parsed)
    dominant = _dominant_company(facts)
    keyed: dict[str, dr.Draft] = {}
    weight: dict[str, float] = {}
    referents = _referents(facts)
    for d in drafts:
        d.stem = quality.drop_leading_contrast(quality.tidy_stem(_recast(d, parsed, facts), d.type), d.type)
        referent = referents.get(d.sid)
        if referent and not _names_answer(facts, referent, d.answer):
            d.stem = quality.resolve_reference(d.stem, referent)
        qid = make_id(article_id, d.type, d.stem, d.answer)
        if qid in keyed:
            dropped["same question drafted twice"] += 1
            continue
        keyed[qid] = d
        sentence = facts.by_sid(d.sid).text
        weight[qid] = d.importance * focus(d.topic, d.kind, sentence) * trivia(d.kind, sentence)
    ranked = sorted(keyed.items(), key=lambda kv: (-score(weight[kv[0]], kv[1].kind, kv[1].type), kv[0]))
    fragments = _fragments([d.stem for d in keyed.values() if d.type in ("mcq", "short", "numeric", "tf")])
    run_ons = _run_on_quotes([facts.by_sid(d.sid).text for d in keyed.values() if d.type in ("cloze", "tf")])
    balancer = PositionBalancer()
    recast: set[str] = set()  # ids of the questions whose stem phrasing.recast_figure wrote
    ctx = CheckContext(article)
    candidates: list[Candidate] = []
    weak_facts: dict[str, set[str]] = {}
    full_text = " ".join(s.text for s in article.sentences)
    # 'why' and difficulty questions are placed last, so that adding or dropping one does not move the answers
    # (and change the judged hashes) of the others; they take the positions least used by then
    kept_positions: Counter[int] = Counter()
    last = {qid for qid, d in ranked if d.kind == "why" or d.info.get("own_position")}
    for qid, d in [*(kv for kv in ranked if kv[0] not in last), *(kv for kv in ranked if kv[0] in last)]:
        seg = facts.by_sid(d.sid)
        options = None
        feedback: dict[str, str] = {}
        if d.arrange is not None:
            size = 4
            if qid in last:  # the position least used by the questions kept so far
                start = int(qid[-8:], 16) % size
                position = min(range(size), key=lambda p: (kept_positions[p], (p - start) % size))
            else:
                position = balancer.propose(qid, size)
            options, explanation, feedback = d.arrange(position)
            d.explanation = explanation
            balancer.record(len(options), options.index(d.answer))
        question = _question(d, qid, article_id, seg, options)
        if feedback:
            question["feedback"] = feedback
        weak = quality.weakness(question, d.kind, person_answer=_is_person(facts, question))
        if weak == "a blank in the middle of a phrase" and d.type == "mcq" and d.info.get("completion_stem"):
            # "its what percentage stake" reads as "which figure completes the statement “… its ___ stake …”?"
            question = dict(question, stem=quality.tidy_stem(d.info["completion_stem"]))
            question["id"] = make_id(article_id, d.type, question["stem"], d.answer)
            weak = quality.weakness(question, d.kind, person_answer=False)
        if weak == "a split whose other side the stem gives away" and d.type in ("mcq", "numeric"):
            # "… with Helios holding what percentage stake and Northwind the remaining 49%?": the question
            # stops before the other side.
            cut = quality.without_other_side(question["stem"])
            if cut:
                question = dict(question, stem=cut)
                question["id"] = make_id(article_id, d.type, question["stem"], d.answer)
                weak = quality.weakness(question, d.kind, person_answer=False)
        entity_choice = (
            d.type == "mcq" and d.info.get("option_kind") == "entity" and " and " not in str(d.answer)
        )  # (a pair of people named together stays a choice of pairs: nobody types a pair as written)
        if (weak == "fewer than four options" or (entity_choice and not weak)) and d.info.get("aliases"):
            # A small cast: the name is asked for, not chosen from three. And any "which company / who"
            # choice: the article's other names are rarely the same kind in the same role (a dateline, a
            # place, a product, the outlet), so reviewers accepted 2 of 20 as choices and 31 of 56 asked.
            question = _as_short(question, d)
            weak = quality.weakness(question, d.kind, person_answer=_is_person(facts, question))
        if not weak and d.type in ("mcq", "short", "numeric", "tf") and question["stem"] in fragments:
            weak = fragments[question["stem"]]
            if weak == quality.WH_IN_CLAUSE and d.type == "mcq" and d.info.get("completion_stem"):
                # "GM, which expects to recoup what amount …, made …": the figure asked in its own words
                question = dict(question, stem=quality.tidy_stem(d.info["completion_stem"]))
                question["id"] = make_id(article_id, d.type, question["stem"], d.answer)
                weak = quality.weakness(question, d.kind, person_answer=False)
        if not weak and d.type in ("cloze", "tf") and seg.text in run_ons:
            weak = "a statement copied from a run-on sentence"
        if not weak and quality.misspelt_names(seg.text, facts.name_words, facts.word_counts):
            weak = "a typo in the source sentence"
        if not weak and _names_no_company(facts, d, question):
            weak = "the answer is an outlet, a regulator, a place or a product, asked as a company"
        if not weak and _asks_for_the_subject(question, d, dominant):
            weak = "trivia: the company the article is about, asked as 'which company'"
        if not weak:
            weak = (
                quality.side_figure(question, d.kind)
                or quality.false_on_a_side_detail(question)
                or _name_trivia(d, question, seg.text)
            )
        if weak:
            dropped[weak] += 1
            if weak in quality.SENTENCE_WEAKNESSES:
                weak_facts.setdefault(fact_key(d), set()).add(weak)
            continue
        if question["type"] == "short" and isinstance(question["answer"], list) and question["answer"]:
            question["answer"] = _with_aliases(question, facts, full_text)
        try:
            question = parse_question(question).model_dump(mode="json", exclude_none=True)
            if not question["source"]["also"]:
                del question["source"]["also"]
        except ValidationError as exc:
            field = ".".join(str(p) for p in exc.errors()[0]["loc"])
            dropped[f"invalid question ({field})"] += 1
            continue
        checks = run_checks(question, d, ctx)
        if checks.get("one_answer") is not True:
            # Two defensible answers is not something an instructor can keep; it is not offered at all.
            dropped["more than one defensible answer"] += 1
            continue
        ctx.earlier.append((qid, d.type, norm(d.stem), answer_key(question)))
        if question["type"] == "mcq" and len(question.get("options", [])) == 4:
            kept_positions[question["options"].index(question["answer"])] += 1
        failed = sum(1 for v in checks.values() if v is not True)
        candidates.append(
            Candidate(question, checks, score(weight[qid], d.kind, d.type, failed), failed == 0, fact_key(d))
        )
        if "drafted_stem" in d.info and question["stem"].startswith(d.stem.partition("?")[0]):
            recast.add(question["id"])
    if weak_facts:
        # The sentence or the phrase is what is weak: no other question on that fact is offered either.
        kept = [
            c
            for c in candidates
            if c.fact not in weak_facts
            # a stem recast from the parse names its own subject: how the sentence starts does not matter
            or (c.question["id"] in recast and weak_facts[c.fact] <= quality.START_WEAKNESSES)
        ]
        if len(kept) < len(candidates):
            dropped["another question on the same fact was weak"] += len(candidates) - len(kept)
        candidates = kept
    candidates.sort(key=lambda c: (not c.passed, -c.score, c.question["id"]))
    heads: dict[str, Candidate] = {}
    for c in candidates:
        if c.fact in heads:
            heads[c.fact].variants.append(c)
        else:
            heads[c.fact] = c
    return CandidateList(order_facts(list(heads.values())), dropped, notes)


def candidate_to_json(c: Candidate, *, with_variants: bool = True) -> dict[str, Any]:
    """One object per fact: the best question's fields, its checks and score, and under `variants` the
    other questions on the same fact (same fields, without variants of their own)."""
    q = c.question
    out = {
        "id": q["id"],
        "type": q["type"],
        "topic": q["topic"],
        "stem": q["stem"],
        "options": q.get("options", []),
        "answer": q["answer"],
        "explanation": q.get("explanation", ""),
        "difficulty": q.get("difficulty", "medium"),
        "tags": q.get("tags", []),
        "status": q["status"],
        "source": q["source"],
        "checks": c.checks,
        "score": c.score,
        "fact": c.fact,
    }
    if with_variants:
        out["variants"] = [candidate_to_json(v, with_variants=False) for v in c.variants]
    return out


def report(cands: list[Candidate]) -> dict[str, Any]:
    """Counts per type and topic, pass rate of each check, and what was left out (with reasons).

    Counts cover every candidate, variants included; `facts` is the number of distinct facts."""
    facts = len(cands)
    dropped: Counter[str] = getattr(cands, "dropped", Counter())
    notes: list[str] = list(getattr(cands, "notes", []))
    if isinstance(cands, CandidateList):
        cands = cands.all()
    total = len(cands)
    by_type = Counter(c.question["type"] for c in cands)
    by_topic = Counter(c.question["topic"] for c in cands)
    checks: dict[str, dict[str, Any]] = {}
    for name in CHECK_NAMES:
        passed = sum(1 for c in cands if c.checks.get(name) is True)
        checks[name] = {
            "passed": passed,
            "failed": total - passed,
            "rate": round(passed / total, 3) if total else 1.0,
        }
    positions = Counter(
        c.question["options"].index(c.question["answer"]) for c in cands if c.question["type"] == "mcq"
    )
    return {
        "candidates": total,
        "facts": facts,
        "passed_all": sum(1 for c in cands if c.passed),
        "by_type": dict(sorted(by_type.items())),
        "by_topic": dict(sorted(by_topic.items())),
        "checks": checks,
        "mcq_answer_positions": {str(k): v for k, v in sorted(positions.items())},
        "dropped": dict(sorted(dropped.items())),
        "notes": notes,
    }
