"""Account forms: registration, login and logout (the study settings form is in app/study/forms.py)."""

from __future__ import annotations

from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from app.forms import CheckedForm


def _new_password(label: str, repeat: str) -> tuple[PasswordField, PasswordField]:
    """A new password and its repetition (registration, the account page); the rules are in the service."""
    password = PasswordField(
        label,
        validators=[
            DataRequired(
                message=f"Choose a {label.lower()}." if label != "Password" else "Choose a password."
            ),
            Length(min=8, max=200, message="A password has at least 8 characters."),
        ],
    )
    confirm = PasswordField(
        repeat,
        validators=[DataRequired(message=f"{repeat}."), EqualTo("password", "The passwords differ.")],
    )
    return password, confirm


class RegisterForm(CheckedForm):
    username = StringField(
        "Username",
        validators=[
            DataRequired(message="Choose a username."),
            Length(min=3, max=40, message="A username has 3 to 40 characters."),
            Regexp(
                r"^[A-Za-z0-9_.-]+$",
                message="Use only letters, digits, dots, dashes and underscores in the username.",
            ),
        ],
    )
    display_name = StringField(
        "Your name", validators=[DataRequired(message="Tell us your name."), Length(max=80)]
    )
    password, confirm = _new_password("Password", "Repeat the password")
    instructor_code = StringField(
        "Instructor sign-up code (leave empty if you are a student)", validators=[Optional(), Length(max=64)]
    )
    submit = SubmitField("Create account")


class LoginForm(CheckedForm):
    username = StringField("Username", validators=[DataRequired(message="Enter your username.")])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password.")])
    remember = BooleanField("Keep me logged in on this device")
    submit = SubmitField("Log in")


class NameForm(CheckedForm):
    display_name = StringField(
        "Your name", validators=[DataRequired(message="Tell us your name."), Length(max=80)]
    )
    save_name = SubmitField("Save name")


class PasswordForm(CheckedForm):
    current = PasswordField(
        "Current password", validators=[DataRequired(message="Enter your current password.")]
    )
    password, confirm = _new_password("New password", "Repeat the new password")
    save_password = SubmitField("Change password")


class LogoutForm(CheckedForm):
    submit = SubmitField("Log out")
