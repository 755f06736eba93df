"""The feedback a student's answer earns, type by type: what the quiz review shows under the answer."""

from __future__ import annotations

from app.qtypes.feedback import answer_feedback


def test_each_type_gives_the_feedback_of_the_answer_given():
    mcq = {"type": "mcq", "options": ["A", "B", "C"], "answer": "A", "feedback": {"B": "Not B."}}
    assert answer_feedback(mcq, "B", False) == ["Not B."] and answer_feedback(mcq, "A", True) == []
    multi = {
        "type": "multi",
        "options": ["A", "B", "C"],
        "answer": ["A"],
        "feedback": {"A": "Yes A.", "C": "No C."},
    }
    assert answer_feedback(multi, ["C", "A"], False) == ["Yes A.", "No C."]
    tf = {"type": "tf", "answer": True, "feedback": {"false": "It is true."}}
    assert answer_feedback(tf, False, False) == ["It is true."] and answer_feedback(tf, True, True) == []
    numeric = {"type": "numeric", "answer": {"value": 5}, "feedback": {"answer": "Right: 5%."}}
    assert (
        answer_feedback(numeric, "5", True) == ["Right: 5%."] and answer_feedback(numeric, "6", False) == []
    )
    short = {
        "type": "short",
        "answer": ["Zhu Jiangming", "Jiangming Zhu"],
        "feedback": {"Jiangming Zhu": "Family name last."},
    }
    assert answer_feedback(short, "jiangming  zhu", True) == ["Family name last."]
    assert answer_feedback(short, "Zhu Jiangming", True) == [] and answer_feedback(short, "", False) == []


def test_cloze_gives_each_blank_the_feedback_of_the_variant_it_matched():
    cloze = {
        "type": "cloze",
        "answer": [["March 3, 2025", "2025-03-03"], ["Changchun"]],
        "fuzzy": 0.9,
        "feedback": {"1:2025-03-03": "The date.", "2:Changchun": "FAW's home city."},
    }
    assert answer_feedback(cloze, ["2025-03-03", "Changchun"], True) == ["The date.", "FAW's home city."]
    assert answer_feedback(cloze, ["March 3, 2025", "  CHANGCHUN"], True) == [
        "FAW's home city."
    ]  # read as the grader reads it
    assert answer_feedback(cloze, ["1999", "Beijing"], False) == []
    assert answer_feedback({**cloze, "feedback": {}}, ["2025-03-03", "Changchun"], True) == []
