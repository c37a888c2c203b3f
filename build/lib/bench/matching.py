"""The whole matching benchmark in one run: quality (beside logic-v2), then speed and scale.

Run from the repository root:

    .venv/bin/python -m bench.matching                       # full run, up to 1 M records
    .venv/bin/python -m bench.matching --max-records 100000  # quicker

Quality is ``bench.matching_quality``; speed, index latency, memory and candidate recall are
``bench.matching_speed``. Both read ``../shared/data`` (or ``$WATCHLIST_SHARED_DATA``).
"""

from __future__ import annotations

import argparse
import sys

from bench import matching_quality, matching_speed


def run(report=print, *, max_records: int = matching_speed.SIZES[-1], queries: int = 1000,
        recall_queries: int = 150, pairs: int = 4000, skip_quality: bool = False) -> dict:
    """Print every matching figure through ``report``; return them."""
    figures = {}
    if not skip_quality:
        figures["quality"] = matching_quality.run(report)
    figures["speed"] = matching_speed.run(report, max_records=max_records, queries=queries,
                                          recall_queries=recall_queries, pairs=pairs)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-records", type=int, default=matching_speed.SIZES[-1],
                        help="largest index size (default 1,000,000)")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--recall-queries", type=int, default=150)
    parser.add_argument("--pairs", type=int, default=4000)
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args(argv)
    run(lambda line: print(line, flush=True), max_records=args.max_records,
        queries=args.queries, recall_queries=args.recall_queries, pairs=args.pairs,
        skip_quality=args.skip_quality)
    return 0


if __name__ == "__main__":
    sys.exit(main())
