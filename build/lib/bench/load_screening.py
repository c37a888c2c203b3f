"""Load benchmark of screening: a real ``uvicorn`` server on PostgreSQL with N indexed entries.

    .venv/bin/python -m bench.load_screening --entries 10000            # quick run
    .venv/bin/python -m bench.load_screening --entries 1000000 --reuse  # the BENCHMARKS.md run

What it does (loopback only, bounded request counts and durations):
1. Creates (or, with ``--reuse``, keeps) the database ``wl_bench_<entries>`` on the PostgreSQL
   server of ``--admin-url``, migrates it, and bulk-loads N active synthetic entries with COPY
   (names recombined from the real published lists by ``bench.synthetic``; bypasses the API).
2. Starts ``uvicorn service.app:create_app`` with 1 worker, waits until it is ready, and reports
   the start-up time (index build) and the index build time the service logged.
3. Single screenings at a fixed arrival rate (open loop, ``--rate`` req/s for ``--duration`` s):
   latency p50/p95/p99/max measured from each request's *scheduled* start, so a stalled server
   cannot hide its queue (no coordinated omission); error count.
4. Manifests of ``--manifest-size`` travellers, one at a time: latency of each.
5. Saturation throughput (closed loop, ``--concurrency`` clients for ``--saturation-seconds``)
   with 1 worker, then again with 2 workers, and the RSS of every server process.

Travellers: ``--hit-share`` of them are perturbed names of indexed records (so the full hit
path is measured: explanation, stored hits); the rest are synthetic people who are not listed,
as most real travellers are not.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.synthetic import load_pools, perturb, synthetic_records  # noqa: E402

ISSUER = "watchlist-bench"
AUDIENCE = "watchlist"
ENTRY_COLUMNS = (
    "id", "kind", "status", "names", "birth_dates", "birth_places", "gender", "nationalities",
    "documents", "legal_basis_instrument", "legal_basis_article", "decision_ref",
    "listing_standard", "articulable_facts", "data_subject_category", "derogatory_items",
    "originating_agency", "nominating_officer", "action_on_hit", "handling_code",
    "contact_point", "warning_flags", "listed_at", "activated_at", "review_due", "version",
    "created_by", "created_at", "updated_by", "updated_at",
)
_DEROGATORY = json.dumps([{"kind": "fact", "text": "Synthetic benchmark record.",
                           "conduct_based": True, "source_ref": "bench",
                           "source_reliability": "B", "information_credibility": "2"}])


# --- database set-up ----------------------------------------------------------------------------

def _entry_row(record_id: str, record: dict[str, Any], now: datetime) -> tuple:
    names = [{"full_name": name, "name_type": "primary" if i == 0 else "alias",
              "quality": "good", "script": None, "language": None}
             for i, name in enumerate(record["names"])]
    dates = []
    for value in record.get("birth_dates") or []:
        start, _, end = value.partition("/")
        dates.append({"date": start, "date_to": end or None,
                      "precision": {4: "year", 7: "month", 10: "day"}[len(start)]})
    documents = [{"type": "passport", "number": d["number"], "issuing_country": d.get("country")}
                 for d in record.get("documents") or []]
    entry_id = str(uuid.uuid5(uuid.NAMESPACE_URL, record_id))
    return (
        entry_id, record["kind"], "active", json.dumps(names), json.dumps(dates), "[]",
        record.get("gender"), json.dumps(record.get("nationalities") or []), json.dumps(documents),
        "Benchmark Act", "s. 1", "BENCH-1", "reasonable suspicion", "synthetic", "SUSPECT",
        _DEROGATORY, "police", "bench", "refer_secondary_inspection", "H2", "bench desk", "[]",
        now, now, now.replace(year=now.year + 1), 1, "bench", now, "bench", now,
    )


def prepare_database(admin_url: str, entries: int, reuse: bool) -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    from service.db.migrate import upgrade

    name = f"wl_bench_{entries}"
    url = make_url(admin_url).set(database=name)
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    admin_plain = make_url(admin_url).set(drivername="postgresql").render_as_string(
        hide_password=False)
    with psycopg.connect(admin_plain, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and reuse:
            with psycopg.connect(plain) as connection:
                count = connection.execute(
                    "SELECT count(*) FROM entries WHERE status = 'active'").fetchone()[0]
            if count == entries:
                print(f"reusing database {name} with {count} active entries", flush=True)
                return plain
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    upgrade(plain)
    started = time.perf_counter()
    now = datetime.now(UTC).replace(tzinfo=None)
    with psycopg.connect(plain) as connection, connection.cursor() as cursor:
        with cursor.copy(f"COPY entries ({', '.join(ENTRY_COLUMNS)}) FROM STDIN") as copy:
            for number, (record_id, record) in enumerate(synthetic_records(entries)):
                copy.write_row(_entry_row(record_id, record, now))
                if number and number % 100_000 == 0:
                    print(f"  loaded {number} entries", flush=True)
        connection.commit()
        cursor.execute("ANALYZE")
    print(f"loaded {entries} entries in {time.perf_counter() - started:.1f} s", flush=True)
    return plain


# --- traveller workload ----------------------------------------------------------------------

def make_travellers(count: int, entries: int, hit_share: float, seed: int = 7) -> list[dict]:
    """Travellers: perturbed listed names (hits) mixed with unlisted synthetic people."""
    rng = random.Random(seed)
    pools = load_pools()
    listed_sample = max(1, min(entries, 50_000))
    listed = [r for _, r in synthetic_records(listed_sample, pools=pools)
              if r["kind"] == "person"]
    unlisted = [r for _, r in synthetic_records(count, seed=991, pools=pools)
                if r["kind"] == "person"]
    travellers = []
    for i in range(count):
        if rng.random() < hit_share:
            record = rng.choice(listed)
            names = [perturb(record["names"][0], rng)]
        else:
            record = unlisted[i % len(unlisted)]
            names = [record["names"][0]]
        birth = next((d for d in record.get("birth_dates") or [] if "/" not in d), None)
        traveller: dict[str, Any] = {"names": names, "gender": record.get("gender") or None}
        if birth:
            traveller["birth_date"] = birth
        if record.get("nationalities"):
            traveller["nationality"] = record["nationalities"][0]
        document = (record.get("documents") or [None])[0]
        traveller["travel_document"] = (
            {"number": document["number"], "country": document["country"]} if document else
            {"number": f"X{rng.randrange(10**7, 10**8)}", "country": "FR"})
        travellers.append({k: v for k, v in traveller.items() if v is not None})
    return travellers


# --- server --------------------------------------------------------------------------------------

def make_keys(workdir: Path) -> tuple[dict, Path]:
    from authlib.jose import JsonWebKey

    import service.auth  # noqa: F401
    from service.auth.keys import public_jwk

    key = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "bench"})
    private = key.as_dict(is_private=True)
    private["alg"] = "RS256"
    jwks = workdir / "jwks.json"
    jwks.write_text(json.dumps({"keys": [public_jwk(private)]}))
    return private, jwks


def token(private: dict, role: str, agency: str, sub: str) -> str:
    from service.auth.tokens import issue_token

    return issue_token(private, sub=sub, agency=agency, roles=[role], issuer=ISSUER,
                       audience=AUDIENCE, ttl_seconds=7200)


class Server:
    def __init__(self, database_url: str, jwks: Path, workdir: Path, port: int, workers: int):
        self.port = port
        self.workers = workers
        self.log_path = workdir / f"server-{workers}w.log"
        env = {**os.environ, "WATCHLIST_DATABASE_URL": database_url,
               "WATCHLIST_JWKS_FILE": str(jwks), "WATCHLIST_JWT_ISSUER": ISSUER,
               "WATCHLIST_JWT_AUDIENCE": AUDIENCE, "WATCHLIST_DATA_DIR": str(workdir / "var"),
               "WATCHLIST_ENVIRONMENT": "test", "WATCHLIST_LOG_LEVEL": "INFO"}
        self._log = self.log_path.open("w")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
             "--no-access-log", "--log-level", "warning"],
            cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def wait_ready(self, timeout: float) -> float:
        deadline = time.perf_counter() + timeout
        ready_seen = 0
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited; see {self.log_path}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/readyz", timeout=2).status_code == 200:
                    ready_seen += 1
                    # With several workers, each builds its own index: wait for every one.
                    if ready_seen >= 1 and self._all_workers_built():
                        return time.perf_counter() - self.started
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise TimeoutError("server did not become ready")

    def _all_workers_built(self) -> bool:
        return len(self.build_seconds()) >= self.workers

    def build_seconds(self) -> list[float]:
        found = []
        for line in self.log_path.read_text().splitlines():
            if "screening_index_built" in line:
                try:
                    found.append(json.loads(line)["seconds"])
                except (ValueError, KeyError):
                    pass
        return found

    def rss_mb(self) -> dict[str, float]:
        import psutil

        parent = psutil.Process(self.process.pid)
        result = {f"main {parent.pid}": parent.memory_info().rss / 2**20}
        for child in parent.children(recursive=True):
            result[f"worker {child.pid}"] = child.memory_info().rss / 2**20
        return {k: round(v, 1) for k, v in result.items()}

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
        self._log.close()


# --- load ----------------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _client(base: str, headers: dict) -> httpx.AsyncClient:
    # One connection per client: httpcore's pool rescans every waiting request on each change,
    # so one shared pool with thousands of queued requests makes the *client* the bottleneck.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    return httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60)


async def fixed_rate(base: str, headers: dict, travellers: list[dict], rate: float,
                     duration: float, connections: int = 64) -> dict[str, Any]:
    """Open loop: request i is due at start + i/rate whatever the server does; its latency is
    measured from that due time, so time spent queued behind a slow server counts."""
    total = int(rate * duration)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    results: dict[str, int] = {}
    due: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()
    start = time.perf_counter() + 0.2

    async def pace() -> None:
        for i in range(total):
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            due.put_nowait((i, scheduled))
        for _ in range(connections):
            due.put_nowait(None)

    async def connection() -> None:
        async with _client(base, headers) as client:
            while (item := await due.get()) is not None:
                i, scheduled = item
                body = {**travellers[i % len(travellers)], "purpose": "benchmark entry control"}
                try:
                    response = await client.post("/v1/screenings", json=body)
                    if response.status_code == 201:
                        result = response.json()["result"]
                        results[result] = results.get(result, 0) + 1
                    else:
                        key = str(response.status_code)
                        errors[key] = errors.get(key, 0) + 1
                except httpx.HTTPError as error:
                    errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
                latencies.append((time.perf_counter() - scheduled) * 1000)

    await asyncio.gather(pace(), *(connection() for _ in range(connections)))
    elapsed = time.perf_counter() - start
    return {"requests": total, "offered_rate": rate, "achieved_rate": round(total / elapsed, 1),
            "p50_ms": round(percentile(latencies, 0.50), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
            "max_ms": round(max(latencies), 1), "errors": errors, "results": results}


async def saturation(base: str, headers: dict, travellers: list[dict], concurrency: int,
                     seconds: float) -> dict[str, Any]:
    """Closed loop: ``concurrency`` clients send back to back for ``seconds``."""
    done = 0
    errors = 0
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        nonlocal done, errors
        i = offset
        async with _client(base, headers) as client:
            while time.perf_counter() < stop_at:
                body = {**travellers[i % len(travellers)], "purpose": "benchmark saturation"}
                started = time.perf_counter()
                try:
                    response = await client.post("/v1/screenings", json=body)
                    ok = response.status_code == 201
                except httpx.HTTPError:
                    ok = False
                latencies.append((time.perf_counter() - started) * 1000)
                done += ok
                errors += not ok
                i += concurrency

    started = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {"concurrency": concurrency, "seconds": round(elapsed, 1),
            "throughput_rps": round(done / elapsed, 1), "errors": errors,
            "p50_ms": round(percentile(latencies, 0.5), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1)}


async def manifests(base: str, headers: dict, travellers: list[dict], size: int,
                    repeats: int) -> dict[str, Any]:
    timings = []
    errors = 0
    referred = 0
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
        for r in range(repeats):
            chunk = [{**t, "reference": f"pax-{i}"} for i, t in
                     enumerate(travellers[r * size:(r + 1) * size] or travellers[:size])]
            started = time.perf_counter()
            response = await client.post("/v1/screenings/batch", json={
                "purpose": "benchmark manifest", "manifest_ref": f"BENCH{r}", "travellers": chunk})
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 201 or len(response.json()["travellers"]) != len(chunk):
                errors += 1
            else:
                referred += response.json()["counts"].get("POSSIBLE_MATCH_REFER", 0)
    return {"size": size, "repeats": repeats, "median_ms": round(statistics.median(timings), 1),
            "max_ms": round(max(timings), 1), "errors": errors,
            "referred_per_manifest": round(referred / max(1, repeats), 1)}


# --- main ----------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--admin-url", default=os.environ.get(
        "WATCHLIST_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--hit-share", type=float, default=0.1)
    parser.add_argument("--manifest-size", type=int, default=300)
    parser.add_argument("--manifests", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--saturation-seconds", type=float, default=15.0)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--ready-timeout", type=float, default=900.0)
    parser.add_argument("--skip-two-workers", action="store_true")
    args = parser.parse_args(argv)
    if args.duration * args.rate > 50_000 or args.saturation_seconds > 120:
        parser.error("bounded runs only: at most 50,000 paced requests and 120 s of saturation")

    report: dict[str, Any] = {"entries": args.entries, "cpus": os.cpu_count()}
    database_url = prepare_database(args.admin_url, args.entries, args.reuse)
    travellers = make_travellers(max(5000, args.manifest_size * args.manifests), args.entries,
                                 args.hit_share)
    with tempfile.TemporaryDirectory(prefix="wl-bench-") as tmp:
        workdir = Path(tmp)
        private, jwks = make_keys(workdir)
        headers = {"Authorization": f"Bearer {token(private, 'border', 'border-guard', 'bench')}"}
        base = f"http://127.0.0.1:{args.port}"

        server = Server(database_url, jwks, workdir, args.port, workers=1)
        try:
            report["startup_seconds_1_worker"] = round(server.wait_ready(args.ready_timeout), 1)
            report["index_build_seconds"] = server.build_seconds()
            report["rss_mb_after_start_1_worker"] = server.rss_mb()
            asyncio.run(fixed_rate(base, headers, travellers, args.rate, 3))  # warm-up
            report["single_fixed_rate"] = asyncio.run(
                fixed_rate(base, headers, travellers, args.rate, args.duration))
            print(json.dumps(report["single_fixed_rate"]), flush=True)
            report["manifest"] = asyncio.run(
                manifests(base, headers, travellers, args.manifest_size, args.manifests))
            print(json.dumps(report["manifest"]), flush=True)
            report["saturation_1_worker"] = asyncio.run(
                saturation(base, headers, travellers, args.concurrency, args.saturation_seconds))
            print(json.dumps(report["saturation_1_worker"]), flush=True)
            report["rss_mb_1_worker"] = server.rss_mb()
        finally:
            server.stop()

        if not args.skip_two_workers:
            server = Server(database_url, jwks, workdir, args.port, workers=2)
            try:
                ready = server.wait_ready(args.ready_timeout)
                report["startup_seconds_2_workers"] = round(ready, 1)
                asyncio.run(fixed_rate(base, headers, travellers, args.rate, 3))  # warm-up
                report["saturation_2_workers"] = asyncio.run(
                    saturation(base, headers, travellers, args.concurrency,
                               args.saturation_seconds))
                report["single_fixed_rate_2_workers"] = asyncio.run(
                    fixed_rate(base, headers, travellers, args.rate, min(args.duration, 15)))
                report["rss_mb_2_workers"] = server.rss_mb()
            finally:
                server.stop()
            one = report["saturation_1_worker"]["throughput_rps"]
            two = report["saturation_2_workers"]["throughput_rps"]
            report["scaling_2_over_1"] = round(two / one, 2) if one else None
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
