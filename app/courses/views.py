"""Course pages: list, create, join, and one course's page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from app.courses import service
from app.courses.forms import CourseForm, JoinForm
from app.extensions import db, limiter
from app.models import Course
from app.quizzes import service as quizzes
from app.security import instructor_required

bp = Blueprint("courses", __name__, url_prefix="/courses")


@bp.get("/")
@login_required
def index():
    return render_template(
        "courses/index.html", courses=service.courses_for(current_user), join_form=JoinForm()
    )


@bp.route("/new", methods=["GET", "POST"])
@instructor_required
def create():
    form = CourseForm()
    if form.validate_on_submit():
        try:
            course = service.create_course(current_user, form.title.data, form.description.data or "")
        except service.CourseError as exc:
            form.title.errors.append(str(exc))
        else:
            flash(f"Course created. Students join with the code {course.join_code}.", "success")
            return redirect(url_for("courses.show", course_id=course.id))
    status = 422 if form.is_submitted() and form.errors else 200
    return render_template("courses/new.html", form=form), status


def _join_limit() -> str:
    return current_app.config["RATELIMIT_JOIN"]


def _join_key() -> str:
    """Wrong codes count per account (and per address before login redirects): guessing stays slow."""
    if current_user.is_authenticated:
        return f"join:user:{current_user.id}"
    return f"join:ip:{get_remote_address()}"


@bp.post("/join")
@limiter.limit(_join_limit, key_func=_join_key, deduct_when=lambda response: response.status_code == 422)
@login_required
def join():
    form = JoinForm()
    if form.validate_on_submit():
        try:
            course = service.join_course(current_user, form.code.data)
        except service.CourseError as exc:
            form.code.errors.append(str(exc))
        else:
            flash(f"You joined {course.title}.", "success")
            return redirect(url_for("courses.show", course_id=course.id))
    return render_template(
        "courses/index.html", courses=service.courses_for(current_user), join_form=form
    ), 422


@bp.get("/<int:course_id>")
@login_required
def show(course_id: int):
    course = db.session.get(Course, course_id)
    if course is None:
        abort(404)
    if not service.can_view(current_user, course):
        abort(403)
    manage = service.can_manage(current_user, course)
    students = service.students_of(course) if manage else []
    return render_template(
        "courses/show.html",
        course=course,
        manage=manage,
        students=students,
        course_quizzes=quizzes.quizzes_for_course(course, current_user),
    )
