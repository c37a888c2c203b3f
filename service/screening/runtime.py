"""Per-process screening components, and the list state each answer is computed on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fastapi import Request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from service.config import Settings
from service.db.base import utcnow
from service.errors import ServiceUnavailable
from service.screening.identity import IdentityHasher, load_identity_key
from service.screening.live import LiveIndex
from service.screening.service import ListState
from service.screening.spool import AuditSpool
from service.screening.writer import GroupWriter

FAIL_CLOSED = ("the watchlist database is unreachable, so this screening can neither use the "
               "current list nor be recorded: no answer is given (fail closed). Retry, or follow "
               "the manual procedure")


@dataclass
class Runtime:
    settings: Settings
    live: LiveIndex
    hasher: IdentityHasher
    spool: AuditSpool
    writer: GroupWriter
    threshold: float
    # The time screenings are answered at: entries whose review is overdue or whose retention
    # ended by then do not match. Replaceable, like the ``now`` the policy run takes.
    clock: Callable[[], datetime] = utcnow


def make_runtime(settings: Settings, live: LiveIndex, writer: GroupWriter,
                 threshold: float) -> Runtime:
    return Runtime(settings=settings, live=live,
                   hasher=IdentityHasher(load_identity_key(settings)),
                   spool=AuditSpool(Path(settings.data_dir) / "screening-spool.jsonl"),
                   writer=writer, threshold=threshold)


def runtime_of(request: Request) -> Runtime:
    return request.app.state.container.extensions["screening"]


def current_state(session: Session, runtime: Runtime) -> ListState:
    """The list state to answer on, bringing the index up to the feed first when needed.

    The follower thread reads the feed every ``index_poll_interval_seconds``. While it is
    keeping up (its last read is younger than two intervals), the index is current to within
    that interval and this request does not read the feed itself: a change is still visible
    well within a second, and a database failure later in the request is a 503 (fail closed).
    When stale answers are allowed, every request reads the feed on its own connection, because
    that read is how it learns that it must answer from the stale index.

    If the database cannot be read: fail closed (503), unless the operator allowed stale
    answers and the index is younger than ``screening_max_staleness_seconds``.
    """
    live, settings = runtime.live, runtime.settings
    age = live.age_seconds()
    if (not settings.screening_allow_stale and age is not None and live.last_error is None
            and age <= 2 * settings.index_poll_interval_seconds):
        return ListState(version=live.list_version, as_of=live.synced_at, age_seconds=age,
                         stale=False)
    try:
        version = live.refresh(session.connection())
    except DBAPIError:
        try:
            session.rollback()
        except DBAPIError:
            pass
        age = live.age_seconds()
        if not settings.screening_allow_stale or age is None \
                or age > settings.screening_max_staleness_seconds:
            raise ServiceUnavailable(FAIL_CLOSED) from None
        return ListState(version=live.list_version, as_of=live.synced_at, age_seconds=age,
                         stale=True)
    return ListState(version=version, as_of=live.synced_at, age_seconds=0.0, stale=False)
