"""Login loading, response security headers and role guards shared by every blueprint."""

from __future__ import annotations

from functools import wraps

from flask import Flask, abort, request
from flask_login import current_user, login_required

from app.extensions import db, login_manager
from app.models import User


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    # The id carries the session version: logging out everywhere or changing a password bumps it.
    try:
        raw_id, version = user_id.split(":", 1)
        user = db.session.get(User, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or str(user.session_version) != version:
        return None
    return user


def instructor_required(view):
    """Allow instructors and admins; others get 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_instructor:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def init_app(app: Flask) -> None:
    @app.after_request
    def _security_headers(response):
        frame_ancestors = app.config.get("FRAME_ANCESTORS", "'self'")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors {frame_ancestors}",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if frame_ancestors.strip() == "'self'":
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if request.endpoint and request.endpoint.startswith("auth."):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
