"""Derive the compact equivalent-name table shipped in ``matching/data/``.

Run from the repository root (needs the shared raw data, see ``../shared/data/README.md``):

    .venv/bin/python -m matching.build_tables

Sources, all public name resources (attribution and licences in
``matching/data/ATTRIBUTION.md``):

* rigour 1.8.2 ``persons.txt``: groups of equivalent given/family names from Wikidata;
* Google's ``ar2en.txt``: Arabic words and their English transliterations;
* NETransliteration (COLING 2018) ``wd_{arabic,russian,chinese}_80``: the *training* splits
  only, so that the ``_20`` splits stay unseen.

Every form goes through the engine's own pipeline (clean-up, romanisation, folding), so the
table is keyed exactly as lookups are made. Romanisations of unvocalised or syllabic scripts
are keyed apart from Latin spellings (a consonant skeleton that happens to spell a Latin name
is not that name). A group is kept only if its forms fold to at least
two different spellings: whatever the folding rules already equate needs no table entry.
Nothing here reads the benchmark pairs (``pairs/*.csv``, ``name_bench_cases.csv``).
"""

from __future__ import annotations

import gzip
import os
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from matching.equivalents import table_key
from matching.tokens import fold, name_tokens

OUTPUT = Path(__file__).parent / "data" / "name_groups.tsv.gz"
# Groups bigger than this are mostly cross-language cognate clusters; they are cut down to the
# forms that also belong to a smaller group rather than shipped whole.
MAX_GROUP_FORMS = 60


def _raw_dir() -> Path:
    configured = os.environ.get("WATCHLIST_SHARED_DATA")
    repo_root = Path(__file__).resolve().parents[1]
    base = Path(configured) if configured else repo_root.parent / "shared" / "data"
    return base / "raw"


def _canonical(form: str) -> str | None:
    """Table key of a one-token name form (see ``table_key``), or None for multi-token forms."""
    tokens, _script = name_tokens(form, kind="person")
    if len(tokens) != 1 or tokens[0].initial:
        return None
    folded = fold(tokens[0].text)
    return table_key(folded, tokens[0].writing) if len(folded) >= 2 else None


def rigour_groups(raw: Path) -> Iterator[list[str]]:
    with (raw / "rigour" / "rigour-1.8.2_persons.txt").open(encoding="utf-8") as handle:
        for line in handle:
            forms, _, _qid = line.rstrip("\n").rpartition(" => ")
            yield [form.strip() for form in forms.split(",") if form.strip()]


def ar2en_groups(raw: Path) -> Iterator[list[str]]:
    by_arabic: dict[str, list[str]] = defaultdict(list)
    with (raw / "google_transliteration" / "ar2en.txt").open(encoding="utf-8") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if len(fields) == 2:
                by_arabic[fields[0]].append(fields[1])
    for arabic, english in by_arabic.items():
        yield [arabic, *english]


def netranslit_groups(raw: Path) -> Iterator[list[str]]:
    for language in ("arabic", "russian", "chinese"):
        path = raw / "netranslit_coling2018" / f"wd_{language}_80"
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                fields = line.rstrip("\n").split("\t")
                if len(fields) >= 2:
                    yield [fields[0], fields[1].replace(" ", "")]


def build(raw: Path) -> dict[str, set[int]]:
    """Folded spelling -> ids of the groups it belongs to (only informative groups)."""
    table: dict[str, set[int]] = defaultdict(set)
    group_id = 0
    for source in (rigour_groups(raw), ar2en_groups(raw), netranslit_groups(raw)):
        for forms in source:
            spellings = {c for c in map(_canonical, forms) if c}
            if len(spellings) < 2 or len(spellings) > MAX_GROUP_FORMS:
                continue
            group_id += 1
            for spelling in spellings:
                table[spelling].add(group_id)
    return table


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def write(table: dict[str, set[int]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{spelling}\t{','.join(_base36(g) for g in sorted(ids))}\n"
             for spelling, ids in sorted(table.items())]
    # mtime=0 keeps the file byte-identical across rebuilds.
    with gzip.GzipFile(path, "wb", mtime=0) as handle:
        handle.write("".join(lines).encode("utf-8"))


def main() -> int:
    raw = _raw_dir()
    if not (raw / "rigour").exists():
        print(f"raw name resources not found under {raw}", file=sys.stderr)
        return 1
    table = build(raw)
    write(table, OUTPUT)
    print(f"{len(table)} spellings, {OUTPUT.stat().st_size} bytes -> {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
