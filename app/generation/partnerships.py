"""Partnership arrangements a sentence describes (memoranda, equity stakes, joint ventures, licensing,
outsourcing, co-branding…) and who does what in them, read with regular expressions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.articles.document import Segment
from app.generation.entities import EntityIndex

# Arrangement label → the phrases that name it, as written in articles.
ARRANGEMENTS: dict[str, str] = {
    "memorandum": r"memorand(?:um|a) of understanding|\bMoUs?\b|letters? of intent|framework agreements?",
    "equity": r"(?:equity|minority|majority|controlling) stakes?|capital cooperation|co-investment|equity investments?",
    "stake": r"\bstakes?\b|\bacquired\b|\binvest(?:ed|ment|s)?\b|\bbacks\b",
    "joint-venture": r"joint[- ]ventures?|\bJVs?\b",
    "licensing": r"(?:technology |patent )?licensing|licen[cs]e agreements?|technology (?:output|export)"
    r"|exported technologies",
    "outsourcing": r"(?:technology |hardware |software )?outsourcing",
    "co-branding": r"co-brand(?:ing|ed)|launched brands?\b[^.]{0,60}in cooperation with",
    "supply": r"supply (?:agreements?|deals?|contracts?)|supplier",
    "cooperation": r"(?:strategic|technical|technological) (?:cooperation|partnerships?|alliances?)"
    r"|partnership ecosystems|partnerships?\b|cooperation\b|collaboration\b|alliances?\b",
}
_CUE = re.compile("|".join(f"(?:{p})" for p in ARRANGEMENTS.values()), re.IGNORECASE)
# Arrangement phrases worth blanking out, and look-alike arrangements to offer beside them.
TARGET_PHRASES = re.compile(
    r"\b(?:technology|hardware|software) outsourcing\b|\btechnology licensing\b|\bequity stakes\b"
    r"|\bjoint ventures?\b|\bco-branding\b|\bcapital cooperation\b|\btechnical cooperation\b"
    r"|\bcontract manufacturing\b|\bsupply agreements?\b|\bco-investment\b",
    re.IGNORECASE,
)
ARRANGEMENT_POOL: tuple[tuple[str, str], ...] = (
    ("joint ventures", "joint-venture"),
    ("technology licensing", "licensing"),
    ("equity stakes", "equity"),
    ("hardware outsourcing", "outsourcing"),
    ("co-branding", "co-branding"),
    ("contract manufacturing", "manufacturing"),
    ("supply agreements", "supply"),
    ("franchising", "franchising"),
    ("full acquisitions", "acquisition"),
    ("capital cooperation", "equity"),
    ("technology outsourcing", "outsourcing"),
    ("technical cooperation", "cooperation"),
)
_CONTRIBUTION_VERBS = r"provides?|helps?|supports?|gives?|brings?|offers?|enables?|allows?"


@dataclass(frozen=True)
class Pair:
    """One left ↔ right pair for a matching question, with the sentence it comes from."""

    left: str
    right: str
    sid: str


def arrangement_labels(text: str) -> set[str]:
    """The arrangement labels a text cues."""
    return {label for label, pattern in ARRANGEMENTS.items() if re.search(pattern, text, re.IGNORECASE)}


def partnership_score(text: str) -> float:
    """Cue density: how much the sentence is about a partnership arrangement (0–1)."""
    cues = len(_CUE.findall(text))
    return min(1.0, 0.4 * cues)


def label_of(phrase: str) -> str:
    labels = arrangement_labels(phrase)
    specific = sorted(labels - {"cooperation", "stake"})
    return specific[0] if specific else (sorted(labels)[0] if labels else phrase.lower())


def arrangement_targets(text: str) -> list[tuple[int, int]]:
    """Spans of arrangement phrases worth asking about (outside quotations)."""
    spans = []
    for m in TARGET_PHRASES.finditer(text):
        before = text[: m.start()]
        if before.count('"') % 2 or before.count("“") != before.count("”"):
            continue
        spans.append((m.start(), m.end()))
    return spans


def _list_items(text: str) -> list[str]:
    return [t.strip() for t in re.split(r",\s*(?:and\s+)?|\s+and\s+", text) if t.strip()]


def brand_partners(sentences: Sequence[Segment]) -> list[Pair]:
    """'launched brands such as Wenjie and Zhijie in cooperation with automakers such as Seres and Chery'."""
    pairs: list[Pair] = []
    pattern = re.compile(
        r"brands such as (?P<brands>[A-Z][\w-]*(?:(?:,| and) [A-Z][\w-]*)+)[^.]{0,40}?"
        r"(?:in cooperation|together|jointly) with (?:automakers|carmakers|partners|companies) such as "
        r"(?P<makers>[A-Z][\w-]*(?:(?:,| and) [A-Z][\w-]*)+)"
    )
    for seg in sentences:
        for m in pattern.finditer(seg.text):
            brands, makers = _list_items(m.group("brands")), _list_items(m.group("makers"))
            if len(brands) == len(makers) >= 2:
                pairs.extend(Pair(b, mk, seg.sid) for b, mk in zip(brands, makers, strict=True))
    return pairs


def contributions(sentences: Sequence[Segment], index: EntityIndex) -> list[Pair]:
    """'FAW's annual production capacity … provide soil for Leapmotor': company ↔ what it brings."""
    pairs: list[Pair] = []
    for seg in sentences:
        for m in index.mentions.get(seg.sid, []):
            if m.kind != "company":
                continue
            found = re.match(
                rf"[’']s\s+(?P<what>[^.;]{{4,140}}?)\s+(?:{_CONTRIBUTION_VERBS})\b", seg.text[m.end :]
            )
            if found and not re.search(r"\b(?:is|are|was|were|has|have)\b", found.group("what")):
                pairs.append(Pair(m.key, found.group("what").strip(" ,"), seg.sid))
    return pairs


def model_users(sentences: Sequence[Segment], index: EntityIndex) -> list[Pair]:
    """'Leapmotor is also exploring the "Toyota model"': model ↔ the company that applies it."""
    pairs: list[Pair] = []
    for seg in sentences:
        mentions = index.mentions.get(seg.sid, [])
        companies = [m for m in mentions if m.kind == "company"]
        for m in mentions:
            if m.kind != "model" or not companies:
                continue
            user = companies[0]
            if user.start < m.start:
                pairs.append(Pair(m.key, user.key, seg.sid))
    return pairs


# Who appoints whom -------------------------------------------------------------------------------

_OWNER = r"(?:(?:new |joint )?(?:venture|JV|company|unit)['’]s\s+)"
_POST = (
    r"(?:chair(?:man|woman|person)?|chief executive(?: officer)?|CEO|president|chief financial officer|CFO"
    r"|chief technology officer|CTO|general manager)"
)
_OF_OWNER = r"(?:\s+of\s+the\s+(?:new\s+)?(?:joint\s+venture|venture|JV))"
_NUMBER = r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"
_SEATS = (
    r"(?:a|the) majority of (?:the |its )?(?:board|directors|board seats|board members)"
    rf"|{_NUMBER} of (?:the|its) {_NUMBER} (?:board seats|directors|board members|seats on the board)"
)
APPOINTS = re.compile(
    r"\s+(?P<verb>will|would|is to|shall|is set to|has the right to|gets to)\s+"
    r"(?P<act>appoint|nominate|name|choose|pick)\s+"
    rf"(?P<what>the\s+{_OWNER}?{_POST}{_OF_OWNER}?|{_SEATS})"
    r"(?=\s*(?:[,.;]|$|\s(?:while|whereas|and|but|with|under|after|once)\b))"
)
# What stands between two names of one list ("Vega, Kite and Orion will each …": the subject is the list).
_LIST_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)")
# Where a clause of its own starts: the sentence's start (after an opening phrase), or a joining word.
_CLAUSE_START = re.compile(r"(?:^|^[^,]{3,60},\s*|,\s*(?:while|whereas|and|but)\s+|;\s*)$")


@dataclass(frozen=True)
class Appointment:
    """'Orion will appoint the joint venture's chief executive': who appoints, and which post."""

    appointer: str  # the entity's canonical name
    act: str  # the verb as written ("appoint", "nominate")
    post: str  # "the joint venture's chief executive", "a majority of the board"
    sid: str


def appointments(sentences: Sequence[Segment], index: EntityIndex) -> list[Appointment]:
    """Posts a named organisation will fill, where the organisation alone is the clause's subject (never
    one name of a list, never 'each' of several: then the post is not one company's to fill)."""
    found: list[Appointment] = []
    for seg in sentences:
        for m in index.mentions.get(seg.sid, []):
            if m.kind not in ("company", "institution"):
                continue
            after = seg.text[m.end :]
            hit = APPOINTS.match(after)
            before = seg.text[: m.start]
            listed = any(
                o.end <= m.start and _LIST_JOIN.fullmatch(seg.text[o.end : m.start])
                for o in index.mentions.get(seg.sid, [])
            )
            if not hit or listed or not _CLAUSE_START.search(before):
                continue
            post = " ".join(hit.group("what").split())
            found.append(Appointment(m.key, hit.group("act"), post, seg.sid))
    return found
