"""Redress use cases (RD-case-id, RD-deadlines, RD-disputed, RD-restriction-reasons, RD-no-moot).

A case holds clocks, state and reasons, never the requester's identity: the tracking number is
the link between the person and the case. The rules (state machine, deadlines, letters) are the
policy library's; this module persists them and audits every step. Services never commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from policies import PolicyPack, check_purpose
from policies.redress import (
    CaseState,
    DecisionOutcome,
    RedressCase,
    RedressDecision,
    case_deadlines,
    escalation,
    extend_deadline,
    hit_dispute_notice,
    mark_disputed,
    new_tracking_number,
    normalise_tracking_number,
    open_case,
    record_milestone,
    render_determination_letter,
    transition,
)
from policies.redress.cases import DeadlineExtension
from policies.redress_profiles import BUILTIN_REDRESS_PROFILES
from service.audit.recorder import record_event
from service.auth.principal import Principal, SystemActor
from service.entries import feed, repository
from service.entries import service as entries_service
from service.entries.schemas import Status
from service.errors import NotFound, RuleViolation
from service.models.entry import Entry
from service.models.policy import (
    EntryPolicy,
    RedressCaseEntry,
    RedressCaseRecord,
    RedressDelistingRecord,
)
from service.policy.entry_rules import facts_fingerprint, identity_digests, material_ids
from service.policy.errors import policy_errors
from service.policy.settings import PolicySettings
from service.policy.state import policy_state

OPEN_STATES: tuple[str, ...] = (
    "received",
    "needs_documents",
    "admissible",
    "information_gathering",
    "dialogue",
)


@dataclass(frozen=True)
class RedressContext:
    principal: Principal
    request_id: str | None
    review_agency: str
    pack: PolicyPack
    settings: PolicySettings
    relisting_key: str  # service.policy.relisting (RD-no-moot)


# -- persistence of the library's case ---------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def to_case(record: RedressCaseRecord, pack: PolicyPack) -> RedressCase:
    """Rebuild the library's case; the deadline profile is the one captured at opening."""
    profile = (
        pack.redress_profiles.get(record.profile_name)
        or BUILTIN_REDRESS_PROFILES.get(record.profile_name)
        or pack.redress_profile
    )
    from policies import PackRef

    return RedressCase(
        tracking_number=record.tracking_number,
        request_kind=record.request_kind,
        state=CaseState(record.state),
        profile=profile,
        opened_under=PackRef(record.pack_id, record.pack_version),
        milestones={name: _when(at) for name, at in record.milestones.items()},
        extensions={
            name: DeadlineExtension(
                item["reasons"], _when(item["extended_at"]), item["extended_by"]
            )
            for name, item in record.extensions.items()
        },
    )


def _store(record: RedressCaseRecord, case: RedressCase, now: datetime) -> None:
    record.state = case.state.value
    record.milestones = {name: _iso(at) for name, at in case.milestones.items()}
    record.extensions = {
        name: {
            "reasons": ext.reasons,
            "extended_at": _iso(ext.extended_at),
            "extended_by": ext.extended_by,
        }
        for name, ext in case.extensions.items()
    }
    record.updated_at = now


def _audit(
    session: Session,
    actor: Principal | SystemActor,
    record: RedressCaseRecord,
    action: str,
    request_id: str | None,
    **details: Any,
) -> None:
    record_event(
        session,
        actor,
        operation="alteration",
        action=action,
        target_type="redress_case",
        target_id=record.id,
        request_id=request_id,
        purpose="redress",
        details={
            "state": record.state,
            "policy_pack": f"{record.pack_id}@{record.pack_version}",
            **details,
        },
    )


def get_case(
    session: Session, tracking_number: str, *, for_update: bool = False
) -> RedressCaseRecord:
    """The case by its tracking number; a malformed or unknown number is the same 404."""
    canonical = normalise_tracking_number(tracking_number)
    record = None
    if canonical is not None:
        statement = select(RedressCaseRecord).where(RedressCaseRecord.tracking_number == canonical)
        if for_update:
            statement = statement.with_for_update()
        record = session.execute(statement).scalar_one_or_none()
    if record is None:
        raise NotFound("no redress case with this tracking number")
    return record


def linked_entry_ids(session: Session, case_id: str) -> list[str]:
    return list(
        session.execute(
            select(RedressCaseEntry.entry_id)
            .where(RedressCaseEntry.case_id == case_id)
            .order_by(RedressCaseEntry.entry_id)
        ).scalars()
    )


# -- use cases ----------------------------------------------------------------------------------


def create_case(
    session: Session, ctx: RedressContext, *, request_kind: str, purpose: str, now: datetime
) -> RedressCaseRecord:
    """RD-case-id: a new case with a public tracking number that reveals nothing."""
    with policy_errors():
        decided = check_purpose(ctx.pack, purpose)  # GV-purpose-config
        for _ in range(5):  # a collision is astronomically rare; the unique index is the guard
            number = new_tracking_number()
            taken = session.execute(
                select(RedressCaseRecord.id).where(RedressCaseRecord.tracking_number == number)
            ).first()
            if not taken:
                break
        case = open_case(
            ctx.pack, tracking_number=number, request_kind=request_kind, received_at=now
        )
    record = RedressCaseRecord(
        id=str(uuid.uuid4()),
        tracking_number=case.tracking_number,
        request_kind=request_kind,
        state=case.state.value,
        profile_name=case.profile.name,
        pack_id=decided.decided_by.id,
        pack_version=decided.decided_by.version,
        milestones={},
        extensions={},
        escalations={},
        opened_by=ctx.principal.sub,
        opened_agency=ctx.principal.agency,
        created_at=now,
        updated_at=now,
    )
    _store(record, case, now)
    session.add(record)
    session.flush()
    _audit(
        session,
        ctx.principal,
        record,
        "redress.open",
        ctx.request_id,
        request_kind=request_kind,
        purpose_code=purpose,
    )
    return record


def change_state(
    session: Session,
    ctx: RedressContext,
    tracking_number: str,
    *,
    to: str,
    reasons: str,
    now: datetime,
) -> RedressCaseRecord:
    if to == CaseState.DECIDED.value:
        raise RuleViolation(
            "a case is decided through the decision endpoint, with its reasons",
            details=[
                {
                    "loc": ["body", "to"],
                    "msg": "use POST .../decision",
                    "rule": "RD-restriction-reasons",
                }
            ],
        )
    record = get_case(session, tracking_number, for_update=True)
    with policy_errors():
        case = transition(to_case(record, ctx.pack), CaseState(to), now, reasons=reasons)
    previous = record.state
    _store(record, case, now)
    _audit(session, ctx.principal, record, "redress.transition", ctx.request_id, previous=previous)
    return record


def add_milestone(
    session: Session, ctx: RedressContext, tracking_number: str, *, milestone: str, now: datetime
) -> RedressCaseRecord:
    record = get_case(session, tracking_number, for_update=True)
    with policy_errors():
        case = record_milestone(to_case(record, ctx.pack), milestone, now)
    _store(record, case, now)
    _audit(session, ctx.principal, record, "redress.milestone", ctx.request_id, milestone=milestone)
    return record


def extend(
    session: Session,
    ctx: RedressContext,
    tracking_number: str,
    *,
    deadline: str,
    reasons: str,
    now: datetime,
) -> RedressCaseRecord:
    """RD-deadlines: one extension per deadline, before it expires, with reasons."""
    record = get_case(session, tracking_number, for_update=True)
    with policy_errors():
        case = extend_deadline(
            to_case(record, ctx.pack),
            deadline,
            reasons=reasons,
            extended_by=ctx.principal.sub,
            now=now,
        )
    _store(record, case, now)
    _audit(
        session, ctx.principal, record, "redress.extend_deadline", ctx.request_id, deadline=deadline
    )
    return record


def link_entry(
    session: Session, ctx: RedressContext, tracking_number: str, *, entry_id: str, now: datetime
) -> RedressCaseRecord:
    record = get_case(session, tracking_number, for_update=True)
    entry = repository.get_readable(session, ctx.principal, ctx.review_agency, entry_id)
    if session.get(RedressCaseEntry, (record.id, entry.id)) is None:
        session.add(
            RedressCaseEntry(
                case_id=record.id, entry_id=entry.id, linked_by=ctx.principal.sub, linked_at=now
            )
        )
        record.updated_at = now
        session.flush()
        _audit(
            session, ctx.principal, record, "redress.link_entry", ctx.request_id, entry_id=entry.id
        )
    return record


def dispute(
    session: Session,
    ctx: RedressContext,
    tracking_number: str,
    *,
    entry_id: str,
    subject_statement: str,
    now: datetime,
) -> tuple[RedressCaseRecord, list[str]]:
    """RD-disputed: flag the entry, attach the person's statement, name the recipients to tell.

    The statement is personal data: it lives on the entry's policy row and is erased with it.
    """
    record = link_entry(session, ctx, tracking_number, entry_id=entry_id, now=now)
    entry = repository.get_readable(
        session, ctx.principal, ctx.review_agency, entry_id, for_update=True
    )
    recipients = [entry.originating_agency, *(share.agency for share in entry.shares)]
    with policy_errors():
        mark = mark_disputed(subject_statement=subject_statement, recipients=recipients, now=now)
    state = policy_state(session, entry.id, now, for_update=True)
    state.disputed, state.subject_statement = True, mark.subject_statement
    state.disputed_at, state.dispute_case_id, state.updated_at = now, record.id, now
    record_event(
        session,
        ctx.principal,
        operation="alteration",
        action="entry.dispute",
        target_type="entry",
        target_id=entry.id,
        request_id=ctx.request_id,
        purpose="redress",
        details={"case_id": record.id, "notify_recipients": list(mark.notify_recipients)},
    )
    feed.entry_changed(session, entry, "disputed")  # hits must carry the statement from now on
    return record, list(mark.notify_recipients)


def decide(
    session: Session,
    ctx: RedressContext,
    tracking_number: str,
    *,
    outcome: str,
    factual_reasons: str,
    legal_reasons: str,
    public_summary: str,
    now: datetime,
) -> RedressCaseRecord:
    """A reasoned decision (RD-restriction-reasons) and its determination letter (RD-case-id).

    ``delisted`` delists every linked entry and keeps, for the re-listing guard (RD-no-moot),
    digests of who it was and of the facts, plus the material ids, never the data themselves.
    """
    record = get_case(session, tracking_number, for_update=True)
    decision = RedressDecision(
        outcome=DecisionOutcome(outcome),
        decided_by_id=ctx.principal.sub,
        factual_reasons=factual_reasons,
        legal_reasons=legal_reasons,
        public_summary=public_summary,
    )
    with policy_errors():
        case = transition(to_case(record, ctx.pack), CaseState.DECIDED, now, decision=decision)
        letter = render_determination_letter(
            decision,
            tracking_number=record.tracking_number,
            authority=ctx.settings.letter_authority,
            supervisory_authority=ctx.settings.supervisory_authority,
            now=now,
        )
    linked = linked_entry_ids(session, record.id)
    if decision.outcome is DecisionOutcome.DELISTED:
        if not linked:
            raise RuleViolation(
                "a delisting decision needs the delisted entries linked to the case first",
                details=[
                    {"loc": ["body", "outcome"], "msg": "link the entries", "rule": "RD-no-moot"}
                ],
            )
        for entry_id in linked:
            _delist_through_redress(session, ctx, record, entry_id, factual_reasons, now)
    _store(record, case, now)
    record.decision_outcome = decision.outcome.value
    record.factual_reasons = factual_reasons.strip() or None
    record.legal_reasons = legal_reasons.strip() or None
    record.public_summary = public_summary.strip() or None
    record.decided_by = ctx.principal.sub
    record.letter = letter
    _audit(
        session,
        ctx.principal,
        record,
        "redress.decide",
        ctx.request_id,
        outcome=decision.outcome.value,
        linked_entries=len(linked),
    )
    return record


def _delist_through_redress(
    session: Session,
    ctx: RedressContext,
    record: RedressCaseRecord,
    entry_id: str,
    reasons: str,
    now: datetime,
) -> None:
    entry = session.get(Entry, entry_id)
    assert entry is not None
    session.add(
        RedressDelistingRecord(
            id=str(uuid.uuid4()),
            case_id=record.id,
            identity_digests=identity_digests(
                entry.names, entry.birth_dates, ctx.relisting_key
            ),
            facts_fingerprint=facts_fingerprint(entry.articulable_facts, entry.derogatory_items),
            material_ids=sorted(material_ids(entry.derogatory_items)),
            delisted_at=now,
        )
    )
    if entry.status in (Status.active.value, Status.suspended.value, Status.pending_review.value):
        entries_ctx = entries_service.Context(
            principal=ctx.principal, request_id=ctx.request_id, review_agency=ctx.review_agency
        )
        entries_service.delist(
            session,
            entries_ctx,
            entry.id,
            f"delisted through redress case {record.tracking_number}: {reasons}"[:2000],
        )


def escalate_case(session: Session, pack: PolicyPack, case_id: str, now: datetime) -> bool:
    """RD-deadlines: escalate each overdue deadline once (policy run). True if anything new."""
    statement = select(RedressCaseRecord).where(RedressCaseRecord.id == case_id)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    record = session.execute(statement).scalar_one_or_none()
    if record is None:
        return False
    due = escalation(to_case(record, pack), now)
    new = [d for d in due.overdue if d.name not in record.escalations]
    if not new:
        return False
    record.escalations = {**record.escalations, **{d.name: _iso(now) for d in new}}
    record.updated_at = now
    _audit(
        session,
        SystemActor(),
        record,
        "redress.escalate",
        None,
        overdue=[{"deadline": d.name, "due_at": _iso(d.due_at)} for d in new if d.due_at],
    )
    return True


def deadlines_of(
    record: RedressCaseRecord, pack: PolicyPack, now: datetime
) -> list[dict[str, Any]]:
    return [
        {
            "name": d.name,
            "due_at": d.due_at,
            "met_at": d.met_at,
            "extended": d.extended,
            "extendable": d.extendable,
            "overdue": d.overdue(now),
            "met_late": d.met_late,
            "escalated_at": record.escalations.get(d.name),
        }
        for d in case_deadlines(to_case(record, pack))
    ]


def disputed_statement_for(session: Session, entry_id: str) -> dict[str, object]:
    """RD-disputed: the fields every screening hit on ``entry_id`` must carry.

    ``{"disputed": False}`` or ``{"disputed": True, "subject_statement": "..."}``. For the
    screening feature to call when it builds a hit (one indexed primary-key read).
    """
    state = session.get(EntryPolicy, entry_id)
    if state is None or not state.disputed:
        return {"disputed": False}
    return hit_dispute_notice(disputed=True, subject_statement=state.subject_statement)
