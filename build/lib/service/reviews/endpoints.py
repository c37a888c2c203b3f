"""HTTP routes for periodic review: /v1/reviews and /v1/entries/{id}/reviews."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, status

from service.auth.principal import EntriesRead, EntriesWrite, Principal, ReportsRead, ReviewsWrite
from service.db.base import utcnow
from service.db.session import DbSession, TransactionalRoute
from service.entries.service import ensure_aware
from service.kit.http import ERROR_RESPONSES, IsoDateTime, request_id
from service.policy.pack import pack_of
from service.reviews import service
from service.reviews.schemas import (
    QueuePage,
    RemovalTriggerIn,
    RemovalTriggerOut,
    ReviewDecisionIn,
    ReviewDecisionOut,
    ReviewStats,
)

router = APIRouter(
    prefix="/v1", tags=["reviews"], route_class=TransactionalRoute, responses=ERROR_RESPONSES
)

EntryId = Annotated[str, Path(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")]


def _ctx(request: Request, principal: Principal) -> service.ReviewContext:
    container = request.app.state.container
    return service.ReviewContext(
        principal=principal,
        request_id=request_id(request),
        review_agency=container.settings.review_agency,
        pack=pack_of(container),
    )


@router.get(
    "/reviews",
    response_model=QueuePage,
    summary="Review queue: entries due or in the warning window (RV-advance-warning)",
)
def review_queue(
    request: Request,
    session: DbSession,
    principal: EntriesRead,
    as_of: Annotated[
        IsoDateTime | None, Query(description="Plan ahead: the queue as of this moment")
    ] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> QueuePage:
    moment = ensure_aware(as_of) or utcnow()
    items, next_cursor = service.queue(
        session, _ctx(request, principal), as_of=moment, cursor=cursor, limit=limit
    )
    return QueuePage(as_of=moment, items=items, next_cursor=next_cursor)


@router.get(
    "/reviews/stats",
    response_model=ReviewStats,
    summary="Review, extension, erasure and removal-latency statistics (oversight)",
)
def review_stats(
    request: Request, session: DbSession, principal: ReportsRead, as_of: IsoDateTime | None = None
) -> ReviewStats:
    pack = pack_of(request.app.state.container)
    return ReviewStats(**service.stats(session, pack, ensure_aware(as_of) or utcnow()))


@router.post(
    "/entries/{entry_id}/reviews",
    status_code=status.HTTP_201_CREATED,
    response_model=ReviewDecisionOut,
    summary="Record a periodic review decision: retain, modify or delist",
)
def decide_review(
    entry_id: EntryId,
    body: ReviewDecisionIn,
    request: Request,
    session: DbSession,
    principal: ReviewsWrite,
) -> ReviewDecisionOut:
    entry, record = service.decide(session, _ctx(request, principal), entry_id, body, utcnow())
    return ReviewDecisionOut(
        id=record.id,
        entry_id=record.entry_id,
        outcome=record.outcome,
        reviewer_sub=record.reviewer_sub,
        decided_at=record.decided_at,
        previous_review_due=record.previous_review_due,
        new_review_due=record.new_review_due,
        extension_number=record.extension_number,
        policy_pack=f"{record.pack_id}@{record.pack_version}",
        entry_status=entry.status if entry is not None else None,
    )


@router.post(
    "/entries/{entry_id}/removal-trigger",
    response_model=RemovalTriggerOut,
    summary="Report that the purpose is achieved or the case closed (RV-removal-latency)",
)
def removal_trigger(
    entry_id: EntryId,
    body: RemovalTriggerIn,
    request: Request,
    session: DbSession,
    principal: EntriesWrite,
) -> RemovalTriggerOut:
    state = service.report_removal_trigger(
        session,
        _ctx(request, principal),
        entry_id,
        trigger=body.trigger.value,
        reason=body.reason,
        now=utcnow(),
    )
    return RemovalTriggerOut(
        entry_id=state.entry_id,
        trigger=state.removal_trigger,
        trigger_at=state.removal_trigger_at,
        removed_at=state.removed_at,
    )
