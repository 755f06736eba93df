"""Error pages: HTML for browsers, JSON with a stable code for API requests; never a bare traceback."""

from __future__ import annotations

import sqlite3

from flask import Flask, g, has_request_context, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from app.inputs import InputError

try:  # the PostgreSQL driver; absent, only SQLite errors can occur
    from psycopg import OperationalError as PgOperationalError
except ImportError:  # pragma: no cover - psycopg is in requirements.txt
    PgOperationalError = sqlite3.OperationalError

RETRY_AFTER_SECONDS = 2
UNAVAILABLE = {
    "locked": "The database is busy with other saves. Try again in a moment.",
    "lost": "The connection to the database was lost. Try again in a moment.",
}
NOT_CHANGED = " Nothing from this request was saved."

MESSAGES = {
    400: "The request could not be understood. Check the form and try again.",
    403: "You do not have access to this page.",
    404: "There is nothing at this address.",
    405: "That action is not allowed here.",
    413: "The upload is too large. The limit is 2 MB; split the article or remove images.",
    429: "Too many attempts. Wait a minute and try again.",
    # Not "your data was not changed": an error after a commit (or during one) leaves that unknown.
    500: "Something went wrong on our side. Try again; if it happens again, tell your instructor or whoever"
    " runs Casewise at your school.",
}


def wants_json() -> bool:
    return (
        request.is_json
        or request.path.startswith("/api/")
        or (request.accept_mimetypes.best == "application/json")
    )


def error_response(status: int, message: str | None = None, code: str | None = None):
    message = message or MESSAGES.get(status, "Error")
    if wants_json():
        return jsonify(error={"status": status, "code": code or f"http_{status}", "message": message}), status
    return render_template("error.html", status=status, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return error_response(
            400,
            "The form expired or is missing its security token. Reload the page and submit it again.",
            "csrf",
        )

    @app.errorhandler(InputError)
    def _bad_input(error: InputError):
        from app.extensions import db

        db.session.rollback()
        return error_response(400, str(error), "bad_input")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        # Our own aborts carry a specific description; library ones (limits, sizes) get the standard text.
        specific = error.code not in (413, 429) and (error.code not in MESSAGES or _custom(error))
        return error_response(error.code or 500, error.description if specific else None)

    @app.errorhandler(sa_exc.OperationalError)
    @app.errorhandler(sa_exc.TimeoutError)
    @app.errorhandler(sqlite3.OperationalError)
    @app.errorhandler(PgOperationalError)
    def _database_unavailable(error: Exception):
        kind = unavailable_kind(error)
        if kind is None:
            return _unexpected(error)
        app.logger.warning("database unavailable (%s): %s", kind, str(error).splitlines()[0])
        _rollback()
        message = UNAVAILABLE[kind]
        # SQLite refuses a locked write whole; a lost connection may have lost it during the commit.
        if kind == "locked" and not g.get("committed"):
            message += NOT_CHANGED
        response, status = error_response(503, message, f"database_{kind}")
        response = app.make_response((response, status))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("Unhandled error")
        _rollback()
        return error_response(500)


@event.listens_for(Session, "after_commit")
def _committed(_session) -> None:
    # A commit in this request: a later failure can no longer say that nothing was saved.
    if has_request_context():
        g.committed = True


def _rollback() -> None:
    from app.extensions import db

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - a dead connection cannot roll back; the pool discards it
        db.session.close()


def unavailable_kind(error: BaseException) -> str | None:
    """ "locked" (SQLite busy) or "lost" (a PostgreSQL connection gone, the pool exhausted) when `error`
    means "try again shortly"; None for any other database error (a bug, answered 500)."""
    if isinstance(error, sa_exc.TimeoutError):
        return "locked"  # every pooled connection busy for the pool timeout
    orig = getattr(error, "orig", None) or error
    if isinstance(orig, sqlite3.OperationalError):
        text = str(orig).lower()
        return "locked" if "locked" in text or "busy" in text else None
    if isinstance(orig, PgOperationalError) or getattr(error, "connection_invalidated", False):
        return "lost"
    return None


def _custom(error: HTTPException) -> bool:
    return type(error).description != error.description
