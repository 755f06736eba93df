"""Answer keys never leave the server early.

While a quiz attempt is in progress, nothing a student can fetch (the attempt page, the quiz page, the
autosave JSON and its errors, the no-JavaScript save, the review URL, their data download) contains a
correct answer, an accepted variant, an explanation or the source quote; and the attempt page is the
same byte for byte whatever the answer key is. After submission the key appears exactly when the
quiz's feedback setting allows it (the positive control: the search can find what it looks for).

Flashcards are different by design: the study page carries the card's back (answer, explanation,
quote) in a `hidden` section that Space reveals without a round trip; a flashcard is self-graded, so
there is nothing to protect. Practice quizzes give feedback after each answer, and only for that one.
"""

from __future__ import annotations

import re
from datetime import timedelta

from app.courses.service import join_course
from app.extensions import db
from app.models import Question, utcnow
from app.quizzes import service as quizzes
from tests.security.conftest import ANSWERS, QUOTE, add_user, client_for, key_strings, question_data

WRONG_SHAPES = {
    "mcq": "Nowhere at all",
    "multi": "Drive units",
    "tf": "perhaps",
    "numeric": "twelve-ish",
    "cloze": ["only one"],
    "matching": {"Nobody": "nothing"},
    "short": 42,
}


def all_key_strings(world) -> dict[str, str]:
    """Each forbidden string -> what it is (for the failure message)."""
    found = {QUOTE: "source quote"}
    for data in question_data():
        question = world.questions[data["type"]]
        data["explanation"] = question.explanation
        for text in key_strings(data):
            found[text] = f"{data['type']} key or explanation"
    return found


def leaks(text: str, forbidden: dict[str, str]) -> list[str]:
    return [f"{what}: {key!r}" for key, what in forbidden.items() if key in text]


def make_quiz(world, timing: str):
    closes = utcnow() + timedelta(days=2) if timing == "after_close" else None
    settings = quizzes.QuizSettings(
        title=f"Keys {timing}", course=world.course, published=True, feedback_timing=timing, closes_at=closes
    )
    quiz = quizzes.save_quiz(world.user("teacher"), settings)
    quizzes.add_questions(quiz, [q.id for q in world.questions.values()])
    return quiz


def in_progress_responses(client, quiz, world) -> dict[str, str]:
    """Everything student A fetches while answering: label -> body."""
    seen = {}
    start = client.post(f"/quizzes/{quiz.id}/start")
    assert start.status_code == 302, start.data
    attempt_url = start.headers["Location"]
    attempt_id = int(attempt_url.rstrip("/").rsplit("/", 1)[1])
    seen["attempt page"] = client.get(attempt_url).get_data(as_text=True)
    seen["quiz page"] = client.get(f"/quizzes/{quiz.id}").get_data(as_text=True)
    seq = 0
    for qtype, question in world.questions.items():
        for label, answer in (("valid", ANSWERS[qtype]), ("wrong shape", WRONG_SHAPES[qtype])):
            seq += 1
            response = client.post(
                f"{attempt_url}/save",
                json={"question_id": question.id, "answer": answer, "seq": seq},
                headers={"Accept": "application/json"},
            )
            assert response.is_json, f"autosave {qtype} {label} answered {response.status_code} without JSON"
            expected = 200 if label == "valid" else 422
            assert response.status_code == expected, (qtype, label, response.get_json())
            seen[f"autosave {qtype} ({label})"] = response.get_data(as_text=True)
    stale = client.post(
        f"{attempt_url}/save",
        json={"question_id": world.questions["short"].id, "answer": "x", "seq": 1},
        headers={"Accept": "application/json"},
    )
    seen["autosave (stale)"] = stale.get_data(as_text=True)
    no_js = client.post(attempt_url, data={"save": "1", f"q-{world.questions['short'].id}": "a guess"})
    seen["no-JS save"] = no_js.get_data(as_text=True)
    seen["after no-JS save"] = client.get(attempt_url).get_data(as_text=True)
    review = client.get(f"{attempt_url}/review")
    assert review.status_code == 302, "the review of an attempt in progress redirects to the attempt"
    seen["review while in progress"] = review.get_data(as_text=True)
    for page in ("/quizzes/", "/dashboard", "/account/data.json"):
        seen[page] = client.get(page).get_data(as_text=True)
    seen["attempt id"] = str(attempt_id)
    return seen


def test_nothing_a_student_fetches_during_an_attempt_contains_the_key(app, world):
    forbidden = all_key_strings(world)
    problems = []
    reviews = {}
    for timing in quizzes.FEEDBACK_TIMINGS:
        # A new classmate per quiz: a finished attempt rightly shows its keys, and these quizzes share questions.
        student = add_user(f"student_{timing}")
        join_course(student, world.course.join_code)
        client = client_for(app, student)
        quiz = make_quiz(world, timing)
        seen = in_progress_responses(client, quiz, world)
        attempt_id = seen.pop("attempt id")
        for label, body in seen.items():
            problems += [f"{timing}, {label}: {leak}" for leak in leaks(body, forbidden)]
        submitted = client.post(f"/quizzes/attempts/{attempt_id}", data={"submit": "1"})
        assert submitted.status_code == 302
        reviews[timing] = client.get(f"/quizzes/attempts/{attempt_id}/review").get_data(as_text=True)
        data_json = client.get("/account/data.json").get_data(as_text=True)
        if timing == "after_close":
            problems += [
                f"after_close, review before close: {leak}" for leak in leaks(reviews[timing], forbidden)
            ]
            problems += [
                f"after_close, data.json before close: {leak}" for leak in leaks(data_json, forbidden)
            ]
    assert not problems, "answer keys leaked:\n" + "\n".join(problems)
    for timing in ("immediate", "after_submission"):
        shown = leaks(reviews[timing], forbidden)
        assert len(shown) >= 8, f"{timing}: the review after submission should show keys, explanations, quote"


def _mutate_keys(world) -> None:
    """Give every question a different key, explanation and quote (what a student must not be able to tell)."""
    q = world.questions
    q["mcq"].answer = "Lumbria"
    q["multi"].answer = ["Drive units"]
    q["tf"].answer = False
    q["numeric"].answer = {**q["numeric"].answer, "value": 12.5, "tolerance": 3.0}
    q["cloze"].answer = [["Otherplace"], ["Otherday", "another day"]]
    q["short"].answer = ["Something else"]
    for question in q.values():
        question.explanation = "A different explanation."
        question.quote = "Kestrel Motors and Orinth Group signed a partnership in Vexport on 4 May 2024."
    db.session.commit()


def _strip_tokens(html: str) -> str:
    """The page without what differs on every request: CSRF tokens and the server's time (data-now-ms)."""
    html = re.sub(r'(name="csrf-token" content|name="csrf_token" value)="[^"]*"', r"\1", html)
    return re.sub(r'data-now-ms="\d+"', "data-now-ms", html)


def _check_practice(app, world) -> None:
    """Practice gives feedback after each answer: before it, no key; after it, only that question's."""
    client = client_for(app, world.user("student_b"))
    started = client.post("/quizzes/practice", data={"topic": "key-figures", "article": "", "count": 7})
    assert started.status_code == 302, started.data
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert not leaks(page, all_key_strings(world))
    # Answering one question shows that question's feedback (by design), and only its own.
    qid = int(re.search(r'name="question_id" value="(\d+)"', page).group(1))
    question = db.session.get(Question, qid)
    answered = client.post(
        f"{started.headers['Location']}/answer",
        data={"question_id": qid, **form_answer(qid, question.qtype)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert question.explanation in answered, "the answered question's feedback should show"
    own = {question.explanation, QUOTE, *key_strings({"type": question.qtype, "answer": question.answer})}
    assert not leaks(answered, {k: v for k, v in all_key_strings(world).items() if k not in own})


def form_answer(qid: int, qtype: str) -> dict[str, object]:
    """ANSWERS[qtype] as the attempt form posts it."""
    answer = ANSWERS[qtype]
    if qtype == "cloze":
        return {f"q-{qid}-{i}": value for i, value in enumerate(answer, start=1)}
    if qtype == "matching":
        return {f"q-{qid}-{i}": value for i, value in enumerate(answer.values(), start=1)}
    if qtype == "tf":
        return {f"q-{qid}": str(answer).lower()}
    return {f"q-{qid}": answer}


def test_the_attempt_page_does_not_depend_on_the_answer_key_and_practice_keeps_its_keys(app, world):
    _check_practice(app, world)
    client = client_for(app, world.user("student_a"))
    url = f"/quizzes/attempts/{world.attempt_open.id}"
    before = client.get(url)
    assert before.status_code == 200
    _mutate_keys(world)
    after = client.get(url)
    assert _strip_tokens(before.get_data(as_text=True)) == _strip_tokens(after.get_data(as_text=True))
    # The check can fail: a field the page does show (a stem) changes the page.
    world.questions["short"].stem = "Which filing values the deal, according to the article?"
    db.session.commit()
    assert _strip_tokens(client.get(url).get_data(as_text=True)) != _strip_tokens(
        after.get_data(as_text=True)
    )


def test_matching_options_are_shuffled_so_their_order_is_not_the_key():
    """Matching keys are the pairing of left and right items: the right items are always shuffled per
    attempt, whatever the quiz's shuffle setting, so their display order does not give the pairs away."""
    orders = {
        tuple(entry["order"])
        for seed in range(40)
        for entry in quizzes.build_layout([(1, None, 1, 1.0)], {}, {1: ("matching", 4)}, seed, False, False)
    }
    assert len(orders) > 5
