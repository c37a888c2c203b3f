"""Refused writes and decisions leave an audit event too (LG-ops, LG-input-control).

The request's transaction rolls back on any error, so without this a self-approval (403), a
re-listing on the same facts (409) or a decision on a stale version (412) left no trace. The
refusal is written after that rollback in a short transaction of its own, and holds metadata
only: who, when, which route and target, the status, error code and rules of the refusal, and
the purpose the route serves with the policy pack (GV-purpose-config), never the request body
or the message.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request

from service.audit.recorder import Operation, record_event
from service.errors import ServiceError
from service.logging import get_logger

log = get_logger("watchlist.audit")

REFUSED_STATUSES = frozenset({403, 409, 412})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_PARAMETER = re.compile(r"\{[^}]*\}")


def record_refusal(request: Request, error: ServiceError) -> None:
    """Record ``error`` as a ``refused`` event if it refused an authenticated write."""
    principal = getattr(request.state, "principal", None)
    route = request.scope.get("route")
    if (principal is None or route is None or error.status_code not in REFUSED_STATUSES
            or request.method not in WRITE_METHODS):
        return
    target_type, target_id = _target(request.path_params)
    details: dict[str, Any] = {
        "status": error.status_code,
        "error": error.code,
        "rules": sorted({str(item["rule"]) for item in error.details if item.get("rule")}),
    }
    try:
        with request.app.state.container.session_factory() as session:
            record_event(session, principal, operation=_operation(request.method, route),
                         action=_action(request.method, route.path), target_type=target_type,
                         target_id=target_id, request_id=getattr(request.state, "request_id", None),
                         outcome="refused", details=details)
            session.commit()
    except Exception as failure:  # noqa: BLE001 - the refusal itself must still be answered
        log.error("refusal_not_audited", error_type=type(failure).__name__)


def _action(method: str, path: str) -> str:
    """``POST /entries/*/approve``: the route, short enough for the action column."""
    return f"{method} {_PARAMETER.sub('*', path.removeprefix('/v1'))}"[:60]


def _operation(method: str, route: Any) -> Operation:
    """What the refused request would have been (LED Art 25): a route that creates collects."""
    if method == "DELETE":
        return "erasure"
    return "collection" if getattr(route, "status_code", None) == 201 else "alteration"


def _target(path_params: dict[str, Any]) -> tuple[str | None, str | None]:
    for name, value in path_params.items():
        return name.removesuffix("_id"), str(value)[:100]
    return None, None
