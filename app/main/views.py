"""Landing page and the signed-in dashboard."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.articles import service as articles
from app.courses import service as courses

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return render_template("main/index.html", article_count=articles.count_articles())


@bp.get("/dashboard")
@login_required
def dashboard():
    return render_template(
        "main/dashboard.html",
        courses=courses.courses_for(current_user),
        articles=articles.list_articles(),
    )


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
