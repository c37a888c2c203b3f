"""Key material: the JWKS tokens are checked against, and the development signing key.

The development key is generated on first use into the data directory (never committed), and
its public half is the development JWKS. Production refuses to run without a configured JWKS.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from authlib.jose import JsonWebKey, KeySet

from service.config import Settings

DEV_KEY_ID_PREFIX = "watchlist-dev-"
_JWKS_URL_TTL_SECONDS = 300


def load_or_create_dev_key(path: Path) -> dict[str, Any]:
    """Return the private development JWK, creating it (mode 0600) if it does not exist."""
    if path.exists():
        return json.loads(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = JsonWebKey.generate_key(
        "RSA", 2048, is_private=True, options={"kid": DEV_KEY_ID_PREFIX + os.urandom(4).hex()}
    )
    data = key.as_dict(is_private=True)
    data.update({"alg": "RS256", "use": "sig"})
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle)
    tmp.replace(path)
    return data


def public_jwk(private_jwk: dict[str, Any]) -> dict[str, Any]:
    key = JsonWebKey.import_key(private_jwk)
    public = key.as_dict(is_private=False)
    public.update({"alg": private_jwk.get("alg", "RS256"), "use": "sig", "kid": private_jwk["kid"]})
    return public


class JwksProvider:
    """Supplies the key set for token validation, from a file, a URL or the dev key."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._cached: KeySet | None = None
        self._fetched_at = 0.0

    def key_set(self) -> KeySet:
        settings = self._settings
        if settings.jwks_url:
            with self._lock:
                if self._cached is None or time.monotonic() - self._fetched_at > _JWKS_URL_TTL_SECONDS:
                    response = httpx.get(settings.jwks_url, timeout=5.0)
                    response.raise_for_status()
                    self._cached = JsonWebKey.import_key_set(response.json())
                    self._fetched_at = time.monotonic()
                return self._cached
        if self._cached is None:
            if settings.jwks_file:
                data = json.loads(Path(settings.jwks_file).read_text())
            else:
                dev = load_or_create_dev_key(settings.resolved_dev_key_file())
                data = {"keys": [public_jwk(dev)]}
            self._cached = JsonWebKey.import_key_set(data)
        return self._cached
