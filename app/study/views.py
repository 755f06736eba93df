"""Flashcard study pages: decks, the review screen, grading and undo, settings and statistics."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app import policy
from app.errors import error_response, wants_json
from app.inputs import parse_id
from app.security import accepts_json
from app.study import charts, optimize_service, reports, service, summary_job
from app.study.forms import OptimiseForm, SettingsForm
from app.study.optimize import NotEnoughReviews

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


def _user():
    """The signed-in user itself, not Flask-Login's proxy: the study service reads its columns many times
    per card, and each read through `current_user` looks the user up in the request context again."""
    return current_user._get_current_object()


def _study(deck: service.Deck):
    user = _user()
    card_id = parse_id(request.args.get("card"), "card")
    notice = None
    shown = None
    if card_id is not None:
        # After an undo the restored card comes back first, wherever it now sits in the queues. A link
        # to a card answered since (or retired) falls back to the next card, with a word why.
        try:
            shown = service.show_card(user, card_id, deck)
        except service.StudyError as refused:
            if refused.status != 409:
                raise
            notice = "The card in this link has been answered since or is not due: here is the next one."
            card_id = None
    if shown is None:
        shown = service.next_card(user, deck, prepare=False)
    page = render_template(
        "study/review.html",
        deck=deck,
        deck_url=deck_url(deck),
        shown=shown,
        done=isinstance(shown, service.Done),
        starting=isinstance(shown, service.Start),
        show_answer=request.args.get("show") == "1",
        notice=notice,
        show_url=deck_url(deck, show=1, **({"card": card_id} if card_id is not None else {})),
        request_id=uuid.uuid4().hex,
    )
    # The card on screen changes with every grade and undo: a page kept by the browser (its HTTP cache or
    # back-forward cache) would show an answered card as due after Back, so it is fetched again.
    return page, 200, {"Cache-Control": "no-store"}


@bp.get("/")
@login_required
def index():
    return _study(service.everything())


@bp.get("/next")
@login_required
def next_json():
    """The card after the one on screen (`after`, its id), as the HTML the study page swaps in once that
    card is graded, so the next card shows without a page load; {"done": true} when nothing follows."""
    user = _user()
    deck = service.deck_from_spec(user, request.args.get("deck", "all"))
    after = request.args.get("after")
    if after is None:
        return error_response(422, "after (the id of the card on screen) is required.", "bad_after")
    shown = service.next_card(user, deck, after=after, prepare=False)
    if isinstance(shown, service.Done):
        return {"done": True}
    if isinstance(shown, service.Start):
        return {"done": False, "start": True}  # the page posts the grade's form: the deck starts after it
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
    return render_template("study/decks.html", decks=service.deck_choices(_user()))


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
    user = _user()
    deck = service.deck_from_spec(user, str(data.get("deck", "all")))
    try:
        graded = service.grade(
            user,
            data.get("card_id"),
            data.get("rating"),
            data.get("request_id"),
            data.get("duration_ms"),
            deck,
            shown_at=data.get("shown_at"),
        )
    except service.StudyError as refused:
        if refused.status != 409 or wants_json():
            raise
        # A form post refused for the card (not due, answered in another window, retired): say why and
        # go on to the next card, never back to the same one.
        flash(refused.message, "info")
        return redirect(deck_url(deck), 303)
    if wants_json():
        return {"ok": True, **graded.to_dict(), "next": deck_url(deck)}
    return redirect(deck_url(deck), 303)


@bp.post("/start")
@accepts_json
@login_required
def start():
    """Prepare the deck for today (create its new cards or mark it fully carded): the write a study
    page needs before its first card, posted by the page because a GET never writes."""
    deck = service.deck_from_spec(current_user, str(_payload().get("deck", "all")))
    service.start(current_user, deck)
    if wants_json():
        return {"ok": True, "next": deck_url(deck)}
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
    return _settings_page(form, status)


def _settings_page(form: SettingsForm, status: int = 200, optimise_error: str | None = None):
    return render_template(
        "study/settings.html",
        form=form,
        optimise_form=OptimiseForm(),
        readiness=optimize_service.readiness(current_user),
        optimisation=optimize_service.latest(current_user),
        optimise_job=optimize_service.latest_job(current_user),
        optimise_error=optimise_error,
    ), status


@bp.post("/settings/optimise")
@login_required
def optimise():
    """Start fitting the student's FSRS parameters (a background job); below the threshold, say why."""
    if not OptimiseForm().validate_on_submit():
        abort(400)
    try:
        optimize_service.start_optimisation(current_user)
    except NotEnoughReviews as refused:
        return _settings_page(SettingsForm(obj=current_user), 422, str(refused))
    return redirect(url_for("study.settings", _anchor="optimise"), 303)


@bp.get("/stats")
@login_required
def my_stats():
    page = reports.student_stats(current_user, request.args.get("range"))
    return render_template("study/stats.html", page=page, charts=charts.student_charts(page))


@bp.get("/course/<int:course_id>/stats")
@login_required
def course_stats(course_id: int):
    summary = reports.course_stats(policy.course_or_abort(course_id, current_user, manage=True))
    return render_template(
        "study/course_stats.html",
        optimisation=optimize_service.course_optimisation(summary.course),
        summary=summary,
        course=summary.course,
        topic_chart=charts.topic_retention_chart(summary.topics),
        recall_chart=charts.recall_chart(summary.recall),
    )


@bp.post("/course/<int:course_id>/stats/refresh")
@login_required
def refresh_course_stats(course_id: int):
    """Rebuild the course's summary as a background job and show its progress page; a refresh already
    running for the course (a second click, or another instructor's) is not started twice."""
    course = policy.course_or_abort(course_id, current_user, manage=True)
    job = summary_job.start_refresh(course, current_user)
    if job.owner_id != current_user.id:
        flash(
            "Another instructor's refresh of these statistics is running; reload this page shortly.", "info"
        )
        return redirect(url_for("study.course_stats", course_id=course_id), 303)
    return redirect(url_for("jobs.show", job_id=job.id), 303)
