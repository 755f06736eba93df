"""The one input layer: JSON, integers and text from a request, checked before any view or service sees them.

Pure functions over plain data (no Flask); app/security.py wires them into every request. Each refusal is
an InputError naming the field, so the response can say what was wrong and how to fix it.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_JSON_DEPTH = 32  # our JSON bodies are two or three levels deep; a bank import about six
INT32_MAX = 2**31 - 1  # ids and counts are INTEGER columns: the smaller range of SQLite and PostgreSQL
INT64_MAX = 2**63 - 1

_SURROGATE = re.compile("[\ud800-\udfff]")
_ASCII_DIGITS = re.compile(r"[0-9]+")
# Control characters are never valid in submitted text (and PostgreSQL refuses NUL in a text column).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InputError(Exception):
    """A request value the app refuses; `field` names it, the message says what to send instead.

    Not a ValueError on purpose: `request.get_json(silent=True)` swallows ValueErrors, and these must
    reach the error handler that answers 400 with the message.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


def has_surrogate(text: str) -> bool:
    """True if `text` holds an unpaired surrogate: it cannot be encoded as UTF-8 or stored."""
    return _SURROGATE.search(text) is not None


def check_text(value: str, field: str) -> str:
    if has_surrogate(value):
        raise InputError(
            field, "contains an invalid character (an unpaired surrogate); send valid Unicode text."
        )
    return value


def control_character_message(value: str) -> str | None:
    """The message for text holding a control character such as NUL (naming it), or None."""
    found = CONTROL.search(value)
    if found is None:
        return None
    return f"Remove the invisible control character (U+{ord(found.group()):04X}) from this field."


def _non_finite(name: str) -> Any:
    raise InputError("", f"{name} is not a number JSON allows; send a finite number.")


def loads_json(data: str | bytes, max_depth: int = MAX_JSON_DEPTH, **options: Any) -> Any:
    """Parse a JSON document, refusing NaN/Infinity, unpaired surrogates and nesting deeper than max_depth.

    `options` go to json.loads (Flask's session serializer passes an object_hook).
    Raises InputError for those (naming the field where it can) and ValueError for malformed JSON
    (a bytes body that is not UTF-8 is malformed JSON too).
    """
    if isinstance(data, bytes):
        data = data.decode("utf-8-sig")  # UnicodeDecodeError is a ValueError
    try:
        value = json.loads(data, parse_constant=_non_finite, **options)
    except RecursionError as exc:
        raise InputError("", f"the JSON is nested too deeply; the limit is {max_depth} levels.") from exc
    check_json_value(value, max_depth)
    return value


def check_json_value(value: Any, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Walk a parsed JSON value without recursion: every string valid Unicode, every float finite."""
    stack: list[tuple[Any, str, int]] = [(value, "", 1)]
    while stack:
        item, path, depth = stack.pop()
        if depth > max_depth:
            raise InputError(path, f"is nested too deeply; the limit is {max_depth} levels.")
        if isinstance(item, str):
            check_text(item, path or "body")
        elif isinstance(item, float):
            if item != item or item in (float("inf"), float("-inf")):
                raise InputError(path or "body", "is not a finite number; send a finite number.")
        elif isinstance(item, dict):
            for key, child in item.items():
                check_text(key, f"{path}.{key!a}" if path else "key")
                stack.append((child, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{i}]", depth + 1) for i, child in enumerate(item))


def parse_int(
    value: Any,
    field: str,
    *,
    minimum: int = 0,
    maximum: int = INT32_MAX,
    default: int | None = None,
) -> int | None:
    """An integer from a form field, query argument or JSON value: ASCII digits (with an optional minus
    sign when `minimum` < 0) or a JSON integer, within [minimum, maximum]. Empty or missing gives `default`.

    Refuses "²", "٣", "1.5", "1e3", booleans and 20-digit numbers with an InputError naming the field.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        raise InputError(field, "must be a whole number, not true or false.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text.startswith("-") and minimum < 0 else text
        if len(digits) > 19 or not _ASCII_DIGITS.fullmatch(digits):
            raise InputError(field, "must be a whole number written with the digits 0-9.")
        number = int(text)
    else:
        raise InputError(field, "must be a whole number.")
    if not minimum <= number <= maximum:
        raise InputError(field, f"must be between {minimum} and {maximum}.")
    return number


def parse_id(value: Any, field: str) -> int | None:
    """A record id from a query argument or form field: ASCII digits only (else InputError naming the
    field); an id beyond the column's range names no record, so it comes back as 0, which finds nothing
    (a 404, as for an id in the path). Empty or missing gives None."""
    if isinstance(value, str) and value.strip() and _ASCII_DIGITS.fullmatch(value.strip()):
        digits = value.strip().lstrip("0") or "0"
        if len(digits) > len(str(INT32_MAX)) or int(digits) > INT32_MAX:
            return 0
    return parse_int(value, field, minimum=0)


def is_id(value: Any) -> bool:
    """True if `value` is a positive id an INTEGER column can hold (the quiet form of parse_int)."""
    try:
        return parse_int(value, "id", minimum=1) is not None
    except InputError:
        return False
