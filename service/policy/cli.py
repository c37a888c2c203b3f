"""``watchlist policies run [--now ISO]`` and ``watchlist policies show``.

The run is idempotent and safe from cron or several replicas at once (see
``service.policy.runner``); ``--now`` moves the clock for rehearsals and tests.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from service.config import ConfigurationError, Settings


def _parse_now(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("--now needs a time zone, e.g. 2027-01-01T00:00:00Z")
    return moment.astimezone(UTC)


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.orm import sessionmaker

    from service.db.base import utcnow
    from service.db.engine import make_engine
    from service.logging import configure_logging
    from service.oversight.keys import load_signing_key
    from service.policy.pack import load_configured_pack
    from service.policy.runner import run_policies

    try:
        pack = load_configured_pack(settings)
    except ConfigurationError as error:
        print(str(error), file=sys.stderr)
        return 2
    # Logs go to stderr, so stdout carries only the report.
    configure_logging(settings.log_level, json=settings.log_json)
    engine = make_engine(settings.database_url)
    try:
        report = run_policies(
            sessionmaker(engine, expire_on_commit=False),
            pack,
            args.now or utcnow(),
            signing_key=load_signing_key(settings),
        )
    finally:
        engine.dispose()
    print(json.dumps(report.as_dict(), indent=2))
    return 1 if report.failures else 0


def _cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    from service.policy.pack import load_configured_pack

    try:
        pack = load_configured_pack(settings)
    except ConfigurationError as error:
        print(str(error), file=sys.stderr)
        return 2
    print(
        json.dumps(
            {"policy_pack": str(pack.ref), "source": pack.source, "description": pack.description},
            indent=2,
        )
    )
    return 0


def register(subparsers: Any, audit_subparsers: Any) -> None:
    policies = subparsers.add_parser("policies", help="policy packs and the policy run")
    sub = policies.add_subparsers(dest="policies_command", required=True)
    p = sub.add_parser(
        "run",
        help="apply review, retention, minors, redress and log-retention "
        "rules now (idempotent; safe from cron and several replicas)",
    )
    p.add_argument(
        "--now",
        type=_parse_now,
        default=None,
        help="the moment to apply the rules at (ISO 8601 with zone); default: now",
    )
    p.set_defaults(handler=_cmd_run)
    p = sub.add_parser("show", help="validate and describe the configured policy pack")
    p.set_defaults(handler=_cmd_show)
