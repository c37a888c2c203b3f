"""Signed checkpoints of the audit chain (OV-console, LG-input-control).

A checkpoint is the service's signed statement of the chain head (seq, hash) at a time. Creating
one records an audit event first and signs the head that includes it, so the checkpoint covers
its own creation.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.audit.chain import canonical_time
from service.audit.recorder import Operation, record_event
from service.auth.principal import Principal, SystemActor
from service.db.base import utcnow
from service.models.oversight import AuditCheckpointSigned
from service.oversight import signing


def create_checkpoint(
    session: Session,
    actor: Principal | SystemActor,
    private_key: Any,
    *,
    reason: str,
    request_id: str | None = None,
    operation: Operation = "consultation",
    action: str = "audit.checkpoint",
    purpose: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditCheckpointSigned:
    """Record an audit event, then sign the chain head (that event) and store the checkpoint."""
    event = record_event(
        session,
        actor,
        operation=operation,
        action=action,
        target_type="audit",
        request_id=request_id,
        purpose=purpose or f"signed chain checkpoint ({reason})",
        details=details or {},
    )
    created_at = canonical_time(utcnow())
    kid = signing.key_id(private_key.public_key())
    payload = signing.checkpoint_payload(event.seq, event.hash, created_at, kid)
    # The signed time string is what verifiers see; the stored time is exactly the same.
    checkpoint = AuditCheckpointSigned(
        seq=event.seq,
        head_hash=event.hash,
        created_at=_parse(created_at),
        reason=reason,
        created_by=actor.sub,
        key_id=kid,
        signature=signing.sign(private_key, payload),
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def _parse(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def checkpoint_dict(checkpoint: AuditCheckpointSigned) -> dict[str, Any]:
    return {
        "type": "checkpoint",
        "seq": checkpoint.seq,
        "head_hash": checkpoint.head_hash,
        "created_at": canonical_time(checkpoint.created_at),
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
        "reason": checkpoint.reason,
    }


def checkpoints_upto(session: Session, seq: int) -> Iterator[AuditCheckpointSigned]:
    yield from session.execute(
        select(AuditCheckpointSigned)
        .where(AuditCheckpointSigned.seq <= seq)
        .order_by(AuditCheckpointSigned.seq, AuditCheckpointSigned.id)
        .execution_options(yield_per=500)
    ).scalars()
