"""``watchlist import un|ftm|csv`` and ``watchlist export ftm``.

Each import runs in one transaction (committed once at the end, so an interrupted import leaves
nothing behind), shows a progress bar on stderr and prints a JSON summary: created / updated /
delisted / unchanged / rejected, with the reason for every rejected record. Exit codes: 0 all
imported, 1 imported with some records rejected, 2 nothing written (broken policy pack, a CSV
header off the documented mapping, a file that is not well-formed).

An export is a disclosure: it needs ``--recipient``, ``--legal-basis`` and ``--purpose`` (the
justification), recorded with every exported entry (SH-per-recipient-basis), and the data are
handed over only after that record is committed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from service.config import ConfigurationError, Settings

MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024


def _fetch(location: str) -> Path:
    """A local path as is; an http(s) URL downloaded to a temporary file (size-capped)."""
    if not location.startswith(("http://", "https://")):
        path = Path(location)
        if not path.is_file():
            raise SystemExit(f"no such file: {location}")
        return path
    import httpx

    handle = tempfile.NamedTemporaryFile(suffix=".xml", delete=False)  # noqa: SIM115
    size = 0
    with httpx.stream("GET", location, follow_redirects=True, timeout=120) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_DOWNLOAD_BYTES:
                raise SystemExit("refusing: the download exceeds 200 MB")
            handle.write(chunk)
    handle.close()
    return Path(handle.name)


def _run(settings: Settings, work: Any) -> int:
    """Run one import in one transaction. Exit code 0: every record imported; 1: the file was
    imported but some records were rejected (listed in the summary); 2: nothing was written
    (a broken policy pack or configuration, or a file refused as a whole)."""
    from sqlalchemy.orm import Session
    from tqdm import tqdm

    from policies import COUNTER_TERRORISM_SCREENING
    from service.db.engine import make_engine
    from service.imports.csv_import import CsvRejected
    from service.policy.purposes import processing_for

    engine = make_engine(settings.database_url)
    bar = tqdm(unit="rec", file=sys.stderr, disable=not sys.stderr.isatty())
    try:
        # GV-purpose-config: importing to the list is refused under a pack without its purpose.
        with (processing_for(settings, COUNTER_TERRORISM_SCREENING),
              Session(engine) as session, session.begin()):
            summary = work(session, bar)
    except (ConfigurationError, CsvRejected) as error:
        print(f"import refused, nothing written: {error}", file=sys.stderr)
        return 2
    except (ET.ParseError, UnicodeDecodeError) as error:
        # The position only: the parser's own message may quote the file's content.
        where = getattr(error, "position", None) or getattr(error, "start", "")
        print(f"import refused, nothing written: the file is not well-formed ({where})",
              file=sys.stderr)
        return 2
    finally:
        bar.close()
        engine.dispose()
    print(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False))
    return 1 if summary.rejected_count else 0


def _cmd_import_un(args: argparse.Namespace, settings: Settings) -> int:
    from service.imports.service import import_un

    path = _fetch(args.source)

    def work(session: Any, bar: Any) -> Any:
        return import_un(
            session, path, settings, progress=bar.update, total=lambda n: setattr(bar, "total", n)
        )

    return _run(settings, work)


def _cmd_import_ftm(args: argparse.Namespace, settings: Settings) -> int:
    from service.imports.ftm import import_ftm

    path = _fetch(args.file)
    return _run(
        settings,
        lambda session, bar: import_ftm(
            session, path, settings, source=args.source, progress=bar.update
        ),
    )


def _cmd_import_csv(args: argparse.Namespace, settings: Settings) -> int:
    from service.imports.csv_import import import_csv

    path = _fetch(args.file)
    return _run(
        settings,
        lambda session, bar: import_csv(
            session, path, settings, source=args.source, progress=bar.update
        ),
    )


def _cmd_export_ftm(args: argparse.Namespace, settings: Settings) -> int:
    """GV-purpose-config: exporting from the list is refused under a pack that does not
    configure its purpose (counter_terrorism_screening)."""
    from policies import COUNTER_TERRORISM_SCREENING
    from service.policy.purposes import processing_for

    try:
        with processing_for(settings, COUNTER_TERRORISM_SCREENING):
            return _export_ftm(args, settings)
    except ConfigurationError as error:
        print(f"export refused, nothing written: {error}", file=sys.stderr)
        return 2


def _export_ftm(args: argparse.Namespace, settings: Settings) -> int:
    """Export to a temporary file, commit the disclosure records, and only then hand the data
    over (move the file into place, or copy it to stdout): a failed commit discloses nothing."""
    import shutil

    from sqlalchemy.orm import Session

    from service.db.engine import make_engine
    from service.imports.ftm import ExportRefused, export_ftm

    target = None if args.output == "-" else Path(args.output)
    folder = target.parent if target is not None else None
    engine = make_engine(settings.database_url)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115
        "w", encoding="utf-8", dir=folder, prefix=".export-", suffix=".jsonl", delete=False
    )
    staged = Path(handle.name)
    try:
        with handle, Session(engine) as session, session.begin():
            count = export_ftm(
                session,
                handle,
                statuses=args.status,
                purpose=args.purpose,
                recipient=args.recipient,
                legal_basis=args.legal_basis,
            )
        if target is not None:
            staged.replace(target)
        else:
            with staged.open(encoding="utf-8") as source:
                shutil.copyfileobj(source, sys.stdout)
    except ExportRefused as error:
        print(f"export refused, nothing written: {error}", file=sys.stderr)
        return 2
    finally:
        staged.unlink(missing_ok=True)
        engine.dispose()
    print(f"exported {count} entries to {args.recipient} (disclosure recorded)", file=sys.stderr)
    return 0


def register(subparsers: Any, audit_subparsers: Any) -> None:
    """Add ``import`` and ``export`` to the ``watchlist`` command."""
    importer = subparsers.add_parser("import", help="import sanctions lists").add_subparsers(
        dest="import_command", required=True
    )
    p = importer.add_parser("un", help="UN Security Council Consolidated List (XML file or URL)")
    p.add_argument("source", metavar="FILE_OR_URL")
    p.set_defaults(handler=_cmd_import_un)
    p = importer.add_parser(
        "ftm", help="FollowTheMoney JSON lines (Person, Organization, Sanction)"
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--source", default="ftm", help="source code stored on the entries")
    p.set_defaults(handler=_cmd_import_ftm)
    p = importer.add_parser("csv", help="CSV with the documented column mapping")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--source", default="csv", help="source code stored on the entries")
    p.set_defaults(handler=_cmd_import_csv)

    exporter = subparsers.add_parser("export", help="export entries").add_subparsers(
        dest="export_command", required=True
    )
    p = exporter.add_parser(
        "ftm",
        help="FollowTheMoney JSON lines: a disclosure, recorded per entry with its recipient, "
        "legal basis and justification (SH-per-recipient-basis)",
    )
    p.add_argument("--output", default="-", help="file to write (default: stdout)")
    p.add_argument("--recipient", required=True, help="who receives the export (recorded)")
    p.add_argument(
        "--legal-basis", required=True, help="the provision that allows this disclosure (recorded)"
    )
    p.add_argument(
        "--status",
        action="append",
        default=None,
        help="entry status to export (repeatable; default: active)",
    )
    p.add_argument(
        "--purpose", required=True, help="the case-by-case justification of this export (recorded)"
    )
    p.set_defaults(handler=_cmd_export_ftm)
