"""HTTP routes for entries under /v1/entries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response, status

from policies import COUNTER_TERRORISM_SCREENING
from service.auth.principal import EntriesApprove, EntriesRead, EntriesWrite, Principal
from service.db.session import DbSession, TransactionalRoute
from service.entries import service
from service.entries.convert import to_out
from service.entries.schemas import (
    AdequacyOut,
    ApproveDecision,
    DataSubjectCategory,
    Decision,
    EntryCreate,
    EntryOut,
    EntryPage,
    EntryUpdate,
    HistoryOut,
    Kind,
    PossibleDuplicateOut,
    Status,
    VersionOut,
)
from service.kit.http import ERROR_RESPONSES, IsoDateTime, Purpose, request_id
from service.policy.purposes import serves

router = APIRouter(prefix="/v1/entries", tags=["entries"], route_class=TransactionalRoute,
                   responses=ERROR_RESPONSES,
                   dependencies=[serves(COUNTER_TERRORISM_SCREENING)])  # GV-purpose-config

EntryId = Annotated[str, Path(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")]
IfMatch = Annotated[str | None, Header(max_length=100, description="The entry's ETag")]


def _ctx(request: Request, principal: Principal, purpose: str | None = None) -> service.Context:
    container = request.app.state.container
    return service.Context(principal=principal, request_id=request_id(request),
                           review_agency=container.settings.review_agency, purpose=purpose,
                           rules=container.extensions.get("entry_rules"),
                           duplicates=container.extensions.get("entry_duplicates"))


def _respond(response: Response, entry, session: DbSession | None = None,  # noqa: ANN001
             ctx: service.Context | None = None) -> EntryOut:
    """The entry with its ETag; a single entry's answer also lists its possible duplicates as
    the caller may see them (LB-adequacy-gate)."""
    response.headers["ETag"] = service.etag(entry)
    out = to_out(entry)
    if session is not None and ctx is not None:
        out.possible_duplicates = [PossibleDuplicateOut(**item) for item in
                                   service.possible_duplicates(session, ctx, entry)]
    return out


@router.post("", status_code=status.HTTP_201_CREATED, response_model=EntryOut,
             summary="Nominate a subject (starts in pending_review)")
def nominate(body: EntryCreate, request: Request, response: Response, session: DbSession,
             principal: EntriesWrite) -> EntryOut:
    ctx = _ctx(request, principal)
    entry = service.nominate(session, ctx, body)
    response.headers["Location"] = f"/v1/entries/{entry.id}"
    return _respond(response, entry, session, ctx)


@router.get("", response_model=EntryPage, summary="List visible entries (a consultation)")
def list_entries(
    request: Request,
    session: DbSession,
    principal: EntriesRead,
    purpose: Purpose,
    status_filter: Annotated[Status | None, Query(alias="status")] = None,
    data_subject_category: DataSubjectCategory | None = None,
    kind: Kind | None = None,
    originating_agency: Annotated[str | None, Query(max_length=100)] = None,
    updated_since: IsoDateTime | None = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> EntryPage:
    filters = {
        "status": status_filter.value if status_filter else None,
        "data_subject_category": data_subject_category.value if data_subject_category else None,
        "kind": kind.value if kind else None,
        "originating_agency": originating_agency,
        "updated_since": service.ensure_aware(updated_since),
    }
    rows, next_cursor = service.list_entries(session, _ctx(request, principal, purpose),
                                             filters=filters, cursor=cursor, limit=limit)
    return EntryPage(items=[to_out(row) for row in rows], next_cursor=next_cursor)


@router.get("/{entry_id}", response_model=EntryOut, summary="Read an entry (a consultation)")
def read_entry(entry_id: EntryId, request: Request, response: Response, session: DbSession,
               principal: EntriesRead, purpose: Purpose) -> EntryOut:
    ctx = _ctx(request, principal, purpose)
    return _respond(response, service.read(session, ctx, entry_id), session, ctx)


@router.get("/{entry_id}/adequacy", response_model=AdequacyOut,
            summary="The adequacy gate: attestation, possible duplicates and the expected hit "
                    "volume on recent screenings, as counts (LB-adequacy-gate; a consultation)")
def entry_adequacy(entry_id: EntryId, request: Request, session: DbSession,
                   principal: EntriesRead, purpose: Purpose) -> AdequacyOut:
    return service.adequacy_report(session, _ctx(request, principal, purpose), entry_id)


@router.patch("/{entry_id}", response_model=EntryOut,
              summary="Amend an entry (If-Match required; a reason is recorded; a substantive "
                      "amendment of a listed entry goes back to pending_review)")
def update_entry(
    entry_id: EntryId,
    body: EntryUpdate,
    request: Request,
    response: Response,
    session: DbSession,
    principal: EntriesWrite,
    if_match: IfMatch = None,
) -> EntryOut:
    expected = service.parse_if_match(if_match)
    ctx = _ctx(request, principal)
    entry = service.update(session, ctx, entry_id, expected, body)
    return _respond(response, entry, session, ctx)


@router.get("/{entry_id}/history", response_model=HistoryOut,
            summary="Every past version of an entry: who, when, why, what changed")
def entry_history(entry_id: EntryId, request: Request, session: DbSession,
                  principal: EntriesRead, purpose: Purpose) -> HistoryOut:
    versions = service.history(session, _ctx(request, principal, purpose), entry_id)
    return HistoryOut(entry_id=entry_id, versions=[
        VersionOut(version=v.version, change=v.change, changed_fields=v.changed_fields,
                   reason=v.reason, actor_sub=v.actor_sub, actor_agency=v.actor_agency,
                   created_at=v.created_at, snapshot=v.snapshot)
        for v in versions
    ])


def _decision_route(name: str, summary: str, *, if_match_required: bool,
                    body_model: type[Decision] = Decision) -> None:
    """A lifecycle decision. Approving, rejecting and reinstating need If-Match: a reviewer
    decides on the version they read, never on one changed since (428 without, 412 when stale).
    Suspending and delisting take an entry off screening and honour If-Match when sent."""
    use_case = getattr(service, name)

    def decide(entry_id: EntryId, body: body_model, request: Request,  # type: ignore[valid-type]
               response: Response, session: DbSession, principal: EntriesApprove,
               if_match: IfMatch = None) -> EntryOut:
        expected = (service.parse_if_match(if_match) if if_match_required or if_match is not None
                    else None)
        ctx = _ctx(request, principal)
        extra = ({"duplicate_resolution": body.duplicate_resolution}
                 if isinstance(body, ApproveDecision) else {})
        entry = use_case(session, ctx, entry_id, body.reason, expected_version=expected,
                         **extra)
        return _respond(response, entry, session, ctx)

    decide.__annotations__["body"] = body_model  # a class, not the postponed name
    decide.__name__ = f"{name}_entry"
    router.add_api_route(f"/{{entry_id}}/{name}", decide, methods=["POST"], response_model=EntryOut,
                         summary=summary)


_decision_route("approve", "Activate a nomination or an amendment (second review by someone else; "
                "LB-second-review; If-Match required; possible duplicates need a "
                "duplicate_resolution, LB-adequacy-gate)", if_match_required=True,
                body_model=ApproveDecision)
_decision_route("reject", "Reject a nomination or an amendment (If-Match required)",
                if_match_required=True)
_decision_route("suspend", "Suspend an active entry from screening", if_match_required=False)
_decision_route("reinstate", "Return a suspended entry to screening (second review; If-Match "
                "required)", if_match_required=True)
_decision_route("delist", "Delist an entry", if_match_required=False)
