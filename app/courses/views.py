"""Course pages: list, create, join, and one course's page."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from app import policy
from app.courses import service
from app.courses.forms import CourseForm, EditCourseForm, JoinForm
from app.extensions import limiter
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
        already = {course.id for course in service.courses_for(current_user)}
        try:
            course = service.join_course(current_user, form.code.data)
        except service.CourseError as exc:
            form.code.errors.append(str(exc))
            status = exc.status if exc.status != 400 else 422
        else:
            if course.id in already:
                flash(f"You are already in {course.title}.", "info")
            else:
                flash(f"You joined {course.title}.", "success")
            return redirect(url_for("courses.show", course_id=course.id))
    else:
        status = 422
    return render_template(
        "courses/index.html", courses=service.courses_for(current_user), join_form=form
    ), status


def _managed_course(course_id: int) -> Course:
    return policy.course_or_abort(course_id, current_user, manage=True)


@bp.get("/<int:course_id>")
@login_required
def show(course_id: int):
    return _course_page(policy.course_or_abort(course_id, current_user))


def _course_page(course: Course, status: int = 200):
    manage = policy.can_manage_course(current_user, course)
    students = service.students_of(course) if manage else []
    return render_template(
        "courses/show.html",
        course=course,
        manage=manage,
        students=students,
        course_quizzes=quizzes.quizzes_for_course(course, current_user),
    ), status


@bp.route("/<int:course_id>/edit", methods=["GET", "POST"])
@login_required
def edit(course_id: int):
    course = _managed_course(course_id)
    form = EditCourseForm(obj=course)
    if form.validate_on_submit():
        try:
            service.update_course(course, form.title.data, form.description.data or "")
        except service.CourseError as exc:
            form.title.errors.append(str(exc))
        else:
            flash("Course saved.", "success")
            return redirect(url_for("courses.show", course_id=course.id))
    status = 422 if form.is_submitted() and form.errors else 200
    return render_template("courses/edit.html", course=course, form=form), status


@bp.post("/<int:course_id>/students/<int:user_id>/remove")
@login_required
def remove_student(course_id: int, user_id: int):
    course = _managed_course(course_id)
    try:
        student = service.remove_student(course, current_user, user_id)
    except service.CourseError as exc:
        flash(str(exc), "error")
        return _course_page(course, exc.status)
    flash(f"{student.display_name} was removed from the course; their past attempts are kept.", "success")
    return redirect(url_for("courses.show", course_id=course.id))


@bp.post("/<int:course_id>/code")
@login_required
def regenerate_code(course_id: int):
    course = _managed_course(course_id)
    try:
        code = service.regenerate_code(course)
    except service.CourseError as exc:
        flash(str(exc), "error")
    else:
        flash(f"New join code: {code}. The old code no longer works.", "success")
    return redirect(url_for("courses.show", course_id=course.id))


@bp.post("/<int:course_id>/archive")
@login_required
def archive(course_id: int):
    course = _managed_course(course_id)
    archived = request.form.get("archived") == "1"
    service.set_archived(course, archived)
    if archived:
        flash(
            "Course archived: students no longer see it and nobody can join. Unarchive it any time.",
            "success",
        )
    else:
        flash("Course restored: students see it again and can join with its code.", "success")
    return redirect(url_for("courses.show", course_id=course.id))
