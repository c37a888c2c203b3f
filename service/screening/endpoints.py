"""HTTP routes for screenings under /v1/screenings (what border systems call)."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Path, Request, Response, status
from fastapi.routing import APIRoute
from sqlalchemy.exc import DBAPIError

from policies import BORDER_SCREENING
from service.auth.principal import Principal, ScreeningsDecide, ScreeningsRun
from service.db.engine import READ_ONLY
from service.db.session import DbSession
from service.errors import ServiceUnavailable
from service.kit.http import ERROR_RESPONSES, Purpose, request_id
from service.logging import get_logger
from service.policy.purposes import serves
from service.screening import decisions, reads
from service.screening import service as screening
from service.screening.runtime import Runtime, current_state, runtime_of
from service.screening.schemas import (
    BatchOut,
    BatchRequest,
    DecisionIn,
    DecisionOut,
    Result,
    RevokeIn,
    ScreeningOut,
    ScreeningRequest,
    TravellerIn,
)
from service.screening.writer import WriterUnavailable

log = get_logger("watchlist.screening")

DB_UNAVAILABLE = ("the watchlist database is unavailable: the screening could not be recorded "
                  "and audited, so no answer is given (fail closed); retry or use the manual "
                  "procedure")

NOT_RECORDED = ("the watchlist database did not confirm that the screening was recorded and "
                "audited in time, so no answer is given (fail closed); retry or use the manual "
                "procedure")


# Screening work runs on a few dedicated threads, and each request's transaction is committed on
# the thread that ran the endpoint, right after it returns. The audit write locks the chain's
# head row until commit; if the commit went back through the event loop and the shared thread
# pool, it would queue behind requests that wait for that very lock, and under load the whole
# service would convoy behind one transaction. Few threads also keep the GIL, which the lock
# holder needs after every database round trip, from being shared among dozens of searches.
_WORKERS = anyio.CapacityLimiter(4)
_COMMITS = anyio.CapacityLimiter(16)


def _committed_on_worker(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Run a sync endpoint on a screening worker and commit its session on the same thread."""

    @functools.wraps(endpoint)
    async def run(**kwargs: Any) -> Any:
        def work() -> Any:
            result = endpoint(**kwargs)
            session = kwargs.get("session")
            if session is not None and session.in_transaction():
                session.commit()
            return result

        return await anyio.to_thread.run_sync(work, limiter=_WORKERS)

    return run


class ScreeningRoute(APIRoute):
    """One transaction per request, committed once after the endpoint returns (as
    ``TransactionalRoute``, but on the endpoint's own worker thread); a database failure is a
    clear 503."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _committed_on_worker(endpoint), **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run_in_transaction(request: Request) -> Response:
            factory = request.app.state.container.session_factory
            session = factory()
            request.state.db_session = session
            try:
                response = await handler(request)
                if session.in_transaction():
                    await anyio.to_thread.run_sync(session.commit, limiter=_COMMITS)
                return response
            except DBAPIError as error:
                await anyio.to_thread.run_sync(_rollback_quietly, session, limiter=_COMMITS)
                # The driver's message can carry bound values (personal data): log the type only.
                log.warning("screening_database_error", error_type=type(error.orig).__name__)
                raise ServiceUnavailable(DB_UNAVAILABLE) from None
            except BaseException:
                await anyio.to_thread.run_sync(_rollback_quietly, session, limiter=_COMMITS)
                raise
            finally:
                await anyio.to_thread.run_sync(session.close, limiter=_COMMITS)

        return run_in_transaction


def _rollback_quietly(session: Any) -> None:
    try:
        session.rollback()
    except DBAPIError:
        pass  # the connection is gone; closing the session discards it


router = APIRouter(prefix="/v1/screenings", tags=["screenings"], route_class=ScreeningRoute,
                   dependencies=[serves(BORDER_SCREENING)],  # GV-purpose-config
                   responses={**ERROR_RESPONSES,
                              503: {"description": "Database unreachable: fail closed"}})

Id = Annotated[str, Path(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")]


def _ctx(request: Request, principal: Principal, purpose: str) -> screening.Context:
    return screening.Context(principal=principal, request_id=request_id(request),
                             review_agency=request.app.state.container.settings.review_agency,
                             purpose=purpose)


def _run(request: Request, session: Any, principal: Principal, purpose: str,
         travellers: list[TravellerIn], *, batch_id: str | None,
         manifest_ref: str | None) -> tuple[list[screening.PreparedScreening], screening.ListState]:
    runtime: Runtime = runtime_of(request)
    ctx = _ctx(request, principal, purpose)
    # Only reads happen in this transaction (the writer thread records the screening). If the
    # database cannot be reached, current_state decides: fail closed, or answer stale.
    try:
        session.connection(execution_options={READ_ONLY: True})
    except DBAPIError:
        session.rollback()
    state = current_state(session, runtime)

    def load(entry_ids: set[str], identities: list[Any]) -> screening.Suppressions:
        if state.stale:  # nothing remembered can be read: every hit is raised afresh
            return screening.Suppressions()
        return screening.load_suppressions(session, entry_ids, identities)

    prepared = screening.screen(ctx, runtime.live, runtime.hasher, state, travellers,
                                batch_id=batch_id, load=load, threshold=runtime.threshold,
                                now=runtime.clock())
    events = screening.audit_events(ctx, prepared, state, batch_id=batch_id,
                                    manifest_ref=manifest_ref)
    if state.stale:
        rows = [row for item in prepared for row in item.rows()]
        try:
            runtime.spool.append(principal, rows, events)
        except OSError:
            raise ServiceUnavailable(DB_UNAVAILABLE) from None
    else:
        # Only reads happened in the request's transaction: end it before waiting for the group
        # commit, so that on SQLite it does not hold the write lock the writer needs.
        session.rollback()
        try:
            runtime.writer.write(principal, [row for item in prepared for row in item.rows()],
                                 events)
        except WriterUnavailable as error:
            log.warning("screening_not_recorded", error_type=type(error).__name__)
            raise ServiceUnavailable(NOT_RECORDED) from None
    return prepared, state


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ScreeningOut,
             response_model_exclude_none=True,
             summary="Screen one traveller (answers NO_MATCH or POSSIBLE_MATCH_REFER per hit)")
def screen_traveller(body: ScreeningRequest, request: Request, response: Response,
                     session: DbSession, principal: ScreeningsRun) -> ScreeningOut:
    traveller = TravellerIn.model_validate(body.model_dump(exclude={"purpose"}))
    (item,), _state = _run(request, session, principal, body.purpose, [traveller], batch_id=None,
                           manifest_ref=None)
    response.headers["Location"] = f"/v1/screenings/{item.screening.id}"
    return item.view


@router.post("/batch", status_code=status.HTTP_201_CREATED, response_model=BatchOut,
             response_model_exclude_none=True,
             summary="Screen a manifest of up to 1,000 travellers, answered per traveller")
def screen_manifest(body: BatchRequest, request: Request, session: DbSession,
                    principal: ScreeningsRun) -> BatchOut:
    batch_id = str(uuid.uuid4())
    prepared, state = _run(request, session, principal, body.purpose, list(body.travellers),
                           batch_id=batch_id, manifest_ref=body.manifest_ref)
    counts = {result.value: 0 for result in Result}
    for item in prepared:
        counts[item.view.result.value] += 1
    return BatchOut(batch_id=batch_id, manifest_ref=body.manifest_ref, list_version=state.version,
                    data_as_of=state.as_of, data_age_seconds=round(state.age_seconds, 3),
                    stale=state.stale, counts=counts, travellers=[item.view for item in prepared])


# ``:uuid`` so that ``GET /v1/screenings/batch`` is a 405 (wrong method), not this route.
@router.get("/{screening_id:uuid}", response_model=ScreeningOut,
            response_model_exclude_none=True,
            summary="Read a past screening as your role may see it (a consultation)")
def read_screening(screening_id: uuid.UUID, request: Request, session: DbSession,
                   principal: ScreeningsRun, purpose: Purpose) -> ScreeningOut:
    return reads.read(session, _ctx(request, principal, purpose), str(screening_id))


@router.post("/{screening_id}/hits/{hit_id}/decision", status_code=status.HTTP_201_CREATED,
             response_model=DecisionOut,
             summary="Record a named human's decision on a hit (MT-human-in-loop)")
def decide(screening_id: Id, hit_id: Id, body: DecisionIn, request: Request, session: DbSession,
           principal: ScreeningsDecide) -> DecisionOut:
    runtime = runtime_of(request)
    ctx = _ctx(request, principal, body.reason)
    return decisions.decide(session, ctx, runtime.hasher, screening_id, hit_id, body)


@router.post("/{screening_id}/hits/{hit_id}/decision/revoke", response_model=DecisionOut,
             summary="Revoke the decision on a hit, with a reason (it stays in the record)")
def revoke(screening_id: Id, hit_id: Id, body: RevokeIn, request: Request, session: DbSession,
           principal: ScreeningsDecide) -> DecisionOut:
    return decisions.revoke(session, _ctx(request, principal, body.reason), screening_id, hit_id,
                            body.reason)
