"""A student studies the FAW–Leapmotor deck with the keyboard alone, undoes a grade, and opens the statistics."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.browser
DECK = "/study/article/faw-leapmotor-mou"


def test_student_studies_with_the_keyboard(page, live_server):
    login(page, live_server, "student")
    page.goto(f"{live_server}{DECK}")
    front = page.locator("#front").inner_text()
    back = page.locator("#back")
    assert back.is_hidden()
    page.keyboard.press("Space")
    back.wait_for(state="visible")  # the answer is fetched when asked for
    assert page.locator("button.grade-3 .grade-interval").inner_text() == "10m"
    screenshot(page, "study-desktop")
    page.keyboard.press("3")
    page.wait_for_function(
        "text => document.querySelector('#front') && document.querySelector('#front').innerText !== text",
        arg=front,
    )
    assert "1 done today" in page.locator("#study-progress-text").inner_text()
    page.keyboard.press("u")
    page.wait_for_url(f"**{DECK}?card=*")
    assert page.locator("#front").inner_text() == front
    assert "Last grade undone." in page.content()
    page.get_by_role("link", name="Statistics").click()
    page.wait_for_url(f"{live_server}/study/stats")
    assert page.locator("figure.chart").count() == 7
    screenshot(page, "study-stats-desktop")


def test_student_studies_on_a_phone(phone_page, live_server):
    page = phone_page
    login(page, live_server, "student2")
    page.goto(f"{live_server}{DECK}")
    page.get_by_role("link", name="Show answer").tap()
    page.locator("#back").wait_for(state="visible")
    grades = page.locator(".grades button")
    assert grades.count() == 4 and grades.nth(3).is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(page, "study-phone")
