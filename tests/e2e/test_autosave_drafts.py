"""An answer typed just before a reload is never lost, in Chromium at 1280 px and at 390 px, for every type.

The reload's GET can be served before the save the page sent as it unloaded. The tests make that race
certain: every save of the page is refused at the network (Playwright aborts it) while the student answers
and reloads, so the server never has the answers when the page is rendered again. The page must put each
answer back from its sessionStorage draft, marked "Not saved yet", and save it once the network is back;
a second reload then shows the answers from the server. A draft never overwrites a save another tab made
after it, and a submitted attempt's drafts are dropped.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.auth.service import create_user, find_user
from app.courses.service import find_by_code, join_course
from app.extensions import db
from app.models import Question
from app.quizzes import service
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_attempt_matrix import ESSAY, SAVED, VIEWPORTS, _answer, _restored, _stored
from tests.integration.quizzes.matrix import matrix_rows

pytestmark = pytest.mark.browser
SAVES = re.compile(r"/quizzes/attempts/\d+/save$")
PASSWORD = "casewise-demo-drafts"
NOT_SAVED = re.compile(r"^Not saved yet")
DRAFTS_JS = "() => Object.keys(sessionStorage).filter(k => k.startsWith('casewise-draft:')).length"


@pytest.fixture(scope="module")
def drafts_quiz(live_app):
    """A quiz with every type (cloze with 1 and 2 blanks, the essay last) and the rows of its questions."""
    with live_app.app_context():
        instructor, course = find_user("instructor"), find_by_code("FAWDEMO8")
        rows = matrix_rows()
        essay = db.session.scalars(
            select(Question)
            .where(Question.qtype == "essay", Question.status == "approved")
            .order_by(Question.uid)
        ).first()
        settings = service.QuizSettings(
            title="Drafts of every type", course=course, published=True, attempts_allowed=0
        )
        quiz = service.save_quiz(instructor, settings)
        service.add_questions(quiz, [*(row.question.id for row in rows), essay.id])
        yield {"quiz": quiz.id, "rows": rows, "essay": essay.id}


class Network:
    """Refuses the page's autosaves while `down` (as a save lost, or overtaken by the reload, would be).

    Saves are keepalive requests, and those a page sends as it unloads (its flush, retries due then) go past
    Playwright's routing; `lose_unload_save` makes the page's own fetch fail before it is reloaded or left,
    so the server surely renders without them (the worst case of the race: a save lost or overtaken)."""

    def __init__(self, page) -> None:
        self.down = False
        self.page = page
        page.route(SAVES, self._handle)

    def up(self) -> None:
        self.page.unroute(SAVES)  # a routed request waits for Python, which does not run between calls

    def lose_unload_save(self) -> None:
        self.page.evaluate(
            "() => { window.fetch = () => Promise.reject(new TypeError('the network is down')); }"
        )

    def _handle(self, route) -> None:
        if self.down:
            route.abort("connectionfailed")
        else:
            route.continue_()


def _student_page(browser, live_app, live_server, name: str, size: str):
    with live_app.app_context():
        if find_user(name) is None:
            join_course(create_user(name, name.title(), PASSWORD), "FAWDEMO8")
    context = browser.new_context(
        viewport=VIEWPORTS[size], is_mobile=size == "phone", has_touch=size == "phone"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    login(page, live_server, name, PASSWORD)
    return page


def _start(page, live_server, quiz_id: int) -> int:
    page.goto(f"{live_server}/quizzes/{quiz_id}")
    page.get_by_role("button", name=re.compile("Start attempt|Continue")).click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def _status(page, qid: int):
    return page.locator(f'fieldset[data-qid="{qid}"] .save-status')


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_type_typed_just_before_a_reload_comes_back_and_is_saved(
    browser, live_server, live_app, drafts_quiz, size
):
    rows, essay_id = drafts_quiz["rows"], drafts_quiz["essay"]
    page = _student_page(browser, live_app, live_server, f"drafts-{size}", size)
    attempt_id = _start(page, live_server, drafts_quiz["quiz"])
    network = Network(page)
    network.down = True
    for row in rows:
        _answer(page.locator(f'fieldset[data-qid="{row.question.id}"]'), row)
    page.locator(f"#q{essay_id}-essay").fill(ESSAY)
    network.lose_unload_save()
    page.reload()  # at once: no "Saved" was ever shown, and the server holds none of the answers

    assert _stored(live_app, attempt_id) == {}, "a save got through: the test would not show the restore"
    for row in rows:
        fieldset = page.locator(f'fieldset[data-qid="{row.question.id}"]')
        assert _restored(fieldset, row) == row.stored_right(), row.label
        assert NOT_SAVED.search(_status(page, row.question.id).inner_text()), row.label
    assert page.locator(f"#q{essay_id}-essay").input_value() == ESSAY
    assert page.locator(f"#q{essay_id}-count").inner_text().startswith(f"{len(ESSAY.split())} words")
    assert page.locator(".qlink.answered").count() == len(rows) + 1
    screenshot(page, f"attempt-drafts-restored-{size}")

    network.up()  # the retries now reach the server
    for row in rows:
        _status(page, row.question.id).filter(has_text=SAVED).wait_for()
    _status(page, essay_id).filter(has_text=SAVED).wait_for()
    stored = _stored(live_app, attempt_id)  # "Saved" is shown on a 200: each row is in by then
    assert {r.label: stored[r.question.id].answer for r in rows} == {r.label: r.stored_right() for r in rows}
    assert stored[essay_id].answer == ESSAY
    assert page.evaluate(DRAFTS_JS) == 0  # each acknowledged: nothing left to put back

    page.reload()  # now from the server, with no draft involved
    for row in rows:
        assert _restored(page.locator(f'fieldset[data-qid="{row.question.id}"]'), row) == row.stored_right()
        assert _status(page, row.question.id).inner_text() == ""
    assert page.locator(f"#q{essay_id}-essay").input_value() == ESSAY
    page.context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_another_tabs_later_save_wins_over_a_draft(browser, live_server, live_app, drafts_quiz, size):
    short = next(r for r in drafts_quiz["rows"] if r.qtype == "short")
    qid = short.question.id
    page = _student_page(browser, live_app, live_server, f"drafts-tabs-{size}", size)
    attempt_id = _start(page, live_server, drafts_quiz["quiz"])
    network = Network(page)
    network.down = True
    page.locator(f'input[name="q-{qid}"]').fill("typed in the first tab")
    _status(page, qid).filter(has_text=NOT_SAVED).wait_for()  # its save was refused: only the draft has it
    assert page.evaluate(DRAFTS_JS) == 1

    other = page.context.new_page()  # the same student in a second tab saves a later answer
    other.goto(page.url)
    other.locator(f'input[name="q-{qid}"]').fill("saved later in the second tab")
    _status(other, qid).filter(has_text=SAVED).wait_for()

    network.lose_unload_save()
    page.reload()
    assert page.locator(f'input[name="q-{qid}"]').input_value() == "saved later in the second tab"
    assert _status(page, qid).inner_text() == ""
    assert page.evaluate(DRAFTS_JS) == 0  # dropped, so it can never be sent later either
    network.up()
    page.reload()
    assert page.locator(f'input[name="q-{qid}"]').input_value() == "saved later in the second tab"
    assert _stored(live_app, attempt_id)[qid].answer == "saved later in the second tab"
    page.context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_submitted_attempts_draft_is_dropped(browser, live_server, live_app, drafts_quiz, size):
    short = next(r for r in drafts_quiz["rows"] if r.qtype == "short")
    qid = short.question.id
    page = _student_page(browser, live_app, live_server, f"drafts-submit-{size}", size)
    attempt_id = _start(page, live_server, drafts_quiz["quiz"])
    page.locator(f'input[name="q-{qid}"]').fill("saved before the submit")
    _status(page, qid).filter(has_text=SAVED).wait_for()
    network = Network(page)
    network.down = True
    page.locator(f'input[name="q-{qid}"]').fill("typed after, never saved")
    _status(page, qid).filter(has_text=NOT_SAVED).wait_for()
    assert page.evaluate(DRAFTS_JS) == 1

    network.lose_unload_save()
    page.goto(f"{live_server}/quizzes/attempts/{attempt_id}/summary")
    page.get_by_role("button", name="Submit all and finish").click()
    dialog = page.locator("dialog.confirm-submit")
    dialog.get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r"/review$"))
    assert page.evaluate(DRAFTS_JS) == 0
    network.up()
    page.goto(f"{live_server}/quizzes/attempts/{attempt_id}")  # a closed attempt's page: its review
    page.wait_for_url(re.compile(r"/review$"))
    assert "typed after, never saved" not in page.content()
    assert _stored(live_app, attempt_id)[qid].answer == "saved before the submit"
    page.context.close()
