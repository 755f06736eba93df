"""`flask lti ...`: register an LMS, list registrations, show the tool's URLs, rotate keys, sync a roster."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import url_for
from flask.cli import AppGroup

from app.lti import keys, service

lti_cli = AppGroup("lti", help="LTI 1.3: LMS platforms, tool keys, rosters.")


@lti_cli.command("register")
@click.option("--name", required=True, help="A name for the LMS, e.g. 'Canvas (school)'.")
@click.option(
    "--issuer", required=True, help="The platform's issuer (Canvas: https://canvas.instructure.com)."
)
@click.option("--client-id", required=True)
@click.option("--deployment-id", "deployment_ids", multiple=True, required=True, help="Repeat for several.")
@click.option("--auth-login-url", required=True, help="The platform's OIDC authentication request URL.")
@click.option("--token-url", required=True, help="The platform's OAuth2 access token URL.")
@click.option("--jwks-url", required=True, help="The platform's public keyset URL.")
@click.option("--token-audience", default="", help="Only if the LMS names one (Brightspace).")
def register_command(
    name, issuer, client_id, deployment_ids, auth_login_url, token_url, jwks_url, token_audience
) -> None:
    """Register an LMS (or update the one with the same issuer and client id)."""
    try:
        platform = service.register_platform(
            service.PlatformSettings(
                name=name,
                issuer=issuer,
                client_id=client_id,
                auth_login_url=auth_login_url,
                auth_token_url=token_url,
                key_set_url=jwks_url,
                deployment_ids=[d for raw in deployment_ids for d in service.parse_deployment_ids(raw)],
                auth_audience=token_audience,
            )
        )
    except service.LtiError as exc:
        raise click.ClickException(str(exc)) from exc
    deployments = ", ".join(d.deployment_id for d in platform.deployments)
    click.echo(
        f"Registered {platform.name} (id {platform.id}): {platform.issuer} client {platform.client_id}; "
        f"deployments {deployments}"
    )


@lti_cli.command("list")
def list_command() -> None:
    """The registered platforms."""
    for platform in service.platforms():
        deployments = ", ".join(d.deployment_id for d in platform.deployments) or "none"
        click.echo(f"{platform.id}\t{platform.name}\t{platform.issuer}\t{platform.client_id}\t{deployments}")


@lti_cli.command("urls")
@click.option("--base-url", required=True, help="Where Casewise is served, e.g. https://casewise.example.edu")
def urls_command(base_url: str) -> None:
    """The URLs an LMS admin enters."""
    from flask import current_app

    from app.lti.registration import LINK_DAYS, new_link_token

    with current_app.test_request_context(base_url=base_url.rstrip("/")):
        link = url_for("lti.dynamic_registration", token=new_link_token(), _external=True)
        click.echo(f"Dynamic registration (valid {LINK_DAYS} days): {link}")
        for label, endpoint in (
            ("Login initiation", "lti.login"),
            ("Launch / redirect", "lti.launch"),
            ("JWKS", "lti.jwks"),
        ):
            click.echo(f"{label}: {url_for(endpoint, _external=True)}")


@lti_cli.command("rotate-key")
@click.option("--overlap-hours", default=24, show_default=True, type=click.IntRange(min=0))
def rotate_command(overlap_hours: int) -> None:
    """Make a new signing key; the old ones stay in the JWKS for the overlap."""
    key = keys.rotate(timedelta(hours=overlap_hours))
    click.echo(f"New signing key {key.kid}; older keys leave the JWKS in {overlap_hours} h.")


@lti_cli.command("sync-roster")
@click.argument("course_id", type=int)
def sync_command(course_id: int) -> None:
    """Fetch the LMS roster of an LMS-linked course now."""
    context = service.context_for_course(course_id)
    if context is None:
        raise click.ClickException(
            f"Course {course_id} is not linked to an LMS (it was not created by a launch)."
        )
    try:
        result = service.sync_roster(context.id)
    except service.LtiError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Roster synced: {result.added} added, {result.kept} kept, {result.removed} removed.")
