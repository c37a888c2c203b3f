"""Equivalent-name groups: which canonical tokens are renderings of the same given/family name.

The table is derived from public name resources by ``matching/build_tables.py`` and shipped in
``matching/data/``; see the attribution file beside it. It is loaded once, lazily.
"""

from __future__ import annotations

import gzip
import threading
from pathlib import Path

__all__ = ["groups_of"]

_TABLE = Path(__file__).parent / "data" / "name_groups.tsv.gz"
_EMPTY: frozenset[int] = frozenset()
_lock = threading.Lock()
_groups: dict[str, frozenset[int]] | None = None


def _load() -> dict[str, frozenset[int]]:
    global _groups
    with _lock:
        if _groups is None:
            table: dict[str, frozenset[int]] = {}
            if _TABLE.exists():
                with gzip.open(_TABLE, "rt", encoding="utf-8") as handle:
                    for line in handle:
                        token, _, ids = line.rstrip("\n").partition("\t")
                        table[token] = frozenset(int(x, 36) for x in ids.split(","))
            _groups = table
    return _groups


def groups_of(token: str) -> frozenset[int]:
    """Ids of the equivalent-name groups a canonical token belongs to (empty if unknown)."""
    table = _groups if _groups is not None else _load()
    return table.get(token, _EMPTY)
