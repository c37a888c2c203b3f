"""Keyed digests for the re-listing guard (RD-no-moot), and their secret key.

After a delisting through redress the entry is erased, but digests of the person's identity
(each name alone and with each birth year) are kept so a re-nomination of the same person on
the same facts is refused. A plain or publicly salted SHA-256 of a name and a birth date can be
reversed by hashing the public sanctions lists, so the digest is an HMAC under a per-deployment
secret:
``WATCHLIST_POLICY_RELISTING_KEY`` (shared by every replica), or else the key file
``<data_dir>/relisting-digest.key``, created with mode 0600 on first use outside production.
Production refuses to start without a key, and everywhere the old public salt and keys shorter
than 32 characters are refused.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
from pathlib import Path
from typing import Any

from service.config import ConfigurationError, Settings
from service.policy.settings import PolicySettings

KEY_FILE = "relisting-digest.key"
MIN_KEY_LENGTH = 32
#: The salt earlier versions shipped as a default: public, so it protects nothing.
PUBLIC_DEFAULT = "watchlist-relisting-v1"
KEY_EXTENSION = "relisting_key"


def relisting_digest(text: str, key: str) -> str:
    """HMAC-SHA256 (hex) of one normalised identity feature under the deployment's key."""
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()


def load_relisting_key(settings: Settings, policy: PolicySettings | None = None) -> str:
    """The deployment's relisting key; raises ``ConfigurationError`` when it is unusable."""
    policy = policy or PolicySettings()
    configured = policy.relisting_key.get_secret_value() if policy.relisting_key else None
    path = Path(settings.data_dir) / KEY_FILE
    if configured is not None:
        return _checked(configured.strip(), "WATCHLIST_POLICY_RELISTING_KEY")
    if path.exists():
        return _checked(path.read_text("utf-8").strip(), str(path))
    if settings.environment == "production":
        raise ConfigurationError(
            "refusing to start in production mode: no relisting key. Set "
            "WATCHLIST_POLICY_RELISTING_KEY (the same secret on every replica, at least "
            f"{MIN_KEY_LENGTH} characters) or provision {path} (RD-no-moot)"
        )
    return _checked(_create_key_file(path), str(path))


def relisting_key_of(container: Any) -> str:
    """The key loaded at start-up (see :func:`service.policy.install`)."""
    key = container.extensions.get(KEY_EXTENSION)
    if key is None:
        key = load_relisting_key(container.settings, container.extensions.get("policy_settings"))
        container.extensions[KEY_EXTENSION] = key
    return key


def _checked(key: str, where: str) -> str:
    if key == PUBLIC_DEFAULT:
        raise ConfigurationError(
            f"the relisting key in {where} is the public default salt: digests under it can be "
            "reversed from the public lists; set a secret of your own (RD-no-moot)"
        )
    if len(key) < MIN_KEY_LENGTH:
        raise ConfigurationError(
            f"the relisting key in {where} is shorter than {MIN_KEY_LENGTH} characters"
        )
    return key


def _create_key_file(path: Path) -> str:
    """Write a new random key under a unique temporary name (mkstemp: mode 0600), then link it
    into place. ``os.link`` rather than ``os.replace``: when two processes start at once the
    first key wins and the second reads it, instead of silently replacing a key already in use."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{KEY_FILE}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(os.urandom(32).hex())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)
    return path.read_text("utf-8").strip()
