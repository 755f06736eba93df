"""Mark headings and decide which segments are boilerplate, with a reason key from EXCLUSION_REASONS.

The rules are generic (patterns and structure, never strings of a particular article), applied in
this priority order, first reason wins:

1. Web residue, per sentence: cookie banners ("We use cookies", "Accept all"), navigation (menus such
   as "Home | News | About", breadcrumbs, "Skip to content", copyright lines, "Tags:"), bylines and
   date lines ("By Jane Doe | March 3, 2025", "Published ...", "5 min read", "Share on X",
   "Reporting by ...", "FOR IMMEDIATE RELEASE", a press-release dateline "CITY, May 1, 2025 /Wire/ --").
2. Affiliate or sponsorship disclosures ("we may earn a commission", "affiliate links", "Full
   Transparency:", "Sponsored content"); one such sentence excludes its whole (short) paragraph.
3. Advertisements: calls to action ("Learn more about X →", "Sign up", "Try X free", "Subscribe",
   "Book a demo"), newsletter boxes, ad labels; one such sentence excludes its whole short paragraph.
4. Links to other stories: "Read more:", "Related:", "Also read", "see our analysis of ...", "a theme
   explored in ...", and "See how X ..." when X is named nowhere else in the article.
5. Sections. A heading opens a section that runs until the next heading followed by body text:
   "Related tools / articles", "You may also like", "Recommended" -> related-tools; "About <Company>"
   whose first paragraph starts with the company's name (press-release boilerplate) -> advertisement;
   "Media contact" -> navigation; "About the author" -> byline; "Newsletter" -> advertisement.
   "Frequently Asked Questions" / "FAQ": the heading and every question (a line ending in "?" or
   starting "Q:") are faq-restates. An answer sentence is faq-restates only when it restates the body
   before the FAQ: at least 60% of its content words (lowercased, stopwords dropped, light suffix
   stemming) occur there AND every number in it occurs there. An answer that adds a figure or mostly
   new words (say a "5% stake" named nowhere else) stays an included sentence.
6. Glued words from a broken extraction ("FAW’sTesla’s", "FAW’s“Legacy", "growth.The",
   "leverageThe"): the whole sentence. Brand names such as iPhone, OpenAI or LinkedIn are not glued.
7. Truncated: a sentence that ends without terminal punctuation (list items and table rows only when
   they end on a dangling word such as "the", "by" or a possessive).

Finally a heading whose whole section was excluded for an advertisement, affiliate, related-tools,
FAQ or link reason gets that reason too. A short line without final punctuation that looks like a
title (Title Case, or at most eight words) and is followed later by body text is a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CLOSERS = "\"”’')]»"
_TERMINAL = frozenset(".!?…:")
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "by",
        "to",
        "for",
        "with",
        "from",
        "in",
        "on",
        "at",
        "into",
        "onto",
        "over",
        "under",
        "about",
        "than",
        "as",
        "and",
        "or",
        "but",
        "nor",
        "so",
        "that",
        "which",
        "whose",
        "who",
        "whom",
        "its",
        "their",
        "his",
        "her",
        "our",
        "your",
        "my",
        "this",
        "these",
        "those",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "will",
        "would",
        "could",
        "should",
        "can",
        "may",
        "might",
        "must",
        "very",
        "more",
        "most",
        "such",
        "both",
        "either",
        "neither",
        "via",
        "per",
        "between",
        "among",
    ]
)
_STOPWORDS = _FUNCTION_WORDS | frozenset(
    [
        "it",
        "its",
        "they",
        "them",
        "he",
        "she",
        "we",
        "you",
        "i",
        "not",
        "no",
        "also",
        "just",
        "only",
        "all",
        "any",
        "each",
        "other",
        "some",
        "what",
        "when",
        "where",
        "why",
        "how",
        "there",
        "here",
        "then",
        "if",
        "do",
        "does",
        "did",
        "done",
        "make",
        "makes",
        "made",
        "get",
        "gets",
        "got",
        "while",
        "after",
        "before",
        "up",
        "out",
        "into",
        "like",
        "one",
        "two",
        "new",
    ]
)

_COOKIE = re.compile(
    r"\bwe use cookies\b|\b(?:accept|allow|reject|decline) (?:all )?(?:cookies|tracking)\b|"
    r"\bcookie (?:settings|preferences|policy|notice|consent)\b|\bmanage (?:cookies|consent|preferences)\b|"
    r"\bby (?:continuing|using|browsing)\b.{0,40}\b(?:site|website|cookies)\b|^(?:accept|reject) all\b",
    re.IGNORECASE,
)
_NAV_PHRASE = re.compile(
    r"^(?:skip to (?:main )?content|back to top|main menu|menu|search|home|sign in|log in|"
    r"(?:previous|next) (?:article|post|story)|return to \w.*|(?:tags|topics|filed under|categories)\s*:.*|"
    r"(?:terms of (?:use|service)|privacy policy|cookie policy)(?:\s*[|·•]\s*.*)?|"
    r"(?:©|\(c\)|copyright)\s*(?:\d{4}|[A-Z]).*|.*\ball rights reserved\b.*)$",
    re.IGNORECASE,
)
_NAV_SEPARATORS = re.compile(r"\s+(?:\||›|»|>|/|•|·)\s+")
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
_BYLINE = re.compile(
    r"^by\s+(?:[A-Z][\w.'’-]*\s+){1,3}[A-Z][\w.'’-]*(?:\s*(?:,|\||·|•|–|—|-|and|&)\s*.*)?$|^by\s+[A-Z][\w.'’-]+$|"
    r"^(?:published|updated|posted|last updated|first published)\b.{0,60}$|"
    rf"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?{_DATE}(?:\s*(?:at\s*)?\d{{1,2}}:\d{{2}}.*)?$|"
    r"^\d{1,2} min(?:ute)?s? read$|^reading time\b.{0,30}$|"
    r"^(?:(?:additional )?reporting|writing|editing|compiled|edited) by\b.*$|"
    r"^(?:for immediate release|press release|news release)$|"
    r"^(?:analysts?|authors?|written by|words by|reporters?|editors?|contributors?)\s*:.{0,80}$|"
    r"^(?:photo|image|photograph|picture|credit|source|illustration)s?\s*(?:credit)?\s*:.{0,80}$|"
    r"^(?:(?:share|tweet|email|print|copy link|save)(?: this(?: article| story| post| page)?)?"
    r"(?: on| via| to)?(?: (?:twitter|x|facebook|linkedin|whatsapp|email|reddit|telegram|bluesky))?[\s|,·•]*)+$",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][A-Za-z.'’ -]{1,30}){0,2},?\s+"
    rf"(?:{_DATE}|{_MONTH}\s+\d{{1,2}})\s*(?:\((?:[A-Z][\w ]{{1,24}})\)\s*)?(?:/[^/\n]{{2,40}}/\s*)?(?:--|—|–|-)\s+"
    r"|^[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][A-Za-z.'’ -]{1,30})?\s+\((?:[A-Z][\w ]{1,24})\)\s*(?:--|—|–|-)\s+"
)
_AFFILIATE = re.compile(
    r"\bwe (?:may |might |could |will )?(?:earn|receive|get|make) (?:a |an )?(?:small )?(?:affiliate )?"
    r"(?:commission|compensation|fee)\b|\b(?:affiliate|sponsored|partner) links?\b|"
    r"\blinks? (?:in|on) this (?:article|page|post)\b.{0,40}\baffiliate\b|\bat no (?:extra|additional) cost to you\b|"
    r"^(?:full transparency|disclosure|affiliate disclosure|advertiser disclosure|advertising disclosure)\s*:|"
    r"^(?:this|the following) (?:article|post|content|story) (?:is|was) (?:sponsored|paid for)\b|"
    r"^(?:sponsored(?: content| post)?|paid (?:content|partnership|post)|in partnership with [A-Z].{0,40})$|"
    r"\bsponsored by [A-Z]",
    re.IGNORECASE,
)
_CTA = re.compile(
    r"^(?:learn more|find out more|discover more|read more about|sign up|register (?:now|today|here|for)|"
    r"start (?:your )?(?:free )?trial|try (?:\S+ ){0,3}(?:for )?free|get started|book a (?:demo|call)|"
    r"request a (?:demo|quote)|download (?:now|the app|our|the free)|shop now|buy now|order now|"
    r"subscribe\b|join (?:now|today|us|our)|click here|visit (?:us|our (?:website|site|store))|"
    r"use (?:code|coupon)|claim your|get (?:\d+% off|your free|it now))\b",
    re.IGNORECASE,
)
_AD = re.compile(
    r"[→»›➔➜]\s*$|^(?:advertisement|advertising|ad|promoted|promotion)$|"
    r"\b(?:subscribe|sign up) (?:to|for) (?:our|the) (?:\w+ )?newsletter\b|"
    r"\bnewsletter\b.{0,80}\b(?:inbox|sign up|subscribe)\b|\b(?:inbox|sign up|subscribe)\b.{0,80}\bnewsletter\b",
    re.IGNORECASE,
)
_LINK_LABEL = re.compile(
    r"^(?:read more|related|also read|see also|read next|more on this|further reading|recommended|"
    r"related (?:stories|articles|coverage|reading)|watch|listen)\s*[:：–—-]",
    re.IGNORECASE,
)
_LINK_PHRASE = re.compile(
    r"^also read\b|\b(?:see|read|check out) our (?:full |earlier |previous |recent |latest )?"
    r"(?:analysis|coverage|note|piece|article|story|report|guide|review|breakdown|deep dive)\b|"
    r"\b(?:theme|topic|idea|lesson|dynamic|trend|pattern|question|story|point|shift)s? (?:we )?"
    r"(?:also |previously |recently )?(?:explored|covered|unpacked|examined) in\b|"
    r"\bas we (?:explored|covered|discussed|unpacked) in (?:our|a|an|the)\b",
    re.IGNORECASE,
)
_TEASER = re.compile(r"^(?:see|discover|learn|find out|explore|watch) (?:how|why) ", re.IGNORECASE)
_ENTITY = re.compile(r"\b[A-Z][A-Za-z0-9&.-]*[A-Za-z0-9]")
_GLUED = re.compile(
    r"(?<=[A-Za-z])[’']s(?=[A-Z]|[“‘\"][A-Za-z])"  # FAW’sTesla, FAW’s“Legacy
    r"|(?<![A-Z.])\b[a-z]{3,}[.!?][“\"]?[A-Z][a-z]"  # growth.The
    r"|\b[A-Za-z][a-z]{2,}(?:The|This|That|These|Those|Their|They|There|But|And|While|When|However|"
    r"Meanwhile|Our|With)\b"  # leverageThe (LinkedIn, OpenAI, HubSpot: not function words)
    r"|\b[a-z]{5,}[A-Z][a-z]{4,}\b"  # supplyChains
)
_SECTIONS = (
    (
        re.compile(
            r"^(?:related(?: (?:tools|resources|articles|stories|posts|reading|content|links|coverage|news|"
            r"reads|research))?"
            r"(?: (?:&|and) (?:resources|tools))?|you (?:may|might) also (?:like|enjoy)|recommended"
            r"(?: (?:for you|reading|tools|resources|articles))?|more (?:from|on|like) (?:this|us)|"
            r"further reading|see also|read next|tools (?:&|and) resources|popular (?:posts|stories)|trending)"
            r"\s*:?$",
            re.IGNORECASE,
        ),
        "related-tools",
    ),
    (re.compile(r"^(?:frequently asked questions|faqs?|questions and answers|q\s*&\s*a)\b", re.I), "faq"),
    (
        re.compile(
            r"^(?:(?:media|press|investor|news) (?:relations )?contacts?|contacts?|for (?:more|further) "
            r"information(?:,? (?:please )?contact)?|for media (?:inquiries|enquiries))\s*:?$",
            re.IGNORECASE,
        ),
        "navigation",
    ),
    (re.compile(r"^about the authors?\s*:?$", re.IGNORECASE), "byline"),
    (
        re.compile(r"^(?:newsletter|stay (?:informed|in the loop|updated)|get our newsletter)\s*:?$", re.I),
        "advertisement",
    ),
)
_ABOUT = re.compile(r"^about (?:the |our )?(?P<name>\S.*)$", re.IGNORECASE)
_QUESTION_END = re.compile(r"\?[\"”’)]*$")
_QUESTION_LABEL = re.compile(r"^(?:q|question)\s*\d*\s*[:.]", re.IGNORECASE)
_ANSWER_LABEL = re.compile(r"^(?:a|answer)\s*[:.]\s*", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[a-z]+")
_RESTATE_SHARE = 0.6
_BOILERPLATE_BLOCKS = frozenset(
    {"advertisement", "affiliate-notice", "related-tools", "faq-restates", "unrelated-link"}
)


@dataclass
class Piece:
    """A segment under classification: its cleaned text, kind and (once decided) exclusion reason."""

    text: str
    kind: str = "sentence"
    reason: str | None = None


@dataclass
class Para:
    """A paragraph's pieces plus the structure facts the rules need."""

    block_kind: str  # "text" | "heading" | "list" | "table" | "table-head" (from blocks.Block)
    pieces: list[Piece]
    candidate: bool = False  # looks like a heading
    heading: bool = False
    ends_section: bool = False

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.pieces)


def dateline_length(text: str) -> int:
    """Length of a press-release or wire dateline opening `text` ("PARIS, May 1, 2025 /PRNewswire/ -- "), else 0."""
    match = _DATELINE.match(text)
    return match.end() if match else 0


def classify(paras: list[Para]) -> None:
    """Set kind and reason on every piece, in the priority order of the module docstring."""
    _mark_headings(paras)
    for index, para in enumerate(paras):
        for piece in para.pieces:
            piece.reason = piece.reason or _residue_reason(piece.text, paras, index)
        _spread(para, "cookie-banner", limit=50)
        _spread(para, "affiliate-notice", limit=6)
        _spread(para, "advertisement", limit=4)
        if para.heading and all(p.reason for p in para.pieces):
            # A byline, menu or call to action is short and unpunctuated like a heading, but heads nothing.
            para.heading = para.ends_section = False
            for piece in para.pieces:
                piece.kind = "sentence"
    _mark_links(paras)
    _mark_sections(paras)
    for para in paras:
        for piece in para.pieces:
            if piece.reason is None and _GLUED.search(piece.text):
                piece.reason = "glued"
        _mark_truncated(para)
    _mark_boilerplate_headings(paras)


def title_of(paras: list[Para]) -> str | None:
    """The first heading, if the article opens with one (after any excluded residue such as a byline)."""
    for para in paras:
        if all(p.reason for p in para.pieces):
            continue
        return para.text if para.heading and para.block_kind != "table-head" else None
    return None


def ends_terminally(text: str) -> bool:
    core = text.rstrip(_CLOSERS + " ")
    return bool(core) and core[-1] in _TERMINAL


def _mark_headings(paras: list[Para]) -> None:
    opening = True
    for para in paras:
        single = para.block_kind == "text" and len(para.pieces) == 1
        para.candidate = single and _looks_like_heading(para.text)
        # Above the first body paragraph an unpunctuated line is a headline or deck, however it is cased.
        opening = opening and not _is_body(para.text)
        if opening and single and not para.candidate:
            para.candidate = _is_deck(para.text)
    body = [
        not p.candidate and p.block_kind in ("text", "list") and any(_is_body(x.text) for x in p.pieces)
        for p in paras
    ]
    body_after = [False] * len(paras)
    for i in range(len(paras) - 2, -1, -1):
        body_after[i] = body_after[i + 1] or body[i + 1]
    leading = True
    for i, para in enumerate(paras):
        leading = leading and para.candidate
        explicit = para.block_kind in ("heading", "table-head")
        para.heading = explicit or (para.candidate and (body_after[i] or leading))
        followed_by_body = i + 1 < len(paras) and body[i + 1]
        para.ends_section = para.block_kind == "heading" or (para.candidate and followed_by_body)
        if para.heading:
            for piece in para.pieces:
                piece.kind = "heading"


def _looks_like_heading(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 16 or len(text) > 120:
        return False
    core = text.rstrip(_CLOSERS)
    if not core or core[-1] in ".!;,…—–-":
        return False
    if core[-1] == ":":
        return len(words) <= 6
    if core[-1] == "?":
        return _title_case(words)
    if _dangling(words[-1]) or not re.match(r"[\"“‘(]?[A-Z0-9]", text):
        return False
    return _title_case(words) or len(words) <= 8


def _is_deck(text: str) -> bool:
    words = text.split()
    return len(words) <= 25 and not ends_terminally(text) and not _dangling(words[-1])


def _title_case(words: list[str]) -> bool:
    significant = [w.strip(_CLOSERS + "“‘(") for w in words]
    significant = [w for w in significant if len(w) >= 4 and w[0].isalpha()]
    if not significant:
        return True
    return sum(w[0].isupper() for w in significant) >= 0.75 * len(significant)


def _dangling(word: str) -> bool:
    """A clause cannot end on a possessive or on a lowercase function word ("by", "the"; not "May")."""
    bare = word.strip(_CLOSERS + ",;")
    if bare.lower().endswith(("’s", "'s", "s’", "s'")):
        return True
    return bare[:1].islower() and bare in _FUNCTION_WORDS


def _is_body(text: str) -> bool:
    return len(text.split()) >= 5 and ends_terminally(text)


def _residue_reason(text: str, paras: list[Para], index: int) -> str | None:
    if _COOKIE.search(text):
        return "cookie-banner"
    if _is_navigation(text, paras, index):
        return "navigation"
    words = len(text.split())
    if words <= 14 and _BYLINE.match(text.strip("()[] ")):
        return "byline"
    if _AFFILIATE.search(text):
        return "affiliate-notice"
    if (words <= 15 and _CTA.match(text)) or _AD.search(text):
        return "advertisement"
    return None


def _is_navigation(text: str, paras: list[Para], i: int) -> bool:
    if len(text.split()) <= 12 and _NAV_PHRASE.match(text):
        return True
    if paras[i].block_kind in ("table", "table-head"):
        return False
    items = _NAV_SEPARATORS.split(text)
    if len(items) < 3 or not all(_is_menu_item(item) for item in items):
        return False
    # A line next to others with as many "|" cells is a plain-text table row, not a menu.
    neighbours = paras[max(0, i - 1) : i] + paras[i + 1 : i + 2]
    return not any(n.text.count(" | ") == text.count(" | ") > 0 for n in neighbours)


def _is_menu_item(item: str) -> bool:
    words = item.split()
    return (
        1 <= len(words) <= 4
        and not any(ch.isdigit() for ch in item)
        and not ends_terminally(item)
        and item[0].isupper()
    )


def _spread(para: Para, reason: str, limit: int) -> None:
    """A short paragraph holding one sentence of this kind is that kind throughout."""
    if len(para.pieces) <= limit and any(p.reason == reason for p in para.pieces):
        for piece in para.pieces:
            piece.reason = piece.reason or reason


def _mark_links(paras: list[Para]) -> None:
    for index, para in enumerate(paras):
        for piece in para.pieces:
            if piece.reason is None and _is_story_link(piece.text, paras, index):
                piece.reason = "unrelated-link"


def _is_story_link(text: str, paras: list[Para], index: int) -> bool:
    if _LINK_LABEL.match(text) or _LINK_PHRASE.search(text):
        return True
    if not _TEASER.match(text):
        return False
    # "See how X did Y" teases another story when X is named nowhere else in the article.
    elsewhere = " ".join(p.text for i, p in enumerate(paras) if i != index)
    for name in _ENTITY.findall(text.split(" ", 1)[1]):
        name = re.sub(r"[’']s$", "", name)
        if not re.search(rf"(?<![A-Za-z]){re.escape(name)}(?![a-z])", elsewhere):
            return True
    return False


def _mark_sections(paras: list[Para]) -> None:
    section: str | None = None
    body: tuple[set[str], set[str]] = (set(), set())
    for i, para in enumerate(paras):
        kind = _section_kind(paras, i) if (para.heading or para.candidate) else None
        if kind:
            section = kind
            if kind == "faq":
                body = _vocabulary(paras[:i])
            for piece in para.pieces:
                piece.reason = piece.reason or ("faq-restates" if kind == "faq" else kind)
            continue
        if para.ends_section and not (section == "faq" and _is_question(para)):
            section = None
        if section == "faq":
            _mark_faq_entry(para, *body)
        elif section:
            for piece in para.pieces:
                piece.reason = piece.reason or section


def _section_kind(paras: list[Para], index: int) -> str | None:
    text = paras[index].text.strip()
    for pattern, kind in _SECTIONS:
        if pattern.match(text):
            return kind
    about = _ABOUT.match(text)
    if about and len(text.split()) <= 7 and index + 1 < len(paras):
        # Press-release boilerplate: "About Acme Corp" followed by "Acme Corp is a ..."
        name = about.group("name").split()[0].strip(_CLOSERS + ":").lower()
        following = paras[index + 1].text.split()
        if following and following[0].strip(_CLOSERS + ",").lower().startswith(name):
            return "advertisement"
    return None


def _is_question(para: Para) -> bool:
    return bool(_QUESTION_END.search(para.pieces[-1].text) or _QUESTION_LABEL.match(para.pieces[0].text))


def _vocabulary(before: list[Para]) -> tuple[set[str], set[str]]:
    """Stemmed words and normalised numbers of the body: the segments not excluded so far."""
    body = " ".join(piece.text for p in before for piece in p.pieces if piece.reason is None)
    return {_stem(w) for w in _WORD.findall(body.lower())}, {_number(n) for n in _NUMBER.findall(body)}


def _mark_faq_entry(para: Para, body_words: set[str], body_numbers: set[str]) -> None:
    if _is_question(para):
        for piece in para.pieces:
            piece.reason = piece.reason or "faq-restates"
        return
    for piece in para.pieces:
        if piece.reason is None and _restates(_ANSWER_LABEL.sub("", piece.text), body_words, body_numbers):
            piece.reason = "faq-restates"


def _restates(text: str, body_words: set[str], body_numbers: set[str]) -> bool:
    if any(_number(n) not in body_numbers for n in _NUMBER.findall(text)):
        return False
    words = [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 2]
    if not words:
        return True
    return sum(w in body_words for w in words) >= _RESTATE_SHARE * len(words)


def _stem(word: str) -> str:
    """Crude suffix stripping so that "locks"/"locking" or "embedded"/"embedding" compare equal."""
    for suffix in ("ations", "ation", "ings", "ing", "edly", "ed", "es", "s", "ly", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


def _number(raw: str) -> str:
    digits = raw.replace(",", "")
    return digits.rstrip("0").rstrip(".") if "." in digits else digits


def _mark_truncated(para: Para) -> None:
    for piece in para.pieces:
        if piece.reason or piece.kind != "sentence" or ends_terminally(piece.text):
            continue
        if para.block_kind in ("list", "table", "table-head") and not _dangling(piece.text.split()[-1]):
            continue
        piece.reason = "truncated"


def _mark_boilerplate_headings(paras: list[Para]) -> None:
    leading = True
    for i, para in enumerate(paras):
        leading = leading and para.heading
        if leading or not para.heading or any(p.reason for p in para.pieces):
            continue
        block: list[Piece] = []
        for nxt in paras[i + 1 :]:
            if nxt.heading:
                break
            block.extend(nxt.pieces)
        reasons = {p.reason for p in block}
        if block and len(reasons) == 1 and reasons <= _BOILERPLATE_BLOCKS:
            for piece in para.pieces:
                piece.reason = block[0].reason
