"""Equivalent-name groups: which folded spellings are renderings of the same given/family name.

The table is derived from public name resources by ``matching/build_tables.py`` and shipped in
``matching/data/`` (attribution and licences in ``matching/data/ATTRIBUTION.md``). It is loaded
once, lazily, as plain strings; a spelling's group ids are parsed only when a name containing it
is prepared, which keeps start-up and memory small.
"""

from __future__ import annotations

import gzip
import threading
from functools import lru_cache
from pathlib import Path

__all__ = ["groups_of", "table_key"]

_TABLE = Path(__file__).parent / "data" / "name_groups.tsv.gz"
_EMPTY: frozenset[int] = frozenset()
_lock = threading.Lock()
_groups: dict[str, str] | None = None


def _load() -> dict[str, str]:
    global _groups
    with _lock:
        if _groups is None:
            table: dict[str, str] = {}
            if _TABLE.exists():
                with gzip.open(_TABLE, "rt", encoding="utf-8") as handle:
                    table = dict(line.rstrip("\n").split("\t", 1) for line in handle)
            _groups = table
    return _groups


def table_key(folded: str, writing: str = "full") -> str:
    """Key of a folded token in the table: romanisations of abjad or syllabic scripts get a
    prefix, so that a consonant skeleton (سميث -> "smith") never collides with a Latin name."""
    return folded if writing == "full" else f"{writing[0]}:{folded}"


@lru_cache(maxsize=65536)
def groups_of(key: str) -> frozenset[int]:
    """Ids of the equivalent-name groups of a table key (see ``table_key``; empty if unknown)."""
    table = _groups if _groups is not None else _load()
    ids = table.get(key)
    if ids is None:
        return _EMPTY
    return frozenset(int(x, 36) for x in ids.split(","))
