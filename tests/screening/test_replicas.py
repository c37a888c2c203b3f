"""Two real service processes (``uvicorn``, as deployed) on one PostgreSQL database follow the
same entry change feed: a change made through one is seen by screenings on the other."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import AUDIENCE, ISSUER
from tests.screening.helpers import active_entry, screen, traveller, wait_for

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 90.0  # imports, migrations check and index build on a busy 2-core machine
CHANGE_SECONDS = 5.0
IDENTITY_KEY = "5e" * 32  # replicas share the identity key, as production requires


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Replica:
    """One ``uvicorn`` process with the app factory, configured through the environment."""

    def __init__(self, name: str, database_url: str, jwks_file: Path, workdir: Path) -> None:
        self.port = _free_port()
        self.log_path = workdir / f"{name}.log"
        env = {**os.environ,
               "WATCHLIST_ENVIRONMENT": "test",
               "WATCHLIST_DATABASE_URL": database_url,
               "WATCHLIST_JWKS_FILE": str(jwks_file),
               "WATCHLIST_JWT_ISSUER": ISSUER,
               "WATCHLIST_JWT_AUDIENCE": AUDIENCE,
               "WATCHLIST_DATA_DIR": str(workdir / name),
               "WATCHLIST_SCREENING_IDENTITY_KEY": IDENTITY_KEY}
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(self.port), "--no-access-log",
             "--log-level", "info"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30)

    def ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"replica exited early:\n{self.log_path.read_text()[-2000:]}")
        try:
            return self.client.get("/readyz").status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> bool:
        """SIGTERM, then wait; True when the process shut down gracefully (its lifespan stopped
        the writer and the feed follower). uvicorn re-raises the signal once it has shut down,
        so a graceful exit is -SIGTERM after "Application shutdown complete"."""
        self.client.close()
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()
        return (self.process.returncode in (0, -signal.SIGTERM)
                and "Application shutdown complete" in self.log_path.read_text())


def test_two_uvicorn_processes_agree_after_approval_and_delisting(
        database_url, jwks_file, headers, tmp_path) -> None:
    """An entry approved through replica one is found by replica two; delisted through replica
    two, it stops matching on replica one; both then serve the same list version. Each wait is
    bounded and asserts the state reached, not how long it took."""
    if not database_url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL database; SQLite is for a single process")
    replicas = [Replica(name, database_url, jwks_file, tmp_path) for name in ("one", "two")]
    try:
        assert all(wait_for(replica.ready, timeout=START_SECONDS, interval=0.2)
                   for replica in replicas), "a replica did not become ready"
        one, two = (replica.client for replica in replicas)
        entry = active_entry(one, headers)

        def result_on(client: httpx.Client) -> str:
            response = screen(client, headers, traveller())
            assert response.status_code == 201, response.text
            return response.json()["result"]

        assert wait_for(lambda: result_on(two) == "POSSIBLE_MATCH_REFER",
                        timeout=CHANGE_SECONDS), "replica two never saw the approval"
        delisted = two.post(f"/v1/entries/{entry['id']}/delist", json={"reason": "court order"},
                            headers=headers("reviewer", agency="fusion-cell", sub="rita"))
        assert delisted.status_code == 200, delisted.text
        assert wait_for(lambda: result_on(one) == "NO_MATCH", timeout=CHANGE_SECONDS), \
            "replica one still matched the delisted entry"
        versions = {screen(client, headers, traveller()).json()["list_version"]
                    for client in (one, two)}
        assert len(versions) == 1
    finally:
        stopped = [replica.stop() for replica in replicas]
    assert stopped == [True, True], [r.log_path.read_text()[-2000:] for r in replicas]
