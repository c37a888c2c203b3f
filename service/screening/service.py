"""Screening use cases: search the live index, remember nothing but what the law requires, and
account for every consultation.

A screening stores the data used for the search in ``screening_queries`` (personal data,
erasable) and writes one audit event that refers to it by id and digest (LG-consult-fields).
Services never commit: the route wrapper commits once, so the answer, the stored query and the
audit event exist together or not at all.

What may lower a hit below ``POSSIBLE_MATCH_REFER`` (MT-human-in-loop, MT-misidentified)
    Only a positive distinguishing feature, never a coincidence of name and birth date: people
    are mistaken for a listed subject precisely because their name and birth date are alike.

    * ``CLEARED_PERSON``: the traveller presents a travel document (number and issuing
      country) registered in a consented cleared-person profile for that entry, and that
      document is not the listed subject's own (a misused identity may come with a copy of the
      victim's passport). Name, birth date, nationality or sex alone never annotate a hit.
    * ``PREVIOUSLY_CLEARED``: a standing ``false_positive`` decision remembered for this
      traveller: by the same document if the decision was made on one; by name and birth date
      only when neither that decision nor this screening has a document
      (``TravellerIdentity.same_traveller``).

    Anything weaker leaves the hit raised, so the border officer refers it.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service.audit.recorder import processed_under
from service.auth.principal import Principal
from service.auth.roles import Scope
from service.models.screening import (
    ClearedPerson,
    HitDecision,
    Screening,
    ScreeningHit,
    ScreeningQuery,
)
from service.screening.demographics import demographics_of
from service.screening.identity import IdentityHasher, TravellerIdentity
from service.screening.live import EntryMeta, LiveIndex
from service.screening.schemas import (
    ExplanationLine,
    HitOut,
    HitStatus,
    Result,
    ScreeningOut,
    TravellerIn,
)

MAX_HITS_PER_TRAVELLER = 10

NOTICE = ("A possible match is not a finding about this traveller. Refer every "
          "POSSIBLE_MATCH_REFER to the contact point; only a named officer may decide on any "
          "action (MT-human-in-loop).")


@dataclass(frozen=True, slots=True)
class Context:
    principal: Principal
    request_id: str | None
    review_agency: str
    purpose: str


@dataclass(frozen=True, slots=True)
class ListState:
    """The list version and data age a set of answers was computed on."""

    version: int
    as_of: datetime
    age_seconds: float
    stale: bool


@dataclass
class PreparedScreening:
    """One traveller's screening: the rows to store, and the caller's view of it."""

    query: ScreeningQuery
    screening: Screening
    hits: list[ScreeningHit]
    view: ScreeningOut
    cleared_person_ids: list[str] = field(default_factory=list)

    def rows(self) -> list[Any]:
        return [self.query, self.screening, *self.hits]

    def summary(self) -> dict[str, Any]:
        """Metadata only: ids, counts, codes; never the traveller's data."""
        return {
            "screening_id": self.screening.id,
            "query_id": self.query.id,
            "query_digest": self.query.digest,
            "result": self.screening.result,
            "hits": self.screening.hit_count,
            "raised": self.screening.raised_count,
            "entry_ids": [hit.entry_id for hit in self.hits],
            "hit_statuses": [hit.status for hit in self.hits],
            "full_views": sum(1 for hit in self.view.hits if hit.entry_id is not None),
        }


def query_record(traveller: TravellerIn) -> dict[str, Any]:
    """The matching record for a traveller (identity features only: LB-no-protected-ground)."""
    document = traveller.travel_document
    return {
        "kind": "person",
        "names": list(traveller.names),
        "birth_dates": [traveller.birth_date] if traveller.birth_date else [],
        "nationalities": [traveller.nationality] if traveller.nationality else [],
        "gender": traveller.gender.value if traveller.gender in ("male", "female") else None,
        "documents": [{"number": document.number, "country": document.country,
                       "type": document.type.value}] if document else [],
    }


def identity_of(hasher: IdentityHasher, traveller: TravellerIn) -> TravellerIdentity:
    document = traveller.travel_document
    return hasher.traveller(traveller.names, traveller.birth_date,
                            document.number if document else None,
                            document.country if document else None)


def stored_query(traveller: TravellerIn, now: datetime) -> ScreeningQuery:
    """The data used for the search, with a digest the audit event can refer to.

    The digest covers a random salt kept inside the (erasable) data, so once the data are
    erased the digest in the audit trail can no longer be linked to a person by guessing.
    """
    data = {"traveller": traveller.model_dump(mode="json", exclude_none=True),
            "salt": os.urandom(16).hex()}
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return ScreeningQuery(id=str(uuid.uuid4()), created_at=now, data=data,
                          digest=hashlib.sha256(canonical.encode()).hexdigest())


def document_is_listed(hit: Any) -> bool:
    """Whether the traveller's document matched (or nearly matched) one of the entry's own: then
    it is the listed subject's document, or a copy of it, and cannot distinguish anybody."""
    return any(line.feature == "document" and line.outcome in ("agree", "near")
               for line in hit.explanation)


def full_view_allowed(principal: Principal, meta: EntryMeta, review_agency: str) -> bool:
    """Operators and reviewers of an agency that may see the entry get the explanation."""
    return principal.has(Scope.entries_read) and meta.readable_by(principal.agency, review_agency)


@dataclass
class Suppressions:
    """Remembered false positives and cleared profiles for the entries that were hit."""

    decisions: dict[str, list[HitDecision]] = field(default_factory=dict)
    profiles: dict[str, list[ClearedPerson]] = field(default_factory=dict)

    def decision_for(self, entry_id: str, identity: TravellerIdentity) -> HitDecision | None:
        for decision in self.decisions.get(entry_id, ()):
            if identity.same_traveller(decision.document_digest, decision.name_birth_digest):
                return decision
        return None

    def profile_for(self, entry_id: str, identity: TravellerIdentity,
                    document_is_listed: bool) -> ClearedPerson | None:
        """The cleared profile this traveller is positively told apart by (see the module
        docstring): the traveller's document is one of the profile's, and not the listed
        subject's own."""
        if identity.document is None or document_is_listed:
            return None
        for profile in self.profiles.get(entry_id, ()):
            if identity.document in (profile.document_digests or ()):
                return profile
        return None


def load_suppressions(session: Session, entry_ids: set[str],
                      identities: Sequence[TravellerIdentity]) -> Suppressions:
    found = Suppressions()
    if not entry_ids:
        return found
    documents = {i.document for i in identities if i.document}
    # Name and birth date identify only a traveller without a document (same_traveller).
    name_births = {d for i in identities if i.document is None for d in i.name_birth}
    if documents or name_births:
        keyed = []
        if documents:
            keyed.append(HitDecision.document_digest.in_(sorted(documents)))
        if name_births:
            keyed.append(HitDecision.name_birth_digest.in_(sorted(name_births)))
        for decision in session.execute(
            select(HitDecision).where(
                HitDecision.entry_id.in_(sorted(entry_ids)),
                HitDecision.decision == "false_positive",
                HitDecision.revoked_at.is_(None),
                or_(*keyed),
            ).order_by(HitDecision.decided_at.desc())
        ).scalars():
            found.decisions.setdefault(decision.entry_id, []).append(decision)
    if not documents:
        return found  # a cleared profile is only ever recognised by a document
    for profile in session.execute(
        select(ClearedPerson).where(ClearedPerson.entry_id.in_(sorted(entry_ids)),
                                    ClearedPerson.withdrawn_at.is_(None))
    ).scalars():
        found.profiles.setdefault(profile.entry_id, []).append(profile)
    return found


def prepare(ctx: Context, live: LiveIndex, state: ListState, traveller: TravellerIn,
            found_hits: list[Any], identity: TravellerIdentity | None,
            suppressions: Suppressions, *, batch_id: str | None, now: datetime,
            threshold: float) -> PreparedScreening:
    """Turn index hits into stored rows and the caller's (minimised) view."""
    query = stored_query(traveller, now)
    screening_id = str(uuid.uuid4())
    hit_rows: list[ScreeningHit] = []
    views: list[HitOut] = []
    cleared_people: list[str] = []
    for rank, hit in enumerate(found_hits):
        meta = live.meta(hit.record_id)
        if meta is None:
            continue  # removed from the list while we were searching
        status, note, decision_id, profile_id = HitStatus.POSSIBLE_MATCH_REFER, None, None, None
        decision = suppressions.decision_for(hit.record_id, identity) if identity else None
        profile = (suppressions.profile_for(hit.record_id, identity, document_is_listed(hit))
                   if identity else None)
        if decision is not None:
            status, decision_id = HitStatus.PREVIOUSLY_CLEARED, decision.id
            note = (f"Previously cleared: decision {decision.id} of "
                    f"{decision.decided_at:%Y-%m-%d} recorded this hit as a false positive for "
                    "this traveller, so it is not raised again. That decision can be revoked.")
        elif profile is not None:
            status, profile_id = HitStatus.CLEARED_PERSON, profile.id
            cleared_people.append(profile.id)
            note = (f"The traveller's travel document is registered in cleared-person profile "
                    f"{profile.id}, recorded with consent for someone repeatedly mistaken for "
                    "this listed subject (MT-misidentified); verify the travel document.")
        explanation = [
            {"feature": line.feature, "outcome": line.outcome, "effect": round(line.effect, 4),
             "detail": line.detail}
            for line in hit.explanation
        ]
        row = ScreeningHit(
            id=str(uuid.uuid4()), screening_id=screening_id, rank=rank, entry_id=hit.record_id,
            score=round(float(hit.score), 4), band=hit.band, status=status.value,
            explanation=explanation, algorithm=hit.algorithm, algorithm_version=hit.version,
            list_version=state.version, cleared_by_decision_id=decision_id,
            cleared_person_id=profile_id,
        )
        hit_rows.append(row)
        views.append(hit_view(ctx.principal, ctx.review_agency, row, meta, note))
    raised = sum(1 for row in hit_rows if row.status == HitStatus.POSSIBLE_MATCH_REFER)
    result = Result.POSSIBLE_MATCH_REFER if raised else Result.NO_MATCH
    groups = demographics_of(traveller, now.date())
    screening = Screening(
        id=screening_id, batch_id=batch_id, traveller_ref=traveller.reference, created_at=now,
        actor_sub=ctx.principal.sub, actor_agency=ctx.principal.agency,
        actor_role=ctx.principal.role, purpose=ctx.purpose, query_id=query.id,
        query_digest=query.digest, list_version=state.version, data_as_of=state.as_of,
        stale=state.stale, result=result.value, hit_count=len(hit_rows), raised_count=raised,
        traveller_nationality=groups.nationality, traveller_sex=groups.sex,
        traveller_age_band=groups.age_band,
    )
    view = ScreeningOut(
        screening_id=screening_id, reference=traveller.reference, result=result, hits=views,
        list_version=state.version, data_as_of=state.as_of,
        data_age_seconds=round(state.age_seconds, 3), stale=state.stale,
        notice=stale_notice(state) + NOTICE,
    )
    return PreparedScreening(query, screening, hit_rows, view, cleared_people)


def stale_notice(state: ListState) -> str:
    if not state.stale:
        return ""
    return (f"STALE: the watchlist database is unreachable; this answer comes from the list as "
            f"of {state.as_of.isoformat()} ({state.age_seconds:.0f} s old, version "
            f"{state.version}). ")


def hit_view(principal: Principal, review_agency: str, row: ScreeningHit, meta: EntryMeta,
             note: str | None) -> HitOut:
    """Minimal for border clients; the full explanation for agencies that may see the entry.

    A hit on a disputed entry says so to everyone and carries the listed person's statement to
    those with the full view (RD-disputed; see ``HitOut``)."""
    view = HitOut(
        hit_id=row.id, status=HitStatus(row.status), band=row.band,
        action_on_hit=meta.action_on_hit, handling_code=meta.handling_code,
        contact_point=meta.contact_point, list_version=row.list_version, note=note,
        previous_decision_id=row.cleared_by_decision_id, cleared_person_id=row.cleared_person_id,
        disputed=meta.disputed,
    )
    if full_view_allowed(principal, meta, review_agency):
        view.subject_statement = meta.subject_statement
        view.entry_id = row.entry_id
        view.score = row.score
        view.algorithm = row.algorithm
        view.algorithm_version = row.algorithm_version
        view.explanation = [ExplanationLine(**line) for line in row.explanation]
    return view


def screen(ctx: Context, live: LiveIndex, hasher: IdentityHasher, state: ListState,
           travellers: Sequence[TravellerIn], *, batch_id: str | None,
           load: Any, threshold: float, now: datetime) -> list[PreparedScreening]:
    """Search every traveller at ``now``; ``load`` fetches remembered decisions and cleared
    profiles."""
    searched = [live.search(query_record(t), limit=MAX_HITS_PER_TRAVELLER, threshold=threshold,
                            now=now)
                for t in travellers]
    identities: list[TravellerIdentity | None] = [
        identity_of(hasher, t) if hits else None
        for t, hits in zip(travellers, searched, strict=True)
    ]
    entry_ids = {hit.record_id for hits in searched for hit in hits}
    suppressions = (load(entry_ids, [i for i in identities if i is not None]) if entry_ids
                    else Suppressions())
    return [
        prepare(ctx, live, state, traveller, hits, identity, suppressions, batch_id=batch_id,
                now=now, threshold=threshold)
        for traveller, hits, identity in zip(travellers, searched, identities, strict=True)
    ]


def audit_events(ctx: Context, prepared: list[PreparedScreening], state: ListState, *,
                 batch_id: str | None, manifest_ref: str | None) -> list[dict[str, Any]]:
    """The audit events of one request: one consultation (LG-consult-fields), then one event per
    use of the cleared-persons register (MT-misidentified). Metadata only."""
    # The purpose and pack go in here, on the request's thread: the group writer that records
    # these events runs on its own (GV-purpose-config).
    common = processed_under({"list_version": state.version,
                              "data_age_seconds": round(state.age_seconds, 3),
                              "stale": state.stale})
    events: list[dict[str, Any]] = []
    if batch_id is None:
        (item,) = prepared
        events.append({"operation": "consultation", "action": "screening.run",
                       "target_type": "screening", "target_id": item.screening.id,
                       "purpose": ctx.purpose, "request_id": ctx.request_id,
                       "outcome": item.screening.result,
                       "details": {**item.summary(), **common}})
    else:
        counts: dict[str, int] = {}
        for item in prepared:
            counts[item.screening.result] = counts.get(item.screening.result, 0) + 1
        events.append({"operation": "consultation", "action": "screening.batch",
                       "target_type": "screening_batch", "target_id": batch_id,
                       "purpose": ctx.purpose, "request_id": ctx.request_id,
                       "outcome": "POSSIBLE_MATCH_REFER" if counts.get("POSSIBLE_MATCH_REFER")
                       else "NO_MATCH",
                       "details": {"travellers": len(prepared), "counts": counts,
                                   "manifest_ref_given": manifest_ref is not None,
                                   "screenings": [item.summary() for item in prepared], **common}})
    for item in prepared:
        for profile_id in item.cleared_person_ids:
            events.append({"operation": "consultation", "action": "cleared_person.use",
                           "target_type": "cleared_person", "target_id": profile_id,
                           "purpose": ctx.purpose, "request_id": ctx.request_id,
                           "details": processed_under({
                               "screening_id": item.screening.id,
                               "use": "distinguish the traveller from the listed subject"})})
    return events
