"""``watchlist audit verify-export | checkpoint | public-key``.

``verify-export`` imports only pure modules (no database, no SQLAlchemy), so it runs anywhere
the export and the public key are.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from service.config import Settings


def _cmd_verify_export(args: argparse.Namespace, settings: Settings) -> int:
    from service.oversight.verify import run

    return run(args.file, args.public_key, args.checkpoints)


def _cmd_checkpoint(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.orm import Session

    from service.auth.principal import SystemActor
    from service.db.engine import make_engine
    from service.oversight.checkpoints import checkpoint_dict, create_checkpoint
    from service.oversight.keys import load_signing_key

    key = load_signing_key(settings)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session, session.begin():
            checkpoint = create_checkpoint(
                session, SystemActor(sub="cli:audit-checkpoint"), key, reason=args.reason
            )
            print(json.dumps(checkpoint_dict(checkpoint)))
    finally:
        engine.dispose()
    return 0


def _cmd_public_key(args: argparse.Namespace, settings: Settings) -> int:
    from service.oversight import signing
    from service.oversight.keys import load_signing_key

    print(signing.public_pem(load_signing_key(settings).public_key()), end="")
    return 0


def register(subparsers: Any, audit_subparsers: Any) -> None:
    from service.oversight.verify import add_arguments

    p = audit_subparsers.add_parser(
        "verify-export", help="verify a signed audit export offline (no database, no service)"
    )
    add_arguments(p)
    p.set_defaults(handler=_cmd_verify_export)
    p = audit_subparsers.add_parser(
        "checkpoint", help="sign and store a checkpoint of the chain head"
    )
    p.add_argument("--reason", default="scheduled", choices=["scheduled", "manual"])
    p.set_defaults(handler=_cmd_checkpoint)
    p = audit_subparsers.add_parser("public-key", help="print the audit signing public key (PEM)")
    p.set_defaults(handler=_cmd_public_key)
