"""Login loading, response security headers and role guards shared by every blueprint."""

from __future__ import annotations

import re
from contextvars import ContextVar
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, has_request_context, request, session
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key
from werkzeug.routing import IntegerConverter

from app import inputs
from app.extensions import db, login_manager
from app.models import User

# Characters a browser drops or rewrites in a URL: with them "/\\evil.example" or "/\t/evil.example" reads as
# "//evil.example", another site.
_URL_TRICKS = re.compile(r"[\x00-\x1f\x7f\\]")


def local_target(target: str | None, under: str = "/") -> str | None:
    """`target` when it is a path on this site below `under` (a redirect after login, back to a listing),
    else None: no scheme, no host, no protocol-relative `//`, no characters a browser would rewrite."""
    if not target or _URL_TRICKS.search(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//") or not target.startswith(under):
        return None
    return target


# The user row as the loader reads it: every column of User, labelled by its attribute name.
_USER_COLUMNS = select(*(column.label(key) for key, column in User.__mapper__.columns.items())).where(
    User.__table__.c.id == bindparam("user_id")
)


def _identity(user_id: int) -> User | None:
    """The signed-in user for this request: one primary-key SELECT, no relationship loaded.

    Flask-Login asks for the user on every request. Through the ORM (`session.get`) that cost about 1 ms of
    Python per request, most of a grade's cost, for a row read by its primary key. The row is read as a Core
    statement on the session's connection (the column types still convert it) and made into a persistent
    User in the session without the ORM's query machinery, as loading would: the object is the same as
    `session.get` gives (its changes flush, its relationships load on first use, a commit expires it).
    """
    session = db.session()
    found = session.identity_map.get(identity_key(User, user_id))
    if found is not None:
        return found
    row = session.connection().execute(_USER_COLUMNS, {"user_id": user_id}).first()
    if row is None:
        return None
    user = User.__mapper__.class_manager.new_instance()
    user.__dict__.update(row._mapping)  # as loading fills it: no attribute events, no history
    make_transient_to_detached(user)  # committed state as loaded, identity key from the primary key
    session.add(user)  # detached -> persistent in this session
    return user


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    # The id carries the session version: logging out everywhere or changing a password bumps it.
    try:
        raw_id, version = user_id.split(":", 1)
        user = _identity(int(raw_id))
    except (ValueError, TypeError, OverflowError):
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


class IdConverter(IntegerConverter):
    """`<int:…>` capped at the largest id an integer column holds: a larger one is a 404, never an
    overflow in the database driver (a 500)."""

    regex = r"[0-9]+"  # ASCII digits only: Python's \d also matches "٣", which int() would accept

    def __init__(self, map, fixed_digits=0, min=None, max=inputs.INT32_MAX, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


class TextSafeResponse(Response):
    """Pages encode as UTF-8 with "?" for an unpaired surrogate: text stored before the input layer
    refused it (see `flask check-text`) shows as "?" instead of making every page that reads it a 500."""

    def set_data(self, value: bytes | str) -> None:
        if isinstance(value, str):
            value = value.encode("utf-8", errors="replace")
        super().set_data(value)


class CheckedJSONProvider(DefaultJSONProvider):
    """Every JSON request body goes through inputs.loads_json: no NaN/Infinity, no unpaired surrogates,
    no nesting beyond inputs.MAX_JSON_DEPTH. A refusal is an InputError, answered 400 naming the field."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return inputs.loads_json(s, **kwargs)


def accepts_json(view):
    """Mark a view that reads a JSON request body itself; every other view takes form data only."""
    view.accepts_json = True
    return view


def frame_ancestors() -> str:
    """Who may frame this response: the configured value, or exactly the LMS a launch came from."""
    configured = current_app.config.get("FRAME_ANCESTORS", "'self'")
    # `in` leaves the session unaccessed: responses outside LTI get no extra Vary: Cookie.
    if has_request_context() and "lti_frame_origins" in session:
        lms = session["lti_frame_origins"]
        return " ".join(["'self'", *lms])
    return configured


def policy(frame_ancestors: str = "'self'", form_action: str = "'self'") -> str:
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"object-src 'none'; base-uri 'self'; form-action {form_action}; frame-ancestors {frame_ancestors}"
    )


_framed: ContextVar[bool] = ContextVar("lti_framed_session", default=False)


class FramedSessionInterface(SecureCookieSessionInterface):
    """Inside an LMS iframe (a session started by an LTI launch, over HTTPS) the session cookie is a
    third-party cookie: it goes out SameSite=None; Secure; Partitioned, or the browser drops it."""

    def save_session(self, app: Flask, session, response) -> None:
        framed = has_request_context() and request.is_secure and "lti_frame_origins" in session
        token = _framed.set(framed)
        try:
            super().save_session(app, session, response)
        finally:
            _framed.reset(token)

    def get_cookie_samesite(self, app: Flask) -> str | None:
        return "None" if _framed.get() else super().get_cookie_samesite(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        return True if _framed.get() else super().get_cookie_secure(app)

    def get_cookie_partitioned(self, app: Flask) -> bool:
        return True if _framed.get() else super().get_cookie_partitioned(app)


def init_app(app: Flask) -> None:
    app.session_interface = FramedSessionInterface()
    # Before the blueprints register their rules: every <int:…> in the app is an IdConverter.
    app.url_map.converters["int"] = IdConverter

    app.json = CheckedJSONProvider(app)
    app.response_class = TextSafeResponse

    @app.before_request
    def _text_is_valid_unicode():
        # Werkzeug decodes forms and query strings with replacement characters, so this is a backstop
        # for any other decoder: nothing that cannot be stored as UTF-8 reaches a view.
        sources = [request.args] if request.is_json else [request.args, request.form]
        for source in sources:
            for name, value in source.items(multi=True):
                # A multipart part without a name parses as the field None: nothing to check there.
                if isinstance(name, str):
                    inputs.check_text(name, "a field name")
                if isinstance(value, str):
                    inputs.check_text(value, name or "a field")

    @app.before_request
    def _forms_take_form_data():
        # Flask-WTF feeds a JSON body to the form fields as it is: a list or a number where a form expects
        # text is a crash, not a message. Only views marked @accepts_json get a JSON body.
        view = app.view_functions.get(request.endpoint or "")
        if request.is_json and view is not None and not getattr(view, "accepts_json", False):
            abort(415, "This address takes a submitted form, not JSON. Send the form fields as form data.")

    @app.after_request
    def _security_headers(response):
        ancestors = frame_ancestors()
        response.headers.setdefault("Content-Security-Policy", policy(frame_ancestors=ancestors))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if ancestors.strip() == "'self'":
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if request.endpoint and request.endpoint.startswith("auth."):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
