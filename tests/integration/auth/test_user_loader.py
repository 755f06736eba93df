"""The user loader (app/security.py) reads the user row on the driver's cursor: every column must come back
as the ORM would load it, and the object must behave as a loaded one."""

from __future__ import annotations

from sqlalchemy import inspect

from app.extensions import db
from app.models import User
from app.security import load_user

COLUMNS = list(User.__mapper__.columns.keys())


def _columns(user: User) -> dict[str, tuple[str, object]]:
    return {key: (type(getattr(user, key)).__name__, getattr(user, key)) for key in COLUMNS}


def test_the_loaded_user_has_every_column_as_the_orm_loads_it(app, make_user):
    user = make_user("loaded")
    user.fsrs_parameters = [0.25] * 21
    user.study_shortcuts = False
    user.desired_retention = 0.85
    db.session.commit()
    user_id, version = user.id, user.session_version
    db.session.expunge_all()
    expected = _columns(db.session.get(User, user_id))
    db.session.expunge_all()

    loaded = load_user(f"{user_id}:{version}")

    assert loaded is not None
    assert _columns(loaded) == expected  # JSON parsed, booleans, aware datetimes: the types as well
    assert inspect(loaded).persistent
    assert load_user(f"{user_id}:{version}") is loaded  # the session's object, not read twice


def test_the_loaded_user_writes_and_refuses_an_old_session(app, make_user):
    user = make_user("writer")
    user_id, version = user.id, user.session_version
    db.session.expunge_all()

    loaded = load_user(f"{user_id}:{version}")
    loaded.display_name = "Renamed"
    assert loaded.enrolments == []  # relationships load on first use
    db.session.commit()
    db.session.expunge_all()

    assert db.session.get(User, user_id).display_name == "Renamed"
    db.session.expunge_all()
    assert load_user(f"{user_id}:{version + 1}") is None
    assert load_user(f"{user_id + 1000}:{version}") is None
