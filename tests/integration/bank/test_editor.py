"""The question editor: one form per type, rows that grow without JavaScript, messages beside the field,
nothing written on bad input, a revision with a diff on every save, and writing a question from a sentence."""

from __future__ import annotations

import html
import re

import pytest
from ruamel.yaml import YAML
from sqlalchemy import select

from app.bank.curation import snapshot_of
from app.extensions import db
from app.models import Question
from app.qtypes.schema import QUESTION_TYPES
from tests.integration.bank.conftest import ARTICLE, bank_state, editor_form, question


def _first(qtype: str) -> Question:
    found = db.session.scalar(
        select(Question).where(Question.qtype == qtype, Question.status == "approved").order_by(Question.uid)
    )
    assert found is not None, qtype
    return found


def _error_beside(body: bytes, field_id: str) -> str:
    """The message shown beside a field (the element with id `<field>-error`)."""
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>(.*?)</p>', body.decode(), re.S)
    assert match, f"no error beside {field_id}"
    return html.unescape(match.group(1))


def test_every_type_opens_in_its_form_and_saving_it_unchanged_changes_nothing(instructor):
    for qtype in QUESTION_TYPES:
        q = _first(qtype)
        page = instructor.get(f"/bank/questions/{q.uid}/edit")
        assert page.status_code == 200, qtype
        assert q.stem in html.unescape(page.data.decode()), qtype
        before = bank_state()
        saved = instructor.post(f"/bank/questions/{q.uid}/edit", data=editor_form(q), follow_redirects=True)
        assert saved.status_code == 200, (qtype, saved.data[:3000])
        assert b"No changes to save." in saved.data, qtype
        assert bank_state() == before, qtype


def test_saving_an_edit_bumps_the_version_and_records_a_revision_with_a_diff(instructor):
    q = question("flm-kf-001")
    uid, old_stem = q.uid, q.stem
    data = editor_form(
        q,
        stem="How much did *FAW Group* pay for its stake in Zhejiang Leapmotor Technology in 2025?",
        note="Clearer stem",
    )
    response = instructor.post(f"/bank/questions/{uid}/edit", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/bank/questions/{uid}/edit"
    )
    edited = question(uid)
    assert edited.stem.endswith("in 2025?") and edited.version == 2 and edited.status == "approved"
    revision = edited.revisions[-1]
    assert (revision.number, revision.action, revision.note) == (2, "edited", "Clearer stem")
    assert revision.author.username == "instructor" and revision.created_at is not None
    assert revision.snapshot["stem"] == edited.stem
    history = instructor.get(f"/bank/questions/{uid}/history")
    assert history.status_code == 200
    body = history.data.decode()
    assert "Revision 2: edited" in body and "Dr. Ada Instructor" in body and "changed: stem" in body
    assert '<span class="line del">' in body and '<span class="line ins">' in body
    assert "<ins> in 2025</ins>" in body  # the changed words are marked within the changed line
    # The diff shows the raw Markdown, escaped, not rendered; unchanged words are not marked.
    assert "<del>FAW Group</del>" not in body and "<ins>*</ins>FAW Group<ins>*</ins>" in body
    assert f"stem: {html.escape(old_stem, quote=False)}" in body


def test_add_option_row_without_javascript_rerenders_with_an_empty_row_and_saves_nothing(instructor):
    q = _first("mcq")
    before = bank_state()
    data = editor_form(q, add_row="1")
    page = instructor.post(f"/bank/questions/{q.uid}/edit", data=data)
    assert page.status_code == 200
    assert b'name="options-4-text"' in page.data and b'name="options-5-text"' not in page.data
    assert bank_state() == before
    data = editor_form(q, **{"options-4-text": "US$354 million"})
    data.pop("add_row", None)
    saved = instructor.post(f"/bank/questions/{q.uid}/edit", data=data)
    assert saved.status_code == 302
    assert question(q.uid).options[-1] == "US$354 million"
    blank_rows = editor_form(question(q.uid), **{"options-5-text": "   ", "options-6-text": ""})
    instructor.post(f"/bank/questions/{q.uid}/edit", data=blank_rows)
    assert len(question(q.uid).options) == 5  # blank rows are ignored


def _mcq_marks(q: Question, marks: list[int]) -> dict:
    data = editor_form(q)
    for key in [k for k in data if k.endswith("-correct")]:
        del data[key]
    for i in marks:
        data[f"options-{i}-correct"] = "y"
    return data


BAD_INPUTS = {
    # case: (qtype, changes, field id whose message we expect, words of the message)
    "mcq without a correct option": ("mcq", "marks:", "options", "Mark exactly one option as correct"),
    "mcq with two correct options": ("mcq", "marks:0,2", "options", "Mark exactly one option as correct"),
    "mcq with two options": (
        "mcq",
        {"options-2-text": "", "options-3-text": ""},
        "options",
        "3 to 5 options",
    ),
    "mcq with a repeated option": ("mcq", "repeat-option", "options-1-text", "repeats"),
    "multi with no correct option": ("multi", "marks:", "options", "at least one option as correct"),
    "numeric that does not parse": ("numeric", {"value": "five"}, "value", "Enter the answer as a number"),
    "numeric that is not finite": ("numeric", {"value": "nan"}, "value", "Enter the answer as a number"),
    "numeric with a bad tolerance": ("numeric", {"tolerance": "-1"}, "tolerance", "cannot be negative"),
    "matching with a repeated key": ("matching", "repeat-left", "pairs-1-left", "is repeated"),
    "cloze blank without variants": (
        "cloze",
        {"blanks-0": "  |  ", "blanks-1": "x"},
        "blanks-0",
        "at least one",
    ),
    "short with no accepted answer": ("short", "clear-accepted", "accepted", "at least one accepted answer"),
    "tf without an answer": ("tf", {"answer": ""}, "answer", "true or false"),
    "stem too short": ("tf", {"stem": "Short"}, "stem", "at least 8 characters"),
    "quote not in the article": (
        "mcq",
        {"quote": "FAW bought all of Leapmotor."},
        "quote",
        "quote not found",
    ),
    "sentence id that does not exist": (
        "mcq",
        {"sentence_id": "p99s9"},
        "sentence_id",
        "no sentence 'p99s9'",
    ),
    "tag that is not a slug": ("mcq", {"tags": "faw, Equity Stake"}, "tags", "'Equity' is not a slug"),
    "unknown difficulty": ("mcq", {"difficulty": "trivial"}, "difficulty", "easy"),
    "rejecting without a reason": ("mcq", {"status": "rejected", "note": ""}, "note", "reason for rejecting"),
}


def _bad_form(q: Question, changes) -> dict:
    if isinstance(changes, dict):
        return editor_form(q, **changes)
    if changes.startswith("marks:"):
        return _mcq_marks(q, [int(i) for i in changes[6:].split(",") if i])
    data = editor_form(q)
    if changes == "repeat-option":
        data["options-1-text"] = data["options-0-text"]
    elif changes == "repeat-left":
        data["pairs-1-left"] = data["pairs-0-left"].upper()
    elif changes == "clear-accepted":
        for key in [k for k in data if k.startswith("accepted-")]:
            data[key] = ""
    return data


@pytest.mark.parametrize("case", ["mcq without a correct option", "matching with a repeated key"])
def test_bad_input_example_shows_the_message_beside_the_field(instructor, case):
    qtype, changes, field_id, words = BAD_INPUTS[case]
    q = _first(qtype)
    before = bank_state()
    response = instructor.post(f"/bank/questions/{q.uid}/edit", data=_bad_form(q, changes))
    assert response.status_code == 422
    assert words in _error_beside(response.data, field_id)
    assert b"The question was not saved" in response.data
    assert bank_state() == before


def test_every_bad_input_is_refused_with_its_message_and_changes_nothing(instructor):
    before = bank_state()
    for case, (qtype, changes, field_id, words) in BAD_INPUTS.items():
        q = _first(qtype)
        response = instructor.post(f"/bank/questions/{q.uid}/edit", data=_bad_form(q, changes))
        assert response.status_code == 422, (case, response.status_code)
        message = _error_beside(response.data, field_id)
        assert words in message, (case, message)
        assert bank_state() == before, case


def test_a_stale_form_is_refused_and_changes_nothing(instructor):
    q = _first("tf")
    stale = editor_form(q, stem=q.stem + " (first edit)")
    assert instructor.post(f"/bank/questions/{q.uid}/edit", data=stale).status_code == 302
    before = bank_state()
    again = editor_form(question(q.uid), stem=q.stem + " (second edit)", version="1")
    response = instructor.post(f"/bank/questions/{q.uid}/edit", data=again)
    assert response.status_code == 409
    assert b"after you opened it" in response.data
    assert bank_state() == before


def test_status_changes_from_the_editor_are_recorded(instructor):
    q = _first("short")
    rejected = instructor.post(
        f"/bank/questions/{q.uid}/edit",
        data=editor_form(q, status="rejected", note="Duplicate of flm-co-001"),
    )
    assert rejected.status_code == 302
    q = question(q.uid)
    assert q.status == "rejected" and q.reject_reason == "Duplicate of flm-co-001"
    assert q.revisions[-1].action == "rejected" and q.revisions[-1].snapshot["status"] == "rejected"
    back = instructor.post(f"/bank/questions/{q.uid}/edit", data=editor_form(q, status="approved"))
    assert back.status_code == 302
    q = question(q.uid)
    assert q.status == "approved" and q.reject_reason is None and q.revisions[-1].action == "approved"


def test_write_a_question_from_a_sentence(instructor):
    article_page = instructor.get(f"/articles/{ARTICLE}")
    link = f"/bank/questions/new?article={ARTICLE}&amp;sentence=p2s2"
    assert link.encode() in article_page.data
    page = instructor.get(f"/bank/questions/new?article={ARTICLE}&sentence=p2s2&qtype=numeric")
    assert page.status_code == 200
    body = html.unescape(page.data.decode())
    sentence = "FAW Group, the country’s oldest automaker, just took a US$534 million stake in Zhejiang"
    assert sentence in body.split('name="quote"', 1)[1].split("</textarea>", 1)[0]
    data = {
        "stem": "How many millions of US dollars did FAW Group pay for its Leapmotor stake?",
        "value": "534",
        "tolerance": "0",
        "tolerance_mode": "absolute",
        "unit": "US$ million",
        "multiplier": "1",
        "explanation": "The article gives US$534 million.",
        "topic": "key-figures",
        "difficulty": "easy",
        "tags": "faw, leapmotor",
        "status": "candidate",
        "article": ARTICLE,
        "sentence_id": "p2s2",
        "quote": re.search(r'name="quote"[^>]*>\s*(.*?)</textarea>', body, re.S).group(1).strip(),
    }
    response = instructor.post(
        f"/bank/questions/new?article={ARTICLE}&sentence=p2s2&qtype=numeric", data=data
    )
    assert response.status_code == 302, response.data[:2000]
    uid = response.headers["Location"].split("/bank/questions/", 1)[1].split("/", 1)[0]
    assert re.fullmatch(rf"w-{ARTICLE}-[0-9a-f]{{8}}", uid)
    written = question(uid)
    assert written.origin == "written" and written.status == "candidate" and written.qtype == "numeric"
    assert written.sentence_ids == ["p2s2"] and written.article.slug == ARTICLE
    assert written.answer["value"] == 534 and written.source_start is not None
    assert [r.action for r in written.revisions] == ["created"]

    chosen = instructor.get(
        f"/bank/questions/new?article={ARTICLE}&sentence=p2s2&quote=US%24534+million+stake"
    )
    quote = html.unescape(chosen.data.decode()).split('name="quote"', 1)[1].split("</textarea>", 1)[0]
    assert quote.strip().endswith("US$534 million stake")
    taken = dict(data, uid=uid)
    before = bank_state()
    duplicate = instructor.post("/bank/questions/new?qtype=numeric", data=taken)
    assert duplicate.status_code == 422 and "already used" in _error_beside(duplicate.data, "uid")
    assert bank_state() == before


def test_new_question_type_is_chosen_in_the_url(instructor):
    for qtype in QUESTION_TYPES:
        page = instructor.get(f"/bank/questions/new?qtype={qtype}")
        assert page.status_code == 200, qtype
    assert instructor.get("/bank/questions/new?qtype=poem").status_code == 404
    assert instructor.get("/bank/questions/no-such-question/edit").status_code == 404
    assert instructor.get("/bank/questions/no-such-question/history").status_code == 404


def test_students_get_403_and_change_nothing(seeded, client, auth):
    q = _first("mcq")
    auth.login("student")
    before = bank_state()
    assert client.get(f"/bank/questions/{q.uid}/edit").status_code == 403
    assert (
        client.post(
            f"/bank/questions/{q.uid}/edit", data=editor_form(q, stem="Hijacked stem text")
        ).status_code
        == 403
    )
    assert client.get(f"/bank/questions/{q.uid}/history").status_code == 403
    assert client.get("/bank/questions/new").status_code == 403
    assert client.post("/bank/questions/new", data={"stem": "Hijacked stem text"}).status_code == 403
    assert bank_state() == before
    assert b"write-link" not in client.get(f"/articles/{ARTICLE}").data


def test_generate_approve_edit_then_dump_writes_the_edit_to_yaml(instructor, candidates, runner, tmp_path):
    target = next(q for q in candidates if q.qtype == "mcq")
    uid = target.uid
    approved = instructor.post("/bank/review/decide", data={"action": "approve", "uids": uid})
    assert approved.status_code == 302
    q = question(uid)
    new_stem = q.stem.rstrip("?") + ", according to the stake article?"
    explanation = "Edited in the web: the figure is in the article's second paragraph."
    edited = instructor.post(
        f"/bank/questions/{uid}/edit", data=editor_form(q, stem=new_stem, explanation=explanation)
    )
    assert edited.status_code == 302, edited.data[:3000]
    assert [r.action for r in question(uid).revisions] == ["created", "approved", "edited"]

    out = tmp_path / "dumped"
    dumped = runner.invoke(args=["bank", "dump", "--out", str(out)])
    assert dumped.exit_code == 0, dumped.output
    topic_file = out / f"{question(uid).topic}.yaml"
    data = YAML(typ="safe").load(topic_file.read_text(encoding="utf-8"))
    written = next(item for item in data["questions"] if item["id"] == uid)
    assert written["stem"] == new_stem and written["explanation"] == explanation
    assert written["source"]["article"] == ARTICLE and written["status"] == "approved"
    checked = runner.invoke(args=["bank", "check", "--dir", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "bank OK" in checked.output


def test_control_characters_are_refused_with_a_message_on_both_backends(instructor):
    q = _first("mcq")
    before = bank_state()
    response = instructor.post(
        f"/bank/questions/{q.uid}/edit", data=editor_form(q, stem="What is \x00 here?")
    )
    assert response.status_code == 422
    assert "control character (U+0000)" in _error_beside(response.data, "stem")
    note = instructor.post(f"/bank/questions/{q.uid}/edit", data=editor_form(q, note="why\x00"))
    assert note.status_code == 422 and "control character" in _error_beside(note.data, "note")
    reason = instructor.post(
        "/bank/review/decide", data={"action": "reject", "uids": q.uid, "reason": "x\x00"}
    )
    assert reason.status_code == 400
    assert instructor.get("/bank/review?article=a%00b&topic=%00").status_code == 200
    assert instructor.get("/bank/questions/a%00b/edit").status_code == 404
    assert instructor.get(f"/bank/questions/new?article={ARTICLE}%00&sentence=p2s2").status_code == 200
    assert bank_state() == before


def test_per_answer_feedback_is_saved_shown_again_and_an_orphan_is_refused(instructor):
    """True/false and short answer carry feedback per answer, as mcq/multi do per option: saved in the
    question (and its revision), shown in the editor again, and a feedback row without an answer is refused."""
    tf, short = _first("tf"), _first("short")
    said_true = "No: the article says the opposite; {braces} & <b>kept</b>."
    saved = instructor.post(
        f"/bank/questions/{tf.uid}/edit", data=editor_form(tf, feedback_true=said_true, note="tf feedback")
    )
    assert saved.status_code == 302
    assert snapshot_of(question(tf.uid))["feedback"] == {"true": said_true}
    assert question(tf.uid).revisions[-1].snapshot["feedback"] == {"true": said_true}
    page = instructor.get(f"/bank/questions/{tf.uid}/edit").data.decode()
    assert 'id="feedback_true"' in page and html.escape(said_true) in page

    accepted = editor_form(short)
    first = accepted["accepted-0-text"]
    saved = instructor.post(
        f"/bank/questions/{short.uid}/edit",
        data={**accepted, "accepted-0-feedback": "The name the article uses.", "note": "short feedback"},
    )
    assert saved.status_code == 302
    assert snapshot_of(question(short.uid))["feedback"] == {first: "The name the article uses."}
    assert (
        'value="The name the article uses."'
        in instructor.get(f"/bank/questions/{short.uid}/edit").data.decode()
    )

    before = bank_state(), snapshot_of(question(short.uid))
    rows = sum(1 for key in accepted if key.endswith("-text"))
    orphan = {
        **editor_form(question(short.uid)),
        f"accepted-{rows}-text": "",
        f"accepted-{rows}-feedback": "Why?",
    }
    response = instructor.post(f"/bank/questions/{short.uid}/edit", data=orphan)
    assert response.status_code == 422
    assert "write the accepted answer or clear it" in _error_beside(response.data, f"accepted-{rows}-text")
    too_long = editor_form(question(tf.uid), feedback_false="x" * 1001)
    response = instructor.post(f"/bank/questions/{tf.uid}/edit", data=too_long)
    assert response.status_code == 422
    assert "under 1000 characters" in _error_beside(response.data, "feedback_false")
    assert (bank_state(), snapshot_of(question(short.uid))) == before


def test_numeric_and_cloze_answer_feedback_are_saved_and_survive_another_save(instructor):
    """The numeric editor's feedback field for the right number is saved and shown again; a cloze question's
    per-variant feedback travels through the editor and is still there after a save that changes nothing."""
    import json

    numeric, cloze = _first("numeric"), _first("cloze")
    said = "Right: the figure in the second paragraph; <b>kept</b> & {braces}."
    saved = instructor.post(
        f"/bank/questions/{numeric.uid}/edit",
        data=editor_form(numeric, feedback_answer=said, note="numeric feedback"),
    )
    assert saved.status_code == 302
    assert snapshot_of(question(numeric.uid))["feedback"] == {"answer": said}
    page = instructor.get(f"/bank/questions/{numeric.uid}/edit").data.decode()
    assert 'id="feedback_answer"' in page and html.escape(said) in page

    variant = snapshot_of(cloze)["answer"][0][0]
    feedback = {f"1:{variant}": "Why this variant is right."}
    # The seed's blanks have feedback of their own, shown in each blank's field: emptied here, so the
    # per-variant feedback in the hidden JSON is what the question keeps.
    cleared = {f"blank_notes-{i}": "" for i in range(len(snapshot_of(cloze)["answer"]))}
    saved = instructor.post(
        f"/bank/questions/{cloze.uid}/edit",
        data=editor_form(cloze, blank_feedback=json.dumps(feedback), note="cloze feedback", **cleared),
    )
    assert saved.status_code == 302
    assert snapshot_of(question(cloze.uid))["feedback"] == feedback
    again = instructor.post(
        f"/bank/questions/{cloze.uid}/edit", data=editor_form(question(cloze.uid), note="unchanged")
    )
    assert again.status_code == 302
    assert snapshot_of(question(cloze.uid))["feedback"] == feedback
    refused = instructor.post(
        f"/bank/questions/{cloze.uid}/edit", data=editor_form(question(cloze.uid), blank_feedback="{oops")
    )
    assert refused.status_code == 422 and "came back damaged" in refused.data.decode()
    assert snapshot_of(question(cloze.uid))["feedback"] == feedback
