"""HTTP routes for the cleared-persons register under /v1/cleared-persons (MT-misidentified)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, status

from policies import BORDER_SCREENING
from service.auth.principal import Principal, RedressWrite
from service.db.session import DbSession, TransactionalRoute
from service.kit.http import ERROR_RESPONSES, Purpose, request_id
from service.policy.purposes import serves
from service.screening import cleared
from service.screening.runtime import runtime_of
from service.screening.schemas import ClearedPersonIn, ClearedPersonOut, RevokeIn
from service.screening.service import Context

router = APIRouter(prefix="/v1/cleared-persons", tags=["cleared persons"],
                   route_class=TransactionalRoute, responses=ERROR_RESPONSES,
                   dependencies=[serves(BORDER_SCREENING)])  # GV-purpose-config

Id = Annotated[str, Path(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")]


def _ctx(request: Request, principal: Principal, purpose: str) -> Context:
    return Context(principal=principal, request_id=request_id(request),
                   review_agency=request.app.state.container.settings.review_agency,
                   purpose=purpose)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ClearedPersonOut,
             summary="Register a consented cleared-person profile against an entry")
def register(body: ClearedPersonIn, request: Request, session: DbSession,
             principal: RedressWrite) -> ClearedPersonOut:
    ctx = _ctx(request, principal, "cleared-person registration with the person's consent")
    return cleared.to_out(cleared.register(session, ctx, runtime_of(request).hasher, body))


@router.get("/{profile_id}", response_model=ClearedPersonOut,
            summary="Read a cleared-person profile (a consultation)")
def read(profile_id: Id, request: Request, session: DbSession, principal: RedressWrite,
         purpose: Purpose) -> ClearedPersonOut:
    return cleared.to_out(cleared.read(session, _ctx(request, principal, purpose), profile_id))


@router.post("/{profile_id}/withdraw", response_model=ClearedPersonOut,
             summary="Consent withdrawn: erase the profile's identity data")
def withdraw(profile_id: Id, body: RevokeIn, request: Request, session: DbSession,
             principal: RedressWrite) -> ClearedPersonOut:
    ctx = _ctx(request, principal, body.reason)
    return cleared.to_out(cleared.withdraw(session, ctx, profile_id, body.reason))
