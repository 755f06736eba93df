"""Questions read from sentence structure (a spaCy parse) rather than cue words: "why" questions from cause
and purpose clauses, and "which company / who" questions about the subject of what a sentence says."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.articles.document import Segment
from app.generation import nlp
from app.generation.distractors import place

TOPIC_FIGURES = "key-figures"
TOPIC_PARTNERSHIPS = "partnership-models"
TOPIC_RISKS = "strategic-risks"
TOPIC_COMPREHENSION = "comprehension"

# What a sentence is about, read from its words: a negative or hedged outcome, or the deal's structure.
RISK_WORDS = re.compile(
    r"\b(?:may|might|could|risks?|concerns?|fears?|pressure|approvals?|regulat\w*|tariffs?|competi\w*|rivals?"
    r"|dilut\w*|loss(?:es)?|los[te]|weak\w*|slow\w*|struggl\w*|declin\w*|fell|fall(?:s|ing)?|down|drop\w*"
    r"|uncertain\w*|crimp\w*|surg\w*|hurdles?|scrutiny|block\w*|delay\w*|cut\w*|scal\w+ back|forced"
    r"|bankrupt\w*|unequal|imbalance|lacks?|sell-offs?|slump\w*|challeng\w*|tumultuous|costly|hurt\w*"
    r"|integration|culture|unknown|not yet|subject to|requires?)\b",
    re.IGNORECASE,
)
HEDGED = re.compile(
    r"^(?:\w+ ){0,2}(?:may|might|could|would|remains? (?:uncertain|unclear|unknown)|depends?|is subject to"
    r"|are subject to|requires?|needs?|still requires?|is not yet|are not yet|has not yet|have not yet)\b"
)
STRUCTURE_WORDS = re.compile(
    r"\b(?:stakes?|shares?(?:holding|holder)?s?|own\w*|holds?|holding|control\w*|board|seats?|chair\w*|CEO"
    r"|president|appoint\w*|nam(?:ed|es)|heads?|lead\w*|invest\w*|acqui\w*|buy\w*|sell\w*|sale|merg\w*"
    r"|joint[- ]venture|JV|alliance|partner\w*|agreement|deal|contribut\w*|bring|provide\w*|develop\w*"
    r"|manufactur\w*|build\w*|supply|exclusive\w*|rights?|approv\w*|transfer\w*|retain\w*|trust|capital"
    r"|take over|serve)\b",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"(?:,\s*|\s+)(?:the (?:\w+ )?(?:company|companies|automaker|carmaker|firm|group|people|newspaper|report)"
    r"|(?:he|she|they|it)|[A-Z][\w.]*(?: [A-Z][\w.]*)*) (?:said|says|told|reported|added)\b[^.]*$"
    r"|,?\s+according to [^,.]+$|,?\s+(?:the )?(?:companies|company) said in a statement[^.]*$"
)
_WEEKDAY = re.compile(r"\s+on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_PRONOUNS = {"it", "they", "he", "she", "this", "that", "these", "those", "we", "i", "you", "its", "their"}
PURPOSE_POOL = (
    "to cut its debt ahead of a planned share sale",
    "to secure a steady supply of battery cells",
    "to enter the US market before new tariffs apply",
    "to meet stricter emissions rules in Europe",
    "to share the cost of developing new platforms",
    "to gain access to a larger dealer network",
    "to raise cash for a share buyback",
    "to avoid a review by competition regulators",
)
CAUSE_POOL = (
    "rising interest rates raised its borrowing costs",
    "a recall of its best-selling model hurt sales",
    "its largest customer cut its orders",
    "new export controls hit its main products",
    "a strike halted its largest plant",
    "a price war with local rivals squeezed margins",
    "it lost a major government contract",
    "demand in its home market weakened",
)


@dataclass(frozen=True)
class Cause:
    """A cause or purpose clause of one sentence, and the question that asks for it."""

    sid: str
    form: str  # "purpose" ("to …") or "cause" (a clause or noun phrase)
    answer: str
    question: str
    effect: str


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,;:")
    return re.sub(r"\s+([,.;:])", r"\1", text)


def _subject(root: Any) -> Any | None:
    for child in root.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    return None


def _subject_span(subj: Any) -> tuple[int, int] | None:
    """Token range of the subject without an apposition ("X, a senior Y executive,")."""
    tokens = [t for t in subj.subtree]
    start, end = tokens[0].i, tokens[-1].i + 1
    for t in tokens:
        if t.head == subj and (t.dep_ == "appos" or _aside_clause(t)):
            end = min(end, t.left_edge.i)
    while end > start and subj.doc[end - 1].is_punct:
        end -= 1
    return (start, end) if end > start else None


def _aside_clause(t: Any) -> bool:
    """ ", which expects to recoup $1 billion," : a relative clause set off by commas."""
    return t.dep_ == "relcl" and t.left_edge.i > 0 and t.doc[t.left_edge.i - 1].text == ","


def _asides(subj: Any) -> list[Any]:
    return [t for t in subj.children if t.dep_ == "appos" or _aside_clause(t)]


def _good_subject(doc: Any, start: int, end: int) -> bool:
    words = [t.text for t in doc[start:end]]
    if not words or len(words) > 8 or words[0].lower() in _PRONOUNS:
        return False
    if any(t.dep_ == "cc" for t in doc[start:end]):
        return False  # "Sony and Honda": no question about half of a pair
    return words[0][0].isupper() or words[0].lower() == "the"


def _question_from(doc: Any, root: Any, skip: set[int]) -> str | None:
    """'GM made the announcement' → 'why did GM make the announcement'; None when it cannot be said well."""
    subj = _subject(root)
    if subj is None:
        return None
    span = _subject_span(subj)
    if span is None or not _good_subject(doc, *span):
        return None
    start, end = span
    subject = doc[start:end].text
    if subject.startswith("The "):
        subject = "the " + subject[4:]
    for t in _asides(subj):
        skip = skip | set(range(t.left_edge.i - 1, t.right_edge.i + 2))
    auxes = [t for t in root.children if t.dep_ in ("aux", "auxpass") and t.i < root.i and t.i >= end]
    rest_tokens = [
        t
        for t in doc
        if end <= t.i <= root.right_edge.i and t.i not in skip and not (auxes and t.i == auxes[0].i)
    ]
    if any(t.i < start and t.i not in skip and not t.is_punct for t in doc):
        return None  # something precedes the subject ("After X, Y did Z"): not rewritten
    if auxes:
        lead = auxes[0].lower_
        words = [t.text_with_ws for t in rest_tokens]
    elif root.lower_ in ("is", "are", "was", "were", "be", "been"):
        lead = root.lower_
        words = [t.text_with_ws for t in rest_tokens if t.i != root.i]
    else:
        tag = root.tag_
        lead = {"VBD": "did", "VBZ": "does", "VBP": "do"}.get(tag)
        if lead is None:
            return None
        base = nlp.lemma(root)
        words = [(base + root.whitespace_) if t.i == root.i else t.text_with_ws for t in rest_tokens]
    rest = _clean("".join(words)).rstrip(".")
    rest = _ATTRIBUTION.sub("", rest)
    rest = _clean(_WEEKDAY.sub("", rest)).rstrip(".")
    if not (2 <= len(rest.split()) <= 22) or re.search(r"[\"“”]", rest):
        return None
    return f"{lead} {subject} {rest}"


_CAUSE_PREPS = {"amid", "after", "following"}


_REPORTING = {"said", "says", "say", "told", "reported", "added", "stated", "noted", "according"}


def _main_verb(doc: Any) -> Any | None:
    """The sentence's main verb; for "X will do Y, the company said" the reported clause's verb."""
    roots = [t for t in doc if t.dep_ == "ROOT" and nlp.is_verb(t)]
    if len(roots) != 1:
        return None
    root = roots[0]
    if root.lower_ in _REPORTING:
        reported = [c for c in root.children if c.dep_ == "ccomp" and c.i < root.i and nlp.is_verb(c)]
        if reported:
            return reported[0]
    return root


def causes(seg: Segment, doc: Any) -> list[Cause]:
    """The cause and purpose clauses attached to the sentence's main verb, with the 'why' question."""
    found: list[Cause] = []
    root = _main_verb(doc)
    if root is None or '"' in seg.text or "“" in seg.text:
        return found
    for child in root.children:
        clause = None
        form = "cause"
        if child.dep_ == "advcl":
            marks = [t for t in child.children if t.dep_ == "mark"]
            to = [t for t in child.children if t.dep_ == "aux" and t.lower_ == "to"]
            if marks and marks[0].lower_ in ("because", "as", "since") and child.i > root.i:
                clause = (marks[0].i + 1, child.right_edge.i + 1, marks[0].i)
            elif to and child.i > root.i and not marks:
                clause = (to[0].i, child.right_edge.i + 1, to[0].i)
                form = "purpose"
        elif child.dep_ == "dobj":
            # "build a second plant to supply X": the purpose hangs off the object in the parse
            for grand in child.children:
                to = [t for t in grand.children if t.dep_ == "aux" and t.lower_ == "to"]
                if (
                    grand.dep_ in ("relcl", "acl")
                    and to
                    and to[0].i
                    == grand.left_edge.i
                    == child.right_edge.i - (grand.right_edge.i - grand.left_edge.i)
                ):
                    clause = (to[0].i, grand.right_edge.i + 1, to[0].i)
                    form = "purpose"
        elif child.dep_ == "prep" and child.lower_ in _CAUSE_PREPS and child.i > root.i:
            pobj = [t for t in child.children if t.dep_ == "pobj"]
            if pobj:
                clause = (child.i + 1, child.right_edge.i + 1, child.i)
        elif child.dep_ == "prep" and child.lower_ == "in" and child.i > root.i:
            # "in a bid to …", "in an effort to …", "in order to …"
            tail = doc[child.i : child.right_edge.i + 1].text
            m = re.match(r"in (?:a bid|an effort|an attempt|order) to ", tail)
            if m:
                to = [t for t in doc[child.i : child.right_edge.i + 1] if t.lower_ == "to"]
                clause = (to[0].i, child.right_edge.i + 1, child.i)
                form = "purpose"
        if clause is None:
            continue
        start, end, cut = clause
        answer = _clean(doc[start:end].text).rstrip(".")
        if not (3 <= len(answer.split()) <= 24):
            continue
        skip = set(range(cut, end))
        # a comma right before the cut goes with it
        if cut > 0 and doc[cut - 1].is_punct:
            skip.add(cut - 1)
        question = _question_from(doc, root, skip)
        if question is None:
            continue
        effect = _clean(" ".join(t.text for t in doc if t.i not in skip))
        found.append(Cause(seg.sid, form, answer, question, effect))
    return found


def topic_of(text: str) -> str:
    if RISK_WORDS.search(text):
        return TOPIC_RISKS
    if STRUCTURE_WORDS.search(text):
        return TOPIC_PARTNERSHIPS
    return TOPIC_COMPREHENSION


def why_options(cause: Cause, article_causes: list[Cause], article_text: str) -> list[str]:
    """Three wrong reasons of the same form: other clauses of the article first, then the fixed pool."""
    same_form = [c.answer for c in article_causes if c.form == cause.form and c.sid != cause.sid]
    pool = PURPOSE_POOL if cause.form == "purpose" else CAUSE_POOL
    lowered = article_text.lower()
    chosen: list[str] = []
    for option in [*same_form, *sorted(pool, key=lambda p: abs(len(p) - len(cause.answer)))]:
        if option.lower() in lowered and option not in same_form:
            continue
        if option.lower() == cause.answer.lower() or option in chosen:
            continue
        chosen.append(option)
        if len(chosen) == 3:
            break
    return chosen


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def why_draft_parts(
    cause: Cause, article_causes: list[Cause], article_text: str
) -> tuple[str, str, str, list[str]] | None:
    """(topic, stem, answer, distractors) for a 'why' MCQ, or None without three distractors."""
    distractors = why_options(cause, article_causes, article_text)
    if len(distractors) < 3:
        return None
    stem = f"According to the article, why {cause.question}?"
    answer = cap(cause.answer)
    return topic_of(cause.effect + " " + cause.answer), stem, answer, [cap(d) for d in distractors]


def arrange(answer: str, distractors: list[str], explanation: str):  # noqa: ANN201 (a closure factory)
    def arrange_options(position: int) -> tuple[list[str], str, list[str]]:
        return place(answer, distractors, position), explanation, distractors

    return arrange_options


@dataclass(frozen=True)
class SubjectQuestion:
    """'Which company will take over the Lansing facility …?': the subject is the answer."""

    sid: str
    answer: str  # the entity's canonical name
    kind: str  # the entity index's kind: company, person, institution…
    predicate: str
    surface: str = (
        ""  # the name as written in the sentence (the fact's key, shared with other questions on it)
    )


# "… and Northwind Batteries will hold the rest": a second clause with its own subject (when the parse
# misses it) is not part of the question about the first.
_SECOND_CLAUSE = re.compile(
    r",? and (?=(?:the )?[A-Z][\w-]*(?: [A-Z][\w-]*)* (?:will|would|has|have|had|is|are|was|were|can|could|may"
    r"|might|holds?|owns?|takes?|keeps?|gets?)\b)"
)
_NAME_EDGES = re.compile(r"^(?:the|The)\s+|\s+(?:Co|Inc|Corp|Ltd|SA|AG|LLC|plc)\.?$")


def subject_questions(seg: Segment, doc: Any, mentions: list[Any]) -> list[SubjectQuestion]:
    """The sentence's subject when it is one whole named entity of the article's entity index."""
    root = _main_verb(doc)
    if root is None or '"' in seg.text or "“" in seg.text:
        return []
    subj = _subject(root)
    if subj is None:
        return []
    reported = _reported_by_subject(root, subj)
    if reported is not None:
        # "Toyota said on Friday it planned to take a stake …": asked as "which company planned to take …"
        root, pronoun = reported
        subj = _subject(doc[0].sent.root)
        tail_from = pronoun.i + 1
    span = _subject_span(subj)
    if span is None or not _good_subject(doc, *span):
        return []
    start, end = span
    if reported is not None:
        end_tail = tail_from
    fronted = _fronted(doc, doc[0].sent.root if reported is not None else root, start)
    if fronted is None:
        return []
    subject_text = _NAME_EDGES.sub("", doc[start:end].text)
    chars = (doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))
    found = [
        m
        for m in mentions
        if chars[0] <= m.start
        and m.end <= chars[1]
        and _NAME_EDGES.sub("", m.text) == subject_text
        and m.kind in ("company", "person", "institution")
    ]
    if len(found) != 1 or not found[0].start <= subj.idx < found[0].end:
        return []  # "Shares of Helios fell": the subject is the shares, not the company
    mention = found[0]
    # A second clause with its own subject ("… and Northwind will hold the rest") is not part of the question.
    cut = {
        t.i
        for conj in root.children
        if conj.dep_ == "conj" and _subject(conj) is not None
        for t in doc[conj.left_edge.i : conj.right_edge.i + 1]
    }
    cut |= {t.i for t in root.children if t.dep_ == "cc" and any(t.i + 1 == c for c in cut)}
    cut |= {t.i - 1 for t in root.children if t.dep_ == "cc" and t.i in cut and doc[t.i - 1].is_punct}
    tail = [t for t in doc if t.i >= end and t.i not in cut and t.i <= root.right_edge.i]
    appos = _asides(subj)
    if reported is not None:
        tail = [t for t in doc if end_tail <= t.i <= root.right_edge.i and t.i not in cut]
        appos = []
    elif appos:
        tail = [t for t in doc if t.i > appos[0].right_edge.i and t.i not in cut and t.i <= root.right_edge.i]
    if appos and tail and tail[0].text == ",":
        tail = tail[1:]  # the comma closing the apposition
    elif tail and tail[0].text == ",":
        # "Renault, for its part, was in need of cash": the aside between subject and verb goes
        closing = next((t for t in tail[1:] if t.text == ","), None)
        if closing is None or closing.i > root.i:
            return []
        tail = [t for t in tail if t.i > closing.i]
    predicate = _clean("".join(t.text_with_ws for t in tail)).rstrip(".")
    predicate = _clean(_WEEKDAY.sub("", _ATTRIBUTION.sub("", predicate))).rstrip(".")
    predicate = _SECOND_CLAUSE.split(predicate)[0]
    if fronted:
        predicate = f"{predicate} {fronted}"
    if not (3 <= len(predicate.split()) <= 26) or mention.key.split()[0] in predicate:
        return []
    return [SubjectQuestion(seg.sid, mention.key, mention.kind, predicate, mention.text)]


ROLE_PREDICATE = re.compile(
    r"^(?:will |would |is to |has been |was |is |had been )?(?:serve as|become|be named|named|appointed|be appointed"
    r"|lead|run|head|chair)\b.*\b(?:chair\w*|chief\w*|CEO|CFO|COO|president|director|head|executive|officer"
    r"|manager|team|plant|unit|division)\b"
)
COMPANY_WORDS = frozenset(
    {
        "Airlines",
        "Airways",
        "Automotive",
        "Bank",
        "Batteries",
        "Brands",
        "Capital",
        "Cars",
        "Cells",
        "Chemicals",
        "Co",
        "Communications",
        "Corp",
        "Electric",
        "Electronics",
        "Energy",
        "Entertainment",
        "Fluorine",
        "Foods",
        "Fund",
        "Group",
        "Health",
        "Healthcare",
        "Holdings",
        "Inc",
        "Industries",
        "Insurance",
        "Investment",
        "Investments",
        "LLC",
        "Labs",
        "Logistics",
        "Ltd",
        "Media",
        "Mobility",
        "Motor",
        "Motors",
        "Networks",
        "Organics",
        "Partners",
        "Pharma",
        "Platforms",
        "Play",
        "Retail",
        "Sciences",
        "Securities",
        "Semiconductor",
        "Solution",
        "Solutions",
        "Steel",
        "Stop",
        "Studios",
        "Systems",
        "Technologies",
        "Technology",
        "Telecom",
        "Trust",
        "Ventures",
        "Wealth",
    }
)


def looks_personal(name: str) -> bool:
    """'Tom Hale', 'Makoto Uchida': two or three capitalised words, none of them a company word."""
    tokens = name.split()
    return (
        2 <= len(tokens) <= 3
        and all(t[:1].isupper() and t[1:].islower() and t.isalpha() for t in tokens)
        and not set(tokens) & COMPANY_WORDS
    )


def subject_distractors(q: SubjectQuestion, names: list[str], sentence: str) -> list[str]:
    """Entities of the same label that play a comparable role elsewhere in the article (never in this
    sentence, never a part or an extension of the answer's name)."""
    answer = q.answer.lower()
    out: list[str] = []
    for name in names:
        low = name.lower()
        if low in answer or answer in low or name in sentence or name in out:
            continue
        if any(low in o.lower() or o.lower() in low for o in out):
            continue
        out.append(name)
        if len(out) == 3:
            break
    return out


def _reported_by_subject(root: Any, subj: Any) -> tuple[Any, Any] | None:
    """For "X said (on Friday) it/they VERB …": (the reported verb, its pronoun subject); else None."""
    if root.lower_ not in _REPORTING or root.dep_ != "ROOT":
        return None
    for c in root.children:
        if c.dep_ == "ccomp" and c.i > root.i and nlp.is_verb(c):
            inner = _subject(c)
            if inner is not None and inner.lower_ in ("it", "they") and subj.i < root.i:
                return c, inner
    return None


def _fronted(doc: Any, root: Any, start: int) -> str | None:
    """What precedes the subject: "" for nothing, the phrase for a fronted adverbial ("Under Gelsinger,",
    "Earlier this year,") to be said after the predicate instead, None for anything else."""
    before = doc[:start]
    if not any(not t.is_punct for t in before):
        return ""
    if len(before) < 2 or before[-1].text != "," or len(before) > 7:
        return None
    head = before[0]
    while head.head.i < start and head.head != head:
        head = head.head
    if (
        head.head != root
        or head.dep_ not in ("prep", "advmod", "npadvmod")
        or any(t.text == "," for t in before[:-1])
    ):
        return None
    phrase = before[:-1].text
    if phrase[:1].isupper() and not before[0].tag_.startswith("NNP"):
        phrase = phrase[0].lower() + phrase[1:]
    return phrase


@dataclass(frozen=True)
class PhraseSubject:
    """'What may change depending on …?' → 'The stake split between the partners': a subject noun phrase."""

    sid: str
    phrase: str
    head: str  # the phrase's head noun, lower case
    predicate: str


def phrase_subjects(seg: Segment, doc: Any) -> list[PhraseSubject]:
    """The sentence's subject when it is a plain noun phrase ("the stake split", "financial terms")."""
    root = _main_verb(doc)
    if root is None or '"' in seg.text or "“" in seg.text:
        return []
    subj = _subject(root)
    if subj is None or subj.dep_ != "nsubj":
        return []
    span = _subject_span(subj)
    if span is None:
        return []
    start, end = span
    tokens = doc[start:end]
    if start != 0 or not (2 <= len(tokens) <= 8) or tokens[0].lower_ in _PRONOUNS:
        return []
    if any(t.text[:1].isupper() for t in tokens[1:]) or any(t.like_num for t in tokens):
        return []  # names and figures are asked about by their own questions
    if not subj.tag_.startswith("NN") or any(t.dep_ in ("cc", "appos") for t in tokens):
        return []
    tail = [t for t in doc if t.i >= end and t.i <= root.right_edge.i]
    if tail and tail[0].text in (",", ":"):
        return []
    predicate = _clean("".join(t.text_with_ws for t in tail)).rstrip(".")
    predicate = _clean(_WEEKDAY.sub("", _ATTRIBUTION.sub("", predicate))).rstrip(".")
    predicate = _SECOND_CLAUSE.split(predicate)[0]
    if not (3 <= len(predicate.split()) <= 24):
        return []
    phrase = tokens.text
    return [PhraseSubject(seg.sid, phrase, subj.lower_, predicate)]


# What a deal or a company has at stake, for "what may change / fell / is at risk" questions when the
# article has too few subjects of its own: (phrase, head noun).
STAKE_POOL = (
    ("The purchase price", "price"),
    ("The board composition", "composition"),
    ("The closing date", "date"),
    ("The dividend policy", "policy"),
    ("The brand strategy", "strategy"),
    ("The financing terms", "terms"),
    ("The share price", "price"),
    ("The management team", "team"),
    ("The production plan", "plan"),
    ("The voting rights", "rights"),
)


def phrase_options(q: PhraseSubject, others: list[PhraseSubject], article_text: str = "") -> list[str]:
    """Three other subject phrases with other head nouns: the article's own first (closest in length),
    then the fixed pool (never one the article itself uses)."""
    seen = {q.head}
    chosen: list[str] = []
    own = [
        (o.phrase, o.head)
        for o in sorted(others, key=lambda o: (abs(len(o.phrase) - len(q.phrase)), o.phrase))
        if o.sid != q.sid
    ]
    lowered = article_text.lower()
    pool = [(p, h) for p, h in STAKE_POOL if p.lower().removeprefix("the ") not in lowered]
    for phrase, head in [*own, *pool]:
        if head in seen:
            continue
        seen.add(head)
        chosen.append(cap(phrase))
        if len(chosen) == 3:
            break
    return chosen
