"""``watchlist screening ...``: retention of screening data."""

from __future__ import annotations

import argparse

from service.config import Settings
from service.screening.retention import DEFAULT_RETENTION_DAYS


def _cmd_erase_queries(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.orm import Session

    from service.db.engine import make_engine
    from service.screening.retention import erase_expired_queries

    engine = make_engine(settings.database_url)
    with Session(engine) as session, session.begin():
        erased = erase_expired_queries(session, older_than_days=args.older_than_days)
    engine.dispose()
    print(f"erased the search data of {erased} screening(s) older than {args.older_than_days} days")
    return 0


def register(subparsers: argparse._SubParsersAction, audit_subparsers: object) -> None:
    screening = subparsers.add_parser("screening", help="screening data tools")
    commands = screening.add_subparsers(dest="screening_command", required=True)
    p = commands.add_parser("erase-queries",
                            help="erase the data used for searches older than the retention period")
    p.add_argument("--older-than-days", type=int, default=DEFAULT_RETENTION_DAYS)
    p.set_defaults(handler=_cmd_erase_queries)
