"""What the subject access report adds beyond the entry itself: the subject's own dispute
statement (RD-disputed), the periodic review decisions (RV-extension-record) and the human
decisions on screening hits against the entry (MT-human-in-loop).

Read through ``service.oversight.lookup`` by model name, so a feature that is not installed
gives an empty section instead of an error. Officials are named by agency only, as in the rest
of the report; hit decisions carry no reasons (they describe the traveller, who may be someone
else) and no traveller data.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from service.oversight.lookup import model


def _rows(session: Session, statement: Any) -> list[Any]:
    try:
        with session.begin_nested():
            return list(session.execute(statement).all())
    except DBAPIError:
        return []


def _day(value: Any) -> str | None:
    return value.date().isoformat() if value is not None else None


def dispute_statement(session: Session, entry_id: str) -> dict[str, Any] | None:
    """The subject's supplementary statement, if the entry is disputed."""
    policy = model("EntryPolicy")
    if policy is None:
        return None
    rows = _rows(
        session,
        select(policy.subject_statement, policy.disputed_at).where(
            policy.entry_id == entry_id, policy.disputed.is_(True)
        ),
    )
    if not rows:
        return None
    statement, since = rows[0]
    return {"statement": statement, "since": _day(since)}


def review_decisions(session: Session, entry_id: str, *, restricted: bool) -> list[list[Any]]:
    """Date, outcome, reviewing agency, next review and reasons (withheld under restriction)."""
    decision = model("ReviewDecisionRecord")
    if decision is None:
        return []
    rows = _rows(
        session,
        select(
            decision.decided_at,
            decision.outcome,
            decision.reviewer_agency,
            decision.new_review_due,
            decision.reasons,
            decision.necessity,
        )
        .where(decision.entry_id == entry_id)
        .order_by(decision.decided_at),
    )
    return [
        [_day(at), outcome, agency, _day(due), "(withheld)" if restricted else (reasons or need)]
        for at, outcome, agency, due, reasons, need in rows
    ]


def adjudicated_hits(session: Session, entry_id: str) -> list[list[Any]]:
    """Each human decision on a hit against the entry: date, decision, agency, match score."""
    decision, hit = model("HitDecision"), model("ScreeningHit")
    if decision is None or hit is None:
        return []
    rows = _rows(
        session,
        select(
            decision.decided_at,
            decision.decision,
            decision.decided_agency,
            hit.score,
            hit.band,
            decision.revoked_at,
        )
        .join(hit, hit.id == decision.hit_id)
        .where(decision.entry_id == entry_id)
        .order_by(decision.decided_at),
    )
    return [
        [_day(at), kind, agency, round(score, 3), band, _day(revoked) or ""]
        for at, kind, agency, score, band, revoked in rows
    ]
