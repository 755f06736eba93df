"""Registering an LMS: the admin page and the CLI (with their messages), LTI Dynamic Registration against
the test LMS, the tool keys (encrypted at rest, rotated with overlap), and the framed-session headers."""

from __future__ import annotations

from datetime import timedelta

import requests
from sqlalchemy import func, select

from app.extensions import db
from app.lti import keys, registration
from app.models import LtiDeployment, LtiKey, LtiPlatform

FORM = {
    "name": "Canvas (school)",
    "issuer": "https://canvas.instructure.com",
    "client_id": "10000000000001",
    "deployment_ids": "1:abc, 2:def",
    "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
    "auth_token_url": "https://sso.canvaslms.com/login/oauth2/token",
    "key_set_url": "https://sso.canvaslms.com/api/lti/security/jwks",
}


def _platforms() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(LtiPlatform))


def test_admin_registers_a_platform_and_bad_input_names_the_field(app, client, auth, make_user):
    make_user("root", "admin")
    make_user("teacher", "instructor")
    auth.login("teacher")
    assert client.get("/lti/platforms").status_code == 403
    auth.logout()
    auth.login("root")
    page = client.get("/lti/platforms")
    assert page.status_code == 200
    for url in ("/lti/register/", "/lti/login", "/lti/launch", "/lti/jwks"):
        assert f"http://localhost{url}".encode() in page.data

    bad = client.post("/lti/platforms", data={**FORM, "auth_login_url": "sso.canvaslms.com/authorize"})
    assert (
        bad.status_code == 400 and b"The authentication request URL must be a full https:// URL" in bad.data
    )
    assert _platforms() == 0
    assert client.post("/lti/platforms", data={**FORM, "deployment_ids": ""}).status_code == 400
    assert _platforms() == 0

    assert client.post("/lti/platforms", data=FORM).status_code == 302
    again = client.post("/lti/platforms", data={**FORM, "deployment_ids": "2:def 3:ghi"})
    assert again.status_code == 302 and _platforms() == 1  # same issuer and client id: updated
    assert sorted(db.session.scalars(select(LtiDeployment.deployment_id))) == ["1:abc", "2:def", "3:ghi"]


def test_cli_registers_and_lists(runner):
    args = [
        "lti",
        "register",
        "--name",
        "Moodle",
        "--issuer",
        "https://moodle.example.edu",
        "--client-id",
        "abc",
    ]
    urls = ["--token-url", "https://moodle.example.edu/mod/lti/token.php"]
    urls += ["--jwks-url", "https://moodle.example.edu/mod/lti/certs.php", "--deployment-id", "7"]
    bad = runner.invoke(args=[*args, *urls, "--auth-login-url", "moodle.example.edu/auth.php"])
    assert bad.exit_code != 0 and "must be a full http(s) URL" in bad.output and _platforms() == 0
    good = runner.invoke(
        args=[*args, *urls, "--auth-login-url", "https://moodle.example.edu/mod/lti/auth.php"]
    )
    assert good.exit_code == 0, good.output
    listed = runner.invoke(args=["lti", "list"])
    assert "https://moodle.example.edu\tabc\t7" in listed.output


def test_dynamic_registration_with_the_test_lms(app, lti_world):
    lms, tool = lti_world.lms, lti_world.tool_url
    config = f"{lms.url}/.well-known/openid-configuration"
    # Only a registration URL an admin gave out makes Casewise call the LMS (no server-side fetches for anyone).
    for url in (f"{tool}/lti/register", f"{tool}/lti/register/forged-token"):
        anonymous = requests.get(url, params={"openid_configuration": config}, timeout=15)
        assert anonymous.status_code in (200, 403) and "Dynamic registration failed" not in anonymous.text
    assert (
        requests.get(
            f"{tool}/lti/register/forged-token", params={"openid_configuration": config}, timeout=15
        ).status_code
        == 403
    )
    assert lms.registrations == [] and _platforms() == 1
    with app.test_request_context():
        link = f"{tool}/lti/register/{registration.new_link_token()}"
    refused = requests.get(link, params={"openid_configuration": config}, timeout=15)
    assert refused.status_code == 400 and "answered 401" in refused.text and _platforms() == 1
    done = requests.get(
        link,
        params={"openid_configuration": config, "registration_token": lms.registration_token},
        timeout=15,
    )
    assert done.status_code == 200 and "dynamic-client" in done.text and "registered.js" in done.text
    [sent] = lms.registrations
    assert sent["jwks_uri"] == f"{tool}/lti/jwks" and sent["initiate_login_uri"] == f"{tool}/lti/login"
    assert sent["redirect_uris"] == [f"{tool}/lti/launch"]
    db.session.expire_all()
    platform = db.session.scalar(select(LtiPlatform).where(LtiPlatform.client_id == "dynamic-client"))
    assert platform.issuer == lms.issuer and platform.auth_token_url == f"{lms.url}/token"
    assert [d.deployment_id for d in platform.deployments] == ["dynamic-deployment"]
    # A configuration whose issuer is another site is refused.
    lms_issuer_elsewhere = requests.get(link, params={"openid_configuration": f"{tool}/lti/jwks"}, timeout=15)
    assert lms_issuer_elsewhere.status_code == 400 and "issuer" in lms_issuer_elsewhere.text


def test_keys_are_encrypted_at_rest_and_rotate_with_overlap(app):
    first = keys.signing_key()
    pem = keys.private_pem(first)
    assert "PRIVATE KEY" in pem and "PRIVATE KEY" not in first.private_key_encrypted
    assert first.private_key_encrypted not in pem
    assert [k["kid"] for k in keys.published_jwks()["keys"]] == [first.kid]
    assert all("d" not in k for k in keys.published_jwks()["keys"])  # public halves only

    second = keys.rotate(timedelta(hours=24))
    assert keys.signing_key().kid == second.kid
    assert [k["kid"] for k in keys.published_jwks()["keys"]] == [first.kid, second.kid]  # overlap
    later = first.retired_at + timedelta(seconds=1)
    assert [k["kid"] for k in keys.published_jwks(now=later)["keys"]] == [second.kid]

    app.config["LTI_KEY_SECRET"] = "a-different-secret"
    try:
        keys.private_pem(second)
    except keys.KeyUnreadable as exc:
        assert "rotate-key" in str(exc)
    else:
        raise AssertionError("a key decrypted with the wrong secret")
    finally:
        app.config.pop("LTI_KEY_SECRET")
    assert db.session.scalar(select(func.count()).select_from(LtiKey)) == 2


def test_framed_sessions_get_third_party_cookies_and_frame_ancestors(app):
    client = app.test_client()
    plain = client.get("/login", base_url="https://casewise.test")
    assert "frame-ancestors 'self'" in plain.headers["Content-Security-Policy"]
    assert plain.headers["X-Frame-Options"] == "SAMEORIGIN"
    with client.session_transaction(base_url="https://casewise.test") as session:
        session["lti_frame_origins"] = ["https://lms.example.edu"]
    framed = client.get("/login", base_url="https://casewise.test")
    assert (
        "frame-ancestors 'self' https://lms.example.edu;" in framed.headers["Content-Security-Policy"] + ";"
    )
    assert "X-Frame-Options" not in framed.headers
    cookie = client.get_cookie("session", domain="casewise.test")
    assert (cookie.same_site, cookie.secure) == ("None", True)
    # Over plain http (development) the cookie stays SameSite=Lax: a None cookie there would be dropped.
    with client.session_transaction() as session:
        session["lti_frame_origins"] = ["https://lms.example.edu"]
    assert client.get_cookie("session").same_site == "Lax"
