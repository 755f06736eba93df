"""The question editor's pure core: form values to the canonical question and back, and where each error goes.

No Flask, no database. `values` is what the editor form holds (`form.data`): plain strings, booleans and
lists of row dicts. Errors are keyed by form field name (`stem`, `options-2-text`, `pairs-1-left`…) so the
form can show each message beside its field; `FORM` collects the rest.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.bank.yamlio import BankError, QuestionLocation, validate_question
from app.inputs import control_character_message
from app.qtypes.schema import ID_PATTERN, NUMERIC_FEEDBACK_KEY, SLUG_PATTERN, cloze_feedback_key
from app.qtypes.text import format_number

FORM = "_form"  # errors that belong to no single field
EDITOR_STATUSES = ("candidate", "approved", "rejected", "retired")
ROW_LIST = {"mcq": "options", "multi": "options", "cloze": "blanks", "matching": "pairs", "short": "accepted"}
NEW_ROWS = {"mcq": 4, "multi": 5, "cloze": 2, "matching": 4, "short": 3}
OPTION_LIMITS = {"mcq": (3, 5), "multi": (3, 8)}
VARIANT_SEPARATOR = "|"
TOLERANCE_MODES = ("absolute", "relative")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_LIST_SPLIT = re.compile(r"[,\s]+")

MAX_DIGITS = 15  # significant digits a float keeps
MAX_MULTIPLIER = 1e15  # what one unit is: a quadrillion is more than any unit a case needs


@dataclass
class Built:
    """The canonical question the form describes (None when it has errors), and the errors by field."""

    data: dict[str, Any] | None
    errors: dict[str, list[str]] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)  # the form row of each item of the canonical list

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def _text(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name)
    return value.strip() if isinstance(value, str) else ""


def _split_list(text: str) -> list[str]:
    return [part for part in _LIST_SPLIT.split(text.strip()) if part]


def parse_number(text: str) -> float | None:
    """A finite number typed by a person: `534`, `-2.5`, `1,234.5`; None when it does not parse."""
    text = text.strip().replace("\u2212", "-")
    if not text.isascii():  # float() would read "٣" or "２" as digits; the hint asks for 0-9
        return None
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _typed(number: float | int | None) -> str:
    """A number as a person would type it in the form: 5 rather than 5.0, every digit kept, no exponent."""
    return "" if number is None else format_number(number, exact=True)


# ---------------------------------------------------------------- form values -> canonical


def _common(values: Mapping[str, Any], built: Built) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": _text(values, "uid"),
        "type": values["qtype"],
        "stem": _text(values, "stem"),
        "explanation": _text(values, "explanation"),
        "topic": _text(values, "topic"),
        "difficulty": _text(values, "difficulty") or "medium",
        "tags": _split_list(_text(values, "tags")),
        "status": _text(values, "status") or "candidate",
    }
    if data["status"] == "rejected":
        data["status"] = (
            "retired"  # the schema knows no "rejected": it is validated (and exported) as retired
        )
    if not re.match(ID_PATTERN, data["id"]):
        built.add(
            "uid",
            f"The id {data['id']!r} is not valid: use 3–81 lower-case letters, digits, dots, dashes or "
            "underscores, starting with a letter or digit.",
        )
    if not data["topic"]:
        built.add("topic", "Give the question a topic, e.g. key-figures.")
    elif not re.match(SLUG_PATTERN, data["topic"]):
        built.add(
            "topic", f"Topic {data['topic']!r} is not a slug: use lower-case letters, digits and dashes."
        )
    bad_tags = [tag for tag in data["tags"] if not re.match(SLUG_PATTERN, tag)]
    if bad_tags:
        built.add(
            "tags",
            f"Tag {bad_tags[0]!r} is not a slug: use lower-case letters, digits and dashes, e.g. 'equity-stake'.",
        )
    if _text(values, "status") not in EDITOR_STATUSES:
        built.add("status", f"Choose a status: {', '.join(EDITOR_STATUSES)}.")
    article, sentence, quote = _text(values, "article"), _text(values, "sentence_id"), _text(values, "quote")
    if article or sentence or quote:
        if not article:
            built.add("article", "Choose the article the quote comes from.")
        if not sentence:
            built.add("sentence_id", "Give the id of the sentence the question draws on, e.g. p3s2.")
        if not quote:
            built.add("quote", "Quote the source text the answer rests on.")
        data["source"] = {
            "article": article,
            "sentence_id": sentence,
            "quote": quote,
            "also": [sid for sid in _split_list(_text(values, "also")) if sid != sentence],
        }
    return data


def _row_with_feedback(
    row: Mapping[str, Any], name: str, noun: str, feedback: dict[str, str], built: Built
) -> str:
    """A row's text (stripped); its feedback, if any, goes into `feedback` under that text. A row with
    feedback but no text is an error beside the row (`name`): the feedback would belong to nothing."""
    text = (row.get("text") or "").strip()
    said = (row.get("feedback") or "").strip()
    if not text:
        if said:
            built.add(name, f"This empty row has feedback: write the {noun} or clear it.")
    elif said:
        feedback[text] = said
    return text


def _choices(values: Mapping[str, Any], data: dict[str, Any], built: Built) -> None:
    qtype = data["type"]
    texts, correct, feedback = [], [], {}
    for i, row in enumerate(values.get("options") or []):
        text = _row_with_feedback(row, f"options-{i}-text", "option", feedback, built)
        if not text:
            if row.get("correct"):
                built.add(
                    f"options-{i}-text", "This empty row is marked correct: write the option or untick it."
                )
            continue
        built.rows.append(i)
        texts.append(text)
        if row.get("correct"):
            correct.append(text)
    low, high = OPTION_LIMITS[qtype]
    if not low <= len(texts) <= high:
        built.add("options", f"Give {low} to {high} options (this form has {len(texts)}).")
    if qtype == "mcq" and len(correct) != 1:
        marked = "none is marked" if not correct else f"{len(correct)} are marked"
        built.add("options", f"Mark exactly one option as correct ({marked}).")
    if qtype == "multi" and not correct:
        built.add("options", "Mark at least one option as correct.")
    data["options"] = texts
    data["answer"] = correct[0] if qtype == "mcq" and len(correct) == 1 else correct
    if feedback:
        data["feedback"] = feedback


def _true_false(values: Mapping[str, Any], data: dict[str, Any], built: Built) -> None:
    answer = _text(values, "answer")
    if answer not in ("true", "false"):
        built.add("answer", "Choose whether the statement is true or false.")
    data["answer"] = answer == "true"
    feedback = {key: said for key in ("true", "false") if (said := _text(values, f"feedback_{key}"))}
    if feedback:
        data["feedback"] = feedback


def _numeric(values: Mapping[str, Any], data: dict[str, Any], built: Built) -> None:
    raw_value = _text(values, "value")
    value = parse_number(raw_value)
    if value is None:
        got = f" (got {raw_value[:40]!r})" if raw_value else ""
        built.add("value", f"Enter the answer as a number, e.g. 534 or 12.5{got}.")
    elif len(raw_value.split(".")[0].lstrip("+-0 ").replace(",", "")) > MAX_DIGITS:
        # A float keeps about 15 significant digits: 12345678901234567890 would be stored as 1.2345…e19.
        built.add("value", f"An answer has at most {MAX_DIGITS} digits before the point; round it.")
    raw_tolerance = _text(values, "tolerance")
    tolerance = parse_number(raw_tolerance) if raw_tolerance else 0.0
    if tolerance is None:
        built.add(
            "tolerance", f"Enter the tolerance as a number, 0 for an exact answer (got {raw_tolerance!r})."
        )
    elif tolerance < 0:
        built.add("tolerance", "The tolerance cannot be negative.")
    mode = _text(values, "tolerance_mode") or "absolute"
    if tolerance is not None and mode == "relative" and tolerance > 1:
        built.add(
            "tolerance",
            "A relative tolerance is a share of the answer, at most 1 (100%); 0.05 accepts 5% either side.",
        )
    elif tolerance is not None and mode == "absolute" and value and tolerance > abs(value):
        built.add(
            "tolerance",
            f"The tolerance is larger than the answer itself, so answers of either sign would be right;"
            f" give at most {format_number(abs(value))}.",
        )
    raw_multiplier = _text(values, "multiplier")
    multiplier = parse_number(raw_multiplier) if raw_multiplier else 1.0
    if multiplier is None or multiplier <= 0 or multiplier > MAX_MULTIPLIER:
        built.add(
            "multiplier",
            f"Enter a positive number up to 1e15, e.g. 1000000 for 'US$ million' (got {raw_multiplier[:40]!r}).",
        )
    if mode not in TOLERANCE_MODES:
        built.add("tolerance_mode", "Choose absolute or relative tolerance.")
    data["answer"] = {
        "value": value,
        "tolerance": tolerance,
        "tolerance_mode": mode,
        "unit": _text(values, "unit"),
        "multiplier": multiplier,
    }
    if said := _text(values, f"feedback_{NUMERIC_FEEDBACK_KEY}"):
        data["feedback"] = {NUMERIC_FEEDBACK_KEY: said}


def _fuzzy(values: Mapping[str, Any], data: dict[str, Any], built: Built) -> None:
    raw = _text(values, "fuzzy")
    if not raw:
        return
    fuzzy = parse_number(raw)
    if fuzzy is None or not 0.5 <= fuzzy <= 1.0:
        built.add(
            "fuzzy",
            f"Enter a similarity between 0.5 and 1.0, or leave it empty for exact matching (got {raw!r}).",
        )
    else:
        data["fuzzy"] = fuzzy


def _cloze(values: Mapping[str, Any], data: dict[str, Any], built: Built) -> None:
    rows = [(row or "").strip() for row in values.get("blanks") or []]
    while rows and not rows[-1]:
        rows.pop()  # trailing empty rows are spare rows; an empty row between blanks is an error
    answer = []
    for i, row in enumerate(rows):
        variants = [v.strip() for v in row.split(VARIANT_SEPARATOR) if v.strip()]
        if not variants:
            built.add(f"blanks-{i}", f"Blank {{{{{i + 1}}}}} needs at least one accepted answer.")
        built.rows.append(i)
        answer.append(variants)
    if not rows:
        built.add("blanks", "Give the accepted answers of each blank: {{1}} in the stem is the first row.")
    data["answer"] = answer
    _fuzzy(values, data, built)
    # A blank's feedback field gives each of its accepted answers that feedback; a blank whose variants had
    # different feedback (an import, the YAML bank) keeps it, through the form, on the variants still accepted,
    # until its field is filled in.
    notes = [(note or "").strip() for note in values.get("blank_notes") or []]
    written: dict[str, str] = {}
    for i, note in enumerate(notes):
        if not note:
            continue
        if i >= len(answer) or not answer[i]:
            built.add(
                f"blank_notes-{i}", "This empty row has feedback: write the accepted answers or clear it."
            )
            continue
        written.update({cloze_feedback_key(i + 1, v): note for v in answer[i]})
    try:
        kept = json.loads(_text(values, "blank_feedback") or "{}")
    except ValueError:
        kept = None
    if not isinstance(kept, dict) or not all(isinstance(v, str) for v in kept.values()):
        built.add("blanks", "The blanks' feedback came back damaged; reload the editor and try again.")
        return
    still = {
        cloze_feedback_key(n, v)
        for n, variants in enumerate(answer, start=1)
        if not (n <= len(notes) and notes[n - 1])
        for v in variants
    }
    feedback = {key: said for key, said in kept.items() if key in still and said.strip()} | written
    if feedback:
        data["feedback"] = feedback


def _matching(values: Mapping[str, Any], data: dict[str, Any], built: Built) -> None:
    pairs: list[dict[str, str]] = []
    seen: dict[str, dict[str, int]] = {"left": {}, "right": {}}
    for i, row in enumerate(values.get("pairs") or []):
        left, right = (row.get("left") or "").strip(), (row.get("right") or "").strip()
        if not left and not right:
            continue
        if not (left and right):
            built.add(
                f"pairs-{i}-{'right' if left else 'left'}", "Fill both sides of the pair, or clear the row."
            )
            continue
        for side, text in (("left", left), ("right", right)):
            key = " ".join(text.casefold().split())
            if key in seen[side]:
                built.add(
                    f"pairs-{i}-{side}",
                    f"{text!r} is repeated (also in row {seen[side][key] + 1}): each {side} item must be different.",
                )
            else:
                seen[side][key] = i
        built.rows.append(i)
        pairs.append({"left": left, "right": right})
    if len(pairs) < 2:
        built.add("pairs", f"Give at least 2 pairs to match (this form has {len(pairs)}).")
    data["answer"] = pairs


def _short(values: Mapping[str, Any], data: dict[str, Any], built: Built) -> None:
    accepted: list[str] = []
    feedback: dict[str, str] = {}
    for i, row in enumerate(values.get("accepted") or []):
        text = _row_with_feedback(row, f"accepted-{i}-text", "accepted answer", feedback, built)
        if text:
            built.rows.append(i)
            accepted.append(text)
    if not accepted:
        built.add("accepted", "Give at least one accepted answer.")
    data["answer"] = accepted
    if feedback:
        data["feedback"] = feedback
    _fuzzy(values, data, built)


def _essay(values: Mapping[str, Any], data: dict[str, Any], built: Built) -> None:
    data["answer"] = _text(values, "model_answer")
    data["rubric"] = _text(values, "rubric")
    raw = _text(values, "word_limit")
    if raw:
        if not (raw.isascii() and raw.isdigit()) or int(raw) <= 0:  # "²".isdigit() is True
            built.add(
                "word_limit",
                f"Enter the word limit as a positive whole number, e.g. 400, or leave it empty (got {raw!r}).",
            )
        else:
            data["word_limit"] = int(raw)


_BUILDERS = {
    "mcq": _choices,
    "multi": _choices,
    "tf": _true_false,
    "numeric": _numeric,
    "cloze": _cloze,
    "matching": _matching,
    "short": _short,
    "essay": _essay,
}


def control_characters(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Errors for every field (form name) holding a control character such as NUL."""
    errors: dict[str, list[str]] = {}

    def visit(name: str, value: Any) -> None:
        if isinstance(value, str):
            message = control_character_message(value)
            if message:
                errors[name] = [message]
        elif isinstance(value, list):
            for i, item in enumerate(value):
                visit(f"{name}-{i}", item)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                visit(f"{name}-{key}", item)

    for name, value in values.items():
        visit(name, value)
    return errors


def build_question(values: Mapping[str, Any]) -> Built:
    """The canonical question the editor's values describe, validated by the schema, or field errors."""
    qtype = values.get("qtype")
    if qtype not in _BUILDERS:
        return Built(None, {FORM: [f"Unknown question type {qtype!r}."]})
    controls = control_characters(values)
    if controls:
        return Built(None, controls)
    built = Built(None)
    data = _common(values, built)
    _BUILDERS[qtype](values, data, built)
    if built.errors:
        return built
    _, errors = validate_question(data, QuestionLocation("<editor>", None, None))
    place_errors(built, errors, qtype)
    if not built.errors:
        built.data = data
    return built


# ---------------------------------------------------------------- errors by canonical path -> form field


def field_for(path: str | None, qtype: str, rows: Sequence[int]) -> str:
    """The form field that shows an error found at a canonical path (`options[2]`, `source.quote`…)."""
    if not path:
        return FORM
    simple = {
        "id": "uid",
        "stem": "stem",
        "explanation": "explanation",
        "topic": "topic",
        "difficulty": "difficulty",
        "status": "status",
        "fuzzy": "fuzzy",
        "rubric": "rubric",
        "word_limit": "word_limit",
        "source": "article",
        "source.article": "article",
        "source.sentence_id": "sentence_id",
        "source.quote": "quote",
        "source.start": "quote",
        "source.end": "quote",
    }
    if path in simple:
        return simple[path]
    if path.startswith("tags"):
        return "tags"
    if path.startswith("source.also"):
        return "also"
    match = re.match(r"^(options|answer)(?:\[(\d+)\])?(?:\.(\w+))?$", path)
    if not match:
        return FORM
    name, index, attr = match.group(1), match.group(2), match.group(3)
    if qtype == "tf":
        return "answer"
    if qtype == "essay":
        return "model_answer"
    if qtype == "numeric":
        return attr if attr in ("value", "tolerance", "tolerance_mode", "unit", "multiplier") else "value"
    row_list = ROW_LIST.get(qtype)
    if row_list is None:
        return FORM
    if index is None or int(index) >= len(rows):
        return row_list
    row = rows[int(index)]
    if qtype in ("mcq", "multi"):
        return f"options-{row}-text" if name == "options" else "options"
    if qtype == "matching":
        return f"pairs-{row}-{attr if attr in ('left', 'right') else 'left'}"
    if qtype == "short":
        return f"accepted-{row}-text"
    return f"{row_list}-{row}"


def place_errors(built: Built, errors: Sequence[BankError], qtype: str) -> None:
    """Put bank-check or schema errors (canonical paths) beside the form fields they are about."""
    for error in errors:
        built.add(field_for(error.field, qtype, built.rows), error.message)
    if built.errors:
        built.data = None


# ---------------------------------------------------------------- canonical -> form values


def blank_values(qtype: str) -> dict[str, Any]:
    """The editor's values for a new question of `qtype`: empty rows to fill in."""
    values: dict[str, Any] = {"qtype": qtype, "difficulty": "medium", "status": "candidate"}
    rows = NEW_ROWS.get(qtype, 0)
    if qtype in ("mcq", "multi"):
        values["options"] = [{"text": "", "correct": False} for _ in range(rows)]
    elif qtype == "matching":
        values["pairs"] = [{"left": "", "right": ""} for _ in range(rows)]
    elif qtype == "cloze":
        values["blanks"] = ["" for _ in range(rows)]
        values["blank_notes"] = ["" for _ in range(rows)]
    elif qtype == "short":
        values["accepted"] = [{"text": "", "feedback": ""} for _ in range(rows)]
    elif qtype == "numeric":
        values.update(tolerance="0", tolerance_mode="absolute", multiplier="1")
    return values


def values_from_canonical(data: Mapping[str, Any], status: str | None = None) -> dict[str, Any]:
    """The editor's values for an existing question (its canonical dict); `status` may be "rejected"."""
    qtype = data["type"]
    source = data.get("source") or {}
    values: dict[str, Any] = {
        "qtype": qtype,
        "uid": data["id"],
        "stem": data["stem"],
        "explanation": data.get("explanation") or "",
        "topic": data.get("topic") or "",
        "difficulty": data.get("difficulty") or "medium",
        "tags": ", ".join(data.get("tags") or []),
        "status": status or data.get("status") or "candidate",
        "article": source.get("article", ""),
        "sentence_id": source.get("sentence_id", ""),
        "also": ", ".join(source.get("also") or []),
        "quote": source.get("quote", ""),
    }
    answer = data.get("answer")
    said = data.get("feedback") or {}
    if qtype in ("mcq", "multi"):
        right = {answer} if qtype == "mcq" else set(answer)
        values["options"] = [
            {"text": o, "correct": o in right, "feedback": said.get(o, "")} for o in data["options"]
        ]
    elif qtype == "tf":
        values["answer"] = "true" if answer else "false"
        values.update(feedback_true=said.get("true", ""), feedback_false=said.get("false", ""))
    elif qtype == "numeric":
        values.update(
            value=_typed(answer["value"]),
            tolerance=_typed(answer.get("tolerance", 0)),
            tolerance_mode=answer.get("tolerance_mode", "absolute"),
            unit=answer.get("unit", ""),
            multiplier=_typed(answer.get("multiplier", 1)),
            feedback_answer=said.get(NUMERIC_FEEDBACK_KEY, ""),
        )
    elif qtype == "cloze":
        values["blanks"] = [f" {VARIANT_SEPARATOR} ".join(variants) for variants in answer]
        # One feedback shared by every accepted answer of a blank is that blank's field; feedback that
        # differs between them (or that only some have) travels as it is, in the hidden JSON.
        notes, kept = [], {}
        for n, variants in enumerate(answer, start=1):
            keys = [cloze_feedback_key(n, v) for v in variants]
            texts = {said.get(key, "") for key in keys}
            shared = texts.pop() if len(texts) == 1 else ""
            notes.append(shared)
            if not shared:
                kept.update({key: said[key] for key in keys if said.get(key)})
        values["blank_notes"] = notes
        values["blank_feedback"] = json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else ""
    elif qtype == "matching":
        values["pairs"] = [{"left": p["left"], "right": p["right"]} for p in answer]
    elif qtype == "short":
        values["accepted"] = [{"text": a, "feedback": said.get(a, "")} for a in answer]
    elif qtype == "essay":
        values["model_answer"] = answer or ""
        values["rubric"] = data.get("rubric") or ""
        values["word_limit"] = _typed(data.get("word_limit"))
    if qtype in ("cloze", "short"):
        values["fuzzy"] = _typed(data.get("fuzzy"))
    return values
