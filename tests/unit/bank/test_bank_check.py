"""check_bank on a small hand-built article: provenance errors and item-writing warnings."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from app.articles.document import IngestedArticle, Segment
from app.bank.check import check_bank, mcq_positions, normalise
from app.bank.yamlio import read_bank_text

SENTENCES = [
    ("p1s1", "On March 3, FAW and Leapmotor signed a “Memorandum of Understanding”.", False, None),
    ("p1s2", "FAW sold 3.2 million vehicles in 2024.", False, None),
    ("p1s3", "Its new energy penetration was only 10.6%.", False, None),
    ("p2s1", "MrPeasy offers a cloud-based ERP for small manufacturers.", True, "advertisement"),
]


def make_article() -> IngestedArticle:
    text, segments = "", []
    for position, (sid, sentence, excluded, reason) in enumerate(SENTENCES):
        start = len(text)
        text += sentence + " "
        paragraph = int(sid[1])
        segments.append(
            Segment(
                sid, paragraph, position, start, start + len(sentence), sentence, "sentence", excluded, reason
            )
        )
    return IngestedArticle(text=text, title="Test", segments=segments)


ARTICLES = {"test-article": make_article()}


def question(**changes: object) -> dict:
    base = {
        "id": "t-001",
        "type": "mcq",
        "stem": "How many vehicles did FAW sell in 2024?",
        "options": ["1.2 million", "3.2 million", "4.2 million", "5.2 million"],
        "answer": "3.2 million",
        "explanation": "The article says 3.2 million; 1.2 million is a misreading.",
        "topic": "key-figures",
        "source": {
            "article": "test-article",
            "sentence_id": "p1s2",
            "quote": "FAW sold 3.2 million vehicles",
        },
    }
    for key, value in changes.items():
        if key.startswith("source_"):
            base["source"][key.removeprefix("source_")] = value
        else:
            base[key] = value
    return base


def single(report_list: list, field: str) -> str:
    assert len(report_list) == 1, [str(e) for e in report_list]
    assert report_list[0].field == field
    return report_list[0].message


def test_a_good_question_passes() -> None:
    report = check_bank([question()], ARTICLES)
    assert report.ok and report.errors == [] and report.warnings == []


def test_curly_and_straight_quotes_and_spacing_compare_equal() -> None:
    quote = 'signed a  "Memorandum of Understanding".'
    report = check_bank([question(source_sentence_id="p1s1", source_quote=quote)], ARTICLES)
    assert report.errors == []
    assert normalise("“a’ \n b”") == '"a\' b"'


def test_quote_not_in_article_says_where_it_differs() -> None:
    report = check_bank([question(source_quote="FAW sold 3.5 million vehicles")], ARTICLES)
    message = single(report.errors, "source.quote")
    assert "quote not found in article 'test-article'" in message
    assert "the quote has '5 million vehicles' where the article has '2 million vehicles in 2024." in message


def test_unknown_sentence_id_names_where_the_quote_is() -> None:
    report = check_bank([question(source_sentence_id="p9s9")], ARTICLES)
    message = single(report.errors, "source.sentence_id")
    assert message == "no sentence 'p9s9' in article 'test-article'; the quote is in p1s2"


def test_quote_in_another_sentence_names_that_sentence() -> None:
    report = check_bank([question(source_sentence_id="p1s3")], ARTICLES)
    assert "it is in p1s2" in single(report.errors, "source.sentence_id")


def test_quote_spanning_sentences_needs_also() -> None:
    quote = "vehicles in 2024. Its new energy penetration"
    spanning = check_bank([question(source_quote=quote)], ARTICLES)
    assert "it is in p1s2+p1s3" in single(spanning.errors, "source.sentence_id")
    assert check_bank([question(source_quote=quote, source_also=["p1s3"])], ARTICLES).errors == []


def test_quote_from_an_excluded_segment() -> None:
    report = check_bank(
        [question(source_sentence_id="p2s1", source_quote="MrPeasy offers a cloud-based ERP")], ARTICLES
    )
    fields = sorted(e.field for e in report.errors)
    assert fields == ["source.quote", "source.sentence_id"]
    messages = " ".join(e.message for e in report.errors)
    assert "sentence p2s1 is excluded (Advertisement or product promotion)" in messages
    assert "the quote comes from excluded text (p2s1)" in messages


def test_unknown_article_and_missing_source() -> None:
    report = check_bank([question(source_article="other-article")], ARTICLES)
    assert "unknown article 'other-article'; known: test-article" in single(report.errors, "source.article")
    no_source = question()
    del no_source["source"]
    assert "no source" in single(check_bank([no_source], ARTICLES).errors, "source")


def test_retired_questions_are_not_held_to_their_article() -> None:
    report = check_bank([question(status="retired", source_quote="a sentence since edited away")], ARTICLES)
    assert report.errors == []


def test_offsets_must_select_the_quote() -> None:
    article = ARTICLES["test-article"]
    start = article.text.index("FAW sold")
    good = question(source_start=start, source_end=start + len("FAW sold 3.2 million vehicles"))
    assert check_bank([good], ARTICLES).errors == []
    bad = question(source_start=start + 1, source_end=start + 20)
    assert "not the quote" in single(check_bank([bad], ARTICLES).errors, "source.start")
    half = question(source_start=start)
    assert "both start and end" in single(check_bank([half], ARTICLES).errors, "source.start")


def test_schema_errors_are_reported_for_plain_dicts() -> None:
    report = check_bank([question(answer="US$543 million")], ARTICLES)
    message = single(report.errors, "answer")
    assert "is not one of the options" in message
    assert str(report.errors[0]).startswith("<questions>: q[0] 't-001' field answer:")


def test_duplicate_ids_in_the_list() -> None:
    report = check_bank([question(), question()], ARTICLES)
    assert "duplicate id 't-001'; also q[0]" in single(report.errors, "id")


def test_all_or_none_of_the_above_is_an_error() -> None:
    options = ["1.2 million", "3.2 million", "4.2 million", "None of the above"]
    report = check_bank([question(options=options)], ARTICLES)
    assert "no 'all/none of the above'" in single(report.errors, "options[3]")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (
            {"options": ["1.2 million", "3.2 million", "4.2 million", "5.2 million", "6.2 million"]},
            "options",
            "3–4",
        ),
        ({"stem": "FAW sold 3.2 million vehicles in 2024: how many?"}, "stem", "gives the answer away"),
        (
            {"options": ["1.2 m", "3.2 million", "4.2 million vehicles sold by all brands"]},
            "options",
            "homogeneous",
        ),
        ({"explanation": ""}, "explanation", "no explanation"),
    ],
)
def test_item_writing_warnings(changes: dict, field: str, words: str) -> None:
    report = check_bank([question(**changes)], ARTICLES)
    assert report.errors == []
    assert any(w.field == field and words in w.message for w in report.warnings), [
        str(w) for w in report.warnings
    ]


def test_answer_that_is_by_far_the_longest_is_warned() -> None:
    options = ["1.2 million", "3.2 million vehicles in total", "4.2 million", "5.2 million"]
    report = check_bank([question(options=options, answer=options[1])], ARTICLES)
    assert "by far the longest" in single(report.warnings, "answer")


def test_numeric_multiplier_needs_a_unit() -> None:
    numeric = question(type="numeric", answer={"value": 3.2, "multiplier": 1e6})
    del numeric["options"]
    report = check_bank([numeric], ARTICLES)
    assert "without a unit" in single(report.errors, "answer.unit")


def test_position_balance_warning() -> None:
    bank = []
    for i in range(6):
        q = copy.deepcopy(question(id=f"t-{i:03d}"))
        if i == 5:  # five of six answers at position B
            q["options"] = ["3.2 million", "1.2 million", "4.2 million", "5.2 million"]
        bank.append(q)
    assert mcq_positions(bank) == {1: 5, 0: 1}
    report = check_bank(bank, ARTICLES)
    warning = single(report.warnings, None)
    assert warning.startswith("correct-option positions are unbalanced across 6 mcq questions (A 17%, B 83%)")


def test_findings_carry_file_and_line_from_the_loader(tmp_path: Path) -> None:
    text = """\
topic: key-figures
questions:
  - id: t-001
    type: tf
    stem: FAW sold 3.2 million vehicles in 2024.
    answer: true
    explanation: The article says so.
    source:
      article: test-article
      sentence_id: p1s2
      quote: FAW sold 3.5 million vehicles
"""
    loaded = read_bank_text(text, "questions/key-figures.yaml")
    report = check_bank(loaded.questions, ARTICLES, loaded.locations)
    assert len(report.errors) == 1
    assert str(report.errors[0]).startswith(
        "questions/key-figures.yaml:11: q[0] 't-001' field source.quote: quote not found in article"
    )
