"""Small-count suppression for published figures (OV-console, MT-outcome-stats).

A count between 1 and ``threshold - 1`` is published as ``"<threshold"``, so that no individual
can be singled out; zero identifies nobody and is published. A rate is published only when
both of its counts are publishable. Pure: no database.
"""

from __future__ import annotations

from typing import Any


def publish_count(count: int, threshold: int) -> int | str:
    return f"<{threshold}" if 0 < count < threshold else count


def publish_rate(numerator: int, denominator: int, threshold: int) -> float | None:
    if denominator == 0:
        return None
    if 0 < numerator < threshold or 0 < denominator < threshold:
        return None
    return round(numerator / denominator, 4)


def suppress(value: Any, threshold: int) -> Any:
    """Suppress every integer count in a nested report; floats (rates) are left as computed."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return publish_count(value, threshold)
    if isinstance(value, dict):
        return {key: suppress(item, threshold) for key, item in value.items()}
    if isinstance(value, list):
        return [suppress(item, threshold) for item in value]
    return value
