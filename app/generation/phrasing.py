"""Turn one span of a sentence into a self-contained statement (clause chosen, pronouns resolved) and
that statement into question stems: a true statement, an in-place wh-question, or a completion."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.articles.document import Segment
from app.generation.entities import EntityIndex, Mention

MARK = "\x00"  # stands for the target span while the clause is rewritten around it
BLANK = "___"
_AGENTS = ("company", "brand", "person", "institution", "model")
_CONNECTIVE = re.compile(
    r"^(?:Therefore|However|In addition|In fact|Moreover|Meanwhile|Also|Thus|Still|Furthermore|Besides|"
    r"As a result|Consequently|Hence|Indeed|Finally|Nevertheless|Nonetheless|Overall|Instead|Of course|"
    r"but|and|while|whereas|yet|so|But|And|So|Yet)\s*,?\s+"
)
_AUX = r"(?:has|have|had|is|are|was|were|will|would|can|could|may|might|must|should|did|does|do)"
# ", and" starts a new clause only before a subject (or an auxiliary, whose subject is carried over).
_SPLIT = re.compile(
    r"\s*;\s+|\s+[-–—]\s+|—|,\s+(?=(?:but|while|whereas|although|though|yet)\s)|,\s+(?=and\s)"
)
_NEW_SUBJECT = re.compile(rf"^and\s+(?:the|its|it|their|they|this|these|that|those|a|an|{_AUX}|[A-Z\"“])\b")
# Enough of a verb for the words before ", and" to be a clause of their own.
_VERB = re.compile(
    rf"\b(?:{_AUX}|\w+ed|ranks|needs|provides?|helps|makes|takes|shows|reveals|leads|launch(?:es)?|exports"
    r"|delivers|accounts|shares|allows|reduces|faces|brings|gives|offers|enables|supports|signed|held|took"
    r"|leads|plans|wants|expects|says|said|owns|controls|backs|holds|sells|buys|runs|builds|creates)\b"
)
_TRAILING_PARTICIPLE = re.compile(r",\s+(?:[a-z]+ing)\b[^\x00]*$")
_PARTNERSHIP_NOUNS = (
    r"cooperation|partnership|alliance|agreement|deal|memorandum|collaboration|marriage|tie-up"
)
_STAKE_NOUNS = r"stake|investment|acquisition"
# Mid-clause "that" is mostly a relative ("rivals that rely"), so only a leading "That" counts.
_DEMONSTRATIVE = re.compile(r"\b(?:this|these|those|This|These|Those)\s+([a-z-]+)|^That\s+([a-z-]+)")
_TWO_PARTIES = re.compile(
    r"\b(?:[Tt]he two (?:parties|companies|sides|firms)|[Bb]oth (?:parties|companies|sides))\b"
)
_PRONOUN_START = re.compile(r"^(It|it|Its|its|He|he|She|she|His|his|Her|her)\b")
_EXPLETIVE = re.compile(r"^(?:It|it)(?:[’']s\b|\s+(?:is|was)\s+\w+\s+(?:that|to)\b)")
# Imperatives address the reader ("Expect Leapmotor to…", "Contrast this with…"): no statement to ask about.
_IMPERATIVE = re.compile(
    r"^(?:Expect|Contrast|See|Consider|Imagine|Note|Think|Look|Watch|Remember|Read|Learn)\b"
)
_STOP_NP = r"in|with|of|for|to|from|by|at|on|that|which|who|and|or|as|than|\w+ed"
_LABEL = re.compile(r"^[A-Z][\w-]*(?:\s[\w-]+){0,2}:\s+(?=\S)")
_GENERIC_NOUNS = r"approach|model|strategy|move|shift|trend|structure|system|plan|pattern|logic"
_SUBJECT_NP = re.compile(
    r"^(?P<np>(?:The\s)?[A-Z][\w-]*(?:[’']s)?(?:\s[a-z][\w-]*(?:[’']s)?){0,3}?)"
    r"\s+(?:is|are|was|were|has|have|will|can|[a-z]+s)\b"
)
_BARE_THIS = re.compile(r"^(?:This|That)\s+(?=(?:[a-z]+s|is|was|has)\b)")


@dataclass(frozen=True)
class Frame:
    """A self-contained clause holding MARK once where the target span was."""

    text: str
    proper_start: bool  # the clause starts with a name, so its first letter stays capitalised


@dataclass
class Sentences:
    """The included sentences in order, with the entity index, for resolving references."""

    items: list[Segment]
    index: EntityIndex
    main_pair: tuple[str, str] | None = None  # the case's two most-named companies, for 'this stake'
    names: frozenset[str] = frozenset()  # words the article capitalises mid-sentence (names)

    def __post_init__(self) -> None:
        self._pos = {s.sid: i for i, s in enumerate(self.items)}

    def previous(self, seg: Segment, n: int = 1) -> list[Segment]:
        i = self._pos[seg.sid]
        return [s for s in self.items[max(0, i - n) : i] if s.paragraph == seg.paragraph][::-1]

    def agents(self, seg: Segment) -> list[Mention]:
        return [m for m in self.index.mentions.get(seg.sid, []) if m.kind in _AGENTS]


def tidy_end(text: str) -> str:
    """Drop final punctuation (keeping a closing quote) and spaces."""
    return re.sub(r"\s*[.;,:!?]+([\"”’']?)\s*$", r"\1", text.strip())


def _quote_depth_ok(text: str, pos: int) -> bool:
    """True when `pos` is outside any quotation, so a clause split there keeps quotes whole."""
    before = text[:pos]
    straight = before.count('"') % 2 == 0
    curly = before.count("“") == before.count("”")
    return straight and curly


def _clauses(text: str) -> list[tuple[int, int]]:
    cuts = []
    for m in _SPLIT.finditer(text):
        if not _quote_depth_ok(text, m.start()):
            continue
        right = text[m.end() :]
        if right.startswith("and"):
            # ", and" joins two clauses only when the left has a verb ("The marriage between Leapmotor and
            # FAW, and the expansion of…" is one subject) and the right starts a subject or has a verb.
            left = text[cuts[-1][1] if cuts else 0 : m.start()]
            right_part = re.split(r",\s", right, maxsplit=1)[0]
            if not _VERB.search(left) or not (_NEW_SUBJECT.match(right) or _VERB.search(right_part)):
                continue
            if re.match(r"and\s+(?:also|then|thus|so|even|still|now)\s+[a-z]+s\b", right):
                continue  # "…, and also reflects…": the same subject goes on
        cuts.append((m.start(), m.end()))
    spans, start = [], 0
    for cut_start, cut_end in cuts:
        spans.append((start, cut_start))
        start = cut_end
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _subject(seg: Segment, ctx: Sentences) -> Mention | None:
    """The first agent named in the sentence: what a clause with an elided subject is about."""
    agents = ctx.agents(seg)
    return agents[0] if agents else None


def _antecedent(seg: Segment, ctx: Sentences, clause_start: int, person: bool) -> str | None:
    kinds = ("person",) if person else ("company", "brand", "institution", "model")
    inside = [m for m in ctx.agents(seg) if m.end <= clause_start and m.kind in kinds]
    if inside:
        return inside[0].text
    for prev in ctx.previous(seg):
        found = [m for m in ctx.agents(prev) if m.kind in kinds]
        if found:
            return found[0].text
    return None


def _pair(seg: Segment, ctx: Sentences) -> tuple[str, str] | None:
    """The two companies most recently named together (for 'the two parties', 'this cooperation'),
    else the case's two main companies."""
    for candidate in [seg, *ctx.previous(seg, 3)]:
        names: list[str] = []
        keys: list[str] = []
        for m in ctx.agents(candidate):
            if m.kind == "company" and m.key not in keys:
                keys.append(m.key)
                names.append(m.text)
        if len(names) >= 2:
            return names[0], names[1]
    return ctx.main_pair


def _possessive(name: str) -> str:
    mark = "’" if "’" in name else "'"
    return f"{name}{mark}" if name.endswith("s") else f"{name}{mark}s"


def _previous_subject(seg: Segment, ctx: Sentences) -> str | None:
    """'China’s model' from "Unlike Western rivals…, China’s model is…": what 'this approach' refers to."""
    for prev in ctx.previous(seg):
        main = re.sub(
            r"^(?:Unlike|As|While|Although|With)\b[^,]{3,120},\s+", "", _CONNECTIVE.sub("", prev.text)
        )
        m = _SUBJECT_NP.match(main)
        if m and re.search(r"[’']s\b|^[A-Z]{2,}", m.group("np")) and not _DEMONSTRATIVE.search(m.group("np")):
            return m.group("np")
    return None


def _resolve(clause: str, seg: Segment, ctx: Sentences, clause_start: int) -> str | None:
    """Replace references a reader of the clause alone could not follow; None if one cannot be resolved."""
    if _EXPLETIVE.match(clause):
        return None
    m = _PRONOUN_START.match(clause)
    if m:
        word = m.group(1).lower()
        name = _antecedent(seg, ctx, clause_start, person=word in ("he", "she", "his", "her"))
        if not name:
            return None
        clause = (_possessive(name) if word in ("its", "his", "her") else name) + clause[m.end() :]
    elif re.match(r"^(?:They|they|Their|their|We|we|Our|our)\b", clause):
        return None
    if _TWO_PARTIES.search(clause):
        pair = _pair(seg, ctx)
        if not pair:
            return None
        clause = _TWO_PARTIES.sub(f"{pair[0]} and {pair[1]}", clause, count=1)
    bare = _BARE_THIS.match(clause)
    if bare:
        # "This reduces reliance…" right after "The Chinese state’s dual ownership creates…".
        subject = _previous_subject(seg, ctx)
        if not subject:
            return None
        clause = subject + " " + clause[bare.end() :]
    dem = _DEMONSTRATIVE.search(clause)
    if dem:
        noun = dem.group(1) or dem.group(2)
        pair = _pair(seg, ctx)
        subject = (
            _previous_subject(seg, ctx) if re.fullmatch(_GENERIC_NOUNS, noun) and dem.start() == 0 else None
        )
        if re.fullmatch(_PARTNERSHIP_NOUNS, noun) and pair:
            phrase = f"the {noun} between {pair[0]} and {pair[1]}"
        elif re.fullmatch(_STAKE_NOUNS, noun) and pair:
            phrase = f"{_possessive(pair[0])} {noun} in {pair[1]}"
        elif subject:
            phrase = subject
        else:
            return None
        clause = clause[: dem.start()] + phrase + clause[dem.end() :]
    first_its = re.search(r"\bits\b", clause)
    if first_its and MARK not in clause[: first_its.start()]:
        head = clause[: first_its.start()]
        if not any(m.text in head for m in ctx.agents(seg)):
            name = _antecedent(seg, ctx, clause_start, person=False)
            if name:
                clause = head + _possessive(name) + clause[first_its.end() :]
    return clause


def frame(seg: Segment, start: int, end: int, ctx: Sentences) -> Frame | None:
    """The clause of `seg` around [start, end), made self-contained, with MARK in place of the span."""
    text = seg.text
    if MARK in text:
        return None
    marked = text[:start] + MARK + text[end:]
    spans = _clauses(marked)
    idx = next(
        i for i, (s, e) in enumerate(spans) if s <= start < e or (s <= start <= e and i == len(spans) - 1)
    )
    c_start, c_end = spans[idx]
    clause = marked[c_start:c_end]
    # A clause that cannot stand alone ("far below…", "accelerating…") is read with the one before it.
    while idx > 0 and re.match(r"^\s*(?:[a-z]+ing|far|which|with|than|including)\b", clause):
        idx -= 1
        c_start = spans[idx][0]
        clause = marked[c_start:c_end]
    clause = _TRAILING_PARTICIPLE.sub("", clause) if MARK in clause else clause
    clause = clause.strip()
    # Short asides in brackets ("(FSE: HLM)", "(EV)") only lengthen a question.
    clause = re.sub(r"\s*\([^()\x00]{1,40}\)", "", clause)
    label = _LABEL.match(clause)
    if label and MARK not in label.group(0) and len(clause[label.end() :].split()) >= 5:
        clause = clause[label.end() :]  # "Concentration: Harborline would carry…" (a list item's label)
    # "As the 'eldest son of the Republic' of China's automobile industry, FAW ranks…": the role is asked
    # elsewhere; the question reads better without it.
    role_lead = re.match(r"^As (?:the|a|an) [^,\x00]{3,120},\s+(?=[A-Z\x00])", clause)
    if role_lead and _quote_depth_ok(clause, role_lead.end()):
        clause = clause[role_lead.end() :]
    for _ in range(2):
        clause = _CONNECTIVE.sub("", clause)
    if re.match(rf"^{_AUX}\b", clause):
        subject = _subject(seg, ctx)
        if not subject or subject.start >= c_start:
            return None
        clause = f"{subject.text} {clause}"
    if _IMPERATIVE.match(clause):
        return None
    resolved = _resolve(clause, seg, ctx, c_start)
    if resolved is None:
        # "That view misses how China’s giants absorb startups": the complement can stand alone.
        complement = re.search(r"\b(?:how|that|whether)\s+(?=[A-Z]|the\b)", clause)
        if not complement or MARK not in clause[complement.end() :]:
            return None
        clause = clause[complement.end() :]
        resolved = _resolve(clause, seg, ctx, c_start)
        if resolved is None or len(resolved.split()) < 5:
            return None
    clause = resolved
    names_in_clause = [m for m in ctx.agents(seg) if c_start <= m.start < c_end]
    if c_start > 0 and not names_in_clause and re.match(r"^the\s", clause):
        subject = _subject(seg, ctx)
        if subject and subject.start < c_start:
            clause = f"For {subject.text}, {clause}"
    clause = tidy_end(clause)
    if clause.count(MARK) != 1 or not 4 <= len(clause.split()) <= 70:
        return None
    return Frame(clause, _starts_with_name(clause, ctx))


def _starts_with_name(clause: str, ctx: Sentences) -> bool:
    first = re.match(r"[\"“]?([A-Za-z][\w&.-]*)", clause)
    if not first:
        return False
    word = re.sub(r"[’']s$", "", first.group(1))
    if (word.isupper() and len(word) > 1) or word in ctx.names:
        return True
    return any(
        e.name.split()[0] == word or any(a.split()[0] == word for a in e.aliases)
        for e in ctx.index.entities.values()
    )


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def statement(fr: Frame, answer: str) -> str:
    """The clause as a plain statement with `answer` in place."""
    return _cap(fr.text.replace(MARK, answer)) + "."


def according(body: str, proper_start: bool, *, question: bool) -> str:
    lead = body if proper_start or body.startswith(MARK) else body[:1].lower() + body[1:]
    return f"According to the article, {lead}{'?' if question else '.'}"


def in_situ(fr: Frame, wh: str, *, attributive_noun_wh: str | None = None) -> str | None:
    """'According to the article, FAW ranks … with sales of how many vehicles in 2024?'.

    A leading prepositional phrase holding the span moves to the end ("On March 3, X signed Y" →
    "X signed Y on what date?"); a determiner before the span goes; for a span used as an adjective
    ("a US$534 million stake") `attributive_noun_wh` rewrites it ("a stake worth how much").
    """
    text = fr.text
    lead = re.match(rf"^(On|In|By|As of|Since|From|Until|Through)\s+{MARK}\s*,\s*", text)
    proper = fr.proper_start
    if lead:
        text = f"{text[lead.end() :]} {lead.group(1).lower()} {MARK}"
        proper = True
    # "a $120 million lending partnership with…": the noun phrase runs to a preposition, a participle or a comma.
    attributive = re.search(
        rf"\b([Aa]n?)\s+{MARK}\s+((?:(?!(?:{_STOP_NP})\b)[a-z][a-z-]+\s){{0,2}}?[a-z][a-z-]+)(?=\s+(?:{_STOP_NP})\b|[,.;]|$)",
        text,
    )
    if attributive and attributive_noun_wh:
        noun = attributive.group(2)
        article = attributive.group(1)
        article = (
            (article[0] + "n" if noun[0] in "aeiou" else article[0])
            if article.lower() in ("a", "an")
            else article
        )
        text = (
            f"{text[: attributive.start()]}{article} {noun} {attributive_noun_wh}{text[attributive.end() :]}"
        )
        return according(text, proper, question=True)
    if not _VERB.search(text.replace(MARK, " ")):
        return None  # a list item or table cell: asked as a completion instead
    text = re.sub(rf"\b(?:[Tt]he|[Aa]n?)\s+(?={MARK})", "", text)
    if text.startswith(MARK):
        return f"According to the article, {text.replace(MARK, wh)}?"
    if not re.search(r"\w", text.replace(MARK, "")):
        return None
    return according(text.replace(MARK, wh), proper, question=True)


def completion(fr: Frame, noun: str) -> str:
    """'According to the article, which figure completes the statement “…___…”?'"""
    body = _cap(fr.text.replace(MARK, BLANK)).replace('"', "'")
    return f"According to the article, which {noun} completes the statement “{body}”?"


def cloze(fr: Frame) -> str:
    body = _cap(fr.text.replace(MARK, "{{1}}"))
    return f"Complete the statement from the article: {body}."
