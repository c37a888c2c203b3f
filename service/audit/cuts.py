"""Retention cuts: the service's signed statement that the audit events up to ``cut_seq`` were
purged under the retention policy (LG-retention, LG-input-control). Pure: used by the service
and by the offline export verifier (no database, no SQLAlchemy).

Events may be missing from the start of the chain only when all three hold:

1. a retention cut names the position: ``cut_seq`` is the last purged event and ``cut_hash``
   its hash, which is the ``prev_hash`` of the first kept event;
2. the cut is signed with the service's Ed25519 key, which lives outside the database
   (``service.oversight.keys``);
3. a chained ``audit.purge`` event after the cut names the same ``cut_seq`` and ``cut_hash``,
   so the purge is part of the history that later checkpoints and exports sign.

What this does and does not stop. Anyone who can write to the database but does not hold the
signing key can no longer make a deletion look like a purge: the insert trigger refuses an
unsigned cut or one at an invented position, and every verifier refuses a cut whose signature
does not verify. A hash chain alone cannot stop someone who can disable triggers and recompute
every hash (a database superuser): they can rewrite or empty the whole trail and reset
``audit_head``, and the stored chain then verifies. What still detects that is what they cannot
recompute: signatures, and the signed checkpoints and exports that oversight holds outside the
database (``watchlist audit verify-export --checkpoints``). Whoever holds the signing key file
as well can forge those too; keep the key off the database host and the exports with oversight.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.oversight import signing

PAYLOAD_TYPE = "watchlist-audit-retention-cut/v1"
PURGE_ACTION = "audit.purge"


def cut_payload(cut: Mapping[str, Any]) -> dict[str, Any]:
    """Exactly what a retention cut's signature covers (times as canonical strings)."""
    return {
        "type": PAYLOAD_TYPE,
        "cut_seq": cut["cut_seq"],
        "cut_hash": cut["cut_hash"],
        "cutoff": cut["cutoff"],
        "purged_events": cut["purged_events"],
        "created_at": cut["created_at"],
        "key_id": cut["key_id"],
    }


def sign_cut(private_key: Any, cut: Mapping[str, Any]) -> tuple[str, str]:
    """(key_id, signature) for a cut given without them."""
    kid = signing.key_id(private_key.public_key())
    return kid, signing.sign(private_key, cut_payload({**cut, "key_id": kid}))


def cut_problem(cut: Mapping[str, Any], public_key: Any | None) -> str | None:
    """Why this cut does not account for the events below it, or None when it is valid."""
    where = f"the retention cut at seq {cut['cut_seq']}"
    if not cut.get("signature") or not cut.get("key_id"):
        return (
            f"{where} is not signed (inserted by hand, or recorded before signed cuts): the "
            f"events up to seq {cut['cut_seq']} are missing without a signed purge"
        )
    if public_key is None:
        return f"{where} cannot be checked without the audit signing public key"
    if cut["key_id"] != signing.key_id(public_key):
        return f"{where} is signed by another key ({cut['key_id']})"
    if not signing.verify(public_key, cut_payload(cut), cut["signature"]):
        return (
            f"{where} has an invalid signature: the events up to seq {cut['cut_seq']} were "
            "deleted without a signed purge"
        )
    return None


def names_cut(event: Mapping[str, Any], cut: Mapping[str, Any]) -> bool:
    """Is this event the successful, chained ``audit.purge`` that made this cut?"""
    details = event.get("details") or {}
    return (
        event.get("action") == PURGE_ACTION
        and event.get("outcome") == "success"
        and details.get("cut_seq") == cut["cut_seq"]
        and details.get("cut_hash") == cut["cut_hash"]
    )
