"""Issuing (development only) and validating bearer JWTs."""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from authlib.jose import JsonWebKey, JsonWebToken
from authlib.jose.errors import JoseError

from service.auth.roles import Role

# More role claims than this is not a real assignment (there are six roles); duplicates of a
# known role are collapsed.
MAX_ROLE_CLAIMS = 20


class InvalidToken(Exception):
    """The token is missing, malformed, badly signed, expired or not meant for us."""


@dataclass(frozen=True, slots=True)
class TokenClaims:
    sub: str
    agency: str
    roles: tuple[Role, ...]
    token_id: str | None


def issue_token(
    private_jwk: dict[str, Any],
    *,
    sub: str,
    agency: str,
    roles: list[str],
    issuer: str,
    audience: str,
    ttl_seconds: int = 3600,
    now: float | None = None,
) -> str:
    """Sign a token with the given private JWK (the development key in practice)."""
    issued = int(now if now is not None else time.time())
    header = {"alg": private_jwk.get("alg", "RS256"), "kid": private_jwk["kid"], "typ": "JWT"}
    payload = {
        "iss": issuer,
        "aud": audience,
        "sub": sub,
        "agency": agency,
        "roles": [Role(role).value for role in roles],
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl_seconds,
        "jti": str(uuid.uuid4()),
    }
    key = JsonWebKey.import_key(private_jwk)
    return JsonWebToken([header["alg"]]).encode(header, payload, key).decode("ascii")


def token_key_id(token: str) -> str | None:
    """The ``kid`` a token's header names, or None (a malformed token fails validation anyway)."""
    try:
        header = json.loads(base64.urlsafe_b64decode(token.split(".", 1)[0][:2000] + "=="))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    kid = header.get("kid") if isinstance(header, dict) else None
    return kid if isinstance(kid, str) and len(kid) <= 200 else None


def validate_token(
    token: str,
    key_set: Any,
    *,
    issuer: str,
    audience: str,
    algorithms: list[str],
    leeway: int = 30,
) -> TokenClaims:
    """Check signature, algorithm, issuer, audience, expiry; return the claims we rely on."""
    jwt = JsonWebToken(algorithms)
    options = {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": audience},
        "exp": {"essential": True},
        "sub": {"essential": True},
    }
    try:
        claims = jwt.decode(token, key_set, claims_options=options)
        claims.validate(leeway=leeway)
    except JoseError as error:
        raise InvalidToken(f"token rejected: {error.error}") from None
    except (ValueError, TypeError, KeyError):
        raise InvalidToken("token rejected: malformed") from None
    agency = claims.get("agency")
    raw_roles = claims.get("roles")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > 200:
        raise InvalidToken("token rejected: 'sub' claim missing or invalid")
    if not isinstance(agency, str) or not agency or len(agency) > 100:
        raise InvalidToken("token rejected: 'agency' claim missing or invalid")
    if (
        not isinstance(raw_roles, list)
        or not 0 < len(raw_roles) <= MAX_ROLE_CLAIMS
        or not all(isinstance(role, str) for role in raw_roles)
    ):
        raise InvalidToken("token rejected: 'roles' claim missing or invalid")
    try:
        roles = tuple(dict.fromkeys(Role(role) for role in raw_roles))
    except ValueError:
        raise InvalidToken("token rejected: unknown role") from None
    jti = claims.get("jti")
    return TokenClaims(
        sub=sub, agency=agency, roles=roles, token_id=jti if isinstance(jti, str) else None
    )
