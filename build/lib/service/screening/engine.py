"""The matching library's public API, as the service uses it (``matching`` is a pure library)."""

from __future__ import annotations

import importlib
from typing import Any


def index_class() -> Any:
    """``matching.Index`` (falling back to its defining module while the package settles)."""
    import matching

    found = getattr(matching, "Index", None)
    return found if found is not None else importlib.import_module("matching.index").Index


def default_threshold() -> float:
    import matching

    found = getattr(matching, "DEFAULT_THRESHOLD", None)
    if found is None:
        found = importlib.import_module("matching.record").DEFAULT_THRESHOLD
    return float(found)
