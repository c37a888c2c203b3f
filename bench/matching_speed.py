"""Matching speed: name pairs per second beside logic-v2, and ``Index.search`` at scale.

Run from the repository root (one process, one thread):

    .venv/bin/python -m bench.matching_speed                     # 10 k, 100 k and 1 M records
    .venv/bin/python -m bench.matching_speed --max-records 100000   # quick run

Prints, per index size: build time (and the share spent preparing names), resident memory
(psutil RSS delta), ``search`` latency p50/p99 for single-name queries (perturbed variants of
indexed names: typos, reordering, transliteration, dropped middle names, particles), and
candidate recall: the share of true matches (score >= threshold when every record is scored,
brute force) that candidate generation hands to the scorer.

Records are synthetic, recombined from the real list names in ``../shared/data/lists``
(``bench.synthetic``), with a fixed seed.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import random
import statistics
import sys
import time
from collections.abc import Callable

import psutil

from bench.synthetic import load_pools, perturb, shared_data_dir, synthetic_records
from matching import DEFAULT_THRESHOLD, Index, compare_names
from matching.names import score_prepared
from matching.record import parse_record

SIZES = (10_000, 100_000, 1_000_000)
RESULT_LIMIT = 10
SEED = 20260508
Report = Callable[[str], None]


# --- name pairs per second ------------------------------------------------------------------


def _pairs_sample(count: int) -> list:
    from bench.matching_quality import load_name_pairs

    pairs = load_name_pairs(shared_data_dir())
    return random.Random(SEED).sample(pairs, min(count, len(pairs)))


def measure_pair_speed(report: Report, *, pairs: int) -> dict[str, float]:
    """Pairs per second on distinct labelled pairs, each scored once (caches stay cold-ish)."""
    sample = _pairs_sample(pairs)
    figures: dict[str, float] = {}
    compare_names("warm up", "warm up")  # loads the name tables: not part of the per-pair cost
    started = time.thread_time()
    for pair in sample:
        compare_names(pair.a, pair.b, kind=pair.kind)
    elapsed = time.thread_time() - started
    figures["ours_pairs_per_s"] = len(sample) / elapsed
    report(f"  names-v1 compare_names   {len(sample) / elapsed:>9,.0f} pairs/s  "
           f"({elapsed / len(sample) * 1e6:,.0f} µs a pair, {len(sample):,} distinct pairs)")
    try:
        from bench.matching_quality import make_peer
        peer = make_peer()
    except ImportError:
        peer = None
    if peer is None:
        report("  logic-v2: nomenklatura not installed (pip install -e '.[bench]')")
        return figures
    peer(sample[0])  # loads its reference data: not part of the per-pair cost
    started = time.thread_time()
    for pair in sample[1:]:
        peer(pair)
    elapsed = time.thread_time() - started
    count = len(sample) - 1
    figures["logic_v2_pairs_per_s"] = count / elapsed
    report(f"  logic-v2 (nomenklatura)  {count / elapsed:>9,.0f} pairs/s  "
           f"({elapsed / count * 1e6:,.0f} µs a pair, fresh entities, same pairs)")
    return figures


# --- index --------------------------------------------------------------------------------


def _rss() -> int:
    gc.collect()
    return psutil.Process().memory_info().rss


def _queries(records: list[tuple[str, dict]], count: int, seed: int) -> list[tuple[str, str]]:
    """(source record id, perturbed name) pairs, from records already indexed."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        record_id, record = rng.choice(records)
        out.append((record_id, perturb(rng.choice(record["names"]), rng)))
    return out


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _brute_force_matches(index: Index, parsed, all_names, threshold: float) -> dict[int, float]:
    """Record number -> best name score, for records at or above the threshold, scoring every
    name of every record."""
    weight = index._token_weight(parsed)
    found = {}
    for number, names in all_names:
        best = max((score_prepared(q, name, token_weight=weight).score
                    for q in parsed.names for name in names), default=0.0)
        if best >= threshold:
            found[number] = best
    return found


def _all_names(index: Index) -> list[tuple[int, list]]:
    store = index._store
    out = []
    for number in store.live.values():
        first = int(store.record_first_slot.data[number])
        end = int(store.record_end_slot.data[number])
        out.append((number, [store.prepared(slot) for slot in range(first, end)]))
    return out


def measure_recall(report: Report, index: Index, queries, *, threshold: float) -> dict:
    """Candidate recall against a brute-force scan of every record, on sampled queries.

    Three figures: the share of all true matches (score >= threshold when every record is
    scored) that candidate generation returns, which cannot reach 100 % for a query with more
    true matches than a search returns; the share of queries with at most RESULT_LIMIT true
    matches whose true matches are all found; and top-k score recall, the share of the
    brute-force top-k scores that the search's own top-k reaches (rank by rank; records with
    equal scores are interchangeable, so ties do not count as misses).
    """
    all_names = _all_names(index)
    true_total = found_total = top_total = top_found = small = small_found = 0
    started = time.perf_counter()
    for _, name in queries:
        parsed = parse_record({"names": [name]})
        truth = _brute_force_matches(index, parsed, all_names, threshold)
        candidates = index.candidates(parsed, threshold=threshold)
        true_total += len(truth)
        found_total += len(truth.keys() & candidates.keys())
        hits = index.search({"names": [name]}, limit=RESULT_LIMIT, threshold=threshold)
        got = sorted((hit.score for hit in hits), reverse=True)
        best = sorted(truth.values(), reverse=True)[:RESULT_LIMIT]
        top_total += len(best)
        top_found += sum(1 for rank, score in enumerate(best)
                         if rank < len(got) and got[rank] >= score - 1e-6)
        if 0 < len(truth) <= RESULT_LIMIT:
            small += 1
            small_found += truth.keys() <= candidates.keys()
    recall = found_total / true_total if true_total else float("nan")
    top_recall = top_found / top_total if top_total else float("nan")
    small_recall = small_found / small if small else float("nan")
    report(f"    candidate recall vs brute force ({len(queries)} queries, every record scored, "
           f"{time.perf_counter() - started:.0f}s): top-{RESULT_LIMIT} score recall "
           f"{top_recall:.2%} of {top_total:,} ranks; all true matches found for "
           f"{small_recall:.2%} of the {small} queries with 1-{RESULT_LIMIT} of them; "
           f"{recall:.2%} of all {true_total:,} true matches are candidates")
    return {"brute_force_recall": recall, "brute_force_true_matches": true_total,
            "brute_force_top_score_recall": top_recall, "brute_force_small_recall": small_recall}


def measure_index(report: Report, *, max_records: int, queries: int, recall_queries: int,
                  threshold: float = DEFAULT_THRESHOLD) -> dict:
    """Grow one index through each size, measuring build, memory, latency and recall."""
    sizes = [s for s in SIZES if s <= max_records] or [max_records]
    pools = load_pools()
    stream = synthetic_records(sizes[-1], seed=SEED, pools=pools)
    index = Index()
    indexed: list[tuple[str, dict]] = []
    baseline = _rss()
    build_seconds = build_cpu = 0.0
    figures: dict[int, dict] = {}
    for size in sizes:
        started = time.perf_counter()
        chunk = list(itertools.islice(stream, size - len(indexed)))
        generate_seconds = time.perf_counter() - started
        sample = chunk[: min(2000, len(chunk))]
        started = time.thread_time()
        for _, record in sample:
            parse_record(record)
        prepare_share = (time.thread_time() - started) / len(sample) * len(chunk)
        started, started_cpu = time.perf_counter(), time.process_time()
        index.add_many(chunk)
        build_seconds += time.perf_counter() - started
        build_cpu += time.process_time() - started_cpu
        # Keep only what queries need (their names); the records themselves are freed.
        indexed.extend((rid, {"names": rec["names"]}) for rid, rec in chunk)
        del chunk
        memory = _rss() - baseline
        stage = figures[size] = {"build_cpu_s": build_cpu, "build_wall_s": build_seconds,
                                 "rss_mb": memory / 2**20}
        report(f"  {size:>9,} records ({index._store.live_names:,} names): build CPU "
               f"{build_cpu:.1f}s, wall {build_seconds:.1f}s (cumulative; of this step about "
               f"{prepare_share:.0f}s CPU is name preparation by names-v1; records generated "
               f"in {generate_seconds:.0f}s outside the timing), RSS +{memory / 2**20:,.0f} MB")
        stage.update(_measure_latency(report, index, indexed, queries, threshold))
        if size <= 100_000 and recall_queries:
            count = recall_queries if size <= 10_000 else max(10, recall_queries // 3)
            stage.update(measure_recall(report, index, _queries(indexed, count, SEED + size),
                                        threshold=threshold))
    return figures


def _measure_latency(report: Report, index: Index, indexed, count: int, threshold: float):
    queries = _queries(indexed, count, SEED)
    for _, name in queries[:20]:  # warm-up: lazy tables, allocator
        index.search({"names": [name]}, threshold=threshold)
    latencies, cpu, candidate_counts = [], [], []
    own_found = own_true = 0
    for record_id, name in queries:
        started, started_cpu = time.perf_counter(), time.thread_time()
        index.search({"names": [name]}, threshold=threshold)
        cpu.append(time.thread_time() - started_cpu)
        latencies.append(time.perf_counter() - started)
        parsed = parse_record({"names": [name]})
        candidates = index.candidates(parsed, threshold=threshold)
        candidate_counts.append(len(candidates))
        # The record the query was made from: is it a true match, and a candidate?
        number = index._store.live[record_id]
        source = _all_names_of(index, number)
        weight = index._token_weight(parsed)
        if any(score_prepared(parsed.names[0], n, token_weight=weight).score >= threshold
               for n in source):
            own_true += 1
            own_found += number in candidates
    p50, p99 = _percentile(cpu, 0.5) * 1e3, _percentile(cpu, 0.99) * 1e3
    wall50, wall99 = _percentile(latencies, 0.5) * 1e3, _percentile(latencies, 0.99) * 1e3
    own_recall = own_found / own_true if own_true else float("nan")
    report(f"    search CPU time p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {max(cpu) * 1e3:.1f} ms "
           f"(wall clock p50 {wall50:.2f} ms, p99 {wall99:.2f} ms; {len(queries):,} single-name "
           f"queries; {statistics.mean(candidate_counts):.1f} candidate records scored on "
           f"average)")
    report(f"    source-record recall: {own_recall:.2%} of {own_true:,} queries whose source "
           f"record scores >= {threshold} were among the candidates")
    return {"p50_ms": p50, "p99_ms": p99, "wall_p50_ms": wall50, "wall_p99_ms": wall99,
            "source_recall": own_recall}


def _all_names_of(index: Index, number: int) -> list:
    store = index._store
    first = int(store.record_first_slot.data[number])
    return [store.prepared(s) for s in range(first, int(store.record_end_slot.data[number]))]


def run(report: Report = print, *, max_records: int = SIZES[-1], queries: int = 1000,
        recall_queries: int = 150, pairs: int = 4000) -> dict:
    """Print the speed figures through ``report`` (one line per call); return them."""
    if not (shared_data_dir() / "lists").exists():
        report(f"shared data not found at {shared_data_dir()}: set WATCHLIST_SHARED_DATA")
        return {}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    report(f"\n== speed (one process, one thread; CPU time unless said; load average {load} "
           f"on {os.cpu_count()} cores) ==")
    figures = {"pairs": measure_pair_speed(report, pairs=pairs)}
    report(f"\n== Index.search, threshold {DEFAULT_THRESHOLD} ==")
    figures["index"] = measure_index(report, max_records=max_records, queries=queries,
                                     recall_queries=recall_queries)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-records", type=int, default=SIZES[-1],
                        help="largest index size (default 1,000,000; 100000 for a quick run)")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--recall-queries", type=int, default=150)
    parser.add_argument("--pairs", type=int, default=4000)
    args = parser.parse_args(argv)
    run(lambda line: print(line, flush=True), max_records=args.max_records,
        queries=args.queries, recall_queries=args.recall_queries, pairs=args.pairs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
