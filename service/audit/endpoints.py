"""Oversight access to the audit trail. Reading the trail is itself recorded (LG-use-limit)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy import select

from policies import OVERSIGHT
from service.audit.recorder import readable_event, record_event, verify_stored_chain, with_texts
from service.auth.principal import AuditRead
from service.db.session import DbSession, TransactionalRoute
from service.entries.service import ensure_aware
from service.kit.http import ERROR_RESPONSES, IsoDateTime, Purpose, request_id
from service.kit.pagination import decode_seq_cursor, encode_cursor
from service.models.audit import AuditEvent
from service.policy.purposes import serves

router = APIRouter(prefix="/v1/audit", tags=["audit"], route_class=TransactionalRoute,
                   responses=ERROR_RESPONSES,
                   dependencies=[serves(OVERSIGHT)])  # GV-purpose-config


class AuditEventOut(BaseModel):
    seq: int
    occurred_at: datetime
    actor_sub: str
    actor_agency: str
    actor_role: str
    operation: str
    action: str
    target_type: str | None
    target_id: str | None
    purpose: str | None
    request_id: str | None
    outcome: str
    details: dict[str, Any]
    prev_hash: str
    hash: str
    # The chain hashes the salted digest of a free-text purpose (with ``purpose`` null), so
    # the text can be erased with the entry it concerns (then ``purpose_erased`` is true).
    purpose_digest: str | None = None
    purpose_salt: str | None = None
    purpose_erased: bool = False


class AuditPage(BaseModel):
    items: list[AuditEventOut]
    next_cursor: str | None


class ChainReportOut(BaseModel):
    ok: bool
    events_checked: int
    first_seq: int | None
    last_seq: int | None
    head_hash: str | None
    broken_at: int | None
    reason: str | None


def _filtered(
    since: datetime | None, until: datetime | None, actor: str | None, action: str | None,
    operation: str | None, target_id: str | None,
):  # noqa: ANN202
    statement = select(AuditEvent)
    if since is not None:
        statement = statement.where(AuditEvent.occurred_at >= ensure_aware(since))
    if until is not None:
        statement = statement.where(AuditEvent.occurred_at < ensure_aware(until))
    if actor:
        statement = statement.where(AuditEvent.actor_sub == actor)
    if action:
        statement = statement.where(AuditEvent.action == action)
    if operation:
        statement = statement.where(AuditEvent.operation == operation)
    if target_id:
        statement = statement.where(AuditEvent.target_id == target_id)
    return statement


Short = Annotated[str | None, Query(max_length=200)]


@router.get("/events", response_model=AuditPage,
            summary="Audit events, oldest first (oversight only; this read is itself audited)")
def list_events(
    request: Request,
    session: DbSession,
    principal: AuditRead,
    purpose: Purpose,
    since: IsoDateTime | None = None,
    until: IsoDateTime | None = None,
    actor: Short = None,
    action: Short = None,
    operation: Short = None,
    target_id: Short = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditPage:
    statement = _filtered(since, until, actor, action, operation, target_id)
    if cursor:
        statement = statement.where(AuditEvent.seq > decode_seq_cursor(cursor))
    rows = list(session.execute(with_texts(statement).order_by(AuditEvent.seq).limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1][0].seq)
    items = [AuditEventOut(**readable_event(event, text)) for event, text in rows]
    record_event(session, principal, operation="consultation", action="audit.read",
                 target_type="audit", request_id=request_id(request), purpose=purpose,
                 details={"returned": len(items),
                          "first_seq": items[0].seq if items else None,
                          "last_seq": items[-1].seq if items else None})
    return AuditPage(items=items, next_cursor=next_cursor)


@router.get("/events.jsonl", summary="Audit events as JSON lines (oversight only; audited)",
            response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {}}}})
def export_events_jsonl(
    request: Request,
    session: DbSession,
    principal: AuditRead,
    purpose: Purpose,
    since: IsoDateTime | None = None,
    until: IsoDateTime | None = None,
    actor: Short = None,
    action: Short = None,
    operation: Short = None,
    target_id: Short = None,
) -> StreamingResponse:
    statement = _filtered(since, until, actor, action, operation, target_id)
    record_event(session, principal, operation="disclosure", action="audit.export_jsonl",
                 target_type="audit", request_id=request_id(request), purpose=purpose,
                 details={"filters": {k: v for k, v in {"actor": actor, "action": action,
                                                          "operation": operation,
                                                          "target_id": target_id}.items() if v}})
    factory = request.app.state.container.session_factory

    def lines():  # noqa: ANN202
        # Its own read-only session: the request's session is committed and closed by now.
        with factory() as reader:
            for event, text in reader.execute(
                with_texts(statement).order_by(AuditEvent.seq).execution_options(yield_per=1000)
            ):
                row = readable_event(event, text)
                row["occurred_at"] = row["occurred_at"].isoformat()
                yield json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"

    return StreamingResponse(lines(), media_type="application/x-ndjson")


@router.get("/verify", response_model=ChainReportOut,
            summary="Recompute the hash chain and name the first broken link")
def verify(request: Request, session: DbSession, principal: AuditRead) -> ChainReportOut:
    from service.oversight.keys import service_signing_key

    public_key = service_signing_key(request.app.state.container).public_key()
    report = verify_stored_chain(session, public_key=public_key)
    record_event(session, principal, operation="consultation", action="audit.verify",
                 target_type="audit", request_id=request_id(request), purpose="integrity check",
                 outcome="ok" if report.ok else "broken",
                 details={"events_checked": report.events_checked, "broken_at": report.broken_at})
    return ChainReportOut(**report.as_dict())
