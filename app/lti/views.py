"""LTI endpoints: JWKS, OIDC login, launch, deep linking, dynamic registration, and the admin and
instructor pages (platforms, keys, score status with resend, roster sync)."""

from __future__ import annotations

import requests
from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, LtiKeyException, OIDCException
from pylti1p3.lineitem import LineItem

from app import policy, security
from app.extensions import csrf, db
from app.lti import keys, passback, registration, service
from app.lti.forms import ActionForm, DeepLinkForm, PlatformForm
from app.models import Course, LtiContext, LtiPlatform
from app.quizzes.service import max_points
from app.security import instructor_required

bp = Blueprint("lti", __name__, url_prefix="/lti")
LAUNCH_ERRORS = (LtiException, OIDCException, service.LtiError, keys.KeyUnreadable)


# pylti1p3's terse messages, with what the person in front of the screen can do about them.
HINTS = {
    "State not found": " This browser did not start this launch (its state cookie is missing or different). "
    "Open the link again from the LMS; if the browser blocks third-party cookies, allow them for Casewise or "
    "open the link in a new window.",
    "Missing state param": " The LMS sent no state: open the link again from the LMS.",
    "Invalid Nonce": " This browser did not start this launch (its session is missing). Open the link again "
    "from the LMS; if the browser blocks third-party cookies, open the link in a new window.",
}


def _launch_message(exc: Exception) -> str:
    text = str(exc)
    return text + next((hint for key, hint in HINTS.items() if key in text), "")


def _refused(message: str, status: int = 400):
    return render_template("lti/error.html", message=message), status


def tool_urls(with_registration_link: bool = False) -> dict[str, str]:
    urls = {
        "login": url_for("lti.login", _external=True),
        "launch": url_for("lti.launch", _external=True),
        "jwks": url_for("lti.jwks", _external=True),
    }
    if with_registration_link:
        urls["register"] = url_for(
            "lti.dynamic_registration", token=registration.new_link_token(), _external=True
        )
    return urls


class _PlatformHttp(requests.Session):
    """Calls to the LMS during a launch: bounded in time, and an error status is an error."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", 10)
        response = super().request(*args, **kwargs)
        response.raise_for_status()
        return response


def _message_launch() -> FlaskMessageLaunch:
    launch = FlaskMessageLaunch(FlaskRequest(), service.DatabaseToolConf(), requests_session=_PlatformHttp())
    # pylti1p3 leaves aud to service.check_claims; exp and iat must be present and exp in the future.
    launch.set_jwt_verify_options({"verify_aud": False, "require": ["exp", "iat"]})
    return launch


@bp.get("/jwks")
def jwks():
    return jsonify(keys.published_jwks())


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
def login():
    target = request.values.get("target_link_uri")
    issuer = request.values.get("iss", "")
    if not target or not issuer:
        return _refused("This address starts a launch from an LMS; it needs iss and target_link_uri.")
    try:
        platform = service.find_platform(issuer, request.values.get("client_id"))
        if platform is None:
            raise service.LtiError(
                f"No LMS with issuer {issuer!r} is registered in Casewise. A Casewise admin registers it under "
                "LTI platforms."
            )
        session["lti_frame_origins"] = service.platform_origins(platform)
        oidc = FlaskOIDCLogin(FlaskRequest(), service.DatabaseToolConf())
        return oidc.redirect(target)
    except LAUNCH_ERRORS as exc:
        return _refused(f"The LMS login could not start: {exc}")


@bp.post("/launch")
@csrf.exempt
def launch():
    message_launch = _message_launch()
    try:
        body = message_launch.get_launch_data()
        aud = body.get("aud")
        platform = service.find_platform(body["iss"], aud[0] if isinstance(aud, list) else aud)
        result = service.accept_launch(platform, body)
    except LtiKeyException as exc:
        return _refused(
            f"The launch was refused: Casewise could not read the LMS's public keys ({exc}). Try the link again "
            "in a minute; if it keeps failing, the LMS admin should check the keyset URL registered in Casewise."
        )
    except LAUNCH_ERRORS as exc:
        return _refused(f"The launch was refused: {_launch_message(exc)}")
    login_user(result.user)
    session["lti_frame_origins"] = service.platform_origins(platform)
    session["lti_platform_id"] = platform.id
    if result.instructor and result.context is not None and result.context.memberships_url:
        passback.enqueue("lti.sync_roster", context_id=result.context.id)
    if result.message_type == "LtiDeepLinkingRequest":
        if not result.instructor:
            return _refused("Only instructors can add Casewise items to an LMS course.", 403)
        return redirect(url_for("lti.deep_link", launch_id=message_launch.get_launch_id()))
    kind, value = service.parse_target(result.target)
    if kind == "quiz":
        return redirect(url_for("quizzes.show", quiz_id=int(value)))
    if kind == "deck":
        return redirect(url_for("study.article", slug=value))
    if kind == "article":
        return redirect(url_for("articles.reader", slug=value))
    if result.course is not None:
        return redirect(url_for("courses.show", course_id=result.course.id))
    return redirect(url_for("main.dashboard"))


def _cached_launch(launch_id: str) -> FlaskMessageLaunch:
    try:
        return FlaskMessageLaunch.from_cache(launch_id, FlaskRequest(), service.DatabaseToolConf())
    except LtiException:
        abort(400, "This deep-linking request has expired. Start it again from the LMS.")


@bp.route("/deep-link/<launch_id>", methods=["GET", "POST"])
@instructor_required
def deep_link(launch_id: str):
    message_launch = _cached_launch(launch_id)
    if not message_launch.is_deep_link_launch():
        abort(400, "This launch was not a deep-linking request.")
    body = message_launch.get_launch_data()
    platform = service.find_platform(
        body["iss"], body["aud"][0] if isinstance(body["aud"], list) else body["aud"]
    )
    context = service.context_of(platform, body)
    course = db.session.get(Course, context.course_id) if context else None
    choices = service.deep_link_choices(current_user, course)
    form = DeepLinkForm()
    form.item.choices = [(f"{c.kind}:{c.key}", c.title) for c in choices]
    if form.validate_on_submit():
        try:
            choice, quiz = service.resolve_choice(current_user, course, form.item.data)
        except service.LtiError as exc:
            form.item.errors = [str(exc)]
        else:
            resource = (
                DeepLinkResource()
                .set_url(url_for("lti.launch", _external=True))
                .set_title(choice.title)
                .set_custom_params({service.TARGET_PARAM: f"{choice.kind}:{choice.key}"})
            )
            if quiz is not None:
                resource.set_lineitem(
                    LineItem()
                    .set_label(quiz.title)
                    .set_score_maximum(max_points(quiz))
                    .set_tag("casewise-quiz")
                    .set_resource_id(f"quiz-{quiz.id}")
                )
            deep_link = message_launch.get_deep_link()
            return_url = body[service.DL_CLAIM + "deep_linking_settings"]["deep_link_return_url"]
            response = make_response(
                render_template(
                    "lti/deep_link_return.html",
                    jwt=deep_link.get_response_jwt([resource]),
                    return_url=return_url,
                )
            )
            # The form posts to the LMS: this one page may submit a form there.
            response.headers["Content-Security-Policy"] = security.policy(
                frame_ancestors=security.frame_ancestors(), form_action=f"'self' {service.origin(return_url)}"
            )
            return response
    return render_template("lti/deep_link.html", form=form, choices=choices, course=course)


@bp.get("/register")
@bp.get("/register/<token>")
def dynamic_registration(token: str | None = None):
    config_url = request.args.get("openid_configuration")
    if not config_url:
        return render_template("lti/tool.html", urls=tool_urls())
    try:
        registration.check_link_token(token)
    except service.LtiError as exc:
        return _refused(f"Dynamic registration refused: {exc}", 403)
    try:
        platform = registration.register_dynamically(
            config_url, request.args.get("registration_token"), tool_urls()
        )
    except service.LtiError as exc:
        return _refused(f"Dynamic registration failed: {exc}")
    return render_template("lti/registered.html", platform=platform)


# ---------------------------------------------------------------- admin: platforms and keys


def _admin_only() -> None:
    if not current_user.is_admin:
        abort(403)


@bp.route("/platforms", methods=["GET", "POST"])
@login_required
def platforms():
    _admin_only()
    form = PlatformForm()
    if form.validate_on_submit():
        settings = service.PlatformSettings(
            name=form.name.data,
            issuer=form.issuer.data,
            client_id=form.client_id.data,
            auth_login_url=form.auth_login_url.data,
            auth_token_url=form.auth_token_url.data,
            key_set_url=form.key_set_url.data,
            deployment_ids=service.parse_deployment_ids(form.deployment_ids.data),
            auth_audience=form.auth_audience.data or "",
        )
        try:
            platform = service.register_platform(settings)
        except service.LtiError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"Registered {platform.name}.", "success")
            return redirect(url_for("lti.platforms"))
    status = 400 if form.errors or form.form_errors else 200
    return (
        render_template(
            "lti/platforms.html",
            form=form,
            action=ActionForm(),
            platforms=service.platforms(),
            urls=tool_urls(with_registration_link=True),
            jwks=keys.published_jwks()["keys"],
        ),
        status,
    )


@bp.post("/platforms/<int:platform_id>/delete")
@login_required
def delete_platform(platform_id: int):
    _admin_only()
    if ActionForm().validate_on_submit():
        service.delete_platform(platform_id)
        flash("Platform removed; its launches are refused from now on.", "success")
    return redirect(url_for("lti.platforms"))


@bp.post("/keys/rotate")
@login_required
def rotate_key():
    _admin_only()
    if ActionForm().validate_on_submit():
        key = keys.rotate()
        flash(f"New signing key {key.kid[:12]}…; the old one stays in the JWKS for 24 hours.", "success")
    return redirect(url_for("lti.platforms"))


# ---------------------------------------------------------------- instructors: scores and roster


def _managed_course(course_id: int) -> tuple[Course, LtiContext | None]:
    course = policy.course_or_abort(course_id, current_user, manage=True)
    return course, service.context_for_course(course.id)


@bp.get("/courses/<int:course_id>")
@instructor_required
def course_status(course_id: int):
    course, context = _managed_course(course_id)
    if context is None:
        return render_template("lti/course.html", course=course, context=None, urls=tool_urls())
    scores = passback.scores_for_course(course_id)
    return render_template(
        "lti/course.html",
        course=course,
        context=context,
        platform=db.session.get(LtiPlatform, context.platform_id),
        scores=scores,
        names=service.display_names({s.attempt.user_id for s in scores}),
        action=ActionForm(),
    )


@bp.post("/courses/<int:course_id>/roster")
@instructor_required
def sync_roster(course_id: int):
    _, context = _managed_course(course_id)
    if context is None:
        flash("This course is not linked to an LMS: it has no roster to sync.", "error")
    elif ActionForm().validate_on_submit():
        try:
            result = service.sync_roster(context.id)
        except service.LtiError as exc:
            flash(str(exc), "error")
        else:
            flash(
                f"Roster synced: {result.added} added, {result.kept} kept, {result.removed} removed.",
                "success",
            )
    return redirect(url_for("lti.course_status", course_id=course_id))


@bp.post("/courses/<int:course_id>/scores/<int:score_id>/resend")
@instructor_required
def resend(course_id: int, score_id: int):
    _managed_course(course_id)
    if ActionForm().validate_on_submit():
        score = passback.resend(score_id, course_id)
        if score is None:
            flash("That score is not one of this course's LMS scores.", "error")
        else:
            flash(f"Score {score.status}." + (f" {score.message}" if score.message else ""), "info")
    return redirect(url_for("lti.course_status", course_id=course_id))
