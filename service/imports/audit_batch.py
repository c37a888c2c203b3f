"""Appending many audit events of one actor at once, chained exactly as ``record_event`` chains
one (``service.audit.recorder.chain_events``).

A bulk import writes one event per entry (so ``target_id`` finds every entry's collection in the
trail, as for an API nomination) without paying one round trip per event: the head row is
bumped once per batch, which takes its lock, and the batch's hashes are computed in memory. The
purposes go to ``audit_texts`` as every other event's do, so erasing an entry erases them too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service.audit.recorder import chain_events
from service.auth.principal import Principal, SystemActor
from service.models.audit import AuditEvent, AuditText


def chain_rows(
    session: Session, actor: Principal | SystemActor, events: list[dict[str, Any]]
) -> list[tuple[Any, list[dict[str, Any]]]]:
    """Reserve sequence numbers for ``events`` and return the (table, rows) batches to insert:
    the chained events, then their purpose texts.

    Each spec has operation, action and optionally target_type, target_id, purpose,
    request_id, outcome and details (metadata only).
    """
    rows, texts = chain_events(session, [(actor, spec) for spec in events])
    return [(AuditEvent.__table__, rows), (AuditText.__table__, texts)]


def record_events(
    session: Session, actor: Principal | SystemActor, events: list[dict[str, Any]]
) -> int:
    """Append ``events`` to the trail in the session's transaction; returns how many."""
    from service.imports.bulk import insert_all

    batches = chain_rows(session, actor, events)
    insert_all(session, batches)
    return len(batches[0][1])
