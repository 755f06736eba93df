"""A sample bank with every question type, and selections over it, for the exporter and importer tests."""

from __future__ import annotations

import copy
import importlib
import io
import os
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from app.exports import ExportSelection
from app.qtypes.schema import parse_question

IN_CI = os.environ.get("CI", "").lower() == "true"
# The official XSDs and their offline validator, kept in the repository (see its README.md).
FORMATS_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "schemas"

SOURCE = {
    "article": "faw-leapmotor-stake",
    "sentence_id": "s12",
    "quote": "FAW will pay 3.74 billion yuan for a 20 % stake in Leapmotor.",
    "start": 120,
    "end": 181,
    "also": ["s13"],
}

SAMPLE_BANK: list[dict] = [
    {
        "id": "faw-stake-price",
        "type": "mcq",
        "stem": "How much will FAW pay for its **Leapmotor** stake?",
        "options": ["3.74 billion yuan", "1.5 billion yuan", "7.2 billion yuan", "500 million yuan"],
        "answer": "3.74 billion yuan",
        "explanation": "The article gives the price as *3.74 billion yuan*.",
        "topic": "key-figures",
        "difficulty": "easy",
        "tags": ["price", "stake"],
        "source": SOURCE,
    },
    {
        "id": "faw-partners",
        "type": "multi",
        "stem": "Which of these are parties to the deal?\n\n- pick every one\n- there are three",
        "options": ["FAW", "Leapmotor", "Stellantis", "Tesla", "BYD"],
        "answer": ["FAW", "Leapmotor", "Stellantis"],
        "explanation": "FAW buys in; Stellantis already holds a stake.",
        "topic": "partnership-models",
        "tags": ["parties"],
        "source": SOURCE,
    },
    {
        "id": "faw-is-state-owned",
        "type": "tf",
        "stem": "FAW is a privately owned start-up.",
        "answer": False,
        "explanation": "FAW is a state-owned group.",
        "topic": "comprehension",
        "difficulty": "hard",
    },
    {
        "id": "faw-stake-percent",
        "type": "numeric",
        "stem": "What share of Leapmotor (in %) does FAW buy?",
        "answer": {"value": 20.0, "tolerance": 0.5, "unit": "%"},
        "explanation": "A 20 % stake.",
        "topic": "key-figures",
        "source": SOURCE,
    },
    {
        "id": "faw-price-relative",
        "type": "numeric",
        "stem": "How many billion yuan does FAW pay?",
        "answer": {"value": 3.74, "tolerance": 0.05, "tolerance_mode": "relative", "unit": "billion yuan"},
        "topic": "key-figures",
    },
    {
        "id": "faw-cloze-two",
        "type": "cloze",
        "stem": "FAW pays {{1}} for a {{2}} stake in *Leapmotor*.",
        "answer": [["3.74 billion yuan", "3.74bn yuan"], ["20%", "20 %", "twenty percent"]],
        "explanation": "Both figures come from one sentence.",
        "topic": "key-figures",
        "source": SOURCE,
    },
    {
        "id": "faw-cloze-one",
        "type": "cloze",
        "stem": "The buyer of the stake is {{1}}, a state-owned carmaker.",
        "answer": [["FAW", "FAW Group"]],
        "topic": "comprehension",
    },
    {
        "id": "faw-roles",
        "type": "matching",
        "stem": "Match each company with its role.",
        "answer": [
            {"left": "FAW", "right": "Buyer"},
            {"left": "Leapmotor", "right": "Target"},
            {"left": "Stellantis", "right": "Existing shareholder"},
        ],
        "explanation": "Roles as described in the article.",
        "topic": "partnership-models",
        "tags": ["roles"],
    },
    {
        "id": "faw-buyer-name",
        "type": "short",
        "stem": "Name the state-owned carmaker buying the stake.",
        "answer": ["FAW", "First Automobile Works"],
        "explanation": "FAW stands for First Automobile Works.",
        "topic": "comprehension",
        "status": "candidate",
        "source": SOURCE,
    },
]

# Characters every text format must escape: GIFT controls, XML/HTML specials, Markdown, a backslash.
TRICKY = {
    "id": "tricky-chars",
    "type": "mcq",
    "stem": 'Which formula uses {braces}, a ~tilde~, a = sign, # and : and a back\\slash & <b>"tags"</b>?',
    "options": ["a = b: {c}", "x ~ y # z", "p \\ q & <r>"],
    "answer": "x ~ y # z",
    "explanation": "Escaping: { } ~ = # : \\ & < >",
    "topic": "comprehension",
}

# A numeric question whose stem does not name its unit: text formats add "(answer in million yuan)".
UNIT_NOT_IN_STEM = {
    "id": "faw-price-million",
    "type": "numeric",
    "stem": "How much does FAW pay for the stake?",
    "answer": {"value": 3740, "tolerance": 10, "unit": "million yuan"},
    "topic": "key-figures",
}


def canonical(data: dict) -> dict:
    """The dict as the exporters receive it: validated and dumped."""
    return parse_question(data).model_dump(mode="json")


@pytest.fixture
def bank() -> list[dict]:
    return [canonical(q) for q in copy.deepcopy(SAMPLE_BANK)]


@pytest.fixture
def selection(bank: list[dict]) -> ExportSelection:
    return ExportSelection(
        title="FAW & Leapmotor: every type",
        questions=bank,
        scope="quiz",
        scope_id="demo",
        points={"faw-partners": 2.0, "faw-cloze-two": 3.0},
        articles={"faw-leapmotor-stake": "FAW buys into Leapmotor"},
    )


@pytest.fixture
def tricky_selection() -> ExportSelection:
    return ExportSelection(title="Tricky", questions=[canonical(TRICKY)])


@pytest.fixture(scope="session")
def shared_validator():
    """``validate`` from tests/fixtures/schemas (the official XSDs, validated offline)."""
    sys.path.insert(0, str(FORMATS_DIR))
    try:
        from validate import validate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(FORMATS_DIR))
    return validate


def reader(module: str, package: str) -> ModuleType:
    """Import a third-party reader; outside CI a missing one skips with the pip command, in CI it fails."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        message = f"reader {module} is not installed ({exc}); pip install {package}"
        if IN_CI:
            pytest.fail(message)
        print(message)
        pytest.skip(message)


def unzip(data: bytes, target: Path) -> dict[str, Path]:
    """Extract an export into ``target``; returns the entry names mapped to their paths."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(target)
        return {name: target / name for name in archive.namelist()}
