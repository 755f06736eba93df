"""Anki deck: the official `anki` package imports it into a fresh collection; a later export updates, not adds."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.exports import EXPORTERS
from tests.unit.exports.conftest import reader


@pytest.fixture
def collection(tmp_path):
    anki_collection = reader("anki.collection", "anki==26.9.3")
    col = anki_collection.Collection(str(tmp_path / "collection.anki2"))
    yield col
    col.close()


def _import(col, data: bytes, path: Path):
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    path.write_bytes(data)
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    return col.import_anki_package(request).log


def _notes(col) -> dict[str, object]:
    notes = [col.get_note(nid) for nid in col.find_notes("")]
    return {note.fields[0]: note for note in notes}


def test_anki_imports_every_question_as_the_right_note(collection, selection, tmp_path):
    log = _import(collection, EXPORTERS["apkg"](selection).data, tmp_path / "deck.apkg")
    assert len(log.new) == 9
    # Seven Basic notes make a card each; the two cloze notes make one card per blank (2 + 1).
    assert collection.note_count() == 9
    assert collection.card_count() == 10
    assert collection.decks.by_name("Casewise::FAW & Leapmotor: every type") is not None

    notes = list(_notes(collection).values())
    kinds = sorted(note.note_type()["name"] for note in notes)
    assert kinds == ["Casewise Basic"] * 7 + ["Casewise Cloze"] * 2

    by_front = {note.fields[0].split("</p>")[0]: note for note in notes}
    mcq = by_front["<p>How much will FAW pay for its <strong>Leapmotor</strong> stake?"]
    front, back, explanation, source = mcq.fields
    assert '<ol type="A"><li>3.74 billion yuan</li>' in front
    assert back == "3.74 billion yuan"
    assert explanation == "<p>The article gives the price as <em>3.74 billion yuan</em>.</p>"
    assert source == (
        "Source: “FAW will pay 3.74 billion yuan for a 20 % stake in Leapmotor.” "
        "(FAW buys into Leapmotor, sentence s12)"
    )
    assert sorted(mcq.tags) == ["article::faw-leapmotor-stake", "key-figures", "price", "stake"]

    cloze = by_front[
        "<p>FAW pays {{c1::3.74 billion yuan / 3.74bn yuan}} for a {{c2::20% / 20 % / twenty percent}} stake in "
        "<em>Leapmotor</em>."
    ]
    assert cloze.note_type()["name"] == "Casewise Cloze"
    # Every accepted variant shows on the back of its card, as Anki renders it.
    assert "3.74 billion yuan / 3.74bn yuan" in cloze.cards()[0].answer()
    assert "20% / 20 % / twenty percent" in cloze.cards()[1].answer()
    assert cloze.fields[1] == "<p>Both figures come from one sentence.</p>"
    assert len(cloze.cards()) == 2
    assert [card.ord for card in cloze.cards()] == [0, 1]

    matching = by_front["<p>Match each company with its role."]
    assert "<li>FAW → Buyer</li>" in matching.fields[1]
    assert by_front["<p>FAW is a privately owned start-up."].fields[1] == "False"
    assert by_front["<p>What share of Leapmotor (in %) does FAW buy?"].fields[1] == "20 (±0.5) %"
    # A short answer's back, as Anki renders it, lists every accepted answer too.
    short_back = by_front["<p>Name the state-owned carmaker buying the stake."].cards()[0].answer()
    assert "FAW" in short_back.split("<hr id=answer>")[-1]
    assert "First Automobile Works" in short_back.split("<hr id=answer>")[-1]


def test_a_second_export_of_the_same_bank_adds_nothing(collection, selection, tmp_path):
    _import(collection, EXPORTERS["apkg"](selection).data, tmp_path / "first.apkg")
    log = _import(collection, EXPORTERS["apkg"](selection).data, tmp_path / "second.apkg")
    assert len(log.new) == 0
    assert len(log.duplicate) + len(log.updated) == 9
    assert collection.note_count() == 9


def test_an_edited_question_updates_its_note(collection, selection, tmp_path):
    _import(collection, EXPORTERS["apkg"](selection).data, tmp_path / "first.apkg")
    edited = [
        dict(q, stem=q["stem"] + " (revised)") if q["id"] == "faw-buyer-name" else q
        for q in selection.questions
    ]
    later = dataclasses.replace(selection, questions=edited, modified_at=datetime(2025, 6, 1, tzinfo=UTC))
    log = _import(collection, EXPORTERS["apkg"](later).data, tmp_path / "second.apkg")
    # Every note carries the newer stamp, so Anki takes each one over its copy; none is added.
    assert len(log.new) == 0 and len(log.updated) == 9
    assert collection.note_count() == 9
    fronts = list(_notes(collection))
    assert "<p>Name the state-owned carmaker buying the stake. (revised)</p>" in fronts
    assert "<p>Name the state-owned carmaker buying the stake.</p>" not in fronts
