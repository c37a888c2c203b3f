"""Offline verification of a signed audit export: no database, no service, no SQLAlchemy.

Checks, in one streaming pass: the Ed25519 signature over the whole file, each event's own hash,
chain continuity wherever sequence numbers are contiguous (all of them for an unfiltered
export, which must also end exactly at the signed chain position), the signed checkpoints in the
file, and optionally checkpoints from elsewhere (``--checkpoints``: a checkpoint list or an older
export). A checkpoint whose sequence number is in the export must carry that event's hash, and
an unfiltered export must reach every checkpoint: so truncation or rewriting of history after a
checkpoint is detected even by someone who holds only an old export (OV-console,
LG-input-control). An unfiltered export that does not start at seq 1 must carry a signed
retention cut just before its first event and the chained ``audit.purge`` event naming it, and
must cover every held checkpoint below its first event with that cut: so a retention purge is
told apart from deletion of history (``service.audit.cuts``). The first inconsistency is
reported with its line and sequence number.

Usage: ``watchlist audit verify-export FILE --public-key KEY [--checkpoints FILE]`` or
``python -m service.oversight.verify FILE --public-key KEY``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.audit import cuts
from service.audit.chain import GENESIS_HASH, event_hash, purpose_digest
from service.oversight import signing
from service.oversight.export_format import FORMAT, trailer_payload


@dataclass
class Checkpoint:
    seq: int
    head_hash: str
    created_at: str
    origin: str


@dataclass
class ExportReport:
    ok: bool = True
    events: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    filtered: bool | None = None
    chain_seq: int | None = None
    chain_hash: str | None = None
    gaps: int = 0
    retention_cut_seq: int | None = None
    purpose_texts_erased: int = 0
    checkpoints_checked: int = 0
    error: str | None = None
    error_line: int | None = None
    error_seq: int | None = None
    notes: list[str] = field(default_factory=list)

    def fail(
        self, message: str, *, line: int | None = None, seq: int | None = None
    ) -> ExportReport:
        if self.ok:  # keep the first inconsistency: later ones usually follow from it
            self.ok, self.error, self.error_line, self.error_seq = False, message, line, seq
        return self

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items()}


class _Failed(Exception):
    pass


def _signed_checkpoint(data: dict[str, Any], key: Any, origin: str) -> Checkpoint:
    payload = signing.checkpoint_payload(
        data["seq"], data["head_hash"], data["created_at"], data["key_id"]
    )
    if data.get("key_id") != signing.key_id(key) or not signing.verify(
        key, payload, data["signature"]
    ):
        raise _Failed(f"checkpoint at seq {data['seq']} ({origin}) has an invalid signature")
    return Checkpoint(int(data["seq"]), data["head_hash"], data["created_at"], origin)


def verify_export(
    lines: Iterable[bytes], public_key: Any, external: Iterable[Checkpoint] = ()
) -> ExportReport:
    """Verify an export given as raw lines (each ending in ``\\n``)."""
    report = ExportReport()
    checkpoints: dict[int, list[Checkpoint]] = {}
    for checkpoint in external:
        checkpoints.setdefault(checkpoint.seq, []).append(checkpoint)
    digest = hashlib.sha256()
    pending: bytes | None = None  # the previous line: hashed once we know it is not the last
    count = 0
    prev_seq: int | None = None
    prev_hash: str | None = None
    header: dict[str, Any] | None = None
    cut: dict[str, Any] | None = None
    purge_seen = False
    number = 0
    try:
        for number, raw in enumerate(lines, start=1):
            if pending is not None:
                digest.update(pending)
                count += 1
            pending = raw
            if not raw.endswith(b"\n"):
                raise _Failed(f"line {number} is not terminated (file truncated?)")
            try:
                data = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                raise _Failed(f"line {number} is not valid JSON") from None
            kind = data.get("type") if isinstance(data, dict) else None
            if number == 1:
                if kind != "header" or data.get("format") != FORMAT:
                    raise _Failed("the first line is not a watchlist-audit-export/v1 header")
                header = data
                report.filtered = bool(data.get("filters"))
                report.chain_seq, report.chain_hash = data.get("chain_seq"), data.get("chain_hash")
                continue
            if kind == "checkpoint":
                cp = _signed_checkpoint(data, public_key, f"line {number}")
                checkpoints.setdefault(cp.seq, []).append(cp)
            elif kind == "retention_cut":
                problem = cuts.cut_problem(data, public_key)
                if problem or cut is not None or report.events:
                    raise _Failed(f"line {number}: {problem or 'a misplaced retention cut'}")
                cut = data
                report.retention_cut_seq = int(cut["cut_seq"])
            elif kind == "event":
                seq = data.get("seq")
                if not isinstance(seq, int):
                    raise _Failed(f"line {number}: event without an integer seq")
                if event_hash(data) != data.get("hash"):
                    report.fail(
                        "event content does not match its hash (altered)", line=number, seq=seq
                    )
                    raise _Failed("")
                if "purpose_text" in data or "purpose_salt" in data:
                    chained = data.get("purpose_digest")
                    if chained is None or purpose_digest(
                        data["purpose_salt"], data["purpose_text"]
                    ) != chained:
                        report.fail(
                            "the purpose text does not match its chained digest (altered)",
                            line=number,
                            seq=seq,
                        )
                        raise _Failed("")
                elif data.get("purpose_digest") is not None:
                    report.purpose_texts_erased += 1  # erased with the entry it concerned
                if prev_seq is not None and seq <= prev_seq:
                    report.fail(
                        f"events out of order: {seq} after {prev_seq}", line=number, seq=seq
                    )
                    raise _Failed("")
                if cut is not None and seq <= cut["cut_seq"]:
                    report.fail(
                        f"event {seq} is at or below the retention cut at seq {cut['cut_seq']}",
                        line=number,
                        seq=seq,
                    )
                    raise _Failed("")
                if prev_seq is None and seq != 1 and not report.filtered and (
                    cut is None
                    or cut["cut_seq"] != seq - 1
                    or cut["cut_hash"] != data["prev_hash"]
                ):
                    report.fail(
                        f"events before seq {seq} are missing and no signed retention cut "
                        "accounts for them (history deleted, not purged)",
                        line=number,
                        seq=seq,
                    )
                    raise _Failed("")
                purge_seen = purge_seen or (cut is not None and cuts.names_cut(data, cut))
                contiguous = seq == (prev_seq + 1 if prev_seq is not None else 1)
                if prev_seq is None and seq == 1 and data["prev_hash"] != GENESIS_HASH:
                    report.fail(
                        "the first event does not start from the genesis hash", line=number, seq=seq
                    )
                    raise _Failed("")
                if contiguous and prev_seq is not None and data["prev_hash"] != prev_hash:
                    report.fail(
                        "prev_hash does not match the hash of the previous event "
                        "(an event was removed or replaced)",
                        line=number,
                        seq=seq,
                    )
                    raise _Failed("")
                if not contiguous:
                    if not report.filtered and prev_seq is not None:
                        report.fail(
                            f"sequence gap: expected {prev_seq + 1}, found {seq} (events removed)",
                            line=number,
                            seq=seq,
                        )
                        raise _Failed("")
                    if prev_seq is not None:
                        report.gaps += 1
                for cp in checkpoints.get(seq, ()):
                    report.checkpoints_checked += 1
                    if cp.head_hash != data["hash"]:
                        report.fail(
                            f"history rewritten: event {seq} does not carry the hash "
                            f"signed in the checkpoint of {cp.created_at} ({cp.origin})",
                            line=number,
                            seq=seq,
                        )
                        raise _Failed("")
                if report.first_seq is None:
                    report.first_seq = seq
                prev_seq, prev_hash = seq, data["hash"]
                report.last_seq = seq
                report.events += 1
            elif kind == "signature":
                pass  # checked below; must be the last line
            else:
                raise _Failed(f"line {number}: unknown line type {kind!r}")
        if pending is None or header is None:
            raise _Failed("the file is empty")
        trailer = json.loads(pending)
        if trailer.get("type") != "signature":
            raise _Failed("the last line is not the signature line (file truncated?)")
        _check_trailer(report, trailer, header, public_key, digest.hexdigest(), count, prev_hash)
        if cut is not None and not report.filtered and not purge_seen:
            raise _Failed(
                f"no chained audit.purge event names the retention cut at seq {cut['cut_seq']}: "
                "the events before it were deleted, not purged"
            )
        _check_coverage(report, checkpoints, cut)
    except _Failed as failure:
        if str(failure):
            report.fail(str(failure))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        # A field renamed, retyped or removed: the line no longer has the shape that was signed.
        report.fail(
            f"malformed line ({type(error).__name__}: {error}); the file was altered", line=number
        )
    if report.ok and report.filtered:
        report.notes.append(
            f"filtered export: each event's own hash and the signature are verified; chain "
            f"continuity only across contiguous sequence numbers ({report.gaps} gaps)"
        )
    return report


def _check_trailer(
    report: ExportReport,
    trailer: dict[str, Any],
    header: dict[str, Any],
    key: Any,
    sha256: str,
    count: int,
    last_hash: str | None,
) -> None:
    expected = trailer_payload(
        lines=count,
        sha256=sha256,
        events=report.events,
        first_seq=report.first_seq,
        last_seq=report.last_seq,
        last_hash=last_hash,
        chain_seq=header.get("chain_seq"),
        chain_hash=header.get("chain_hash"),
        filtered=bool(header.get("filters")),
        key_id=signing.key_id(key),
    )
    if not signing.verify(
        key, {k: v for k, v in trailer.items() if k != "signature"}, trailer.get("signature", "")
    ):
        raise _Failed("the signature line is not signed by this public key (or was altered)")
    for name, value in expected.items():
        if trailer.get(name) != value:
            raise _Failed(
                f"the signed {name} ({trailer.get(name)!r}) does not match the file "
                f"({value!r}): the export was altered after signing"
            )
    if not report.filtered:
        if report.events and (
            report.last_seq != header["chain_seq"] or last_hash != header["chain_hash"]
        ):
            raise _Failed(
                f"the export ends at seq {report.last_seq}, not at the signed chain "
                f"position {header['chain_seq']}"
            )


def _check_coverage(
    report: ExportReport,
    checkpoints: dict[int, list[Checkpoint]],
    cut: dict[str, Any] | None,
) -> None:
    if cut is not None:
        report.notes.append(
            f"events up to seq {cut['cut_seq']} were purged under the retention policy "
            f"(signed cut of {cut['created_at']}, cutoff {cut['cutoff']})"
        )
    for seq, found in sorted(checkpoints.items()):
        # Held checkpoints below the first exported event: an unfiltered export only starts
        # late behind a signed cut just before it (checked on the first event), so they were
        # purged; one exactly at the cut must carry the cut's hash.
        if cut is not None and seq == cut["cut_seq"]:
            for cp in found:
                if cp.head_hash != cut["cut_hash"]:
                    raise _Failed(
                        f"history rewritten: the retention cut at seq {seq} differs from the "
                        f"checkpoint of {cp.created_at} ({cp.origin})"
                    )
        if report.chain_seq is not None and seq > report.chain_seq:
            raise _Failed(
                f"truncation: the chain ends at seq {report.chain_seq} but a checkpoint "
                f"of {found[0].created_at} ({found[0].origin}) attests seq {seq}"
            )
        if report.chain_seq is not None and seq == report.chain_seq:
            for cp in found:
                if cp.head_hash != report.chain_hash:
                    raise _Failed(
                        f"history rewritten: the chain head at seq {seq} differs from "
                        f"the checkpoint of {cp.created_at} ({cp.origin})"
                    )


def read_checkpoints(path: Path, key: Any) -> list[Checkpoint]:
    """Checkpoints from a JSON-lines list (``GET /v1/audit/checkpoints``) or an older export.

    An older export must verify itself; it contributes its signed end position and its
    checkpoint lines.
    """
    found: list[Checkpoint] = []
    with path.open("rb") as handle:
        first = json.loads(handle.readline() or b"{}")
    if first.get("type") == "header":
        with path.open("rb") as handle:
            old = verify_export(handle, key)
        if not old.ok:
            raise ValueError(f"the older export {path.name} does not verify: {old.error}")
        found.append(
            Checkpoint(
                old.chain_seq,
                old.chain_hash,
                first.get("generated_at", "?"),
                f"older export {path.name}",
            )
        )
        with path.open("rb") as handle:
            for raw in handle:
                data = json.loads(raw)
                if data.get("type") == "checkpoint":
                    found.append(_signed_checkpoint(data, key, f"older export {path.name}"))
        return found
    with path.open("rb") as handle:
        for raw in handle:
            if raw.strip():
                data = json.loads(raw)
                try:
                    found.append(_signed_checkpoint(data, key, f"{path.name}"))
                except _Failed as failure:
                    raise ValueError(str(failure)) from None
    return found


def _lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from handle


def _readable(path: Path, what: str) -> Path:
    if not path.exists():
        raise ValueError(f"{what} {path} does not exist")
    if not path.is_file():
        raise ValueError(f"{what} {path} is not a file")
    return path


def _held_checkpoints(paths: list[str], key: Any) -> list[Checkpoint]:
    found: list[Checkpoint] = []
    for name in paths:
        path = _readable(Path(name), "the checkpoint file")
        try:
            found += read_checkpoints(path, key)
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            raise ValueError(f"the checkpoint file {path} is not usable: {error}") from None
    return found


def run(
    file: str, public_key: str, checkpoints: list[str] | None = None, out: Any = None
) -> int:
    """Verify and print a report; the exit code is 0 only when everything verifies, 1 when the
    export does not verify, 2 when the inputs cannot be used (missing file, bad key)."""
    out = out or sys.stdout  # looked up now: a caller may have replaced it since import
    try:
        key = signing.read_public_key(public_key)
        external = _held_checkpoints(checkpoints or [], key)
        report = verify_export(_lines(_readable(Path(file), "the export file")), key, external)
    except OSError as error:
        message = f"cannot read {error.filename or file}: {error.strerror or error}"
        print(json.dumps({"ok": False, "error": message}, indent=2), file=out)
        return 2
    except ValueError as error:
        print(json.dumps({"ok": False, "error": str(error)}, indent=2), file=out)
        return 2
    print(json.dumps(report.as_dict(), indent=2), file=out)
    return 0 if report.ok else 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the export (JSON lines) to verify")
    parser.add_argument(
        "--public-key", required=True, help="PEM file, or base64 of the raw Ed25519 public key"
    )
    parser.add_argument(
        "--checkpoints",
        action="append",
        default=[],
        help="checkpoint list or older export to compare against (repeatable)",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="verify-export", description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run(args.file, args.public_key, args.checkpoints)


if __name__ == "__main__":
    raise SystemExit(main())
