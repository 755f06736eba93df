"""The manual-grading screen: essays and short-answer overrides, per question or per student.

Routes on the quizzes blueprint; the view parses the request, calls app.quizzes.manual, renders or answers
JSON (the screen's script posts JSON; without JavaScript the form posts and the page comes back).
"""

from __future__ import annotations

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.models import Attempt, Response
from app.quizzes import manual, service
from app.quizzes.views import _error_json, _managed_quiz, bp
from app.security import accepts_json


def _screen(
    quiz_id: int, mode: str, selected: int | None, errors: dict[int, str] | None = None, status: int = 200
):
    quiz = _managed_quiz(quiz_id)
    screen = manual.grading_screen(quiz, mode, selected)
    return (
        render_template(
            "quizzes/grading.html", quiz=quiz, screen=screen, errors=errors or {}, show=service.answer_display
        ),
        status,
    )


@bp.get("/<int:quiz_id>/grading")
@login_required
def grading(quiz_id: int):
    return _screen(quiz_id, request.args.get("by", "question"), request.args.get("id", type=int))


@bp.post("/responses/<int:response_id>/grade")
@login_required
@accepts_json
def grade(response_id: int):
    wants_json = request.is_json
    data = (request.get_json(silent=True) or {}) if wants_json else request.form
    if not hasattr(data, "get"):
        data = {}
    try:
        response, attempt = manual.grade_response(
            current_user, response_id, data.get("points"), data.get("comment")
        )
    except service.QuizError as exc:
        db.session.rollback()
        if wants_json:
            return _error_json(exc)
        if exc.status in (403, 404):
            abort(exc.status, str(exc))
        owner = db.session.get(Response, response_id)
        attempt = db.session.get(Attempt, owner.attempt_id) if owner else None
        if attempt is None or attempt.quiz_id is None:
            abort(404)
        return _screen(
            attempt.quiz_id,
            request.form.get("by", "question"),
            request.form.get("id", type=int),
            {response_id: str(exc)},
            exc.status,
        )
    if wants_json:
        return jsonify(
            response_id=response.id,
            points=response.manual_points,
            comment=response.comment,
            graded_by=current_user.display_name or current_user.username,
            attempt={
                "id": attempt.id,
                "score": attempt.score,
                "max_score": attempt.max_score,
                "ungraded": attempt.ungraded,
            },
        )
    target = url_for(
        "quizzes.grading",
        quiz_id=attempt.quiz_id,
        by=request.form.get("by", "question"),
        id=request.form.get("id"),
    )
    return redirect(f"{target}#r{response.id}", 303)
