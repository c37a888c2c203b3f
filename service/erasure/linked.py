"""Finding every row, in any feature's tables, that belongs to an entry.

Tables are discovered from the ORM metadata rather than listed by hand, so a table a later
feature adds is erased too: every table with an ``entry_id`` column loses the entry's rows, and
the database's ``ON DELETE CASCADE`` foreign keys take their dependants (e.g. decisions on a
hit). A few tables are kept on purpose; they hold no personal data (see ``KEPT_TABLES``).
Features with personal data reachable only indirectly register an ``ERASURE_HOOKS`` function.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from service.db.base import Base

# Why each is kept: the change feed tells screening replicas that the entry went away (it holds
# an id and a change code); the erasure record is the metadata-only proof of the erasure.
KEPT_TABLES = frozenset({"entries", "entry_changes", "erasure_records"})

ErasureHook = Callable[[Session, str, datetime], int]


def _screening_query_data(session: Session, entry_id: str, now: datetime) -> int:
    """The data used for searches that hit the entry (the searched name, birth date and document
    may be the listed person's): cleared as the screening feature clears expired query data."""
    tables = Base.metadata.tables
    if not {"screening_hits", "screenings", "screening_queries"} <= set(tables):
        return 0
    hits, screenings, queries = (
        tables[n] for n in ("screening_hits", "screenings", "screening_queries")
    )
    query_ids = (
        select(screenings.c.query_id)
        .join(hits, hits.c.screening_id == screenings.c.id)
        .where(hits.c.entry_id == entry_id, screenings.c.query_id.is_not(None))
    )
    values: dict[str, object] = {"data": None}
    if "erased_at" in queries.c:
        values["erased_at"] = now
    result = session.execute(
        update(queries)
        .where(queries.c.id.in_(query_ids), queries.c.data.is_not(None))
        .values(values)
    )
    return result.rowcount or 0


def _audit_texts(session: Session, entry_id: str, now: datetime) -> int:
    """The free-text purposes of the entry's audit events (change, delisting and other reasons,
    which may name the person): the events and their chained digests stay (RV-erasure-log)."""
    from service.models.audit import AuditText

    result = session.execute(delete(AuditText).where(AuditText.target_id == entry_id))
    return result.rowcount or 0


#: Run before the linked rows are deleted (they may need those rows to find their data).
ERASURE_HOOKS: list[ErasureHook] = [_screening_query_data, _audit_texts]


def tables_with_entry_rows() -> list[Table]:
    """Tables holding rows of one entry, dependants first (reverse dependency order)."""
    return [
        table
        for table in reversed(Base.metadata.sorted_tables)
        if "entry_id" in table.c and table.name not in KEPT_TABLES
    ]


def delete_linked_rows(session: Session, entry_id: str, now: datetime) -> dict[str, int]:
    """Run the hooks, then delete the entry's rows from every linked table. Counts per table."""
    counts: dict[str, int] = {}
    for hook in ERASURE_HOOKS:
        counts[hook.__name__.lstrip("_")] = hook(session, entry_id, now)
    for table in tables_with_entry_rows():
        result = session.execute(delete(table).where(table.c.entry_id == entry_id))
        if result.rowcount:
            counts[table.name] = result.rowcount
    return counts
