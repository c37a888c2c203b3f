"""Use cases on entries. Services never commit: the route wrapper commits once per request."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.orm import Session

from service.audit.recorder import record_event
from service.auth.principal import Principal
from service.db.base import utcnow
from service.entries import adequacy, feed, repository
from service.entries.convert import snapshot, stored_birth_dates, stored_names
from service.entries.schemas import (
    ATTESTATION_FIELDS,
    ActionOnHit,
    DataSubjectCategory,
    EntryCreate,
    EntryUpdate,
    Status,
)
from service.errors import Forbidden, PreconditionFailed, RuleViolation
from service.kit.pagination import decode_cursor, encode_cursor
from service.models.entry import Entry, EntryAdequacy, EntryShare, EntryVersion
from service.policy.errors import policy_errors

# LB-association: contacts and associates may be listed only for low-intrusion actions.
ASSOCIATE_ACTIONS = frozenset({ActionOnHit.log_only, ActionOnHit.discreet_check})


@dataclass(frozen=True, slots=True)
class Context:
    principal: Principal
    request_id: str | None
    review_agency: str
    purpose: str | None = None
    # Policy-pack rules (service.policy.entry_rules.EntryRules): CH-minor, review date, RD-no-moot.
    rules: Any = None
    # LB-adequacy-gate: the duplicate checker (service.entries.adequacy.DuplicateChecker); the
    # process's fallback when None.
    duplicates: Any = None


def _check_associate_action(category: DataSubjectCategory | str, action: ActionOnHit | str) -> None:
    if category == DataSubjectCategory.OTHER_PARTY and action not in ASSOCIATE_ACTIONS:
        raise RuleViolation(
            "action_on_hit is not allowed for this data-subject category",
            details=[{
                "loc": ["body", "action_on_hit"],
                "msg": "contacts and associates (OTHER_PARTY) may only carry the action codes "
                       + ", ".join(sorted(a.value for a in ASSOCIATE_ACTIONS)),
                "rule": "LB-association",
            }],
        )


def _write_version(session: Session, entry: Entry, ctx: Context, *, change: str, reason: str,
                   changed_fields: list[str]) -> None:
    session.add(
        EntryVersion(
            entry_id=entry.id,
            version=entry.version,
            snapshot=snapshot(entry),
            changed_fields=changed_fields,
            change=change,
            reason=reason,
            actor_sub=ctx.principal.sub,
            actor_agency=ctx.principal.agency,
            created_at=entry.updated_at,
        )
    )


def nominate(session: Session, ctx: Context, data: EntryCreate) -> Entry:
    """Create a nomination in ``pending_review`` (LB-second-review: nothing starts active)."""
    principal = ctx.principal
    if data.originating_agency != principal.agency:
        raise RuleViolation(
            "originating_agency must be your own agency",
            details=[{"loc": ["body", "originating_agency"],
                      "msg": "an agency can only nominate in its own name (DQ-owner-accuracy)",
                      "rule": "DQ-owner-accuracy"}],
        )
    _check_associate_action(data.data_subject_category, data.action_on_hit)
    now = utcnow()
    if ctx.rules is not None:
        ctx.rules.check_nomination(session, principal, data, now)
    entry = Entry(
        id=str(uuid.uuid4()),
        kind=data.kind.value,
        status=Status.pending_review.value,
        names=stored_names(data.names),
        birth_dates=stored_birth_dates(data.birth_dates),
        birth_places=list(data.birth_places),
        gender=data.gender.value if data.gender else None,
        nationalities=list(dict.fromkeys(data.nationalities)),
        documents=[doc.model_dump(mode="json") for doc in data.documents],
        legal_basis_instrument=data.legal_basis.instrument,
        legal_basis_article=data.legal_basis.article,
        decision_ref=data.decision_ref,
        listing_standard=data.listing_standard,
        articulable_facts=data.articulable_facts,
        data_subject_category=data.data_subject_category.value,
        derogatory_items=[item.model_dump(mode="json") for item in data.derogatory_items],
        originating_agency=data.originating_agency,
        nominating_officer=principal.sub,
        action_on_hit=data.action_on_hit.value,
        handling_code=data.handling_code.value,
        contact_point=data.contact_point or f"duty desk of {data.originating_agency}",
        warning_flags=[flag.value for flag in data.warning_flags],
        best_interests_justification=data.best_interests_justification,
        source=data.source,
        source_ref=data.source_ref,
        listed_at=now,
        created_by=principal.sub,
        created_at=now,
        updated_by=principal.sub,
        updated_at=now,
    )
    entry.shares = [EntryShare(agency=agency) for agency in dict.fromkeys(data.shared_with)
                    if agency != data.originating_agency]
    session.add(entry)
    session.flush()
    _write_version(session, entry, ctx, change="nominated", reason="nomination",
                   changed_fields=sorted(set(EntryCreate.model_fields) - ATTESTATION_FIELDS))
    # LB-adequacy-gate: the nominator's attestation (the schema refuses a nomination without
    # it) and the duplicate check, recorded with the nomination; approval checks again.
    check = adequacy.checker_of(ctx.duplicates).check(session, entry)
    adequacy.record_check(session, entry, check, now,
                          attestation=("nominator", principal.sub, data.adequacy_note))
    record_event(session, principal, operation="collection", action="entry.nominate",
                 target_type="entry", target_id=entry.id, request_id=ctx.request_id,
                 purpose="nomination",
                 details={"data_subject_category": entry.data_subject_category,
                          "names": len(entry.names), "documents": len(entry.documents),
                          "derogatory_items": len(entry.derogatory_items),
                          "adequacy_attested": True,
                          "possible_duplicates": len(check.duplicates),
                          "duplicate_check_complete": check.complete})
    feed.entry_changed(session, entry, "nominated")
    return entry


def _transition(session: Session, ctx: Context, entry: Entry, *, to: Status,
                allowed_from: set[Status], action: str, reason: str,
                extra: dict[str, Any] | None = None,
                audit: dict[str, Any] | None = None) -> Entry:
    _check_status(entry, allowed_from, action)
    now = utcnow()
    previous = entry.status
    entry.status = to.value
    entry.status_reason = reason
    entry.updated_by = ctx.principal.sub
    entry.updated_at = now
    for key, value in (extra or {}).items():
        setattr(entry, key, value)
    session.flush()
    _write_version(session, entry, ctx, change=action.split(".")[-1], reason=reason,
                   changed_fields=["status", *sorted(extra or {})])
    record_event(session, ctx.principal, operation="alteration", action=action, target_type="entry",
                 target_id=entry.id, request_id=ctx.request_id, purpose=reason,
                 details={"from": previous, "to": to.value, "version": entry.version,
                          **(audit or {})})
    feed.entry_changed(session, entry, action.split(".")[-1])
    return entry


def _check_status(entry: Entry, allowed_from: set[Status], action: str) -> None:
    if Status(entry.status) not in allowed_from:
        raise RuleViolation(
            f"cannot {action.split('.')[-1]} an entry whose status is {entry.status}",
            details=[{"loc": ["path", "entry_id"],
                      "msg": f"allowed from: {', '.join(sorted(allowed_from))}",
                      "rule": "lifecycle"}],
        )


def _check_version(entry: Entry, expected_version: int | None) -> None:
    """Optimistic concurrency: a decision or change made on an older version changes nothing."""
    if expected_version is not None and entry.version != expected_version:
        raise PreconditionFailed(
            f"the entry is at version {entry.version}, not {expected_version}: reload it and "
            "decide or apply your change again",
            headers={"ETag": etag(entry)},
        )


def _writable(session: Session, ctx: Context, entry_id: str, expected_version: int | None, *,
              lifecycle: bool = True) -> Entry:
    entry = repository.get_writable(session, ctx.principal, ctx.review_agency, entry_id,
                                    lifecycle=lifecycle)
    _check_version(entry, expected_version)
    return entry


def _require_second_reviewer(session: Session, ctx: Context, entry: Entry, verb: str) -> None:
    """LB-second-review: nobody puts on screening what they nominated or amended themselves."""
    actor = ctx.principal.sub
    if actor in (entry.created_by, entry.nominating_officer):
        raise Forbidden(
            f"a nomination must be {verb} by a reviewer other than its nominator "
            "(LB-second-review)",
            details=[{"loc": ["path", "entry_id"], "msg": "you nominated this entry",
                      "rule": "LB-second-review"}],
        )
    if actor in repository.editors_since_approval(session, entry.id):
        raise Forbidden(
            f"an amendment must be {verb} by a reviewer other than its editor (LB-second-review)",
            details=[{"loc": ["path", "entry_id"], "msg": "you amended this entry since its last "
                      "approval", "rule": "LB-second-review"}],
        )


def _check_may_return_to_screening(session: Session, ctx: Context, entry: Entry,
                                   remedy: str) -> None:
    """An entry that was on screening before comes back only within its review period."""
    if entry.review_due is not None and entry.review_due <= utcnow():
        raise RuleViolation(
            "an entry past its review date can only return through a periodic review decision",
            details=[{"loc": ["path", "entry_id"], "msg": remedy, "rule": "RV-review-date"}],
        )
    if ctx.rules is not None:
        ctx.rules.check_reinstate(session, entry)


def approve(session: Session, ctx: Context, entry_id: str, reason: str,
            review_due_for: Any = None, *, expected_version: int | None = None,
            duplicate_resolution: str | None = None) -> Entry:
    """Activate a nomination or an amended entry (LB-second-review).

    The approver is neither the nominator nor anyone who amended the entry since its last
    approval; the nomination rules run again on the entry as it now stands. The duplicate
    check runs again too (LB-adequacy-gate): while a possible duplicate stands, activation
    needs the reviewer's ``duplicate_resolution`` saying why they are different people (409).
    """
    entry = _writable(session, ctx, entry_id, expected_version)
    _check_status(entry, {Status.pending_review}, "entry.approve")
    _require_second_reviewer(session, ctx, entry, "approved")
    now = utcnow()
    gate = _adequacy_gate(session, ctx, entry, duplicate_resolution, now)
    reapproval = entry.activated_at is not None
    if reapproval:
        _check_may_return_to_screening(
            session, ctx, entry, "its review date passed while the amendment awaited approval: "
            "reject it and nominate the subject again")
    extra: dict[str, Any] = {"reviewed_by": ctx.principal.sub}
    if not reapproval:
        extra["activated_at"] = now
    if ctx.rules is not None:
        ctx.rules.check_entry(session, entry, now)
        extra.update(ctx.rules.approval_fields(session, ctx.principal, entry, now))
    elif not reapproval:
        extra["review_due"] = (
            review_due_for(entry, now) if review_due_for else now + timedelta(days=365)
        )
    return _transition(session, ctx, entry, to=Status.active, allowed_from={Status.pending_review},
                       action="entry.approve", reason=reason, extra=extra, audit=gate)


def _adequacy_gate(session: Session, ctx: Context, entry: Entry, resolution: str | None,
                   now: datetime) -> dict[str, Any]:
    """LB-adequacy-gate at approval: check for duplicates again on the list as it now stands
    (one delisted or merged meanwhile no longer counts), refuse while any stands without the
    reviewer's reason, record the outcome. Returns the audit details (counts only)."""
    from policies.adequacy import check_activation

    check = adequacy.checker_of(ctx.duplicates).check(session, entry)
    row = adequacy.record_check(session, entry, check, now)
    standing = len(check.duplicates)
    with policy_errors():
        check_activation(standing, resolution)
    if standing:
        row.resolution = resolution
        row.resolved_by = ctx.principal.sub
        row.resolved_at = now
    return {"adequacy_attested_as": row.attested_as, "possible_duplicates": standing,
            "duplicate_check_complete": check.complete,
            "duplicate_resolution_recorded": bool(standing)}


def reject(session: Session, ctx: Context, entry_id: str, reason: str, *,
           expected_version: int | None = None) -> Entry:
    """Refuse a nomination (the entry leaves the list for good) or an amendment of a listed
    entry (the entry returns to its last reviewed state: the listing itself was approved, only
    the change is refused). Neither the nominator nor an editor decides on their own work."""
    entry = _writable(session, ctx, entry_id, expected_version)
    _check_status(entry, {Status.pending_review}, "entry.reject")
    _require_second_reviewer(session, ctx, entry, "rejected")
    if entry.activated_at is not None:
        return _reject_amendment(session, ctx, entry, reason)
    return _transition(session, ctx, entry, to=Status.rejected,
                       allowed_from={Status.pending_review}, action="entry.reject",
                       reason=reason, extra={"reviewed_by": ctx.principal.sub})


# What an amendment can change, restored when it is rejected (sharing is administrative: it
# never needed the review, so it stays as it is).
_RESTORED_FIELDS = frozenset(EntryUpdate.model_fields) - {"reason", "shared_with"}


def _reject_amendment(session: Session, ctx: Context, entry: Entry, reason: str) -> Entry:
    """Put back the entry as it was when last reviewed (its version before the amendments)."""
    reviewed = repository.last_reviewed_version(session, entry.id)
    if reviewed is None:  # cannot happen for an entry that was activated: refuse, change nothing
        raise RuleViolation("the entry's last reviewed version is not on record")
    state = reviewed.snapshot
    fields = {key: state[key] for key in _RESTORED_FIELDS if key in state}
    if "birth_dates" in fields:  # shown with their precision, which is derived, not given
        fields["birth_dates"] = [{"date": item["date"], "date_to": item.get("date_to")}
                                 for item in fields["birth_dates"]]
    restored = EntryUpdate.model_validate({"reason": reason, **fields})
    changes = _stored_changes(restored)
    changed = sorted(key for key, value in changes.items() if getattr(entry, key) != value)
    for key in changed:
        setattr(entry, key, changes[key])
    previous = entry.status
    entry.status = state["status"]
    entry.status_reason = reason
    entry.reviewed_by = ctx.principal.sub
    entry.updated_by = ctx.principal.sub
    entry.updated_at = utcnow()
    session.flush()
    _write_version(session, entry, ctx, change="amendment_rejected", reason=reason,
                   changed_fields=[*changed, "status"])
    if IDENTITY_FIELDS.intersection(changed):  # LB-adequacy-gate: the restored identity's check
        adequacy.record_check(session, entry, adequacy.checker_of(ctx.duplicates).check(
            session, entry), entry.updated_at)
    record_event(session, ctx.principal, operation="alteration", action="entry.reject_amendment",
                 target_type="entry", target_id=entry.id, request_id=ctx.request_id,
                 purpose=reason,
                 details={"from": previous, "to": entry.status, "version": entry.version,
                          "restored_version": reviewed.version, "changed_fields": changed})
    feed.entry_changed(session, entry, "amendment_rejected")
    return entry


def suspend(session: Session, ctx: Context, entry_id: str, reason: str, *,
            expected_version: int | None = None) -> Entry:
    entry = _writable(session, ctx, entry_id, expected_version)
    return _transition(session, ctx, entry, to=Status.suspended, allowed_from={Status.active},
                       action="entry.suspend", reason=reason)


def reinstate(session: Session, ctx: Context, entry_id: str, reason: str, *,
              expected_version: int | None = None) -> Entry:
    """Return a suspended entry to screening: a second reviewer's decision, as approval is."""
    entry = _writable(session, ctx, entry_id, expected_version)
    _check_status(entry, {Status.suspended}, "entry.reinstate")
    _require_second_reviewer(session, ctx, entry, "reinstated")
    _check_may_return_to_screening(session, ctx, entry, "record a review decision first")
    return _transition(session, ctx, entry, to=Status.active, allowed_from={Status.suspended},
                       action="entry.reinstate", reason=reason)


def delist(session: Session, ctx: Context, entry_id: str, reason: str, *,
           expected_version: int | None = None) -> Entry:
    entry = _writable(session, ctx, entry_id, expected_version)
    return _transition(session, ctx, entry, to=Status.delisted,
                       allowed_from={Status.active, Status.suspended, Status.pending_review},
                       action="entry.delist", reason=reason)


_SIMPLE_FIELDS = (
    "birth_places", "decision_ref", "listing_standard", "articulable_facts", "contact_point",
    "best_interests_justification",
)
_ENUM_FIELDS = ("gender", "data_subject_category", "action_on_hit", "handling_code")
# Changes a second reviewer need not see again: whom a border officer calls, and which agencies
# may read the entry. Every other field is what the listing rests on or how it matches.
ADMINISTRATIVE_FIELDS = frozenset({"contact_point", "shared_with"})
# What the matching engine compares: a change to any of them checks for duplicates again.
IDENTITY_FIELDS = frozenset({"kind", "names", "birth_dates", "nationalities", "gender",
                             "documents"})
# Entries that are, or were until suspended, on screening: a substantive amendment takes them
# back to pending_review until a second reviewer approves it (LB-second-review).
_REVIEWED = frozenset({Status.active, Status.suspended})


def _stored_changes(data: EntryUpdate) -> dict[str, Any]:
    """The provided fields as stored columns (the schema refuses null where it means nothing)."""
    changes: dict[str, Any] = {}
    for field in data.model_fields_set - {"reason", "shared_with"}:
        value = getattr(data, field)
        if field == "names":
            changes["names"] = stored_names(value)
        elif field == "birth_dates":
            changes["birth_dates"] = stored_birth_dates(value)
        elif field == "nationalities":
            changes["nationalities"] = list(dict.fromkeys(value))
        elif field == "documents":
            changes["documents"] = [doc.model_dump(mode="json") for doc in value]
        elif field == "derogatory_items":
            changes["derogatory_items"] = [item.model_dump(mode="json") for item in value]
        elif field == "warning_flags":
            changes["warning_flags"] = [flag.value for flag in value]
        elif field == "legal_basis":
            changes["legal_basis_instrument"] = value.instrument
            changes["legal_basis_article"] = value.article
        elif field in _ENUM_FIELDS:
            changes[field] = value.value if value is not None else None
        elif field in _SIMPLE_FIELDS:
            changes[field] = value
    return changes


def _shares_wanted(entry: Entry, data: EntryUpdate) -> list[str] | None:
    """The new sharing list, or None when it is not provided or not different."""
    if "shared_with" not in data.model_fields_set or data.shared_with is None:
        return None
    wanted = [a for a in dict.fromkeys(data.shared_with) if a != entry.originating_agency]
    return wanted if sorted(wanted) != sorted(share.agency for share in entry.shares) else None


def update(session: Session, ctx: Context, entry_id: str, expected_version: int,
           data: EntryUpdate) -> Entry:
    """Amend an entry under optimistic concurrency: a stale version changes nothing (412).

    Only the originating agency amends (DQ-owner-accuracy). A substantive amendment of an entry
    on screening takes it back to ``pending_review``: it stops matching until a reviewer who is
    neither its nominator nor its editor approves it (LB-second-review), and the nomination
    rules (CH-minor, RD-no-moot) run on it again. An amendment that changes nothing writes no
    version: the answer is the entry as it is.
    """
    entry = _writable(session, ctx, entry_id, expected_version, lifecycle=False)
    if Status(entry.status) in (Status.delisted, Status.rejected, Status.expired):
        raise RuleViolation(f"an entry whose status is {entry.status} cannot be amended")
    changes = _stored_changes(data)
    _check_associate_action(changes.get("data_subject_category", entry.data_subject_category),
                            changes.get("action_on_hit", entry.action_on_hit))
    changed = sorted(key for key, value in changes.items() if getattr(entry, key) != value)
    shares = _shares_wanted(entry, data)
    if not changed and shares is None:
        # Nothing to record as an alteration, but the answer shows the entry: a consultation.
        record_event(session, ctx.principal, operation="consultation",
                     action="entry.update_unchanged", target_type="entry", target_id=entry.id,
                     request_id=ctx.request_id, purpose=data.reason,
                     details={"changed_fields": [], "version": entry.version})
        return entry
    for key in changed:
        setattr(entry, key, changes[key])
    if shares is not None:
        entry.shares = [EntryShare(agency=agency) for agency in shares]
        changed.append("shared_with")
    now = utcnow()
    previous = entry.status
    substantive = any(key not in ADMINISTRATIVE_FIELDS for key in changed)
    if substantive and Status(entry.status) in _REVIEWED:
        entry.status = Status.pending_review.value
        entry.status_reason = "amended: awaiting a second review"
        changed.append("status")
    entry.updated_by = ctx.principal.sub
    entry.updated_at = now
    # Every change is in place before the rules query the database, so their autoflush
    # writes the new version once.
    if substantive and ctx.rules is not None:
        ctx.rules.check_entry(session, entry, now)
    session.flush()
    _write_version(session, entry, ctx, change="updated", reason=data.reason,
                   changed_fields=changed)
    details: dict[str, Any] = {"changed_fields": changed, "version": entry.version}
    if IDENTITY_FIELDS.intersection(changed):
        # LB-adequacy-gate: who the entry is about changed, so what it duplicates may have.
        check = adequacy.checker_of(ctx.duplicates).check(session, entry)
        adequacy.record_check(session, entry, check, now)
        details.update({"possible_duplicates": len(check.duplicates),
                        "duplicate_check_complete": check.complete})
    if entry.status != previous:
        details.update({"from": previous, "to": entry.status})
    record_event(session, ctx.principal, operation="alteration", action="entry.update",
                 target_type="entry", target_id=entry.id, request_id=ctx.request_id,
                 purpose=data.reason, details=details)
    feed.entry_changed(session, entry, "updated")
    return entry


def read(session: Session, ctx: Context, entry_id: str) -> Entry:
    """Read one entry: a consultation, recorded with its stated purpose (LG-consult-fields)."""
    entry = repository.get_readable(session, ctx.principal, ctx.review_agency, entry_id)
    record_event(session, ctx.principal, operation="consultation", action="entry.read",
                 target_type="entry", target_id=entry.id, request_id=ctx.request_id,
                 purpose=ctx.purpose, details={"version": entry.version})
    return entry


def possible_duplicates(session: Session, ctx: Context, entry: Entry) -> list[dict[str, Any]]:
    """The duplicates the last check found that still stand, as the caller may see them:
    id, score and band of the entries their agency may see; of the others only that they
    exist (LB-adequacy-gate)."""
    from policies.adequacy import unresolved

    recorded = adequacy.stored_duplicates(session.get(EntryAdequacy, entry.id))
    standing = unresolved(recorded, adequacy.current_statuses(
        session, [d.entry_id for d in recorded]))
    visible = adequacy.visible_ids(session, ctx.principal, ctx.review_agency,
                                   [d.entry_id for d in standing])
    return adequacy.shown(standing, visible)


def adequacy_report(session: Session, ctx: Context, entry_id: str) -> dict[str, Any]:
    """What the reviewer decides on: the attestation, the possible duplicates on the list as it
    now stands, and the expected hit volume on recent screenings (counts only). A
    consultation: it reads the entry and, to count them, the held screening queries."""
    entry = repository.get_readable(session, ctx.principal, ctx.review_agency, entry_id)
    checker = adequacy.checker_of(ctx.duplicates)
    check = checker.check(session, entry)
    now = utcnow()
    impact = adequacy.simulate_impact(session, entry, now=now, threshold=checker.threshold)
    row = session.get(EntryAdequacy, entry.id)
    visible = adequacy.visible_ids(session, ctx.principal, ctx.review_agency,
                                   [d.entry_id for d in check.duplicates])
    record_event(session, ctx.principal, operation="consultation", action="entry.adequacy",
                 target_type="entry", target_id=entry.id, request_id=ctx.request_id,
                 purpose=ctx.purpose,
                 details={"version": entry.version, "possible_duplicates": len(check.duplicates),
                          "duplicate_check_complete": check.complete,
                          "impact_queries_examined": impact["queries_examined"],
                          "impact_would_hit": impact["would_hit"],
                          "impact_complete": impact["complete"]})
    attestation = None
    if row is not None:
        attestation = {"attested_as": row.attested_as, "attested_by": row.attested_by,
                       "attested_at": row.attested_at, "note": row.attestation_note}
    return {
        "entry_id": entry.id,
        "attestation": attestation,
        "duplicate_check": {
            "checked_at": now, "complete": check.complete,
            "possible_duplicates": adequacy.shown(check.duplicates, visible),
            "resolution_recorded": bool(row is not None and row.resolution),
        },
        "impact": impact,
    }


def history(session: Session, ctx: Context, entry_id: str) -> list[EntryVersion]:
    entry = repository.get_readable(session, ctx.principal, ctx.review_agency, entry_id)
    found = repository.versions(session, entry.id)
    record_event(session, ctx.principal, operation="consultation", action="entry.history",
                 target_type="entry", target_id=entry.id, request_id=ctx.request_id,
                 purpose=ctx.purpose, details={"versions": len(found)})
    return found


def list_entries(session: Session, ctx: Context, *, filters: dict[str, Any], cursor: str | None,
                 limit: int) -> tuple[list[Entry], str | None]:
    statement = repository.readable(ctx.principal, ctx.review_agency)
    for column in ("status", "data_subject_category", "kind", "originating_agency"):
        if filters.get(column) is not None:
            statement = statement.where(getattr(Entry, column) == filters[column])
    if filters.get("updated_since") is not None:
        statement = statement.where(Entry.updated_at >= filters["updated_since"])
    if cursor:
        created_at, entry_id = decode_cursor(cursor)
        statement = statement.where(
            or_(
                Entry.created_at > created_at,
                and_(Entry.created_at == created_at, Entry.id > entry_id),
            )
        )
    rows = list(
        session.execute(statement.order_by(Entry.created_at, Entry.id).limit(limit + 1)).scalars()
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id)
    record_event(session, ctx.principal, operation="consultation", action="entry.list",
                 target_type="entry", request_id=ctx.request_id, purpose=ctx.purpose,
                 details={"entry_ids": [row.id for row in rows],
                          "filters": {k: str(v) for k, v in filters.items() if v is not None}})
    return rows, next_cursor


def etag(entry: Entry) -> str:
    return f'"{entry.version}"'


def parse_if_match(value: str | None) -> int:
    from service.errors import PreconditionRequired

    if value is None:
        raise PreconditionRequired(
            "If-Match is required: send the ETag of the version you read, so that you never "
            "overwrite or decide on a version changed since"
        )
    raw = value.strip()
    if raw.startswith("W/"):
        raw = raw[2:]
    raw = raw.strip('"')
    if not raw.isdigit() or len(raw) > 9:
        raise PreconditionFailed("If-Match must be the entry's ETag, e.g. \"3\"")
    return int(raw)


def ensure_aware(value: datetime | None) -> datetime | None:
    from datetime import UTC

    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
