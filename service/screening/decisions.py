"""Human decisions on screening hits (MT-human-in-loop), and remembering false positives.

A ``false_positive`` is remembered for *this traveller and this entry* only: the decision keeps
keyed digests of the traveller's identity (document, and primary name with birth date), never
the values, and the next screening of the same traveller annotates the hit as previously
cleared: the same document if the decision was made on one, name and birth date only when
neither that screening nor the new one has a document (``TravellerIdentity.same_traveller``).
Decisions are never deleted; a revocation records who, when and why, and the hit is raised
again from then on.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.audit.recorder import record_event
from service.db.base import utcnow
from service.entries.repository import readable
from service.errors import Conflict, NotFound
from service.models.entry import Entry
from service.models.screening import HitDecision, Screening, ScreeningHit, ScreeningQuery
from service.screening.identity import IdentityHasher
from service.screening.schemas import DecisionIn, DecisionKind, DecisionOut, TravellerIn
from service.screening.service import Context

ALREADY_DECIDED = "this hit already has a decision: revoke it (with a reason) to decide again"


def _visible_hit(session: Session, ctx: Context, screening_id: str, hit_id: str) -> ScreeningHit:
    """The hit, locked for this transaction, if its entry is visible to the caller's agency
    (404 otherwise, never 403).

    The row lock (``FOR UPDATE`` on PostgreSQL; SQLite serialises writers with ``BEGIN
    IMMEDIATE``) makes two decisions on one hit take turns, so the second sees the first.
    """
    hit = session.execute(
        select(ScreeningHit).where(ScreeningHit.id == hit_id,
                                   ScreeningHit.screening_id == screening_id)
        .with_for_update()
    ).scalar_one_or_none()
    if hit is None or not entry_visible(session, ctx, hit.entry_id):
        raise NotFound("no hit with this id is visible to you")
    return hit


def entry_visible(session: Session, ctx: Context, entry_id: str) -> bool:
    statement = readable(ctx.principal, ctx.review_agency).where(Entry.id == entry_id)
    return session.execute(statement.with_only_columns(Entry.id)).first() is not None


def _identity_digests(session: Session, hasher: IdentityHasher,
                      screening_id: str) -> tuple[str | None, str | None]:
    """Digests of the screened traveller, from the stored query (None once it is erased).

    A traveller with a document is recognised by it alone, so the name-and-birth-date digest
    is kept only for a traveller without one (``TravellerIdentity.same_traveller``).
    """
    screening = session.get(Screening, screening_id)
    query = session.get(ScreeningQuery, screening.query_id) if screening and screening.query_id \
        else None
    if query is None or not query.data:
        return None, None
    traveller = TravellerIn.model_validate(query.data["traveller"])
    document = traveller.travel_document
    document_digest = hasher.document_digest(document.number if document else None,
                                             document.country if document else None)
    if document_digest is not None:
        return document_digest, None
    name_birth = hasher.name_birth_digests(traveller.names[:1], traveller.birth_date)
    return None, (name_birth[0] if name_birth else None)


def to_out(decision: HitDecision) -> DecisionOut:
    return DecisionOut(
        decision_id=decision.id, screening_id=decision.screening_id, hit_id=decision.hit_id,
        entry_id=decision.entry_id, decision=DecisionKind(decision.decision),
        reason=decision.reason, decided_by=decision.decided_by,
        decided_agency=decision.decided_agency, decided_at=decision.decided_at,
        remembers_traveller=bool(decision.document_digest or decision.name_birth_digest),
        revoked_at=decision.revoked_at, revoked_by=decision.revoked_by,
        revoke_reason=decision.revoke_reason,
    )


def _current(session: Session, hit_id: str) -> HitDecision | None:
    return session.execute(
        select(HitDecision).where(HitDecision.hit_id == hit_id, HitDecision.revoked_at.is_(None))
    ).scalar_one_or_none()


def decide(session: Session, ctx: Context, hasher: IdentityHasher, screening_id: str,
           hit_id: str, body: DecisionIn) -> DecisionOut:
    """Record a named human's decision; one standing decision per hit (revoke to change it)."""
    hit = _visible_hit(session, ctx, screening_id, hit_id)
    if _current(session, hit.id) is not None:
        raise Conflict(ALREADY_DECIDED)
    document_digest = name_birth_digest = None
    if body.decision is DecisionKind.false_positive:
        document_digest, name_birth_digest = _identity_digests(session, hasher, screening_id)
    decision = HitDecision(
        id=str(uuid.uuid4()), hit_id=hit.id, screening_id=screening_id, entry_id=hit.entry_id,
        decision=body.decision.value, reason=body.reason, decided_by=ctx.principal.sub,
        decided_agency=ctx.principal.agency, decided_at=utcnow(),
        document_digest=document_digest, name_birth_digest=name_birth_digest,
    )
    try:
        with session.begin_nested():  # the savepoint's release flushes the insert
            session.add(decision)
    except IntegrityError:
        # Another decision on this hit committed between our check and our insert (the unique
        # index of standing decisions backs up the row lock).
        raise Conflict(ALREADY_DECIDED) from None
    out = to_out(decision)
    record_event(session, ctx.principal, operation="collection", action="screening.decision",
                 target_type="screening_hit", target_id=hit.id, purpose=body.reason,
                 request_id=ctx.request_id, outcome=body.decision.value,
                 details={"decision_id": decision.id, "screening_id": screening_id,
                          "entry_id": hit.entry_id, "decision": body.decision.value,
                          "remembers_traveller": out.remembers_traveller,
                          "algorithm_version": hit.algorithm_version,
                          "list_version": hit.list_version})
    return out


def revoke(session: Session, ctx: Context, screening_id: str, hit_id: str,
           reason: str) -> DecisionOut:
    hit = _visible_hit(session, ctx, screening_id, hit_id)
    decision = _current(session, hit.id)
    if decision is None:
        raise NotFound("this hit has no standing decision to revoke")
    decision.revoked_at = utcnow()
    decision.revoked_by = ctx.principal.sub
    decision.revoke_reason = reason
    session.flush()
    record_event(session, ctx.principal, operation="alteration",
                 action="screening.decision.revoke", target_type="screening_hit",
                 target_id=hit.id, purpose=reason, request_id=ctx.request_id,
                 details={"decision_id": decision.id, "screening_id": screening_id,
                          "entry_id": hit.entry_id, "decision": decision.decision})
    return to_out(decision)
