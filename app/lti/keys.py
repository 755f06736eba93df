"""The tool's RSA signing keys: generated here, private halves encrypted at rest, rotated with an overlap.

The encryption key is derived (HKDF-SHA256) from the LTI_KEY_SECRET setting when it is set, else from
SECRET_KEY. Changing that secret makes stored keys unreadable: rotate keys after changing it.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from jwcrypto.jwk import JWK
from sqlalchemy import or_, select

from app.extensions import db
from app.models import LtiKey
from app.models.base import utcnow


class KeyUnreadable(Exception):
    """A stored key cannot be read (the secret it was encrypted with changed)."""


def _fernet() -> Fernet:
    secret = current_app.config.get("LTI_KEY_SECRET") or current_app.config["SECRET_KEY"]
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"casewise-lti-keys", info=b"tool-private-key"
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _new_key() -> LtiKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # The kid is the key's RFC 7638 thumbprint, as pylti1p3 computes it when it signs.
    jwk = JWK.from_pem(pem).export_public(as_dict=True)
    kid = JWK.from_pem(pem).thumbprint()
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return LtiKey(kid=kid, private_key_encrypted=_fernet().encrypt(pem).decode(), public_jwk=jwk)


def private_pem(key: LtiKey) -> str:
    try:
        return _fernet().decrypt(key.private_key_encrypted.encode()).decode()
    except InvalidToken as exc:
        raise KeyUnreadable(
            f"The tool key {key.kid} cannot be decrypted: LTI_KEY_SECRET (or SECRET_KEY) changed since it was "
            "made. Run `flask lti rotate-key --overlap-hours 0` and re-register the tool's JWKS URL if needed."
        ) from exc


def public_pem(key: LtiKey) -> str:
    return JWK(**key.public_jwk).export_to_pem().decode()


def signing_key() -> LtiKey:
    """The newest unretired key, made (and committed) on first use."""
    key = db.session.scalars(
        select(LtiKey).where(LtiKey.retired_at.is_(None)).order_by(LtiKey.id.desc()).limit(1)
    ).first()
    if key is None:
        key = _new_key()
        db.session.add(key)
        db.session.commit()
    return key


def published_jwks(now: datetime | None = None) -> dict:
    """Every key a platform may still see a signature from: the signing key and those in their overlap."""
    now = now or utcnow()
    signing_key()
    keys = db.session.scalars(
        select(LtiKey).where(or_(LtiKey.retired_at.is_(None), LtiKey.retired_at > now)).order_by(LtiKey.id)
    )
    return {"keys": [dict(k.public_jwk) for k in keys]}


def rotate(overlap: timedelta = timedelta(hours=24)) -> LtiKey:
    """Make a new signing key; older keys stay in the JWKS for `overlap`, then drop out."""
    now = utcnow()
    for old in db.session.scalars(select(LtiKey).where(LtiKey.retired_at.is_(None))):
        old.retired_at = now + overlap
    key = _new_key()
    db.session.add(key)
    db.session.commit()
    return key
