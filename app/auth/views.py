"""Register, log in, log out."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import service
from app.auth.forms import LoginForm, LogoutForm, NameForm, PasswordForm, RegisterForm
from app.extensions import limiter
from app.security import local_target

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _register_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER"]


def _login_account_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN_ACCOUNT"]


def _login_account_key() -> str:
    """The account a login names, as the user table matches it; the same for every client address."""
    return "login-account:" + request.form.get("username", "").strip().casefold()[:100]


def _failed_login(response) -> bool:
    return response.status_code == 401


def _start_session(user, remember: bool = False) -> None:
    # A fresh session on login: nothing from before survives (session fixation).
    session.clear()
    login_user(user, remember=remember)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = service.register(
                form.username.data,
                form.display_name.data,
                form.password.data,
                form.instructor_code.data or "",
                current_app.config.get("INSTRUCTOR_SIGNUP_CODE"),
            )
        except service.AccountError as exc:
            getattr(form, exc.field or "username").errors.append(str(exc))
            status = 422
        else:
            _start_session(user)
            flash(f"Welcome, {user.display_name}. Your account is ready.", "success")
            return redirect(url_for("main.dashboard"))
    elif form.is_submitted():
        status = 422
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_account_limit, key_func=_login_account_key, methods=["POST"], deduct_when=_failed_login)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = service.authenticate(form.username.data, form.password.data)
        if user is None:
            form.password.errors.append("Wrong username or password. Check both and try again.")
            status = 401
        else:
            _start_session(user, remember=form.remember.data)
            return redirect(local_target(request.args.get("next")) or url_for("main.dashboard"))
    elif form.is_submitted():
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        service.end_sessions(current_user._get_current_object())
        logout_user()
        session.clear()
        flash("You are logged out.", "info")
    return redirect(url_for("main.index"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_limit, methods=["POST"])  # the current password is checked: as many tries as a login
def account():
    """Your name and your password. A new password ends every other session of the account."""
    user = current_user._get_current_object()
    name_form = NameForm(prefix="name", display_name=user.display_name)
    password_form = PasswordForm(prefix="password")
    status = 200
    if request.method == "POST":
        form = password_form if password_form.save_password.data else name_form
        if form.validate_on_submit():
            try:
                if form is password_form:
                    service.change_password(user, form.current.data, form.password.data)
                    _start_session(user)  # the old session ended with the others: this browser stays in
                    flash("Your password is changed. Other devices are logged out.", "success")
                else:
                    service.rename(user, form.display_name.data)
                    flash("Your name is saved.", "success")
            except service.AccountError as exc:
                getattr(form, exc.field or "password").errors.append(str(exc))
                status = 422
            else:
                return redirect(url_for("auth.account"), 303)
        else:
            status = 422
    return render_template("auth/account.html", name_form=name_form, password_form=password_form), status
