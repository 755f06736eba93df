"""Flashcard study pages: decks, the review screen, grading and undo, settings and statistics."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.errors import error_response, wants_json
from app.extensions import db
from app.inputs import parse_id
from app.models import Course
from app.security import accepts_json
from app.study import charts, service, stats
from app.study.forms import SettingsForm

bp = Blueprint("study", __name__, url_prefix="/study")


@bp.errorhandler(service.StudyError)
def _study_error(error: service.StudyError):
    return error_response(error.status, error.message, error.code)


def deck_url(deck: service.Deck, **params) -> str:
    if deck.kind == "article":
        return url_for("study.article", slug=deck.key, **params)
    if deck.kind == "topic":
        return url_for("study.topic", topic=deck.key, **params)
    if deck.kind == "course":
        return url_for("study.course", course_id=int(deck.key), **params)
    return url_for("study.index", **params)


def _study(deck: service.Deck):
    card_id = parse_id(request.args.get("card"), "card")
    # After an undo the restored card comes back first, wherever it now sits in the queues.
    shown = (
        service.next_card(current_user, deck)
        if card_id is None
        else service.show_card(current_user, card_id, deck)
    )
    return render_template(
        "study/review.html",
        deck=deck,
        deck_url=deck_url(deck),
        shown=shown,
        done=isinstance(shown, service.Done),
        show_answer=request.args.get("show") == "1",
        show_url=deck_url(deck, show=1, **({"card": card_id} if card_id is not None else {})),
        request_id=uuid.uuid4().hex,
    )


@bp.get("/")
@login_required
def index():
    return _study(service.everything())


@bp.get("/next")
@login_required
def next_json():
    """The card after the one on screen (`after`, its id), as the HTML the study page swaps in once that
    card is graded, so the next card shows without a page load; {"done": true} when nothing follows."""
    deck = service.deck_from_spec(current_user, request.args.get("deck", "all"))
    after = request.args.get("after")
    if after is None:
        return error_response(422, "after (the id of the card on screen) is required.", "bad_after")
    shown = service.next_card(current_user, deck, after=after)
    if isinstance(shown, service.Done):
        return {"done": True}
    html = render_template(
        "study/_card.html",
        deck=deck,
        shown=shown,
        show_answer=False,
        with_answer=True,  # kept by the page's script, not in the page, until the student asks for it
        show_url=deck_url(deck, show=1),
        request_id=uuid.uuid4().hex,
    )
    return {"done": False, "card_id": shown.card.id, "html": html}


@bp.get("/decks")
@login_required
def decks():
    # Its own page: counting the bank by article and topic on every review screen would slow each card.
    return render_template("study/decks.html", decks=service.deck_choices())


@bp.get("/article/<slug>")
@login_required
def article(slug: str):
    return _study(service.article_deck(slug))


@bp.get("/topic/<topic>")
@login_required
def topic(topic: str):
    return _study(service.topic_deck(topic))


@bp.get("/course/<int:course_id>")
@login_required
def course(course_id: int):
    return _study(service.course_deck(current_user, course_id))


def _payload() -> dict:
    if request.is_json:
        data = request.get_json(silent=True)
        return data if isinstance(data, dict) else {}
    return request.form.to_dict()


@bp.post("/review")
@accepts_json
@login_required
def review():
    data = _payload()
    deck = service.deck_from_spec(current_user, str(data.get("deck", "all")))
    graded = service.grade(
        current_user,
        data.get("card_id"),
        data.get("rating"),
        data.get("request_id"),
        data.get("duration_ms"),
        deck,
        shown_at=data.get("shown_at"),
    )
    if wants_json():
        return {"ok": True, **graded.to_dict(), "next": deck_url(deck)}
    return redirect(deck_url(deck), 303)


@bp.post("/undo")
@accepts_json
@login_required
def undo():
    data = _payload()
    deck = service.deck_from_spec(current_user, str(data.get("deck", "all")))
    card_id = service.undo_last(current_user)
    if wants_json():
        return {"ok": True, "card_id": card_id, "next": deck_url(deck, card=card_id)}
    flash("Last grade undone.", "info")
    return redirect(deck_url(deck, card=card_id), 303)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(obj=current_user)
    if form.validate_on_submit():
        service.update_settings(
            current_user,
            float(form.desired_retention.data),
            form.new_per_day.data,
            form.reviews_per_day.data,
            form.timezone.data.strip(),
            shortcuts=bool(form.study_shortcuts.data),
        )
        flash("Study settings saved.", "success")
        return redirect(url_for("study.settings"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("study/settings.html", form=form), status


@bp.get("/stats")
@login_required
def my_stats():
    now = datetime.now(UTC)
    user = current_user
    today = stats.today(now, user.timezone)
    logs = service.my_log_rows(user, service.since_days(now, stats.HEATMAP_WEEKS * 7 + 7))
    cards = service.my_card_rows(user)
    by_state = stats.counts_by_state([state for state, _ in cards])
    by_state["new"] += service.uncarded_count(user)
    forecast = stats.due_forecast(cards, today, user.timezone)
    per_day = stats.reviews_per_day(logs, today, user.timezone)
    retention_days = stats.true_retention(logs, user.timezone, today, period="day")
    retention_weeks = stats.true_retention(logs, user.timezone, today, period="week")
    heat = stats.heatmap(logs, today, user.timezone)
    return render_template(
        "study/stats.html",
        by_state=by_state,
        forecast=forecast,
        per_day=per_day,
        retention_days=retention_days,
        retention_weeks=retention_weeks,
        heat=heat,
        charts={
            "forecast": charts.bar_chart(
                "forecast-chart",
                "Due forecast, next 30 days",
                "Cards due on each of the next 30 study days; today includes overdue cards.",
                [(d.isoformat(), n) for d, n in forecast],
            ),
            "per_day": charts.bar_chart(
                "per-day-chart",
                "Reviews per day, last 30 days",
                "Number of answers given on each of the last 30 study days.",
                [(d.isoformat(), n) for d, n in per_day],
            ),
            "retention": charts.bar_chart(
                "retention-chart",
                "True retention by week",
                "Share of answers on review cards not graded Again, per week, in percent.",
                [
                    (r.start.isoformat(), round(r.rate * 100) if r.rate is not None else 0)
                    for r in retention_weeks
                ],
                max_value=100,
                unit="%",
            ),
            "states": charts.bar_chart(
                "states-chart",
                "Cards by state",
                "How many cards are new, learning, in review and relearning.",
                list(by_state.items()),
            ),
            "heatmap": charts.heatmap_chart(
                "heatmap-chart",
                "Review heatmap, last 26 weeks",
                "One square per day, darker for more reviews; weeks run left to right.",
                heat,
            ),
        },
    )


@bp.get("/course/<int:course_id>/stats")
@login_required
def course_stats(course_id: int):
    from app.courses.service import can_manage

    course = db.session.get(Course, course_id)
    if course is None:
        abort(404)
    if not can_manage(current_user, course):
        abort(403)
    rows = service.course_topic_rows(course, service.since_days(None, stats.COURSE_WINDOW_DAYS))
    summary = stats.topic_summary(rows)
    return render_template(
        "study/course_stats.html",
        course=course,
        summary=summary,
        students=service.course_student_count(course),
        window=stats.COURSE_WINDOW_DAYS,
        chart=charts.bar_chart(
            "topic-retention-chart",
            "Retention by topic",
            "Share of answers on review cards not graded Again, per topic, for this course's students.",
            [(t.topic, round(t.retention * 100) if t.retention is not None else 0) for t in summary],
            max_value=100,
            unit="%",
        ),
    )
