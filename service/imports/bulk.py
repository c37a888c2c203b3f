"""The bulk write path for newly imported entries: plain rows, COPY on PostgreSQL.

Creating entries one ORM object at a time costs milliseconds each; an import of 100 000 list
entries must take minutes, not hours. New entries are therefore written as plain rows (the same
columns ``nominate`` writes, from a validated ``EntryCreate``), with their first version, import
record, audit events and change-feed rows, using PostgreSQL ``COPY`` (or ``executemany``
elsewhere), inside the caller's savepoint. Updates and delistings are rare and keep the ORM path.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Table, insert
from sqlalchemy.orm import Session

from service.entries.schemas import ATTESTATION_FIELDS, EntryCreate

ENTRY_FIELDS = sorted(set(EntryCreate.model_fields) - ATTESTATION_FIELDS)


def _naive(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _json_time(value: datetime | None) -> str | None:
    """Datetimes as pydantic writes them in JSON (what ``convert.snapshot`` stores)."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def snapshot_from_row(row: dict[str, Any]) -> dict[str, Any]:
    """The version snapshot of a new entry row, identical to ``convert.snapshot(entry)``.

    Built directly because the row's values were validated as an ``EntryCreate`` already; a
    test compares it with ``convert.snapshot`` so the two cannot drift apart.
    """
    return {
        "id": row["id"],
        "kind": row["kind"],
        "status": row["status"],
        "version": row["version"],
        "names": row["names"],
        "birth_dates": row["birth_dates"],
        "birth_places": row["birth_places"],
        "gender": row["gender"],
        "nationalities": row["nationalities"],
        "documents": row["documents"],
        "legal_basis": {
            "instrument": row["legal_basis_instrument"],
            "article": row["legal_basis_article"],
        },
        "decision_ref": row["decision_ref"],
        "listing_standard": row["listing_standard"],
        "articulable_facts": row["articulable_facts"],
        "data_subject_category": row["data_subject_category"],
        "derogatory_items": row["derogatory_items"],
        "originating_agency": row["originating_agency"],
        "nominating_officer": row["nominating_officer"],
        "action_on_hit": row["action_on_hit"],
        "handling_code": row["handling_code"],
        "contact_point": row["contact_point"],
        "warning_flags": row["warning_flags"],
        "shared_with": [],
        "best_interests_justification": row["best_interests_justification"],
        "source": row["source"],
        "source_ref": row["source_ref"],
        "listed_at": _json_time(row["listed_at"]),
        "activated_at": _json_time(row["activated_at"]),
        "review_due": _json_time(row["review_due"]),
        "expires_at": _json_time(row["expires_at"]),
        "reviewed_by": row["reviewed_by"],
        "status_reason": row["status_reason"],
        "created_by": row["created_by"],
        "created_at": _json_time(row["created_at"]),
        "updated_by": row["updated_by"],
        "updated_at": _json_time(row["updated_at"]),
    }


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (all with the same keys) in the session's transaction."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    convert = [_converter(table.columns[c]) for c in columns]
    raw = connection.connection.driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        # COPY text format built here: one write per batch instead of formatting cell by cell.
        lines = [
            "\t".join(
                [
                    _escape(f(row[c]) if f is not None else row[c]) if row[c] is not None else "\\N"
                    for c, f in zip(columns, convert, strict=True)
                ]
            )
            for row in rows
        ]
        copy.write("\n".join(lines) + "\n")


def _escape(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    if "\\" in text or "\n" in text or "\t" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\n", "\\n")
            .replace("\t", "\\t")
            .replace("\r", "\\r")
        )
    return text


def _converter(column: Any) -> Any:
    """How a value is written by COPY: JSON as text, timestamps as naive UTC, others as is."""
    from sqlalchemy import JSON

    kind = column.type
    if isinstance(kind, JSON) or isinstance(getattr(kind, "impl", None), JSON):
        return _dumps
    if isinstance(getattr(kind, "impl", None), DateTime):
        return _naive_text
    return None


def _naive_text(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def insert_all(session: Session, batches: Iterable[tuple[Table, Sequence[dict[str, Any]]]]) -> None:
    """Insert several tables' rows in order (parents before children)."""
    session.flush()  # anything pending in the ORM must reach the database first
    for table, rows in batches:
        insert_rows(session, table, rows)
