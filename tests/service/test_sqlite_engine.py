"""The embedded SQLite engine: writers queue on the write lock, readers that only read do not."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import exc, text

from service.db.engine import READ_ONLY, make_engine


@pytest.fixture
def locked_database(sqlite_template: Path, tmp_path: Path):
    """A migrated SQLite file, with another connection holding its write lock."""
    path = tmp_path / "locked.sqlite3"
    path.write_bytes(sqlite_template.read_bytes())
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute(
        "INSERT INTO entry_changes (entry_id, change, at) VALUES ('x', 'approve', '2026-01-01')"
    )
    yield path
    holder.execute("ROLLBACK")
    holder.close()


def _count(engine, **options) -> int:
    with engine.connect().execution_options(**options) as connection:
        connection.exec_driver_sql("PRAGMA busy_timeout=200")  # fail fast instead of 30 s
        return connection.execute(text("SELECT count(*) FROM entry_changes")).scalar_one()


def test_a_read_only_transaction_does_not_wait_for_a_writer(locked_database: Path) -> None:
    """A screening's reads must not queue behind a long write (a manifest's group commit): a
    read-only transaction begins deferred and reads the last committed state at once, while an
    ordinary transaction begins immediate and waits for the write lock."""
    engine = make_engine(f"sqlite:///{locked_database}")
    try:
        assert _count(engine, **{READ_ONLY: True}) == 0  # the uncommitted insert is not seen
        with pytest.raises(exc.OperationalError, match="locked"):
            _count(engine)
    finally:
        engine.dispose()
