"""Bearer-token validation and scope checks, through HTTP with real signed tokens.

Every malformed, forged or foreign token is a 401 with a ``WWW-Authenticate`` header, never a
500; a valid token without the route's scope is a 403.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid

from authlib.jose import JsonWebKey, JsonWebToken

from tests.conftest import AUDIENCE, ISSUER

ENTRIES = "/v1/entries"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(**overrides: object) -> dict:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "alice", "agency": "police",
              "roles": ["operator"], "iat": now, "nbf": now, "exp": now + 600,
              "jti": str(uuid.uuid4())}
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def _signed(key: dict, claims: dict, alg: str = "RS256") -> str:
    header = {"alg": alg, "kid": key["kid"], "typ": "JWT"}
    return JsonWebToken([alg]).encode(header, claims, JsonWebKey.import_key(key)).decode()


def _get(client, token: str, *, scheme: str = "Bearer"):  # noqa: ANN001, ANN202
    return client.get(ENTRIES, headers={"Authorization": f"{scheme} {token}",
                                        "X-Purpose": "token validation test"})


def _assert_unauthorized(response) -> None:  # noqa: ANN001
    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"] == "unauthorized"


def test_valid_token_is_accepted(client, signing_key) -> None:
    assert _get(client, _signed(signing_key, _claims())).status_code == 200


INVALID_CLAIMS = [
        ("expired", {"exp": int(time.time()) - 600, "iat": int(time.time()) - 1200,
                     "nbf": int(time.time()) - 1200}),
        ("not yet valid", {"nbf": int(time.time()) + 3600}),
        ("wrong audience", {"aud": "another-service"}),
        ("wrong issuer", {"iss": "https://idp.example.invalid"}),
        ("missing agency", {"agency": None}),
        ("empty agency", {"agency": ""}),
        ("missing roles", {"roles": None}),
        ("roles not a list", {"roles": "operator"}),
        ("empty roles", {"roles": []}),
        ("unknown role", {"roles": ["superuser"]}),
        ("unknown role beside a known one", {"roles": ["operator", "superuser"]}),
        ("role not a string", {"roles": [["operator"]]}),
        ("absurdly many roles", {"roles": ["operator"] * 21}),
        ("missing subject", {"sub": None}),
        ("missing expiry", {"exp": None}),
]


def test_invalid_claims_are_401(client, signing_key) -> None:
    """A token that is signed correctly but not valid for us is refused with 401, never 500."""
    for case, claims in INVALID_CLAIMS:
        response = _get(client, _signed(signing_key, _claims(**claims)))
        assert response.status_code == 401, case
        _assert_unauthorized(response)


def test_wrong_signing_key_is_401(client) -> None:
    """A key that is not in the JWKS, even presenting a known key id, is refused."""
    for kid in ("test-key", "unknown-key"):
        other = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": kid})
        data = other.as_dict(is_private=True)
        _assert_unauthorized(_get(client, _signed(data, _claims())))


def test_alg_none_is_401(client) -> None:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(_claims()).encode())
    for token in (f"{header}.{payload}.", f"{header}.{payload}"):
        _assert_unauthorized(_get(client, token))


def test_hs256_with_public_key_as_secret_is_401(client, signing_key) -> None:
    """The classic algorithm-confusion attack: HMAC keyed with the published RSA public key."""
    public = JsonWebKey.import_key(signing_key).get_public_key()
    from cryptography.hazmat.primitives import serialization

    secret = public.public_bytes(serialization.Encoding.PEM,
                                 serialization.PublicFormat.SubjectPublicKeyInfo)
    header = _b64(json.dumps({"alg": "HS256", "kid": signing_key["kid"], "typ": "JWT"}).encode())
    payload = _b64(json.dumps(_claims()).encode())
    signature = _b64(hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    _assert_unauthorized(_get(client, f"{header}.{payload}.{signature}"))


def test_tampered_payload_is_401(client, signing_key) -> None:
    header, _payload, signature = _signed(signing_key, _claims()).split(".")
    forged = _b64(json.dumps(_claims(roles=["admin", "operator"])).encode())
    _assert_unauthorized(_get(client, f"{header}.{forged}.{signature}"))


def test_malformed_tokens_are_401(client) -> None:
    for token in ("", "garbage", "a.b.c", "a.b", "x" * 5000, "é.ü.ö"):
        value = f"Bearer {token}".encode("latin-1")  # httpx would refuse to send non-ASCII text
        response = client.get(ENTRIES, headers={"Authorization": value, "X-Purpose": "test"})
        assert response.status_code == 401, token


def test_missing_or_non_bearer_credentials_are_401(client, make_token) -> None:
    assert client.get(ENTRIES, headers={"X-Purpose": "no token"}).status_code == 401
    response = _get(client, make_token("operator"), scheme="Basic")
    assert response.status_code == 401


SCOPE_CASES = [
        ("operator", "GET", "/v1/audit/events"),
        ("operator", "GET", "/v1/audit/verify"),
        ("border", "GET", ENTRIES),
        ("border", "POST", ENTRIES),
        ("oversight", "GET", ENTRIES),
        ("oversight", "POST", ENTRIES),
        ("admin", "GET", ENTRIES),
        ("admin", "GET", "/v1/audit/events"),
        ("reviewer", "POST", ENTRIES),
        ("reviewer", "GET", "/v1/audit/events"),
]


def test_missing_scope_is_403(client, headers) -> None:
    """Authenticated but not allowed: 403 naming the missing scope (roles map to scopes)."""
    for role, method, path in SCOPE_CASES:
        response = client.request(method, path, headers=headers(role), json={})
        assert response.status_code == 403, (role, method, path, response.text)
        assert "scope" in response.json()["message"]


def test_operator_cannot_approve(client, headers) -> None:
    path = f"{ENTRIES}/{uuid.uuid4()}/approve"
    response = client.post(path, json={"reason": "not my job"}, headers=headers("operator"))
    assert response.status_code == 403


ALL_ROLES = ["admin", "border", "operator", "oversight", "reviewer", "senior_reviewer"]


def test_every_role_at_once_is_recorded_in_full(client, signing_key) -> None:
    """LG-input-control: a token holding every role writes and is audited with all of them (the
    56-character role list overflowed a 40-character column on PostgreSQL: a 500); duplicate
    role claims count once."""
    everything = {"Authorization": f"Bearer {_signed(signing_key, _claims(roles=ALL_ROLES))}"}
    from tests.service.factories import entry_body

    created = client.post(ENTRIES, json=entry_body(), headers=everything)
    assert created.status_code == 201, created.text
    twice = _signed(signing_key, _claims(sub="bob", roles=["operator", "operator", "operator"]))
    assert client.post(ENTRIES, json=entry_body(),
                       headers={"Authorization": f"Bearer {twice}"}).status_code == 201
    events = client.get("/v1/audit/events", params={"action": "entry.nominate"},
                        headers={**everything, "X-Purpose": "role recording check"}).json()
    assert [event["actor_role"] for event in events["items"]] == [",".join(ALL_ROLES), "operator"]
