"""Find the named entities of an article (companies, brands, people, places, institutions, models,
products), merge their aliases ("China FAW", "FAW Group" → FAW) and read the roles the text gives them."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from app.articles.document import Segment
from app.generation import nlp

# The wh-phrase that asks for an entity of each kind, in place.
WH_BY_KIND = {
    "company": "which company",
    "brand": "which brand",
    "person": "who",
    "place": "where",
    "institution": "which institution",
    "model": "which model",
    "product": "which technology",
}
NOUN_BY_KIND = {
    "company": "company",
    "brand": "brand",
    "person": "person",
    "place": "place",
    "institution": "institution",
    "model": "model",
    "product": "technology",
}

# A hyphenated lower-case tail belongs to a name ("Kim Min-jun") unless it makes an adjective ("Hong Kong-listed").
_ADJECTIVE_TAILS = (
    r"listed|based|owned|backed|made|born|headquartered|style|like|led|focused|funded|registered|controlled"
    r"|era|level|wide|sized?"
)
_TOKEN = rf"[A-Z][A-Za-z0-9&]*(?:[-.][A-Z0-9][A-Za-z0-9&]*|-(?!(?:{_ADJECTIVE_TAILS})\b)[a-z]+\b)*"
# A name ends at a possessive ("Huawei's ADS system" names Huawei and ADS) and never runs into "US$".
# "&" between capitalised words is inside one name ("Bed Bath & Beyond", "Barnes & Noble"): news prose joins
# two parties with "and".
_SEQUENCE = re.compile(rf"(?<![-\w]){_TOKEN}(?:\s(?:of\s(?:the\s)?|&\s)?{_TOKEN})*(?:[’']s\b)?(?![$\w])")
TITLES = (
    "CEO",
    "CFO",
    "CTO",
    "COO",
    "Chairman",
    "Chairwoman",
    "President",
    "Founder",
    "Co-founder",
    "Co-Founder",
    "Cofounder",
    "Professor",
    "Prof.",
    "Dr.",
    "Mr.",
    "Ms.",
    "Mrs.",
    "Director",
    "Minister",
    "Analyst",
    "Spokesperson",
    "Vice President",
    "Chief Executive",
)
_TITLE_WORDS = {t.lower().rstrip(".") for t in TITLES} | {
    "chief",
    "executive",
    "founder",
    "analyst",
    "spokesman",
}


def _words(text: str) -> frozenset[str]:
    """A long word list, written as one block of text."""
    return frozenset(text.split())


# Capitalised at the start of a sentence without being names.
_STOP_FIRST = _words(
    """
    A According After All Also Although American An And Another As At Because Before Besides Both
    But By Chinese Contrast Despite During Each Eastern Either European Even Every Expect Finally
    First For Frequently From Full Further Furthermore German He Her Here His How However If In
    Indeed Instead It Its Japanese Just Korean Last Learn Like Likewise Many Meanwhile Moreover Most
    Neither Next No Nor Not Now On Only Operators Or Other Our Over Overall Rather Related Second
    See Share Shares She Similarly Since So Some Still Stock Stocks Such That The Their Then There
    Therefore These They Think
    Third This Those Though Thus Today Under Unlike We Western What Whatever When Which While Who
    Whoever Why With Yes Yesterday Yet
    """
)
# Capitalised words and codes that never name an entity (months, acronyms, tickers, ratings).
_NOT_NAMES = _words(
    """
    AI API April August Autonomy Buy CEO CEO's CFO CNY COO CTO Cooperation December Dr ERP EUR EV
    EVs FAQ FAQs FSE FY February Friday GBP GDP HK HKD HKEX Hold I IPO Inc JPY January July June KSh
    LSE Ltd March May Memorandum Monday Mr Ms NASDAQ NEV NEVs NYSE Nasdaq Neutral November OEM OEMs
    October Outperform Overweight Q1 Q2 Q3 Q4 R&D RMB Republic SSE SZSE Saturday Sell September
    Startup Strategic Sunday TSE Thursday Tuesday USD Underperform Understanding Underweight
    Wednesday
    """
)
_DEMONYMS = _words(
    """
    African American Arab Argentine Argentinian Asian Australian Austrian Belgian Brazilian British
    Canadian Chilean Chinese Danish Dutch Eastern Egyptian Emirati European Finnish French German
    Greek Hungarian Indian Indonesian Irish Israeli Italian Japanese Kenyan Korean Latin Malaysian
    Mexican Nigerian Norwegian Polish Portuguese Russian Saudi Scottish Singaporean Spanish Swedish
    Swiss Taiwanese Thai Turkish Vietnamese Western
    """
)
DEMONYMS = frozenset(_DEMONYMS - {"Eastern", "Western"})  # (words that keep their capital in a sentence)
# A small gazetteer; other places are recognised from 'in X' (see index_entities).
PLACES = _words(
    """
    Africa America Americas Amsterdam Argentina Asia Atlanta Australia Austria Bangalore Bangladesh
    Beijing Belgium Berlin Boston Brazil Britain Brussels Budapest Cairo California Campinas Canada
    Changchun Chengdu Chicago Chile China Chongqing Colombia Dallas Debrecen Delhi Denmark Denver
    Detroit Dubai EU Egypt England Ethiopia Europe Finland France Germany Ghana Greece Guangdong
    Guangzhou Hangzhou Hefei Houston Hungary India Indonesia Ireland Israel Istanbul Italy Japan
    Jiangsu Jilin Johannesburg Kenya Korea Lagos London Macau Madrid Malaysia Melbourne Mexico Miami
    Michigan Milan Morocco Mumbai Munich Nairobi Nanjing Netherlands Nigeria Norway Oceania Oslo
    Pakistan Paris Peru Philippines Poland Portland Portugal Prague Riyadh Rome Russia Savannah
    Seattle Seoul Shanghai Shenzhen Singapore Spain Stockholm Sweden Switzerland Sydney Taiwan Texas
    Thailand Tianjin Tokyo Toronto Turkey UK US USA Vancouver Vienna Vietnam Warsaw Washington Wuhan
    Xi'an Zhejiang
    """
)
PLACES |= {
    "Hong Kong",
    "Latin America",
    "Long Beach",
    "Los Angeles",
    "Mexico City",
    "Middle East",
    "Minas Gerais",
    "New York",
    "North America",
    "Rio de Janeiro",
    "San Francisco",
    "Sao Paulo",
    "South America",
    "South Korea",
    "Southeast Asia",
    "São Paulo",
    "United Kingdom",
    "United States",
}
_PLACE_LEADS = {p for p in PLACES if " " not in p}
PLACE_LEADS = frozenset(_PLACE_LEADS)
_COMPANY_SUFFIX = _words(
    """
    AG Airlines Auto Automobile Automotive Bank Capital Co Co. Company Corp Corp. Corporation
    Electric Energy Group Holdings Inc Inc. Industries LLC Labs Ltd Ltd. Motor Motors PLC Partners
    SE Systems Technologies Technology Ventures plc
    """
)
_INSTITUTION_WORDS = _words(
    """
    Academy Administration Agency Association Authority Bureau Center Centre College Commission
    Committee Congress Council Court Department Exchange Federation Foundation Government Institute
    Ministry Office Parliament School Union University
    """
)
_GENERIC_TOKENS = _COMPANY_SUFFIX | {"the", "of"}
GENERIC_TOKENS = frozenset(_GENERIC_TOKENS)
_PERSON_BEFORE = re.compile(
    r"(?:\b(?:Dr|Mr|Ms|Mrs|Prof)\.\s+$)"
    r"|\b(?:chief executive(?: officer)?|chief financial officer|CEO|founder|president|chairman|chairwoman|analyst"
    r"|director|manager|minister|professor|spokes\w+|economist|head of [a-z ]+|officer),?\s+$",
    re.IGNORECASE,
)
_UNIT_OR_PLURAL_ACRONYM = re.compile(r"^(?:[A-Z]{2,}s|[GMkT]Wh?|TEU)$")
_PERSON_AFTER = re.compile(r",\s+(?:who|an?\s+analyst|the\s+(?:chief|founder|CEO|head))\b")
_PRODUCT_NOUNS = r"system|systems|platform|architecture|battery|chip|chips|software|technology|operating"


@dataclass(frozen=True)
class Mention:
    """A named entity as written in one sentence; offsets exclude a trailing possessive."""

    sid: str
    start: int
    end: int
    text: str
    kind: str
    key: str  # the canonical name of the entity it belongs to (set after alias merging)


@dataclass(frozen=True)
class Entity:
    name: str  # canonical (shortest) name
    kind: str
    aliases: tuple[str, ...]
    count: int
    first: int  # position of the first sentence that names it


@dataclass(frozen=True)
class Role:
    """What the article says an entity is or does ('the country's oldest automaker', 'CEO of Leapmotor')."""

    entity: str  # canonical name
    role: str
    sid: str
    relation: str  # appositive | title | affiliation | as-role | relative


@dataclass
class EntityIndex:
    entities: dict[str, Entity]
    mentions: dict[str, list[Mention]]  # by sid
    roles: list[Role]

    def of_kind(self, kind: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind == kind]

    def keys_in(self, sid: str) -> set[str]:
        return {m.key for m in self.mentions.get(sid, [])}


def _strip_possessive(text: str) -> str:
    return re.sub(r"[’']s$", "", text)


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Short quoted titles ("eldest son of the Republic"), whose capitals are not entity names."""
    spans = []
    for m in re.finditer(r"[\"“]([^\"”]{1,80})[\"”]", text):
        if len(m.group(1).split()) <= 8:
            spans.append((m.start(), m.end()))
    return spans


def _split_titles(text: str, start: int) -> list[tuple[int, str, str]]:
    """Split 'Leapmotor CEO Zhu Jiangming' into (offset, text, forced kind) pieces around the title."""
    words = list(re.finditer(r"\S+", text))
    for i, w in enumerate(words):
        if w.group(0).rstrip(".").lower() in _TITLE_WORDS or w.group(0) in ("Prof.", "Dr.", "Mr.", "Ms."):
            before = text[: w.start()].strip()
            pieces = []
            if before:
                pieces.append((start, before, "company"))
            rest = words[i + 1 :]
            while rest and rest[0].group(0).rstrip(".,").lower() in _TITLE_WORDS | {
                "officer",
                "financial",
                "operating",
            }:
                rest = rest[1:]  # the rest of a title: "Chief Executive Officer"
            after = text[rest[0].start() :].strip() if rest else ""
            if after.startswith("of "):
                # "Chief Executive Officer of Helios Motors": the title's organisation, not a person.
                pieces.append((start + rest[0].start() + 3, after[3:], ""))
                after = ""
            if after:
                off = start + rest[0].start()
                person, _, affiliation = after.partition(" of ")
                pieces.append((off, person, "person"))
                if affiliation:
                    pieces.append((off + len(person) + 4, affiliation, ""))
            return pieces
    return [(start, text, "")]


def _classify(name: str, sentence: str, start: int, end: int, forced: str) -> str:
    """The kind of a name, from its own words first and then from the words around it."""
    after = sentence[end : end + 30]
    before = sentence[max(0, start - 60) : start]
    tokens = name.split()
    if forced == "person":
        return "person"
    if any(t in _INSTITUTION_WORDS for t in tokens) or re.search(r"\bCentral Bank\b|\bReserve Bank\b", name):
        return "institution"
    if re.match(r"[\"”]?\s+models?\b", after) or name.endswith(" model"):
        return "model"
    if name in PLACES or re.match(r"-(?:based|headquartered|born|listed)\b", sentence[end:]):
        return "place"
    if tokens[-1] in _COMPANY_SUFFIX or forced == "company":
        return "company"
    if _PERSON_BEFORE.search(before):
        return "person"
    person_context = re.search(
        r"\b(?:said|founded (?:in \d{4} )?by(?:(?: [A-Z][\w-]*){1,3} and)?)\s+$", before
    )
    titled = _TITLE_AFTER.match(sentence[end:])
    if 2 <= len(tokens) <= 3 and (person_context or _PERSON_AFTER.match(after) or titled):
        return "person"
    if re.match(r"\s+(?:said|says|told|added|noted|argued|wrote)\b", after) and 2 <= len(tokens) <= 3:
        return "person"
    if re.match(r"\s+brands?\b", after) or re.search(r"\bbrands? such as (?:[A-Z]\w*,? (?:and )?)*$", before):
        return "brand"
    if re.match(rf"\s+(?:{_PRODUCT_NOUNS})\b", after) and (name.isupper() or re.search(r"[’']s\s+$", before)):
        return "product"
    return "company"


def defined_acronyms(segments: Sequence[Segment]) -> set[str]:
    """Acronyms an article defines for a thing ("lithium iron phosphate (LFP) cells"): terms, not names."""
    terms: set[str] = set()
    for seg in segments:
        terms.update(re.findall(r"\b[a-z][a-z-]+(?:\s[a-z][a-z-]+){0,4}\s\(([A-Z]{2,6})\)", seg.text))
    return terms


def demonym_names(segments: Sequence[Segment]) -> set[str]:
    """Names whose leading demonym belongs to them, as the article's own full form shows: "American Tower"
    after "American Tower Corp", so a later bare "American Tower" is not cut to "Tower"."""
    kept: set[str] = set()
    for seg in segments:
        for m in _SEQUENCE.finditer(seg.text):
            words = m.group(0).split()
            if len(words) > 2 and words[0] in _DEMONYMS and words[-1] in _COMPANY_SUFFIX:
                kept.add(" ".join(words[:-1]))
    return kept


_COMBINING_DEMONYMS = frozenset(
    {"Anglo", "Sino", "Franco", "Indo", "Euro", "Afro", "Austro", "Italo", "Russo"}
)


# The words after the first half of a committee's name that has "and" in it.
_FIRST_HALF_OF_INSTITUTION = re.compile(
    r"\s+and\s+(?:[A-Z][\w&-]*\s+){1,4}(?:Committee|Council)\b"  # ("Apple and Stanford University": two)
)


# A wire story's dateline: the city (or cities) in capitals, the agency in brackets, then a dash (which
# some outlets drop after the agency: "OSAKA (Kyodo) Sanyo Electric Co. and …").
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’ -]+(?:/[A-Z][A-Z.'’ -]+)*"
    r"(?:\s*\([^)]{1,40}\)\s*[-–—]+\s|\s*\([A-Za-z ]{2,30}\)\s+(?=[A-Z])|\s*[-–—]+\s)"
)


def _candidates(
    seg: Segment,
    repeated_caps: set[str],
    defined_terms: set[str],
    demonym_led: AbstractSet[str] = frozenset(),
) -> list[tuple[int, int, str, str]]:
    text = seg.text
    quoted = _quoted_spans(text)
    dateline = _DATELINE.match(text)
    found: list[tuple[int, int, str, str]] = []
    for m in _SEQUENCE.finditer(text):
        raw = m.group(0)
        start = m.start()
        if dateline and start < dateline.end():
            continue  # "FRANKFURT/WASHINGTON (Reuters) -": where and who filed the story, not a party to it
        if any(qs <= start < qe for qs, qe in quoted) and not re.match(r"\s*models?\b", text[m.end() + 1 :]):
            continue
        if _FIRST_HALF_OF_INSTITUTION.match(text, m.end()):
            continue  # "Business Transformation" of "the Business Transformation and Strategy Review Committee"
        in_parentheses = re.search(r"\([^)]*$", text[:start]) is not None
        if re.match(r"\s?\d", text[m.end() :]) or (in_parentheses and ":" in text[start - 12 : m.end() + 12]):
            continue  # "KSh 15.5 billion", "(NYSE: KSTL)": a currency or a ticker, not a name
        for piece_start, piece, forced in _split_titles(raw, start):
            words = piece.split()
            offset = piece_start
            institutional = len(words) > 1 and (
                words[-1] in _INSTITUTION_WORDS or words[-1] in _COMPANY_SUFFIX
            )
            while words and (words[0] in _STOP_FIRST or words[0].rstrip("’'s") in _DEMONYMS):
                if words[0] in _DEMONYMS and (
                    institutional or any(f"{' '.join(words)} ".startswith(f"{name} ") for name in demonym_led)
                ):
                    break  # "European Commission"; "American Tower" where the article wrote "American Tower Corp"
                offset = text.index(words[1], offset + len(words[0])) if len(words) > 1 else offset
                words = words[1:]
            while words and words[0] in ("of", "the"):
                offset = text.index(words[1], offset + len(words[0])) if len(words) > 1 else offset
                words = words[1:]  # "Shares of Bed Bath & Beyond": the name starts after "Shares of"
            while words and words[-1] in ("of", "the"):
                words = words[:-1]
            if not words:
                continue
            name = _strip_possessive(" ".join(words))
            if not name or name in _NOT_NAMES or name in _DEMONYMS or len(name) < 2:
                continue
            if "-" in name and all(p in _DEMONYMS or p in _COMBINING_DEMONYMS for p in name.split("-")):
                continue  # "Australian-British miner Rio Tinto", "Anglo-Dutch": where from, not who
            if (
                all(w in _NOT_NAMES for w in name.split())
                or name in defined_terms
                or _UNIT_OR_PLURAL_ACRONYM.match(name)
            ):
                continue
            at_sentence_start = bool(re.search(r"(?:^|[:.!?]\s*)[\"“(]?\s*$", text[:offset]))
            looks_common = name not in PLACES and not name.isupper() and not re.search(r"[a-z][A-Z]", name)
            if (
                at_sentence_start
                and " " not in name
                and not forced
                and name not in repeated_caps
                and looks_common
            ):
                # A capitalised first word is only a name if the article also capitalises it mid-sentence.
                continue
            end = offset + len(name)
            kind = _classify(name, text, offset, end, forced)
            model = re.match(r"[\"”]?\s+models?\b", text[end:])
            if kind == "model" and model and not name.endswith("model"):
                # The model's name includes the word: "Toyota model", "Hongmeng Intelligent Driving model".
                name = f"{name} model"
                end = offset + len(name)
                if text[offset:end] != name:
                    continue
            suffix = (
                re.match(r"\.(?:,?\s(?:Ltd|Inc|LLC|Co|Corp)\.)?", text[end:])
                if name.split()[-1] in ("Co", "Inc", "Ltd", "Corp")
                else None
            )
            if suffix:
                end += suffix.end()  # "Northwind Batteries Co., Ltd." is one mention
            found.append((offset, end, name, kind))
    return found


def mid_sentence_caps(segments: Sequence[Segment], *, every_word: bool = False) -> set[str]:
    """Names the article capitalises mid-sentence, so they are not capitalised only for starting one."""
    caps: set[str] = set()
    for seg in segments:
        for m in _SEQUENCE.finditer(seg.text):
            if re.search(r"[a-z,;:]\s$", seg.text[: m.start()]):
                name = _strip_possessive(m.group(0))
                caps.add(name)
                # "Hoshino will run…" after "retailer Hoshino Group"; "Bakare said…" after "Tunde Bakare".
                caps.update(name.split() if every_word else name.split()[:1])
    return caps


def _key_tokens(name: str) -> frozenset[str]:
    tokens = [t for t in name.split() if t not in _GENERIC_TOKENS]
    if len(tokens) > 1 and tokens[0] in _PLACE_LEADS:
        # "China FAW", "Zhejiang Leapmotor Technology": the leading place is not part of the brand.
        tokens = tokens[1:]
    return frozenset(tokens)


def _merge(found: list[tuple[str, str, str, int]]) -> dict[tuple[str, str], str]:
    """Map (surface, kind) → canonical name: a name whose key tokens contain another's is its alias, unless
    they contain two different entities' ("BMW Brilliance Automotive", the venture of BMW and Brilliance, is
    neither partner)."""
    surfaces: dict[tuple[str, str], int] = {}
    for _, name, kind, position in found:
        surfaces.setdefault((name, kind), position)
    ordered = sorted(surfaces, key=lambda nk: (len(nk[0]), nk[0]))
    canonical: dict[tuple[str, str], str] = {}
    for name, kind in ordered:
        keys = _key_tokens(name)
        targets: list[str] = []
        for other, other_kind in ordered:
            if (other, other_kind) == (name, kind) or len(other) >= len(name) and other != name:
                continue
            if other_kind == kind and _key_tokens(other) and _key_tokens(other) <= keys:
                target = canonical.get((other, other_kind), other)
                if target not in targets:
                    targets.append(target)
        canonical[(name, kind)] = targets[0] if len(targets) == 1 else name
    return canonical


_STATE_AFTER = re.compile(r",\s+[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\s*(?:[.,;]|$)")


def _people_by_ner(
    best_kind: dict[str, str], per_sentence: dict[str, list[tuple[int, int, str, str]]], texts: dict[str, str]
) -> None:
    """A two- or three-word name in title case that nothing marked ("the company has appointed Mary
    Winston, an industry veteran, …") is a person where the English pipeline's NER reads that very span
    as a PERSON wherever it is named. The small model calls some companies persons ("miner Rio Tinto"), so a
    name that a company noun stands before anywhere, and a one-word name, are not asked."""
    asked: dict[str, list[tuple[str, int, int]]] = {}
    refused: set[str] = set()
    for sid, cands in per_sentence.items():
        for start, end, name, _ in cands:
            tokens = name.split()
            if best_kind.get(name) != "company" or not 2 <= len(tokens) <= 3:
                continue
            if tokens[0] in PLACES or tokens[-1] in _COMPANY_SUFFIX or tokens[-1] in _INSTITUTION_WORDS:
                continue
            before = texts[sid][:start]
            if _ORG_BEFORE.search(before) or _ORG_BEFORE.search(before.rstrip(", ") + " "):
                refused.add(name)  # "miner Rio Tinto", "service provider, Tata Play"
            if _STATE_AFTER.match(texts[sid], end):
                refused.add(name)  # "Spring Hill, Tennessee": a town and its state
            if all(t[:1].isupper() and t[1:].islower() and t.isalpha() for t in tokens):
                asked.setdefault(name, []).append((sid, start, end))
    for name in refused:
        asked.pop(name, None)
    if not asked:
        return
    sids = sorted({sid for places in asked.values() for sid, _, _ in places})
    labels = nlp.entity_labels([texts[sid] for sid in sids])
    if labels is None:
        return
    spans = dict(zip(sids, labels, strict=True))
    for name, places in asked.items():
        if all((start, end, "PERSON") in spans[sid] for sid, start, end in places):
            best_kind[name] = "person"


def index_entities(sentences: Sequence[Segment]) -> EntityIndex:
    """Entities named in the included sentences, their mentions per sentence, and their roles."""
    repeated = mid_sentence_caps(sentences)
    terms = defined_acronyms(sentences)
    demonym_led = demonym_names(sentences)
    raw: list[tuple[str, str, str, int]] = []
    per_sentence: dict[str, list[tuple[int, int, str, str]]] = {}
    for seg in sentences:
        cands = _candidates(seg, repeated, terms, demonym_led)
        per_sentence[seg.sid] = cands
        raw.extend((seg.sid, name, kind, seg.position) for _, _, name, kind in cands)
    # A surface seen with several kinds keeps the most specific one it was ever given.
    specificity = {
        k: i for i, k in enumerate(("person", "institution", "model", "brand", "place", "product"))
    }
    best_kind: dict[str, str] = {}
    for _, name, kind, _ in raw:
        old = best_kind.get(name)
        if old is None or specificity.get(kind, 99) < specificity.get(old, 99):
            best_kind[name] = kind
    texts_by_sid = {seg.sid: seg.text for seg in sentences}
    for sid, cands in per_sentence.items():
        for start, _, name, _ in cands:
            if best_kind.get(name) == "person" and _ORG_BEFORE.search(texts_by_sid[sid][:start]):
                # "miner Rio Tinto … Rio Tinto said": a company that speaks is still a company
                best_kind[name] = "company"
    singles = {name for name in best_kind if " " not in name}
    for name, kind in list(best_kind.items()):
        tokens = name.split()
        looks_personal = all(t[:1].isupper() and t[1:].islower() for t in tokens) and tokens[0] not in PLACES
        looks_personal = looks_personal and tokens[-1] not in _COMPANY_SUFFIX
        if kind == "company" and 2 <= len(tokens) <= 3 and tokens[-1] in singles and looks_personal:
            # "Rafael Duarte … Duarte said": a name later cut to its last word is a person's.
            best_kind[name] = best_kind[tokens[-1]] = "person"
    _people_by_ner(best_kind, per_sentence, texts_by_sid)
    for name in best_kind:
        if best_kind.get(f"{name} model") == "model":
            # "Huawei's Hongmeng Intelligent Driving" elsewhere names the "Hongmeng Intelligent Driving model".
            best_kind[name] = "model"
    texts = {seg.sid: seg.text for seg in sentences}
    for name, kind in list(best_kind.items()):
        starts = [
            (sid, start) for sid, cands in per_sentence.items() for start, _, n, _ in cands if n == name
        ]
        located = all(re.search(r"\b(?:in|at|near|across)\s+$", texts[sid][:start]) for sid, start in starts)
        if kind == "company" and " " not in name and not name.isupper() and located:
            best_kind[name] = "place"  # only ever "in Saxony", "at Debrecen": a place
    raw = [(sid, name, best_kind[name], pos) for sid, name, _, pos in raw]
    canonical = _merge(raw)
    for (name, kind), key in list(canonical.items()):
        if kind == "model" and not key.endswith("model"):
            # A model reads best under the name that says it is one: "Hongmeng Intelligent Driving model".
            longer = [
                n for (n, k), c in canonical.items() if k == "model" and c == key and n.endswith("model")
            ]
            if longer:
                canonical[(name, kind)] = min(longer, key=len)
    mentions: dict[str, list[Mention]] = {}
    counts: dict[tuple[str, str], int] = {}
    first: dict[tuple[str, str], int] = {}
    aliases: dict[tuple[str, str], set[str]] = {}
    positions = {seg.sid: seg.position for seg in sentences}
    for sid, cands in per_sentence.items():
        for start, end, name, _ in cands:
            kind = best_kind[name]
            key = canonical[(name, kind)]
            mentions.setdefault(sid, []).append(Mention(sid, start, end, name, kind, key))
            counts[(key, kind)] = counts.get((key, kind), 0) + 1
            first.setdefault((key, kind), positions[sid])
            first[(key, kind)] = min(first[(key, kind)], positions[sid])
            aliases.setdefault((key, kind), set()).add(name)
    entities = {
        key: Entity(
            key, kind, tuple(sorted(aliases[(key, kind)] - {key})), counts[(key, kind)], first[(key, kind)]
        )
        for (key, kind) in counts
    }
    index = EntityIndex(entities, mentions, [])
    index.roles = _roles(sentences, index)
    return index


_TITLE_RE = "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True))
_TITLE_BEFORE = re.compile(rf"(?:^|\s)(?:(?P<org>[A-Z][\w&]+)\s)?(?P<title>{_TITLE_RE})\s*$")
_TITLE_WORD = (
    r"(?:[Oo]fficer|[Ee]xecutive|[Pp]resident|[Cc]hairman|[Dd]irector"
    r"|[Mm]anager|[Ff]ounder|[Aa]nalyst|[Hh]ead)"
)
_TITLE_AFTER = re.compile(
    rf",\s+(?P<role>(?:an?\s+|the\s+)?(?:(?:[A-Z][\w&]*\s)*?[A-Z][\w&]*[’']s\s)?(?:[A-Za-z]+\s){{0,2}}?"
    rf"{_TITLE_WORD}(?:\s{_TITLE_WORD})*(?:\s(?:of|at|for)\s[A-Z][\w&.-]*(?:\s[A-Z][\w&.-]*)*)?)"
)


def _title_case(title: str) -> str:
    """'Chief Executive Officer' → 'chief executive officer' (acronyms such as CEO stay)."""
    return " ".join(w if w.isupper() else w.lower() for w in title.split())


def _person_role(before: str, after: str) -> str | None:
    """'Leapmotor CEO Zhu Jiangming' → 'CEO of Leapmotor'; 'Anna Keller, Chief Executive Officer of Helios
    Motors' → 'chief executive officer of Helios Motors'; 'Professor X of Y' → 'professor at Y'."""
    title = _TITLE_BEFORE.search(before)
    affiliation = re.match(r"(?:[’']s)?\s+of\s+(?:the\s+)?([A-Z][\w&]*(?:\s(?:of\s)?[A-Z][\w&]*)*)", after)
    if title and title.group("title") not in ("Dr.", "Mr.", "Ms.", "Mrs."):
        name = _title_case(title.group("title"))
        if title.group("org"):
            return f"{name} of {title.group('org')}"
        return f"{name} at {affiliation.group(1)}" if affiliation else None
    appositive = _TITLE_AFTER.match(after)
    if appositive and re.search(r"\s(?:of|at|for)\s|[’']s\s", appositive.group("role")):
        role = re.sub(r"^(?:an?|the)\s+", "", appositive.group("role"))
        role = role if re.search(r"\b(?:Co|Inc|Ltd|Corp)\.$", role) else role.rstrip(".")
        return " ".join(w.lower() if _is_title_word(w) and not w.isupper() else w for w in role.split())
    return None


def _is_title_word(word: str) -> bool:
    return word.lower().rstrip(".") in _TITLE_WORDS | {
        "officer",
        "financial",
        "operating",
        "head",
        "manager",
        "director",
    }


def _roles(sentences: Sequence[Segment], index: EntityIndex) -> list[Role]:
    roles: list[Role] = []
    for seg in sentences:
        text = seg.text
        for m in index.mentions.get(seg.sid, []):
            after = text[m.end :]
            before = text[: m.start]
            if m.kind == "person":
                role = _person_role(before, after)
                if role:
                    roles.append(Role(m.key, role, seg.sid, "title"))
                continue
            appos = re.match(r"(?:[’']s)?(?:\s*\([^)]*\))?,\s+((?:the|a|an)\s[^,.;—]{3,80}?),", after)
            is_name = appos and all(w[:1].isupper() for w in appos.group(1).split()[1:])
            if appos and not is_name and m.kind in ("company", "brand", "institution"):
                roles.append(Role(m.key, appos.group(1), seg.sid, "appositive"))
            relative = re.match(
                r",\s+which\s+((?:backs|owns|controls|supplies|makes|builds|holds|runs)\b[^,.;]{2,80})", after
            )
            if relative:
                roles.append(Role(m.key, relative.group(1).strip(), seg.sid, "relative"))
            as_role = re.match(r"^As\s+((?:the|a|an)\s[^,]{3,100}),\s*$", before)
            if as_role:
                roles.append(Role(m.key, as_role.group(1), seg.sid, "as-role"))
    return roles


# A stock ticker ("RHMG.DE", "VOWG_p.DE", "7203.T") or a dotted abbreviation ("U.S"): never a company option.
TICKER = re.compile(r"^(?:[A-Z0-9]{1,6}[a-z_]{0,2}\.[A-Z]{1,3}|(?:[A-Z]\.){1,3}[A-Z]?\.?)$")
# spaCy labels that make a name something other than an organisation (a place, a building, a product, a
# nationality, a person).
# The words around a mention that say it names a company: "Chinese automaker Geely", "its new venture
# Ampere", "Renault's stake", "a stake in XPeng", "XPeng shares".
_ORG_NOUN = (
    r"(?:company|companies|firm|automaker|carmaker|maker|manufacturer|group|startup|start-up|venture|rival"
    r"|partner|conglomerate|investor|bank|lender|insurer|supplier|chipmaker|retailer|operator|subsidiary|unit"
    r"|miner|producer|developer|drugmaker|airline|brewer|publisher|broadcaster|distributor|exporter|giant"
    r"|provider)"
)
_ORG_BEFORE = re.compile(
    rf"\b(?:{_ORG_NOUN}|(?:stake|shares|holdings?|shareholding) (?:in|of))\s+$", re.IGNORECASE
)
_ORG_AFTER = re.compile(
    r"^(?:[’']s)?\s+(?:\w+\s+)?(?:stake|shares|shareholders?|board|chief|CEO|chairman|subsidiary|unit"
    r"|brand|plant|factory|dealers?|revenue|sales|profit|spokes\w+|executives?)\b"
)
_NOT_ORG_LABELS = frozenset(("GPE", "LOC", "FAC", "PRODUCT", "NORP", "PERSON", "WORK_OF_ART", "EVENT", "LAW"))


NER_SENTENCES = 24


def organisations(
    index: EntityIndex,
    texts: dict[str, str],
    labels_of: Callable[[list[str]], list[list[tuple[int, int, str]]] | None],
) -> set[str] | None:
    """The company-kind entities (canonical names) positively known to be organisations: a company suffix
    in one of their names ("Honda Motor", "Stellantis NV"), or labelled ORG by the parser's NER in most of
    the sentences that name them and never as a place, product, nationality or person more often than as
    an organisation. Tickers, dotted abbreviations and a person's surname ("Gelsinger") never are. `texts`
    are the sentences by sid; `labels_of` runs NER on a list of texts (None without the pipeline: then
    the answer is None too)."""
    surnames = {e.name.split()[-1] for e in index.entities.values() if e.kind == "person"}
    companies = [e for e in index.entities.values() if e.kind == "company" and e.name not in surnames]
    known = set()
    probe: dict[str, list[tuple[str, int, int]]] = {}
    for e in companies:
        names = (e.name, *e.aliases)
        if any(TICKER.match(n) for n in names):
            continue
        if any(n.split()[-1] in _COMPANY_SUFFIX and len(n.split()) > 1 for n in names):
            known.add(e.name)
            continue
        spans = [(sid, m.start, m.end) for sid, ms in index.mentions.items() for m in ms if m.key == e.name]
        probe[e.name] = spans[:2]
    # NER costs about as much as the whole parse: at most NER_SENTENCES sentences, the first mentions first.
    sids: list[str] = []
    for spans in probe.values():
        for sid, _, _ in spans:
            if sid not in sids and len(sids) < NER_SENTENCES:
                sids.append(sid)
    probe = {name: [sp for sp in spans if sp[0] in sids] for name, spans in probe.items()}
    if not sids:
        return known
    labelled = labels_of([texts[sid] for sid in sids])
    if labelled is None:
        return None
    by_sid = dict(zip(sids, labelled, strict=True))
    for name, spans in probe.items():
        org = other = 0
        for sid, ms in index.mentions.items():
            text = texts[sid]
            org += sum(
                1
                for m in ms
                if m.key == name
                and (
                    _ORG_BEFORE.search(text[max(0, m.start - 40) : m.start])
                    or _ORG_AFTER.match(text[m.end :])
                )
            )
        for sid, start, end in spans:
            hits = [lab for s, t, lab in by_sid[sid] if s < end and start < t]
            org += "ORG" in hits
            other += any(lab in _NOT_ORG_LABELS for lab in hits)
        if org and org >= other:
            known.add(name)
    return known
