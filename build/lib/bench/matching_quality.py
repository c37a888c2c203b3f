"""Name-matching quality: our engine, nomenklatura logic-v2 and a plain baseline, side by side.

Run from the repository root:  .venv/bin/python -m bench.matching_quality
Data is read from ``../shared/data`` relative to the repository root, or from the directory in
the ``WATCHLIST_SHARED_DATA`` environment variable. nomenklatura is imported here only (it is
the peer being measured, never a dependency of ``matching/``). Set ``BENCH_PEER_SAMPLE`` to
score logic-v2 on a fixed-seed stratified sample of name_pairs.csv instead of every pair.
"""

from __future__ import annotations

import csv
import itertools
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz

from matching.names import ALGORITHM, DEFAULT_THRESHOLD, compare_names

REPO_ROOT = Path(__file__).resolve().parent.parent
PEER_THRESHOLD = 0.7
BASELINE_THRESHOLD = 0.8
SAMPLE_SEED = 20260508


@dataclass(frozen=True, slots=True)
class Pair:
    a: str
    b: str
    label: int
    kind: str  # our kind: person | organisation
    schema: str  # followthemoney schema for the peer
    variation: str
    script: str
    source: str
    held_out: str  # "train-table" when a derived table may have seen the pair, else "held-out"


def shared_data_dir() -> Path:
    """Directory of the shared data (``WATCHLIST_SHARED_DATA`` or ``../shared/data``)."""
    configured = os.environ.get("WATCHLIST_SHARED_DATA")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"


def _netranslit_training(data: Path) -> set[tuple[str, str]]:
    """(latin, script form) pairs of the netranslit *_80 splits our tables may be built from."""
    seen: set[tuple[str, str]] = set()
    for path in (data / "raw" / "netranslit_coling2018").glob("wd_*_80"):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                fields = line.rstrip("\n").split("\t")
                if len(fields) >= 2:
                    seen.add((fields[0], fields[1].replace(" ", "")))
    return seen


def load_name_pairs(data: Path) -> list[Pair]:
    """The development benchmark, with a held-out flag for rows our tables could have seen."""
    training = _netranslit_training(data)
    pairs = []
    with (data / "pairs" / "name_pairs.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            source = row["source"]
            if source.startswith("rigour"):
                held_out = "train-table"  # our equivalence table is built from rigour
            elif source.startswith("netranslit"):
                seen = (row["name_a"], row["name_b"]) in training
                held_out = "train-table" if seen else "held-out"
            else:
                held_out = "held-out"
            script = "-".join(sorted({row["script_a"], row["script_b"]}))
            if row["script_a"] == row["script_b"]:
                script = f"{row['script_a']}-{row['script_b']}"
            pairs.append(Pair(row["name_a"], row["name_b"], int(row["label"]), "person",
                              "Person", row["variation"], script, source, held_out))
    return pairs


def load_nomenklatura_cases(data: Path) -> list[Pair]:
    """OpenSanctions' labelled cases; every schema other than Person is an organisation."""
    pairs = []
    path = data / "raw" / "nomenklatura" / "name_bench_cases.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            schema = row["schema"]
            kind = "person" if schema == "Person" else "organisation"
            label = 1 if row["is_match"].strip().lower() == "true" else 0
            pairs.append(Pair(row["name1"], row["name2"], label, kind, schema,
                              row["category"] or row["case_group"], "", "nomenklatura",
                              "held-out"))
    return pairs


# --- scorers ------------------------------------------------------------------------------------
def ours(pair: Pair) -> float:
    return compare_names(pair.a, pair.b, kind=pair.kind)


def baseline(pair: Pair) -> float:
    """rapidfuzz token_sort_ratio on anyascii-folded, lower-cased strings."""
    return fuzz.token_sort_ratio(anyascii(pair.a).lower(), anyascii(pair.b).lower()) / 100.0


def make_peer() -> Callable[[Pair], float] | None:
    """nomenklatura logic-v2 on two one-name entities, or None when it is not installed."""
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
        from nomenklatura.matching.types import ScoringConfig
    except ImportError:
        return None
    algorithm = get_algorithm("logic-v2")
    config = ScoringConfig.defaults()
    # logic-v2 caches name analysis by entity id, so every entity needs a fresh one.
    ids = itertools.count()

    def entity(schema: str, name: str):
        proxy = model.make_entity(schema)
        proxy.id = f"bench-{next(ids)}"
        proxy.add("name", name)
        return proxy

    def score(pair: Pair) -> float:
        return float(algorithm.compare(entity(pair.schema, pair.a), entity(pair.schema, pair.b),
                                       config).score)

    return score


# --- metrics ------------------------------------------------------------------------------------
def prf(labels: np.ndarray, scores: np.ndarray, threshold: float) -> tuple[float, float, float]:
    predicted = scores >= threshold
    tp = float(np.sum(predicted & (labels == 1)))
    fp = float(np.sum(predicted & (labels == 0)))
    fn = float(np.sum(~predicted & (labels == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def best_f1(labels: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    best = (0.0, 0.0)
    for threshold in np.unique(np.round(scores, 3)):
        f1 = prf(labels, scores, float(threshold))[2]
        if f1 > best[0]:
            best = (f1, float(threshold))
    return best


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    positives, negatives = scores[labels == 1], scores[labels == 0]
    if not len(positives) or not len(negatives):
        return float("nan")
    order = np.argsort(np.concatenate([positives, negatives]), kind="mergesort")
    ranks = np.empty(len(order))
    values = np.concatenate([positives, negatives])[order]
    ranks[order] = np.arange(1, len(order) + 1)
    # Average ranks of ties.
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks[order])
    ranks[order] = (sums / counts)[inverse]
    rank_sum = ranks[: len(positives)].sum()
    return float((rank_sum - len(positives) * (len(positives) + 1) / 2)
                 / (len(positives) * len(negatives)))


@dataclass
class Engine:
    name: str
    threshold: float
    score: Callable[[Pair], float]


def _score_all(engine: Engine, pairs: list[Pair]) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    scores = np.array([engine.score(pair) for pair in pairs], dtype=float)
    return scores, time.perf_counter() - started


def stratified_sample(pairs: list[Pair], size: int) -> list[int]:
    """Fixed-seed sample, proportional in every (label, variation, script) stratum."""
    strata: dict[tuple, list[int]] = defaultdict(list)
    for index, pair in enumerate(pairs):
        strata[(pair.label, pair.variation, pair.script)].append(index)
    rng = random.Random(SAMPLE_SEED)
    chosen: list[int] = []
    fraction = min(1.0, size / len(pairs))
    for key in sorted(strata):
        members = strata[key]
        take = max(1, round(len(members) * fraction))
        chosen.extend(rng.sample(members, min(take, len(members))))
    return sorted(chosen)


def _group_table(
    report: Callable[[str], None],
    title: str,
    groups: Iterable[str],
    pairs: list[Pair],
    results: dict[str, tuple[list[int], np.ndarray]],
    engines: list[Engine],
    key: Callable[[Pair], str],
) -> None:
    """Per group: n, then for each engine recall on positives / true-negative rate / F1."""
    header = f"  {title:<34}{'n+':>6}{'n-':>6}"
    for engine in engines:
        header += f" | {engine.name[:12]:>12} R    TNR   F1 "
    report(header)
    for group in groups:
        line = ""
        counts = None
        for engine in engines:
            indexes, scores = results[engine.name]
            members = [(pairs[i].label, s) for i, s in zip(indexes, scores, strict=True)
                       if key(pairs[i]) == group]
            labels = np.array([m[0] for m in members])
            values = np.array([m[1] for m in members])
            if counts is None:
                counts = (int(np.sum(labels == 1)), int(np.sum(labels == 0)))
            predicted = values >= engine.threshold
            pos, neg = labels == 1, labels == 0
            recall = np.mean(predicted[pos]) if pos.any() else float("nan")
            tnr = np.mean(~predicted[neg]) if neg.any() else float("nan")
            f1 = prf(labels, values, engine.threshold)[2] if pos.any() else float("nan")
            line += f" | {'':>12} {_fmt(recall)} {_fmt(tnr)} {_fmt(f1)}"
        report(f"  {group:<34}{counts[0]:>6}{counts[1]:>6}{line}")


def _fmt(value: float) -> str:
    return "  -  " if value != value else f"{value:.3f}"


def _evaluate(
    report: Callable[[str], None],
    title: str,
    pairs: list[Pair],
    engines: list[Engine],
    peer_indexes: list[int] | None,
    breakdowns: list[tuple[str, Callable[[Pair], str]]],
) -> dict[str, dict[str, float]]:
    report(f"\n== {title}: {len(pairs)} pairs ==")
    results: dict[str, tuple[list[int], np.ndarray]] = {}
    figures: dict[str, dict[str, float]] = {}
    for engine in engines:
        indexes = list(range(len(pairs)))
        if engine.name == "logic-v2" and peer_indexes is not None:
            indexes = peer_indexes
        scores, seconds = _score_all(engine, [pairs[i] for i in indexes])
        labels = np.array([pairs[i].label for i in indexes])
        precision, recall, f1 = prf(labels, scores, engine.threshold)
        best, best_at = best_f1(labels, scores)
        auc = roc_auc(labels, scores)
        share_one = float(np.mean(scores[labels == 1] >= 0.9999)) if (labels == 1).any() else 0.0
        sampled = f" (stratified sample of {len(indexes)}, seed {SAMPLE_SEED})" \
            if len(indexes) != len(pairs) else ""
        report(f"  {engine.name:<28} thr {engine.threshold:.2f}  P {precision:.3f}  "
               f"R {recall:.3f}  F1 {f1:.3f}  best F1 {best:.3f} @ {best_at:.2f}  "
               f"AUC {auc:.3f}  positives at 1.0: {share_one:.0%}  "
               f"{len(indexes) / seconds:,.0f} pairs/s{sampled}")
        figures[engine.name] = {"precision": precision, "recall": recall, "f1": f1,
                                "best_f1": best, "auc": auc}
        results[engine.name] = (indexes, scores)
    for label, key in breakdowns:
        groups = sorted({key(pair) for pair in pairs})
        _group_table(report, label, groups, pairs, results, engines, key)
    return figures


def run(report: Callable[[str], None] = print) -> dict[str, dict[str, dict[str, float]]]:
    """Print the quality comparison through ``report`` (one line per call); return the figures."""
    data = shared_data_dir()
    if not (data / "pairs" / "name_pairs.csv").exists():
        report(f"shared data not found at {data}: set WATCHLIST_SHARED_DATA")
        return {}
    engines = [Engine(ALGORITHM, DEFAULT_THRESHOLD, ours)]
    peer = make_peer()
    if peer is not None:
        started = time.perf_counter()
        peer(Pair("warm up", "warm up", 1, "person", "Person", "", "", "", ""))
        report(f"logic-v2 loaded in {time.perf_counter() - started:.1f}s (reference data)")
        engines.append(Engine("logic-v2", PEER_THRESHOLD, peer))
    else:
        report("nomenklatura is not installed: logic-v2 columns are skipped "
               "(pip install -e '.[bench]')")
    engines.append(Engine("token_sort+anyascii", BASELINE_THRESHOLD, baseline))

    name_pairs = load_name_pairs(data)
    sample_size = int(os.environ.get("BENCH_PEER_SAMPLE", "0"))
    peer_indexes = stratified_sample(name_pairs, sample_size) if sample_size else None
    report(f"{ALGORITHM} threshold {DEFAULT_THRESHOLD} (matching.names.DEFAULT_THRESHOLD, fixed "
           f"before any benchmark run); logic-v2 at its own {PEER_THRESHOLD}; baseline at "
           f"{BASELINE_THRESHOLD}. 'best F1' thresholds are shown for information only.")
    report("logic-v2 is scored on " + (
        f"a stratified sample of {sample_size} pairs (seed {SAMPLE_SEED})" if sample_size
        else "every pair (no sampling)") + ". Rows marked train-table come from resources our "
        "equivalence table was built from (rigour groups, netranslit *_80): read the held-out "
        "rows for generalisation.")
    figures = {
        "name_pairs": _evaluate(
            report, "pairs/name_pairs.csv", name_pairs, engines, peer_indexes,
            [("variation (positives: R, negatives: TNR)", lambda p: f"{p.label}|{p.variation}"),
             ("script pair", lambda p: p.script),
             ("provenance (table-source rows)", lambda p: f"{p.source}|{p.held_out}")],
        ),
        "nomenklatura": _evaluate(
            report, "raw/nomenklatura/name_bench_cases.csv", load_nomenklatura_cases(data),
            engines, None,
            [("schema", lambda p: p.schema),
             ("person / organisation", lambda p: p.kind)],
        ),
    }
    return figures


if __name__ == "__main__":
    run(lambda line: print(line, flush=True))
    sys.exit(0)
