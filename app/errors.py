"""Error pages: HTML for browsers, JSON with a stable code for API requests; never a bare traceback."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.inputs import InputError

MESSAGES = {
    400: "The request could not be understood. Check the form and try again.",
    403: "You do not have access to this page.",
    404: "There is nothing at this address.",
    405: "That action is not allowed here.",
    413: "The upload is too large. The limit is 2 MB; split the article or remove images.",
    429: "Too many attempts. Wait a minute and try again.",
    500: "Something went wrong on our side. Your data was not changed; try again.",
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

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("Unhandled error")
        from app.extensions import db

        db.session.rollback()
        return error_response(500)


def _custom(error: HTTPException) -> bool:
    return type(error).description != error.description
