"""What changed between two revisions of a question: snapshots as YAML lines, diffed line by line and word by word.

Pure: plain dicts in, plain data out; the template escapes every piece of text it shows.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

# Question keys in schema order, then the keys of nested values (source, matching pairs, numeric answers).
KEY_ORDER = (
    *("id", "type", "stem", "options", "answer", "fuzzy", "explanation", "topic", "difficulty", "tags"),
    *("status", "source", "article", "sentence_id", "quote", "start", "end", "also", "left", "right"),
    *("value", "tolerance", "tolerance_mode", "unit", "multiplier"),
)
_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


_RANK = {key: i for i, key in enumerate(KEY_ORDER)}


def _keys(keys: Any) -> list[str]:
    return sorted(keys, key=lambda k: (_RANK.get(k, len(_RANK)), k))


def _ordered(value: Any) -> Any:
    """Dicts in the canonical key order (the database may not keep it), empty optional values left out."""
    if isinstance(value, Mapping):
        return {k: _ordered(value[k]) for k in _keys(value) if value[k] not in (None, "", [])}
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    return value


def snapshot_lines(snapshot: Mapping[str, Any] | None) -> list[str]:
    """A snapshot as YAML lines (long text kept on one line, so a changed word changes one line)."""
    if not snapshot:
        return []
    yaml = YAML(typ="rt")
    yaml.width = 1_000_000
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    buffer = io.StringIO()
    yaml.dump(_ordered(snapshot), buffer)
    return buffer.getvalue().splitlines()


@dataclass
class DiffLine:
    """One line of a unified diff. `kind`: ins, del, same or hunk; `parts`: (text, changed) pieces."""

    kind: str
    parts: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.parts)


def _word_parts(old: str, new: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """The two lines split into pieces, with the words that differ marked as changed."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    old_parts: list[tuple[str, bool]] = []
    new_parts: list[tuple[str, bool]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if i2 > i1:
            old_parts.append(("".join(a[i1:i2]), op != "equal"))
        if j2 > j1:
            new_parts.append(("".join(b[j1:j2]), op != "equal"))
    return _merged(old_parts), _merged(new_parts)


def _merged(parts: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Join changed pieces separated only by spaces, so a rewritten phrase reads as one change."""
    out: list[tuple[str, bool]] = []
    for i, (text, changed) in enumerate(parts):
        bridging = (
            not changed
            and not text.strip()
            and 0 < i < len(parts) - 1
            and parts[i - 1][1]
            and parts[i + 1][1]
        )
        if (changed or bridging) and out and out[-1][1]:
            out[-1] = (out[-1][0] + text, True)
        else:
            out.append((text, changed or bridging))
    return out


def diff_snapshots(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, context: int = 2
) -> list[DiffLine]:
    """A unified diff of two snapshots; a block of removed lines facing as many added lines is compared
    word by word. With no `old` (the first revision) every line is added."""
    old_lines, new_lines = snapshot_lines(old), snapshot_lines(new)
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        first, last = group[0], group[-1]
        lines.append(
            DiffLine(
                "hunk",
                [(f"@@ -{first[1] + 1},{last[2] - first[1]} +{first[3] + 1},{last[4] - first[3]} @@", False)],
            )
        )
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                lines.extend(DiffLine("same", [(line, False)]) for line in old_lines[i1:i2])
                continue
            removed, added = old_lines[i1:i2], new_lines[j1:j2]
            if op == "replace" and len(removed) == len(added):
                pairs = [_word_parts(o, n) for o, n in zip(removed, added, strict=True)]
                lines.extend(DiffLine("del", old_parts) for old_parts, _ in pairs)
                lines.extend(DiffLine("ins", new_parts) for _, new_parts in pairs)
            else:
                lines.extend(DiffLine("del", [(line, True)]) for line in removed)
                lines.extend(DiffLine("ins", [(line, True)]) for line in added)
    return lines


def changed_fields(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> list[str]:
    """The top-level fields whose values differ (for a one-line summary of a revision)."""
    old, new = old or {}, new or {}
    empty = (None, "", [])
    return [
        key
        for key in _keys(set(old) | set(new))
        if not (old.get(key) in empty and new.get(key) in empty)
        and _ordered(old.get(key)) != _ordered(new.get(key))
    ]
