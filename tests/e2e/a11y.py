"""Accessibility checks for the browser tests: axe-core in the page, a visible keyboard focus, and
screenshots at phone and desktop widths.

axe-core comes bundled in the pinned `axe-playwright-python` wheel (no download at run time); it runs its
default rule set (WCAG 2.0/2.1 A and AA plus best practices) and WCAG 2.2's target-size rule, and a test
fails on any violation whose impact is serious or critical, and on any "incomplete" result (axe could not
decide) of a rule about a missing accessible name: a control axe cannot prove is named is treated as unnamed.
Weaker findings are printed with the output of a failing test.
"""

from __future__ import annotations

from axe_playwright_python.base import AXE_SCRIPT

from tests.e2e.conftest import screenshot

BLOCKING = ("serious", "critical")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# What can change when the page reflows to a phone's width; the full rule set runs at desktop width.
PHONE_RULES = ("scrollable-region-focusable", "target-size", "meta-viewport", "meta-viewport-large", "region")
# Rules about a control's accessible name: an "incomplete" result of these fails like a violation.
NAME_RULES = (
    "label",
    "button-name",
    "link-name",
    "input-button-name",
    "input-image-alt",
    "select-name",
    "aria-input-field-name",
    "aria-toggle-field-name",
    "aria-command-name",
    "frame-title",
    "image-alt",
)
MIN_FOCUS_CONTRAST = 3.0  # WCAG 1.4.11: a focus indicator is a non-text graphic, 3:1 against its surroundings

_FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  let bg = 'rgba(0, 0, 0, 0)';
  for (let node = el.parentElement; node; node = node.parentElement) {
    const c = getComputedStyle(node).backgroundColor;
    if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') { bg = c; break; }
  }
  return {
    what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' +
      (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40) + '"',
    outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
    outlineColor: s.outlineColor, background: bg === 'rgba(0, 0, 0, 0)' ? 'rgb(255, 255, 255)' : bg,
    width: r.width, height: r.height, left: r.left, top: r.top,
    viewportWidth: window.innerWidth,
  };
}"""


# The page's width when it is wider than the window, with the outermost elements that stick out.
_OVERFLOW_JS = """() => {
  const limit = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= limit) return null;
  const out = el => el.getBoundingClientRect().right > limit + 1;
  const wide = [...document.querySelectorAll('body *')].filter(el => out(el) && !out(el.parentElement));
  const classes = el => String(el.className).trim().split(/\\s+/).filter(Boolean);
  const name = el => [el.tagName.toLowerCase(), ...classes(el)].join('.');
  return {width: document.documentElement.scrollWidth, culprits: wide.slice(0, 5).map(name)};
}"""


def axe_violations(page, rules: tuple[str, ...] | None = None) -> list[dict]:
    """The axe-core violations on the page as it is now: of the default rules and target-size, or only of
    `rules`."""
    return axe_results(page, rules)["violations"]


def axe_results(page, rules: tuple[str, ...] | None = None) -> dict:
    """axe-core's results as it returns them ("violations" and "incomplete" with their nodes)."""
    if not page.evaluate("() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        page.evaluate(AXE_SCRIPT)
    options: dict = {"resultTypes": ["violations", "incomplete"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": list(rules)}
    else:  # the default set, plus WCAG 2.2's minimum touch target (2.5.8), which axe leaves off by default
        options["rules"] = {"target-size": {"enabled": True}}
    return page.evaluate("options => axe.run(document, options)", options)


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' > '.join(str(t) for t in node['target'])}: {summary[:300]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def check_a11y(page, name: str, rules: tuple[str, ...] | None = None) -> None:
    """Fail on any serious or critical axe-core violation, and on any undecided accessible-name check,
    naming the rule, its help and the nodes."""
    results = axe_results(page, rules)
    violations = results["violations"]
    undecided = [
        {**v, "impact": f"{v.get('impact') or 'unknown'}, incomplete"}
        for v in results["incomplete"]
        if v["id"] in NAME_RULES and v["nodes"]
    ]
    blocking = [v for v in violations if v["impact"] in BLOCKING] + undecided
    minor = [v for v in violations if v["impact"] not in BLOCKING]
    if minor:
        print(f"axe, {name} ({page.url}), not blocking:\n{describe(minor)}")
    assert not blocking, (
        f"axe-core found {len(blocking)} serious/critical accessibility violation(s) or unnamed control(s)"
        f" on {name} ({page.url}):\n" + describe(blocking)
    )


def _rgb(css: str) -> tuple[float, float, float]:
    inside = css[css.index("(") + 1 : css.index(")")].replace("/", " ").replace(",", " ").split()
    return tuple(float(x) for x in inside[:3])  # type: ignore[return-value]


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(_rgb(a)), _luminance(_rgb(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def assert_focus_visible(page) -> str:
    """The focused element is on screen and drawn with an outline of at least 2px that contrasts 3:1 with
    the background around it. Returns a description of the element."""
    focus = page.evaluate(_FOCUS_JS)
    assert focus is not None, f"nothing has the keyboard focus on {page.url}"
    what = focus["what"]
    assert focus["width"] > 0 and focus["height"] > 0, f"{what} has the focus but is not displayed"
    assert focus["left"] + focus["width"] > 0 and focus["left"] < focus["viewportWidth"], (
        f"{what} has the focus but is off screen"
    )
    assert focus["outlineStyle"] != "none" and focus["outlineWidth"] >= 2, (
        f"{what} has the focus but no visible outline ({focus['outlineStyle']} {focus['outlineWidth']}px)"
    )
    ratio = contrast(focus["outlineColor"], focus["background"])
    assert ratio >= MIN_FOCUS_CONTRAST, (
        f"{what}: focus outline {focus['outlineColor']} on {focus['background']} has contrast {ratio:.2f}:1"
    )
    return what


def tab_through(page, stops: int) -> list[str]:
    """Press Tab `stops` times (from the top on a freshly loaded page), checking the focus is visible at
    each stop."""
    seen = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        seen.append(assert_focus_visible(page))
    return seen


def capture(page, name: str, *, a11y: bool = True) -> None:
    """Check the page with axe and screenshot it at desktop and phone widths (tests/screenshots/
    NAME-desktop.png and NAME-phone.png); at phone width the page itself may not scroll sideways."""
    page.wait_for_load_state()
    if a11y:
        check_a11y(page, name)
    page.set_viewport_size(DESKTOP)
    screenshot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    try:
        overflow = page.evaluate(_OVERFLOW_JS)
        assert overflow is None, (
            f"{name} scrolls sideways on a phone: {overflow['width']}px wide in {PHONE['width']}px;"
            f" too wide: {overflow['culprits']}"
        )
        if a11y:
            check_a11y(page, f"{name} at phone width", PHONE_RULES)
        screenshot(page, f"{name}-phone")
    finally:
        page.set_viewport_size(DESKTOP)


# Whether the focused element is hidden by a sticky bar (one it is not inside), or off screen.
_COVERED_JS = """sticky => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  const what = el.tagName.toLowerCase() + '[name=' + (el.name || '') + '] ' +
    (el.textContent || '').trim().slice(0, 30);
  for (const sel of sticky) {
    const bar = document.querySelector(sel);
    if (!bar || bar.contains(el) || !['sticky', 'fixed'].includes(getComputedStyle(bar).position)) continue;
    const b = bar.getBoundingClientRect();
    const overlap = Math.min(r.bottom, b.bottom) - Math.max(r.top, b.top);
    if (overlap > 1 && r.right > b.left && r.left < b.right) return what + ' under ' + sel;
  }
  if (r.bottom < 0 || r.top > window.innerHeight) return what + ' off screen';
  return null;
}"""


def assert_focus_not_covered(page, sticky: tuple[str, ...]) -> None:
    """WCAG 2.4.11: the focused control is on screen and not under any of the `sticky` bars (CSS
    selectors of elements that stay in view), unless it is inside that bar."""
    covered = page.evaluate(_COVERED_JS, list(sticky))
    assert covered is None, f"the focused control is hidden on {page.url}: {covered}"
