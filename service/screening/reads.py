"""Reading a past screening, as the caller's role may see it (an audited consultation)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.audit.recorder import record_event
from service.auth.roles import Scope
from service.errors import NotFound
from service.models.entry import Entry
from service.models.policy import EntryPolicy
from service.models.screening import Screening, ScreeningHit
from service.screening.live import EntryMeta
from service.screening.schemas import HitStatus, Result, ScreeningOut
from service.screening.service import NOTICE, Context, hit_view

_NOTES = {
    HitStatus.PREVIOUSLY_CLEARED: "Previously cleared by a recorded false-positive decision.",
    HitStatus.CLEARED_PERSON: "The traveller's travel document was registered in a consented "
                              "cleared-person profile.",
}
_GONE = EntryMeta(originating_agency="", shares=frozenset(), action_on_hit="entry_removed",
                  handling_code="n/a", contact_point="n/a")


def read(session: Session, ctx: Context, screening_id: str) -> ScreeningOut:
    screening = session.get(Screening, screening_id)
    if screening is None:
        raise NotFound("no screening with this id is visible to you")
    hits = list(session.execute(
        select(ScreeningHit).where(ScreeningHit.screening_id == screening.id)
        .order_by(ScreeningHit.rank)).scalars())
    entry_ids = [hit.entry_id for hit in hits]
    entries = {entry.id: entry for entry in session.execute(
        select(Entry).where(Entry.id.in_(entry_ids))).scalars()} if hits else {}
    disputes = dict(session.execute(
        select(EntryPolicy.entry_id, EntryPolicy.subject_statement)
        .where(EntryPolicy.entry_id.in_(entry_ids), EntryPolicy.disputed.is_(True))).all()
    ) if hits else {}
    metas = {
        entry_id: EntryMeta(originating_agency=entry.originating_agency,
                            shares=frozenset(share.agency for share in entry.shares),
                            action_on_hit=entry.action_on_hit, handling_code=entry.handling_code,
                            contact_point=entry.contact_point,
                            disputed=entry_id in disputes,
                            subject_statement=disputes.get(entry_id))
        for entry_id, entry in entries.items()
    }
    principal = ctx.principal
    own = principal.agency in (screening.actor_agency, ctx.review_agency)
    adjudicator = principal.has(Scope.screenings_decide) and any(
        meta.readable_by(principal.agency, ctx.review_agency) for meta in metas.values())
    if not (own or adjudicator):
        raise NotFound("no screening with this id is visible to you")
    views = [hit_view(principal, ctx.review_agency, hit, metas.get(hit.entry_id, _GONE),
                      _NOTES.get(HitStatus(hit.status))) for hit in hits]
    record_event(session, principal, operation="consultation", action="screening.read",
                 target_type="screening", target_id=screening.id, purpose=ctx.purpose,
                 request_id=ctx.request_id,
                 details={"hits": len(hits),
                          "full_views": sum(1 for view in views if view.entry_id is not None)})
    return ScreeningOut(
        screening_id=screening.id, reference=screening.traveller_ref,
        result=Result(screening.result), hits=views, list_version=screening.list_version,
        data_as_of=screening.data_as_of,
        data_age_seconds=round(max(0.0, (screening.created_at - screening.data_as_of)
                                   .total_seconds()), 3),
        stale=screening.stale, notice=NOTICE,
    )
