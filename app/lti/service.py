"""LTI services: platform registration, launch acceptance (course and user provisioning), deep linking
choices and roster sync. The web views and the CLI both call these; they own the commits."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.courses.service import new_join_code
from app.extensions import db
from app.inputs import CONTROL
from app.lti import keys
from app.models import (
    Article,
    Course,
    Enrolment,
    LtiContext,
    LtiDeployment,
    LtiLineItem,
    LtiNonce,
    LtiPlatform,
    LtiUser,
    Quiz,
    User,
)
from app.models.base import utcnow
from app.policy import can_edit_quiz

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
INSTRUCTOR_ROLES = ("Instructor", "ContentDeveloper")
TARGET_PARAM = "casewise_target"
NO_PASSWORD = "!lti-launch-only"  # noqa: S105 - not a werkzeug hash: password login always fails for these users


class LtiError(ValueError):
    """A refused registration or launch; the message says what was wrong and who can fix it."""


# ---------------------------------------------------------------- registration


@dataclass
class PlatformSettings:
    name: str
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    deployment_ids: list[str]
    auth_audience: str = ""


def _url_problem(label: str, url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return f"{label} must be a full http(s) URL, e.g. https://lms.example.edu/…; got {url!r}."
    return None


def parse_deployment_ids(text: str) -> list[str]:
    return [d for d in (part.strip() for part in re.split(r"[,\s]+", text or "")) if d]


def validate_settings(settings: PlatformSettings, require_deployment: bool = True) -> dict[str, str]:
    errors: dict[str, str] = {}
    for field in ("name", "issuer", "client_id"):
        if not getattr(settings, field).strip():
            errors[field] = (
                f"The {field.replace('_', ' ')} is required (the LMS shows it on the tool's page)."
            )
    for field, label in (
        ("auth_login_url", "The authentication (OIDC) request URL"),
        ("auth_token_url", "The access token URL"),
        ("key_set_url", "The public keyset (JWKS) URL"),
    ):
        problem = _url_problem(label, getattr(settings, field).strip())
        if problem:
            errors[field] = problem
    if require_deployment and not settings.deployment_ids:
        errors["deployment_ids"] = (
            "Give at least one deployment id (the LMS shows it after the tool is added)."
        )
    return errors


def register_platform(settings: PlatformSettings, require_deployment: bool = True) -> LtiPlatform:
    """Add a platform (or update the one with the same issuer and client id) in one transaction."""
    errors = validate_settings(settings, require_deployment)
    if errors:
        raise LtiError(" ".join(errors.values()))
    platform = db.session.scalar(
        select(LtiPlatform).where(
            LtiPlatform.issuer == settings.issuer.strip(), LtiPlatform.client_id == settings.client_id.strip()
        )
    )
    if platform is None:
        platform = LtiPlatform(issuer=settings.issuer.strip(), client_id=settings.client_id.strip())
        db.session.add(platform)
    platform.name = settings.name.strip()
    platform.auth_login_url = settings.auth_login_url.strip()
    platform.auth_token_url = settings.auth_token_url.strip()
    platform.key_set_url = settings.key_set_url.strip()
    platform.auth_audience = settings.auth_audience.strip() or None
    known = {d.deployment_id for d in platform.deployments}
    for deployment_id in settings.deployment_ids:
        if deployment_id not in known:
            platform.deployments.append(LtiDeployment(deployment_id=deployment_id))
            known.add(deployment_id)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise LtiError(
            "That platform was registered at the same moment by someone else; reload and check."
        ) from None
    return platform


def platforms() -> list[LtiPlatform]:
    return list(db.session.scalars(select(LtiPlatform).order_by(LtiPlatform.name, LtiPlatform.id)))


def delete_platform(platform_id: int) -> None:
    platform = db.session.get(LtiPlatform, platform_id)
    if platform is not None:
        db.session.delete(platform)
        db.session.commit()


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def platform_origins(platform: LtiPlatform) -> list[str]:
    """Where a platform's pages are served from: the frames Casewise may appear in for it."""
    found: list[str] = []
    for url in (platform.issuer, platform.auth_login_url):
        if urlsplit(url).scheme in ("http", "https") and origin(url) not in found:
            found.append(origin(url))
    return found


# ---------------------------------------------------------------- pylti1p3 tool configuration


def registration_for(platform: LtiPlatform) -> Registration:
    key = keys.signing_key()
    registration = (
        Registration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_auth_login_url(platform.auth_login_url)
        .set_auth_token_url(platform.auth_token_url)
        .set_key_set_url(platform.key_set_url)
        .set_tool_private_key(keys.private_pem(key))
        .set_tool_public_key(keys.public_pem(key))
    )
    if platform.auth_audience:
        registration.set_auth_audience(platform.auth_audience)
    return registration


def find_platform(issuer: str, client_id: str | None) -> LtiPlatform | None:
    """The platform registered with this issuer (and client id); an issuer or client id holding a control
    character names none (PostgreSQL cannot even compare text holding NUL)."""
    if CONTROL.search(issuer) or (client_id and CONTROL.search(client_id)):
        return None
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        query = query.where(LtiPlatform.client_id == client_id)
    return db.session.scalars(query.order_by(LtiPlatform.id)).first()


class DatabaseToolConf(ToolConfAbstract):
    """pylti1p3's view of the registered platforms, read from the database on every call."""

    def __init__(self) -> None:
        super().__init__()
        self.issuers_relation_types = _AlwaysMany()

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        platform = find_platform(iss, client_id)
        if platform is None:
            raise LtiError(
                f"No LMS with issuer {iss!r}"
                + (f" and client id {client_id!r}" if client_id else "")
                + " is registered in Casewise. A Casewise admin registers it under LTI platforms."
            )
        return registration_for(platform)

    def find_deployment(self, iss, deployment_id):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        platform = find_platform(iss, client_id)
        if platform is None or deployment_id not in {d.deployment_id for d in platform.deployments}:
            raise LtiError(
                f"The deployment id {deployment_id!r} is not registered for this LMS. A Casewise admin adds it "
                "to the platform under LTI platforms (the LMS shows the deployment id on the tool's page)."
            )
        return Deployment().set_deployment_id(deployment_id)


class _AlwaysMany(dict):
    """Every issuer may have several client ids (one registration per LMS tool)."""

    def get(self, key, default=None):
        return "one-issuer-many-client-ids"


# ---------------------------------------------------------------- launch


def check_claims(body: dict, platform: LtiPlatform) -> None:
    """What pylti1p3 leaves unchecked: aud names this client, azp when required, exp and iat present."""
    aud = body.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if platform.client_id not in audiences:
        raise LtiError(f"The launch token is addressed to {aud!r}, not to this tool's client id.")
    if (len(audiences) > 1 or "azp" in body) and body.get("azp") != platform.client_id:
        raise LtiError("The launch token's authorised party (azp) is not this tool's client id.")
    for claim in ("exp", "iat"):
        if not isinstance(body.get(claim), int | float):
            raise LtiError(f"The launch token has no {claim!r} time; the LMS must send one.")


def use_nonce(nonce: str) -> None:
    """Record the launch's nonce (committed with the launch); a second use is refused. Nonces older than a
    day are dropped: a token that old fails its `exp` check anyway."""
    db.session.execute(delete(LtiNonce).where(LtiNonce.created_at < utcnow() - timedelta(days=1)))
    if db.session.scalar(select(LtiNonce.id).where(LtiNonce.nonce == nonce)) is not None:
        raise LtiError("This launch was already used (replayed nonce). Start again from the LMS.")
    db.session.add(LtiNonce(nonce=nonce))


def is_instructor_role(roles: list[str]) -> bool:
    for role in roles or []:
        name = role.rsplit("#", 1)[-1] if "#" in role else role.rsplit("/", 1)[-1]
        if name in INSTRUCTOR_ROLES and ("membership" in role or "/" not in role):
            return True
    return False


@dataclass
class Launch:
    user: User
    course: Course | None
    context: LtiContext | None
    instructor: bool
    message_type: str
    target: str


def _username(platform: LtiPlatform, sub: str) -> str:
    return f"lti{platform.id}-{hashlib.sha256(sub.encode()).hexdigest()[:24]}"


def _provision_user(platform: LtiPlatform, sub: str, name: str, instructor: bool) -> User:
    link = db.session.scalar(select(LtiUser).where(LtiUser.platform_id == platform.id, LtiUser.sub == sub))
    if link is None:
        user = User(
            username=_username(platform, sub),
            display_name=(name or "LMS user")[:80],
            password_hash=NO_PASSWORD,
            role="instructor" if instructor else "student",
        )
        db.session.add(user)
        db.session.flush()
        db.session.add(LtiUser(platform_id=platform.id, sub=sub, user_id=user.id))
        return user
    user = db.session.get(User, link.user_id)
    if name:
        user.display_name = name[:80]
    if instructor and user.role == "student":
        user.role = "instructor"  # the LMS says so; a learner launch never raises a role
    return user


def _service_owner(platform: LtiPlatform) -> User:
    """The owner of courses a learner's launch created: a no-login account per platform."""
    username = f"lti{platform.id}-platform"
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(
            username=username,
            display_name=f"{platform.name} (LMS)",
            password_hash=NO_PASSWORD,
            role="instructor",
        )
        db.session.add(user)
        db.session.flush()
    return user


def _enrol(course: Course, user: User, role: str) -> None:
    enrolment = db.session.scalar(
        select(Enrolment).where(Enrolment.course_id == course.id, Enrolment.user_id == user.id)
    )
    if enrolment is None:
        db.session.add(Enrolment(course_id=course.id, user_id=user.id, role=role))
    elif enrolment.role != role:
        enrolment.role = role


def _provision_context(platform: LtiPlatform, body: dict, owner: User) -> LtiContext | None:
    context_claim = body.get(CLAIM + "context") or {}
    context_id = str(context_claim.get("id") or "")
    if not context_id:
        return None
    context = db.session.scalar(
        select(LtiContext).where(LtiContext.platform_id == platform.id, LtiContext.context_id == context_id)
    )
    title = (context_claim.get("title") or context_claim.get("label") or "LMS course")[:120]
    if context is None:
        course = Course(title=title, description=f"Linked from {platform.name}.", owner_id=owner.id)
        course.join_code = new_join_code()
        db.session.add(course)
        db.session.flush()
        context = LtiContext(
            platform_id=platform.id,
            deployment_id=str(body.get(CLAIM + "deployment_id")),
            context_id=context_id,
            course_id=course.id,
        )
        db.session.add(context)
    nrps = body.get(NRPS_CLAIM) or {}
    ags = body.get(AGS_CLAIM) or {}
    if nrps.get("context_memberships_url"):
        context.memberships_url = nrps["context_memberships_url"]
    if ags.get("lineitems"):
        context.lineitems_url = ags["lineitems"]
    db.session.flush()
    return context


def parse_target(target: str) -> tuple[str, str]:
    kind, _, value = (target or "").partition(":")
    return kind, value


def accept_launch(platform: LtiPlatform, body: dict) -> Launch:
    """Provision the user, the course and the quiz's line item for a validated launch; one transaction.
    Two first launches at once race on the unique keys: the loser starts over and finds the winner's rows."""
    for _ in range(2):
        try:
            return _accept_launch(platform, body)
        except IntegrityError:
            db.session.rollback()
    raise LtiError(
        "Another launch for the same person or course was being set up at the same moment; try again."
    )


def _accept_launch(platform: LtiPlatform, body: dict) -> Launch:
    try:
        check_claims(body, platform)
        use_nonce(str(body.get("nonce")))
        instructor = is_instructor_role(body.get(CLAIM + "roles") or [])
        name = body.get("name") or " ".join(p for p in (body.get("given_name"), body.get("family_name")) if p)
        sub = str(body.get("sub") or "")
        if not sub:
            raise LtiError("The launch has no user (sub); anonymous launches are not supported.")
        user = _provision_user(platform, sub, name, instructor)
        owner = user if instructor else _service_owner(platform)
        context = _provision_context(platform, body, owner)
        course = None
        if context is not None:
            course = db.session.get(Course, context.course_id)
            _enrol(course, user, "instructor" if instructor else "student")
        target = str((body.get(CLAIM + "custom") or {}).get(TARGET_PARAM) or "")
        kind, value = parse_target(target)
        if kind == "quiz":
            quiz = db.session.get(Quiz, int(value)) if value.isdigit() else None
            if quiz is None:
                raise LtiError(
                    "The Casewise quiz this LMS link points to was deleted. Ask your instructor to link "
                    "another quiz (in the LMS: edit the activity and pick a quiz again)."
                )
            lineitem = (body.get(AGS_CLAIM) or {}).get("lineitem")
            if context is not None and lineitem:
                _link_line_item(context, quiz.id, lineitem)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return Launch(
        user=user,
        course=course,
        context=context,
        instructor=instructor,
        message_type=str(body.get(CLAIM + "message_type") or ""),
        target=target,
    )


def _link_line_item(context: LtiContext, quiz_id: int, url: str) -> None:
    item = db.session.scalar(
        select(LtiLineItem).where(LtiLineItem.context_id == context.id, LtiLineItem.quiz_id == quiz_id)
    )
    if item is None:
        db.session.add(LtiLineItem(context_id=context.id, quiz_id=quiz_id, url=url))
    else:
        item.url = url


# ---------------------------------------------------------------- deep linking


@dataclass
class Choice:
    kind: str  # quiz, deck, article
    key: str
    title: str
    note: str = ""


def deep_link_choices(user: User, course: Course | None) -> list[Choice]:
    """What an instructor may link: quizzes they edit that are free or in this course, decks and articles."""
    choices: list[Choice] = []
    for quiz in db.session.scalars(select(Quiz).order_by(Quiz.title)):
        if not can_edit_quiz(user, quiz):
            continue
        if quiz.course_id is not None and (course is None or quiz.course_id != course.id):
            continue
        note = "" if quiz.published else "not published yet: students cannot start it until you publish it"
        choices.append(Choice("quiz", str(quiz.id), quiz.title, note))
    for article in db.session.scalars(select(Article).order_by(Article.title)):
        choices.append(Choice("deck", article.slug, f"Flashcards: {article.title}"))
        choices.append(Choice("article", article.slug, f"Article: {article.title}"))
    return choices


def resolve_choice(user: User, course: Course | None, value: str) -> tuple[Choice, Quiz | None]:
    """The chosen item; a quiz not yet in a course joins the LMS course so its students may take it."""
    kind, key = parse_target(value)
    for choice in deep_link_choices(user, course):
        if choice.kind == kind and choice.key == key:
            quiz = None
            if kind == "quiz":
                quiz = db.session.get(Quiz, int(key))
                if quiz.course_id is None and course is not None:
                    quiz.course_id = course.id
                    db.session.commit()
            return choice, quiz
    raise LtiError("Pick one of the listed quizzes, decks or articles; the one sent is not available to you.")


# ---------------------------------------------------------------- roster (NRPS)


@dataclass
class RosterResult:
    added: int = 0
    kept: int = 0
    removed: int = 0


def apply_roster(context: LtiContext, members: list[dict]) -> RosterResult:
    """Make the course's LMS-provisioned enrolments match the roster; those gone or inactive lose access."""
    platform = db.session.get(LtiPlatform, context.platform_id)
    course = db.session.get(Course, context.course_id)
    result = RosterResult()
    active: set[int] = set()
    try:
        for member in members:
            sub = str(member.get("user_id") or "")
            if not sub or member.get("status", "Active") != "Active":
                continue
            instructor = is_instructor_role(member.get("roles") or [])
            existed = db.session.scalar(
                select(LtiUser.user_id).where(LtiUser.platform_id == platform.id, LtiUser.sub == sub)
            )
            user = _provision_user(platform, sub, member.get("name") or "", instructor)
            had = existed is not None and db.session.scalar(
                select(Enrolment.id).where(Enrolment.course_id == course.id, Enrolment.user_id == user.id)
            )
            _enrol(course, user, "instructor" if instructor else "student")
            active.add(user.id)
            if had:
                result.kept += 1
            else:
                result.added += 1
        lms_users = select(LtiUser.user_id).where(LtiUser.platform_id == platform.id)
        gone = db.session.execute(
            delete(Enrolment)
            .where(
                Enrolment.course_id == course.id,
                Enrolment.user_id.in_(lms_users),
                Enrolment.user_id.not_in(active) if active else Enrolment.user_id.isnot(None),
            )
            .execution_options(synchronize_session=False)
        )
        result.removed = gone.rowcount or 0
        context.synced_at = utcnow()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def context_of(platform: LtiPlatform, body: dict) -> LtiContext | None:
    context_id = str((body.get(CLAIM + "context") or {}).get("id") or "")
    return db.session.scalar(
        select(LtiContext).where(LtiContext.platform_id == platform.id, LtiContext.context_id == context_id)
    )


def context_for_course(course_id: int) -> LtiContext | None:
    return db.session.scalar(select(LtiContext).where(LtiContext.course_id == course_id))


def sync_roster(context_id: int) -> RosterResult:
    """Fetch the LMS roster (Names and Role Provisioning Services) and apply it."""
    from pylti1p3.contrib.flask import FlaskServiceConnector
    from pylti1p3.exception import LtiException
    from pylti1p3.names_roles import NamesRolesProvisioningService
    from requests import RequestException

    context = db.session.get(LtiContext, context_id)
    if context is None or not context.memberships_url:
        raise LtiError(
            "The LMS did not offer its roster for this course (no Names and Roles service in the launch)."
        )
    platform = db.session.get(LtiPlatform, context.platform_id)
    service = NamesRolesProvisioningService(
        FlaskServiceConnector(registration_for(platform)),
        {"context_memberships_url": context.memberships_url},
    )
    try:
        members = service.get_members()
    except LtiException as exc:
        response = getattr(exc, "response", None)
        status = f" ({response.status_code})" if response is not None else ""
        raise LtiError(
            f"The LMS refused the roster request{status}: {exc}. Try again; if it persists, check "
            "the registration with the LMS admin."
        ) from exc
    except RequestException as exc:
        raise LtiError(
            f"Could not reach the LMS for the roster ({type(exc).__name__}); try again later."
        ) from exc
    return apply_roster(context, list(members))


def contexts_for(user: User) -> list[LtiContext]:
    """LMS-linked courses the user manages (admins: all)."""
    query = select(LtiContext).join(Course, Course.id == LtiContext.course_id)
    if not user.is_admin:
        query = query.join(Enrolment, Enrolment.course_id == Course.id).where(
            Enrolment.user_id == user.id, Enrolment.role == "instructor"
        )
    return list(db.session.scalars(query.order_by(LtiContext.id)))


def display_names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all())
