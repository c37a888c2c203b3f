"""Small-count suppression for published figures (OV-console, MT-outcome-stats). Pure.

Primary suppression: a count between 1 and ``threshold - 1`` is published as ``"<threshold"``,
so that no individual can be singled out; zero identifies nobody and is published.

Complementary suppression: a count hidden alone in a group that adds up to a published total
could be recovered by subtraction, so every group with a hidden count hides at least one more
(the smallest other count, published as ``"suppressed"``), repeated until it holds everywhere.
The groups are:

* a breakdown: a dict whose values are all counts (``by_status``, ``deadline_compliance``...);
* the same count across sibling breakdown groups (``by_nationality.JO.screened``, ``...FR...``);
* the declared parts of one figure (``false_positive + confirmed + inconclusive =
  hits_decided``).

A figure derived from counts (a rate, or ``extensions = retain + modify``) is hidden when any
of its inputs is hidden: a rate becomes null, a derived count ``"suppressed"``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

SECONDARY = "suppressed"

Path = tuple[str, ...]

# Parts of one figure that add up to another figure of the same dict.
PARTS = (("false_positive", "confirmed", "inconclusive"),)
# Rates and derived counts: name -> the sibling counts they are computed from ("a/b" reaches
# into a sibling dict).
DERIVED = {
    "hit_rate": ("with_hits", "screened"),
    "false_positive_rate": ("false_positive", "hits_decided"),
    "extensions": ("by_outcome/retain", "by_outcome/modify"),
}


def publish_count(count: int, threshold: int) -> int | str:
    return f"<{threshold}" if 0 < count < threshold else count


def publish_rate(numerator: int, denominator: int, threshold: int) -> float | None:
    if denominator == 0:
        return None
    if 0 < numerator < threshold or 0 < denominator < threshold:
        return None
    return round(numerator / denominator, 4)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _counts(value: Any, path: Path = ()) -> Iterator[tuple[Path, int]]:
    if _is_count(value):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _counts(item, (*path, str(key)))


def _groups(value: Any, path: Path = ()) -> Iterator[list[tuple[Path, int]]]:
    """Every group of counts that adds up to something published (see the module doc)."""
    if not isinstance(value, dict):
        return
    items = {str(key): item for key, item in value.items()}
    if len(items) > 1 and all(_is_count(item) for item in items.values()):
        yield [((*path, key), item) for key, item in items.items()]
    for parts in PARTS:
        if all(_is_count(items.get(part)) for part in parts):
            yield [((*path, part), items[part]) for part in parts]
    children = [item for item in items.values() if isinstance(item, dict)]
    if len(children) > 1 and len(children) == len(items):
        shared = set.intersection(*(set(map(str, child)) for child in children))
        for metric in sorted(shared):
            cells = [((*path, key, metric), child[metric]) for key, child in items.items()
                     if _is_count(child.get(metric))]
            if len(cells) > 1:
                yield cells
    for key, item in items.items():
        yield from _groups(item, (*path, key))


def _derived(value: Any, path: Path = ()) -> Iterator[tuple[Path, list[Path]]]:
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        key = str(key)
        if key in DERIVED and (_is_count(item) or isinstance(item, float) or item is None):
            yield (*path, key), [(*path, *name.split("/")) for name in DERIVED[key]]
        yield from _derived(item, (*path, key))


def hidden_counts(value: Any, threshold: int) -> tuple[set[Path], set[Path]]:
    """(primary, secondary): the paths of the counts to hide in ``value``."""
    primary = {path for path, count in _counts(value) if 0 < count < threshold}
    hidden = set(primary)
    groups = list(_groups(value))
    derived = list(_derived(value))
    changed = True
    while changed:
        changed = False
        for figure, inputs in derived:
            if figure not in hidden and any(path in hidden for path in inputs):
                hidden.add(figure)
                changed = True
        for cells in groups:
            inside = [path for path, _ in cells if path in hidden]
            if len(inside) == 1:
                others = sorted((count, path) for path, count in cells if path not in hidden)
                if others:
                    hidden.add(others[0][1])
                    changed = True
    return primary, hidden - primary


def suppress(value: Any, threshold: int) -> Any:
    """Publishable copy of a nested report: primary and complementary suppression of counts;
    rates built on a hidden count become null."""
    primary, secondary = hidden_counts(value, threshold)

    def render(item: Any, path: Path) -> Any:
        if isinstance(item, dict):
            return {key: render(child, (*path, str(key))) for key, child in item.items()}
        if isinstance(item, list):
            return [render(child, path) for child in item]
        if path in primary:
            return f"<{threshold}"
        if path in secondary:
            return SECONDARY if _is_count(item) else None  # a rate is null
        return item

    return render(value, ())
