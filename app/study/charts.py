"""Server-rendered charts for the study statistics: HTML text, SVG only for bar shapes.

Every label is HTML text sized by the stylesheet (never scaled with a drawing), so it stays readable at
any width; a bar's shape is a tiny stretched SVG inside a focusable image named by its value. Tapping or
clicking a bar shows its value above the chart (CSS :focus, no script); the keyboard tabs to a chart's
first bar and moves with the arrow keys (stats.js), and each chart's table holds the same values.
A chart with nothing to show says what will appear instead. The style sheet (stats.css) holds every
size, so the pages' CSP needs no inline style.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from app.study.stats import (
    BUTTONS,
    COURSE_WINDOW_DAYS,
    ButtonGroup,
    HeatDay,
    RetentionPoint,
    StatsPage,
    TopicRecall,
    TopicSummary,
)


@dataclass(frozen=True)
class Bar:
    label: str  # under the axis (the first, middle and last of a long series)
    value: float
    tip: str  # what tapping the bar shows and what a screen reader reads


def _figure(chart_id: str, title: str, desc: str, body: str, extra_class: str = "") -> Markup:
    """A chart as a figure whose caption is its panel's heading (h2) and description."""
    cid = escape(chart_id)
    return Markup(  # noqa: S704 - every text and attribute went through escape()  # nosec
        f'<figure class="chart {escape(extra_class)}" id="{cid}" aria-labelledby="{cid}-title" '
        f'aria-describedby="{cid}-desc"><figcaption><h2 class="chart-title" id="{cid}-title">{escape(title)}</h2>'
        f'<p class="chart-desc" id="{cid}-desc">{escape(desc)}</p></figcaption>{body}</figure>'
    )


def empty_state(chart_id: str, title: str, message: str) -> Markup:
    """The chart's place when it has nothing to show: its title and what will appear there."""
    cid = escape(chart_id)
    return Markup(  # noqa: S704 - every text and attribute went through escape()  # nosec
        f'<figure class="chart chart-empty" id="{cid}" aria-labelledby="{cid}-title">'
        f'<figcaption><h2 class="chart-title" id="{cid}-title">{escape(title)}</h2></figcaption>'
        f'<p class="empty-state">{escape(message)}</p></figure>'
    )


def _bar(bar: Bar, top: float, first: bool = False) -> str:
    """One bar: an image named by its value, focused by a tap, a click or the arrow keys (stats.js keeps
    one bar per chart in the tab order), which shows the value above the plot."""
    height = 100 * min(max(bar.value, 0), top) / top
    if 0 < height < 1.5:
        height = 1.5  # a bar with a value is always visible
    return (
        f'<li><span class="bar" role="img" tabindex="{0 if first else -1}" aria-label="{escape(bar.tip)}">'
        '<svg viewBox="0 0 10 100" preserveAspectRatio="none" aria-hidden="true" focusable="false">'
        f'<rect class="bar-fill" x="1" y="{100 - height:.1f}" width="8" height="{height:.1f}"/></svg>'
        f'<span class="tip" aria-hidden="true">{escape(bar.tip)}</span></span></li>'
    )


def _bars(bars: Sequence[Bar], top: float) -> str:
    return "".join(_bar(bar, top, first=i == 0) for i, bar in enumerate(bars))


def _axis(labels: Sequence[str]) -> str:
    """Labels under a plot: under every bar of a short series, else the first, middle and last."""
    if len(labels) <= 7:
        marked = list(labels)
        cls = "axis-labels axis-every"
    else:
        marked = [labels[0], labels[len(labels) // 2], labels[-1]]
        cls = "axis-labels"
    return (
        f'<div class="{cls}" aria-hidden="true">'
        + "".join(f"<span>{escape(x)}</span>" for x in marked)
        + "</div>"
    )


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    empty: str,
    max_value: float | None = None,
    unit: str = "",
) -> Markup:
    """Vertical bars, one per Bar; `empty` replaces the chart when every value is zero (or none)."""
    if not any(bar.value for bar in bars):
        return empty_state(chart_id, title, empty)
    top = max_value if max_value is not None else max(bar.value for bar in bars)
    top = top or 1
    count = "many" if len(bars) > 40 else "few"
    body = (
        '<div class="chart-plot">'
        f'<span class="chart-max" aria-hidden="true">{top:g}{escape(unit)}</span>'
        f'<ol class="bars bars-{count}" aria-label="{escape(title)}, one bar per value">'
        + _bars(bars, top)
        + "</ol>"
        + _axis([bar.label for bar in bars])
        + "</div>"
    )
    return _figure(chart_id, title, desc, body)


def button_chart(chart_id: str, title: str, desc: str, groups: Sequence[ButtonGroup], empty: str) -> Markup:
    """Anki's answer buttons: per kind of card (learning, young, mature), a bar per button and the share
    correct (not Again) in the group's heading."""
    if not any(group.total for group in groups):
        return empty_state(chart_id, title, empty)
    top = max(max(group.counts) for group in groups) or 1
    parts = ['<div class="button-groups">']
    for group in groups:
        correct = f"{group.correct * 100:.0f}% correct" if group.correct is not None else "no answers"
        heading = f"{group.name.capitalize()}: {correct} ({group.total} answers)"
        bars = [
            Bar(button, n, f"{group.name.capitalize()}, {button}: {n} of {group.total}")
            for button, n in zip(BUTTONS, group.counts, strict=True)
        ]
        parts.append(
            f'<div class="chart-plot button-group"><p class="group-title">{escape(heading)}</p>'
            f'<ol class="bars bars-few" aria-label="{escape(heading)}">'
            + _bars(bars, top)
            + "</ol>"
            + _axis(list(BUTTONS))
            + "</div>"
        )
    parts.append("</div>")
    return _figure(chart_id, title, desc, "".join(parts))


def heatmap_chart(chart_id: str, title: str, desc: str, days: Sequence[HeatDay], empty: str) -> Markup:
    """A square per day, shaded by its level 0–4, a column per week (Monday on top); on narrow screens a
    row per week while that stays short (13 weeks), else columns that share the width. A square shows
    its count when tapped, clicked or reached by the arrow keys (today's square is in the tab order; a
    year of tab stops would be a trap)."""
    if not any(day.count for day in days):
        return empty_state(chart_id, title, empty)
    cells = []
    for day in days:
        noun = "review" if day.count == 1 else "reviews"
        text = f"{day.day.isoformat()} ({day.day:%a}): {day.count} {noun}"
        cells.append(
            f'<span class="heat heat-{day.level}" tabindex="{0 if day is days[-1] else -1}" role="img" '
            f'aria-label="{escape(text)}">'
            f'<span class="tip" aria-hidden="true">{escape(text)}</span></span>'
        )
    lead = days[0].day.weekday()
    pad = '<span class="heat heat-pad" aria-hidden="true"></span>' * lead
    body = (
        '<div class="chart-plot heat-plot">'
        f'<div class="heat-grid{" heat-long" if len(days) > 13 * 7 else ""}" role="group" '
        f'aria-label="{escape(title)}">{pad}{"".join(cells)}</div>'
        + f'<p class="heat-span">{days[0].day.isoformat()} to {days[-1].day.isoformat()}, weeks from Monday</p>'
        + '<p class="heat-legend" aria-hidden="true">Less <span class="heat heat-0"></span>'
        '<span class="heat heat-1"></span><span class="heat heat-2"></span><span class="heat heat-3"></span>'
        '<span class="heat heat-4"></span> More</p></div>'
    )
    return _figure(chart_id, title, desc, body, "heatmap")


def student_charts(page: StatsPage) -> dict[str, Markup]:
    """Every chart of the student's statistics page, from its view model."""
    span = page.range.label.lower() if page.range.days else "all time"
    per = {"day": "day", "week": "week", "month": "month", "year": "year"}[page.grain]
    return {
        "states": bar_chart(
            "states-chart",
            "Cards by state",
            "How many cards are new, learning, in review and relearning.",
            [
                Bar(name.capitalize(), n, f"{name.capitalize()}: {n} cards")
                for name, n in page.by_state.items()
            ],
            "Your cards will appear here by state once the bank has questions to study.",
        ),
        "forecast": bar_chart(
            "forecast-chart",
            f"Due forecast, {span}",
            "Cards due per study day (or week, month) from today; today includes overdue cards. "
            "New cards are not counted.",
            [Bar(b.label, b.value, f"{b.label}: {b.value} due") for b in page.forecast],
            "Cards you have studied will appear here on the day they are due again.",
        ),
        "reviews": bar_chart(
            "reviews-chart",
            f"Reviews per {per}, {span}",
            f"Number of answers given each {per}.",
            [Bar(b.label, b.value, f"{b.label}: {b.value} {_noun(b.value, 'review')}") for b in page.reviews],
            f"Your reviews per {per} will appear here after your first review.",
        ),
        "retention": bar_chart(
            "retention-chart",
            f"True retention per {per}, {span}",
            "Share of answers on cards in review that were not graded Again (learning steps left out).",
            [
                Bar(label, round(p.rate * 100) if p.rate is not None else 0, _retention_tip(label, p))
                for label, p in page.retention
            ],
            "Your retention will appear here once cards you learned come back for review.",
            max_value=100,
            unit="%",
        ),
        "buttons": button_chart(
            "buttons-chart",
            f"Answer buttons, {span}",
            "How often you pressed Again, Hard, Good and Easy on learning cards, young cards (interval "
            "under 21 days) and mature cards, and the share correct (not Again).",
            page.buttons,
            "Your answers by button will appear here after your first review.",
        ),
        "intervals": bar_chart(
            "intervals-chart",
            "Card intervals",
            "Cards in review by the interval they were given until their next review.",
            [Bar(label, n, f"{label}: {n} {_noun(n, 'card')}") for label, n in page.intervals],
            "Cards appear here once you have learned them and they have an interval in days.",
        ),
        "heatmap": heatmap_chart(
            "heatmap-chart",
            "Review heatmap",
            "One square per day, darker for more reviews; tap a square for its count.",
            page.heat,
            "Each day you study will appear here as a square, darker for more reviews.",
        ),
    }


def _noun(n: float, word: str) -> str:
    return word if n == 1 else word + "s"


def _retention_tip(label: str, point: RetentionPoint) -> str:
    if point.rate is None:
        return f"{label}: no answers on review cards"
    return f"{label}: {point.rate * 100:.0f}% ({point.passed} of {point.total})"


def recall_chart(recall: Sequence[TopicRecall]) -> Markup:
    return bar_chart(
        "class-recall-chart",
        "Class view: students above 90% recall, by topic",
        "Per topic, the share of students with reviewed cards in it whose every such card has a "
        "probability of recall (FSRS retrievability) of 90% or more.",
        [
            Bar(r.topic, round((r.share or 0) * 100), f"{r.topic}: {r.above} of {r.students} students")
            for r in recall
        ],
        "Topics will appear here once the course's students have reviewed cards.",
        max_value=100,
        unit="%",
    )


def topic_retention_chart(topics: Sequence[TopicSummary]) -> Markup:
    return bar_chart(
        "topic-retention-chart",
        f"Retention and workload by topic, last {COURSE_WINDOW_DAYS} days",
        "Share of answers on review cards not graded Again, per topic, for this course's students (UTC days); "
        "the table adds the number of reviews.",
        [
            Bar(
                t.topic,
                round(t.retention * 100) if t.retention is not None else 0,
                f"{t.topic}: {t.retention * 100:.0f}% of {t.mature}"
                if t.retention is not None
                else f"{t.topic}: no answers on review cards",
            )
            for t in topics
        ],
        "Retention will appear here once the course's students review cards they have learned.",
        max_value=100,
        unit="%",
    )
