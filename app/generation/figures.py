"""Find the figures a sentence states (money, percentages, counts, prices, distances, dates, years,
multiples, vague quantities) with their unit, scale and qualifier, and render look-alike values."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SCALE_ALIASES = {"k": "thousand", "m": "million", "mn": "million", "bn": "billion", "b": "billion"}
_SCALE_ALIASES |= {"tn": "trillion", "mln": "million", "bln": "billion"}
_SCALE_ALIASES |= {s: s for s in SCALES}
DISTANCE_UNITS = ("kilometers", "kilometres", "km", "miles", "meters", "metres")

# Qualifiers and what they say about the true value: approx(imate), lower/upper bound, or exact emphasis.
QUALIFIERS = {
    "nearly": "approx",
    "almost": "approx",
    "about": "approx",
    "around": "approx",
    "approximately": "approx",
    "roughly": "approx",
    "some": "approx",
    "close to": "approx",
    "over": "lower",
    "more than": "lower",
    "above": "lower",
    "at least": "lower",
    "in excess of": "lower",
    "upwards of": "lower",
    "exceeding": "lower",
    "less than": "upper",
    "fewer than": "upper",
    "under": "upper",
    "below": "upper",
    "at most": "upper",
    "up to": "upper",
    "no more than": "upper",
    "only": "exact",
    "just": "exact",
    "exactly": "exact",
}
_QUAL_RE = "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len, reverse=True))

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CUR_PREFIX = r"US\$|HK\$|NT\$|A\$|C\$|S\$|R\$|RMB ?|CNY ?|USD ?|EUR ?|GBP ?|HKD ?|KSh ?|Rs\.? ?|€|£|¥|₹|\$"
_CUR_SUFFIX = r"yuan|dollars|euros|pounds|yen|renminbi|reais|rupees|won|francs"
# Units written with capitals or symbols, kept as the counted "noun" of a figure.
_UNIT_AFTER = re.compile(r"\s(?P<noun>GWh|MWh|kWh|TWh|GW|MW|kW|TEU|tonnes|tons|km|mph|kg)\b")
_SCALE_RE = r"thousand|million|billion|trillion|mln|bln|mn|bn|tn"

_MONEY = re.compile(
    rf"(?P<cur>{_CUR_PREFIX})(?P<num>{_NUM})(?:\s?(?P<scale>{_SCALE_RE}|[mbk])\b)?"
    rf"(?P<pershare>\s+(?:per|a) share)?",
    re.IGNORECASE,
)
_MONEY_SUFFIX = re.compile(
    rf"\b(?P<num>{_NUM})(?:\s(?P<scale>{_SCALE_RE})\b)?\s(?P<cur>{_CUR_SUFFIX})\b", re.IGNORECASE
)
_PERCENT = re.compile(rf"\b(?P<num>{_NUM})\s?(?P<pct>%|percent\b|per cent\b|percentage points?\b)")
_DATE = re.compile(
    r"\b(?P<month>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*)\.?\s"
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s(?P<year>(?:19|20)\d{2}))?\b"
    r"|\b(?P<day2>\d{1,2})\s(?P<month2>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*)"
    r"(?:\s(?P<year2>(?:19|20)\d{2}))?\b"
)
_YEAR = re.compile(r"(?<![\d,.$])\b(?P<num>(?:19|20)\d{2})\b(?![\d%,.]\d|\s?(?:%|percent))")
_PLAIN = re.compile(rf"(?<![\w$€£¥.,])(?P<num>{_NUM})(?:\s(?P<scale>{_SCALE_RE})\b)?(?![\w%])")
_WORD_MULTIPLES = {"half": 0.5, "twice": 2, "double": 2, "triple": 3, "thrice": 3}
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
_NUMBER_WORDS |= {"nine": 9, "ten": 10}
_MULTIPLE = re.compile(
    r"(?<!first )(?<!second )(?<!other )(?<!the )(?<!a )\b(?P<mult>twice|double|triple|thrice|half"
    r"|(?:two|three|four|five|six|seven|eight|nine|ten|\d+(?:\.\d+)?)(?:\s|-)?(?:times|fold))\b"
    r"(?=\s+(?:the|that|as|of|what|its|their|his|her)\b)",
    re.IGNORECASE,
)
VAGUE_LADDER = (
    "thousands",
    "tens of thousands",
    "hundreds of thousands",
    "millions",
    "tens of millions",
    "hundreds of millions",
    "billions",
    "tens of billions",
    "hundreds of billions",
    "trillions",
)
_VAGUE = re.compile(
    r"(?<![\d.,]\s)\b(?P<vague>(?:tens|hundreds|dozens) of (?:thousands|millions|billions|trillions)"
    r"|(?:thousands|millions|billions|trillions))\b(?! of dollars)"
)
_NOUN_STOP = set(
    [
        "in",
        "of",
        "to",
        "the",
        "and",
        "per",
        "by",
        "for",
        "than",
        "from",
        "at",
        "with",
        "is",
        "are",
        "was",
        "were",
        "will",
        "be",
        "been",
        "on",
        "as",
        "or",
        "a",
        "an",
        "that",
        "this",
        "these",
        "those",
        "its",
        "their",
        "his",
        "her",
        "which",
        "who",
        "while",
        "but",
        "so",
        "if",
        "into",
        "over",
        "under",
        "more",
        "less",
        "year",
        "years",
        "annual",
        "annually",
        "each",
        "every",
    ]
)
_IRREGULAR_PLURALS = {"people", "staff", "personnel", "children", "men", "women", "kilometres", "metres"}
# Nouns counted with a number that looks like a year ("2024 vehicles"); other words make it a year.
_COUNT_NOUNS = {
    "vehicles",
    "units",
    "cars",
    "employees",
    "people",
    "jobs",
    "stores",
    "shares",
    "tons",
    "tonnes",
}
_COUNT_NOUNS |= {"users", "customers", "workers", "kilometers", "kilometres", "miles", "km", "staff"}


@dataclass(frozen=True)
class Figure:
    """One figure found in a sentence; offsets are into the sentence text."""

    kind: str  # money | per-share | percent | count | distance | date | year | multiple | vague
    start: int  # includes the qualifier
    end: int  # includes the unit (currency, %, noun, "per share")
    core_start: int  # where the number (or currency) begins, after the qualifier
    core_end: int  # where the number (with currency and scale) ends, before a noun or "per share"
    value: float | None  # the number as written (534 for "US$534 million"); None for dates
    number: str = ""  # the digits as written, "3.2", "1,000"
    scale: str = ""  # thousand | million | billion | trillion | ""
    currency: str = ""  # "US$", "$", "HK$", "yuan"…
    currency_after: bool = False  # "5 billion yuan" rather than "¥5 billion"
    unit: str = ""  # "%", "per share", the counted noun ("vehicles") or distance unit
    qualifier: str = ""  # "nearly", "more than", "only"…
    month: str = ""  # dates: full month name
    day: int = 0
    year: int = 0

    @property
    def bound(self) -> str:
        """What the qualifier says about the true value: approx, lower, upper, exact or ''."""
        return QUALIFIERS.get(self.qualifier.lower(), "")

    @property
    def multiplier(self) -> float:
        return SCALES.get(self.scale, 1.0)

    @property
    def magnitude(self) -> float | None:
        """The value in base units (534 million → 5.34e8), for comparing figures."""
        return None if self.value is None else self.value * self.multiplier

    @property
    def has_noun(self) -> bool:
        """Counts and distances carry their noun/unit after the number ("300,000 vehicles")."""
        return self.kind in ("count", "distance") and bool(self.unit)

    def family(self) -> tuple[str, str, str, str]:
        """Figures of one family are interchangeable as options: kind, currency, scale, unit."""
        unit = self.unit if self.kind in ("count", "distance", "per-share") else ""
        if self.kind == "percent":
            unit = "points" if "point" in self.unit else "%"
        return (self.kind, self.currency.upper().strip(), self.scale, unit)

    def same_value(self, other: Figure) -> bool:
        if self.kind != other.kind:
            return False
        if self.kind == "date":
            return (self.month, self.day, self.year) == (other.month, other.day, other.year)
        if self.kind in ("multiple", "vague"):
            return self.number.lower() == other.number.lower()
        a, b = self.magnitude, other.magnitude
        return a is not None and b is not None and abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


def _decimals(number: str) -> int:
    return len(number.split(".")[1]) if "." in number else 0


def _to_float(number: str) -> float:
    return float(number.replace(",", ""))


def write_like(value: float, like: str) -> str:
    """Write `value` the way `like` is written: same decimals, thousands separators if it used them."""
    decimals = _decimals(like)
    integer_digits = len(like.split(".")[0].replace(",", ""))
    # Thousands separators as the writer used them; none written on a 4+ digit number means none wanted.
    grouped = "," in like or (integer_digits < 4 and abs(value) >= 1000)
    text = f"{value:,.{decimals}f}" if grouped else f"{value:.{decimals}f}"
    return text


def core_text(fig: Figure, value: float | None = None, *, with_noun: bool = False) -> str:
    """The figure without its qualifier, with `value` in place of its number when given."""
    if fig.kind in ("date", "multiple", "vague"):
        return fig.number
    number = fig.number if value is None else write_like(value, fig.number)
    text = number
    if fig.scale:
        text += f" {fig.scale}"
    if fig.currency:
        # A currency written as letters keeps its space: "RMB 5.6 billion", "KSh 15.5 billion".
        gap = " " if fig.currency[-1].isalpha() else ""
        text = f"{text} {fig.currency}" if fig.currency_after else f"{fig.currency}{gap}{text}"
    if fig.kind == "percent":
        text += fig.unit if fig.unit == "%" else f" {fig.unit}"
    if with_noun and fig.has_noun:
        text += f" {fig.unit}"
    return text


def option_text(fig: Figure, value: float | None = None, *, with_noun: bool = False) -> str:
    """How the figure reads as an answer option: qualifier kept unless it only stresses ('only')."""
    core = core_text(fig, value, with_noun=with_noun)
    if fig.qualifier and fig.bound != "exact":
        return f"{fig.qualifier} {core}"
    return core


# How an abbreviated month is written ("Oct. 24", "Sept. 3", "March 5" in the news agencies' style).
_MONTH_ABBREVIATIONS = {
    "September": "Sept.",
    "March": "March",
    "April": "April",
    "May": "May",
    "June": "June",
}
_MONTH_ABBREVIATIONS["July"] = "July"


def _month_like(month: str, like: Figure) -> str:
    """`month` written the way the answer writes its own: abbreviated ("Nov.") when the answer's is."""
    written = re.search(r"[A-Z][a-z]+\.?", like.number)
    if not written or written.group(0).rstrip(".") == like.month or written.group(0) == "May":
        return month
    short = _MONTH_ABBREVIATIONS.get(month, month[:3] + ".")
    return short if written.group(0).endswith(".") else short.rstrip(".")


def date_text(month: str, day: int, year: int, like: Figure) -> str:
    """A date written in the same format as `like` (day first or month first, month abbreviated or not),
    so that no option stands out by its format."""
    month = _month_like(month, like)
    if like.number[:1].isdigit():
        return f"{day} {month}" + (f" {year}" if year else "")
    return f"{month} {day}" + (f", {year}" if year else "")


def _qualifier_before(text: str, start: int) -> tuple[str, int]:
    m = re.search(rf"\b({_QUAL_RE})\s+$", text[:start], re.IGNORECASE)
    return (m.group(1), m.start(1)) if m else ("", start)


def _noun_after(text: str, end: int) -> tuple[str, int]:
    """The counted noun after a number: up to three words ending on a plural ("active users")."""
    unit = _UNIT_AFTER.match(text, end)
    if unit:
        return unit.group("noun"), unit.end()
    m = re.match(r"((?:\s[a-z][a-z-]*){1,3})", text[end:])
    if not m:
        return "", end
    words: list[str] = []
    for word in m.group(1).split():
        if word in _NOUN_STOP or word.endswith("ly"):
            break
        words.append(word)
        if _is_plural(word):
            noun = " ".join(words)
            return noun, end + 1 + len(noun)
    return "", end


def _is_plural(word: str) -> bool:
    return word in _IRREGULAR_PLURALS or (word.endswith("s") and not word.endswith(("ss", "us", "is")))


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in spans)


# A number that is part of a name: "Nokia 3310", "Windows 10", "CDMA 2000", "Boeing 737". A capitalised word
# right before a bare number names a product or a standard; a month, a quarter or a capitalised
# preposition opening the sentence ("In 2024") does not.
_NAME_BEFORE_NUMBER = re.compile(r"(?:^|[^\w.])(?P<word>[A-Z][\w-]*)\s$")
_NOT_A_NAME = frozenset(
    {*(m[:3] for m in MONTHS), *MONTHS, "Sept", "FY", "Q1", "Q2", "Q3", "Q4", "H1", "H2", "In", "By", "Since",
     "From", "Until", "Of", "On", "At", "For", "To", "And", "About", "Around", "Nearly", "Some", "Over",
     "Under", "Than", "With", "Fiscal", "Between", "After", "Before", "During", "Through", "Almost", "Only",
     "Just", "Roughly", "Approximately", "Up", "Top", "The", "A", "An", "Its", "Their"}
)  # fmt: skip


def _names_a_product(text: str, start: int, number: str) -> bool:
    """The bare number at `start` is part of a name ("Nokia 3310"), not a figure."""
    if not number.isdigit():
        return False
    before = _NAME_BEFORE_NUMBER.search(text[:start])
    return before is not None and before.group("word") not in _NOT_A_NAME


def extract_figures(text: str) -> list[Figure]:
    """Every figure in `text`, left to right, without overlaps (the most specific pattern wins)."""
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []

    def add(fig: Figure) -> None:
        qualifier, qstart = _qualifier_before(text, fig.core_start)
        if qualifier:
            fig = replace(fig, qualifier=qualifier, start=qstart)
        found.append(fig)
        taken.append((fig.core_start, fig.end))

    for m in _DATE.finditer(text):
        month_raw = m.group("month") or m.group("month2")
        month = next((full for full in MONTHS if month_raw.startswith(full[:3])), "")
        if not month or (len(month_raw) > 3 and month_raw not in (month, "Sept")):
            continue
        day = int(m.group("day") or m.group("day2"))
        year = int(m.group("year") or m.group("year2") or 0)
        if not 1 <= day <= 31:
            continue
        found.append(
            Figure(
                "date",
                m.start(),
                m.end(),
                m.start(),
                m.end(),
                None,
                m.group(0),
                month=month,
                day=day,
                year=year,
            )
        )
        taken.append((m.start(), m.end()))
    for m in _MONEY.finditer(text):
        if _overlaps(taken, m.start(), m.end()):
            continue
        scale = _SCALE_ALIASES.get((m.group("scale") or "").lower(), "")
        per_share = bool(m.group("pershare"))
        cur = m.group("cur").strip()
        add(
            Figure(
                "per-share" if per_share else "money",
                m.start(),
                m.end(),
                m.start(),
                m.start("pershare") if per_share else m.end(),
                _to_float(m.group("num")),
                m.group("num"),
                scale,
                cur,
                unit="per share" if per_share else "",
            )
        )
    for m in _MONEY_SUFFIX.finditer(text):
        if _overlaps(taken, m.start(), m.end()):
            continue
        scale = _SCALE_ALIASES.get((m.group("scale") or "").lower(), "")
        add(
            Figure(
                "money", m.start(), m.end(), m.start(), m.end(), _to_float(m.group("num")), m.group("num"), scale,
                m.group("cur").lower(), currency_after=True,
            )
        )  # fmt: skip
    for m in _PERCENT.finditer(text):
        if _overlaps(taken, m.start(), m.end()):
            continue
        unit = "%" if m.group("pct") == "%" else m.group("pct")
        add(
            Figure(
                "percent",
                m.start(),
                m.end(),
                m.start(),
                m.end(),
                _to_float(m.group("num")),
                m.group("num"),
                unit=unit,
            )
        )
    for m in _MULTIPLE.finditer(text):
        if _overlaps(taken, m.start(), m.end()):
            continue
        word = m.group("mult").lower()
        value = _WORD_MULTIPLES.get(word)
        if value is None:
            head = re.split(r"[\s-]", word)[0].replace("fold", "").replace("times", "")
            value = float(_NUMBER_WORDS.get(head, 0) or head)
        add(Figure("multiple", m.start(), m.end(), m.start(), m.end(), value, m.group("mult")))
    for m in _VAGUE.finditer(text):
        if _overlaps(taken, m.start(), m.end()):
            continue
        vague = m.group("vague").lower()
        if vague not in VAGUE_LADDER:
            continue
        add(Figure("vague", m.start(), m.end(), m.start(), m.end(), None, vague))
    for m in _YEAR.finditer(text):
        if _overlaps(taken, m.start(), m.end()) or _names_a_product(text, m.start(), m.group("num")):
            continue
        after = text[m.end() : m.end() + 14]
        next_word = re.match(r"\s([a-z]+)", after)
        if re.match(rf"\s(?:{_SCALE_RE})\b|[a-z]", after) or (
            next_word and next_word.group(1) in _COUNT_NOUNS
        ):
            # "2024 vehicles" is a count; "the 2024 spot average", "Q1 2025 revenue" are years.
            continue
        add(
            Figure(
                "year",
                m.start(),
                m.end(),
                m.start(),
                m.end(),
                float(m.group("num")),
                m.group("num"),
                year=int(m.group("num")),
            )
        )
    for m in _PLAIN.finditer(text):
        if _overlaps(taken, m.start(), m.end()):
            continue
        number = m.group("num")
        if not m.group("scale") and _names_a_product(text, m.start(), number):
            continue
        if "." not in number and "," not in number and len(number) == 1 and not m.group("scale"):
            # A lone digit ("2 parties", "Q3") is rarely a figure worth asking about.
            continue
        end = core_end = m.end()
        scale = _SCALE_ALIASES.get((m.group("scale") or "").lower(), "")
        noun, noun_end = _noun_after(text, end)
        kind = "count"
        if noun in DISTANCE_UNITS:
            kind = "distance"
        if noun:
            end = noun_end
        add(Figure(kind, m.start(), end, m.start(), core_end, _to_float(number), number, scale, unit=noun))
    found.sort(key=lambda f: (f.start, f.end))
    return found


def parse_option(text: str) -> Figure | None:
    """Read an option back as a figure (for checks); None when it is not one figure."""
    figs = extract_figures(text)
    digit = re.fullmatch(rf"(?:({_QUAL_RE})\s+)?(\d)", text.strip(), re.IGNORECASE)
    if not figs and digit:
        # A lone digit is skipped in prose ("2 parties") but is a figure as an option ("fewer than 8").
        return Figure(
            "count",
            0,
            len(text),
            0,
            len(text),
            float(digit.group(2)),
            digit.group(2),
            qualifier=digit.group(1) or "",
        )
    if len(figs) != 1:
        return None
    return figs[0]
