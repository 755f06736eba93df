"""Every question type answered in Chromium, at 1280 px and at 390 px: each autosave acknowledged (status
line and database row), a reload restores each answer from the server, the summary lists what is flagged,
the confirmed submit grades each question right and leaves the essay waiting for a person. The attempt,
summary and review pages pass axe (unnamed controls included) at both widths. The same matrix in practice
mode, and a timed attempt that runs out and lands on its review with what was saved.

The quizzes are built through the services (not the builder UI) to keep the module fast.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from sqlalchemy import select

from app.auth.service import create_user, find_user
from app.courses.service import find_by_code, join_course
from app.extensions import db
from app.models import Attempt, Question, Response
from app.quizzes import service
from tests.e2e.a11y import _OVERFLOW_JS, assert_focus_not_covered, check_a11y
from tests.e2e.conftest import SCREENSHOTS, login, screenshot
from tests.integration.quizzes.matrix import matrix_rows

pytestmark = pytest.mark.browser
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
STUDENT = {"desktop": "student", "phone": "student2"}
DB_WAIT_S = 10
ESSAY = "FAW brings scale and Leapmotor brings its electric platform; the risk is dilution."
STICKY = (".attempt-actions", ".quiz-nav")  # the bars that stay in view on the attempt page
SAVED = re.compile(r"^Saved$")  # has_text is a case-blind substring: 'Not saved yet' would match


@pytest.fixture(scope="module")
def matrix(live_app):
    """A quiz with every type (cloze with 1 and 2 blanks, the essay last), a timed one-question quiz, and
    the rows (the auto-graded types; the essay, graded by hand, is apart)."""
    with live_app.app_context():
        instructor, course = find_user("instructor"), find_by_code("FAWDEMO8")
        rows = matrix_rows()

        def make(title: str, ids: list[int], **settings) -> int:
            values = {"title": title, "course": course, "published": True, "attempts_allowed": 0, **settings}
            quiz = service.save_quiz(instructor, service.QuizSettings(**values))
            service.add_questions(quiz, ids)
            return quiz.id

        retry_user = create_user("matrix-retry", "Rita Retry", "casewise-demo-retry")
        join_course(retry_user, "FAWDEMO8")
        ids = [row.question.id for row in rows]
        essay = db.session.scalars(
            select(Question)
            .where(Question.qtype == "essay", Question.status == "approved")
            .order_by(Question.uid)
        ).first()
        quiz_id = make("Every question type", [*ids, essay.id], time_limit_s=3600)
        timed_id = make("Six seconds", ids[:1], time_limit_s=6)
        paged_id = make("Three per page", ids, per_page=3)
        paged_timed_id = make("Three per page, timed", ids, per_page=3, time_limit_s=3600)
        checked_id = make("Check each answer", [*ids, essay.id], feedback_timing="immediate")
        yield {
            "checked": checked_id,
            "quiz": quiz_id,
            "timed": timed_id,
            "paged": paged_id,
            "paged_timed": paged_timed_id,
            "rows": rows,
            "essay": essay.id,
        }


def _answer(fieldset, row) -> None:
    """Answer one question in the browser as a student would, with the right answer."""
    qid, answer = row.question.id, row.right()
    if row.qtype in ("mcq", "tf"):
        label = {"true": "True", "false": "False"}.get(answer, answer) if row.qtype == "tf" else answer
        fieldset.get_by_label(label, exact=True).check()
    elif row.qtype == "multi":
        for option in answer:
            fieldset.get_by_label(option, exact=True).check()
    elif row.qtype in ("numeric", "short"):
        fieldset.locator(f'input[name="q-{qid}"]').fill(answer)
    elif row.qtype == "cloze":
        for i, text in enumerate(answer, start=1):
            fieldset.locator(f'input[name="q-{qid}-{i}"]').fill(text)
    elif row.qtype == "matching":
        selects = fieldset.locator("select[data-left]")
        for i in range(selects.count()):
            select = selects.nth(i)
            select.select_option(value=answer[select.get_attribute("data-left")])


def _restored(fieldset, row):
    """The answer the reloaded page shows for the question, in the stored shape."""
    qid = row.question.id
    if row.qtype == "mcq":
        return fieldset.locator("input[type=radio]:checked").get_attribute("value")
    if row.qtype == "tf":
        return fieldset.locator("input[type=radio]:checked").get_attribute("value") == "true"
    if row.qtype == "multi":
        return [b.get_attribute("value") for b in fieldset.locator(f'input[name="q-{qid}"]:checked').all()]
    if row.qtype in ("numeric", "short"):
        return fieldset.locator(f'input[name="q-{qid}"]').input_value()
    if row.qtype == "cloze":
        return [
            fieldset.locator(f'input[name="q-{qid}-{i}"]').input_value()
            for i in range(1, len(row.right()) + 1)
        ]
    selects = fieldset.locator("select[data-left]").all()
    return {s.get_attribute("data-left"): s.input_value() for s in selects}


def _stored(app, attempt_id: int) -> dict[int, Response]:
    with app.app_context():
        rows = db.session.scalars(select(Response).where(Response.attempt_id == attempt_id)).all()
        return {r.question_id: r for r in rows}


def _wait_stored(app, attempt_id: int, row) -> None:
    deadline = time.monotonic() + DB_WAIT_S
    while time.monotonic() < deadline:
        stored = _stored(app, attempt_id).get(row.question.id)
        if stored is not None and stored.answer == row.stored_right():
            return
        time.sleep(0.1)
    raise AssertionError(f"{row.label}: the autosave never stored {row.stored_right()!r}")


def _new_page(browser, size: str):
    context = browser.new_context(
        viewport=VIEWPORTS[size], is_mobile=size == "phone", has_touch=size == "phone"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _tab_through_unobscured(page, stops: int) -> int:
    page.evaluate("() => { window.scrollTo(0, 0); document.activeElement && document.activeElement.blur(); }")
    seen = 0
    for _ in range(stops):
        page.keyboard.press("Tab")
        assert_focus_not_covered(page, STICKY)
        seen += 1
    return seen


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_type_autosaves_reloads_and_grades(browser, live_server, live_app, matrix, size):
    rows = matrix["rows"]
    page = _new_page(browser, size)
    login(page, live_server, STUDENT[size])
    page.goto(f"{live_server}/quizzes/{matrix['quiz']}")
    page.get_by_role("button", name=re.compile("Start attempt|Continue")).click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    refused = []
    page.on("response", lambda r: refused.append(r.status) if "/save" in r.url and r.status != 200 else None)

    for row in rows:
        fieldset = page.locator(f'fieldset[data-qid="{row.question.id}"]')
        assert fieldset.get_attribute("data-qtype") == row.qtype
        _answer(fieldset, row)
        _wait_stored(live_app, attempt_id, row)
        fieldset.locator(".save-status", has_text=SAVED).wait_for()
        page.locator(f'.qlink.answered[data-qid="{row.question.id}"]').wait_for()
    essay_id = matrix["essay"]
    page.locator(f"#q{essay_id}-essay").fill(ESSAY)
    page.locator(f'fieldset[data-qid="{essay_id}"] .save-status', has_text=SAVED).wait_for()
    assert _stored(live_app, attempt_id)[essay_id].answer == ESSAY
    assert refused == [], f"autosaves were refused: {refused}"
    flagged = rows[5].question.id
    page.locator(f'fieldset[data-qid="{flagged}"]').get_by_label("Flag for review").check()
    page.locator(f'.qlink.flagged[data-qid="{flagged}"]').wait_for()
    if size == "phone":  # matching fits: nothing sticks out sideways, each select within the screen
        assert page.evaluate(_OVERFLOW_JS) is None
        for box in (s.bounding_box() for s in page.locator("select[data-left]").all()):
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        matching = page.locator('fieldset[data-qtype="matching"]')
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        matching.screenshot(path=str(SCREENSHOTS / "attempt-matching-phone.png"))
        matching.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "attempt-phone-viewport.png"))  # the sticky map in place
    screenshot(page, f"attempt-matrix-{size}")

    page.reload()
    for row in rows:
        fieldset = page.locator(f'fieldset[data-qid="{row.question.id}"]')
        assert _restored(fieldset, row) == row.stored_right(), row.label
    assert page.locator(f'fieldset[data-qid="{flagged}"] .flag-box').is_checked()
    assert page.locator(f"#q{essay_id}-essay").input_value() == ESSAY
    assert page.locator(".qlink.answered").count() == len(rows) + 1
    stored = _stored(live_app, attempt_id)
    assert {r.label: stored[r.question.id].answer for r in rows} == {r.label: r.stored_right() for r in rows}
    check_a11y(page, f"attempt page with every type ({size})")
    stops = _tab_through_unobscured(page, 40)
    assert stops == 40

    page.locator(".attempt-actions").get_by_role("button", name="Finish attempt…").click()
    page.wait_for_url(re.compile(r"/summary$"))
    assert f"{len(rows) + 1} of {len(rows) + 1} answered" in page.content()
    assert page.locator("text=Flagged for review").count() == 1
    check_a11y(page, f"summary page ({size})")
    screenshot(page, f"attempt-summary-{size}")
    _confirm_submit(page)
    verdicts = page.locator(".feedback .verdict strong").all_inner_texts()
    assert verdicts == ["Correct"] * len(rows) + ["Needs grading"]
    score = page.locator(".score").inner_text().replace(".0", "")
    assert f"So far: {len(rows)} of the points graded automatically (out of {len(rows) + 1})" in score
    assert "{{1}}" not in page.content() and page.locator(".stem .blank").count() == 3  # 1 + 2 blanks
    check_a11y(page, f"review page with every type ({size})")
    stored = _stored(live_app, attempt_id)
    assert {r.label: stored[r.question.id].fraction for r in rows} == {r.label: 1.0 for r in rows}
    assert stored[essay_id].fraction is None  # waits for a person
    page.context.close()


def _confirm_submit(page) -> None:
    """From the summary page: "Submit all and finish", confirmed in its dialog, to the review."""
    page.get_by_role("button", name="Submit all and finish").click()
    dialog = page.locator("dialog.confirm-submit")
    dialog.wait_for()
    dialog.get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r"/review$"))


def _start(page, quiz_url: str) -> None:
    """Open the quiz and start an attempt (a first or another one), or continue the one in progress."""
    page.goto(quiz_url)
    start = page.get_by_role("button", name=re.compile(r"^Start (another )?attempt$"))
    if start.count():
        start.click()
    else:
        page.get_by_role("link", name=re.compile(r"^Continue attempt")).click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))


def _answer_wrong(fieldset, row) -> None:
    """A wrong answer of the right shape for the single-choice types: another option, the other value."""
    if row.qtype == "mcq":
        other = next(o for o in row.canonical["options"] if o != row.canonical["answer"])
        fieldset.get_by_label(other, exact=True).check()
    else:  # tf
        fieldset.get_by_label("False" if row.canonical["answer"] else "True", exact=True).check()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_type_can_be_checked_after_each_answer_and_is_then_final(
    browser, live_server, live_app, matrix, size
):
    """A quiz with feedback after each answer: each auto-graded type gets "Check answer", the verdict shows
    in place of the inputs (and stays after a reload), the essay has no check, and the review grades the
    same."""
    rows, essay_id = matrix["rows"], matrix["essay"]
    wrong = {"mcq", "tf"}
    page = _new_page(browser, size)
    login(page, live_server, STUDENT[size])
    _start(page, f"{live_server}/quizzes/{matrix['checked']}")
    attempt_id = int(page.url.rsplit("/", 1)[1])
    assert page.locator(f'fieldset[data-qid="{essay_id}"] .check-answer').count() == 0
    for row in rows:
        fieldset = page.locator(f'fieldset[data-qid="{row.question.id}"]')
        (_answer_wrong if row.qtype in wrong else _answer)(fieldset, row)
        fieldset.get_by_role("button", name="Check answer").click()
        verdict = page.locator(f"section#q{row.question.id}.checked .verdict strong")
        verdict.wait_for()
        assert verdict.inner_text() == ("Incorrect" if row.qtype in wrong else "Correct"), row.label
        assert page.locator(f'fieldset[data-qid="{row.question.id}"]').count() == 0  # final: no inputs
    if size == "phone":
        assert page.evaluate(_OVERFLOW_JS) is None
    check_a11y(page, f"attempt page with every type checked ({size})")
    screenshot(page, f"attempt-checked-{size}")
    page.reload()
    verdicts = page.locator("section.checked .verdict strong").all_inner_texts()
    assert verdicts == ["Incorrect" if r.qtype in wrong else "Correct" for r in rows]
    stored = _stored(live_app, attempt_id)
    expected = {r.label: (0.0 if r.qtype in wrong else 1.0) for r in rows}
    assert {r.label: stored[r.question.id].fraction for r in rows} == expected
    page.locator(f"#q{essay_id}-essay").fill(ESSAY)
    page.locator(f'fieldset[data-qid="{essay_id}"] .save-status', has_text=SAVED).wait_for()
    page.locator(".attempt-actions").get_by_role("button", name="Finish attempt…").click()
    page.wait_for_url(re.compile(r"/summary$"))
    _confirm_submit(page)
    review = page.locator(".feedback .verdict strong").all_inner_texts()
    assert review == ["Incorrect" if r.qtype in wrong else "Correct" for r in rows] + ["Needs grading"]
    stored = _stored(live_app, attempt_id)
    assert {r.label: stored[r.question.id].fraction for r in rows} == expected
    page.context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_an_answer_checked_in_another_tab_is_final_and_the_rest_still_saves(
    browser, live_server, live_app, matrix, size
):
    rows = matrix["rows"]
    mcq, short = next(r for r in rows if r.qtype == "mcq"), next(r for r in rows if r.qtype == "short")
    first = _new_page(browser, size)
    login(first, live_server, STUDENT[size])
    _start(first, f"{live_server}/quizzes/{matrix['checked']}")
    attempt_id = int(first.url.rsplit("/", 1)[1])
    second = first.context.new_page()  # the same student's second tab, opened before the check
    second.set_default_timeout(10_000)
    second.goto(first.url)
    _answer(first.locator(f'fieldset[data-qid="{mcq.question.id}"]'), mcq)
    first.locator(f'fieldset[data-qid="{mcq.question.id}"]').get_by_role(
        "button", name="Check answer"
    ).click()
    first.locator(f"section#q{mcq.question.id}.checked .verdict").wait_for()
    # The second tab still shows the inputs: a change there is refused beside that question only.
    _answer_wrong(second.locator(f'fieldset[data-qid="{mcq.question.id}"]'), mcq)
    status = second.locator(f"#q{mcq.question.id}-status")
    status.filter(has_text="You checked this answer, so it is final").wait_for()
    assert "Reload the page to see its feedback." in status.inner_text()
    _answer(second.locator(f'fieldset[data-qid="{short.question.id}"]'), short)
    _wait_stored(live_app, attempt_id, short)
    second.locator(f'fieldset[data-qid="{short.question.id}"] .save-status', has_text=SAVED).wait_for()
    assert _stored(live_app, attempt_id)[mcq.question.id].answer == mcq.stored_right()
    second.reload()
    assert second.locator(f"section#q{mcq.question.id}.checked .verdict strong").inner_text() == "Correct"
    first.context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_practice_matrix_checks_each_type(browser, live_server, live_app, matrix, size):
    rows = matrix["rows"]
    # Practice on the matrix quiz's questions by someone outside its course: for the course's students they
    # are held back while the quiz is open (exam integrity, tests/security/test_exam_integrity.py).
    practiser = f"matrix-practice-{size}"
    with live_app.app_context():
        user = find_user(practiser) or create_user(
            practiser, f"Pat Practice {size}", "casewise-demo-practice"
        )
        layout = [{"question_id": r.question.id, "points": 1.0, "order": None, "seed": 0} for r in rows]
        attempt = Attempt(mode="practice", quiz_id=None, user_id=user.id, number=1, layout=layout)
        db.session.add(attempt)
        db.session.commit()
        attempt_id = attempt.id
    page = _new_page(browser, size)
    login(page, live_server, practiser, "casewise-demo-practice")
    page.goto(f"{live_server}/quizzes/practice/{attempt_id}")
    check_a11y(page, f"practice page with every type ({size})")
    numeric = next(r for r in rows if r.qtype == "numeric")
    form = page.locator("form.practice-form", has=page.locator(f'fieldset[data-qid="{numeric.question.id}"]'))
    form.locator("input[type=text]").fill("twelve-ish")
    form.get_by_role("button", name="Check answer").click()
    alert = page.locator(f"#q{numeric.question.id}-error")
    assert "Could not read" in alert.inner_text()
    assert page.locator(f'input[name="q-{numeric.question.id}"]').input_value() == "twelve-ish"
    for row in rows:
        form = page.locator("form.practice-form", has=page.locator(f'fieldset[data-qid="{row.question.id}"]'))
        _answer(form.locator("fieldset"), row)
        form.get_by_role("button", name="Check answer").click()
        page.locator(f"section#q{row.question.id} .verdict").wait_for()
    page.reload()
    verdicts = page.locator(".feedback .verdict strong").all_inner_texts()
    assert verdicts == ["Correct"] * len(rows)
    stored = _stored(live_app, attempt_id)
    assert {r.label: stored[r.question.id].answer for r in rows} == {r.label: r.stored_right() for r in rows}
    assert "{{1}}" not in page.content()
    screenshot(page, f"practice-matrix-{size}")
    page.context.close()


def test_time_running_out_submits_what_was_saved_and_shows_the_review(browser, live_server, live_app, matrix):
    row = matrix["rows"][0]
    page = _new_page(browser, "desktop")
    page.add_init_script(
        """document.addEventListener('DOMContentLoaded', () => {
             const live = document.querySelector('.timer-announce');
             window.__said = [];
             if (live) new MutationObserver(() => window.__said.push(live.textContent))
               .observe(live, {childList: true, characterData: true, subtree: true});
           });"""
    )
    login(page, live_server, "student")
    page.goto(f"{live_server}/quizzes/{matrix['timed']}")
    page.get_by_role("button", name=re.compile("Start attempt|Continue")).click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    _answer(page.locator(f'fieldset[data-qid="{row.question.id}"]'), row)
    _wait_stored(live_app, attempt_id, row)
    said = page.evaluate("() => window.__said")
    assert said[:1] == ["1 minute left."]
    page.wait_for_function("() => window.__said.some(s => s.startsWith('Time is up'))", timeout=15_000)
    page.wait_for_url(re.compile(r"/review$"), timeout=15_000)
    assert "Closed at the deadline with the saved answers" in page.content()
    with live_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert (attempt.state, attempt.score) == ("finished", 1.0)
    page.context.close()


def test_refused_saves_retry_explain_and_stop_when_closed(browser, live_server, live_app, matrix):
    """503 with Retry-After and a lost connection are retried until saved; a 422 reads as a sentence beside
    the question; a 409 after the submit stops the page and says why."""
    short = next(r for r in matrix["rows"] if r.qtype == "short")
    page = _new_page(browser, "desktop")
    login(page, live_server, "matrix-retry", "casewise-demo-retry")
    page.goto(f"{live_server}/quizzes/{matrix['quiz']}")
    page.get_by_role("button", name=re.compile("Start attempt|Continue")).click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    plan = ["busy", "offline", "pass", "refuse"]
    seen = []

    def intercept(route):
        step = plan.pop(0) if plan else "pass"
        seen.append(step)
        if step == "busy":
            body = '{"error": {"status": 503, "code": "busy", "message": "The database is busy."}}'
            route.fulfill(
                status=503, headers={"Retry-After": "1"}, content_type="application/json", body=body
            )
        elif step == "offline":
            route.abort("internetdisconnected")
        elif step == "refuse":
            message = "the answer is 501 characters long; shorten it to 500 or fewer"
            body = json.dumps({"error": {"status": 422, "code": "bad_answer", "message": message}})
            route.fulfill(status=422, content_type="application/json", body=body)
        else:
            route.continue_()

    page.route("**/save", intercept)
    fieldset = page.locator(f'fieldset[data-qid="{short.question.id}"]')
    status = fieldset.locator(".save-status")
    fieldset.locator("input[type=text]").fill(short.right())
    status.filter(has_text="Not saved yet — we'll retry.").wait_for()
    status.filter(has_text=SAVED).wait_for(timeout=15_000)
    assert seen == ["busy", "offline", "pass"]
    _wait_stored(live_app, attempt_id, short)

    fieldset.locator("input[type=text]").fill("x")
    status.filter(has_text="Not saved:").wait_for()
    text = status.inner_text()
    assert text == (
        "Not saved: The answer is 501 characters long; shorten it to 500 or fewer. "
        "Change your answer and it will be saved."
    )
    assert _stored(live_app, attempt_id)[short.question.id].answer == short.right()

    with live_app.app_context():
        assert service.submit_attempt(db.session.get(Attempt, attempt_id))
    fieldset.locator("input[type=text]").fill("after the submit")
    closed = page.locator(".attempt-closed[role=alert]")
    closed.wait_for()
    assert (
        "submitted" in closed.inner_text()
        and closed.get_by_role("link", name="See your attempt").count() == 1
    )
    assert fieldset.locator("input[type=text]").is_disabled()
    assert _stored(live_app, attempt_id)[short.question.id].answer == short.right()
    page.context.close()


def test_answers_are_saved_when_moving_between_pages(browser, live_server, live_app, matrix):
    """Three questions per page: "Next page" saves through the form, and a map link to another page sends
    an answer still inside its typing delay before it leaves."""
    rows = matrix["rows"]
    tf, numeric = rows[2], rows[3]
    page = _new_page(browser, "desktop")
    login(page, live_server, "matrix-retry", "casewise-demo-retry")
    page.goto(f"{live_server}/quizzes/{matrix['paged']}")
    page.get_by_role("button", name=re.compile("Start attempt|Continue")).click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    assert "page 1 of 3" in page.locator("h1").inner_text()
    assert page.locator("fieldset.question").count() == 3
    page.locator(f'fieldset[data-qid="{tf.question.id}"]').get_by_label("True", exact=True).check()
    page.get_by_role("button", name="Next page").click()
    page.wait_for_url(re.compile(r"\?page=2$"))
    _wait_stored(live_app, attempt_id, tf)
    page.locator(f'input[name="q-{numeric.question.id}"]').fill(numeric.right())
    page.locator(f'.qlink[data-qid="{rows[6].question.id}"]').click()  # question 7, on page 3
    page.wait_for_url(re.compile(r"\?page=3#q\d+$"))
    _wait_stored(live_app, attempt_id, numeric)
    assert "page 3 of 3" in page.locator("h1").inner_text()
    for row in (tf, numeric):
        assert page.locator(f'.qlink.answered[data-qid="{row.question.id}"]').count() == 1
    page.context.close()


# The boxes of the attempt page's sticky bars and of the buttons in the bottom one.
STICKY_BOXES = """() => {
  const box = el => { const r = el.getBoundingClientRect(); return {top: r.top, height: r.height, right: r.right}; };
  return {
    bar: box(document.querySelector('.attempt-actions')),
    nav: box(document.querySelector('.quiz-nav')),
    buttons: [...document.querySelectorAll('.attempt-actions button')].map(box),
  };
}"""


def test_the_action_bar_of_a_paged_attempt_is_one_short_row_on_a_phone(browser, live_server, matrix):
    """At 390 px on a middle page (Save, Previous, Next and Finish all shown) of a timed quiz, the sticky
    bottom bar is one row and, with the sticky question map, leaves most of the screen to the questions."""
    page = _new_page(browser, "phone")
    login(page, live_server, STUDENT["phone"])
    page.goto(f"{live_server}/quizzes/{matrix['paged_timed']}")
    page.get_by_role("button", name=re.compile("Start attempt|Continue")).click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
    page.goto(f"{page.url}?page=2")
    bar = page.locator(".attempt-actions")
    for name in ("Save answers", "Previous page", "Next page", "Finish attempt…"):
        assert bar.get_by_role("button", name=name, exact=True).is_visible(), name
    boxes = page.evaluate(STICKY_BOXES)
    tops = [button["top"] for button in boxes["buttons"]]
    assert len(tops) == 4 and max(tops) - min(tops) <= 4, f"the bar wraps: button tops {tops}"
    assert all(button["right"] <= 390 for button in boxes["buttons"])
    assert boxes["bar"]["height"] <= 64, boxes["bar"]
    assert boxes["bar"]["height"] + boxes["nav"]["height"] <= 130, boxes
    screenshot(page, "attempt-paged-bar-phone")
    page.context.close()
