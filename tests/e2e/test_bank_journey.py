"""An instructor generates questions on an article, approves one and rejects one with the keyboard in the
review queue, edits one in the editor (adding an option row with JavaScript), reads its history with a diff,
and writes a question from a sentence selected in the reader."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.browser
ARTICLE = "faw-leapmotor-stake"


def _current_uid(page) -> str:
    return page.locator(".queue-item.current").get_attribute("data-uid")


def test_instructor_curates_generated_questions(page, live_server):
    login(page, live_server, "instructor")
    page.goto(f"{live_server}/articles/{ARTICLE}")
    page.get_by_role("button", name="Generate questions").click()
    page.locator(".flash", has_text="Generated questions").wait_for()
    page.get_by_role("link", name="Review them in the queue").click()
    page.wait_for_url(re.compile(rf"/bank/review\?article={ARTICLE}$"))
    queue = page.locator(".queue-item")
    # One row per fact (issue 18): the stake article's facts fit on one page, other forms folded under them.
    assert 12 <= queue.count() <= 20
    assert page.locator("details.variants").count() >= 1
    assert page.locator(".queue-item").first.locator("mark.cited").count() >= 1
    screenshot(page, "bank-review-desktop")

    # a: approve the current (best-ranked) question; the queue comes back focused on the next one.
    first, second = queue.nth(0).get_attribute("data-uid"), queue.nth(1).get_attribute("data-uid")
    assert _current_uid(page) == first
    page.keyboard.press("a")
    page.locator(".flash", has_text="Approved 1 question.").wait_for()
    assert page.locator(f"#q-{first}").count() == 0
    assert _current_uid(page) == second

    # j, then r: reject the next one; typing the reason must not trigger the shortcuts (it contains a, e, j, x).
    page.keyboard.press("j")
    target = _current_uid(page)
    assert target != second
    page.keyboard.press("r")
    reason = page.locator(f"#reason-{target}")
    assert reason.evaluate("el => el === document.activeElement")
    reason.press_sequentially("Asks the same as an approved question; just extra wording")
    reason.press("Enter")
    page.locator(".flash", has_text="Rejected 1 question.").wait_for()
    assert page.locator(f"#q-{target}").count() == 0
    page.goto(f"{live_server}/bank/?status=rejected")
    assert "Asks the same as an approved question" in page.locator(f"#q-{target}").inner_text()

    # x selects for a bulk decision; e opens the editor of an mcq.
    page.goto(f"{live_server}/bank/review?article={ARTICLE}&qtype=mcq")
    page.keyboard.press("x")
    assert page.locator(".bulk-count").inner_text().startswith("1 selected")
    page.keyboard.press("x")
    uid = _current_uid(page)
    page.keyboard.press("e")
    page.wait_for_url(f"{live_server}/bank/questions/{uid}/edit")
    editor_url = page.url
    rows = page.locator("#options-rows > li")
    before = rows.count()
    add = page.get_by_role("button", name="Add option row")
    add.click()
    add.click()
    assert rows.count() == before + 2 and page.url == editor_url  # added in place, no round trip
    page.get_by_role("button", name=f"Remove Option {before + 2}").click()
    assert rows.count() == before + 1
    new_row = page.get_by_label(f"Option {before + 1}", exact=True)
    assert new_row.evaluate("el => el.name") == f"options-{before}-text"
    new_row.fill("An option added in the browser")
    page.get_by_label("Note for the history").fill("Fifth option")
    screenshot(page, "bank-editor-desktop")
    page.get_by_role("button", name="Save question").last.click()
    page.locator(".flash", has_text=re.compile(rf"Saved {uid} \(version 2, edited\)")).wait_for()
    assert page.locator("#options-rows > li").count() == before + 1

    page.get_by_role("link", name="History").first.click()
    page.wait_for_url(f"{live_server}/bank/questions/{uid}/history")
    assert "Revision 2: edited" in page.content()
    added = page.locator("#rev-2 .line.ins")
    assert any("An option added in the browser" in text for text in added.all_inner_texts())
    assert "Note: Fifth option" in page.locator("#rev-2").inner_text()
    screenshot(page, "bank-history-desktop")


def test_instructor_writes_a_question_from_a_selected_sentence(page, live_server):
    login(page, live_server, "instructor")
    page.goto(f"{live_server}/articles/{ARTICLE}")
    # With JavaScript the per-sentence links give way to selecting text (they show only when focused).
    assert page.locator("a.write-link").first.bounding_box()["width"] <= 1
    page.evaluate(
        """() => {
          const sentence = document.getElementById('p2s2');
          const text = sentence.firstChild;
          const start = text.textContent.indexOf('US$534 million');
          const range = document.createRange();
          range.setStart(text, start);
          range.setEnd(text, start + 'US$534 million stake'.length);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }"""
    )
    button = page.get_by_role("link", name="Write a question from this sentence")
    button.wait_for()
    screenshot(page, "bank-reader-selection-desktop")
    button.click()
    page.wait_for_url(re.compile(r"/bank/questions/new\?"))
    assert page.get_by_label("Source quote").input_value() == "US$534 million stake"
    assert page.get_by_label("Sentence id", exact=True).input_value() == "p2s2"
    page.get_by_role("link", name="True/false (tf)").click()
    page.get_by_label("Question (stem)").fill("FAW Group paid US$534 million for its stake in Leapmotor.")
    page.get_by_label("True", exact=True).check()
    page.get_by_label("Topic").fill("key-figures")
    page.get_by_role("button", name="Save question").last.click()
    page.locator(
        ".flash", has_text=re.compile(r"Saved w-faw-leapmotor-stake-[0-9a-f]{8} \(version 1, created\)")
    ).wait_for()


def test_bank_pages_fit_a_phone(phone_page, live_server):
    page = phone_page
    login(page, live_server, "instructor")
    for path, name in (
        (f"/bank/review?article={ARTICLE}", "bank-review-phone"),
        ("/bank/questions/flm-kf-001/edit", "bank-editor-phone"),
        ("/bank/questions/flm-pm-005/edit", "bank-editor-short-phone"),
        ("/bank/questions/flm-kf-002/edit", "bank-editor-numeric-phone"),
        ("/bank/", "bank-list-phone"),
    ):
        page.goto(f"{live_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is wider than the phone screen: {width}px"
        screenshot(page, name)


def test_single_key_shortcuts_off_leave_the_review_queue_to_tab_and_enter(page, live_app, live_server):
    """WCAG 2.1.4: with the user's single-key shortcuts setting off (turned off on the settings page), a
    speech-input user saying "a" does not approve the current question, nor does "j" move."""
    from sqlalchemy import select

    from app.auth.service import create_user
    from app.extensions import db
    from app.models import Question

    with live_app.app_context():
        create_user("keys-off", "Kim Keys-off", "casewise-demo-keys", role="instructor")
    login(page, live_server, "keys-off", "casewise-demo-keys")
    page.goto(f"{live_server}/study/settings")
    page.get_by_label("Single-key shortcuts (study, review queue, grading)").uncheck()
    page.get_by_role("button", name="Save").click()
    page.locator(".flash", has_text="Study settings saved.").wait_for()

    page.goto(f"{live_server}/articles/{ARTICLE}")
    page.get_by_role("button", name="Generate questions").click()
    page.locator(".flash", has_text="Generated questions").wait_for()
    page.goto(f"{live_server}/bank/review?article={ARTICLE}")
    assert "Single-key shortcuts are off" in page.locator("#kbd-help").inner_text()
    screenshot(page, "bank-review-shortcuts-off-desktop")
    first = _current_uid(page)
    url = page.url
    for key in ("a", "j", "x"):
        page.keyboard.press(key)
    page.wait_for_timeout(500)  # an approval would have started navigating by now
    assert page.url == url and page.locator(".flash", has_text="Approved").count() == 0
    assert _current_uid(page) == first and page.locator(".queue-item.selected").count() == 0
    with live_app.app_context():
        assert db.session.scalar(select(Question.status).where(Question.uid == first)) == "candidate"

    # The buttons still work: Tab to the current question's Approve and press Enter.
    page.locator(f"#q-{first} form.approve-form button").focus()
    page.keyboard.press("Enter")
    page.locator(".flash", has_text="Approved 1 question.").wait_for()
    assert page.locator(f"#q-{first}").count() == 0


def test_short_answer_and_true_false_feedback_fields_in_the_editor(page, live_server):
    """Per-answer feedback for short answer (a field under each accepted answer, also in a row added with
    JavaScript) and for true/false (one field per answer): typed, saved, and shown again."""
    login(page, live_server, "instructor")
    page.goto(f"{live_server}/bank/questions/flm-pm-005/edit")
    first = page.get_by_label("Feedback for accepted answer 1", exact=True)
    assert first.evaluate("el => el.name") == "accepted-0-feedback"
    first.fill("The supplier the CEO named.")
    rows = page.locator("#accepted-rows > li")
    before = rows.count()
    page.get_by_role("button", name="Add answer row").click()
    assert rows.count() == before + 1
    page.get_by_label(f"Accepted answer {before + 1}", exact=True).fill("Aisin Seiki")
    added = page.get_by_label(f"Feedback for accepted answer {before + 1}", exact=True)
    assert added.evaluate("el => el.name") == f"accepted-{before}-feedback" and added.input_value() == ""
    added.fill("The group's full name; accepted.")
    screenshot(page, "bank-editor-short-feedback-desktop")
    page.get_by_role("button", name="Save question").last.click()
    page.locator(".flash", has_text=re.compile(r"Saved flm-pm-005 \(version 2, edited\)")).wait_for()
    assert page.get_by_label("Feedback for accepted answer 1", exact=True).input_value() == (
        "The supplier the CEO named."
    )
    assert page.get_by_label(f"Feedback for accepted answer {before + 1}", exact=True).input_value() == (
        "The group's full name; accepted."
    )

    page.goto(f"{live_server}/bank/questions/flm-kf-012/edit")
    page.get_by_label("Feedback for students who answer False (optional)").fill("It is more than twice.")
    page.get_by_role("button", name="Save question").last.click()
    page.locator(".flash", has_text=re.compile(r"Saved flm-kf-012 \(version 2, edited\)")).wait_for()
    assert page.get_by_label("Feedback for students who answer False (optional)").input_value() == (
        "It is more than twice."
    )
    assert page.get_by_label("Feedback for students who answer True (optional)").input_value() == ""


def test_numeric_feedback_field_in_the_editor(page, live_server):
    """The feedback for the right number of a numeric question: typed under the number, saved, shown again."""
    login(page, live_server, "instructor")
    page.goto(f"{live_server}/bank/questions/flm-kf-002/edit")
    said = page.get_by_label("Feedback for students who give the right number (optional)")
    assert said.evaluate("el => el.name") == "feedback_answer" and said.input_value().startswith("Right: 5%")
    said.fill("Right: the price in the first paragraph.")
    screenshot(page, "bank-editor-numeric-feedback-desktop")
    page.get_by_role("button", name="Save question").last.click()
    page.locator(".flash", has_text=re.compile(r"Saved flm-kf-002 \(version 2, edited\)")).wait_for()
    assert page.get_by_label("Feedback for students who give the right number (optional)").input_value() == (
        "Right: the price in the first paragraph."
    )


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_refused_reject_keeps_the_lists_filters(request, viewport, live_server):
    """A Reject without a reason is refused and the list comes back in place: the article, topic, type and
    status filters stay set, in the filter form and in the address bar (so a reload shows the same list)."""
    page = request.getfixturevalue(viewport)
    login(page, live_server, "instructor")
    query = "article=faw-leapmotor-stake&topic=key-figures&qtype=numeric&status=approved"
    page.goto(f"{live_server}/bank/review?{query}")
    item = page.locator(".queue-item").first
    uid = item.get_attribute("data-uid")
    item.locator(".reject-form button").click()
    page.locator("#decision-error").wait_for()
    page.locator(f"#reason-{uid}[aria-invalid=true]").wait_for()
    expected = {
        "article": "faw-leapmotor-stake",
        "topic": "key-figures",
        "qtype": "numeric",
        "status": "approved",
    }
    for name, value in expected.items():
        assert page.locator(f"select[name={name}]").input_value() == value, name
    assert page.url == f"{live_server}/bank/review?{query}"
    screenshot(page, f"bank-refused-reject-{viewport}")
    page.reload()
    for name, value in expected.items():
        assert page.locator(f"select[name={name}]").input_value() == value, name
    assert page.locator(f"#q-{uid}").count() == 1


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_generate_for_all_articles_job_links_to_the_review_queue(request, viewport, live_server):
    """The job page of "Generate for all articles" ends with a link to the queue its candidates wait in."""
    page = request.getfixturevalue(viewport)
    login(page, live_server, "instructor")
    page.goto(f"{live_server}/articles/")
    page.get_by_role("button", name="Generate for all articles").click()
    page.wait_for_url(re.compile(r"/jobs/\d+$"), timeout=120_000)
    page.get_by_role("status").filter(has_text="Done.").wait_for(timeout=120_000)
    link = page.get_by_role("link", name="Review the new candidates in the review queue")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the job page is {width}px wide"
    screenshot(page, f"generate-all-job-{viewport}")
    link.click()
    page.wait_for_url(f"{live_server}/bank/review")
    assert page.get_by_role("heading", name="Review queue").is_visible()


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_cloze_feedback_field_beside_each_blank(request, viewport, live_server):
    """Each blank of a cloze question has a feedback field under its accepted answers: a row added with
    JavaScript gets its own; the feedback is saved for every accepted answer of the blank and shown again."""
    page = request.getfixturevalue(viewport)
    login(page, live_server, "instructor")
    page.goto(f"{live_server}/bank/questions/flm-kf-016/edit")
    said = page.get_by_label("Feedback for blank 2", exact=True)
    assert said.evaluate("el => el.name") == "blank_notes-1"
    page.get_by_role("button", name="Add blank row").click()
    added = page.get_by_label("Feedback for blank 3", exact=True)
    assert added.evaluate("el => el.name") == "blank_notes-2"
    page.get_by_role("button", name="Remove Accepted answers for blank 3").click()
    text = f"Changchun, where FAW has its headquarters ({viewport})."
    said.fill(text)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the editor is {width}px wide"
    screenshot(page, f"bank-editor-cloze-feedback-{viewport}")
    page.get_by_role("button", name="Save question").last.click()
    page.locator(".flash", has_text=re.compile(r"Saved flm-kf-016 \(version \d+, edited\)")).wait_for()
    assert page.get_by_label("Feedback for blank 2", exact=True).input_value() == text
    assert page.get_by_label("Feedback for blank 1", exact=True).input_value() == (
        "Right: the MoU was signed on March 3, 2025."
    )  # the seed's, on each of the blank's accepted dates
