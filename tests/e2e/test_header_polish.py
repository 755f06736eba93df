"""The signed-out header in Chromium: the Register button's text sits in the middle of the button, and the
page's icon loads (no /favicon.ico 404), at desktop and phone widths."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

GAPS = """() => {
  const button = document.querySelector('.nav a.button');
  const box = button.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(button);
  const text = range.getBoundingClientRect();
  return [text.top - box.top, box.bottom - text.bottom];
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_register_text_is_centred_and_the_icon_loads(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    try:
        page.goto(f"{live_server}/login")
        above, below = page.evaluate(GAPS)
        assert abs(above - below) <= 3, (above, below)  # font metrics; top-aligned text was ~7 px off
        icon = page.evaluate("document.querySelector('link[rel=icon]').href")
        assert page.request.get(icon).status == 200
        assert page.request.get(f"{live_server}/favicon.ico").status == 200
        assert missing == []
    finally:
        context.close()
