"""The feedback a student's answer earns, type by type: what the quiz review shows under the answer."""

from __future__ import annotations

from app.qtypes.feedback import answer_feedback, key_parts, marked_parts


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


def test_multi_and_matching_answers_are_marked_a_part_at_a_time():
    multi = {"type": "multi", "options": ["A", "B", "C"], "answer": ["C", "A"]}
    assert marked_parts(multi, ["B", "A"]) == [("A", True), ("B", False)]
    assert key_parts(multi) == ["A", "C"]  # in the options' order
    pairs = [{"left": "FAW", "right": "Changchun"}, {"left": "Leapmotor", "right": "Hangzhou"}]
    matching = {"type": "matching", "answer": pairs}
    assert marked_parts(matching, {"FAW": "Hangzhou"}) == [
        ("FAW → Hangzhou", False),
        ("Leapmotor → (not matched)", False),
    ]
    assert key_parts(matching) == ["FAW → Changchun", "Leapmotor → Hangzhou"]
    assert marked_parts(multi, None) == marked_parts(matching, {}) == []
    assert marked_parts({"type": "mcq", "options": ["A"], "answer": "A"}, "A") == []
