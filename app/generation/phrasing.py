"""Turn one span of a sentence into a self-contained statement (clause chosen, pronouns resolved) and
that statement into question stems: a true statement, an in-place wh-question, or a completion."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.articles.document import Segment
from app.generation import nlp
from app.generation.entities import DEMONYMS, PLACES, EntityIndex, Mention

MARK = "\x00"  # stands for the target span while the clause is rewritten around it
BLANK = "___"
_AGENTS = ("company", "brand", "person", "institution", "model")
_CONNECTIVE = re.compile(
    r"^(?:Therefore|However|In addition(?! to\b)|In fact|Moreover|Meanwhile|Also|Thus|Still|Furthermore|Besides|"
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


_DEAL_WORDS = re.compile(
    r"\b(?:deal|agree\w*|pact|partner\w*|ventures?|JV|stakes?|invest\w*|acqui\w+|buy\w*|bought|merg\w+"
    r"|alliance|cooperat\w+|collaborat\w+|sign\w*|memorandum|tie-up)\b",
    re.IGNORECASE,
)


def lead_pair(
    sentences: Sequence[Segment], index: EntityIndex, most_named: list[str]
) -> tuple[str, str] | None:
    """The case's two parties: the first two companies named in one of the article's first three sentences
    about a deal (a news lead states the deal: "Minmetals signed an agreement with Rio Tinto"), else the
    two most-named companies (`most_named`). Counting alone made the seller's family holding and the
    target the parties of Tencent's deal."""
    for seg in sentences[:3]:
        if not _DEAL_WORDS.search(seg.text):
            continue
        keys: list[str] = []
        for m in index.mentions.get(seg.sid, []):
            if m.kind == "company" and m.key not in keys:
                keys.append(m.key)
        if len(keys) >= 2:
            return keys[0], keys[1]
    return (most_named[0], most_named[1]) if len(most_named) == 2 else None


def _pair(seg: Segment, ctx: Sentences) -> tuple[str, str] | None:
    """The two companies 'the two parties' or 'this cooperation' stands for: the two most recently named
    together in a sentence about a deal, when they are the case's two main companies; with no such sentence
    near, the case's two main companies; None when the nearest pair is another one (reviewers found "the
    deal between Guillemot Brothers and Ubisoft" and "approval of Minmetals and Mysteel" wrong: a sentence
    naming two companies does not make them the parties)."""
    for candidate in [seg, *ctx.previous(seg, 3)]:
        if not _DEAL_WORDS.search(candidate.text):
            continue
        names: list[str] = []
        keys: list[str] = []
        for m in ctx.agents(candidate):
            if m.kind == "company" and m.key not in keys:
                keys.append(m.key)
                names.append(m.text)
        if len(names) >= 2:
            main = set(ctx.main_pair or ())
            if {keys[0], keys[1]} == main or {names[0], names[1]} == main:
                return names[0], names[1]
            return None
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
    resolved = ""  # the name a leading pronoun was replaced by
    if m:
        word = m.group(1).lower()
        name = _antecedent(seg, ctx, clause_start, person=word in ("he", "she", "his", "her"))
        if not name:
            return None
        clause = (_possessive(name) if word in ("its", "his", "her") else name) + clause[m.end() :]
        resolved = name
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
        elif re.fullmatch(_PARTNERSHIP_NOUNS, noun) and dem.group(0).split()[0].lower() == "this":
            phrase = f"the {noun}"  # (the case's deal; its parties unsure)
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
        # "In its biggest deal, Alibaba is …": an "its" in a fronted phrase points ahead, to the subject named
        # right after the comma, not back to a company of the previous sentences
        fronted = re.match(
            r"^[^,]*,\s+(?P<subject>[A-Z][\w.&’'-]*(?:\s+[A-Z][\w.&’'-]*)*)", clause[first_its.start() :]
        )
        ahead = fronted is not None and any(
            fronted.group("subject").startswith(m.text) for m in ctx.agents(seg)
        )
        # ("It expects its sales …" reads "Sanyo expects its sales …", not "Sanyo expects Sanyo's sales …")
        if (
            not ahead
            and not (resolved and resolved in head)
            and not any(m.text in head for m in ctx.agents(seg))
        ):
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
    if (word.isupper() and len(word) > 1) or word in ctx.names or word in DEMONYMS or word in PLACES:
        return True  # ("Chinese tech giant Tencent": a demonym keeps its capital)
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


# --- Questions recast from the parse (issue 18, round 4) -------------------------------------------------
# A figure question a teacher would write names its subject and asks about the figure in the clause's own
# verb: "What share of Mazda did Toyota plan to take?", "How much will Sony invest in the venture?",
# "To what percentage will Renault reduce its stake in Nissan?". The side clauses of the source sentence
# (who said it, when, "as part of …", relative clauses) are left out; when the parse does not give a named
# subject, a finite verb and the figure as that verb's object (or the object of one of its prepositions),
# there is no recast and the in-place stem stays.
_SPEECH = frozenset({"say", "said", "says", "told", "tell", "tells", "announced", "announce", "announces",
                     "added", "reported", "stated", "confirmed", "noted"})  # fmt: skip
_HOLDING_NOUNS = frozenset(
    {"stake", "share", "interest", "holding", "ownership", "shareholding", "cross-shareholding", "stakes"}
)
# A subject that names its members by a quantifier ("Each company will invest …") is named enough.
_PARTIES = frozenset(
    {"companies", "partners", "firms", "sides", "parties", "groups", "automakers", "carmakers"}
)
_PRONOUNS = frozenset({"it", "they", "them", "he", "she", "him", "this", "that", "these", "those"})
_DASHES = frozenset({"-", "–", "—"})
_KEEP_PREPS = frozenset({"in", "of", "from", "to", "for", "with", "into", "on", "at", "by", "over"})
_MAX_PHRASE = 9  # tokens: a longer subject or prepositional phrase is a side clause, not a question's part
_NOUN_LINKS = frozenset({"nummod", "compound", "quantmod", "amod", "nmod", "npadvmod", "appos"})


def _words(tokens: list) -> str:  # type: ignore[type-arg]
    out = ""
    for t in tokens:
        out += t.text + t.whitespace_
    return out.strip()


def _phrase(token, skip: frozenset[int] = frozenset()) -> list | None:  # type: ignore[no-untyped-def,type-arg]
    """The contiguous subtree of `token` (without the tokens in `skip`), or None when it is not contiguous,
    too long, or holds a comma, a quotation or a clause of its own."""
    aside = {d.i for c in token.subtree if c.dep_ in ("relcl", "acl", "appos") and c.i > token.i
             and c.doc[c.left_edge.i - 1].text == "," for d in (c.doc[c.left_edge.i - 1], *c.subtree)}  # fmt: skip
    tokens = [t for t in token.subtree if t.i not in skip and t.i not in aside]
    while tokens and tokens[-1].dep_ == "cc":
        tokens.pop()  # "60 percent of the venture and [Vega will hold the rest]": the joining word is not the phrase's
    if not tokens or len(tokens) > _MAX_PHRASE:
        return None
    following = token.doc[tokens[-1].i + 1] if tokens[-1].i + 1 < len(token.doc) else None
    if (
        token.i > token.head.i
        and following is not None
        and (
            following.tag_ == "MD" or following.tag_.startswith("VB") or following.dep_ in ("aux", "auxpass")
        )
        and any(t.dep_ == "conj" for t in tokens)
    ):
        return None  # "of the venture and Vega | will hold the rest": the name after "and" starts a clause
    if any(b.i - a.i != 1 for a, b in zip(tokens, tokens[1:], strict=False)):
        return None
    if any(t.text in {",", ";", ":", "(", ")", '"', "“", "”", "—", "-"} for t in tokens):
        return None
    if any(t.dep_ in ("relcl", "acl", "ccomp", "advcl") for t in tokens):
        return None
    return tokens


def _dateline(token) -> frozenset[int]:  # type: ignore[no-untyped-def]
    """The tokens of a dateline ("TOKYO - ") parsed into the subject's phrase, to leave out."""
    tokens = list(token.subtree)
    dash = next((i for i, t in enumerate(tokens) if t.text in _DASHES), None)
    if dash is None and len(tokens) == 1 and tokens[0].text.isupper() and token.nbor(1).text in _DASHES:
        return frozenset({token.i})
    if dash is None or not all(t.text.isupper() for t in tokens[:dash]):
        return frozenset()
    return frozenset(t.i for t in tokens[: dash + 1])


def _partners(tokens: list) -> bool:  # type: ignore[type-arg]
    """ "Each company", "both partners", "the two companies": the parties of the deal, named as a set."""
    words = [t.lower_ for t in tokens]
    if len(words) == 2 and words[0] == "each":
        return tokens[1].tag_ == "NN"
    # not "both partners will hold 50 percent": each of them, or the two together? The question cannot say
    if words[:2] == ["the", "two"] and len(words) == 3:
        return tokens[-1].tag_ == "NNS" and tokens[-1].lower_ in _PARTIES
    return False


def _has_figure(tokens: list) -> bool:  # type: ignore[type-arg]
    """A number or an amount ("$15", "HK$55.29", "43.4") among the tokens."""
    return any(t.like_num or t.tag_ == "$" or any(ch.isdigit() for ch in t.text) for t in tokens)


def _named(tokens: list) -> bool:  # type: ignore[type-arg]
    return any(t.tag_ in ("NNP", "NNPS") for t in tokens)


def _subject_text(tokens: list) -> str:  # type: ignore[type-arg]
    text = _words(tokens)
    return text[:1].lower() + text[1:] if tokens[0].tag_ == "DT" else text


def parties(seg: Segment, ctx: Sentences) -> tuple[str, str] | None:
    """The two companies "the two companies" stands for in `seg` (see _pair), or None."""
    return _pair(seg, ctx)


def recast_figure(  # type: ignore[no-untyped-def]
    doc, start: int, core_end: int, kind: str, pair: tuple[str, str] | None = None
) -> str | None:
    """A wh-question on the figure at [start, core_end) of the parsed sentence, in the words of the clause
    whose verb governs it, with its named subject (module comment above), or None. `pair` names "the two
    companies" (without it such a subject is not asked about)."""
    if doc is None or kind not in ("money", "percent", "count"):
        return None
    fig = [t for t in doc if t.idx < core_end and t.idx + len(t.text) > start]
    if not fig:
        return None
    inside = {t.i for t in fig}
    top = next((t for t in fig if t.head.i not in inside or t.head.i == t.i), None)
    if top is None:
        return None
    # Climb from the figure to the head of its noun phrase ("5 percent" → "share"; "$1.5 billion" → "$").
    head = top
    while head.dep_ in _NOUN_LINKS and head.head.i != head.i and head.head.tag_.startswith("NN"):
        head = head.head
    if head.dep_ in _NOUN_LINKS and head.head.tag_ in ("$", "CD"):
        return None
    noun_outside = head.i not in inside
    if noun_outside:
        if kind == "percent" and head.lower_ in _HOLDING_NOUNS:
            wh = f"what {head.lower_}"
        elif kind == "count" and top.dep_ == "nummod" and head.head.i != head.i:
            wh = f"how many {head.text}" if head.tag_ == "NNS" else ""
        else:
            wh = ""
        if not wh:
            return None
        between = [t for t in doc[top.i + 1 : head.i] if t.i not in inside]
        if any(t.dep_ not in ("amod", "compound") or t.tag_ in ("NNP", "NNPS", "CD", "$") for t in between):
            return None
        wh = (
            wh.replace(head.lower_ if kind == "percent" else head.text, _words([*between, head]), 1)
            if between
            else wh
        )
    else:
        wh = {"money": "how much", "percent": "what percentage"}.get(kind, "")
        if not wh:
            return None
    rights = [c for c in head.rights if c.i not in inside and c.dep_ != "punct"]
    tail: list = []  # type: ignore[type-arg]
    moved: list = []  # type: ignore[type-arg]  # an amount's own phrases go after the verb, not into "how much"
    for c in rights:
        if c.dep_ == "amod" and c.lower_ == "worth":
            # "a 5 percent stake worth $700 million in XPeng": the value is left out, the target kept
            tail += next((ph for t in c.subtree if t.dep_ == "prep" and t.lower_ in ("in", "of")
                          and (ph := _phrase(t)) and not _has_figure(ph)), [])  # fmt: skip
            continue
        if doc[c.left_edge.i - 1].text in (",", "("):
            continue  # ", the same size as …", "worth $700 million": an aside or a second figure, left out
        ph = _phrase(c)
        if ph is None or c.dep_ not in ("prep", "npadvmod"):
            return None
        if _has_figure(ph) and not (kind == "percent" and c.lower_ == "of"):
            return None
        own = (kind == "money" and not noun_outside) or (
            kind == "percent" and c.dep_ == "prep" and c.lower_ not in ("of", "in")
        )
        if own:
            moved.append(ph)
        else:
            tail += ph
    if tail:
        wh = f"{wh} {_words(tail)}"
    # The governing verb: the figure phrase is its object, or the object of one of its prepositions.
    prep = None
    if head.dep_ in ("dobj", "dative"):
        verb = head.head
    elif head.dep_ == "pobj" and head.head.dep_ == "prep":
        prep = head.head
        # "reduce its stake from 43.4 percent to 15 percent": "to" hangs on "from", both on the verb
        branch = prep.head if prep.head.dep_ == "prep" and prep.head.head.tag_.startswith("VB") else prep
        verb = branch.head
        if not verb.tag_.startswith("VB"):
            return None
        if prep.lower_ not in _KEEP_PREPS:
            return None
        wh = f"{prep.lower_} {'what amount' if wh == 'how much' and prep.lower_ != 'for' else wh}"
    else:
        return None
    if not verb.tag_.startswith("VB"):
        return None
    # Up the chain of "planned to take", "agreed to buy" to the clause head that carries tense and subject.
    chain = [verb]
    while chain[-1].dep_ == "xcomp" and chain[-1].head.tag_.startswith("VB"):
        chain.append(chain[-1].head)
    clause = chain[-1]
    if clause.dep_ not in ("ROOT", "ccomp", "conj", "advcl", "relcl"):
        return None
    # "the JV, in which RIL has invested $1.4 billion": "which" is the noun the relative clause hangs on
    antecedent = _phrase(clause.head) if clause.dep_ == "relcl" else None
    if clause.dep_ == "relcl" and (antecedent is None or _has_figure(antecedent)):
        return None
    speaker = clause.head if clause.dep_ == "ccomp" and clause.head.lower_ in _SPEECH else None
    if clause.dep_ == "ccomp" and speaker is None:
        return None
    # "Renault will retain 15 percent … and transfer the remaining 28.4 percent …": a second verb without a
    # subject of its own shares the first one's subject and auxiliary
    holder = clause
    if (
        clause.dep_ == "conj"
        and not any(c.dep_.startswith("nsubj") for c in clause.children)
        and clause.head.tag_.startswith("VB")
        and clause.head.dep_ == "ROOT"
    ):
        holder = clause.head
        own_aux = sorted((c for c in clause.children if c.dep_ in ("aux", "auxpass")), key=lambda t: t.i)
        opening = own_aux[0] if own_aux else clause
        if opening.i > 0 and doc[opening.i - 1].tag_ in ("NNP", "NNPS"):
            # "… a 51 percent stake in the joint venture and Vega Capital will hold 49 percent": the
            # name before "will hold" is its subject, parsed into the object before; never lend the first
            # verb's subject ("what percentage will Orion hold?" was a wrong answer).
            return None
    if holder.dep_ in ("conj", "advcl", "relcl") and not any(
        c.dep_.startswith("nsubj") for c in holder.children
    ):
        return None
    subj = next(
        (
            c
            for c in holder.children
            if c.dep_ in ("nsubj", "nsubjpass") and len(_dateline(c)) < len(list(c.subtree))
        ),
        None,
    )  # "BERLIN - Each partner will …": the dateline may be parsed as a second subject
    if subj is None:
        return None
    if any(t.dep_ == "conj" for t in subj.subtree):
        return None  # "GIC and the Future Fund took less than 10%": asked of GIC alone, a wrong key
    subject = _phrase(subj, _dateline(subj))
    if subject is None:
        return None
    if not _named(subject) and not _partners(subject):
        if subj.lower_ in ("it", "they") and len(subject) == 1 and speaker is not None:
            said_by = next((c for c in speaker.children if c.dep_ == "nsubj"), None)
            subject = _phrase(said_by, _dateline(said_by)) if said_by is not None else None
            if subject is None or not _named(subject) or (subj.lower_ == "it") != (said_by.tag_ != "NNS"):
                return None
        else:
            return None
    if any(t.lower_ in ("not", "n't", "never") for c in chain for t in c.children if t.dep_ == "neg"):
        return None
    auxes = sorted((c for c in clause.children if c.dep_ in ("aux", "auxpass")), key=lambda t: t.i)
    if not auxes and holder is not clause and clause.tag_ == "VB":
        auxes = sorted((c for c in holder.children if c.dep_ in ("aux", "auxpass")), key=lambda t: t.i)
    if clause.lemma_ == "be" or any(c.tag_ == "TO" for c in auxes):
        return None
    verbs: list[str] = []
    for i, v in enumerate(reversed(chain)):
        if i:
            verbs.append("to")
        verbs.append(v.text if i or auxes else lemma_of(v))
        verbs += [p.text for p in v.children if p.dep_ == "prt"]
    if auxes:
        first, rest = auxes[0].lower_, [a.lower_ for a in auxes[1:]]
    else:
        first = {"VBD": "did", "VBZ": "does", "VBP": "do"}.get(clause.tag_, "")
        rest = []
        if not first:
            return None
    # What else the verb takes: its object (when the figure is not it) and short prepositional phrases.
    after: list[str] = [_words(ph) for ph in moved]
    figure_branch = branch if prep is not None else head
    for c in verb.children:
        if c.i > verb.i and doc[c.left_edge.i - 1].text in (",", "(") and c.dep_ != "dative":
            continue  # ", the same size as …": an aside
        if c.i == figure_branch.i or c.dep_ in (
            "nsubj",
            "nsubjpass",
            "aux",
            "auxpass",
            "prt",
            "punct",
            "neg",
        ):
            continue
        if c.dep_ in ("dobj", "dative", "prep"):
            ph = _phrase(c)
            if ph is not None and antecedent is not None and [t.tag_ for t in ph] == ["IN", "WDT"]:
                ph = [ph[0], *antecedent]  # "in which" → "in the JV"
            if ph is not None and any(t.tag_ in ("WDT", "WP") for t in ph):
                return None
            if ph is not None and c.dep_ == "prep" and _period(ph) and _second_figure(doc, inside):
                after.append(_words(ph))  # "sold 41 million litres in 2024, up from 26 million": which year
                continue
            if ph is None or _has_figure(ph):
                if c.dep_ in ("dobj", "dative"):
                    return None
                continue  # a side phrase (a second figure, a long aside): left out
            if c.dep_ == "prep" and (
                c.lower_ not in _KEEP_PREPS or _when(ph) or any(t.tag_.startswith("VB") for t in ph)
            ):
                continue  # "on Friday", "with Mubadala holding the rest": when, or a clause of its own
            after.append(_words(ph))
        elif c.dep_ in (
            "advmod",
            "npadvmod",
            "advcl",
            "xcomp",
            "ccomp",
            "conj",
            "cc",
            "acomp",
            "attr",
            "oprd",
        ):
            if c.dep_ in ("acomp", "attr", "oprd", "ccomp"):
                return None
            continue
    if [t.lower_ for t in subject[:2]] == ["the", "two"]:
        if pair is None:
            return None
        subject_text = f"{pair[0]} and {pair[1]}"
    else:
        subject_text = _subject_text(subject)
    if any(c.lower_ in ("combined", "total", "joint") for c in head.lefts):
        after.append("in total")  # "a combined €2.4 billion"
    body = " ".join([wh, first, subject_text, *rest, *verbs, *after])
    body = re.sub(r"\s+", " ", body).strip()
    if any(w.lower() in _PRONOUNS for w in re.findall(r"[\w']+", " ".join(after) + " " + wh)):
        return None  # "a stake in it": what the pronoun stands for is not in the question
    return f"According to the article, {body}?"


_WHEN_WORDS = re.compile(
    r"^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July"
    r"|August|September|October|November|December|today|yesterday|week|month|year|quarter|(?:19|20)\d\d)$",
    re.IGNORECASE,
)


def _period(tokens: list) -> bool:  # type: ignore[type-arg]
    """ "in 2024", "in fiscal 2025", "in the first quarter": the period a figure is of."""
    return bool(
        re.fullmatch(
            r"in (?:the )?(?:fiscal (?:year )?)?(?:\d{4}|(?:first|second|third|fourth) quarter(?: of \d{4})?)",
            " ".join(t.text for t in tokens).lower(),
        )
    )


def _second_figure(doc, inside: set[int]) -> bool:  # type: ignore[no-untyped-def]
    """Another number in the sentence besides the asked figure (a year excepted): a figure of another period
    ("up from 26 million litres a year earlier") that the period in the question tells apart."""
    return any(t.i not in inside and t.like_num and not re.fullmatch(r"(?:19|20)\d\d", t.text) for t in doc)


def _when(tokens: list) -> bool:  # type: ignore[type-arg]
    """A time phrase ("on Friday", "in July", "in 2016"): when the announcement was made, not the fact."""
    return any(_WHEN_WORDS.match(t.text) for t in tokens[1:])


def lemma_of(verb) -> str:  # type: ignore[no-untyped-def]
    """The verb's dictionary form ("planned" → "plan"), from the lemmatizer the pipeline skips in parse()."""
    return nlp.lemma(verb)
