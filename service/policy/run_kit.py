"""What every step of the policy run shares: the report, the system actor, and handling each
candidate in its own short transaction that locks its row (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL), so steps are safe to run twice and from several replicas (see ``runner``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.auth.principal import SystemActor
from service.entries import service as entries_service
from service.entries.schemas import Status
from service.logging import get_logger
from service.models.entry import Entry

log = get_logger("watchlist.policy")

SYSTEM = SystemActor()
LISTED = (Status.active.value, Status.suspended.value)
ENDED = (Status.delisted.value, Status.rejected.value, Status.expired.value)


@dataclass
class RunReport:
    now: datetime
    pack: str
    counts: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "policy_pack": self.pack,
            "counts": dict(sorted(self.counts.items())),
            "failures": dict(sorted(self.failures.items())),
        }


def system_context() -> entries_service.Context:
    """The service acting on a schedule: it sees every entry (its agency is its own review
    agency) and is recorded in the audit trail as ``system``."""
    return entries_service.Context(
        principal=SYSTEM,
        request_id=None,  # type: ignore[arg-type]
        review_agency=SYSTEM.agency,
    )


def lock_entry(session: Session, entry_id: str) -> Entry | None:
    statement = select(Entry).where(Entry.id == entry_id)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    return session.execute(statement).scalar_one_or_none()


def each(
    factory: sessionmaker[Session],
    report: RunReport,
    step: str,
    ids: list[str],
    handle: Callable[[Session, str], bool],
) -> None:
    """Handle each id in its own transaction; count what was done and what failed."""
    for item_id in ids:
        try:
            with factory() as session, session.begin():
                if handle(session, item_id):
                    report.counts[step] += 1
        except Exception as error:  # noqa: BLE001 - one item must not stop the run
            report.failures[step] += 1
            log.error(
                "policy_step_failed", step=step, item_id=item_id, error_type=type(error).__name__
            )


def entry_columns(factory: sessionmaker[Session], *where: Any) -> list[Any]:
    with factory() as session:
        return list(
            session.execute(
                select(
                    Entry.id,
                    Entry.status,
                    Entry.review_due,
                    Entry.expires_at,
                    Entry.activated_at,
                    Entry.listed_at,
                    Entry.updated_at,
                    Entry.birth_dates,
                ).where(*where)
            )
        )
