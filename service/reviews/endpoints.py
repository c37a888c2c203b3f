"""HTTP routes for periodic review: /v1/reviews and /v1/entries/{id}/reviews."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, status

from policies import COUNTER_TERRORISM_SCREENING, OVERSIGHT
from service.auth.principal import (
    AnyPrincipal,
    EntriesRead,
    Principal,
    ReportsRead,
    ReviewsWrite,
)
from service.auth.roles import Scope
from service.db.base import utcnow
from service.db.session import DbSession, TransactionalRoute
from service.entries.service import ensure_aware
from service.errors import Forbidden, RuleViolation
from service.kit.http import ERROR_RESPONSES, IsoDateTime, request_id
from service.policy.pack import pack_of
from service.policy.purposes import serves
from service.reviews import removal, service
from service.reviews.schemas import (
    QueuePage,
    RemovalTriggerIn,
    RemovalTriggerOut,
    ReviewDecisionIn,
    ReviewDecisionOut,
    ReviewStats,
)

router = APIRouter(
    prefix="/v1",
    tags=["reviews"],
    route_class=TransactionalRoute,
    responses=ERROR_RESPONSES,
    dependencies=[serves(COUNTER_TERRORISM_SCREENING)],  # GV-purpose-config
)
# The statistics are an oversight report (reports:read), not work on the list.
stats_router = APIRouter(
    prefix="/v1",
    tags=["reviews"],
    route_class=TransactionalRoute,
    responses=ERROR_RESPONSES,
    dependencies=[serves(OVERSIGHT)],  # GV-purpose-config
)

EntryId = Annotated[str, Path(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")]


def _as_of(value: datetime | None) -> datetime:
    """The moment to plan at; far dates are refused (422), not a date overflow (500), since the
    pack's periods are added to it."""
    moment = ensure_aware(value) or utcnow()
    if not 1970 <= moment.year <= 9000:
        raise RuleViolation(
            "as_of must lie between the years 1970 and 9000",
            details=[{"loc": ["query", "as_of"], "msg": "out of range", "rule": "as_of"}],
        )
    return moment


def _removal_reporter(principal: AnyPrincipal) -> Principal:
    """The owner (entries:write) closes its case; a reviewer (reviews:write) reports a hit that
    shows the purpose achieved. Either may start the removal clock."""
    if principal.has(Scope.entries_write) or principal.has(Scope.reviews_write):
        return principal
    raise Forbidden("reporting a removal needs the scope entries:write or reviews:write")


RemovalReporter = Annotated[Principal, Depends(_removal_reporter)]


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
    moment = _as_of(as_of)
    items, next_cursor = service.queue(
        session, _ctx(request, principal), as_of=moment, cursor=cursor, limit=limit
    )
    return QueuePage(as_of=moment, items=items, next_cursor=next_cursor)


@stats_router.get(
    "/reviews/stats",
    response_model=ReviewStats,
    summary="Review, extension, erasure and removal-latency statistics (oversight)",
)
def review_stats(
    request: Request, session: DbSession, principal: ReportsRead, as_of: IsoDateTime | None = None
) -> ReviewStats:
    pack = pack_of(request.app.state.container)
    return ReviewStats(**service.stats(session, pack, _as_of(as_of)))


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
    summary="Report that the purpose is achieved or the case closed: opens the deletion task "
    "(RV-purpose-achieved, RV-removal-latency)",
    description="Needs entries:write (the owner) or reviews:write (a reviewer handling a hit), "
    "and a reason (audited). The owner answers by a review decision before `reply_due`: "
    "delist, or retain/modify with reasons. Until then the entry is on `GET /v1/reviews`; the "
    "policy run escalates an overdue task and records a breach of the removal SLA.",
)
def removal_trigger(
    entry_id: EntryId,
    body: RemovalTriggerIn,
    request: Request,
    session: DbSession,
    principal: RemovalReporter,
) -> RemovalTriggerOut:
    ctx = _ctx(request, principal)
    state = service.report_removal_trigger(
        session, ctx, entry_id, trigger=body.trigger.value, reason=body.reason, now=utcnow()
    )
    return RemovalTriggerOut(
        entry_id=state.entry_id,
        trigger=state.removal_trigger,
        trigger_at=state.removal_trigger_at,
        removed_at=state.removed_at,
        reply_due=removal.reply_due(ctx.pack, state) if removal.task_open(state) else None,
    )
