"""LTI Dynamic Registration (IMS LTI DR 1.0): the LMS admin pastes one URL; Casewise reads the platform's
OpenID configuration, registers itself at the platform's registration endpoint and stores the result."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.lti import service
from app.models import LtiPlatform

TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]
TIMEOUT = 10
LINK_DAYS = 7


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="lti-dynamic-registration")


def new_link_token() -> str:
    """The secret part of a dynamic registration URL an admin hands to an LMS admin (valid LINK_DAYS days):
    only such a URL makes Casewise call out to the LMS, so nobody can make the server fetch arbitrary URLs."""
    return _signer().dumps("register")


def check_link_token(token: str | None) -> None:
    try:
        _signer().loads(token or "", max_age=LINK_DAYS * 86400)
    except SignatureExpired:
        raise service.LtiError(
            f"This registration URL is older than {LINK_DAYS} days. Ask a Casewise admin for a new one "
            "(LMS platforms page)."
        ) from None
    except BadSignature:
        raise service.LtiError(
            "This is not a valid Casewise registration URL. Ask a Casewise admin for one (LMS platforms page)."
        ) from None


def tool_registration(urls: dict[str, str]) -> dict:
    """The client registration Casewise sends the platform."""
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls["login"],
        "redirect_uris": [urls["launch"]],
        "client_name": "Casewise",
        "jwks_uri": urls["jwks"],
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(SCOPES),
        TOOL_CONFIG: {
            "domain": urlsplit(urls["launch"]).netloc,
            "target_link_uri": urls["launch"],
            "claims": ["iss", "sub", "name", "given_name", "family_name"],
            "messages": [
                {"type": "LtiResourceLinkRequest"},
                {"type": "LtiDeepLinkingRequest", "target_link_uri": urls["launch"], "label": "Casewise"},
            ],
        },
    }


def _get_json(url: str, what: str, **kwargs) -> dict:
    try:
        response = requests.request(kwargs.pop("method", "GET"), url, timeout=TIMEOUT, **kwargs)
    except requests.RequestException as exc:
        raise service.LtiError(f"Could not reach the LMS's {what} at {url} ({type(exc).__name__}).") from exc
    if not response.ok:
        raise service.LtiError(
            f"The LMS's {what} at {url} answered {response.status_code}: {response.text.strip()[:300]}"
        )
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise service.LtiError(f"The LMS's {what} at {url} did not answer with a JSON object.")
    return data


def register_dynamically(
    config_url: str, registration_token: str | None, urls: dict[str, str]
) -> LtiPlatform:
    if service._url_problem("openid_configuration", config_url):
        raise service.LtiError("openid_configuration must be the full URL of the LMS's OpenID configuration.")
    config = _get_json(config_url, "OpenID configuration")
    issuer = str(config.get("issuer") or "")
    # The spec: the configuration URL must start with the issuer, so no other site can speak for it.
    if not issuer or not config_url.startswith(issuer.rstrip("/")):
        raise service.LtiError(
            f"The OpenID configuration's issuer {issuer!r} does not match the URL it came from ({config_url})."
        )
    missing = [
        k
        for k in ("registration_endpoint", "authorization_endpoint", "token_endpoint", "jwks_uri")
        if not config.get(k)
    ]
    if missing:
        raise service.LtiError(f"The LMS's OpenID configuration lacks {', '.join(missing)}.")
    headers = {"Authorization": f"Bearer {registration_token}"} if registration_token else {}
    client = _get_json(
        config["registration_endpoint"],
        "registration endpoint",
        method="POST",
        json=tool_registration(urls),
        headers=headers,
    )
    client_id = str(client.get("client_id") or "")
    deployment_id = str((client.get(TOOL_CONFIG) or {}).get("deployment_id") or "")
    if not client_id:
        raise service.LtiError("The LMS accepted the registration but sent no client_id.")
    product = (config.get(PLATFORM_CONFIG) or {}).get("product_family_code") or urlsplit(issuer).netloc
    return service.register_platform(
        service.PlatformSettings(
            name=str(product)[:120],
            issuer=issuer,
            client_id=client_id,
            auth_login_url=config["authorization_endpoint"],
            auth_token_url=config["token_endpoint"],
            key_set_url=config["jwks_uri"],
            deployment_ids=[deployment_id] if deployment_id else [],
        ),
        # Some LMSs send the deployment id only with the first launch: the admin adds it on the platforms page.
        require_deployment=False,
    )
