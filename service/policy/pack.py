"""Loading the configured policy pack (GV-purpose-config).

A pack that does not validate stops the service at start-up (and the CLI before it touches the
database) with a message naming the file, the key and the rule broken.
"""

from __future__ import annotations

from typing import Any

from policies import PackError, PolicyPack, load_builtin_pack, load_pack
from service.config import ConfigurationError, Settings
from service.entries.schemas import ActionOnHit

PACK_KEY = "policy_pack"

#: The codes a pack may key review intervals by: the service's action_on_hit values in upper
#: case, as ``service.policy.entry_rules.action_code`` looks them up.
ACTION_CODES = frozenset(action.value.upper() for action in ActionOnHit)


def load_configured_pack(settings: Settings) -> PolicyPack:
    """The pack named by ``WATCHLIST_POLICY_PACK_FILE`` (a TOML file) or else the built-in pack
    named by ``WATCHLIST_POLICY_PACK`` (``default``, ``sis-like``), checked against the
    service's action codes. Raises ``ConfigurationError`` naming the file and key."""
    try:
        if settings.policy_pack_file is not None:
            return load_pack(settings.policy_pack_file, action_codes=ACTION_CODES)
        return load_builtin_pack(settings.policy_pack, action_codes=ACTION_CODES)
    except PackError as error:
        raise ConfigurationError(f"invalid policy pack: {error.message}") from None


def pack_of(container: Any) -> PolicyPack:
    """The pack loaded at start-up (see :func:`service.policy.install`)."""
    pack = container.extensions.get(PACK_KEY)
    if pack is None:
        pack = load_configured_pack(container.settings)
        container.extensions[PACK_KEY] = pack
    return pack
