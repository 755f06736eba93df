"""Server-rendered SVG charts for the study statistics: no JavaScript, each with a title and description.

Every chart is `role="img"` labelled by its <title> and <desc>; every bar or square has its own
<title> (the exact value), and the pages also print the numbers in a table as the text alternative.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from app.study.stats import HeatDay

WIDTH, HEIGHT = 640, 220
PAD_LEFT, PAD_BOTTOM, PAD_TOP = 36, 28, 12
CELL, GAP = 12, 3


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
    ]


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    points: Sequence[tuple[str, float]],
    max_value: float | None = None,
    unit: str = "",
) -> Markup:
    """Vertical bars, one per (label, value); the first, middle and last labels are printed under them."""
    top = max_value if max_value is not None else max((value for _, value in points), default=0)
    top = top or 1
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_TOP - PAD_BOTTOM
    slot = plot_w / max(len(points), 1)
    parts = _open(chart_id, title, desc, WIDTH, HEIGHT)
    base_y = PAD_TOP + plot_h
    parts.append(f'<line class="axis" x1="{PAD_LEFT}" y1="{base_y}" x2="{WIDTH - 8}" y2="{base_y}"/>')
    parts.append(
        f'<text class="tick" x="{PAD_LEFT - 4}" y="{PAD_TOP + 10}" text-anchor="end">{top:g}{unit}</text>'
    )
    parts.append(f'<text class="tick" x="{PAD_LEFT - 4}" y="{base_y}" text-anchor="end">0</text>')
    # Short series get every label; long ones the first, middle and last, kept inside the frame.
    last = len(points) - 1
    marked = set(range(len(points))) if len(points) <= 8 else {0, len(points) // 2, last}
    for i, (label, value) in enumerate(points):
        height = plot_h * min(value, top) / top
        x = PAD_LEFT + i * slot + slot * 0.15
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{base_y - height:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{height:.1f}"><title>{escape(label)}: {value:g}{escape(unit)}</title></rect>'
        )
        if i in marked:
            anchor = "middle" if len(points) <= 8 or 0 < i < last else ("start" if i == 0 else "end")
            label_x = {"start": x, "middle": x + slot * 0.35, "end": x + slot * 0.7}[anchor]
            parts.append(
                f'<text class="tick" x="{label_x:.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}">'
                f"{escape(label)}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text and attribute went through escape()  # nosec


def heatmap_chart(chart_id: str, title: str, desc: str, days: Sequence[HeatDay]) -> Markup:
    """GitHub-style grid: a column per week (Monday on top), a square per day shaded by its level 0–4."""
    weeks = (len(days) + 6) // 7
    width, height = PAD_LEFT + weeks * (CELL + GAP) + 8, 7 * (CELL + GAP) + 24
    parts = _open(chart_id, title, desc, width, height)
    for label, row in (("Mon", 0), ("Wed", 2), ("Fri", 4)):
        y = row * (CELL + GAP) + CELL
        parts.append(f'<text class="tick" x="{PAD_LEFT - 4}" y="{y}" text-anchor="end">{label}</text>')
    for i, day in enumerate(days):
        x, y = PAD_LEFT + (i // 7) * (CELL + GAP), (i % 7) * (CELL + GAP)
        noun = "review" if day.count == 1 else "reviews"
        parts.append(
            f'<rect class="heat heat-{day.level}" x="{x}" y="{y}" width="{CELL}" height="{CELL}" rx="2">'
            f"<title>{day.day.isoformat()}: {day.count} {noun}</title></rect>"
        )
    if days:
        parts.append(f'<text class="tick" x="{PAD_LEFT}" y="{height - 4}">{days[0].day.isoformat()}</text>')
        parts.append(
            f'<text class="tick" x="{width - 8}" y="{height - 4}" text-anchor="end">{days[-1].day.isoformat()}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text and attribute went through escape()  # nosec
