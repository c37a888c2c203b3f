"""Ed25519 signing of audit exports and checkpoints. Pure: stdlib and ``cryptography`` only.

The service's signing key lives in a file in the data directory (created on first use, mode
0600). Verifiers need only its public key, published at ``GET /v1/audit/public-key`` and printed
by ``watchlist audit public-key``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"


def canonical_json(value: Any) -> bytes:
    """The one byte form that is signed: sorted keys, no whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """Read the PEM private key at ``path``, creating it (mode 0600) if it does not exist."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key")
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # O_EXCL: two processes starting at once must not overwrite each other's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_or_create_key(path)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """A short fingerprint naming the key in exports and checkpoints."""
    return hashlib.sha256(raw_public(key)).hexdigest()[:16]


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_key(text: str) -> Ed25519PublicKey:
    """Accept a PEM public key, or the base64 of the raw 32-byte key; ValueError otherwise."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode())
        except ValueError:
            raise ValueError("the public key is not a readable PEM public key") from None
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the public key is not an Ed25519 key")
        return key
    raw = decode_canonical_base64(text)
    if raw is None or len(raw) != 32:
        raise ValueError(
            "the public key is neither a PEM file nor the base64 of a raw 32-byte Ed25519 key"
        )
    return Ed25519PublicKey.from_public_bytes(raw)


def read_public_key(given: str) -> Ed25519PublicKey:
    """``given`` is a path to a PEM or base64 key file, or the key itself; errors name it."""
    path = Path(given)
    if path.is_file():
        try:
            text = path.read_text()
        except (OSError, UnicodeDecodeError) as error:
            raise ValueError(f"the public key file {given} cannot be read ({error})") from None
    elif path.exists():
        raise ValueError(f"the public key {given} is not a file")
    else:
        text = given
    try:
        return load_public_key(text)
    except ValueError as error:
        source = f"the public key file {given}" if path.is_file() else "--public-key"
        raise ValueError(f"{source}: {error}") from None


def decode_canonical_base64(text: str) -> bytes | None:
    """The bytes of ``text`` if it is their one canonical base64 form, else None.

    Plain decoding ignores the spare low bits of the last character before the padding, so
    several strings decode to the same bytes: accepting them would let a changed byte of a
    signed file still verify.
    """
    try:
        raw = base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        return None
    return raw if base64.b64encode(raw).decode("ascii") == text else None


def sign(key: Ed25519PrivateKey, payload: dict[str, Any]) -> str:
    return base64.b64encode(key.sign(canonical_json(payload))).decode()


def verify(key: Ed25519PublicKey, payload: dict[str, Any], signature: object) -> bool:
    """True only for a valid signature in its canonical base64 form."""
    raw = decode_canonical_base64(signature) if isinstance(signature, str) else None
    if raw is None:
        return False
    try:
        key.verify(raw, canonical_json(payload))
    except InvalidSignature:
        return False
    return True


def checkpoint_payload(seq: int, head_hash: str, created_at: str, key: str) -> dict[str, Any]:
    """What a checkpoint signature covers."""
    return {
        "type": "watchlist-audit-checkpoint/v1",
        "seq": seq,
        "head_hash": head_hash,
        "created_at": created_at,
        "key_id": key,
    }
