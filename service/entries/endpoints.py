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
    DataSubjectCategory,
    Decision,
    EntryCreate,
    EntryOut,
    EntryPage,
    EntryUpdate,
    HistoryOut,
    Kind,
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
                           rules=container.extensions.get("entry_rules"))


def _respond(response: Response, entry) -> EntryOut:  # noqa: ANN001
    response.headers["ETag"] = service.etag(entry)
    return to_out(entry)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=EntryOut,
             summary="Nominate a subject (starts in pending_review)")
def nominate(body: EntryCreate, request: Request, response: Response, session: DbSession,
             principal: EntriesWrite) -> EntryOut:
    entry = service.nominate(session, _ctx(request, principal), body)
    response.headers["Location"] = f"/v1/entries/{entry.id}"
    return _respond(response, entry)


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
    return _respond(response, service.read(session, _ctx(request, principal, purpose), entry_id))


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
    entry = service.update(session, _ctx(request, principal), entry_id, expected, body)
    return _respond(response, entry)


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


def _decision_route(name: str, summary: str, *, if_match_required: bool) -> None:
    """A lifecycle decision. Approving, rejecting and reinstating need If-Match: a reviewer
    decides on the version they read, never on one changed since (428 without, 412 when stale).
    Suspending and delisting take an entry off screening and honour If-Match when sent."""
    use_case = getattr(service, name)

    def decide(entry_id: EntryId, body: Decision, request: Request, response: Response,
               session: DbSession, principal: EntriesApprove, if_match: IfMatch = None) -> EntryOut:
        expected = (service.parse_if_match(if_match) if if_match_required or if_match is not None
                    else None)
        entry = use_case(session, _ctx(request, principal), entry_id, body.reason,
                         expected_version=expected)
        return _respond(response, entry)

    decide.__name__ = f"{name}_entry"
    router.add_api_route(f"/{{entry_id}}/{name}", decide, methods=["POST"], response_model=EntryOut,
                         summary=summary)


_decision_route("approve", "Activate a nomination or an amendment (second review by someone else; "
                "LB-second-review; If-Match required)", if_match_required=True)
_decision_route("reject", "Reject a nomination or an amendment (If-Match required)",
                if_match_required=True)
_decision_route("suspend", "Suspend an active entry from screening", if_match_required=False)
_decision_route("reinstate", "Return a suspended entry to screening (second review; If-Match "
                "required)", if_match_required=True)
_decision_route("delist", "Delist an entry", if_match_required=False)
