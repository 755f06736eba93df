"""Landing page and the signed-in dashboard."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.articles import service as articles
from app.courses import service as courses
from app.main import readiness

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


@bp.get("/favicon.ico")
def favicon():
    """Browsers and crawlers ask for /favicon.ico whatever the page links; the icon is the static SVG."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.get("/healthz")
def healthz():
    """The process is alive and serving; touches nothing else (a load balancer's liveness check)."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """The database and Redis (when configured) answer: 200, or 503 naming the part that does not."""
    checks = readiness.check_all(current_app.config.get("REDIS_URL"))
    ready = all(check.ok for check in checks.values())
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {name: check.detail for name, check in checks.items()},
    }
    if not ready:
        failing = ", ".join(name for name, check in checks.items() if not check.ok)
        body["message"] = f"Not ready: {failing} unreachable."
    return body, 200 if ready else 503, {"Cache-Control": "no-store"}
