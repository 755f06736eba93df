"""Writing an essay question in the web editor: the word limit, rubric and model answer are kept; a word
limit that is not a positive whole number is refused beside its field and nothing is written."""

from __future__ import annotations

import html

import pytest

from tests.integration.bank.conftest import bank_state, question

FORM = {
    "uid": "flm-pm-essay-web",
    "stem": "Weigh the risks of the **FAW–Leapmotor** partnership for Stellantis.",
    "explanation": "Dilution if FAW takes control.",
    "topic": "partnership-models",
    "difficulty": "hard",
    "tags": "stellantis",
    "status": "candidate",
    "article": "faw-leapmotor-mou",
    "sentence_id": "p9s5",
    "quote": "If FAW controls Leapmotor, it may trigger the risk of equity dilution of the Stellantis Group.",
    "model_answer": "Stellantis could see its stake diluted.",
    "rubric": "- Names the dilution risk (2)",
    "word_limit": "250",
}


@pytest.mark.parametrize("bad", ["0", "-5", "2.5", "many"])
def test_a_bad_word_limit_is_refused_beside_its_field(instructor, bad):
    before = bank_state()
    page = instructor.post("/bank/questions/new?qtype=essay", data={**FORM, "word_limit": bad})
    assert page.status_code == 422
    body = html.unescape(page.get_data(as_text=True))
    assert (
        f"Enter the word limit as a positive whole number, e.g. 400, or leave it empty (got '{bad}')" in body
    )
    assert 'id="word_limit-error"' in body
    assert bank_state() == before


def test_an_essay_written_in_the_editor_keeps_its_settings_and_reopens_unchanged(instructor):
    saved = instructor.post("/bank/questions/new?qtype=essay", data=FORM)
    assert saved.status_code == 302, saved.data[:2000]
    essay = question("flm-pm-essay-web")
    assert (essay.qtype, essay.answer) == ("essay", FORM["model_answer"])
    assert essay.settings == {"word_limit": 250, "rubric": FORM["rubric"]}
    page = instructor.get("/bank/questions/flm-pm-essay-web/edit").get_data(as_text=True)
    assert 'value="250"' in page and "Names the dilution risk" in html.unescape(page)
