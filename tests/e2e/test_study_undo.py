"""Undo in Chromium takes back the last answer, even when that card was prefetched before the card answered
before it; after an undo, a reload never traps the student on the undone card; a grade the server refuses
(answered in another tab) shows its reason and the student goes on."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.browser
DECK = "/study/article/faw-leapmotor-mou"
PASSWORD = "undo-card-pass-phrase"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _card(page) -> str:
    return page.locator("#study-card").get_attribute("data-card-id")


def _answer(page, key: str) -> str:
    """Show the answer of the card on screen and grade it with `key`; returns that card's id once the
    next card is on screen."""
    page.wait_for_load_state("networkidle")  # the card after it is prefetched
    card = _card(page)
    page.keyboard.press("Space")
    page.locator("#back").wait_for(state="visible")
    # The next card shows before the grade is acknowledged; wait for the acknowledgement too, so a reload
    # right after cannot overtake the grade (a busy machine showed the graded card again).
    with page.expect_response(lambda r: r.request.method == "POST" and "/study/" in r.url):
        page.keyboard.press(key)
    page.wait_for_function("id => document.querySelector('#study-card').dataset.cardId !== id", arg=card)
    return card


def _student(live_app, browser, name: str, viewport: str):
    from app.auth.service import create_user

    with live_app.app_context():
        create_user(name, name.title(), PASSWORD)
    context = browser.new_context(viewport=VIEWPORTS[viewport], is_mobile=viewport == "phone")
    return context


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_undo_brings_back_the_last_card_answered_and_a_reload_moves_on(
    browser, live_app, live_server, viewport
):
    context = _student(live_app, browser, f"undoer-{viewport}", viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, live_server, f"undoer-{viewport}", PASSWORD)
        page.goto(f"{live_server}{DECK}")
        card_a = _answer(page, "3")
        card_b = _answer(page, "1")
        page.wait_for_load_state("networkidle")
        page.keyboard.press("u")
        page.wait_for_url(f"**{DECK}?card={card_b}")
        assert _card(page) == card_b  # was card A: the latest reviewed_at, not the last answer
        assert "undone" in page.locator("#study-progress-text").inner_text()
        screenshot(page, f"study-undo-last-{viewport}")
        assert _answer(page, "3") == card_b
        assert "card=" not in page.url  # replaced once the undone card was graded
        moved_on = _answer(page, "3")
        page.wait_for_load_state("networkidle")
        page.reload()
        assert _card(page) not in (card_b, moved_on)
        assert "undone" not in page.locator("#study-progress-text").inner_text()
        assert card_a != card_b
        if viewport == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_a_grade_refused_for_its_card_shows_why_and_the_next_card(browser, live_app, live_server):
    context = _student(live_app, browser, "two-tabs", "desktop")
    page = context.new_page()
    other = context.new_page()
    page.set_default_timeout(10_000)
    other.set_default_timeout(10_000)
    try:
        login(page, live_server, "two-tabs", PASSWORD)
        page.goto(f"{live_server}{DECK}")
        page.wait_for_load_state("networkidle")
        card = _card(page)
        page.keyboard.press("Space")
        page.locator("#back").wait_for(state="visible")  # its buttons on screen, the next card fetched
        page.wait_for_load_state("networkidle")
        other.goto(f"{live_server}{DECK}")
        assert _card(other) == card
        _answer(other, "3")  # answered in the other tab: no longer due here
        page.evaluate("window.__samePage = true")
        page.keyboard.press("3")
        notice = page.locator("#study-notice")
        notice.wait_for(state="visible")
        assert "not due" in notice.inner_text()
        assert page.evaluate("window.__samePage === true")  # no reload onto the same card
        assert _card(page) != card
        screenshot(page, "study-grade-refused")
    finally:
        context.close()


@pytest.fixture(scope="module")
def bfcache_browser(browser):
    """Chromium as a user runs it, with the back-forward cache on (Playwright turns it off by default)."""
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    instance = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        ignore_default_args=["--disable-back-forward-cache"],
    )
    yield instance
    instance.close()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_back_after_undo_never_shows_an_answered_card_as_due(
    bfcache_browser, live_app, live_server, viewport
):
    """Answer two cards, undo the second, answer it and the next, then press Back: the page Back returns to
    (which showed that next card) is loaded again, not restored from the back-forward cache, so it shows a
    card still due, never one just answered as if it were not."""
    context = _student(live_app, bfcache_browser, f"back-after-undo-{viewport}", viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, live_server, f"back-after-undo-{viewport}", PASSWORD)
        page.goto(f"{live_server}{DECK}")
        answered = {_answer(page, "3")}
        card_b = _answer(page, "3")
        page.wait_for_load_state("networkidle")
        page.evaluate("window.__kept = true")  # still set after Back only if this page was kept whole
        page.keyboard.press("u")
        page.wait_for_url(f"**{DECK}?card={card_b}")
        answered.add(_answer(page, "3"))
        answered.add(_answer(page, "3"))
        page.wait_for_load_state("networkidle")
        page.go_back(wait_until="commit")
        page.wait_for_function("() => document.readyState === 'complete' && window.__kept === undefined")
        page.locator("#study-card").wait_for()
        assert _card(page) not in answered, "Back shows a card already answered as if it were due"
        screenshot(page, f"study-back-after-undo-{viewport}")
    finally:
        context.close()
