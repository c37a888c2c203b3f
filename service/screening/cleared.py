"""The cleared-persons register (MT-misidentified; SIS Art 62).

Someone repeatedly mistaken for a listed subject may, with explicit consent, have identity data
stored against that entry. The data are used for one thing only: a hit on that entry whose
traveller presents a travel document of the profile (and not one of the listed subject's own)
is annotated (``CLEARED_PERSON``), and each such use is audited (``cleared_person.use``). Name
and birth date are kept for the officer who reads the profile, never to recognise the person
(they are what the person shares with the listed subject; see ``service.screening.service``),
so no digest of them is stored.
Withdrawing consent erases the identity data and its digests; what remains is metadata that a
profile existed and when it was withdrawn.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from service.audit.recorder import record_event
from service.db.base import utcnow
from service.errors import Conflict, NotFound
from service.models.screening import ClearedPerson
from service.screening.decisions import entry_visible
from service.screening.identity import IdentityHasher
from service.screening.schemas import ClearedPersonIn, ClearedPersonOut
from service.screening.service import Context


def to_out(profile: ClearedPerson) -> ClearedPersonOut:
    return ClearedPersonOut(
        id=profile.id, entry_id=profile.entry_id, consent_ref=profile.consent_ref,
        consent_given_at=profile.consent_given_at, recorded_by=profile.recorded_by,
        recorded_at=profile.recorded_at, identity=profile.identity,
        withdrawn_at=profile.withdrawn_at, withdrawn_by=profile.withdrawn_by,
    )


def register(session: Session, ctx: Context, hasher: IdentityHasher,
             body: ClearedPersonIn) -> ClearedPerson:
    """Store a consented profile against an entry the caller's agency may see."""
    if not entry_visible(session, ctx, body.entry_id):
        raise NotFound("no entry with this id is visible to you")
    identity = body.identity
    documents = sorted({digest for doc in identity.documents
                        if (digest := hasher.document_digest(doc.number, doc.country))})
    consent_at = body.consent.given_at
    if consent_at.tzinfo is None:
        from datetime import UTC

        consent_at = consent_at.replace(tzinfo=UTC)
    profile = ClearedPerson(
        id=str(uuid.uuid4()), entry_id=body.entry_id, consent_ref=body.consent.reference,
        consent_given_at=consent_at, recorded_by=ctx.principal.sub,
        recorded_agency=ctx.principal.agency, recorded_at=utcnow(),
        identity=identity.model_dump(mode="json", exclude_none=True),
        document_digests=documents,
        name_birth_digests=[],  # never used to recognise the person: not kept (see above)
    )
    session.add(profile)
    session.flush()
    record_event(session, ctx.principal, operation="collection", action="cleared_person.register",
                 target_type="cleared_person", target_id=profile.id, purpose=ctx.purpose,
                 request_id=ctx.request_id,
                 details={"entry_id": body.entry_id, "names": len(identity.names),
                          "documents": len(identity.documents), "consent_recorded": True})
    return profile


def _visible(session: Session, ctx: Context, profile_id: str) -> ClearedPerson:
    profile = session.get(ClearedPerson, profile_id)
    if profile is None or not entry_visible(session, ctx, profile.entry_id):
        raise NotFound("no cleared-person profile with this id is visible to you")
    return profile


def read(session: Session, ctx: Context, profile_id: str) -> ClearedPerson:
    profile = _visible(session, ctx, profile_id)
    record_event(session, ctx.principal, operation="consultation", action="cleared_person.read",
                 target_type="cleared_person", target_id=profile.id, purpose=ctx.purpose,
                 request_id=ctx.request_id, details={"entry_id": profile.entry_id})
    return profile


def withdraw(session: Session, ctx: Context, profile_id: str, reason: str) -> ClearedPerson:
    """Consent withdrawn: erase the identity data and digests (RV-erasure-log: metadata only)."""
    profile = _visible(session, ctx, profile_id)
    if profile.withdrawn_at is not None:
        raise Conflict("consent for this profile has already been withdrawn")
    profile.identity = None
    profile.document_digests = []
    profile.name_birth_digests = []
    profile.withdrawn_at = utcnow()
    profile.withdrawn_by = ctx.principal.sub
    profile.withdrawal_reason = reason
    session.flush()
    record_event(session, ctx.principal, operation="erasure", action="cleared_person.withdraw",
                 target_type="cleared_person", target_id=profile.id, purpose=reason,
                 request_id=ctx.request_id,
                 details={"entry_id": profile.entry_id, "erased": ["identity", "digests"]})
    return profile
