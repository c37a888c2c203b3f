"""Run the Alembic migrations programmatically (the schema is never built with create_all)."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

# The migrations live beside the packages in the source tree. A non-editable install (the
# container image) has no source tree above site-packages, so it names the folder explicitly.
MIGRATIONS_DIR = Path(
    os.environ.get("WATCHLIST_MIGRATIONS_DIR")
    or Path(__file__).resolve().parents[2] / "migrations"
)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Upgrade to every head: feature migrations branch from the registry and may run in any
    order."""
    command.upgrade(alembic_config(url), revision)


def head_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return set(script.get_heads())


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def is_current(engine: Engine) -> bool:
    return current_revisions(engine) == head_revisions()
