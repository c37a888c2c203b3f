"""Every route that processes personal data declares the purpose it serves (GV-purpose-config).

A router declares its purpose once, for all its routes present and future::

    router = APIRouter(prefix="/v1/screenings", dependencies=[serves(BORDER_SCREENING)], ...)

and a request is refused (403 ``purpose_not_allowed``, naming the purpose and the pack) when the
configured policy pack does not list that purpose in ``[purposes] allowed``. The check is a
frozenset lookup on the pack loaded at start-up: no database query, no file read. The audit
events the request records (a refusal's too) carry ``purpose_code`` and ``policy_pack`` in their
details.

Commands that process personal data outside a request (imports, exports) run inside
:func:`processing_for`, which refuses in the same way.

Routes that touch no personal data (health probes, the audit public key) declare nothing;
``tests/service/test_purposes.py`` holds every other ``/v1`` route to a declaration.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import SecurityScopes

from policies import PolicyError, PolicyPack, check_purpose
from service.audit.recorder import PROCESSED_UNDER
from service.auth.principal import authenticated, bearer_scheme
from service.config import ConfigurationError, Settings
from service.errors import Forbidden
from service.policy.pack import load_configured_pack, pack_of

RULE = "GV-purpose-config"


class PurposeNotAllowed(Forbidden):
    """The configured pack does not configure the purpose a route serves."""

    code = "purpose_not_allowed"


class Serves:
    """The router dependency behind :func:`serves`: refuses the request when the configured pack
    does not allow ``purpose``, and otherwise records the purpose and pack for the audit."""

    def __init__(self, purpose: str) -> None:
        self.purpose = purpose

    async def __call__(self, request: Request) -> None:
        pack = pack_of(request.app.state.container)
        # Set first, so that a refusal's own audit event names the purpose and pack too.
        PROCESSED_UNDER.set({"purpose_code": self.purpose, "policy_pack": str(pack.ref)})
        if self.purpose not in pack.allowed_purposes:
            await _refuse(request, pack, self.purpose)

    def __repr__(self) -> str:
        return f"serves({self.purpose!r})"


def serves(purpose: str) -> Any:
    """The dependency a router declares for the purpose its routes process personal data for
    (one of :data:`policies.SERVICE_PURPOSES`)."""
    return Depends(Serves(purpose))


def declared_purpose(route: Any) -> str | None:
    """The purpose a route declares through its router, or None."""
    for depends in getattr(route, "dependencies", None) or ():
        if isinstance(depends.dependency, Serves):
            return depends.dependency.purpose
    return None


async def _refuse(request: Request, pack: PolicyPack, purpose: str) -> None:
    # Router dependencies run before the route's own, so authenticate here first (the rare path
    # only): an anonymous or invalid caller gets the usual 401 and learns nothing of the
    # configuration, and the refusal of an authenticated write is audited with its principal.
    credentials = await bearer_scheme(request)
    await run_in_threadpool(authenticated, SecurityScopes(), request, credentials)
    try:
        check_purpose(pack, purpose)
    except PolicyError as error:
        raise PurposeNotAllowed(
            f"refused: this route processes personal data for the purpose {purpose!r}, which "
            f"the policy pack {pack.ref} does not configure ({RULE})",
            details=[{"loc": ["purpose"], "msg": error.message, "rule": RULE}],
        ) from None


@contextmanager
def processing_for(settings: Settings, purpose: str) -> Iterator[PolicyPack]:
    """For a command that processes personal data (imports, exports): the configured pack, or
    ``ConfigurationError`` when it does not configure ``purpose``; the audit events recorded
    inside carry the purpose and pack, as a route's do."""
    pack = load_configured_pack(settings)  # a broken pack is a ConfigurationError too
    if purpose not in pack.allowed_purposes:
        raise ConfigurationError(
            f"the policy pack {pack.ref} does not configure the purpose {purpose!r} ({RULE})"
        )
    token = PROCESSED_UNDER.set({"purpose_code": purpose, "policy_pack": str(pack.ref)})
    try:
        yield pack
    finally:
        PROCESSED_UNDER.reset(token)
