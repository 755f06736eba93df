"""Forms of the LTI pages: registering a platform, picking what to deep link, small action buttons."""

from __future__ import annotations

from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Optional

from app.forms import CheckedForm


def _url(label: str):
    return [DataRequired(f"{label} is required."), URL(message=f"{label} must be a full https:// URL.")]


class PlatformForm(CheckedForm):
    name = StringField(
        "Name", validators=[DataRequired("Give the LMS a name, e.g. “Canvas (school)”."), Length(max=120)]
    )
    issuer = StringField(
        "Issuer (platform ID)", validators=[DataRequired("The issuer is required."), Length(max=255)]
    )
    client_id = StringField(
        "Client ID", validators=[DataRequired("The client ID is required."), Length(max=255)]
    )
    deployment_ids = TextAreaField(
        "Deployment IDs", validators=[DataRequired("Give at least one deployment ID.")]
    )
    auth_login_url = StringField(
        "Authentication request URL", validators=_url("The authentication request URL")
    )
    auth_token_url = StringField("Access token URL", validators=_url("The access token URL"))
    key_set_url = StringField("Public keyset (JWKS) URL", validators=_url("The public keyset URL"))
    auth_audience = StringField(
        "Token audience (only if the LMS names one)",
        validators=[
            Optional(),
            URL(message="The token audience must be a full https:// URL."),
            Length(max=500),
        ],
    )
    submit = SubmitField("Register platform")


class DeepLinkForm(CheckedForm):
    item = RadioField("What to add to the LMS course", validators=[DataRequired("Pick one item to add.")])
    submit = SubmitField("Add to the course")


class ActionForm(CheckedForm):
    """A button that POSTs (CSRF-protected): resend a score, sync a roster, rotate the key, delete."""

    submit = SubmitField("Go")
