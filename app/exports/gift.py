"""GIFT (Moodle's plain-text question format): export with full escaping, and import back as candidates.

Export: $CATEGORY per topic, ::id:: titles, [markdown] text, // [id:] [tag:] comments Moodle reads,
general feedback (explanation and source) after ####. mcq =right ~wrong; multi ~%w% weights (right ones add
up to 100, wrong ones to -100); tf {TRUE}/{FALSE}; numeric {#value:margin}; short {=a =b}; matching
{=left -> right}; essay {} (its word limit, rubric and model answer reported as dropped); a one-blank cloze
is a missing-word question. Converted: a cloze with several blanks becomes one missing-word question per
blank (the other blanks shown filled in); '->' inside a matching item becomes '→' because GIFT cannot
escape it. Import reads every type back, an empty answer block as an essay.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import IO, Any

from app.exports.answers import (
    BLANK_LINE,
    absolute_tolerance,
    feedback_markdown,
    fill_blanks,
    format_number,
    shares,
    split_feedback,
    stem_with_unit,
    strip_unit_hint,
)
from app.exports.markup import html_to_markdown
from app.exports.model import (
    CATEGORY_ROOT,
    ExportReport,
    ExportResult,
    ExportSelection,
    ImportFormatError,
    ImportResult,
    difficulty_tag,
    export_filename,
    prepare,
    slug_tags,
    split_difficulty,
    stable_import_id,
    topic_from_category,
    unwrap_zip,
    validated_import,
)
from app.qtypes.schema import (
    MCQ,
    NUMERIC_FEEDBACK_KEY,
    TF,
    Cloze,
    Essay,
    Matching,
    Multi,
    Numeric,
    Question,
    Short,
    cloze_feedback_key,
)

GIFT_MIMETYPE = "text/plain; charset=utf-8"
SPECIAL = "\\~=#{}:"
ARROW = "->"
# Escaped characters stand in as private-use code points while the structure is parsed (as Moodle does).
_HIDE = {ch: chr(0xE000 + i) for i, ch in enumerate(SPECIAL)}
_SHOW = {v: k for k, v in _HIDE.items()}
_ESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")
_FORMAT_RE = re.compile(r"^\[(markdown|html|plain|moodle)\]", re.I)
_WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


_ESCAPES = str.maketrans({ch: "\\" + ch for ch in SPECIAL} | {"\n": "\\n"})


def escape(text: str) -> str:
    """GIFT text: the control characters and the backslash escaped, newlines written as \\n."""
    return text.replace("\r\n", "\n").translate(_ESCAPES)


def _answer_block(lines: list[str], feedback: str) -> str:
    body = "".join(f"\n\t{line}" for line in lines)
    if feedback:
        body += f"\n\t####{escape(feedback)}"
    return "{" + body + "\n}"


def _header(name: str, idnumber: str, question: Question) -> str:
    tags = "".join(f" [tag:{tag}]" for tag in [*question.tags, difficulty_tag(question.difficulty)])
    return f"// [id:{idnumber}]{tags}\n::{escape(name)}::[markdown]"


def _missing_word(question: Cloze, keep: int, feedback: str, name: str, idnumber: str) -> str:
    marker = "\u0000"
    before, _, after = fill_blanks(question, marker, keep=keep).partition(marker)
    lines = [
        "=" + escape(v) + _feedback_mark(question.blank_feedback(keep, v)) for v in question.answer[keep - 1]
    ]
    block = _answer_block(lines, feedback)
    return f"{_header(name, idnumber, question)}{escape(before)}{block}{escape(after)}"


def _cloze(question: Cloze, feedback: str) -> list[str]:
    count = len(question.answer)
    if count == 1:
        return [_missing_word(question, 1, feedback, question.id, question.id)]
    return [
        _missing_word(
            question, k, feedback, f"{question.id} (blank {k} of {count})", f"{question.id}-blank{k}"
        )
        for k in range(1, count + 1)
    ]


def _head(question: Question) -> str:
    return _header(question.id, question.id, question) + escape(stem_with_unit(question))


def _closing(feedback: str) -> str:
    return (f"####{escape(feedback)}" if feedback else "") + "}"


def _feedback_mark(text: str) -> str:
    """'#feedback' after an answer, or '' without one."""
    return f"#{escape(text)}" if text else ""


def _option_feedback(question: Question, key: str) -> str:
    """'#feedback' after an answer, when the bank has per-option feedback for it."""
    return _feedback_mark(question.feedback.get(key, ""))


def _truefalse(question: TF, feedback: str) -> list[str]:
    # GIFT: {TRUE#shown for the wrong answer#shown for the right answer}
    right, wrong = ("true", "false") if question.answer else ("false", "true")
    wrong_text, right_text = question.feedback.get(wrong, ""), question.feedback.get(right, "")
    block = "TRUE" if question.answer else "FALSE"
    if wrong_text or right_text:
        block += f"#{escape(wrong_text)}#{escape(right_text)}"
    return [_head(question) + "{" + block + _closing(feedback)]


def _numerical(question: Numeric, feedback: str) -> list[str]:
    answer = question.answer
    margin = absolute_tolerance(answer.value, answer.tolerance, answer.tolerance_mode)
    block = "{#" + format_number(answer.value) + (f":{format_number(margin)}" if margin else "")
    block += _option_feedback(question, NUMERIC_FEEDBACK_KEY)  # {#3:0.5#feedback}
    return [_head(question) + block + _closing(feedback)]


def _mcq(question: MCQ, feedback: str) -> list[str]:
    lines = [
        ("=" if o == question.answer else "~") + escape(o) + _option_feedback(question, o)
        for o in question.options
    ]
    return [_head(question) + _answer_block(lines, feedback)]


def _multi(question: Multi, feedback: str) -> list[str]:
    right = iter(shares(len(question.answer)))
    wrong = iter(shares(len(question.options) - len(question.answer), -100))
    lines = [
        f"~%{next(right) if o in question.answer else next(wrong)}%{escape(o)}{_option_feedback(question, o)}"
        for o in question.options
    ]
    return [_head(question) + _answer_block(lines, feedback)]


def _short(question: Short, feedback: str) -> list[str]:
    lines = ["=" + escape(a) + _option_feedback(question, a) for a in question.answer]
    return [_head(question) + _answer_block(lines, feedback)]


def _matching(question: Matching, feedback: str) -> list[str]:
    lines = []
    for pair in question.answer:
        left, right = (text.replace(ARROW, "→") for text in (pair.left, pair.right))
        lines.append(f"={escape(left)} {ARROW} {escape(right)}")
    return [_head(question) + _answer_block(lines, feedback)]


def _essay(question: Essay, feedback: str) -> list[str]:
    # GIFT's essay is an empty answer block; it has no word limit, rubric or model answer to carry.
    return [_head(question) + "{" + _closing(feedback)]


def conversions(question: Question) -> list[str]:
    """What GIFT changes in `question` (none: it exports as it is), without writing it."""
    if isinstance(question, Cloze) and len(question.answer) > 1:
        count = len(question.answer)
        return [f"cloze with {count} blanks -> {count} missing-word questions, other blanks filled in"]
    if isinstance(question, Numeric) and question.answer.multiplier != 1:
        # GIFT's numeric answer is one number and a margin: there is no place for what one unit is.
        answer = question.answer
        return [
            f"numeric without its unit multiplier (one '{answer.unit}' = {format_number(answer.multiplier)}):"
            " GIFT has no place for it, so Moodle reads answers as typed in the unit"
        ]
    if isinstance(question, Matching):
        return [
            f"'{ARROW}' in a matching item written as '→' (GIFT cannot escape it)"
            for pair in question.answer
            if ARROW in pair.left or ARROW in pair.right
        ]
    if isinstance(question, Essay):
        dropped = [
            name
            for name, value in (
                ("word limit", question.word_limit),
                ("rubric", question.rubric),
                ("model answer", question.answer),
            )
            if value
        ]
        if dropped:
            return [f"essay without its {', '.join(dropped)} (GIFT's essay cannot carry them)"]
    return []


# One handler per registered type, each returning the type's GIFT question(s); the handlers test fails
# when a registered type is missing here.
HANDLERS: dict[str, Callable[[Any, str], list[str]]] = {
    "mcq": _mcq,
    "multi": _multi,
    "tf": _truefalse,
    "numeric": _numerical,
    "cloze": _cloze,
    "matching": _matching,
    "short": _short,
    "essay": _essay,
}


def report_gift(selection: ExportSelection) -> ExportReport:
    """What export_gift converts, without writing it."""
    questions = prepare(selection)
    return ExportReport(
        filename=export_filename(selection, ".gift.txt"),
        converted=[(q.id, reason) for q in questions for reason in conversions(q)],
    )


def write_gift(selection: ExportSelection, out: IO[bytes]) -> ExportReport:
    """Write the GIFT text to `out` question by question; returns what was converted."""
    questions = prepare(selection)
    topics: dict[str, list[Question]] = {}
    for question in questions:
        topics.setdefault(question.topic, []).append(question)
    converted: list[tuple[str, str]] = []
    out.write(f"// Casewise export: {selection.title} — {selection.describe()}".encode())
    for topic, members in topics.items():
        out.write(f"\n\n$CATEGORY: {CATEGORY_ROOT}/{topic}".encode())
        for question in members:
            article = selection.article_title(question.source.article) if question.source else ""
            converted += [(question.id, reason) for reason in conversions(question)]
            for block in HANDLERS[question.type](question, feedback_markdown(question, article)):
                out.write(("\n\n" + block).encode())
    out.write(b"\n")
    return ExportReport(filename=export_filename(selection, ".gift.txt"), converted=converted)


def export_gift(selection: ExportSelection) -> ExportResult:
    """GIFT text for Moodle's Question bank → Import → GIFT format (UTF-8)."""
    buffer = io.BytesIO()
    report = write_gift(selection, buffer)
    return ExportResult(
        data=buffer.getvalue(),
        filename=report.filename,
        mimetype=GIFT_MIMETYPE,
        converted=report.converted,
    )


# --- import ------------------------------------------------------------------------------------------


def _hide_escapes(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: "\n" if m.group(1) == "n" else _HIDE[m.group(1)], text)


def _show(text: str, strip: bool = True) -> str:
    shown = "".join(_SHOW.get(ch, ch) for ch in text)
    return shown.strip() if strip else shown


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Questions are separated by blank lines; each block keeps the number of its first line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _strip_format(text: str) -> str:
    """An answer or feedback without its own [plain]/[html]/[markdown]/[moodle] marker (HTML made Markdown)."""
    marker = _FORMAT_RE.match(text.strip())
    if not marker:
        return text
    rest = text.strip()[marker.end() :]
    if marker.group(1).lower() == "html":
        return _hide_escapes(html_to_markdown(_show(rest)))
    return rest


def _pieces(answer: str, where: str) -> list[tuple[float, str, str]]:
    """Split '=a#fb ~%50%b' into (weight, text, feedback) with weights in percent."""
    pieces = []
    for match in re.finditer(r"([=~])([^=~]*)", answer):
        sign, body = match.groups()
        weight = 100.0 if sign == "=" else 0.0
        found = _WEIGHT_RE.match(body.strip())
        if found:
            weight = float(found.group(1))
            body = body.strip()[found.end() :]
        text, _, feedback = body.partition("#")
        pieces.append((weight, _strip_format(text), _strip_format(feedback)))
    if not pieces:
        raise ImportFormatError(f"{where}: answer block {{{_show(answer)}}} has no '=' or '~' answers")
    return pieces


def _numeric_answer(answer: str, where: str, warnings: list[str] | None = None) -> tuple[dict, str]:
    """The number and tolerance of a {#…} block, and the feedback of the right answer ('' if none)."""
    body = answer[1:].strip()
    if not body.startswith(("=", "~")) and "~" in body:
        # {#3:2~#Completely wrong}: the answer, then a catch-all wrong answer carrying only feedback.
        body, _, rest = body.partition("~")
        if warnings is not None:
            warnings.append(f"{where}: feedback for any other number dropped ('{_show(rest.lstrip('#'))}')")
    if body.startswith(("=", "~")):
        best = max(_pieces(body, where), key=lambda piece: piece[0])
        body, feedback = best[1], best[2]
    else:
        body, _, feedback = body.partition("#")
        feedback = _strip_format(feedback)
    body = body.strip()
    try:
        if ".." in body:
            low, high = (float(x) for x in body.split("..", 1))
            return {"value": (low + high) / 2, "tolerance": abs(high - low) / 2}, feedback
        value, _, margin = body.partition(":")
        return {"value": float(value), "tolerance": abs(float(margin or 0))}, feedback
    except ValueError as exc:
        raise ImportFormatError(f"{where}: numerical answer {{#{_show(body)}}} is not a number") from exc


def _parse_question(source: str, where: str, warnings: list[str]) -> tuple[str, dict] | None:
    """(title, canonical fields) for one GIFT question, or None (with a warning) for what Casewise lacks."""
    text = _hide_escapes(source)
    title = ""
    if text.startswith("::"):
        title, found, rest = text[2:].partition("::")
        if not found:
            raise ImportFormatError(f"{where}: the title opened with '::' is never closed")
        text = rest.strip()
        where = f"{where} (question '{_show(title)}')"
    opened, first_close = text.find("{"), text.find("}")
    if opened < 0 and first_close < 0:
        warnings.append(f"{where}: text without an answer block (a description); skipped")
        return None
    if opened < 0 or 0 <= first_close < opened:
        raise ImportFormatError(f"{where}: '}}' without an opening '{{' (escape a literal brace as \\}})")
    closed = text.find("}", opened)
    if closed < 0:
        raise ImportFormatError(f"{where}: the answer block opened with '{{' is never closed with '}}'")
    before, answer, after = text[:opened], text[opened + 1 : closed].strip(), text[closed + 1 :]
    if "{" in after or "}" in after:
        raise ImportFormatError(
            f"{where}: more than one answer block; escape literal braces as \\{{ and \\}}"
        )
    answer, _, general = answer.rpartition("####") if "####" in answer else (answer, "", "")
    general = _strip_format(general)

    before = before.lstrip()
    fmt = _FORMAT_RE.match(before)
    before = before[fmt.end() :] if fmt else before
    html = bool(fmt) and fmt.group(1).lower() == "html"

    def clean(value: str, strip: bool = True) -> str:
        shown = _show(value, strip)
        return html_to_markdown(shown) if html else shown

    def missing_word(marker: str) -> str:
        return (clean(before, strip=False) + marker + clean(after, strip=False)).strip()

    tail = clean(after)
    stem = missing_word(BLANK_LINE) if tail else clean(before)
    fields: dict = {"explanation": split_feedback(clean(general))}

    if not answer:
        fields.update(type="essay")  # GIFT's essay: an empty answer block
    elif answer.startswith("#"):
        stem, unit = strip_unit_hint(stem)
        numeric, said = _numeric_answer(answer, where, warnings)
        fields.update(type="numeric", answer={**numeric, "unit": unit})
        if clean(said):
            fields["feedback"] = {NUMERIC_FEEDBACK_KEY: clean(said)}
    elif "~" in answer:
        pieces = _pieces(answer, where)
        options = [clean(text) for _, text, _ in pieces]
        correct = [clean(text) for weight, text, _ in pieces if weight > 0]
        per_option = {clean(text): clean(fb) for _, text, fb in pieces if clean(fb)}
        full = [clean(text) for weight, text, _ in pieces if weight >= 99.99]
        signs = re.findall(r"(?:^|\s)([=~])", answer)
        if len(full) == 1 and (len(correct) == 1 or signs.count("=") == 1):
            # Moodle: one '=' answer makes single choice; a '~%50%' beside it is partial credit there.
            partial = [(clean(text), weight) for weight, text, _ in pieces if 0 < weight < 99.99]
            for text, weight in partial:
                warnings.append(
                    f"{where}: single choice with partial credit: '{text}' is worth {weight:g} % in Moodle and "
                    "0 in Casewise; check the question in the review queue"
                )
            fields.update(type="mcq", options=options, answer=full[0], feedback=per_option)
        else:
            fields.update(type="multi", options=options, answer=correct, feedback=per_option)
    elif "=" in answer and ARROW in answer:
        pairs = []
        for _, text, _ in _pieces(answer, where):
            left, found, right = text.partition(ARROW)
            if not found:
                raise ImportFormatError(f"{where}: matching answer {_show(text)!r} has no '->'")
            if clean(left):
                pairs.append({"left": clean(left), "right": clean(right)})
            else:
                warnings.append(
                    f"{where}: extra wrong match {clean(right)!r} dropped (Casewise matching has none)"
                )
        fields.update(type="matching", answer=pairs)
    elif answer.split("#", 1)[0].strip().upper() in ("T", "TRUE", "F", "FALSE"):
        value = answer.strip().upper().startswith("T")
        _, wrong_text, right_text = (answer.split("#", 2) + ["", ""])[:3]
        right, wrong = ("true", "false") if value else ("false", "true")
        per_option = {k: clean(v) for k, v in ((wrong, wrong_text), (right, right_text)) if clean(v)}
        fields.update(type="tf", answer=value, feedback=per_option)
    else:
        right_pieces = [
            (clean(text), clean(fb)) for weight, text, fb in _pieces(answer, where) if weight >= 99.99
        ]
        accepted = [text for text, _ in right_pieces]
        fields["feedback"] = {text: fb for text, fb in right_pieces if fb}
        if tail:
            stem = missing_word("{{1}}")
            fields["feedback"] = {cloze_feedback_key(1, k): v for k, v in fields["feedback"].items()}
            fields.update(type="cloze", answer=[accepted])
        else:
            fields.update(type="short", answer=accepted)
    fields["stem"] = stem
    return _show(title), fields


def import_gift(data: bytes) -> ImportResult:
    """Read GIFT; every question becomes a candidate with a generated stable id ('imp-gift-…')."""
    data = unwrap_zip(data, "GIFT", (".gift", ".txt"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"GIFT file is not UTF-8 text (byte {exc.start}: {exc.reason})") from exc
    topic = "imported"
    questions: list[dict] = []
    warnings: list[str] = []
    errors: list[ImportFormatError] = []
    seen: set[str] = set()
    for start, lines in _blocks(text):
        comments = "\n".join(line for line in lines if line.lstrip().startswith("//"))
        source = "\n".join(line for line in lines if not line.lstrip().startswith("//")).strip()
        if not source:
            continue
        if source.startswith("$CATEGORY:"):
            topic = topic_from_category(source[len("$CATEGORY:") :].strip())
            continue
        where = f"line {start}"
        try:
            parsed = _parse_question(source, where, warnings)
        except ImportFormatError as exc:
            errors.append(exc)
            warnings.append(f"skipped: {exc}")
            continue
        if parsed is None:
            continue
        title, fields = parsed
        where = f"line {start} (question '{title}')" if title else where
        idnumber = re.search(r"\[id:((?:\\\]|[^\]])+)\]", comments)
        qid = stable_import_id("imp-gift", idnumber.group(1) if idnumber else f"{topic}\n{title or source}")
        while qid in seen:
            warnings.append(f"{where}: the same question appears twice; the copy gets id {qid}-2")
            qid += "-2"
        seen.add(qid)
        tags, difficulty = split_difficulty(slug_tags(re.findall(r"\[tag:((?:\\\]|[^\]])+)\]", comments)))
        candidate = {"id": qid, "topic": topic, "status": "candidate", "tags": tags, **difficulty, **fields}
        try:
            questions.append(validated_import(candidate, where))
        except ImportFormatError as exc:
            errors.append(exc)
            warnings.append(f"skipped: {exc}")
    if errors and not questions:
        raise errors[0]  # nothing importable: the first problem, named with its line
    return ImportResult(questions=questions, warnings=warnings)
