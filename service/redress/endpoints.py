"""HTTP routes for redress under /v1/redress."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, status
from fastapi.responses import PlainTextResponse
from sqlalchemy.orm import Session

from policies import REDRESS
from policies.redress import CaseState
from policies.redress.cases import PUBLIC_STATUS
from service.auth.principal import Principal, RedressWrite, ReportsRead
from service.db.base import utcnow
from service.db.session import DbSession, TransactionalRoute
from service.errors import Conflict
from service.kit.http import ERROR_RESPONSES, request_id
from service.models.policy import RedressCaseRecord
from service.policy.pack import pack_of
from service.policy.purposes import serves
from service.policy.relisting import relisting_key_of
from service.policy.settings import PolicySettings
from service.redress import indirect, service
from service.redress.schemas import (
    CaseCreate,
    CaseOut,
    DecisionIn,
    DisputeIn,
    DisputeOut,
    ExtensionIn,
    IndirectAccessIn,
    LinkIn,
    MilestoneIn,
    NeutralAnswerOut,
    TransitionIn,
)

# Every case route serves redress, reads and transitions of existing cases included; opening a
# case and an indirect access check also check the purpose their request names.
router = APIRouter(
    prefix="/v1/redress",
    tags=["redress"],
    dependencies=[serves(REDRESS)],
    route_class=TransactionalRoute,
    responses=ERROR_RESPONSES,
)

TrackingNumber = Annotated[
    str,
    Path(
        min_length=5,
        max_length=40,
        pattern=r"^[A-Za-z0-9 -]+$",
        description="The public tracking number, e.g. RC-7KQD-M3PA-9XTR-H",
    ),
]
DeadlineName = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


def _ctx(request: Request, principal: Principal) -> service.RedressContext:
    container = request.app.state.container
    settings = container.extensions.get("policy_settings") or PolicySettings()
    return service.RedressContext(
        principal=principal,
        request_id=request_id(request),
        review_agency=container.settings.review_agency,
        pack=pack_of(container),
        settings=settings,
        relisting_key=relisting_key_of(container),
    )


def _out(session: Session, record: RedressCaseRecord, ctx: service.RedressContext) -> CaseOut:
    now = utcnow()
    deadlines = service.deadlines_of(record, ctx.pack, now)
    return CaseOut(
        id=record.id,
        tracking_number=record.tracking_number,
        request_kind=record.request_kind,
        state=record.state,
        public_status=PUBLIC_STATUS[CaseState(record.state)],
        profile=record.profile_name,
        policy_pack=f"{record.pack_id}@{record.pack_version}",
        milestones=record.milestones,
        deadlines=deadlines,
        escalated=bool(record.escalations),
        linked_entries=service.linked_entry_ids(session, record.id),
        decision_outcome=record.decision_outcome,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


@router.post(
    "/cases",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseOut,
    summary="Open a redress case; the answer carries its public tracking number (RD-case-id)",
)
def create_case(
    body: CaseCreate, request: Request, session: DbSession, principal: RedressWrite
) -> CaseOut:
    ctx = _ctx(request, principal)
    record = service.create_case(
        session, ctx, request_kind=body.request_kind.value, purpose=body.purpose, now=utcnow()
    )
    return _out(session, record, ctx)


@router.get(
    "/cases/{tracking_number}",
    response_model=CaseOut,
    summary="A case's status, deadlines and escalation (RD-deadlines)",
)
def read_case(
    tracking_number: TrackingNumber, request: Request, session: DbSession, principal: RedressWrite
) -> CaseOut:
    ctx = _ctx(request, principal)
    return _out(session, service.get_case(session, tracking_number), ctx)


@router.post(
    "/cases/{tracking_number}/transitions",
    response_model=CaseOut,
    summary="Move a case to its next phase (admissibility, information, dialogue, ...)",
)
def transition_case(
    tracking_number: TrackingNumber,
    body: TransitionIn,
    request: Request,
    session: DbSession,
    principal: RedressWrite,
) -> CaseOut:
    ctx = _ctx(request, principal)
    record = service.change_state(
        session, ctx, tracking_number, to=body.to, reasons=body.reasons or "", now=utcnow()
    )
    return _out(session, record, ctx)


@router.post(
    "/cases/{tracking_number}/milestones",
    response_model=CaseOut,
    summary="Record forwarded / verified / notified",
)
def milestone(
    tracking_number: TrackingNumber,
    body: MilestoneIn,
    request: Request,
    session: DbSession,
    principal: RedressWrite,
) -> CaseOut:
    ctx = _ctx(request, principal)
    record = service.add_milestone(
        session, ctx, tracking_number, milestone=body.milestone, now=utcnow()
    )
    return _out(session, record, ctx)


@router.post(
    "/cases/{tracking_number}/deadlines/{deadline}/extension",
    response_model=CaseOut,
    summary="Extend a deadline once, with reasons (RD-deadlines)",
)
def extend_deadline(
    tracking_number: TrackingNumber,
    deadline: DeadlineName,
    body: ExtensionIn,
    request: Request,
    session: DbSession,
    principal: RedressWrite,
) -> CaseOut:
    ctx = _ctx(request, principal)
    record = service.extend(
        session, ctx, tracking_number, deadline=deadline, reasons=body.reasons, now=utcnow()
    )
    return _out(session, record, ctx)


@router.post(
    "/cases/{tracking_number}/entries",
    response_model=CaseOut,
    summary="Link an entry the request concerns",
)
def link_entry(
    tracking_number: TrackingNumber,
    body: LinkIn,
    request: Request,
    session: DbSession,
    principal: RedressWrite,
) -> CaseOut:
    ctx = _ctx(request, principal)
    record = service.link_entry(session, ctx, tracking_number, entry_id=body.entry_id, now=utcnow())
    return _out(session, record, ctx)


@router.post(
    "/cases/{tracking_number}/dispute",
    response_model=DisputeOut,
    summary="Mark an entry disputed with the person's statement (RD-disputed)",
)
def dispute(
    tracking_number: TrackingNumber,
    body: DisputeIn,
    request: Request,
    session: DbSession,
    principal: RedressWrite,
) -> DisputeOut:
    ctx = _ctx(request, principal)
    record, recipients = service.dispute(
        session,
        ctx,
        tracking_number,
        entry_id=body.entry_id,
        subject_statement=body.subject_statement,
        now=utcnow(),
    )
    return DisputeOut(
        case=_out(session, record, ctx),
        entry_id=body.entry_id,
        disputed=True,
        notify_recipients=recipients,
    )


@router.post(
    "/cases/{tracking_number}/decision",
    response_model=CaseOut,
    summary="Decide with reasons; generates the determination letter (RD-restriction-reasons)",
)
def decide(
    tracking_number: TrackingNumber,
    body: DecisionIn,
    request: Request,
    session: DbSession,
    principal: RedressWrite,
) -> CaseOut:
    ctx = _ctx(request, principal)
    record = service.decide(
        session,
        ctx,
        tracking_number,
        outcome=body.outcome.value,
        factual_reasons=body.factual_reasons or "",
        legal_reasons=body.legal_reasons or "",
        public_summary=body.public_summary or "",
        now=utcnow(),
    )
    return _out(session, record, ctx)


@router.get(
    "/cases/{tracking_number}/letter",
    response_class=PlainTextResponse,
    summary="The final determination letter (plain text)",
)
def letter(
    tracking_number: TrackingNumber, session: DbSession, principal: RedressWrite
) -> PlainTextResponse:
    record = service.get_case(session, tracking_number)  # 404 if there is no such case
    if not record.letter:
        # The case exists; its letter is written when it is determined. 409, not 404, so a
        # client can tell "not decided yet" from "no such case".
        raise Conflict("this case has not been determined yet; the letter is written then")
    return PlainTextResponse(record.letter)


@router.post(
    "/indirect-access",
    response_model=NeutralAnswerOut,
    summary="Indirect access check by an oversight body: a neutral answer (RD-indirect-access)",
)
def indirect_access(
    body: IndirectAccessIn, request: Request, session: DbSession, principal: ReportsRead
) -> NeutralAnswerOut:
    pack = pack_of(request.app.state.container)
    answer = indirect.indirect_access_check(
        session,
        principal,
        pack,
        request_reference=body.request_reference,
        purpose=body.purpose,
        names=body.names,
        birth_dates=body.birth_dates,
        document_numbers=body.document_numbers,
        now=utcnow(),
        request_id=request_id(request),
    )
    return NeutralAnswerOut(
        request_reference=answer.request_reference, answered_on=answer.answered_on, text=answer.text
    )
