"""The transparency report: aggregate figures only (OV-console, MT-outcome-stats).

Figures come from the entries table and, where the features that own them are installed, from
review, erasure, redress and screening tables. Those are read through ``service.models`` by
name, so a table that does not exist yet is reported as ``null`` with a note instead of failing.
False-positive figures are broken down by nationality, sex and age band of the screened person
(from the erasable screening query data), never by ethnicity or religion, which the service does
not hold. Every count between 1 and the threshold is published as ``"<N"``, and one more count
of its group is hidden with it so that it cannot be recovered by subtraction
(``service.oversight.suppression``).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from service.db.base import utcnow
from service.models.audit import AuditEvent
from service.models.entry import Entry
from service.oversight.lookup import model
from service.oversight.suppression import publish_rate, suppress

AGE_BANDS = (
    (0, 17, "0-17"),
    (18, 29, "18-29"),
    (30, 44, "30-44"),
    (45, 59, "45-59"),
    (60, 200, "60+"),
)


_model = model


def _grouped(session: Session, column: Any, *where: Any) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).where(*where).group_by(column)).all()
    return {str(key) if key is not None else "unknown": count for key, count in rows}


def _in_period(column: Any, start: datetime | None, end: datetime | None) -> list[Any]:
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column < end)
    return conditions


def entries_section(
    session: Session, start: datetime | None, end: datetime | None
) -> dict[str, Any]:
    """Current entries (a snapshot at generation time) and those listed within the period."""
    return {
        "total": session.execute(select(func.count()).select_from(Entry)).scalar_one(),
        "by_status": _grouped(session, Entry.status),
        "by_kind": _grouped(session, Entry.kind),
        "by_data_subject_category": _grouped(session, Entry.data_subject_category),
        "by_legal_basis": _grouped(session, Entry.legal_basis_instrument),
        "listed_in_period": session.execute(
            select(func.count()).select_from(Entry).where(*_in_period(Entry.listed_at, start, end))
        ).scalar_one(),
        "active_review_overdue_now": session.execute(
            select(func.count())
            .select_from(Entry)
            .where(Entry.status == "active", Entry.review_due < utcnow())
        ).scalar_one(),
    }


REVIEW_OUTCOMES = ("retain", "modify", "delist")
# The policy run is the only part of the service that suspends an entry as ``system``: when a
# review lapsed (RV-review-date fail-safe, ``service.policy.runner.suspend_overdue``).
LAPSE_ACTOR = "system"


def reviews_section(
    session: Session, start: datetime | None, end: datetime | None
) -> dict[str, Any] | None:
    """Review decisions of the period, the extensions among them, and the reviews that lapsed.

    An extension is a decision that started a new review period: ``retain`` or ``modify``
    (``policies.review.apply_review_decision``; RV-extension-record). A ``delist`` record
    carries the entry's last extension number but extends nothing. Lapsed reviews are counted
    from the audit trail, because the entries they suspended are erased later.
    """
    model = _model("ReviewDecisionRecord")
    if model is None:
        return None
    period = _in_period(model.decided_at, start, end)
    by_outcome = {outcome: 0 for outcome in REVIEW_OUTCOMES}
    by_outcome.update(_grouped(session, model.outcome, *period))
    return {
        "decisions": sum(by_outcome.values()),
        "by_outcome": by_outcome,
        "extensions": by_outcome["retain"] + by_outcome["modify"],
        "lapsed_in_period": session.execute(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "entry.suspend",
                AuditEvent.actor_sub == LAPSE_ACTOR,
                *_in_period(AuditEvent.occurred_at, start, end),
            )
        ).scalar_one(),
    }


def erasures_section(
    session: Session, start: datetime | None, end: datetime | None
) -> dict[str, Any] | None:
    model = _model("ErasureRecord")
    if model is None:
        return None
    period = _in_period(model.erased_at, start, end)
    return {
        "total": session.execute(
            select(func.count()).select_from(model).where(*period)
        ).scalar_one(),
        "by_legal_reason": _grouped(session, model.legal_reason, *period),
    }


DEADLINE_STATES = (
    "met_on_time", "met_late", "open_within_deadline", "open_overdue", "not_started"
)


def deadline_state(deadline: dict[str, Any], now: datetime) -> str:
    """Where one case deadline stands at ``now`` (RD-deadlines)."""
    if deadline["met_at"] is not None:
        return "met_late" if deadline["met_late"] else "met_on_time"
    if deadline["due_at"] is None:
        return "not_started"  # its starting milestone has not happened yet
    return "open_overdue" if now > deadline["due_at"] else "open_within_deadline"


def redress_section(
    session: Session, start: datetime | None, end: datetime | None, pack: Any = None
) -> dict[str, Any] | None:
    """Cases opened in the period, their outcomes and states, and every deadline of those
    cases by where it stands now: met on time, met late, open within or past its deadline."""
    model = _model("RedressCaseRecord")
    if model is None or pack is None:
        return None
    from service.redress.service import deadlines_of

    period = _in_period(model.created_at, start, end)
    now = utcnow()
    compliance = {state: 0 for state in DEADLINE_STATES}
    opened = 0
    for record in session.execute(select(model).where(*period)).scalars():
        opened += 1
        for deadline in deadlines_of(record, pack, now):
            compliance[deadline_state(deadline, now)] += 1
    return {
        "opened": opened,
        "by_outcome": _grouped(session, model.decision_outcome, *period),
        "by_state": _grouped(session, model.state, *period),
        "deadline_compliance": compliance,
    }


def _age_band(birth: str | None, on: date) -> str:
    if not birth or len(birth) < 4 or not birth[:4].isdigit():
        return "unknown"
    year = int(birth[:4])
    if len(birth) >= 10:
        born = date.fromisoformat(birth[:10])
        age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    else:
        age = on.year - year  # precision to the year: may be one too high
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return "unknown"


def screenings_section(
    session: Session, start: datetime | None, end: datetime | None, threshold: int
) -> dict[str, Any] | None:
    screening, hit, decision, query = (
        _model(n) for n in ("Screening", "ScreeningHit", "HitDecision", "ScreeningQuery")
    )
    if screening is None or hit is None or decision is None:
        return None
    period = _in_period(screening.created_at, start, end)
    # Current (non-revoked) human decisions per screening, counted once per hit.
    decided: dict[str, Counter[str]] = {}
    statement = (
        select(decision.screening_id, decision.decision)
        .join(screening, screening.id == decision.screening_id)
        .where(decision.revoked_at.is_(None), *period)
    )
    for screening_id, kind in session.execute(statement):
        decided.setdefault(screening_id, Counter())[kind] += 1
    groups: dict[str, dict[str, Counter[str]]] = {"nationality": {}, "sex": {}, "age_band": {}}
    totals: Counter[str] = Counter()
    # The groups are stored on the screening row when it is written, so they survive the
    # erasure of the query data; rows written before they were stored (migration 0007) fall
    # back to their query data while it exists.
    stored = (screening.traveller_nationality, screening.traveller_sex,
              screening.traveller_age_band)
    rows = select(
        screening.id,
        screening.result,
        screening.hit_count,
        screening.created_at,
        *stored,
        query.data if query is not None else screening.query_id,
    )
    if query is not None:
        rows = rows.outerjoin(query, query.id == screening.query_id)
    for (screening_id, result, hit_count, created_at, nationality, sex, age_band,
         data) in session.execute(rows.where(*period).execution_options(yield_per=2000)):
        legacy = nationality is None and sex is None and age_band is None
        traveller = (data or {}).get("traveller", {}) if legacy and isinstance(data, dict) else {}
        keys = {
            "nationality": nationality or traveller.get("nationality") or "unknown",
            "sex": sex or traveller.get("gender") or "unknown",
            "age_band": age_band or _age_band(traveller.get("birth_date"), created_at.date()),
        }
        outcome = decided.get(screening_id, Counter())
        counts = Counter(
            screened=1,
            with_hits=int(bool(hit_count)),
            referred=int(result == "POSSIBLE_MATCH_REFER"),
            hits=hit_count or 0,
            hits_decided=sum(outcome.values()),
            false_positive=outcome["false_positive"],
            confirmed=outcome["confirmed"],
            inconclusive=outcome["inconclusive"],
        )
        totals.update(counts)
        for dimension, key in keys.items():
            groups[dimension].setdefault(key, Counter()).update(counts)

    def figures(counts: Counter[str]) -> dict[str, Any]:
        return {
            **{
                k: counts[k]
                for k in (
                    "screened",
                    "with_hits",
                    "referred",
                    "hits",
                    "hits_decided",
                    "false_positive",
                    "confirmed",
                    "inconclusive",
                )
            },
            "hit_rate": publish_rate(counts["with_hits"], counts["screened"], threshold),
            "false_positive_rate": publish_rate(
                counts["false_positive"], counts["hits_decided"], threshold
            ),
        }

    return {
        "totals": figures(totals),
        **{
            f"by_{dimension}": {key: figures(c) for key, c in sorted(found.items())}
            for dimension, found in groups.items()
        },
    }


SECTIONS: dict[str, Callable[..., Any]] = {
    "entries": entries_section,
    "reviews": reviews_section,
    "erasures": erasures_section,
    "redress": redress_section,
}


def transparency_report(
    session: Session,
    start: datetime | None,
    end: datetime | None,
    threshold: int,
    pack: Any = None,
) -> dict[str, Any]:
    """The report for [start, end); ``pack`` (the policy pack) gives the redress deadlines."""
    notes: list[str] = [
        "entries figures are a snapshot at generation time; 'listed_in_period' "
        "and the other sections count events within the period",
        f"counts from 1 to {threshold - 1} are published as '<{threshold}', and in each group "
        "of figures that adds up to a total at least one more is published as 'suppressed', "
        "so that no hidden count can be recovered by subtraction; a rate or sum is null or "
        "'suppressed' when one of its counts is hidden",
        "reviews 'extensions' are retain and modify decisions (each starts a new review "
        "period); 'lapsed_in_period' counts entries suspended because no review was decided "
        "before review_due",
        "redress 'deadline_compliance' counts each deadline of the cases opened in the period "
        "by where it stands at generation time",
    ]
    sections: dict[str, Any] = {}
    for name, build in [*SECTIONS.items(), ("screenings", screenings_section)]:
        args: tuple[Any, ...] = (session, start, end)
        if name == "screenings":
            args += (threshold,)
        elif name == "redress":
            args += (pack,)
        try:
            with session.begin_nested():
                value = build(*args)
        except DBAPIError:
            value = None
            notes.append(f"{name}: the table is not available in this database")
        if value is None and not any(note.startswith(f"{name}:") for note in notes):
            notes.append(f"{name}: the feature that records these figures is not installed")
        sections[name] = suppress(value, threshold) if value is not None else None
    return {
        "period": {
            "from": start.isoformat() if start else None,
            "to": end.isoformat() if end else None,
        },
        "generated_at": utcnow().isoformat(),
        "min_published_count": threshold,
        "sections": sections,
        "notes": notes,
    }


def report_csv(report: dict[str, Any]) -> str:
    """One row per figure: section, metric, group, value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "metric", "group", "value"])

    def walk(section: str, path: list[str], value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(section, [*path, str(key)], item)
            return
        metric = path[0] if path else ""
        group = "/".join(path[1:])
        writer.writerow([section, metric, group, "" if value is None else value])

    for section, value in report["sections"].items():
        walk(section, [], value if value is not None else {"unavailable": None})
    return out.getvalue()
