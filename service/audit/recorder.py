"""Appending events to the audit trail, in the caller's transaction.

A free-text ``purpose`` is stored apart (``audit_texts``) and chained through its salted
digest, so that erasing an entry can erase the reasons recorded about it (RV-erasure-log).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, Literal

from sqlalchemy import Select, insert, select, update
from sqlalchemy.orm import Session

from service.audit.chain import (
    GENESIS_HASH,
    ChainReport,
    canonical_time,
    event_hash,
    purpose_digest,
    verify_chain,
)
from service.audit.cuts import cut_problem, names_cut
from service.auth.principal import Principal, SystemActor
from service.db.base import utcnow
from service.models.audit import AuditEvent, AuditHead, AuditText

#: The purpose and policy pack the current request is processed under (``purpose_code``,
#: ``policy_pack``), set by the route's purpose declaration once the pack allows it
#: (service.policy.purposes, GV-purpose-config). Events recorded for the request carry them.
PROCESSED_UNDER: ContextVar[dict[str, str] | None] = ContextVar("processed_under", default=None)


def processed_under(details: dict[str, Any] | None) -> dict[str, Any]:
    """``details`` with the purpose and pack of the current request, when it declares one (the
    event's own keys win)."""
    under = PROCESSED_UNDER.get()
    if under is None:
        return details or {}
    return {**under, **(details or {})}


Operation = Literal[
    "collection", "alteration", "consultation", "disclosure", "combination", "erasure"
]


def record_event(
    session: Session,
    actor: Principal | SystemActor,
    *,
    operation: Operation,
    action: str,
    target_type: str | None = None,
    target_id: str | None = None,
    purpose: str | None = None,
    request_id: str | None = None,
    outcome: str = "success",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event, chained to the previous one.

    Bumping the head row first takes its row lock (PostgreSQL) or the write lock (SQLite), so
    concurrent writers queue here and each one chains onto the event committed before it.
    ``details`` must hold metadata only (ids, counts, codes), never personal data; ``purpose``
    may be free text: it is kept erasable in ``audit_texts`` (keyed by ``target_id``).
    """
    seq, prev_hash = session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash)
    ).one()
    event = AuditEvent(
        seq=seq,
        occurred_at=utcnow(),
        actor_sub=actor.sub,
        actor_agency=actor.agency,
        actor_role=actor.role,
        operation=operation,
        action=action,
        target_type=target_type,
        target_id=target_id,
        purpose=None,
        request_id=request_id,
        outcome=outcome,
        details=processed_under(details),
        prev_hash=prev_hash,
    )
    salt = secrets.token_hex(16)
    if purpose is not None:
        event.purpose_digest = purpose_digest(salt, purpose)
    event.hash = event_hash(event_as_dict(event))
    session.add(event)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=event.hash))
    session.flush([event])
    if purpose is not None:
        session.execute(
            insert(AuditText).values(seq=seq, target_id=target_id, salt=salt, purpose=purpose)
        )
    return event


def chain_events(
    session: Session, events: list[tuple[Principal | SystemActor, dict[str, Any]]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Reserve sequence numbers for ``events`` and chain them exactly as ``record_event`` chains
    each one, with one head update for all: returns the event rows and their purpose texts, not
    yet inserted (a caller may insert them with other tables' rows). Each item is an actor and
    the keyword arguments ``record_event`` takes."""
    if not events:
        return [], []
    last_seq, prev_hash = session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + len(events))
        .returning(AuditHead.seq, AuditHead.hash)
    ).one()
    seq = last_seq - len(events)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    texts: list[dict[str, Any]] = []
    for actor, spec in events:
        seq += 1
        purpose = spec.get("purpose")
        row = {
            "seq": seq, "occurred_at": now, "actor_sub": actor.sub,
            "actor_agency": actor.agency, "actor_role": actor.role,
            "operation": spec["operation"], "action": spec["action"],
            "target_type": spec.get("target_type"), "target_id": spec.get("target_id"),
            "purpose": None, "request_id": spec.get("request_id"),
            "outcome": spec.get("outcome", "success"),
            "details": processed_under(spec.get("details")),
            "prev_hash": prev_hash, "purpose_digest": None,
        }
        if purpose is not None:
            salt = secrets.token_hex(16)
            row["purpose_digest"] = purpose_digest(salt, purpose)
            texts.append({"seq": seq, "target_id": row["target_id"], "salt": salt,
                          "purpose": purpose})
        row["hash"] = prev_hash = event_hash(row)
        rows.append(row)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=prev_hash))
    return rows, texts


def record_events(
    session: Session, events: list[tuple[Principal | SystemActor, dict[str, Any]]]
) -> int:
    """Append many events in order (``chain_events``), with one insert per table instead of
    three round trips per event (the screening group commit writes one event per traveller).
    Returns how many were appended."""
    rows, texts = chain_events(session, events)
    if rows:
        session.execute(insert(AuditEvent), rows)
    if texts:
        session.execute(insert(AuditText), texts)
    return len(rows)


def event_as_dict(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at,
        "actor_sub": event.actor_sub,
        "actor_agency": event.actor_agency,
        "actor_role": event.actor_role,
        "operation": event.operation,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "purpose": event.purpose,
        "request_id": event.request_id,
        "outcome": event.outcome,
        "details": event.details,
        "prev_hash": event.prev_hash,
        "purpose_digest": event.purpose_digest,
        "hash": event.hash,
    }


def with_texts(statement: Select[Any]) -> Select[Any]:
    """``statement`` over audit events, each row also carrying its text (None if erased)."""
    return statement.outerjoin(AuditText, AuditText.seq == AuditEvent.seq).add_columns(AuditText)


def readable_event(event: AuditEvent, text: AuditText | None) -> dict[str, Any]:
    """An event as oversight reads it: ``purpose`` is the text while it exists, with the salt
    that lets anyone check it against the chained ``purpose_digest``."""
    row = event_as_dict(event)
    row["purpose_salt"] = None
    row["purpose_erased"] = False
    if event.purpose_digest is not None:
        row["purpose"] = text.purpose if text is not None else None
        row["purpose_salt"] = text.salt if text is not None else None
        row["purpose_erased"] = text is None
    return row


def text_problem(event: AuditEvent, text: AuditText | None) -> str | None:
    """Why a stored text does not belong to its event's digest (None when it does)."""
    if text is None:
        return None
    if event.purpose_digest != purpose_digest(text.salt, text.purpose):
        return f"the purpose text of event {event.seq} does not match its digest (altered)"
    return None


def cut_as_dict(cut: Any) -> dict[str, Any]:
    """A stored retention cut (``AuditCheckpoint``) in the form that is signed and exported."""
    return {
        "cut_seq": cut.cut_seq,
        "cut_hash": cut.cut_hash,
        "cutoff": canonical_time(cut.cutoff),
        "purged_events": cut.purged_events,
        "created_at": canonical_time(cut.created_at),
        "key_id": cut.key_id,
        "signature": cut.signature,
    }


def latest_cut(session: Session) -> Any:
    """The highest retention cut (``AuditCheckpoint``), or None before the first purge."""
    from service.models.policy import AuditCheckpoint

    return session.execute(
        select(AuditCheckpoint).order_by(AuditCheckpoint.cut_seq.desc()).limit(1)
    ).scalar_one_or_none()


def verify_stored_chain(
    session: Session, *, public_key: Any | None = None, batch_size: int = 2000
) -> ChainReport:
    """Recompute the whole stored chain and check that it ends at the recorded head.

    After a retention purge (LG-retention) the chain starts at the latest retention cut, which
    must be signed with the service key (``public_key`` checks it), be followed by the first
    kept event, and be named by a chained ``audit.purge`` event; otherwise the missing events
    were deleted, not purged (see ``service.audit.cuts`` for what this can and cannot catch).
    """
    head = session.get(AuditHead, 1)
    stored_cut = latest_cut(session)
    cut = cut_as_dict(stored_cut) if stored_cut is not None else None
    if cut is not None:
        problem = cut_problem(cut, public_key)
        if problem:
            return ChainReport(False, 0, None, None, None, cut["cut_seq"], problem)
    start_seq = cut["cut_seq"] + 1 if cut else 1
    start_prev = cut["cut_hash"] if cut else GENESIS_HASH
    first = session.execute(
        select(AuditEvent).where(AuditEvent.seq >= start_seq).order_by(AuditEvent.seq).limit(1)
    ).scalar_one_or_none()
    if first is not None and first.seq != start_seq:
        return ChainReport(False, 0, first.seq, None, None, start_seq,
                           f"events before seq {first.seq} are missing"
                           + (" (after the retention cut)" if cut else ""))
    purge_seen = cut is None
    altered_text: tuple[int, str] | None = None

    def stream() -> Iterator[dict[str, Any]]:
        nonlocal purge_seen, altered_text
        for event, text in session.execute(
            with_texts(select(AuditEvent).where(AuditEvent.seq >= start_seq))
            .order_by(AuditEvent.seq)
            .execution_options(yield_per=batch_size)
        ):
            row = event_as_dict(event)
            purge_seen = purge_seen or names_cut(row, cut)  # type: ignore[arg-type]
            problem = text_problem(event, text)
            if problem and altered_text is None:
                altered_text = (event.seq, problem)
            yield row

    report = verify_chain(stream(), start_prev_hash=start_prev, start_seq=start_seq)
    if report.ok and altered_text is not None:
        return ChainReport(False, report.events_checked, report.first_seq, report.last_seq,
                           report.head_hash, altered_text[0], altered_text[1])
    if report.ok and not purge_seen:
        return ChainReport(False, report.events_checked, report.first_seq, report.last_seq,
                           report.head_hash, start_seq,
                           f"no chained audit.purge event names the retention cut at seq "
                           f"{start_seq - 1}: the events before it were deleted, not purged")
    last_seq = report.last_seq if report.last_seq is not None else start_seq - 1
    if report.ok and head is not None and (head.seq != last_seq or head.hash != report.head_hash):
        return ChainReport(False, report.events_checked, report.first_seq, report.last_seq,
                           report.head_hash, head.seq,
                           "the chain does not end at the recorded head (events removed)")
    return report
