"""An LTI 1.3 test LMS built on `lti1p3platform` (a platform library we did not write), served on loopback
beside the real Casewise app, plus a cookie-keeping "browser" that follows the launch as an LMS user would.

The platform library is lenient (it accepts wrong aud/iss/sub in assertions, scores with any scope, deep
linking responses with a wrong nonce); tests decode and check the tool's JWTs themselves from what the
platform records here.
"""

from __future__ import annotations

import functools
import html
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, abort, jsonify, redirect, request
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.registration import Registration
from werkzeug.serving import make_server

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
CLIENT_ID = "casewise-test-client"
DEPLOYMENT_ID = "deployment-1"


def new_private_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@functools.cache
def shared_private_pem() -> str:
    """One LMS key per test process: generating RSA keys is the slowest part of a launch test."""
    return new_private_pem()


@functools.cache
def public_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@functools.cache
def _kid(private_pem: str) -> str:
    return Registration.get_jwk(private_pem)["kid"]


class LmsRegistration(Registration):
    """The library's registration, with the key id computed once per key (loading an RSA key is slow)."""

    def get_kid(self):
        key = self.get_platform_private_key()
        return _kid(key) if key else None


class Served:
    """A WSGI app on a free loopback port, in a thread (threaded: the tool and the LMS call each other)."""

    def __init__(self, wsgi_app) -> None:
        self.server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()


@dataclass
class TestLMS:
    """State of the test LMS: its registration of the tool and what the tool sent it."""

    __test__ = False

    tool_url: str
    private_pem: str = field(default_factory=shared_private_pem)
    url: str = ""
    client_id: str = CLIENT_ID
    deployment_id: str = DEPLOYMENT_ID
    pending: dict[str, dict] = field(default_factory=dict)
    line_items: dict[str, dict] = field(default_factory=dict)
    scores: list[dict] = field(default_factory=list)
    score_tokens: list[str] = field(default_factory=list)
    assertions: list[str] = field(default_factory=list)
    deep_link_jwts: list[str] = field(default_factory=list)
    content_items: list[dict] = field(default_factory=list)
    members: dict[str, list[dict]] = field(default_factory=dict)
    registrations: list[dict] = field(default_factory=list)
    registration_token: str = "reg-token-1"
    score_status: int | None = None  # answer score posts with this error status instead of 200
    jwks_up: bool = True

    @property
    def issuer(self) -> str:
        return self.url

    def registration(self) -> Registration:
        return (
            LmsRegistration()
            .set_iss(self.issuer)
            .set_client_id(self.client_id)
            .set_deployment_id(self.deployment_id)
            .set_oidc_login_url(f"{self.tool_url}/lti/login")
            .set_launch_url(f"{self.tool_url}/lti/launch")
            .set_deeplink_launch_url(f"{self.tool_url}/lti/launch")
            .set_platform_public_key(public_pem(self.private_pem))
            .set_platform_private_key(self.private_pem)
            .set_tool_key_set_url(f"{self.tool_url}/lti/jwks")
        )

    def settings(self, **overrides) -> dict[str, Any]:
        """What a Casewise admin enters for this LMS."""
        values = {
            "name": "Test LMS",
            "issuer": self.issuer,
            "client_id": self.client_id,
            "auth_login_url": f"{self.url}/auth",
            "auth_token_url": f"{self.url}/token",
            "key_set_url": f"{self.url}/jwks",
            "deployment_ids": [self.deployment_id],
        }
        values.update(overrides)
        return values

    def launch_url(self, **params) -> str:
        return f"{self.url}/launch?{urlencode(params)}"

    def add_line_item(self, label: str, score_maximum: float, resource_id: str = "") -> str:
        item_id = str(len(self.line_items) + 1)
        self.line_items[item_id] = {
            "id": f"{self.url}/lineitems/{item_id}",
            "label": label,
            "scoreMaximum": score_maximum,
            "resourceId": resource_id,
        }
        return item_id


class PlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs):
        self.lms: TestLMS = kwargs["lms"]

    def get_registration_by_params(self, **kwargs):
        return self.lms.registration()


class Launcher(LTIAdvantageMessageLaunchAbstract):
    def get_preflight_response(self):
        return dict(request.args)

    def render_launch_form(self, launch_data, **kwargs):
        inputs = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(str(launch_data[name]))}">'
            for name in ("id_token", "state")
        )
        return (
            f'<form id="launch" method="post" action="{html.escape(launch_data["launch_url"])}">{inputs}</form>'
            "<script>document.getElementById('launch').submit()</script>"
        )


def lms_app(lms: TestLMS) -> Flask:
    app = Flask("test_lms")
    # Its own cookie name: cookies are not separated by port, and the tool uses Flask's default `session`.
    app.config.update(SECRET_KEY="test-lms", SESSION_COOKIE_NAME="test_lms_session")

    def conf() -> PlatformConf:
        return PlatformConf(lms=lms)

    @app.get("/jwks")
    def jwks():
        if not lms.jwks_up:
            abort(503)
        platform = conf()
        platform.get_registration()
        return jsonify(platform.get_jwks())

    @app.get("/.well-known/openid-configuration")
    def openid_configuration():
        """What LTI Dynamic Registration reads first (Moodle and Canvas serve the same fields)."""
        return jsonify(
            {
                "issuer": lms.issuer,
                "authorization_endpoint": f"{lms.url}/auth",
                "token_endpoint": f"{lms.url}/token",
                "jwks_uri": f"{lms.url}/jwks",
                "registration_endpoint": f"{lms.url}/register",
                "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                    "product_family_code": "testlms"
                },
            }
        )

    @app.post("/register")
    def register():
        if request.headers.get("Authorization") != f"Bearer {lms.registration_token}":
            return jsonify(error="invalid registration token"), 401
        lms.registrations.append(request.get_json())
        return jsonify(
            {
                **request.get_json(),
                "client_id": "dynamic-client",
                "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                    "deployment_id": "dynamic-deployment"
                },
            }
        )

    @app.get("/launch")
    def launch():
        """An LMS link: starts third-party login initiation at the tool for a user with a role."""
        hint = uuid.uuid4().hex
        lms.pending[hint] = dict(request.args)
        registration = lms.registration()
        params = {
            "iss": lms.issuer,
            "target_link_uri": registration.get_launch_url(),
            "login_hint": request.args["user"],
            "lti_message_hint": hint,
            "client_id": lms.client_id,
            "lti_deployment_id": lms.deployment_id,
        }
        return redirect(f"{registration.get_oidc_login_url()}?{urlencode(params)}")

    @app.get("/course")
    def course_page():
        """The LMS course page with the tool in an iframe, as Canvas and Moodle embed it."""
        src = html.escape(lms.launch_url(**request.args))
        return (
            "<!doctype html><title>LMS course</title><h1>LMS course</h1>"
            f'<iframe id="tool" title="Casewise" src="{src}" width="1000" height="700"></iframe>'
        )

    @app.get("/auth")
    def auth():
        """The OIDC authorization endpoint: checks the tool's request, answers with the signed launch."""
        params = lms.pending.get(request.args.get("lti_message_hint", ""))
        if params is None or request.args.get("login_hint") != params["user"]:
            abort(400)
        if request.args.get("redirect_uri") != f"{lms.tool_url}/lti/launch":
            abort(400)  # the library accepts any redirect_uri; an LMS must not
        launcher = Launcher(request, conf())
        roles = [INSTRUCTOR] if params.get("role") == "instructor" else [LEARNER]
        launcher.set_user_data(params["user"], roles, full_name=params.get("name", params["user"].title()))
        context = params.get("context", "course-1")
        roster = lms.members.setdefault(context, [])
        if params["user"] not in {m["user_id"] for m in roster}:  # an LMS lists whoever it launches
            roster.append({"user_id": params["user"], "roles": roles, "status": "Active"})
        launcher.set_launch_context_claim(context, context_title=f"LMS {context}", context_label=context)
        launcher.set_nrps(f"{lms.url}/memberships/{context}")
        if params.get("deep_link"):
            launcher.set_dl(f"{lms.url}/deep_link_return/{context}", title="Add a Casewise item")
        else:
            launcher.set_resource_link_claim(params.get("link", "link-1"))
            if params.get("target"):
                launcher.set_custom_parameters_claim({"casewise_target": params["target"]})
            line_item = params.get("line_item")
            launcher.set_ags(
                f"{lms.url}/lineitems",
                f"{lms.url}/lineitems/{line_item}" if line_item else None,
            )
        return launcher.lti_launch()

    @app.post("/token")
    def token():
        lms.assertions.append(request.form.get("client_assertion", ""))
        return jsonify(conf().get_registration() and _issue_token(conf(), dict(request.form)))

    def _issue_token(platform: PlatformConf, form: dict):
        platform.get_registration()
        return platform.get_access_token(form)

    def _bearer_ok(scope: str) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        platform = conf()
        platform.get_registration()
        return platform.validate_token(header[len("Bearer ") :], allowed_scopes=[scope])

    @app.post("/deep_link_return/<context>")
    def deep_link_return(context: str):
        lms.deep_link_jwts.append(request.form["JWT"])
        platform = conf()
        platform.get_registration()
        items = platform.validate_deeplinking_resp(dict(request.form))
        for item in items:
            lms.content_items.append(item)
            if item.get("lineItem"):
                lms.add_line_item(
                    item["lineItem"].get("label", item.get("title", "")),
                    item["lineItem"]["scoreMaximum"],
                    item["lineItem"].get("resourceId", ""),
                )
        return (
            f"<!doctype html><title>Added</title><p>Added {len(items)} item(s) to {html.escape(context)}.</p>"
        )

    @app.post("/lineitems/<item_id>/scores")
    def scores(item_id: str):
        if not _bearer_ok("https://purl.imsglobal.org/spec/lti-ags/scope/score"):
            return jsonify(error="invalid token"), 401
        if lms.score_status:
            return jsonify(error=f"test LMS answers {lms.score_status}"), lms.score_status
        if item_id not in lms.line_items:
            return jsonify(error="line item not found"), 404
        lms.score_tokens.append(request.headers["Authorization"])
        lms.scores.append(
            {"line_item": item_id, "content_type": request.content_type, **request.get_json(force=True)}
        )
        return "", 204

    @app.get("/memberships/<context>")
    def memberships(context: str):
        if not _bearer_ok("https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"):
            return jsonify(error="invalid token"), 401
        return jsonify(
            {"id": request.url, "context": {"id": context}, "members": lms.members.get(context, [])}
        )

    return app


class Browser:
    """A cookie-keeping client that follows redirects and submits the LMS's auto-posting forms."""

    def __init__(self) -> None:
        self.http = requests.Session()

    def get(self, url: str) -> requests.Response:
        return self.http.get(url, timeout=15)

    def submit_form(self, response: requests.Response, data: dict | None = None) -> requests.Response:
        # The auto-posting form: the one carrying a launch (id_token) or a deep-linking response (JWT).
        forms = re.findall(r"<form([^>]*)>(.*?)</form>", response.text, re.S)
        attrs, body = next(f for f in forms if 'name="id_token"' in f[1] or 'name="JWT"' in f[1])
        action = re.search(r'action="([^"]+)"', attrs).group(1)
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body))
        fields = {k: html.unescape(v) for k, v in fields.items()}
        fields.update(data or {})
        return self.http.post(html.unescape(action), data=fields, timeout=15)

    def login_form(self, lms: TestLMS, **params) -> tuple[requests.Response, dict]:
        """Start a launch and stop at the LMS's auto-posting form: (response, {id_token, state})."""
        response = self.get(lms.launch_url(**params))
        assert response.status_code == 200, response.text[:500]
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.text))
        return response, {k: html.unescape(v) for k, v in fields.items()}

    def launch(self, lms: TestLMS, **params) -> requests.Response:
        response, _ = self.login_form(lms, **params)
        return self.submit_form(response)


def decode_unverified(token: str) -> tuple[dict, dict]:
    return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})


def tool_public_key(tool_url: str, kid: str):
    keys = requests.get(f"{tool_url}/lti/jwks", timeout=10).json()["keys"]
    match = [k for k in keys if k["kid"] == kid]
    assert match, f"kid {kid} not in the tool's JWKS"
    return jwt.PyJWK(match[0]).key


def now() -> int:
    return int(time.time())
