"""Shared steps for the policies service tests: nominate and approve through HTTP, run the
policies at a moved clock, read rows, scan the whole database."""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.orm import Session

from service.audit.recorder import verify_stored_chain
from service.config import Settings, get_settings
from service.db.engine import normalise_url
from service.oversight.keys import service_signing_key
from service.policy.pack import pack_of
from service.policy.runner import run_policies
from tests.service.factories import DISTINCT, entry_body

DAY = timedelta(days=1)

# A fictional person whose every identifying value can be searched for in the whole database.
NAMES = ["Zebulon Quartermaine", "Zeb Quartermayne", "زيبولون كوارترمين"]
BIRTH_DATE = "1979-02-23"
DOCUMENT = "QX7781234"
NEEDLES = ["Quartermaine", "Quartermayne", "كوارترمين", BIRTH_DATE, DOCUMENT]


def person() -> dict:
    """Entry fields (names, birth date, passport) of the person the NEEDLES find."""
    return {
        "names": [
            {"full_name": NAMES[0], "name_type": "primary"},
            {"full_name": NAMES[1], "name_type": "alias"},
            {"full_name": NAMES[2], "name_type": "original_script"},
        ],
        "birth_dates": [{"date": BIRTH_DATE}],
        "documents": [{"type": "passport", "number": DOCUMENT, "issuing_country": "JO"}],
    }


def now() -> datetime:
    return datetime.now(UTC)


def nominate(
    client, headers, *, sub: str = "alice", agency: str = "police", **overrides: Any
) -> dict:  # noqa: ANN001
    response = client.post(
        "/v1/entries",
        json=entry_body(**overrides),
        headers=headers("operator", agency=agency, sub=sub),
    )
    assert response.status_code == 201, response.text
    return response.json()


def approve(
    client,
    headers,
    entry_id: str,
    *,
    role: str = "reviewer",  # noqa: ANN001
    expect: int = 200,
    version: int = 1,
) -> dict:
    """Approve as the fusion cell; ``version`` is the one the reviewer read (If-Match)."""
    response = client.post(
        f"/v1/entries/{entry_id}/approve",
        json={"reason": "meets the standard", "duplicate_resolution": DISTINCT},
        headers=headers(
            role, agency="fusion-cell", sub=f"{role}-1", **{"If-Match": f'"{version}"'}
        ),
    )
    assert response.status_code == expect, response.text
    return response.json()


def listed(client, headers, **overrides: Any) -> dict:  # noqa: ANN001
    entry = nominate(client, headers, **overrides)
    return approve(client, headers, entry["id"])


def read_entry(client, headers, entry_id: str):  # noqa: ANN001, ANN201
    return client.get(f"/v1/entries/{entry_id}", headers=headers("reviewer", agency="fusion-cell"))


def run(app, at: datetime) -> dict:  # noqa: ANN001
    container = app.state.container
    return run_policies(
        container.session_factory,
        pack_of(container),
        at,
        signing_key=service_signing_key(container),
    ).as_dict()


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def audit_actions(app, target_id: str | None = None) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """(action, actor_sub, outcome) of every stored audit event, optionally for one target."""
    with app.state.container.session_factory() as session:
        sql = "SELECT action, actor_sub, outcome FROM audit_events"
        params = {}
        if target_id:
            sql += " WHERE target_id = :t"
            params["t"] = target_id
        return [tuple(row) for row in session.execute(text(sql + " ORDER BY seq"), params)]


def chain_ok(app) -> bool:  # noqa: ANN001
    public_key = service_signing_key(app.state.container).public_key()
    with Session(app.state.container.engine) as session:
        report = verify_stored_chain(session, public_key=public_key)
    assert report.ok, report.as_dict()
    return True


def scan_database(database_url: str, needles: list[str]) -> dict[str, list[str]]:
    """Reflect EVERY table of the database, select every row, stringify it, and report where
    any needle appears (case-insensitive). Reflection, not the ORM: a table nobody mapped is
    scanned too."""
    engine = create_engine(normalise_url(database_url))
    found: dict[str, list[str]] = {}
    try:
        metadata = MetaData()
        metadata.reflect(bind=engine)
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                for row in connection.execute(select(table)):
                    haystack = " ".join(str(value) for value in row).casefold()
                    for needle in needles:
                        if needle.casefold() in haystack:
                            found.setdefault(table.name, []).append(needle)
    finally:
        engine.dispose()
    return found


@contextlib.contextmanager
def _environment(values: dict[str, str | None]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    get_settings.cache_clear()
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()


def cli(settings: Settings, *args: str) -> tuple[int, str]:
    """Run ``watchlist ARGS`` in this process, configured like the test's app (same database,
    data directory and pack): (exit code, stdout)."""
    from service.cli import main

    env: dict[str, str | None] = {
        "WATCHLIST_DATABASE_URL": settings.database_url,
        "WATCHLIST_DATA_DIR": str(settings.data_dir),
        "WATCHLIST_ENVIRONMENT": settings.environment,
        "WATCHLIST_POLICY_PACK": settings.policy_pack,
        "WATCHLIST_POLICY_PACK_FILE": str(settings.policy_pack_file)
        if settings.policy_pack_file
        else None,
    }
    out = io.StringIO()
    with _environment(env), contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


def cli_run(settings: Settings, at: datetime) -> dict:
    """``watchlist policies run --now AT`` on the real database; the report it prints."""
    code, out = cli(settings, "policies", "run", "--now", at.isoformat())
    report = json.loads(out)
    assert code == 0, report
    return report


def cli_chain_ok(settings: Settings) -> bool:
    """``watchlist audit verify`` exits 0 and reports an unbroken chain."""
    code, out = cli(settings, "audit", "verify")
    assert code == 0 and json.loads(out)["ok"] is True, out
    return True
