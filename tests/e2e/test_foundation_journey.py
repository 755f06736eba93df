"""A new user registers and reads both seed articles; an instructor sees the excluded spans marked."""

from __future__ import annotations

import re

from tests.e2e.conftest import login, screenshot

pytestmark = __import__("pytest").mark.browser


def test_new_student_registers_and_reads_the_case(page, live_server):
    page.goto(f"{live_server}/register")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Your name").fill("New Comer")
    page.get_by_label("Password", exact=True).fill("a long pass phrase")
    page.get_by_label("Repeat the password").fill("a long pass phrase")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{live_server}/dashboard")
    assert "Welcome, New Comer" in page.content()
    page.get_by_role("link", name="Articles", exact=True).click()
    links = page.get_by_role("link", name=re.compile("Leapmotor"))
    assert links.count() == 2
    page.get_by_role("link", name=re.compile("Stake Reveals")).click()
    body = page.locator("article.reader").inner_text()
    assert "US$534 million stake" in body
    assert "MrPeasy" not in body  # boilerplate is hidden from students
    screenshot(page, "reader-student-desktop")


def test_instructor_sees_boilerplate_marked_with_reasons(page, live_server):
    login(page, live_server, "instructor")
    page.goto(f"{live_server}/articles/faw-leapmotor-stake")
    excluded = page.locator(".excluded")
    assert excluded.count() >= 6
    reasons = page.locator(".excluded-reason").all_inner_texts()
    assert any("Advertisement" in r for r in reasons)
    assert any("Glued fragment" in r for r in reasons)
    assert "MrPeasy" in page.locator(".excluded").all_inner_texts().__str__()
    screenshot(page, "reader-instructor-desktop")


def test_wrong_join_code_and_phone_layout(phone_page, live_server):
    login(phone_page, live_server, "student2")
    phone_page.goto(f"{live_server}/courses/")
    phone_page.get_by_label("Join code").fill("WRONG123")
    phone_page.get_by_role("button", name="Join course").click()
    assert "No course has that join code" in phone_page.content()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is wider than the phone screen: {width}px"
    screenshot(phone_page, "courses-phone")
