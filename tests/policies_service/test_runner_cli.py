"""The policy run from the real CLI on a real database, concurrent runs, and pack loading."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from service.config import ConfigurationError
from tests.policies_service.helpers import (
    DAY,
    audit_actions,
    chain_ok,
    listed,
    parse,
    read_entry,
    run,
)

ROOT = Path(__file__).resolve().parents[2]


def _cli(settings, *args: str) -> subprocess.CompletedProcess:  # noqa: ANN001
    env = {
        **os.environ,
        "WATCHLIST_DATABASE_URL": settings.database_url,
        "WATCHLIST_ENVIRONMENT": "test",
        "WATCHLIST_DATA_DIR": str(settings.data_dir),
    }
    env.pop("WATCHLIST_POLICY_PACK_FILE", None)
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_policy_run_suspends_overdue_entries_on_a_real_database(
    app, client, headers, settings
) -> None:
    """RV-review-date: ``watchlist policies run --now`` on the real database suspends an entry
    past review_due; running it again changes nothing (idempotent); the chain verifies."""
    entry = listed(client, headers)
    later = (parse(entry["review_due"]) + DAY).isoformat()
    first = _cli(settings, "policies", "run", "--now", later)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["counts"]["suspended_overdue"] == 1
    assert read_entry(client, headers, entry["id"]).json()["status"] == "suspended"
    second = _cli(settings, "policies", "run", "--now", later)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["counts"] == {}
    verify = _cli(settings, "audit", "verify")
    assert verify.returncode == 0 and json.loads(verify.stdout)["ok"] is True, verify.stdout
    assert "Qasim" not in first.stdout + first.stderr + second.stdout + second.stderr


def test_cli_refuses_a_naive_now_and_a_bad_pack(settings, tmp_path) -> None:  # noqa: ANN001
    """GV-purpose-config: a pack that does not validate stops the run with a message naming
    the file and the key; --now needs a time zone."""
    assert _cli(settings, "policies", "run", "--now", "2030-01-01T00:00:00").returncode == 2
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[pack]\nid = "x"\nversion = "1"\n[review]\nby_category = { SUSPECT = "soon" }\n'
    )
    env_settings = settings.model_copy(update={})
    env = {
        **os.environ,
        "WATCHLIST_DATABASE_URL": env_settings.database_url,
        "WATCHLIST_POLICY_PACK_FILE": str(bad),
    }
    result = subprocess.run(
        [sys.executable, "-m", "service.cli", "policies", "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "bad.toml" in result.stderr and "review." in result.stderr


def test_bad_pack_stops_the_service_at_start_up(settings, tmp_path) -> None:  # noqa: ANN001
    """GV-purpose-config: the service does not start with an invalid pack."""
    from service.app import create_app

    bad = tmp_path / "bad.toml"
    bad.write_text('[pack]\nid = "x"\nversion = "1"\n')
    with pytest.raises(ConfigurationError, match="bad.toml"):
        create_app(settings.model_copy(update={"policy_pack_file": bad}))
    with pytest.raises(ConfigurationError, match="no built-in pack"):
        create_app(settings.model_copy(update={"policy_pack": "atlantis"}))


def test_sis_like_pack_sets_other_intervals(settings, headers) -> None:  # noqa: ANN001
    """GV-purpose-config: switching the pack changes the rules (SIS-like: CONVICTED 3 years)."""
    from fastapi.testclient import TestClient

    from policies import Duration
    from service.app import create_app

    app = create_app(settings.model_copy(update={"policy_pack": "sis-like"}))
    with TestClient(app) as client:
        entry = listed(client, headers, data_subject_category="CONVICTED")
    assert parse(entry["review_due"]) == Duration(3, "years").after(parse(entry["activated_at"]))


def test_concurrent_runs_do_each_thing_once(app, client, headers) -> None:
    """RV-review-date: several replicas running the policies at once suspend each overdue
    entry exactly once (row locks, re-checked conditions); the chain still verifies."""
    entries = [listed(client, headers) for _ in range(4)]
    later = max(parse(e["review_due"]) for e in entries) + DAY
    reports: list[dict] = []
    threads = [threading.Thread(target=lambda: reports.append(run(app, later))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r["counts"].get("suspended_overdue", 0) for r in reports) == 4
    assert all(not r["failures"] for r in reports), reports
    for entry in entries:
        actions = [a[0] for a in audit_actions(app, entry["id"])]
        assert actions.count("entry.suspend") == 1
    assert chain_ok(app)


def test_in_service_scheduler_runs_the_same_policy_run(settings, monkeypatch) -> None:  # noqa: ANN001
    """RV-review-date: the optional scheduler (off by default) runs the same code as the CLI."""
    import time

    from fastapi.testclient import TestClient

    from service.app import create_app

    monkeypatch.setenv("WATCHLIST_POLICY_SCHEDULER_ENABLED", "true")
    monkeypatch.setenv("WATCHLIST_POLICY_SCHEDULER_INTERVAL_SECONDS", "0.2")
    app = create_app(settings)
    with TestClient(app):
        deadline = time.monotonic() + 60  # generous: this waits for an event, it measures nothing
        while time.monotonic() < deadline:
            if ("policy.run", "system", "success") in audit_actions(app):
                break
            time.sleep(0.2)
    assert ("policy.run", "system", "success") in audit_actions(app)
    assert chain_ok(app)
