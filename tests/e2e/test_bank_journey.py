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
