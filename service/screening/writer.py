"""Group commit of screenings: one transaction, one walk of the audit chain, many answers.

Every screening appends to the hash-chained audit trail, whose head row is locked from the first
audit statement until commit, so audit appends form one queue for every replica; with one
transaction per screening, that queue moves at one commit (one WAL flush) per screening. Here a
single writer thread per process takes every screening waiting at that moment, stores their rows
and appends their audit events in one transaction, and commits once. Each request waits for
*its* commit before it answers, so a screening is never answered unless it is stored and
audited; if the commit fails, every request of the group fails (503), and nothing was written.

A request waits at most ``screening_commit_timeout_seconds`` (a database that hangs must not
hang the border): then it answers 503 too. If its rows were still queued they are dropped; if
the writer had already begun their transaction, they may still commit later, as the record of
a consultation that was not answered.

This is the one place in the service where something other than the route wrapper commits: the
route's own transaction stays read-only for screenings.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from sqlalchemy import insert
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, sessionmaker

from service.audit.recorder import record_events
from service.logging import get_logger

log = get_logger("watchlist.screening.writer")

MAX_GROUP = 64
WAIT_SECONDS = 30.0


class WriterUnavailable(RuntimeError):
    """The screening could not be confirmed as stored and audited: answer 503 (fail closed)."""


class WriterStopped(WriterUnavailable):
    """The writer is not running (start-up has not finished, or shutdown has begun)."""


class CommitTimedOut(WriterUnavailable):
    """The database did not confirm the commit in time."""


class GroupWriter:
    def __init__(self, session_factory: sessionmaker[Session], *,
                 timeout_seconds: float = WAIT_SECONDS) -> None:
        self._factory = session_factory
        self._timeout = timeout_seconds
        self._queue: queue.Queue[tuple[Any, list[Any], list[dict[str, Any]], Future] | None] = \
            queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="screening-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=10)
            self._thread = None
        # Whatever was queued behind the stop will never be written: say so at once.
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is not None and item[3].set_running_or_notify_cancel():
                item[3].set_exception(WriterStopped("the screening writer stopped"))

    def write(self, principal: Any, rows: list[Any], events: list[dict[str, Any]]) -> None:
        """Store ``rows`` and append ``events`` (as ``principal``); returns once committed.

        Raises what the commit raised (e.g. ``DBAPIError`` when the database is unreachable),
        ``WriterStopped`` when the writer is not running and ``CommitTimedOut`` when the commit
        is not confirmed within the timeout.
        """
        if self._thread is None:
            raise WriterStopped("the screening writer is not running")
        done: Future = Future()
        self._queue.put((principal, rows, events, done))
        try:
            done.result(timeout=self._timeout)
        except FutureTimeout:
            done.cancel()  # still queued: the writer will skip it
            raise CommitTimedOut(f"no commit within {self._timeout:g} s") from None

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            while len(group) < MAX_GROUP:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)  # stop after this group
                    break
                group.append(item)
            self._commit(group)

    def _commit(self, group: list[tuple[Any, list[Any], list[dict[str, Any]], Future]]) -> None:
        # Requests that gave up waiting cancelled their future: their rows are not written.
        group = [item for item in group if item[3].set_running_or_notify_cancel()]
        if not group:
            return
        try:
            with self._factory() as session, session.begin():
                # Plain multi-row inserts, parents first (queries, screenings, hits): the unit
                # of work's per-object bookkeeping cost more than the screening itself.
                for table, values in _rows_by_table([row for _, rows, _, _ in group
                                                     for row in rows]):
                    session.execute(insert(table), values)
                record_events(session, [(principal, event)
                                        for principal, _, events, _ in group
                                        for event in events])
        except BaseException as error:  # noqa: BLE001 - handed to every waiting request
            log.warning("screening_group_commit_failed", error_type=type(error).__name__,
                        screenings=len(group))
            for *_, done in group:
                done.set_exception(error)
            return
        for *_, done in group:
            done.set_result(None)


def _rows_by_table(rows: list[Any]) -> list[tuple[Any, list[dict[str, Any]]]]:
    """ORM rows as column values per table, tables in the order the rows first appear (each
    screening's rows come parents first). Only attributes that were set are passed, so column
    defaults apply to the others as they would in a flush."""
    tables: dict[tuple[Any, frozenset[str]], list[dict[str, Any]]] = {}
    for row in rows:
        mapper = sa_inspect(row).mapper
        values = {prop.columns[0].key: row.__dict__[prop.key] for prop in mapper.column_attrs
                  if prop.key in row.__dict__}
        # One multi-row insert per table and set of given columns.
        tables.setdefault((mapper.local_table, frozenset(values)), []).append(values)
    return [(table, values) for (table, _), values in tables.items()]
