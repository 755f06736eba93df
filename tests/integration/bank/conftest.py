"""Fixtures for the bank's web pages: the seed case, an instructor logged in, generated candidates."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.bank.curation import snapshot_of
from app.bank.editing import values_from_canonical
from app.extensions import db
from app.models import Question, QuestionRevision

ARTICLE = "faw-leapmotor-stake"


@pytest.fixture
def instructor(seeded, client, auth):
    """The seed case loaded and the demo instructor logged in; returns the client."""
    response = auth.login("instructor")
    assert response.status_code == 302
    return client


@pytest.fixture
def candidates(instructor) -> list[Question]:
    """The generator's candidates for the stake article, queued through the web, best-ranked first."""
    response = instructor.post(f"/articles/{ARTICLE}/generate")
    assert response.status_code == 302
    queued = db.session.scalars(
        select(Question)
        .where(Question.status == "candidate")
        .order_by(Question.rank_score.desc(), Question.uid)
    ).all()
    assert len(queued) >= 10
    return list(queued)


def question(uid: str) -> Question:
    db.session.expire_all()
    found = db.session.scalar(select(Question).where(Question.uid == uid))
    assert found is not None, uid
    return found


def bank_state() -> tuple:
    """Everything a failed operation must leave as it was: every question's fields and the revision count."""
    db.session.expire_all()
    rows = sorted(
        (
            q.uid,
            q.status,
            q.version,
            q.stem,
            repr(q.options),
            repr(q.answer),
            q.quote,
            q.topic,
            q.reject_reason,
        )
        for q in db.session.scalars(select(Question))
    )
    return tuple(rows), db.session.scalar(select(func.count()).select_from(QuestionRevision))


def editor_form(q: Question, **changes: Any) -> dict[str, Any]:
    """The editor's POST body for `q` as it stands (flattened like the browser sends it), with `changes`."""
    values = values_from_canonical(snapshot_of(q))
    return flatten(values, **{"version": str(q.version), **changes})


def flatten(values: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in values.items():
        if name == "qtype":
            continue
        if isinstance(value, list):
            for i, row in enumerate(value):
                if isinstance(row, dict):
                    for key, item in row.items():
                        if isinstance(item, bool):
                            if item:
                                data[f"{name}-{i}-{key}"] = "y"
                        else:
                            data[f"{name}-{i}-{key}"] = item
                else:
                    data[f"{name}-{i}"] = row
        else:
            data[name] = value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
