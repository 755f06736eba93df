"""Quiz pages: practice, the builder, attempts with autosave, review, gradebook, CSV and item analysis."""

from __future__ import annotations

from decimal import Decimal

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app import policy
from app.courses.service import managed_courses
from app.extensions import db
from app.inputs import parse_int
from app.models import Attempt, Course, Quiz, utcnow
from app.plural import counted
from app.quizzes import overrides, service
from app.quizzes.charts import item_chart
from app.quizzes.forms import (
    TYPE_CHOICES,
    AddQuestionsForm,
    DrawForm,
    OverrideForm,
    PracticeForm,
    QuizForm,
    answers_from_form,
    aware,
    seen_from_form,
    zone,
)
from app.security import accepts_json, instructor_required

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")


def _managed_quiz(quiz_id: int) -> Quiz:
    return policy.quiz_or_abort(quiz_id, current_user, edit=True)


def _own_attempt(attempt_id: int) -> Attempt:
    """The current user's own attempt; anyone else's is 404, so attempt ids reveal nothing."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


def _error_json(error: service.QuizError):
    body = {"status": error.status, "code": error.code, "message": str(error)}
    if isinstance(error, service.BadAnswer) and error.errors:
        body["errors"] = error.errors
    return jsonify(error=body), error.status


# ---------------------------------------------------------------- lists and the quiz page


@bp.get("/")
@login_required
def index():
    return render_template("quizzes/index.html", listings=service.quizzes_for_user(current_user))


@bp.get("/<int:quiz_id>")
@login_required
def show(quiz_id: int):
    quiz = policy.quiz_or_abort(quiz_id)
    if not policy.can_take_quiz(current_user, quiz):
        abort(403)
    attempts = service.attempts_of(quiz, current_user)
    service.project_overdue(attempts)  # shown closed; a GET writes nothing
    rules = overrides.rules_for(quiz, current_user)
    return render_template(
        "quizzes/show.html",
        quiz=quiz,
        attempts=attempts,
        rules=rules,
        manage=policy.can_edit_quiz(current_user, quiz),
        in_progress=next((a for a in attempts if a.state == "in_progress"), None),
        window_problem=service.window_problem(quiz, utcnow(), rules),
        max_points=service.max_points(quiz),
        question_count=service.question_count(quiz),
    )


# ---------------------------------------------------------------- builder


def _quiz_form(quiz: Quiz | None = None) -> QuizForm:
    form = QuizForm(obj=quiz)
    form.course_id.choices = [SelectChoice(c.id, c.title) for c in managed_courses(current_user)]
    if quiz is not None and request.method == "GET":
        form.time_limit.data = quiz.time_limit_s // 60 if quiz.time_limit_s else None
        tz = zone(current_user.timezone)
        form.opens_at.data = quiz.opens_at.astimezone(tz).replace(tzinfo=None) if quiz.opens_at else None
        form.closes_at.data = quiz.closes_at.astimezone(tz).replace(tzinfo=None) if quiz.closes_at else None
    elif quiz is None and request.method == "GET" and request.args.get("course"):
        form.course_id.data = parse_int(request.args.get("course"), "course", minimum=1)
    return form


def _settings(form: QuizForm) -> service.QuizSettings:
    course = db.session.get(Course, form.course_id.data)
    if course is None:
        abort(400)
    return service.QuizSettings(
        title=form.title.data,
        description=form.description.data or "",
        course=course,
        opens_at=form.aware(form.opens_at.data, current_user.timezone),
        closes_at=form.aware(form.closes_at.data, current_user.timezone),
        time_limit_s=form.time_limit.data * 60 if form.time_limit.data else None,
        attempts_allowed=form.attempts_allowed.data or 0,
        grading_method=form.grading_method.data,
        shuffle_questions=form.shuffle_questions.data,
        shuffle_options=form.shuffle_options.data,
        feedback_timing=form.feedback_timing.data,
        published=form.published.data,
        per_page=form.per_page.data or 0,
        counts_in_average=form.counts_in_average.data,
    )


def _save_settings(form: QuizForm, quiz: Quiz | None) -> Quiz | None:
    if not form.validate_on_submit():
        return None
    if form.published.data and not form.confirm_publish.data:
        problems = service.publish_problems(quiz)
        if problems:
            # A confirm step on the server: the form comes back with the warning and a "Publish anyway" box.
            form.published.errors = [*problems, "Fix this first, or tick “Publish anyway” and save again."]
            form.confirm_publish.flags.shown = True
            return None
    try:
        return service.save_quiz(current_user, _settings(form), quiz)
    except service.NotAllowed as exc:
        form.course_id.errors = [*form.course_id.errors, str(exc)]
    except service.QuizError as exc:
        target = getattr(form, exc.field or "title", form.title)
        target.errors = [*target.errors, str(exc)]
    return None


@bp.route("/new", methods=["GET", "POST"])
@instructor_required
def create():
    form = _quiz_form()
    if not form.course_id.choices:
        flash("Create a course first: quizzes are given to a course's students.", "info")
        return redirect(url_for("courses.create"))
    quiz = _save_settings(form, None)
    if quiz is not None:
        flash("Quiz created. Now add questions.", "success")
        return redirect(url_for("quizzes.edit", quiz_id=quiz.id))
    status = 422 if form.is_submitted() else 200
    return render_template("quizzes/new.html", form=form), status


def _builder(
    quiz: Quiz,
    form: QuizForm,
    status: int = 200,
    draw_form: DrawForm | None = None,
    item_error: tuple[int, str, str] | None = None,
):
    """The builder page; `item_error` is (item id, message, value typed) for an item's refused points."""
    filters = _builder_filters(request.args)
    found = service.find_questions(filters["topic"], filters["article"], filters["type"], filters["q"])
    present = {item.question_id for item in quiz.items}
    draw_form = draw_form or DrawForm(formdata=None)
    topics = service.approved_topics()
    draw_form.draw_topic.choices = [SelectChoice(t) for t in topics]
    from app.articles.service import article_choices

    return render_template(
        "quizzes/edit.html",
        quiz=quiz,
        form=form,
        add_form=AddQuestionsForm(formdata=None),
        draw_form=draw_form,
        filters=filters,
        filter_args={key: value for key, value in filters.items() if value},
        found=[q for q in found if q.id not in present],
        topics=topics,
        articles=article_choices(),
        types=TYPE_CHOICES,
        max_points=service.max_points(quiz),
        question_count=service.question_count(quiz),
        item_error=item_error,
    ), status


@bp.route("/<int:quiz_id>/edit", methods=["GET", "POST"])
@instructor_required
def edit(quiz_id: int):
    quiz = _managed_quiz(quiz_id)
    form = _quiz_form(quiz)
    was_published = quiz.published
    if _save_settings(form, quiz) is not None:
        if quiz.published and not was_published and quiz.course is not None:
            # The newcomer's next question is "how do students get it?": say it where they are.
            flash(
                f"Published: students of {quiz.course.title} see it on the course page. "
                f"They join the course with the code {quiz.course.join_code}.",
                "success",
            )
        else:
            flash("Settings saved.", "success")
        return redirect(url_for("quizzes.edit", quiz_id=quiz.id))
    return _builder(quiz, form, 422 if form.is_submitted() else 200)


def _builder_filters(args) -> dict[str, str]:
    """The bank filters of the quiz builder's question list, as the query string gives them."""
    return {key: args.get(key, "") for key in ("topic", "article", "type", "q")}


@bp.post("/<int:quiz_id>/items/add")
@instructor_required
def add_items(quiz_id: int):
    quiz = _managed_quiz(quiz_id)
    form = AddQuestionsForm()
    ids = [parse_int(v, "question_id", minimum=1) for v in request.form.getlist("question_id") if v]
    # Back to the list as it was filtered (the form's action carries the filters).
    chosen = {key: value for key, value in _builder_filters(request.args).items() if value}
    back = url_for("quizzes.edit", quiz_id=quiz.id, **chosen)
    if not form.validate_on_submit():
        flash("Points each: give a number from 0.01 to 1000.", "error")
        return redirect(back)
    if not ids:
        flash("Tick at least one question to add.", "error")
        return redirect(back)
    added = service.add_questions(quiz, ids, float(form.points.data or Decimal(1)))
    if added:
        flash(f"Added {counted(added, 'question')}.", "success")
    else:
        flash("Nothing added: the ticked questions are already in the quiz or no longer approved.", "info")
    return redirect(back)


@bp.post("/<int:quiz_id>/items/draw")
@instructor_required
def add_draw(quiz_id: int):
    quiz = _managed_quiz(quiz_id)
    form = DrawForm()
    form.draw_topic.choices = [SelectChoice(t) for t in service.approved_topics()]
    if form.validate_on_submit():
        try:
            service.add_draw(quiz, form.draw_topic.data, form.draw_count.data, float(form.points.data))
        except service.QuizError as exc:
            getattr(form, exc.field or "draw_count").errors = [str(exc)]
        else:
            flash(f"Added a draw of {form.draw_count.data} from {form.draw_topic.data}.", "success")
            return redirect(url_for("quizzes.edit", quiz_id=quiz.id))
    return _builder(quiz, _quiz_form(quiz), 422, draw_form=form)


@bp.post("/<int:quiz_id>/items/<int:item_id>")
@instructor_required
def change_item(quiz_id: int, item_id: int):
    quiz = _managed_quiz(quiz_id)
    points = request.form.get("points", type=float)
    try:
        service.change_item(quiz, item_id, request.form.get("action", ""), points)
    except service.QuizError as exc:
        if exc.field == "points":  # beside the box, with what was typed
            typed = request.form.get("points", "")[:40]
            return _builder(quiz, _quiz_form(quiz), 422, item_error=(item_id, str(exc), typed))
        flash(str(exc), "error")
    return redirect(url_for("quizzes.edit", quiz_id=quiz.id) + "#items")


# ---------------------------------------------------------------- attempts


@bp.post("/<int:quiz_id>/start")
@login_required
def start(quiz_id: int):
    quiz = policy.quiz_or_abort(quiz_id)
    try:
        attempt = service.start_attempt(quiz, current_user)
    except service.NotAllowed:
        abort(403)
    except service.QuizError as exc:
        flash(str(exc), "error")
        return redirect(url_for("quizzes.show", quiz_id=quiz.id))
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@bp.post("/<int:quiz_id>/preview")
@instructor_required
def preview(quiz_id: int):
    """Try the quiz as a student: an attempt in preview mode that no grade, statistic or limit counts."""
    quiz = _managed_quiz(quiz_id)
    try:
        attempt = service.start_preview(quiz, current_user)
    except service.QuizError as exc:
        flash(str(exc), "error")
        return redirect(url_for("quizzes.edit", quiz_id=quiz.id))
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


def _attempt_page(
    attempt: Attempt, status: int = 200, typed: dict | None = None, errors: dict | None = None, page: int = 1
):
    questions = service.shown_questions(attempt)
    if typed:
        for question in questions:
            question.saved = typed.get(question.id, question.saved)
    pages = service.page_count(attempt)
    page = min(max(page, 1), pages)
    per_answer = service.gives_feedback_per_answer(attempt)
    checked = (
        {r.question.id: r for r in service.reviewed_questions(attempt) if r.fraction is not None}
        if per_answer
        else {}
    )
    return render_template(
        "quizzes/attempt.html",
        attempt=attempt,
        quiz=attempt.quiz,
        per_answer=per_answer,
        checked=checked,
        show=service.answer_display,
        questions=questions,
        on_page=[q for q in questions if q.page == page],
        page=page,
        pages=pages,
        errors=errors or {},
        seconds_left=service.seconds_left(attempt),
        now_ms=service.epoch_ms(),
    ), status


def _open_attempt(attempt_id: int) -> Attempt | Response:
    """The user's quiz attempt still in progress, or the redirect a closed or practice one gets."""
    attempt = _own_attempt(attempt_id)
    if attempt.mode == "practice":
        return redirect(url_for("quizzes.practice_attempt", attempt_id=attempt.id))
    if attempt.state != "in_progress" or service.is_overdue(attempt):
        return redirect(url_for("quizzes.review", attempt_id=attempt.id))
    return attempt


@bp.get("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    attempt = _open_attempt(attempt_id)
    if not isinstance(attempt, Attempt):
        return attempt
    response, status = _attempt_page(attempt, page=request.args.get("page", 1, type=int))
    return response, status, {"Cache-Control": "no-store"}


@bp.get("/attempts/<int:attempt_id>/summary")
@login_required
def summary(attempt_id: int):
    """Moodle's summary of attempt: what is unanswered or flagged, with links back, before the submit."""
    attempt = _open_attempt(attempt_id)
    if not isinstance(attempt, Attempt):
        return attempt
    questions = service.shown_questions(attempt)
    page = render_template(
        "quizzes/summary.html",
        attempt=attempt,
        quiz=attempt.quiz,
        questions=questions,
        pages=service.page_count(attempt),
        unanswered=[q for q in questions if not q.answered],
        seconds_left=service.seconds_left(attempt),
        flagged=[q for q in questions if q.flagged],
    )
    return page, 200, {"Cache-Control": "no-store"}


@bp.post("/attempts/<int:attempt_id>")
@login_required
def post_attempt(attempt_id: int):
    """The whole form: "Save", a page change ("goto"), "Finish" (to the summary) or "Submit" (from it)."""
    attempt = _own_attempt(attempt_id)
    questions = service.shown_questions(attempt)
    answers = answers_from_form(request.form, questions)
    seen = seen_from_form(request.form, questions)
    flags = {qid: f"flag-{qid}" in request.form for qid in seen}
    submitting = "submit" in request.form
    page = request.form.get("page", 1, type=int)
    checking = request.form.get("check", type=int) if not submitting else None
    try:
        if submitting:
            done = service.submit_attempt(attempt, answers, seen)
        else:
            service.save_answers(attempt, answers, seen, flags=flags)
            # "Check answer" under a question: the page is saved, then that answer graded.
            if checking is not None:
                service.check_answer(attempt, checking)
    except service.BadAnswer as exc:
        flash(str(exc), "error")
        return _attempt_page(attempt, 422, answers, exc.errors, page)
    except service.AttemptClosed as exc:
        flash(str(exc), "error")
        return redirect(url_for("quizzes.review", attempt_id=attempt.id))
    except service.QuizError as exc:  # a check this quiz or question does not have (NotInAttempt included)
        flash(str(exc), "error")
        return _attempt_page(attempt, exc.status, answers, {}, page)
    if checking is not None:
        target = url_for("quizzes.attempt", attempt_id=attempt.id, page=page if page > 1 else None)
        return redirect(f"{target}#q{checking}")
    if submitting:
        flash("Submitted." if done else "This attempt was already closed.", "success" if done else "info")
        return redirect(url_for("quizzes.review", attempt_id=attempt.id))
    if "finish" in request.form:
        return redirect(url_for("quizzes.summary", attempt_id=attempt.id))
    goto = request.form.get("goto", type=int)
    if goto:
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id, page=goto))
    flash("Answers saved. You can come back and continue before the deadline.", "success")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id, page=page if page > 1 else None))


@bp.post("/attempts/<int:attempt_id>/flag")
@accepts_json
@login_required
def flag(attempt_id: int):
    """Flag a question for review: JSON {question_id, flagged} -> {flagged: [ids]} or an error."""
    attempt = _own_attempt(attempt_id)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _error_json(service.BadAnswer('Send JSON: {"question_id": …, "flagged": true or false}.'))
    try:
        flagged = service.set_flag(attempt, data.get("question_id"), data.get("flagged"))
    except service.QuizError as exc:
        return _error_json(exc)
    return jsonify(flagged=flagged)


@bp.post("/attempts/<int:attempt_id>/save")
@accepts_json
def save(attempt_id: int):
    """Autosave one answer: JSON {question_id, answer, seq} -> {saved: seq} or an error with a stable code.

    The hot path of a quiz, so login is checked by hand after the one query that reads the attempt, its
    question and its owner: the owner is then already in the session when Flask-Login loads the user.
    """
    data = request.get_json(silent=True)
    context = service.autosave_context(attempt_id, data)
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    try:
        seq = service.autosave(context, current_user.id)
    except service.QuizError as exc:
        return _error_json(exc)
    return jsonify(saved=seq, question_id=data["question_id"])


@bp.post("/attempts/<int:attempt_id>/close")
@accepts_json
@login_required
def close(attempt_id: int):
    """The page's timer at the deadline: close the overdue attempt with its saved answers -> {state}."""
    attempt = _own_attempt(attempt_id)
    service.close_if_overdue(attempt)
    return jsonify(state=attempt.state)


@bp.get("/attempts/<int:attempt_id>/review")
@login_required
def review(attempt_id: int):
    attempt = service.get_attempt_for(attempt_id, current_user)
    if attempt is None:
        abort(404)
    service.project_overdue([attempt])  # an overdue attempt reads as closed; the next write closes it
    if attempt.state == "in_progress":
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    allowed = service.review_allowed(attempt, current_user)
    return render_template(
        "quizzes/review.html",
        attempt=attempt,
        quiz=attempt.quiz,
        allowed=allowed,
        reviewed=service.reviewed_questions(attempt) if allowed else [],
        show=service.answer_display,
    )


# ---------------------------------------------------------------- gradebook and statistics


def _override_form(quiz: Quiz, students: list | None = None) -> OverrideForm:
    """The override form; its menu offers `students` (the gradebook page's) when given, else the course's."""
    form = OverrideForm()
    if students is None:
        form.student.choices = overrides.student_choices(quiz)
    else:
        form.student.choices = [(s.id, f"{s.display_name} ({s.username})") for s in students]
    return form


def _results_page(quiz: Quiz, form: OverrideForm | None = None, status: int = 200):
    page = parse_int(request.args.get("page"), "page", minimum=1, maximum=1_000_000, default=1)
    grades = service.gradebook_page(quiz, page)
    return render_template(
        "quizzes/gradebook.html",
        quiz=quiz,
        rows=grades.rows,
        grades=grades,
        columns=service.CSV_COLUMNS,
        # A department's course has thousands of students: the menu offers this page's, as the table does.
        override_form=form or _override_form(quiz, [row.student for row in grades.rows]),
        overrides=overrides.overrides_of(quiz),
        tz=zone(current_user.timezone),
    ), status


@bp.get("/<int:quiz_id>/gradebook")
@login_required
def gradebook(quiz_id: int):
    return _results_page(_managed_quiz(quiz_id))


@bp.post("/<int:quiz_id>/overrides")
@login_required
def set_override(quiz_id: int):
    """Give one student another time limit, extra attempts or another close date (in the instructor's zone)."""
    quiz = _managed_quiz(quiz_id)
    form = _override_form(quiz)
    if not form.validate_on_submit():
        return _results_page(quiz, form, 422)
    # An attempt already past its deadline is closed first (its own transaction): an override re-times
    # only an attempt still running, as when the gradebook's GET used to close the overdue ones.
    service.close_overdue(quiz_id=quiz.id, user_id=form.student.data)
    try:
        override = overrides.set_override(
            quiz,
            form.student.data,
            form.time_limit.data * 60 if form.time_limit.data else None,
            form.extra_attempts.data,
            aware(form.closes_at.data, current_user.timezone),
        )
    except service.QuizError as exc:
        target = getattr(form, exc.field or "student", form.student)
        target.errors = [*target.errors, str(exc)]
        return _results_page(quiz, form, exc.status)
    flash(f"Override saved for {override.user.display_name}.", "success")
    return redirect(url_for("quizzes.gradebook", quiz_id=quiz.id) + "#overrides")


@bp.post("/<int:quiz_id>/overrides/<int:user_id>/delete")
@login_required
def delete_override(quiz_id: int, user_id: int):
    quiz = _managed_quiz(quiz_id)
    service.close_overdue(
        quiz_id=quiz.id, user_id=user_id
    )  # as set_override: an overdue attempt stays closed
    try:
        overrides.clear_override(quiz, user_id)
    except overrides.NotInCourse:
        abort(404)
    flash("Override removed: the quiz's own settings apply again.", "success")
    return redirect(url_for("quizzes.gradebook", quiz_id=quiz.id) + "#overrides")


@bp.get("/<int:quiz_id>/grades.csv")
@login_required
def grades_csv(quiz_id: int):
    quiz = _managed_quiz(quiz_id)
    return Response(
        service.grades_csv(quiz),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="quiz-{quiz.id}-grades.csv"'},
    )


@bp.get("/<int:quiz_id>/analysis")
@login_required
def analysis(quiz_id: int):
    quiz = _managed_quiz(quiz_id)
    stats = service.statistics(quiz)
    return render_template(
        "quizzes/analysis.html", quiz=quiz, stats=stats, chart=item_chart(stats.items, stats.labels)
    )


# ---------------------------------------------------------------- practice


@bp.route("/practice", methods=["GET", "POST"])
@login_required
def practice():
    from app.articles.service import list_articles

    form = PracticeForm()
    form.article.choices = [SelectChoice("", "Any article")] + [
        SelectChoice(a.slug, a.title) for a in list_articles()
    ]
    form.topic.choices = [SelectChoice("", "Any topic")] + [
        SelectChoice(t) for t in service.approved_topics()
    ]
    if form.validate_on_submit():
        try:
            attempt = service.start_practice(
                current_user, form.topic.data, form.article.data, form.count.data
            )
        except service.QuizError as exc:
            getattr(form, exc.field or "topic").errors = [str(exc)]
        else:
            return redirect(url_for("quizzes.practice_attempt", attempt_id=attempt.id))
    status = 422 if form.is_submitted() else 200
    return render_template("quizzes/practice.html", form=form), status


@bp.get("/practice/<int:attempt_id>")
@login_required
def practice_attempt(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if attempt.mode != "practice":
        abort(404)
    return _practice_page(attempt)


def _practice_page(
    attempt: Attempt, status: int = 200, errors: dict | None = None, typed: dict | None = None
):
    reviewed = {r.question.id: r for r in service.reviewed_questions(attempt)}
    answered = {qid for qid, r in reviewed.items() if r.fraction is not None}
    questions = service.shown_questions(attempt)
    for question in questions:
        question.saved = (typed or {}).get(question.id, question.saved)
    return render_template(
        "quizzes/practice_attempt.html",
        attempt=attempt,
        questions=questions,
        reviewed=reviewed,
        answered=answered,
        errors=errors or {},
        show=service.answer_display,
    ), status


@bp.post("/practice/<int:attempt_id>/answer")
@login_required
def practice_answer(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if attempt.mode != "practice":
        abort(404)
    question_id = parse_int(request.form.get("question_id"), "question_id", minimum=1)
    question = next((q for q in service.shown_questions(attempt) if q.id == question_id), None)
    if question is None:
        abort(404)
    answer = answers_from_form(request.form, [question])[question.id]
    try:
        service.answer_practice(attempt, question.id, answer)
    except service.BadAnswer as exc:
        # Errors are keyed by the question id as text, as the attempt form's are; the typed answer stays.
        message = exc.errors.get(str(question.id), str(exc))
        return _practice_page(attempt, 422, {str(question.id): message}, {question.id: answer})
    except service.QuizError as exc:
        flash(str(exc), "info")
    return redirect(url_for("quizzes.practice_attempt", attempt_id=attempt.id) + f"#q{question.id}")


# The manual-grading routes live beside these on the same blueprint.
from app.quizzes import grading_views  # noqa: E402, F401
