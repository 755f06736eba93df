"""The statistics pages in Chromium at 1280 and 390 px: every chart's text at 12 px or more, nothing wider
than the viewport, empty states for a new student, the range selector, a bar's value on tap or keyboard,
and the instructor's class view."""

from __future__ import annotations

import pytest

from tests.e2e.a11y import check_a11y
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_demo_journey import demo_server  # noqa: F401 - the fully seeded server (demo history)

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# Every text node inside the charts: its computed font size and whether it is rendered (tips are hidden
# until a bar is tapped; hidden text is checked when shown).
SMALL_TEXT = """() => {
  const small = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el.getClientRects().length) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 12) small.push(`${el.tagName}.${el.className}: ${size}px "${node.textContent.trim().slice(0, 30)}"`);
  }
  return small;
}"""
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('main *')) {
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > width + 0.5 || r.left < -0.5) && !el.closest('.scroll-x, details:not([open])'))
      wide.push(`${el.tagName}.${el.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
}"""


@pytest.fixture(params=["desktop", "phone"])
def sized(request, browser):
    """(page, width name): a page at 1280 px or as a 390 px touch phone."""
    phone = request.param == "phone"
    context = browser.new_context(viewport=VIEWPORTS[request.param], is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page, request.param
    context.close()


def _readable_and_inside(page, what: str) -> None:
    small = page.evaluate(SMALL_TEXT)
    assert not small, f"{what}: text under 12 px: {small}"
    fit = page.evaluate(TOO_WIDE)
    assert fit["scroll"] <= fit["width"] and not fit["wide"], f"{what}: wider than the viewport: {fit}"


def test_statistics_read_at_every_width(demo_server, sized):  # noqa: F811
    page, width = sized
    login(page, demo_server, "student")
    page.goto(f"{demo_server}/study/stats")
    assert page.locator("figure.chart").count() == 7
    assert page.locator(".empty-state").count() <= 2, "six days of demo history fill most charts"
    _readable_and_inside(page, "1 month")
    screenshot(page, f"stats-month-{width}")

    # Tap (or click) a bar with reviews: its value shows above the chart, readable and inside.
    bars = page.locator("#reviews-chart .bar")
    last = bars.nth(bars.count() - 2)  # yesterday: the demo history ends then
    label = last.get_attribute("aria-label")
    assert label and label.endswith("reviews")
    if width == "phone":
        last.tap()
    else:
        last.click()
    tip = last.locator(".tip")
    tip.wait_for(state="visible")
    assert tip.inner_text() == label
    _readable_and_inside(page, "a tapped bar")
    screenshot(page, f"stats-tapped-{width}")

    # The keyboard tabs to a chart's first bar and moves along with the arrow keys.
    page.locator("#panel-reviews summary").focus()  # the table under the chart before it
    page.keyboard.press("Tab")
    focused = page.locator("#buttons-chart .bar:focus")
    active = page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
    assert focused.count() == 1, active
    assert focused.locator(".tip").inner_text().startswith("Learning, Again:")
    page.keyboard.press("ArrowRight")
    focused = page.locator("#buttons-chart .bar:focus")
    assert focused.locator(".tip").is_visible()
    assert focused.locator(".tip").inner_text().startswith("Learning, Hard:")

    # A heatmap square shows its count when tapped.
    square = page.locator("#heatmap-chart .heat-grid .heat:not(.heat-0)").last
    square.click()
    assert square.locator(".tip").is_visible() and "review" in square.locator(".tip").inner_text()

    # The range selector is plain links: no script needed.
    page.get_by_role("link", name="1 year").click()
    page.wait_for_url("**/study/stats?range=1y")
    assert page.locator('.range-select a[aria-current="page"]').inner_text() == "1 year"
    assert "Reviews per month, 1 year" in page.locator("#reviews-chart").inner_text()
    _readable_and_inside(page, "1 year")
    screenshot(page, f"stats-year-{width}")
    page.goto(f"{demo_server}/study/stats?range=nonsense")
    assert page.locator('.range-select a[aria-current="page"]').inner_text() == "1 month"
    check_a11y(page, f"study statistics ({width})")


def test_a_new_student_sees_what_will_appear(demo_server, sized):  # noqa: F811
    page, width = sized
    login(page, demo_server, "student2")
    page.goto(f"{demo_server}/study/stats")
    empty = page.locator(".empty-state")
    assert empty.count() == 6
    for i in range(empty.count()):
        assert empty.nth(i).is_visible()
    assert page.get_by_text("Your reviews per day will appear here after your first review.").is_visible()
    _readable_and_inside(page, "empty")
    screenshot(page, f"stats-empty-{width}")


def test_the_instructor_reads_the_class_view(demo_server, sized):  # noqa: F811
    page, width = sized
    login(page, demo_server, "instructor")
    page.goto(f"{demo_server}/courses/")
    page.locator("main a", has_text="Demo").first.click()
    page.get_by_role("link", name="Retention and workload by topic").click()
    page.get_by_role("button", name="Refresh now").click()  # a job: its progress page, then back
    page.wait_for_url("**/jobs/*")
    page.locator(".job-state", has_text="Done.").wait_for()
    page.get_by_role("link", name="Back to the course statistics").click()
    chart = page.locator("#class-recall-chart")
    chart.wait_for()  # the statistics page, not the job page the click leaves (count() does not wait)
    assert chart.locator(".bar").count() >= 1, page.locator("main").inner_text()[:800]
    assert "students" in chart.locator(".bar").first.get_attribute("aria-label")
    assert "Figures as of" in page.locator("main").inner_text()
    _readable_and_inside(page, "class view")
    check_a11y(page, f"course statistics ({width})")
    screenshot(page, f"course-stats-{width}")
