"""Key material: the JWKS tokens are checked against, and the development signing key.

The development key is generated on first use into the data directory (never committed), and
its public half is the development JWKS. Production refuses to run without a configured JWKS.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from authlib.jose import JsonWebKey, KeySet
from authlib.jose.errors import JoseError

from service.config import Settings
from service.errors import ServiceUnavailable
from service.logging import get_logger

DEV_KEY_ID_PREFIX = "watchlist-dev-"
log = get_logger("watchlist.auth")


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
    """Supplies the key set for token validation, from a file, a URL or the dev key.

    From a URL: the set is fetched again after ``jwks_cache_seconds``, and at once when a token
    names a key id the set does not hold (the identity provider rotated its keys), at most once
    per ``jwks_refetch_interval_seconds``. When the URL fails, the last good set is kept for up
    to ``jwks_max_stale_seconds`` after it was fetched; without one, tokens cannot be checked
    and the answer is a 503, never a 500. Failed fetches are retried at the same pace.
    """

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: KeySet | None = None
        self._fetched_at = 0.0
        self._no_fetch_before = float("-inf")  # after a failure, or a fetch for an unknown kid

    def key_set(self, kid: str | None = None) -> KeySet:
        """The keys to check a token with; ``kid`` is the key id its header names, if any."""
        settings = self._settings
        if settings.jwks_url:
            with self._lock:
                return self._from_url(settings.jwks_url, kid)
        if self._cached is None:
            if settings.jwks_file:
                data = json.loads(Path(settings.jwks_file).read_text())
            else:
                dev = load_or_create_dev_key(settings.resolved_dev_key_file())
                data = {"keys": [public_jwk(dev)]}
            self._cached = JsonWebKey.import_key_set(data)
        return self._cached

    def _from_url(self, url: str, kid: str | None) -> KeySet:
        settings, now = self._settings, self._clock()
        expired = self._cached is None or now - self._fetched_at >= settings.jwks_cache_seconds
        unknown = kid is not None and self._cached is not None and not _holds(self._cached, kid)
        if (expired or unknown) and now >= self._no_fetch_before:
            try:
                self._cached, self._fetched_at = _fetch_key_set(url), now
                if unknown:
                    self._no_fetch_before = now + settings.jwks_refetch_interval_seconds
            except JwksFetchFailed as error:
                self._no_fetch_before = now + settings.jwks_refetch_interval_seconds
                log.warning("jwks_fetch_failed", reason=str(error),
                            kept_key_set=self._cached is not None)
        if self._cached is None or now - self._fetched_at > settings.jwks_max_stale_seconds:
            raise ServiceUnavailable(
                "the identity provider's signing keys (WATCHLIST_JWKS_URL) cannot be fetched, "
                "so no token can be checked; try again later",
                headers={"Retry-After": str(max(1, round(settings.jwks_refetch_interval_seconds)))},
            )
        return self._cached


class JwksFetchFailed(Exception):
    """The JWKS URL did not answer with a usable key set."""


def _fetch_key_set(url: str) -> KeySet:
    try:
        response = httpx.get(url, timeout=5.0)
        response.raise_for_status()
        key_set = JsonWebKey.import_key_set(response.json())
    except httpx.HTTPError as error:
        raise JwksFetchFailed(type(error).__name__) from None
    except (ValueError, TypeError, KeyError, JoseError):
        raise JwksFetchFailed("not a JSON Web Key Set") from None
    if not key_set.keys:
        # Taking it would lock every user out; the last good set is the better guess.
        raise JwksFetchFailed("the key set holds no key")
    return key_set


def _holds(key_set: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in key_set.keys)
