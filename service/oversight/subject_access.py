"""The subject access report: what is held about a person and its history, for the case file.

Rendered as Markdown. Recorded restrictions are respected: when a redress case linked to the
entry ended in a restricted reply (LED Art 15, RD-restriction-reasons), the investigative content
(articulable facts, derogatory items, and the reasons given for changes) is withheld with a note
naming the case, whose file holds the factual and legal reasons. The report is itself recorded as
a disclosure in the audit trail.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from service.db.base import utcnow
from service.entries.convert import to_out
from service.entries.repository import versions
from service.models.audit import AuditEvent
from service.models.entry import Entry
from service.oversight.lookup import model
from service.oversight.subject_records import (
    adjudicated_hits,
    dispute_statement,
    review_decisions,
)

RESTRICTED_FIELDS = ("articulable_facts", "derogatory_items", "version reasons", "processing log")


def processing_log(session: Session, entry_id: str) -> list[list[Any]]:
    """Audit events about the entry, aggregated: operation, action, agencies, count, dates."""
    rows = session.execute(
        select(
            AuditEvent.operation,
            AuditEvent.action,
            AuditEvent.actor_agency,
            func.count(),
            func.min(AuditEvent.occurred_at),
            func.max(AuditEvent.occurred_at),
        )
        .where(AuditEvent.target_id == entry_id)
        .group_by(AuditEvent.operation, AuditEvent.action, AuditEvent.actor_agency)
        .order_by(AuditEvent.operation, AuditEvent.action)
    ).all()
    merged: dict[tuple[str, str], list[Any]] = {}
    for operation, action, agency, count, first, last in rows:
        first, last = (_as_date(first), _as_date(last))
        item = merged.setdefault((operation, action), [operation, action, set(), 0, first, last])
        item[2].add(agency)
        item[3] += count
        item[4], item[5] = min(item[4], first), max(item[5], last)
    return [
        [o, a, ", ".join(sorted(agencies)), n, f, la]
        for (o, a, agencies, n, f, la) in merged.values()
    ]


def _as_date(value: Any) -> str:
    return value.date().isoformat() if hasattr(value, "date") else str(value)[:10]


def recorded_restrictions(session: Session, entry_id: str) -> list[dict[str, str]]:
    """Restricted replies of redress cases linked to this entry (empty if none or not installed)."""
    case, link = model("RedressCaseRecord"), model("RedressCaseEntry")
    if case is None or link is None:
        return []
    try:
        with session.begin_nested():
            rows = session.execute(
                select(case.tracking_number, case.updated_at)
                .join(link, link.case_id == case.id)
                .where(link.entry_id == entry_id, case.decision_outcome == "restricted_reply")
            ).all()
    except DBAPIError:
        return []
    return [{"case": number, "since": when.date().isoformat()} for number, when in rows]


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    def cell(value: Any) -> str:
        return ("" if value is None else str(value)).replace("|", "\\|").replace("\n", " ")

    return [
        "| " + " | ".join(headers) + " |",
        "|" + "---|" * len(headers),
        *("| " + " | ".join(cell(v) for v in row) + " |" for row in rows),
        "",
    ]


def render_report(
    session: Session, entry: Entry, *, case_ref: str | None, requested_by: str
) -> tuple[str, dict[str, Any]]:
    """(the Markdown document, metadata for the audit event)."""
    out = to_out(entry)
    restrictions = recorded_restrictions(session, entry.id)
    restricted = bool(restrictions)
    notice = (
        "*Withheld: a restriction is recorded ("
        + "; ".join(f"redress case {r['case']}, since {r['since']}" for r in restrictions)
        + "). The factual and legal reasons are in that case file (LED Art 15).*"
    )
    history = versions(session, entry.id)
    lines = [
        "# Subject access report",
        "",
        f"- Entry: `{out.id}` ({out.kind.value}), status **{out.status.value}**, "
        f"version {out.version}",
        f"- Case reference: {case_ref or '(none given)'}",
        f"- Generated: {utcnow().isoformat()} by {requested_by}",
        f"- Restrictions: {'yes, see notes below' if restricted else 'none recorded'}",
        "",
        "## Identity data held",
        "",
        *_table(
            ["name", "type", "quality", "script"],
            [[n.full_name, n.name_type.value, n.quality.value, n.script] for n in out.names],
        ),
        *_table(
            ["birth date", "to", "precision"],
            [[d.date, d.date_to, d.precision] for d in out.birth_dates],
        ),
        f"- Places of birth: {', '.join(out.birth_places) or 'none'}",
        f"- Gender: {out.gender.value if out.gender else 'not recorded'}",
        f"- Nationalities: {', '.join(out.nationalities) or 'none'}",
        "",
        *_table(
            ["document type", "number", "issuing country"],
            [[d.type.value, d.number, d.issuing_country] for d in out.documents],
        ),
        "## Listing",
        "",
        f"- Legal basis: {out.legal_basis.instrument}, {out.legal_basis.article}",
        f"- Decision: {out.decision_ref}",
        f"- Listing standard: {out.listing_standard}",
        f"- Data-subject category: {out.data_subject_category.value}",
        f"- Originating agency: {out.originating_agency}",
        f"- Source: {out.source or 'national nomination'} {out.source_ref or ''}".rstrip(),
        f"- Listed: {out.listed_at.date().isoformat()}; review due: "
        f"{out.review_due.date().isoformat() if out.review_due else 'n/a'}",
        f"- Action on hit: {out.action_on_hit.value}; handling code {out.handling_code.value}",
        f"- Shared with (recipients): {', '.join(out.shared_with) or 'none'}",
        "",
        "## Grounds",
        "",
    ]
    if restricted:
        lines += [notice, ""]
    else:
        lines += [
            out.articulable_facts,
            "",
            *_table(
                ["kind", "text", "source", "holding body", "reliability", "credibility"],
                [
                    [
                        i.kind.value,
                        i.text,
                        i.source_ref,
                        i.holding_body,
                        i.source_reliability,
                        i.information_credibility,
                    ]
                    for i in out.derogatory_items
                ],
            ),
        ]
    lines += ["## History", ""]
    lines += _table(
        ["version", "date", "change", "fields changed", "by agency", "reason"],
        [
            [
                v.version,
                v.created_at.date().isoformat(),
                v.change,
                ", ".join(v.changed_fields[:12]) + (" ..." if len(v.changed_fields) > 12 else ""),
                v.actor_agency,
                "(withheld)" if restricted else v.reason,
            ]
            for v in history
        ],
    )
    dispute = dispute_statement(session, entry.id)
    lines += ["## Your statement (RD-disputed)", ""]
    lines += (
        [f"Disputed since {dispute['since']}; shown with every hit:", "",
         f"> {dispute['statement']}", ""]
        if dispute
        else ["No dispute is recorded.", ""]
    )
    reviews = review_decisions(session, entry.id, restricted=restricted)
    lines += ["## Review decisions", ""]
    lines += _table(["date", "outcome", "by agency", "next review", "reasons"], reviews)
    hits = adjudicated_hits(session, entry.id)
    lines += ["## Screening hits decided by a person (MT-human-in-loop)", ""]
    lines += _table(["date", "decision", "by agency", "score", "band", "revoked"], hits)
    lines += ["## Processing log (LG-use-limit)", ""]
    if restricted:
        lines += [notice, ""]
    else:
        lines += [
            "Every recorded operation on this entry, by kind, so its lawfulness can be checked.",
            "",
            *_table(
                ["operation", "action", "agencies", "count", "first", "last"],
                processing_log(session, entry.id),
            ),
        ]
    if restricted:
        lines += ["Notes: fields withheld: " + ", ".join(RESTRICTED_FIELDS) + ".", ""]
    meta = {
        "case_ref": case_ref,
        "versions": len(history),
        "disputed": dispute is not None,
        "review_decisions": len(reviews),
        "hit_decisions": len(hits),
        "restricted": restricted,
        "withheld_fields": list(RESTRICTED_FIELDS) if restricted else [],
    }
    return "\n".join(lines), meta


def load_entry(session: Session, entry_id: str) -> Entry | None:
    return session.execute(select(Entry).where(Entry.id == entry_id)).scalar_one_or_none()
