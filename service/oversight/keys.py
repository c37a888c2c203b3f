"""The service's audit signing key, loaded once per process."""

from __future__ import annotations

from typing import Any

from service.config import Settings
from service.oversight import signing
from service.oversight.settings import signing_key_path


def load_signing_key(settings: Settings) -> Any:
    return signing.load_or_create_key(signing_key_path(settings))


def service_signing_key(container: Any) -> Any:
    key = container.extensions.get("audit_signing_key")
    if key is None:
        key = load_signing_key(container.settings)
        container.extensions["audit_signing_key"] = key
    return key


def verification_public_key(settings: Settings, given: str | None = None) -> Any:
    """The public key that checks retention cuts: ``given`` (PEM file, PEM text or base64 of
    the raw key), else the service's own key if its file exists, else None (a verifier then
    reports any cut as uncheckable rather than trusting it)."""
    if given:
        return signing.read_public_key(given)
    path = signing_key_path(settings)
    return signing.load_or_create_key(path).public_key() if path.exists() else None
