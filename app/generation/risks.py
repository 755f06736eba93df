"""Risks, challenges and their causes; cause–effect and contrast statements: cue scores per sentence and
the risk phrases worth asking about, read with regular expressions."""

from __future__ import annotations

import re
from dataclasses import dataclass

RISK_CUES = re.compile(
    r"\b(?:risks?|risky|challeng\w*|threat\w*|weak\w*|shortcomings?|constraints?|bottlenecks?|pressures?"
    r"|dilution|price wars?|uncertain\w*|not yet disclosed|lacks?|reliance|dependen\w*|costly|scarcity"
    r"|friction|lock(?:s|ing)? out|rivals?|competition|declin\w*|losses|burden\w*|vulnerab\w*|obstacles?"
    r"|hurdles?|difficult\w*|problems?|urgently|fragmented|disrupt\w*|may (?:weaken|trigger|hurt|lose|fail))\b",
    re.IGNORECASE,
)
CAUSE_CUES = re.compile(
    r"\b(?:therefore|because|due to|as a result|leads? to|led to|so that|thus|hence|helps?|allow(?:s|ed)?"
    r"|enabl\w+|driven by|if|reduces?|results? in|causes?|trigger\w*|powered by)\b",
    re.IGNORECASE,
)
CONTRAST_CUES = re.compile(
    r"\b(?:but|however|while|whereas|unlike|far below|far exceeds|contrast|although|instead|rather than"
    r"|not only)\b",
    re.IGNORECASE,
)

_RISK_KINDS = (
    r"currency|credit|tariff|volume|regulatory|supply|execution|interest-rate"
    r"|market|political|legal|counterparty"
)
# Pattern → the pool its look-alike options come from. The phrase is the named group `p`.
_NP = r"[a-z][a-z-]*(?: (?:and )?[a-z][a-z-]*){0,4}?"
RISK_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"\brisks? of (?P<p>{_NP})(?= of\b| for\b| in\b|[,.;]|$)"), "risk"),
    (re.compile(rf"\bweaken (?:the )?(?P<p>{_NP})(?= of\b|[,.;]|$)"), "asset"),
    (re.compile(r"\b(?P<p>price wars?)\b"), "risk"),
    (re.compile(rf"\bshortcomings of (?P<p>{_NP})(?= of\b|[,.;]|$)"), "capability"),
    (re.compile(rf"\bconstraints? from (?P<p>{_NP}) to\b"), "constraint"),
    (re.compile(rf"\breliance on (?P<p>{_NP})(?= and\b|[,.;]|$)"), "constraint"),
    (re.compile(rf"\bbottlenecks in (?P<p>{_NP})(?=[,.;]|$)"), "area"),
    (re.compile(rf"\bnot yet disclosed (?:the )?(?P<p>{_NP})(?=[,.;]|$)"), "detail"),
    (re.compile(r"\bneeds? to find (?P<p>a stronger partner)\b"), "need"),
    (re.compile(rf"\brisks? (?:as|are|include|including|such as) (?P<p>{_NP})(?=,| and\b|[.;]|$)"), "risk"),
    (re.compile(rf"\b(?:from|carry|carries|faces?|the|of) (?P<p>(?:{_RISK_KINDS}) risk)\b"), "named-risk"),
)
POOLS: dict[str, tuple[str, ...]] = {
    "risk": (
        "technology leakage",
        "brand dilution",
        "supply chain disruption",
        "price war",
        "equity dilution",
        "overcapacity",
        "regulatory penalties",
        "currency losses",
        "talent drain",
        "market saturation",
        "patent disputes",
        "tariff barriers",
    ),
    "asset": (
        "uniqueness",
        "brand value",
        "cost advantage",
        "market share",
        "pricing power",
        "customer loyalty",
        "dealer network",
    ),
    "capability": (
        "intelligence and cost efficiency",
        "brand image and dealer coverage",
        "battery supply and charging",
        "design and marketing",
        "overseas sales and service",
        "software and connectivity",
    ),
    "constraint": (
        "funding scarcity",
        "integration speed",
        "capital cost",
        "labour shortages",
        "costly market financing",
        "export quotas",
        "land prices",
    ),
    "area": (
        "manufacturing and distribution",
        "design and marketing",
        "research and testing",
        "financing and insurance",
        "sales and after-sales service",
    ),
    "named-risk": (
        "currency risk",
        "credit risk",
        "tariff risk",
        "volume risk",
        "regulatory risk",
        "supply risk",
        "execution risk",
        "interest-rate risk",
    ),
    "detail": ("equity details", "board seats", "delivery targets", "pricing terms", "governance rules"),
    "need": (
        "a stronger partner",
        "a new chief executive",
        "a foreign listing",
        "more dealers",
        "cheaper batteries",
    ),
}
_NOUN_BY_POOL = {
    "risk": "risk",
    "named-risk": "risk",
    "asset": "phrase",
    "capability": "phrase",
    "constraint": "phrase",
    "area": "phrase",
    "detail": "phrase",
    "need": "phrase",
}


@dataclass(frozen=True)
class RiskPhrase:
    start: int
    end: int
    text: str
    pool: str

    @property
    def noun(self) -> str:
        return _NOUN_BY_POOL[self.pool]


def cue_scores(text: str) -> dict[str, float]:
    """How strongly a sentence is about risk, cause–effect and contrast (each 0–1)."""
    return {
        "risk": min(1.0, 0.45 * len(RISK_CUES.findall(text))),
        "cause": min(1.0, 0.35 * len(CAUSE_CUES.findall(text))),
        "contrast": min(1.0, 0.35 * len(CONTRAST_CUES.findall(text))),
    }


def risk_phrases(text: str) -> list[RiskPhrase]:
    """The risk, challenge and constraint phrases of a sentence, left to right, without overlaps."""
    found: list[RiskPhrase] = []
    for pattern, pool in RISK_PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span("p")
            if any(start < f.end and f.start < end for f in found):
                continue
            found.append(RiskPhrase(start, end, m.group("p"), pool))
    return sorted(found, key=lambda f: f.start)


def conditionals(text: str) -> tuple[str, str] | None:
    """'If C, E' → (C, E); None when the sentence is not one conditional."""
    m = re.match(
        r"^(?:[A-Z][a-z]+(?: [a-z]+)?,\s+)?[Ii]f\s+(?P<c>[^,]{5,160}),\s+(?P<e>[^;]{5,200}?)[.!]?$", text
    )
    return (m.group("c"), m.group("e")) if m else None


# A negative outcome said in plain words, strict enough to be the one right answer among neutral statements
# of the same article ("has been slower to shift", "is dealing with crimped margins", "lost half its value").
NEGATIVE_OUTCOME = re.compile(
    r"\b(?:slower|lagg\w*|behind|struggl\w*|crimp\w*|squeez\w*|los(?:e|es|t|ing|ses)|loss-making|fell|fall(?:s|en|ing)?"
    r"|declin\w*|drop(?:s|ped|ping)?|plung\w*|plummet\w*|tumbl\w*|slump\w*|shrank|shrink\w*|slowdown|slump"
    r"|pressure|uncertain\w*|unclear|unknown|not yet|unequal|imbalance|lacks?|lacking|bankrupt\w*|insolven\w*"
    r"|crisis|recession|forced|scrutiny|probes?|investigat\w*|lawsuits?|penalt\w*|fined|delay\w*|block\w*"
    r"|hurdles?|obstacles?|opposition|oppos(?:e|es|ed|ing)|reject\w*|veto\w*|tariffs?|sanctions?|ban(?:s|ned)?"
    r"|dilut\w*|writedowns?|write-downs?|impairments?|downgrad\w*|defaults?|shortages?|shortfall|layoffs?"
    r"|job cuts|cut(?:s|ting)? (?:jobs|production|output|forecasts?|outlook|spending)|scal\w+ back|pull(?:ed)? out"
    r"|exit(?:s|ed)? the|halt\w*|suspend\w*|cancel\w*|postpon\w*|scrap\w*|abandon\w*|fail\w*|setbacks?"
    r"|headwinds?|threat\w*|fears?|worr\w*|concerns?|doubts?|risks?|risky|challeng\w*|costly|burden\w*"
    r"|price wars?|overcapacity|sell-offs?|weak\w*|tumultuous|in need of|on the cusp of|cool(?:ing|ed)"
    r"|soft(?:er|ening)|sluggish|stall\w*|tough\w*|difficult\w*|hard-hit|hit by|slid(?:e|es|ing)?|sank|sink\w*"
    r"|crunch|surg(?:e|ed|ing) (?:in )?costs?|costs? (?:have |has )?surg\w*)\b",
    re.IGNORECASE,
)


def negative_outcome(text: str) -> bool:
    """The statement reports a negative or uncertain outcome in plain words (see NEGATIVE_OUTCOME)."""
    return bool(NEGATIVE_OUTCOME.search(text))
