"""Watchlist name and record matching: a pure library (no service, web or database imports).

Public API (stable: benchmarks outside the project call it):

* ``compare_names(a, b, *, kind="person") -> float``: name similarity under ``names-v1``;
* ``compare(query, candidate) -> Match``: record similarity under ``record-v1`` (names, birth
  dates, nationality, gender, identity documents) with a per-feature explanation;
* ``DEFAULT_THRESHOLD``: the score at and above which a pair is a possible match;
* ``Index``: a whole watchlist, updated incrementally and searched concurrently.
"""

from matching.index import Hit, Index
from matching.names import ALGORITHM as NAME_ALGORITHM
from matching.names import compare_names
from matching.record import (
    ALGORITHM,
    DEFAULT_THRESHOLD,
    VERSION,
    FeatureExplanation,
    Match,
    band_for,
    compare,
)

__all__ = [
    "ALGORITHM",
    "DEFAULT_THRESHOLD",
    "NAME_ALGORITHM",
    "VERSION",
    "FeatureExplanation",
    "Hit",
    "Index",
    "Match",
    "band_for",
    "compare",
    "compare_names",
]
