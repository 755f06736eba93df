"""A student changes their name and password from the header's link to the account page, at 1280 and 390 px,
then logs in again with the new password."""

from __future__ import annotations

import re

import pytest

from tests.e2e.a11y import _OVERFLOW_JS, check_a11y
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
OLD, NEW = "account-old-pass-phrase", "account-new-pass-phrase"


@pytest.mark.parametrize("size", sorted(SIZES))
def test_a_student_renames_and_changes_the_password(browser, live_app, live_server, size):
    from app.auth.service import create_user

    username = f"account-{size}"
    with live_app.app_context():
        create_user(username, f"Ada {size}", OLD)
    context = browser.new_context(viewport=SIZES[size], is_mobile=size == "phone", has_touch=size == "phone")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, live_server, username, OLD)
        page.get_by_role("link", name=re.compile(f"Ada {size}")).click()
        page.wait_for_url("**/account")
        check_a11y(page, f"account page ({size})")
        if size == "phone":
            assert page.evaluate(_OVERFLOW_JS) is None
        page.get_by_label("Your name").fill(f"Ada Lovelace {size}")
        page.get_by_role("button", name="Save name").click()
        page.get_by_text("Your name is saved.").wait_for()
        assert page.get_by_role("link", name=re.compile(f"Ada Lovelace {size}")).is_visible()
        # A wrong current password is refused beside its field; nothing changes.
        page.get_by_label("Current password").fill("not-my-password")
        page.get_by_label("New password", exact=True).fill(NEW)
        page.get_by_label("Repeat the new password").fill(NEW)
        page.get_by_role("button", name="Change password").click()
        assert "not your current password" in page.locator("#password-current-error").inner_text()
        page.get_by_label("Current password").fill(OLD)
        page.get_by_label("New password", exact=True).fill(NEW)
        page.get_by_label("Repeat the new password").fill(NEW)
        page.get_by_role("button", name="Change password").click()
        page.get_by_text("Your password is changed.").wait_for()
        screenshot(page, f"account-{size}")
        page.get_by_role("button", name="Log out").click()
        login(page, live_server, username, NEW)
        assert page.url.endswith("/dashboard")
    finally:
        context.close()
