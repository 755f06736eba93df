"""Gradebook pages: the course grid and its CSV for a course's teachers, and "My grades" for a student."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, render_template, request
from flask_login import current_user, login_required

from app import policy
from app.gradebook import service
from app.inputs import parse_int
from app.models import Course

bp = Blueprint("gradebook", __name__)
# My grades is a section of its own in the main navigation; the course grid belongs to a course.
grades_bp = Blueprint("grades", __name__)


def _managed_course(course_id: int) -> Course:
    return policy.course_or_abort(course_id, current_user, manage=True)


@bp.get("/courses/<int:course_id>/gradebook")
@login_required
def course(course_id: int):
    course = _managed_course(course_id)
    # A page beyond the last shows the last; a page that is not a whole number >= 1 is a 400 naming it.
    page = parse_int(request.args.get("page"), "page", minimum=1, maximum=1_000_000, default=1)
    grid = service.course_grid(course, page)
    return render_template("gradebook/course.html", course=course, grid=grid)


@bp.get("/courses/<int:course_id>/gradebook.csv")
@login_required
def course_csv(course_id: int):
    course = _managed_course(course_id)
    out = io.StringIO()
    csv.writer(out).writerows(service.grid_csv_rows(service.course_grid(course, per_page=None)))
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="course-{course.id}-gradebook.csv"'},
    )


@grades_bp.get("/grades")
@login_required
def mine():
    return render_template("gradebook/mine.html", courses=service.my_grades(current_user))
