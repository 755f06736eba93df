"""The account page: a new name, a new password (checked against the current one; every other session
ends, this browser stays in), each refusal beside its field with nothing written."""

from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import select

from app.extensions import db
from app.models import User

NEW = "a-much-longer-pass-phrase"


def _user(username: str = "sam") -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def _password(current: str = "casewise-demo", new: str = NEW, confirm: str | None = None) -> dict:
    return {
        "password-current": current,
        "password-password": new,
        "password-confirm": new if confirm is None else confirm,
        "password-save_password": "Change password",
    }


def test_a_new_name_is_saved_and_shown_in_the_header(client, make_user, auth):
    make_user("sam")
    auth.login("sam")
    page = client.get("/account").get_data(as_text=True)
    assert 'value="Sam"' in page and 'href="/account"' in page
    saved = client.post(
        "/account", data={"name-display_name": "  Sam Okafor ", "name-save_name": "Save name"}
    )
    assert saved.status_code == 303
    assert _user().display_name == "Sam Okafor"
    assert "Sam Okafor" in client.get("/dashboard").get_data(as_text=True)


@pytest.mark.parametrize(("name", "message"), [("   ", "Tell us your name."), ("x" * 81, "80 characters")])
def test_a_bad_name_is_refused_beside_the_field(client, make_user, auth, name, message):
    make_user("sam")
    auth.login("sam")
    refused = client.post("/account", data={"name-display_name": name, "name-save_name": "Save name"})
    assert refused.status_code == 422
    assert 'id="name-display_name-error"' in refused.get_data(as_text=True)
    assert message in refused.get_data(as_text=True) or "Field cannot be longer" in refused.get_data(
        as_text=True
    )
    assert _user().display_name == "Sam"


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(app, client, make_user, auth):
    make_user("sam")
    auth.login("sam")
    other = app.test_client()
    other.post("/login", data={"username": "sam", "password": "casewise-demo"})
    assert other.get("/dashboard").status_code == 200
    changed = client.post("/account", data=_password())
    assert changed.status_code == 303
    assert client.get("/dashboard").status_code == 200  # this browser stays in
    g.pop("_login_user", None)  # pytest-flask shares one `g`: drop the user Flask-Login cached for `client`
    assert other.get("/dashboard").status_code == 302  # the other device is out
    auth.logout()
    assert auth.login("sam", "casewise-demo").status_code == 401
    assert auth.login("sam", NEW).status_code == 302


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (_password(current="wrong-password"), "current", "not your current password"),
        (_password(new="short"), "password", "at least 8 characters"),
        (_password(new="password123"), "password", "most common"),
        (_password(new="casewise-demo"), "password", "That is your current password"),
        (_password(new=NEW, confirm=NEW + "x"), "confirm", "The passwords differ"),
        (_password(new="sam"), "password", "at least 8 characters"),
    ],
)
def test_a_refused_password_says_why_beside_the_field_and_changes_nothing(
    client, make_user, auth, form, field, message
):
    make_user("sam")
    auth.login("sam")
    before = (_user().password_hash, _user().session_version)
    refused = client.post("/account", data=form)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert f'id="password-{field}-error"' in page and message in page
    assert (_user().password_hash, _user().session_version) == before
    assert client.get("/dashboard").status_code == 200


def test_the_account_page_needs_a_login(client):
    assert client.get("/account").status_code == 302
