"""The JSON bank is self-contained: export → import into an empty instance → export gives the same bytes."""

from __future__ import annotations

import json

from sqlalchemy import delete, func, select

from app.exports import service
from app.extensions import db
from app.models import Article, Question, QuestionRevision, Segment


def _empty_the_library() -> None:
    for model in (QuestionRevision, Question, Segment, Article):
        db.session.execute(delete(model))
    db.session.commit()


def test_round_trip_through_an_empty_instance_is_byte_identical(seeded):
    first = service.export("json").data
    document = json.loads(first)
    assert document["version"] == 2 and document["articles"], "the seed bank quotes articles"
    article = document["articles"][0]
    assert article["raw_text"] and article["segments"][0]["sid"] and article["title"]
    quoted = {q["source"]["article"] for q in document["questions"] if q.get("source")}
    assert {a["slug"] for a in document["articles"]} == quoted

    _empty_the_library()
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0
    summary = service.import_file("json", first)
    assert summary.articles == len(document["articles"])
    assert not [w for w in summary.warnings if "provenance dropped" in w]
    db.session.expire_all()
    assert service.export("json").data == first


def test_a_library_copy_that_differs_is_kept_and_reported(seeded):
    data = json.loads(service.export("json").data)
    data["articles"][0]["content_sha256"] = "0" * 64
    summary = service.import_file("json", json.dumps(data).encode())
    assert summary.articles == 0
    assert any("differs from the library's copy" in w for w in summary.warnings)


def test_per_option_feedback_survives_the_database(seeded):
    from app.exports import EXPORTERS, ExportSelection
    from tests.unit.exports.conftest import canonical
    from tests.unit.exports.test_exports_option_feedback import WITH_FEEDBACK

    questions = [canonical(q) for q in WITH_FEEDBACK]
    service.import_file("json", EXPORTERS["json"](ExportSelection(title="t", questions=questions)).data)
    exported = {q["id"]: q for q in json.loads(service.export("json").data)["questions"]}
    assert {q["id"]: exported[q["id"]]["feedback"] for q in questions} == {
        q["id"]: q["feedback"] for q in questions
    }
