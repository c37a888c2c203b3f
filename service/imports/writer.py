"""Writing imported records as entries: create, update (versioned), leave unchanged, delist.

Every importer (UN XML, FollowTheMoney, CSV) feeds ``(source_ref, EntryCreate | error)`` pairs
into ``run_import``. A record is compared with what the last import of the same source made of it
through a content digest, so re-importing an edition touches nothing that did not change.

Writes go in batches inside a savepoint; if the database refuses a batch, it is replayed record
by record, each in its own savepoint, so one bad record is rejected with its reason and never
leaves a half-written entry or aborts the import. Every created, changed or delisted entry gets
an entry version and one audit event (collection or alteration) naming the run and edition.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from policies import PolicyError, is_minor, parse_birth_date
from service.auth.principal import SystemActor
from service.db.base import utcnow
from service.entries import feed
from service.entries.convert import snapshot, stored_birth_dates, stored_names
from service.entries.schemas import DataSubjectCategory, EntryCreate
from service.entries.service import ASSOCIATE_ACTIONS
from service.errors import ServiceError
from service.imports import audit_batch, bulk
from service.models.entry import Entry, EntryVersion
from service.models.oversight import ImportRecord, ImportRun
from service.models.policy import EntryPolicy
from service.oversight.lookup import model
from service.policy.activation import Activation, activation
from service.policy.state import policy_state

MAX_REJECTIONS_KEPT = 1000
MINOR_WAITS = "an entry on a minor waits for a senior reviewer's approval (CH-minor)"


@dataclass
class ImportOptions:
    source: str
    edition: str
    actor: SystemActor
    activate: bool  # binding source: active at once; otherwise pending_review
    full_list: bool = False  # the file is the whole list: references missing from it are delisted
    batch_size: int = 500
    file_sha256: str | None = None
    activation_note: str = ""
    # service.policy EntryRules: the pack's activation clock and the RD-no-moot guard. Required
    # when ``activate`` is set: an auto-activated entry follows the same rules as an approval.
    rules: Any = None


@dataclass
class ImportSummary:
    run_id: str
    source: str
    edition: str
    created: int = 0
    updated: int = 0
    delisted: int = 0
    unchanged: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)
    rejected_count: int = 0
    warnings: dict[str, int] = field(default_factory=dict)
    created_refs: list[str] = field(default_factory=list)
    updated_refs: list[str] = field(default_factory=list)
    delisted_refs: list[str] = field(default_factory=list)

    def reject(self, ref: str | None, reason: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_REJECTIONS_KEPT:
            self.rejected.append({"ref": ref or "(no reference)", "reason": reason[:500]})

    def as_dict(self, *, with_refs: bool = False) -> dict[str, Any]:
        out = {
            "run_id": self.run_id,
            "source": self.source,
            "edition": self.edition,
            "created": self.created,
            "updated": self.updated,
            "delisted": self.delisted,
            "unchanged": self.unchanged,
            "rejected": self.rejected_count,
            "rejections": self.rejected,
            "warnings": self.warnings,
        }
        if with_refs:
            out |= {
                "created_refs": self.created_refs,
                "updated_refs": self.updated_refs,
                "delisted_refs": self.delisted_refs,
            }
        return out


# LB-adequacy-gate. An imported record comes from an official list (a UN Security Council
# committee, a sanctions authority, a partner's export): the body that listed the person decided
# that the information is adequate, accurate and important enough, and the import cannot
# re-examine that for each of thousands of records. So every importer attests on behalf of its
# source (``SOURCE_ATTESTS``), and the entries get no attestation row here. An imported entry
# that awaits review is checked for duplicates at approval like any other (its row then says
# ``attested_as: source``); one that a binding source activates is not: the source's own list
# already decided it, and the import's content digests keep its records from duplicating
# themselves.
SOURCE_ATTESTS = {"adequacy_attested": True}


def rejection_reason(error: Exception) -> str:
    """Field paths and messages only: the rejected input may be personal data."""
    if isinstance(error, ValidationError):
        return "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors(include_input=False, include_url=False)
        )
    return str(error)


def content_digest(data: EntryCreate) -> str:
    return prepare(data)[0]


def columns_digest(columns: dict[str, Any]) -> str:
    material = json.dumps(columns, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(material.encode()).hexdigest()


class RecordRuleViolation(ValueError):
    """A record that is well-formed but breaks a nomination rule (named in the message)."""


def check_record_rules(data: EntryCreate) -> None:
    """The rules ``nominate`` applies beyond the schema, for records without a nominator.

    LB-association: contacts and associates carry only low-intrusion action codes. CH-minor: an
    entry on a minor carries a best-interests justification. (RD-no-moot needs the database and
    is checked by the writer.)
    """
    if (
        data.data_subject_category == DataSubjectCategory.OTHER_PARTY
        and data.action_on_hit not in ASSOCIATE_ACTIONS
    ):
        raise RecordRuleViolation(
            "action_on_hit: contacts and associates (OTHER_PARTY) may only carry the action "
            "codes " + ", ".join(sorted(a.value for a in ASSOCIATE_ACTIONS)) + " (LB-association)"
        )
    if not (data.best_interests_justification or "").strip():
        dates = []
        for item in data.birth_dates:
            for value in (item.date, item.date_to):
                if value:
                    try:
                        dates.append(parse_birth_date(value))
                    except PolicyError:
                        continue  # validated by the schema already; cannot make a minor
        if is_minor(dates, utcnow()):
            raise RecordRuleViolation(
                "best_interests_justification is required: the subject may be a minor (CH-minor)"
            )


def prepare(data: EntryCreate) -> tuple[str, dict[str, Any]]:
    """(content digest, stored columns) of a validated record. Pure: runs in worker processes."""
    check_record_rules(data)
    columns = entry_columns(data)
    return columns_digest(columns), columns


class Prepared(tuple):
    """A record already validated and converted by ``prepare`` (digest, columns)."""

    __slots__ = ()


def entry_columns(data: EntryCreate) -> dict[str, Any]:
    """The stored columns of a nomination, exactly as ``service.entries.service.nominate``."""
    return {
        "kind": data.kind.value,
        "names": stored_names(data.names),
        "birth_dates": stored_birth_dates(data.birth_dates),
        "birth_places": list(data.birth_places),
        "gender": data.gender.value if data.gender else None,
        "nationalities": list(dict.fromkeys(data.nationalities)),
        "documents": [doc.model_dump(mode="json") for doc in data.documents],
        "legal_basis_instrument": data.legal_basis.instrument,
        "legal_basis_article": data.legal_basis.article,
        "decision_ref": data.decision_ref,
        "listing_standard": data.listing_standard,
        "articulable_facts": data.articulable_facts,
        "data_subject_category": data.data_subject_category.value,
        "derogatory_items": [item.model_dump(mode="json") for item in data.derogatory_items],
        "originating_agency": data.originating_agency,
        "action_on_hit": data.action_on_hit.value,
        "handling_code": data.handling_code.value,
        "contact_point": data.contact_point or f"duty desk of {data.originating_agency}",
        "warning_flags": [flag.value for flag in data.warning_flags],
        "best_interests_justification": data.best_interests_justification,
        "source": data.source,
        "source_ref": data.source_ref,
    }


Item = tuple[str | None, "EntryCreate | Prepared | Exception"]


class _Importer:
    def __init__(self, session: Session, options: ImportOptions) -> None:
        self.session = session
        self.options = options
        self.now = utcnow()
        self.run = ImportRun(
            id=str(uuid.uuid4()),
            source=options.source,
            edition=options.edition,
            file_sha256=options.file_sha256,
            started_at=self.now,
            actor_sub=options.actor.sub,
            summary={},
        )
        session.add(self.run)
        self.summary = ImportSummary(self.run.id, options.source, options.edition)
        self.relisting = options.rules if _any_redress_delisting(session, options.rules) else None
        self.records: dict[str, ImportRecord] = {
            record.source_ref: record
            for record in session.execute(
                select(ImportRecord).where(ImportRecord.source == options.source)
            ).scalars()
        }

    # -- one batch -------------------------------------------------------------------------
    def apply(self, batch: list[tuple[str, Prepared]]) -> list[tuple[str, str]]:
        """Write a batch; returns (ref, outcome) pairs. Caller wraps it in a savepoint."""
        session, opts = self.session, self.options
        existing_ids = [self.records[ref].entry_id for ref, _ in batch if ref in self.records]
        loaded = (
            {
                e.id: e
                for e in session.execute(select(Entry).where(Entry.id.in_(existing_ids))).scalars()
            }
            if existing_ids
            else {}
        )
        changed: list[tuple[str, Entry, str, list[str], str]] = []
        outcomes: list[tuple[str, str]] = []
        creations: list[tuple[str, str, dict[str, Any]]] = []
        for ref, (digest, columns) in batch:
            record = self.records.get(ref)
            if record is not None and record.content_digest == digest and record.removed_at is None:
                outcomes.append((ref, "unchanged"))
                continue
            if record is None or record.entry_id not in loaded:
                refused = self._relisting_refused(columns)
                if refused:
                    outcomes.append((ref, f"rejected:{refused}"))
                    continue
                if record is not None:  # the entry it made was erased since: start afresh
                    session.delete(record)
                creations.append((ref, digest, columns))
                outcomes.append((ref, "created"))
                continue
            entry = loaded[record.entry_id]
            fields = sorted(k for k, v in columns.items() if getattr(entry, k) != v)
            for key in fields:
                setattr(entry, key, columns[key])
            change = "imported-update"
            if record.removed_at is not None:  # back on the list after a removal
                change = "imported-relisted"
                fields += self._relist(entry, columns)
                record.removed_at, record.removal_note = None, None
            entry.updated_by, entry.updated_at = opts.actor.sub, self.now
            record.content_digest, record.last_run_id = digest, self.run.id
            record.last_edition = opts.edition
            changed.append((ref, entry, change, fields, "updated"))
            outcomes.append((ref, "updated"))
        session.flush()
        self._history(changed)
        self._create(creations)
        session.flush()
        return outcomes

    def _relist(self, entry: Entry, columns: dict[str, Any]) -> list[str]:
        """Listed again at the source: a new listing decision, so a binding source starts a new
        clock from the pack (as an approval would); otherwise the entry waits for review."""
        opts = self.options
        entry.status_reason = f"listed again in {opts.source} edition {opts.edition}"
        clock = self._activation(columns)
        if clock is None:
            entry.status = "pending_review"
            if opts.activate:
                entry.status_reason += f"; {MINOR_WAITS}"
            return ["status"]
        entry.status, entry.activated_at = "active", clock.activated_at
        entry.review_due, entry.expires_at = clock.review_due, clock.expires_at
        state = policy_state(self.session, entry.id, self.now)
        state.pack_id, state.pack_version = clock.decided_by.id, clock.decided_by.version
        state.is_minor, state.minor_checked_at, state.updated_at = False, self.now, self.now
        state.extension_count, state.lapsed_at = 0, None
        return ["status", "activated_at", "review_due", "expires_at"]

    def _relisting_refused(self, columns: dict[str, Any]) -> str | None:
        """RD-no-moot: a person delisted through redress is not listed again on the same facts."""
        if self.relisting is None:
            return None
        try:
            self.relisting.check_relisting(
                self.session,
                columns["names"],
                columns["birth_dates"],
                columns["articulable_facts"],
                columns["derogatory_items"],
            )
        except ServiceError as error:
            return f"{error.message} (RD-no-moot)"
        return None

    def _create(self, creations: list[tuple[str, str, dict[str, Any]]]) -> None:
        """New entries through the bulk path, with version, import record, audit and feed."""
        if not creations:
            return
        opts, now = self.options, self.now
        entries, versions, records, events, changes, policies = [], [], [], [], [], []
        reason = f"imported from {opts.source} edition {opts.edition}"
        for ref, digest, columns in creations:
            row, clock = self._new_row(columns)
            entries.append(row)
            if clock is not None:
                policies.append(clock.policy_row(row["id"]))
            versions.append(
                {
                    "entry_id": row["id"],
                    "version": 1,
                    "snapshot": bulk.snapshot_from_row(row),
                    "changed_fields": bulk.ENTRY_FIELDS,
                    "change": "imported",
                    "reason": reason,
                    "actor_sub": opts.actor.sub,
                    "actor_agency": opts.actor.agency,
                    "created_at": now,
                }
            )
            records.append(
                {
                    "source": opts.source,
                    "source_ref": ref,
                    "entry_id": row["id"],
                    "content_digest": digest,
                    "last_run_id": self.run.id,
                    "last_edition": opts.edition,
                    "removed_at": None,
                    "removal_note": None,
                }
            )
            events.append(
                {
                    "operation": "collection",
                    "action": "entry.import_create",
                    "target_type": "entry",
                    "target_id": row["id"],
                    "purpose": reason,
                    "details": {
                        "run_id": self.run.id,
                        "source": opts.source,
                        "source_ref": ref,
                        "edition": opts.edition,
                        "change": "imported",
                        "version": 1,
                        "status": row["status"],
                        "changed_fields": [],
                        **_clock_details(clock),
                    },
                }
            )
            changes.append({"entry_id": row["id"], "change": "imported", "at": now})
        audit_batches = audit_batch.chain_rows(self.session, opts.actor, events)
        feed_model = model("EntryChange")
        bulk.insert_all(
            self.session,
            [
                (Entry.__table__, entries),
                (EntryVersion.__table__, versions),
                (ImportRecord.__table__, records),
                (EntryPolicy.__table__, policies),
                *audit_batches,
                *([(feed_model.__table__, changes)] if feed_model is not None else []),
            ],
        )
        moved = getattr(feed, "FEED_MOVED", None)
        if moved:  # as feed.entry_changed does: this process's index picks the rows up at once
            self.session.info[moved] = True
        if feed_model is None:  # no change feed table: let the feed hook decide
            for row in entries:
                feed.entry_changed(self.session, SimpleNamespace(id=row["id"]), "imported")

    def _new_row(self, columns: dict[str, Any]) -> tuple[dict[str, Any], Activation | None]:
        """A new entry row; for a binding source, active with the pack's activation clock."""
        opts, now = self.options, self.now
        row = {
            "id": str(uuid.uuid4()),
            **columns,
            "status": "pending_review",
            "version": 1,
            "nominating_officer": opts.actor.sub,
            "listed_at": now,
            "activated_at": None,
            "review_due": None,
            "expires_at": None,
            "reviewed_by": None,
            "status_reason": None,
            "created_by": opts.actor.sub,
            "created_at": now,
            "updated_by": opts.actor.sub,
            "updated_at": now,
        }
        clock = self._activation(columns)
        if clock is None:
            if opts.activate:
                row["status_reason"] = MINOR_WAITS
            return row, None
        row |= {
            "status": "active",
            "activated_at": now,
            "review_due": clock.review_due,
            "expires_at": clock.expires_at,
            "reviewed_by": f"policy:{opts.activation_note or 'binding source'}"[:200],
            "status_reason": f"binding source {opts.source}: activated on import",
        }
        return row, clock

    def _activation(self, columns: dict[str, Any]) -> Activation | None:
        """The approval clock for a record of a binding source; None when it is not activated:
        not binding, or a minor's entry, which needs a senior reviewer's approval (CH-minor)."""
        if not self.options.activate:
            return None
        clock = activation(
            self.options.rules.pack,
            category=columns["data_subject_category"],
            action_on_hit=columns["action_on_hit"],
            birth_dates=columns["birth_dates"],
            now=self.now,
        )
        return None if clock.is_minor else clock

    def _history(self, changed: list[tuple[str, Entry, str, list[str], str]]) -> None:
        """Entry versions, audit events and change-feed rows for everything written."""
        opts = self.options
        events = []
        for ref, entry, change, fields, kind in changed:
            reason = {
                "imported": f"imported from {opts.source} edition {opts.edition}",
                "imported-update": f"changed at the source: {opts.source} edition {opts.edition}",
                "imported-relisted": f"listed again in {opts.source} edition {opts.edition}",
                "imported-removal": f"removed from {opts.source} in edition {opts.edition}",
            }[change]
            self.session.add(
                EntryVersion(
                    entry_id=entry.id,
                    version=entry.version,
                    snapshot=snapshot(entry),
                    changed_fields=fields,
                    change=change,
                    reason=reason,
                    actor_sub=opts.actor.sub,
                    actor_agency=opts.actor.agency,
                    created_at=self.now,
                )
            )
            events.append(
                {
                    "operation": "collection" if kind == "created" else "alteration",
                    "action": {
                        "created": "entry.import_create",
                        "updated": "entry.import_update",
                        "delisted": "entry.import_delist",
                    }[kind],
                    "target_type": "entry",
                    "target_id": entry.id,
                    "purpose": reason,
                    "details": {
                        "run_id": self.run.id,
                        "source": opts.source,
                        "source_ref": ref,
                        "edition": opts.edition,
                        "change": change,
                        "version": entry.version,
                        "status": entry.status,
                        "changed_fields": fields if kind != "created" else [],
                    },
                }
            )
            feed.entry_changed(self.session, entry, change)
        audit_batch.record_events(self.session, opts.actor, events)

    # -- removal ---------------------------------------------------------------------------
    def delist_missing(self, present: set[str], note: str) -> None:
        missing = [
            r for ref, r in self.records.items() if ref not in present and r.removed_at is None
        ]
        for start in range(0, len(missing), self.options.batch_size):
            chunk = missing[start : start + self.options.batch_size]
            entries = {
                e.id: e
                for e in self.session.execute(
                    select(Entry).where(Entry.id.in_([r.entry_id for r in chunk]))
                ).scalars()
            }
            changed = []
            for record in chunk:
                record.removed_at, record.removal_note = self.now, note
                record.last_run_id, record.last_edition = self.run.id, self.options.edition
                entry = entries.get(record.entry_id)
                if entry is None or entry.status in ("delisted", "rejected"):
                    continue
                entry.status, entry.status_reason = "delisted", note
                entry.updated_by, entry.updated_at = self.options.actor.sub, self.now
                changed.append(
                    (record.source_ref, entry, "imported-removal", ["status"], "delisted")
                )
                self.summary.delisted += 1
                self.summary.delisted_refs.append(record.source_ref)
            self.session.flush()
            self._history(changed)
            self.session.flush()


def _clock_details(clock: Activation | None) -> dict[str, Any]:
    """What the audit event of an auto-activated entry records: its clock and the pack."""
    if clock is None:
        return {}
    return {
        "review_due": clock.review_due.isoformat(),
        "expires_at": clock.expires_at.isoformat(),
        "policy_pack": str(clock.decided_by),
    }


def _any_redress_delisting(session: Session, rules: Any) -> bool:
    """Whether RD-no-moot can refuse anything (skips a query per record when it cannot)."""
    delisting = model("RedressDelistingRecord")
    if rules is None or delisting is None or not hasattr(rules, "check_relisting"):
        return False
    return session.execute(select(delisting.id).limit(1)).first() is not None


def run_import(
    session: Session,
    options: ImportOptions,
    items: Iterable[Item],
    *,
    progress: Callable[[int], None] | None = None,
    warnings: dict[str, int] | None = None,
) -> ImportSummary:
    """Import ``items`` in the caller's transaction (the caller commits once at the end)."""
    importer = _Importer(session, options)
    summary = importer.summary
    seen: set[str] = set()
    batch: list[tuple[str, Prepared]] = []

    def flush_batch() -> None:
        if not batch:
            return
        try:
            with session.begin_nested():
                outcomes = importer.apply(batch)
        except (DBAPIError, IntegrityError, ValueError):
            outcomes = []
            for ref, data in batch:  # replay one by one to find the record the database refuses
                try:
                    with session.begin_nested():
                        outcomes += importer.apply([(ref, data)])
                except (DBAPIError, IntegrityError, ValueError) as error:
                    summary.reject(ref, f"refused by the database ({type(error).__name__})")
        for ref, outcome in outcomes:
            if outcome == "created":
                summary.created += 1
                summary.created_refs.append(ref)
            elif outcome.startswith("rejected:"):
                summary.reject(ref, outcome.removeprefix("rejected:"))
            elif outcome == "updated":
                summary.updated += 1
                summary.updated_refs.append(ref)
            else:
                summary.unchanged += 1
        if progress:
            progress(len(batch))
        batch.clear()

    for ref, data in items:
        if isinstance(data, Exception):
            summary.reject(ref, rejection_reason(data))
            if progress:
                progress(1)
            continue
        if not ref:
            summary.reject(None, "the record has no reference (source_ref)")
            continue
        if ref in seen:
            summary.reject(ref, "the reference occurs more than once in this file")
            continue
        if not isinstance(data, Prepared):
            try:
                data = Prepared(prepare(data))
            except ValueError as error:
                summary.reject(ref, rejection_reason(error))
                continue
        seen.add(ref)
        batch.append((ref, data))
        if len(batch) >= options.batch_size:
            flush_batch()
    flush_batch()
    if options.full_list:
        # A record rejected in this edition is not "removed at the source": keep its entry.
        present = seen | {r["ref"] for r in summary.rejected}
        importer.delist_missing(
            present, f"removed from {options.source} (no longer in edition {options.edition})"
        )
    summary.warnings.update(warnings or {})
    importer.run.finished_at = utcnow()
    importer.run.summary = summary.as_dict()
    session.flush()
    return summary
