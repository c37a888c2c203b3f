"""Screenings answered while the database was unreachable (stale mode only), kept on local disk
until they can be stored and audited.

Every screening must be audited. When the operator allows answers from a stale index
(``screening_allow_stale``), the rows and audit events of such an answer are appended to a
local, fsynced spool file *before* the answer is sent; if that write fails the answer is a 503.
When the database is reachable again the follower thread stores the rows and appends the audit
events to the hash chain, marked ``answered_offline``, and removes the spool. The spool holds
personal data (the data used for each search), so it lives in the service's data directory and
exists only while the database is down.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from service.audit.recorder import record_event
from service.auth.principal import SystemActor
from service.db.base import Base
from service.logging import get_logger
from service.models.screening import Screening, ScreeningHit, ScreeningQuery

log = get_logger("watchlist.screening.spool")

_MODELS: dict[str, type[Base]] = {
    model.__tablename__: model for model in (ScreeningQuery, Screening, ScreeningHit)
}


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"$dt"}:
        return datetime.fromisoformat(value["$dt"])
    return value


def row_dict(row: Base) -> dict[str, Any]:
    return {"table": row.__tablename__,
            "values": {c.key: _encode(getattr(row, c.key)) for c in row.__table__.columns}}


class AuditSpool:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()

    def append(self, actor: Any, rows: list[Base], events: list[dict[str, Any]]) -> None:
        """Durably record one answer's rows and audit events; raises ``OSError`` on failure."""
        line = json.dumps({
            "actor": {"sub": actor.sub, "agency": actor.agency, "role": actor.role},
            "rows": [row_dict(row) for row in rows],
            "events": events,
        }, ensure_ascii=False, default=str)
        with self._lock:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
                handle.flush()
                os.fsync(handle.fileno())

    def pending(self) -> bool:
        return self._path.exists()

    def replay(self, engine: Engine) -> int:
        """Store and audit every spooled answer in one transaction; returns how many."""
        with self._lock:
            if not self._path.exists():
                return 0
            lines = self._path.read_text(encoding="utf-8").splitlines()
            items = [json.loads(line) for line in lines if line.strip()]
            with Session(engine) as session, session.begin():
                for item in items:
                    for table in _MODELS:  # parents first (foreign keys, no ORM relationships)
                        session.add_all([
                            _MODELS[table](**{k: _decode(v) for k, v in row["values"].items()})
                            for row in item["rows"] if row["table"] == table
                        ])
                        session.flush()
                    actor = SystemActor(**item["actor"])
                    for event in item["events"]:
                        details = {**event.pop("details", {}), "answered_offline": True}
                        record_event(session, actor, details=details, **event)
            self._path.unlink()
        log.info("screening_spool_replayed", answers=len(items))
        return len(items)
