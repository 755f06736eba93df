"""The next card shows without a page load, keyboard only, at desktop width and at 390 px: the grade goes
in the background with its idempotency key, the progress numbers move by exactly one answer, and undo
brings back the previous card with the numbers it had."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.browser
DECK = "/study/article/faw-leapmotor-mou"
PASSWORD = "instant-card-pass-phrase"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _numbers(page) -> tuple[int, int]:
    text = page.locator("#study-progress-text").inner_text()
    match = re.search(r"(\d+) done today · (\d+)\+? left", text)
    assert match, text
    return int(match.group(1)), int(match.group(2))


def _wait_for_prefetch(page) -> None:
    # A deck not yet prepared today first shows its start form, which study.js posts at once and which
    # comes back with a card: wait for the card, so nothing below runs on the page that is going away.
    # Then the page asks for the card after the one on screen; wait until it has it.
    page.locator("#front").wait_for(state="visible")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_grades_show_the_next_card_without_a_page_load_and_undo_restores_the_counts(
    browser, live_app, live_server, viewport
):
    from app.auth.service import create_user

    username = f"instant-{viewport}"
    with live_app.app_context():
        create_user(username, f"Instant {viewport}", PASSWORD)
    phone = viewport == "phone"
    context = browser.new_context(viewport=VIEWPORTS[viewport], is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(10_000)
    posts: list[tuple[str, str]] = []
    page.on(
        "request",
        lambda r: posts.append((r.url, r.headers.get("content-type", ""))) if r.method == "POST" else None,
    )
    try:
        login(page, live_server, username, PASSWORD)
        page.goto(f"{live_server}{DECK}")
        # the Space key is offered where there is a keyboard, not on a touch screen
        assert page.locator("#show-answer kbd").is_visible() is not phone
        _wait_for_prefetch(page)
        page.evaluate("window.__samePage = true")  # gone if anything reloads the page
        start = _numbers(page)
        fronts = [page.locator("#front").inner_text()]
        for answered in (1, 2, 3):
            page.keyboard.press("Space")
            page.locator("#back").wait_for(state="visible")  # the first answer is fetched when asked for
            # the grade is acknowledged, then the card after the new one is fetched: wait for that fetch,
            # or the next grade finds nothing prefetched and posts the form (a page load)
            with page.expect_response(lambda r: "/study/next" in r.url and "after=" in r.url):
                page.keyboard.press("3")
            page.wait_for_function(
                "text => document.querySelector('#front').innerText !== text", arg=fronts[-1]
            )
            fronts.append(page.locator("#front").inner_text())
            assert page.locator("#back").is_hidden()  # the new card starts on its front
            # A new card answered Good leaves today's count (it comes back in 10 minutes).
            assert _numbers(page) == (start[0] + answered, start[1] - answered)
        assert page.evaluate("window.__samePage === true")
        grades = [kind for url, kind in posts if url.endswith("/study/review")]
        assert len(grades) == 3
        # URL-encoded, as the form posts without JavaScript: a multipart body costs the server a parser
        # compiled for each request's boundary.
        assert all(kind.startswith("application/x-www-form-urlencoded") for kind in grades), grades
        if viewport == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, f"study-instant-{viewport}")

        assert page.locator(".undo-form kbd").is_visible() is not phone
        page.keyboard.press("u")  # undo reloads the page with the previous card, on its front
        page.wait_for_url(f"**{DECK}?card=*")
        assert page.locator("#front").inner_text() == fronts[2]
        assert _numbers(page) == (start[0] + 2, start[1] - 2)
        assert "undone" in page.locator("#study-progress-text").inner_text()
    finally:
        context.close()


def test_with_shortcuts_off_single_keys_do_nothing_and_space_presses_the_focused_button(
    browser, live_app, live_server
):
    from app.auth.service import create_user
    from app.extensions import db

    with live_app.app_context():
        user = create_user("no-shortcuts", "No shortcuts", PASSWORD)
        user.study_shortcuts = False
        db.session.commit()
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, live_server, "no-shortcuts", PASSWORD)
        page.goto(f"{live_server}{DECK}")
        _wait_for_prefetch(page)
        front = page.locator("#front").inner_text()
        page.locator("body").press("Space")
        assert page.locator("#back").is_hidden()  # Space is not a shortcut any more
        page.locator("#show-answer").click()
        page.keyboard.press("3")
        assert page.locator("#front").inner_text() == front  # neither is 3
        page.locator("button.grade-3").focus()
        page.keyboard.press("Space")  # Space on a focused button presses it, as everywhere
        page.wait_for_function("text => document.querySelector('#front').innerText !== text", arg=front)
        assert _numbers(page)[0] == 1
    finally:
        context.close()
