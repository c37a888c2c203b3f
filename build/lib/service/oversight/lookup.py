"""Find other features' ORM models by name, tolerating features that are not installed yet."""

from __future__ import annotations

import importlib
from typing import Any

MODULES = ("service.models", "service.models.policy", "service.models.screening")


def model(name: str) -> Any:
    """The mapped class called ``name`` in one of the model modules, or None."""
    for module_name in MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        found = getattr(module, name, None)
        if found is not None:
            return found
    return None
