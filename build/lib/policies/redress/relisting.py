"""RD-no-moot: a person delisted through redress is not re-listed on the same facts.

Delisting someone to escape review and listing them again later is a documented pattern. The
guard compares a fingerprint of the derogatory facts and requires *new* material, linked by id,
that was not part of the facts the redress delisting was about. Both conditions must hold:
a rewording changes the fingerprint but adds no material; linking a new document that is not
reflected in the facts leaves the fingerprint unchanged.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from policies.errors import PolicyConflict


def derogatory_fingerprint(facts: Iterable[str]) -> str:
    """A stable hash of the derogatory facts, insensitive to order, case and spacing.

    Only the hash is kept after erasure, so the guard works without keeping the facts.
    """
    normalised = sorted(
        " ".join(unicodedata.normalize("NFKC", fact).casefold().split())
        for fact in facts
        if fact and fact.strip()
    )
    digest = hashlib.sha256("\x1f".join(normalised).encode("utf-8")).hexdigest()
    return f"sha256:{digest}"


@dataclass(frozen=True)
class RedressDelisting:
    """What is kept about a delisting through redress so a re-listing can be checked."""

    delisted_at: datetime
    facts_fingerprint: str
    material_ids: frozenset[str]


def check_relisting(
    prior: RedressDelisting | None,
    *,
    facts_fingerprint: str,
    linked_material_ids: Iterable[str],
) -> None:
    """Refuse a nomination that would re-list a person delisted through redress unless new
    material is added and linked. ``prior`` is None when there was no such delisting."""
    if prior is None:
        return
    new_material = set(linked_material_ids) - prior.material_ids
    if facts_fingerprint == prior.facts_fingerprint:
        raise PolicyConflict("relisting_same_facts", "this person was delisted through redress "
                             "on these same facts; re-listing needs new derogatory material "
                             "(RD-no-moot)", field="derogatory_items")
    if not new_material:
        raise PolicyConflict("relisting_without_new_material", "this person was delisted "
                             "through redress; re-listing needs new material linked by id that "
                             "was not before the redress decision (RD-no-moot)",
                             field="linked_material_ids")
