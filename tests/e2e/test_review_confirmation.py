"""Approving a candidate in the review queue: the page moves on to the next card, and the user still sees the
confirmation there, with the card clear of the sticky "Tick questions below" bar, at desktop and phone widths."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login, screenshot
from tests.e2e.test_demo_journey import demo_server  # noqa: F401 - the seeded server with its review queue

pytestmark = pytest.mark.browser

# Where the confirmation, the card the page scrolled to and the sticky bar are, in viewport pixels.
GEOMETRY = """([uid, text]) => {
  const box = el => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; };
  const status = [...document.querySelectorAll('[role=status]')].find(el => el.innerText.includes(text));
  const bar = document.querySelector('.bulk-bar');
  return {
    viewport: window.innerHeight,
    status: status ? box(status) : null,
    card: box(document.getElementById('q-' + uid)),
    bar: box(bar),
    sticky: getComputedStyle(bar).position === 'sticky',
  };
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_approving_shows_the_confirmation_beside_the_next_card(demo_server, browser, width):  # noqa: F811
    phone = width < 800
    context = browser.new_context(
        viewport={"width": width, "height": 900 if not phone else 844}, is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, demo_server, "instructor")
        page.goto(f"{demo_server}/bank/review")
        cards = page.locator(".queue-item")
        first, second = cards.nth(0).get_attribute("data-uid"), cards.nth(1).get_attribute("data-uid")
        cards.nth(0).locator("form.approve-form button").click()
        page.wait_for_url(f"**/bank/review#q-{second}")
        page.wait_for_load_state("load")
        assert page.locator(f"#q-{first}").count() == 0

        where = page.evaluate(GEOMETRY, [second, "Approved 1 question"])
        screenshot(page, f"review-approved-{width}")
        status, card, bar = where["status"], where["card"], where["bar"]
        assert status is not None, "the confirmation is not a role=status message"
        assert status["top"] >= 0 and status["bottom"] <= where["viewport"], (
            f"the confirmation is out of view at {width} px: {where}"
        )
        assert 0 <= card["top"] < where["viewport"], f"the page did not scroll to the next card: {where}"
        if where["sticky"]:
            assert card["top"] >= bar["bottom"], (
                f"the sticky bar covers the top of the card at {width} px: {where}"
            )
            assert status["top"] >= bar["bottom"], (
                f"the sticky bar covers the confirmation at {width} px: {where}"
            )
    finally:
        context.close()
