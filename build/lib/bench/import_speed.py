"""Import speed: N synthetic FollowTheMoney subjects into PostgreSQL through the CLI's code path.

Target (issue 6): 100 000 entries in at most 2 minutes. The subjects are built from the real
names in ../shared/data/lists/*.jsonl (primary names and aliases, recombined so that every
subject is distinct), each with birth date, nationality, passport and a Sanction carrying a
reason, so every record passes the nomination rules. The import runs exactly as
``watchlist import ftm FILE`` does (``service.imports.ftm.import_ftm`` in one transaction).

Usage::

    .venv/bin/python -m bench.import_speed --count 100000 \
        --database-url postgresql://postgres@127.0.0.1:5432/test

A fresh database ``wl_bench_import`` is created next to the given one and dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

DATA = Path(
    os.environ.get(
        "WATCHLIST_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
    )
)
COUNTRIES = [
    "AF",
    "DZ",
    "EG",
    "FR",
    "DE",
    "IQ",
    "JO",
    "LY",
    "MA",
    "PK",
    "SA",
    "SO",
    "SY",
    "TN",
    "TR",
    "YE",
    "GB",
    "US",
    "RU",
    "ID",
]


def real_names() -> tuple[list[str], list[str]]:
    persons: list[str] = []
    organisations: list[str] = []
    for path in sorted((DATA / "lists").glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                target = persons if record["kind"] == "person" else organisations
                target += [n["full"] for n in record["names"][:3] if 2 <= len(n["full"]) <= 120]
    return persons, organisations


def synthesise(path: Path, count: int, seed: int = 2396) -> None:
    """Write ``count`` subjects and their sanctions as FtM JSON lines."""
    rng = random.Random(seed)
    persons, organisations = real_names()
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            is_person = index % 5 != 0
            if is_person:
                first = rng.choice(persons).split()
                last = rng.choice(persons).split()
                name = " ".join(first[:-1] or first) + " " + last[-1]
                props = {
                    "name": [name],
                    "alias": [rng.choice(persons)],
                    "birthDate": [
                        f"{rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-"
                        f"{rng.randint(1, 28):02d}"
                    ],
                    "nationality": [rng.choice(COUNTRIES).lower()],
                    "gender": [rng.choice(["male", "female"])],
                    "passportNumber": [f"P{rng.randint(10**7, 10**8 - 1)}"],
                }
                schema = "Person"
            else:
                props = {"name": [f"{rng.choice(organisations)} {index}"]}
                schema = "Organization"
            subject_id = f"bench-{index}"
            out.write(json.dumps({"id": subject_id, "schema": schema, "properties": props}) + "\n")
            out.write(
                json.dumps(
                    {
                        "id": f"{subject_id}-s",
                        "schema": "Sanction",
                        "properties": {
                            "entity": [subject_id],
                            "authority": ["UN Security Council"],
                            "program": ["UNSC resolution 1267 (1999)"],
                            "listingDate": ["2020-01-01"],
                            "reason": [
                                "Provided financial support to a listed organisation (synthetic)."
                            ],
                        },
                    }
                )
                + "\n"
            )


def _admin(url: str, statement: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


def run(count: int, database_url: str, keep: bool = False) -> dict:
    from service.config import Settings
    from service.db.engine import make_engine, normalise_url
    from service.db.migrate import upgrade
    from service.imports.ftm import import_ftm
    from service.models.entry import Entry

    admin = normalise_url(database_url)
    name = "wl_bench_import"
    _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(admin, f'CREATE DATABASE "{name}"')
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "bench.ftm.jsonl"
            started = time.perf_counter()
            synthesise(source, count)
            synthesis_s = time.perf_counter() - started
            settings = Settings(database_url=url, data_dir=Path(tmp))
            engine = make_engine(url)
            started = time.perf_counter()
            with Session(engine) as session, session.begin():  # as `watchlist import ftm`
                summary = import_ftm(session, source, settings, source="bench")
            elapsed = time.perf_counter() - started
            with Session(engine) as session:
                stored = session.execute(select(func.count()).select_from(Entry)).scalar_one()
            engine.dispose()
        return {
            "bench": "import_speed",
            "records": count,
            "created": summary.created,
            "rejected": summary.rejected_count,
            "entries_in_db": stored,
            "seconds": round(elapsed, 1),
            "entries_per_second": round(count / elapsed),
            "target_seconds": 120,
            "met": elapsed <= 120 and summary.created == count,
            "synthesis_seconds": round(synthesis_s, 1),
        }
    finally:
        if not keep:
            _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "WATCHLIST_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    print(json.dumps(run(args.count, args.database_url, args.keep)))


if __name__ == "__main__":
    main()
