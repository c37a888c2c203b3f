"""The signed audit export format (``watchlist-audit-export/v1``). Pure: no database.

A JSON-lines file:

1. a ``header`` line: format, generation time, filters, and the chain position the export ends
   at (``chain_seq``/``chain_hash``: the head of the whole chain when the export was taken);
2. ``checkpoint`` lines: every signed checkpoint up to that position (seq, head hash, time,
   signature), so a later reader can compare chains without the database;
   and, after a retention purge, one ``retention_cut`` line: the latest signed cut (cut_seq,
   cut_hash, cutoff, time, signature) that accounts for the events missing before the first
   exported one (``service.audit.cuts``);
3. ``event`` lines: audit events, oldest first, exactly as hashed (``occurred_at`` in the
   canonical form the chain hashes); an erasable free-text purpose is hashed as its salted
   ``purpose_digest`` and carried, until it is erased, as ``purpose_text`` and ``purpose_salt``;
4. a final ``signature`` line: the SHA-256 of every byte before it, the line and event counts, the
   first/last exported sequence number and hash, and the chain position, signed with Ed25519.

The signer hashes lines as they stream, so the export needs constant memory however long it is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from service.audit.chain import HASHED_FIELDS, canonical_time
from service.oversight import signing

FORMAT = "watchlist-audit-export/v1"
EVENT_FIELDS = (*HASHED_FIELDS, "hash")


def dumps_line(value: Mapping[str, Any]) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def header_line(
    *, generated_at: str, filters: dict[str, Any], chain_seq: int, chain_hash: str, key_id: str
) -> str:
    return dumps_line(
        {
            "type": "header",
            "format": FORMAT,
            "generated_at": generated_at,
            "filters": filters,
            "chain_seq": chain_seq,
            "chain_hash": chain_hash,
            "key_id": key_id,
            "algorithm": signing.ALGORITHM,
        }
    )


def checkpoint_line(
    *, seq: int, head_hash: str, created_at: str, key_id: str, signature: str
) -> str:
    return dumps_line(
        {
            "type": "checkpoint",
            "seq": seq,
            "head_hash": head_hash,
            "created_at": created_at,
            "key_id": key_id,
            "signature": signature,
        }
    )


def retention_cut_line(cut: Mapping[str, Any]) -> str:
    """``cut`` as ``service.audit.recorder.cut_as_dict`` gives it (signature may be None)."""
    return dumps_line({"type": "retention_cut", **cut})


def event_line(event: Mapping[str, Any], text: Any = None) -> str:
    """An event exactly as hashed; with ``purpose_text`` and ``purpose_salt`` while its erasable
    text (``text``, an ``audit_texts`` row) exists, so a verifier checks it against the digest."""
    row = {field: event.get(field) for field in EVENT_FIELDS}
    row["occurred_at"] = canonical_time(row["occurred_at"])
    row["type"] = "event"
    if text is not None:
        row["purpose_text"], row["purpose_salt"] = text.purpose, text.salt
    return dumps_line(row)


class ExportSigner:
    """Hashes the lines of an export as they pass and produces the signed final line."""

    def __init__(self, *, chain_seq: int, chain_hash: str, filtered: bool) -> None:
        self._digest = hashlib.sha256()
        self.lines = 0
        self.events = 0
        self.first_seq: int | None = None
        self.last_seq: int | None = None
        self.last_hash: str | None = None
        self.chain_seq = chain_seq
        self.chain_hash = chain_hash
        self.filtered = filtered

    def feed(self, line: str, event: Mapping[str, Any] | None = None) -> str:
        self._digest.update(line.encode("utf-8"))
        self.lines += 1
        if event is not None:
            self.events += 1
            if self.first_seq is None:
                self.first_seq = event["seq"]
            self.last_seq = event["seq"]
            self.last_hash = event["hash"]
        return line

    def payload(self, key_id: str) -> dict[str, Any]:
        return trailer_payload(
            lines=self.lines,
            sha256=self._digest.hexdigest(),
            events=self.events,
            first_seq=self.first_seq,
            last_seq=self.last_seq,
            last_hash=self.last_hash,
            chain_seq=self.chain_seq,
            chain_hash=self.chain_hash,
            filtered=self.filtered,
            key_id=key_id,
        )

    def signature_line(self, private_key: Any) -> str:
        key_id = signing.key_id(private_key.public_key())
        payload = self.payload(key_id)
        return dumps_line({**payload, "signature": signing.sign(private_key, payload)})


def trailer_payload(
    *,
    lines: int,
    sha256: str,
    events: int,
    first_seq: int | None,
    last_seq: int | None,
    last_hash: str | None,
    chain_seq: int,
    chain_hash: str,
    filtered: bool,
    key_id: str,
) -> dict[str, Any]:
    """Exactly the fields the final signature covers."""
    return {
        "type": "signature",
        "format": FORMAT,
        "algorithm": signing.ALGORITHM,
        "key_id": key_id,
        "lines": lines,
        "sha256": sha256,
        "events": events,
        "first_seq": first_seq,
        "last_seq": last_seq,
        "last_hash": last_hash,
        "chain_seq": chain_seq,
        "chain_hash": chain_hash,
        "filtered": filtered,
    }
