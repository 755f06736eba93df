"""A Python port of how Moodle reads embedded answers (Cloze / multianswer), for the tests only.

Ported from Moodle 4.x question/type/multianswer/questiontype.php: the ANSWER_ALTERNATIVE_* and ANSWER_REGEX
constants and the alternatives loop of qtype_multianswer_extract_question (fractions with decimals, feedback,
html_entity_decode, then only '\\}' and '\\#' unescaped). Only what the exports write is ported: the answer
types are matched by name, numerical alternatives keep 'value:tolerance' split as Moodle's NUMERICAL regex does.
PHP's lookbehind alternation (?<!\\\\|&|&amp;) becomes three lookbehinds (Python needs fixed widths).
"""

from __future__ import annotations

import html
import re

FRACTION = r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%"
ANSWER = r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"
FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"
ALTERNATIVE = f"({FRACTION})?({ANSWER})(#({FEEDBACK}))?"
TYPES = "NUMERICAL|NM|SHORTANSWER_C|SAC|MWC|SHORTANSWER|SA|MW|MULTICHOICE|MC|MULTIRESPONSE|MR"
ANSWER_REGEX = r"\{([0-9]*):(" + TYPES + r"):(" + ALTERNATIVE + "(~" + ALTERNATIVE + r")*)\}"


def extract(text: str) -> list[dict]:
    """The subquestions Moodle stores for a question text: type and (answer, fraction, feedback) tuples."""
    subquestions = []
    while match := re.search(ANSWER_REGEX, text, re.S):
        kind, remaining, answers = match.group(2), match.group(3), []
        while alt := re.search("~?" + ALTERNATIVE, remaining, re.S):
            fraction = (
                1.0
                if alt.group(1) == "="
                else (0.01 * float(alt.group(2).replace(",", ".")) if alt.group(2) else 0.0)
            )
            feedback = html.unescape(alt.group(5) or "").replace("\\}", "}").replace("\\#", "#")
            answer = alt.group(3)
            if kind in ("NUMERICAL", "NM"):
                answer = answer.split(":", 1)[0]
            else:
                answer = html.unescape(answer).replace("\\}", "}").replace("\\#", "#")
            answers.append((answer, fraction, feedback))
            remaining = remaining.split(alt.group(0), 1)[1]
        subquestions.append({"type": kind, "answers": answers})
        text = text.replace(match.group(0), f"{{#{len(subquestions)}}}", 1)
    return subquestions
