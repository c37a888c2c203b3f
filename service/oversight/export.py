"""The signed audit export: recorded as a disclosure, then streamed in constant memory.

``prepare_export`` runs in the request's transaction: it records the export (an audit event,
LG-use-limit) and signs a checkpoint at that event, which is the chain position the export ends
at. ``stream_export`` then reads with its own session (the request's one is committed and closed
by the time the body streams), ``yield_per`` batches, and hashes lines as they pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from service.audit.chain import canonical_time
from service.audit.recorder import cut_as_dict, event_as_dict, latest_cut, with_texts
from service.auth.principal import Principal, SystemActor
from service.db.base import utcnow
from service.models.audit import AuditEvent
from service.oversight import export_format as fmt
from service.oversight import signing
from service.oversight.checkpoints import checkpoints_upto, create_checkpoint

BATCH = 1000


@dataclass(frozen=True)
class ExportFilters:
    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None
    action: str | None = None
    operation: str | None = None
    target_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in self.__dict__.items():
            if value is not None:
                out[name] = canonical_time(value) if isinstance(value, datetime) else value
        return out

    def statement(self, upto_seq: int) -> Select[tuple[AuditEvent]]:
        statement = select(AuditEvent).where(AuditEvent.seq <= upto_seq)
        if self.since is not None:
            statement = statement.where(AuditEvent.occurred_at >= self.since)
        if self.until is not None:
            statement = statement.where(AuditEvent.occurred_at < self.until)
        for column, value in (
            ("actor_sub", self.actor),
            ("action", self.action),
            ("operation", self.operation),
            ("target_id", self.target_id),
        ):
            if value is not None:
                statement = statement.where(getattr(AuditEvent, column) == value)
        return statement.order_by(AuditEvent.seq)


@dataclass(frozen=True)
class ExportPlan:
    filters: ExportFilters
    chain_seq: int
    chain_hash: str
    generated_at: str


def prepare_export(
    session: Session,
    actor: Principal | SystemActor,
    private_key: Any,
    filters: ExportFilters,
    *,
    purpose: str | None,
    request_id: str | None = None,
) -> ExportPlan:
    """Record the export and sign the chain head it ends at."""
    checkpoint = create_checkpoint(
        session,
        actor,
        private_key,
        reason="export",
        request_id=request_id,
        operation="disclosure",
        action="audit.export_signed",
        purpose=purpose,
        details={"filters": filters.as_dict()},
    )
    return ExportPlan(
        filters=filters,
        chain_seq=checkpoint.seq,
        chain_hash=checkpoint.head_hash,
        generated_at=canonical_time(utcnow()),
    )


def stream_export(
    factory: sessionmaker[Session], private_key: Any, plan: ExportPlan
) -> Iterator[str]:
    """Yield the export's lines; the last one is the signature over all the others."""
    filters = plan.filters.as_dict()
    signer = fmt.ExportSigner(
        chain_seq=plan.chain_seq, chain_hash=plan.chain_hash, filtered=bool(filters)
    )
    kid = signing.key_id(private_key.public_key())
    yield signer.feed(
        fmt.header_line(
            generated_at=plan.generated_at,
            filters=filters,
            chain_seq=plan.chain_seq,
            chain_hash=plan.chain_hash,
            key_id=kid,
        )
    )
    with factory() as reader:
        for checkpoint in checkpoints_upto(reader, plan.chain_seq):
            if checkpoint.key_id != kid:
                continue  # signed by a retired key: the current public key cannot check it
            yield signer.feed(
                fmt.checkpoint_line(
                    seq=checkpoint.seq,
                    head_hash=checkpoint.head_hash,
                    created_at=canonical_time(checkpoint.created_at),
                    key_id=checkpoint.key_id,
                    signature=checkpoint.signature,
                )
            )
        cut = latest_cut(reader)
        if cut is not None and cut.cut_seq <= plan.chain_seq:
            yield signer.feed(fmt.retention_cut_line(cut_as_dict(cut)))
        result = reader.execute(
            with_texts(plan.filters.statement(plan.chain_seq)).execution_options(yield_per=BATCH)
        )
        for event, text in result:
            row = event_as_dict(event)
            yield signer.feed(fmt.event_line(row, text), row)
            # Keep the identity map from growing with the export.
            reader.expunge(event)
            if text is not None:
                reader.expunge(text)
    yield signer.signature_line(private_key)
