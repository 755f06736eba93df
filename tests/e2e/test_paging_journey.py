"""Paging the bank list and the review queue (issue #24) at desktop width and at 390 px: next, previous
and page numbers move through the list, each page shows other questions, and the filters and the page
size stay on every page."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.browser


def _uids(page, row: str) -> list[str]:
    return page.locator(row).evaluate_all("items => items.map(li => li.id)")


def _page_through(page, base: str, path: str, row: str, width: str) -> None:
    page.goto(f"{base}{path}?size=5")
    page.get_by_label("Topic").select_option("key-figures")
    page.get_by_label("Status").select_option("approved")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"topic=key-figures"))
    pager = page.get_by_role("navigation", name="Pages")
    status = pager.locator("span", has_text=re.compile(r"^Page \d+ of \d+"))
    total = int(re.search(r"of (\d+)", status.inner_text()).group(1))
    assert total >= 3, "the seed's key-figures questions fill at least three pages of five"
    first = _uids(page, row)
    assert len(first) == 5

    pager.get_by_role("link", name="Next →").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert f"after={first[-1].removeprefix('q-')}" in page.url  # seeks after the last row shown
    assert all(kept in page.url for kept in ("topic=key-figures", "size=5", "status=approved"))
    second = _uids(page, row)
    assert second and not set(second) & set(first)
    assert pager.locator("[aria-current=page]").inner_text() == "2"
    screenshot(page, f"paging-{path.strip('/').replace('/', '-') or 'bank'}-{width}")

    pager.get_by_role("link", name=f"Page {total}").click()
    page.wait_for_url(re.compile(rf"page={total}"))
    assert "topic=key-figures" in page.url
    assert pager.get_by_role("link", name="Next →").count() == 0
    assert not set(_uids(page, row)) & set(first + second)

    last = _uids(page, row)
    pager.get_by_role("link", name="← Previous").click()
    page.wait_for_url(re.compile(rf"page={total - 1}"))
    assert f"before={last[0].removeprefix('q-')}" in page.url  # seeks before the first row shown
    assert len(_uids(page, row)) == 5 and not set(_uids(page, row)) & set(last)
    pager.get_by_role("link", name="Page 1").click()
    page.wait_for_url(re.compile(r"topic=key-figures"))
    assert _uids(page, row) == first
    assert pager.get_by_role("link", name="← Previous").count() == 0
    # Nothing wider than the screen: the page numbers wrap.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_bank_list_and_review_queue_page_with_their_filters(request, live_server, width):
    page = request.getfixturevalue("page" if width == "desktop" else "phone_page")
    login(page, live_server, "instructor")
    _page_through(page, live_server, "/bank/", "li.bank-item", width)
    _page_through(page, live_server, "/bank/review", "li.queue-item", width)
