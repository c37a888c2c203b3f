"""Loading the configured policy pack (GV-purpose-config).

A pack that does not validate stops the service at start-up (and the CLI before it touches the
database) with a message naming the file, the key and the rule broken.
"""

from __future__ import annotations

from typing import Any

from policies import PackError, PolicyPack, load_builtin_pack, load_pack
from service.config import ConfigurationError, Settings

PACK_KEY = "policy_pack"


def load_configured_pack(settings: Settings) -> PolicyPack:
    """The pack named by ``WATCHLIST_POLICY_PACK_FILE`` (a TOML file) or else the built-in pack
    named by ``WATCHLIST_POLICY_PACK`` (``default``, ``sis-like``)."""
    try:
        if settings.policy_pack_file is not None:
            return load_pack(settings.policy_pack_file)
        return load_builtin_pack(settings.policy_pack)
    except PackError as error:
        raise ConfigurationError(f"invalid policy pack: {error.message}") from None


def pack_of(container: Any) -> PolicyPack:
    """The pack loaded at start-up (see :func:`service.policy.install`)."""
    pack = container.extensions.get(PACK_KEY)
    if pack is None:
        pack = load_configured_pack(container.settings)
        container.extensions[PACK_KEY] = pack
    return pack
