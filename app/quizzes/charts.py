"""An SVG chart of item facility and discrimination: plain markup from plain numbers, no scripts or styles.

Presentation attributes only (fill, stroke), so it renders under the site's CSP without inline styles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from markupsafe import Markup

from app.quizzes.analysis import ItemStats

ROW = 28
LABEL_W = 70
PLOT_W = 200
GAP = 40
TOP = 34
FACILITY_FILL = "#0b5cad"
POSITIVE_FILL = "#1a6b32"
NEGATIVE_FILL = "#a4161a"


def _text(x: float, y: float, text: str, anchor: str = "start", size: int = 12) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="#1b1f24">'
        f"{escape(text)}</text>"
    )


# Below this many attempts the discrimination index is not shown (the analysis table says "too few").
FEW_ATTEMPTS = 10


def item_chart(items: Sequence[ItemStats], labels: Mapping[object, str] | None = None) -> Markup:
    """Two bar columns per question: facility (0–100 %) and discrimination index (−100 to 100 %).

    Each bar has a <title> with the exact value; an undefined statistic is drawn as "n/a" instead of a bar.
    """
    labels = labels or {}
    height = TOP + ROW * max(len(items), 1) + 10
    fac_x = LABEL_W
    dis_x = LABEL_W + PLOT_W + GAP
    dis_zero = dis_x + PLOT_W / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="item-chart" role="img" '
        f'viewBox="0 0 {dis_x + PLOT_W + 10} {height}" aria-labelledby="chart-title">',
        '<title id="chart-title">Facility and discrimination index per question</title>',
        _text(fac_x, 14, "Facility (%)"),
        _text(dis_x, 14, "Discrimination (%)"),
        _text(fac_x, 28, "0", size=10),
        _text(fac_x + PLOT_W, 28, "100", "end", 10),
        _text(dis_x, 28, "−100", size=10),
        _text(dis_zero, 28, "0", "middle", 10),
        _text(dis_x + PLOT_W, 28, "100", "end", 10),
        f'<line x1="{dis_zero}" y1="{TOP - 4}" x2="{dis_zero}" y2="{height - 6}" stroke="#8a96a3"/>',
    ]
    for row, item in enumerate(items):
        y = TOP + row * ROW
        mid = y + ROW / 2 + 4
        name = f"Q{row + 1}"
        full = labels.get(item.question_id, str(item.question_id))
        parts.append(f"<g><title>{escape(name)}: {escape(full)}</title>{_text(4, mid, name)}</g>")
        parts.append(f'<rect x="{fac_x}" y="{y + 5}" width="{PLOT_W}" height="{ROW - 10}" fill="#e8edf2"/>')
        if item.facility is None:
            parts.append(_text(fac_x + 4, mid, "n/a"))
        else:
            width = PLOT_W * max(0.0, min(item.facility, 100.0)) / 100
            parts.append(
                f'<rect x="{fac_x}" y="{y + 5}" width="{width:.1f}" height="{ROW - 10}" fill="{FACILITY_FILL}">'
                f"<title>{escape(name)} facility {item.facility:.1f}%</title></rect>"
            )
        if item.n < FEW_ATTEMPTS:  # as the table says: no bar that looks like a finding
            parts.append(_text(dis_x + 4, mid, f"too few attempts (n < {FEW_ATTEMPTS})", size=10))
        elif item.discrimination_index is None:
            parts.append(_text(dis_zero + 4, mid, "n/a"))
        else:
            value = max(-100.0, min(item.discrimination_index, 100.0))
            width = PLOT_W / 2 * abs(value) / 100
            x = dis_zero if value >= 0 else dis_zero - width
            fill = POSITIVE_FILL if value >= 0 else NEGATIVE_FILL
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 5}" width="{width:.1f}" height="{ROW - 10}" fill="{fill}">'
                f"<title>{escape(name)} discrimination {item.discrimination_index:.1f}%</title></rect>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through html.escape  # nosec
