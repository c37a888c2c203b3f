"""HTTP routes: signed audit export, public key, checkpoints, transparency and subject access.

Every read here is itself recorded in the audit trail (LG-use-limit).
"""

from __future__ import annotations

import base64
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from pydantic import BaseModel

from policies import OVERSIGHT
from service.audit.recorder import record_event
from service.auth.principal import AnyPrincipal, AuditRead, Principal, ReportsRead
from service.auth.roles import Scope
from service.db.session import DbSession, TransactionalRoute
from service.entries.repository import readable
from service.entries.service import ensure_aware
from service.errors import Forbidden, NotFound
from service.kit.http import ERROR_RESPONSES, IsoDateTime, Purpose, request_id
from service.kit.pagination import MAX_SEQ
from service.models.entry import Entry
from service.oversight import signing
from service.oversight.checkpoints import checkpoint_dict, create_checkpoint
from service.oversight.export import ExportFilters, prepare_export, stream_export
from service.oversight.keys import service_signing_key
from service.oversight.settings import oversight_settings
from service.oversight.subject_access import load_entry, render_report
from service.oversight.transparency import report_csv, transparency_report
from service.policy.purposes import serves

audit_router = APIRouter(
    prefix="/v1/audit",
    tags=["audit"],
    route_class=TransactionalRoute,
    responses=ERROR_RESPONSES,
    dependencies=[serves(OVERSIGHT)],  # GV-purpose-config
)
reports_router = APIRouter(
    prefix="/v1/reports",
    tags=["reports"],
    route_class=TransactionalRoute,
    responses=ERROR_RESPONSES,
    dependencies=[serves(OVERSIGHT)],  # GV-purpose-config
)
# The public key is no personal data and serves any verifier: it declares no purpose.
keys_router = APIRouter(prefix="/v1/audit", tags=["audit"], responses=ERROR_RESPONSES)

Short = Annotated[str | None, Query(max_length=200)]


class PublicKeyOut(BaseModel):
    algorithm: str
    key_id: str
    public_key_pem: str
    public_key_base64: str


class CheckpointOut(BaseModel):
    seq: int
    head_hash: str
    created_at: str
    key_id: str
    signature: str
    reason: str


class CheckpointPage(BaseModel):
    items: list[CheckpointOut]
    next_cursor: int | None


@audit_router.get(
    "/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}},
    summary="Signed audit export as JSON lines, verifiable offline (oversight only; audited)",
)
def signed_export(
    request: Request,
    session: DbSession,
    principal: AuditRead,
    purpose: Purpose,
    since: IsoDateTime | None = None,
    until: IsoDateTime | None = None,
    actor: Short = None,
    action: Short = None,
    operation: Short = None,
    entry_id: Annotated[str | None, Query(max_length=100, description="target id")] = None,
) -> StreamingResponse:
    container = request.app.state.container
    key = service_signing_key(container)
    filters = ExportFilters(
        since=ensure_aware(since),
        until=ensure_aware(until),
        actor=actor,
        action=action,
        operation=operation,
        target_id=entry_id,
    )
    plan = prepare_export(
        session, principal, key, filters, purpose=purpose, request_id=request_id(request)
    )
    stamp = plan.generated_at.replace(":", "").replace("-", "")[:15]
    return StreamingResponse(
        stream_export(container.session_factory, key, plan),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="audit-export-{stamp}.jsonl"'},
    )


@keys_router.get(
    "/public-key",
    response_model=PublicKeyOut,
    summary="The Ed25519 public key that signs audit exports and checkpoints",
)
def public_key(request: Request, principal: AnyPrincipal) -> PublicKeyOut:
    public = service_signing_key(request.app.state.container).public_key()

    return PublicKeyOut(
        algorithm=signing.ALGORITHM,
        key_id=signing.key_id(public),
        public_key_pem=signing.public_pem(public),
        public_key_base64=base64.b64encode(signing.raw_public(public)).decode(),
    )


@audit_router.post(
    "/checkpoints",
    response_model=CheckpointOut,
    status_code=201,
    summary="Sign and store a checkpoint of the audit chain head",
)
def new_checkpoint(request: Request, session: DbSession, principal: AuditRead) -> CheckpointOut:
    checkpoint = create_checkpoint(
        session,
        principal,
        service_signing_key(request.app.state.container),
        reason="manual",
        request_id=request_id(request),
    )
    return CheckpointOut(**{k: v for k, v in checkpoint_dict(checkpoint).items() if k != "type"})


@audit_router.get(
    "/checkpoints",
    response_model=CheckpointPage,
    summary="Signed checkpoints, oldest first (keep them to check later exports)",
)
def list_checkpoints(
    request: Request,
    session: DbSession,
    principal: AuditRead,
    after_seq: Annotated[int | None, Query(ge=0, le=MAX_SEQ)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> CheckpointPage:
    from sqlalchemy import select

    from service.models.oversight import AuditCheckpointSigned as Cp

    statement = select(Cp).order_by(Cp.seq, Cp.id).limit(limit + 1)
    if after_seq is not None:
        statement = statement.where(Cp.seq > after_seq)
    rows = list(session.execute(statement).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    record_event(
        session,
        principal,
        operation="consultation",
        action="audit.checkpoints_read",
        target_type="audit",
        request_id=request_id(request),
        purpose="integrity check",
        details={"returned": len(rows)},
    )
    return CheckpointPage(
        items=[
            CheckpointOut(**{k: v for k, v in checkpoint_dict(r).items() if k != "type"})
            for r in rows
        ],
        next_cursor=rows[-1].seq if more and rows else None,
    )


def _threshold(container: Any) -> int:
    extra = oversight_settings()
    pack = container.extensions.get("policy_pack")
    if "report_min_count" not in extra.model_fields_set and pack is not None:
        return int(getattr(pack, "min_published_count", extra.report_min_count))
    return extra.report_min_count


@reports_router.get(
    "/transparency",
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
    summary="Transparency report: aggregate figures only, small counts suppressed (audited)",
)
def transparency(
    request: Request,
    session: DbSession,
    principal: ReportsRead,
    from_: Annotated[IsoDateTime | None, Query(alias="from")] = None,
    to: IsoDateTime | None = None,
    format: Literal["json", "csv"] | None = None,  # noqa: A002 - the public parameter name
) -> Response:
    threshold = _threshold(request.app.state.container)
    start, end = ensure_aware(from_), ensure_aware(to)
    from service.policy.pack import pack_of

    report = transparency_report(
        session, start, end, threshold, pack=pack_of(request.app.state.container)
    )
    as_csv = format == "csv" or (format is None and "text/csv" in request.headers.get("accept", ""))
    record_event(
        session,
        principal,
        operation="consultation",
        action="report.transparency",
        target_type="report",
        request_id=request_id(request),
        purpose="transparency report",
        details={
            "period": report["period"],
            "format": "csv" if as_csv else "json",
            "min_published_count": threshold,
        },
    )
    if as_csv:
        return PlainTextResponse(report_csv(report), media_type="text/csv")
    return JSONResponse(report)


def _may_read_subject_access(principal: Principal) -> None:
    if not (principal.has(Scope.redress_write) or principal.has(Scope.audit_read)):
        raise Forbidden("this token lacks the scope(s): redress:write or audit:read")


@reports_router.get(
    "/subject-access/{entry_id}",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/markdown": {}}}},
    summary="Subject access report for a redress or access request (a disclosure; audited)",
)
def subject_access(
    request: Request,
    session: DbSession,
    principal: AnyPrincipal,
    purpose: Purpose,
    entry_id: Annotated[str, Path(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")],
    case: Annotated[str | None, Query(max_length=100, description="redress case reference")] = None,
) -> PlainTextResponse:
    _may_read_subject_access(principal)
    settings = request.app.state.container.settings
    if principal.has(Scope.audit_read):
        entry = load_entry(session, entry_id)  # the independent supervisor sees every entry
    else:
        entry = session.execute(
            readable(principal, settings.review_agency).where(Entry.id == entry_id)
        ).scalar_one_or_none()
    if entry is None:
        raise NotFound("no entry with this id is visible to you")
    document, meta = render_report(session, entry, case_ref=case, requested_by=principal.agency)
    record_event(
        session,
        principal,
        operation="disclosure",
        action="report.subject_access",
        target_type="entry",
        target_id=entry.id,
        request_id=request_id(request),
        purpose=purpose,
        details=meta,
    )
    return PlainTextResponse(document, media_type="text/markdown; charset=utf-8")
