"""The ``watchlist`` command: serve, migrate, token, demo data, audit verification, and more.

Feature packages register further subcommands through ``SUBCOMMAND_MODULES``: each module has
``register(subparsers)`` adding its parsers with ``set_defaults(handler=...)``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from service.config import Settings, get_settings

SUBCOMMAND_MODULES: tuple[str, ...] = (
    "service.oversight.cli",
    "service.imports.cli",
    "service.policy.cli",
    "service.screening.cli",
)


def _cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from service.db.migrate import upgrade

    upgrade(settings.database_url)
    print("database migrated to the current head")
    return 0


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from service.config import validate_for_production

    validate_for_production(settings)
    if args.migrate:
        _cmd_migrate(args, settings)
    base = f"http://{args.host}:{args.port}"
    print(
        f"\nWatchlist service on {base}\n"
        f"  API docs:   {base}/docs   (OpenAPI: {base}/openapi.json)\n"
        f"  Get a token: .venv/bin/watchlist token --role operator --agency police --sub alice\n"
        f"  Then:       curl -H \"Authorization: Bearer $TOKEN\" -H 'X-Purpose: demo' "
        f"{base}/v1/entries\n",
        flush=True,
    )
    uvicorn.run("service.app:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, access_log=False, log_level="warning",
                proxy_headers=args.proxy_headers, forwarded_allow_ips=args.forwarded_allow_ips)
    return 0


def _cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    from service.auth.keys import load_or_create_dev_key
    from service.auth.tokens import issue_token

    if settings.environment == "production":
        print("refusing: development tokens are not issued in production mode", file=sys.stderr)
        return 2
    key = load_or_create_dev_key(settings.resolved_dev_key_file())
    token = issue_token(key, sub=args.sub, agency=args.agency, roles=args.role,
                        issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                        ttl_seconds=args.ttl)
    print(token)
    return 0


def _cmd_jwks(args: argparse.Namespace, settings: Settings) -> int:
    from service.auth.keys import load_or_create_dev_key, public_jwk

    key = load_or_create_dev_key(settings.resolved_dev_key_file())
    print(json.dumps({"keys": [public_jwk(key)]}, indent=2))
    return 0


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from service.demo import load_demo_data

    created = load_demo_data(settings, count=args.count, seed=args.seed)
    print(f"demo data: {created} entries created" if created else "demo data already present")
    return 0


def _cmd_audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.orm import Session

    from service.audit.recorder import verify_stored_chain
    from service.db.engine import make_engine
    from service.oversight.keys import verification_public_key

    try:
        public_key = verification_public_key(settings, args.public_key)
    except (ValueError, OSError) as error:
        print(json.dumps({"ok": False, "error": str(error)}, indent=2))
        return 2
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        report = verify_stored_chain(session, public_key=public_key)
    print(json.dumps(report.as_dict(), indent=2))
    return 0 if report.ok else 1


def _cmd_openapi(args: argparse.Namespace, settings: Settings) -> int:
    from service.openapi_export import render_openapi

    text = render_openapi()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text)
        print(f"wrote {args.output}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="watchlist", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the HTTP service")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--no-migrate", dest="migrate", action="store_false",
                   help="do not apply migrations before starting")
    p.add_argument("--proxy-headers", action="store_true",
                   help="trust X-Forwarded-* from --forwarded-allow-ips (behind a reverse proxy)")
    p.add_argument("--forwarded-allow-ips", default="127.0.0.1")
    p.set_defaults(handler=_cmd_serve)

    p = sub.add_parser("migrate", help="apply database migrations")
    p.set_defaults(handler=_cmd_migrate)

    p = sub.add_parser("token", help="issue a development token signed by the local dev key")
    p.add_argument("--role", action="append", required=True,
                   choices=["operator", "reviewer", "senior_reviewer", "border", "oversight",
                            "admin"])
    p.add_argument("--agency", required=True)
    p.add_argument("--sub", required=True)
    p.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds")
    p.set_defaults(handler=_cmd_token)

    p = sub.add_parser("jwks", help="print the development JWKS (public key)")
    p.set_defaults(handler=_cmd_jwks)

    p = sub.add_parser("demo", help="load generated, clearly fictional demo data")
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--seed", type=int, default=2396)
    p.set_defaults(handler=_cmd_demo)

    audit = sub.add_parser("audit", help="audit trail tools").add_subparsers(dest="audit_command",
                                                                            required=True)
    p = audit.add_parser("verify", help="recompute the hash chain and name the first broken link")
    p.add_argument("--public-key", default=None,
                   help="audit signing public key that checks retention cuts (PEM file or "
                        "base64; default: the service's own key file)")
    p.set_defaults(handler=_cmd_audit_verify)

    p = sub.add_parser("openapi", help="write the OpenAPI document")
    p.add_argument("--output", default="openapi/openapi.json")
    p.set_defaults(handler=_cmd_openapi)

    for module_name in SUBCOMMAND_MODULES:
        importlib.import_module(module_name).register(sub, audit)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args, get_settings()) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
