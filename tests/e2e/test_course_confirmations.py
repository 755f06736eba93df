"""The course page asks before a step that cannot be undone: a new join code (the old one stops working)
and removing a student. Dismissed, nothing changes; accepted, it is done. At 1280 and 390 px."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", sorted(SIZES))
def test_a_new_join_code_is_made_only_after_a_confirmation(browser, live_app, live_server, size):
    from app.auth.service import find_user
    from app.courses.service import create_course

    with live_app.app_context():
        course = create_course(find_user("instructor"), f"Confirmations {size}")
        course_id, code = course.id, course.join_code
    context = browser.new_context(viewport=SIZES[size], is_mobile=size == "phone", has_touch=size == "phone")
    page = context.new_page()
    page.set_default_timeout(10_000)
    asked: list[str] = []
    try:
        login(page, live_server, "instructor")
        page.goto(f"{live_server}/courses/{course_id}")
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.get_by_role("button", name="New join code").click()
        assert asked and code in asked[0] and "stops working" in asked[0]
        page.wait_for_timeout(300)  # a dismissed confirm posts nothing
        assert page.locator("strong.code").inner_text() == code
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="New join code").click()
        page.wait_for_function("code => document.querySelector('strong.code').innerText !== code", arg=code)
        assert re.fullmatch(r"[A-Z0-9]{6,}", page.locator("strong.code").inner_text())
    finally:
        context.close()
