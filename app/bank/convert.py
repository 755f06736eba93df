"""Convert between Question rows and the canonical question dict (app/qtypes/schema.py)."""

from __future__ import annotations

from typing import Any

from app.models import Article, Question
from app.qtypes.schema import parse_question

# Type-specific fields kept in Question.settings rather than in their own columns.
SETTINGS_FIELDS = ("fuzzy", "word_limit", "rubric", "feedback")


def to_canonical(question: Question, article_slug: str | None = None) -> dict[str, Any]:
    """The question as a validated canonical dict (the shape of YAML, JSON export and the cores)."""
    return parse_question(canonical_fields(question, article_slug)).model_dump(mode="json")


def canonical_fields(question: Question, article_slug: str | None = None) -> dict[str, Any]:
    """The question's columns in the canonical shape, as stored: not validated."""
    data: dict[str, Any] = {
        "id": question.uid,
        "type": question.qtype,
        "stem": question.stem,
        "explanation": question.explanation,
        "topic": question.topic,
        "difficulty": question.difficulty,
        "tags": list(question.tags or []),
        "status": question.status if question.status != "rejected" else "retired",
        "answer": question.answer,
    }
    if question.options is not None:
        data["options"] = list(question.options)
    for key in SETTINGS_FIELDS:
        if (question.settings or {}).get(key) is not None:
            data[key] = question.settings[key]
    slug = article_slug or (question.article.slug if question.article is not None else None)
    if slug and question.sentence_ids:
        data["source"] = {
            "article": slug,
            "sentence_id": question.sentence_ids[0],
            "quote": question.quote,
            "start": question.source_start,
            "end": question.source_end,
            "also": list(question.sentence_ids[1:]),
        }
    return data


def apply_canonical(question: Question, data: dict[str, Any], article: Article | None) -> bool:
    """Copy a canonical dict onto a row; returns True when anything changed."""
    source = data.get("source") or {}
    values = {
        "uid": data["id"],
        "qtype": data["type"],
        "stem": data["stem"],
        "options": data.get("options"),
        "answer": data["answer"],
        "settings": {k: data[k] for k in SETTINGS_FIELDS if data.get(k) not in (None, {})},
        "explanation": data.get("explanation", ""),
        "topic": data["topic"],
        "difficulty": data.get("difficulty", "medium"),
        "tags": list(data.get("tags") or []),
        "status": data.get("status", "approved"),
        "article_id": article.id if article is not None else None,
        "sentence_ids": [source["sentence_id"], *source.get("also", [])] if source else [],
        "quote": source.get("quote", "") if source else "",
        "source_start": source.get("start") if source else None,
        "source_end": source.get("end") if source else None,
    }
    changed = False
    for attr, value in values.items():
        if getattr(question, attr) != value:
            setattr(question, attr, value)
            changed = True
    return changed
