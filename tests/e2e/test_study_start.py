"""Opening a deck not yet prepared for today: the page's GET writes nothing and shows a Start form. With
JavaScript the page sends it at once and the first card shows; without JavaScript the student presses
Start and gets the same card. At desktop width and at 390 px."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.browser
DECK = "/study/article/faw-leapmotor-mou"
PASSWORD = "start-deck-pass-phrase"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _student(live_app, username: str) -> None:
    from app.auth.service import create_user

    with live_app.app_context():
        create_user(username, username.title(), PASSWORD)


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_without_javascript_the_student_presses_start(browser, live_app, live_server, viewport):
    username = f"start-nojs-{viewport}"
    _student(live_app, username)
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], is_mobile=viewport == "phone", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, live_server, username, PASSWORD)
        page.goto(f"{live_server}{DECK}")
        start = page.get_by_role("button", name="Start studying")
        assert start.is_visible() and page.locator("#study-card").count() == 0
        if viewport == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, f"study-start-nojs-{viewport}")
        start.click()
        page.wait_for_url(f"**{DECK}")
        assert page.locator("#front").inner_text().strip()
        assert "0 done today" in page.locator("#study-progress-text").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_with_javascript_the_page_starts_the_deck_by_itself(browser, live_app, live_server, viewport):
    username = f"start-js-{viewport}"
    _student(live_app, username)
    context = browser.new_context(viewport=VIEWPORTS[viewport], is_mobile=viewport == "phone")
    page = context.new_page()
    page.set_default_timeout(10_000)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    try:
        login(page, live_server, username, PASSWORD)
        posts.clear()
        page.goto(f"{live_server}{DECK}")
        page.locator("#front").wait_for(state="visible")
        assert [url.removeprefix(live_server) for url in posts] == ["/study/start"]
        assert page.get_by_role("button", name="Start studying").count() == 0
        page.reload()  # prepared: the page shows the card at once, with no second start
        page.locator("#front").wait_for(state="visible")
        assert [url.removeprefix(live_server) for url in posts] == ["/study/start"]
    finally:
        context.close()
