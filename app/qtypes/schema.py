"""The canonical shape of a question, shared by the YAML bank, JSON export, the generator and the DB.

Plain pydantic models: no Flask, no session. Every other part of the app speaks this shape.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    TypeAdapter,
    field_validator,
    model_serializer,
    model_validator,
)

from app.plural import counted

QUESTION_TYPES = ("mcq", "multi", "tf", "numeric", "cloze", "matching", "short", "essay")
STATUSES = ("candidate", "approved", "retired")
DIFFICULTIES = ("easy", "medium", "hard")
CORE_TOPICS = ("key-figures", "partnership-models", "strategic-risks", "comprehension")

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,80}$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{1,60}$"
BLANK_RE = re.compile(r"\{\{(\d+)\}\}")


def slugify(text: str, max_length: int = 60) -> str:
    """Lower-case ASCII words joined by dashes: the form of article ids, topics and tags ('' if none)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")[:max_length].rstrip("-")


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Source(_Strict):
    """Provenance: the article (slug), the sentence id(s) and the quoted source text."""

    article: str = Field(pattern=SLUG_PATTERN)
    sentence_id: str = Field(min_length=1, max_length=40)
    quote: str = Field(min_length=3, max_length=2000)
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    also: list[str] = Field(default_factory=list, description="further sentence ids the question draws on")


class QuestionBase(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    stem: str = Field(min_length=8, max_length=2000)
    explanation: str = Field(default="", max_length=4000)
    topic: str = Field(pattern=SLUG_PATTERN)
    difficulty: Literal["easy", "medium", "hard"] = "medium"
    tags: list[Annotated[str, Field(pattern=SLUG_PATTERN)]] = Field(default_factory=list)
    status: Literal["candidate", "approved", "retired"] = "approved"
    source: Source | None = None
    feedback: dict[str, Annotated[str, Field(min_length=1, max_length=1000)]] = Field(
        default_factory=dict,
        description="per-option feedback: option (mcq, multi), 'true'/'false' (tf), accepted answer "
        "(short), 'answer' (numeric: the correct number) or 'BLANK:variant' (cloze, e.g. '1:Nairobi') "
        "-> why it is right or wrong; exported as answer feedback where a format has a place",
    )

    def feedback_keys(self) -> list[str]:
        """What ``feedback`` may be keyed by for this type (none unless a type says so)."""
        return []

    @model_validator(mode="after")
    def _feedback_keys_known(self):
        allowed = self.feedback_keys()
        for key in self.feedback:
            if key not in allowed:
                where = ", ".join(repr(k) for k in allowed) or "nothing: this type has no per-option feedback"
                raise ValueError(f"feedback is keyed by {key!r}; use one of {where}")
        return self

    @model_serializer(mode="wrap")
    def _omit_empty_feedback(self, handler: SerializerFunctionWrapHandler) -> dict:
        data = handler(self)
        if not data.get("feedback"):
            data.pop("feedback", None)  # questions without it keep their exact earlier shape
        return data


def _distinct(values: list[str], what: str) -> list[str]:
    seen: set[str] = set()
    for value in values:
        key = _norm(value)
        if not key:
            raise ValueError(f"{what} must not be empty")
        if key in seen:
            raise ValueError(f"{what} repeats {value!r}; each must be different")
        seen.add(key)
    return values


class MCQ(QuestionBase):
    """One correct option among 3–5."""

    type: Literal["mcq"]
    options: list[str] = Field(min_length=3, max_length=5)
    answer: str

    def feedback_keys(self) -> list[str]:
        return list(self.options)

    @field_validator("options")
    @classmethod
    def _options_distinct(cls, v: list[str]) -> list[str]:
        return _distinct(v, "options")

    @model_validator(mode="after")
    def _answer_is_option(self) -> MCQ:
        if self.answer not in self.options:
            raise ValueError(
                f"answer {self.answer!r} is not one of the options; copy it exactly from options"
            )
        return self


class Multi(QuestionBase):
    """Several correct options; partial credit."""

    type: Literal["multi"]
    options: list[str] = Field(min_length=3, max_length=8)
    answer: list[str] = Field(min_length=1)

    def feedback_keys(self) -> list[str]:
        return list(self.options)

    @field_validator("options")
    @classmethod
    def _options_distinct(cls, v: list[str]) -> list[str]:
        return _distinct(v, "options")

    @model_validator(mode="after")
    def _answers_are_options(self) -> Multi:
        _distinct(self.answer, "answer")
        missing = [a for a in self.answer if a not in self.options]
        if missing:
            raise ValueError(f"answer {missing[0]!r} is not one of the options; copy it exactly from options")
        if len(self.answer) == len(self.options):
            raise ValueError("every option is correct; leave at least one wrong option")
        return self


class TF(QuestionBase):
    type: Literal["tf"]
    answer: bool

    def feedback_keys(self) -> list[str]:
        return ["true", "false"]


class NumericAnswer(_Strict):
    """A number in `unit`; `multiplier` says what one unit is (1e6 for 'US$ million')."""

    value: float
    tolerance: float = Field(default=0.0, ge=0)
    tolerance_mode: Literal["absolute", "relative"] = "absolute"
    unit: str = Field(default="", max_length=40)
    multiplier: float = Field(default=1.0, gt=0)


# The one feedback key of a numeric question: the feedback shown for the correct number.
NUMERIC_FEEDBACK_KEY = "answer"


def cloze_feedback_key(blank: int, variant: str) -> str:
    """How a cloze question keys the feedback of accepted ``variant`` of blank ``blank`` (1-based)."""
    return f"{blank}:{variant}"


class Numeric(QuestionBase):
    type: Literal["numeric"]
    answer: NumericAnswer

    def feedback_keys(self) -> list[str]:
        return [NUMERIC_FEEDBACK_KEY]


class Cloze(QuestionBase):
    """Stem with blanks {{1}}, {{2}}…; answer[i] lists the accepted variants of blank i+1."""

    type: Literal["cloze"]
    answer: list[list[str]] = Field(min_length=1)
    fuzzy: float | None = Field(default=None, ge=0.5, le=1.0)

    def feedback_keys(self) -> list[str]:
        return [
            cloze_feedback_key(i, variant)
            for i, variants in enumerate(self.answer, start=1)
            for variant in variants
        ]

    def blank_feedback(self, blank: int, variant: str) -> str:
        """The feedback of accepted ``variant`` of blank ``blank`` (1-based), '' if none."""
        return self.feedback.get(cloze_feedback_key(blank, variant), "")

    @model_validator(mode="after")
    def _blanks_match(self) -> Cloze:
        numbers = [int(n) for n in BLANK_RE.findall(self.stem)]
        expected = list(range(1, len(self.answer) + 1))
        if sorted(numbers) != expected:
            raise ValueError(
                f"stem blanks {numbers or 'none'} do not match the {counted(len(self.answer), 'answer list')}; "
                f"write {{{{1}}}}…{{{{{len(self.answer)}}}}} in the stem, once each"
            )
        for i, variants in enumerate(self.answer, start=1):
            if not variants or not all(v.strip() for v in variants):
                raise ValueError(f"blank {i} needs at least one accepted variant")
        return self


class Pair(_Strict):
    left: str = Field(min_length=1, max_length=300)
    right: str = Field(min_length=1, max_length=300)


class Matching(QuestionBase):
    """Match each left item to its right item; the pairs must form a bijection."""

    type: Literal["matching"]
    answer: list[Pair] = Field(min_length=2, max_length=10)

    @model_validator(mode="after")
    def _bijection(self) -> Matching:
        _distinct([p.left for p in self.answer], "matching left items")
        _distinct([p.right for p in self.answer], "matching right items")
        return self


class Short(QuestionBase):
    type: Literal["short"]
    answer: list[str] = Field(min_length=1)
    fuzzy: float | None = Field(default=None, ge=0.5, le=1.0)

    def feedback_keys(self) -> list[str]:
        return list(self.answer)


MAX_ESSAY_WORD_LIMIT = 20_000


class Essay(QuestionBase):
    """Written analysis, graded by hand: a prompt in safe Markdown, an optional word limit, model answer
    (`answer`) and rubric (Markdown). Never auto-graded."""

    type: Literal["essay"]
    stem: str = Field(min_length=8, max_length=8000)
    answer: str = Field(default="", max_length=20000, description="the model answer, shown after grading")
    rubric: str = Field(default="", max_length=8000)
    word_limit: int | None = None

    @field_validator("word_limit", mode="before")
    @classmethod
    def _positive_whole_number(cls, v: object) -> object:
        if v is None:
            return v
        if isinstance(v, bool) or not isinstance(v, int) or not 0 < v <= MAX_ESSAY_WORD_LIMIT:
            raise ValueError(
                f"word_limit must be a whole number of words from 1 to {MAX_ESSAY_WORD_LIMIT}, e.g. 400, "
                f"not {v!r}; leave it out for no limit"
            )
        return v


Question = Annotated[
    MCQ | Multi | TF | Numeric | Cloze | Matching | Short | Essay, Field(discriminator="type")
]
QUESTION_ADAPTER: TypeAdapter[Question] = TypeAdapter(Question)


def parse_question(data: dict) -> Question:
    """Validate a plain dict as a question; raises pydantic.ValidationError naming the field."""
    return QUESTION_ADAPTER.validate_python(data)
