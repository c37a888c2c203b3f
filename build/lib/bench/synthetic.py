"""Synthetic watchlist records at any scale, built from the real list names.

Name parts come from the published lists in ``../shared/data/lists`` (given names, middle parts
and family names of listed persons, per script; words of listed organisation names) and are
recombined with a fixed seed, so 1 M records have the token-frequency profile of real lists
(many "Mohammed", few rare surnames) without copying any real person. Aliases follow the
shapes real lists carry: order swapped, middle name dropped, a name in another script, an
unrelated nickname.

``perturb`` makes query variants of an indexed name (typos, reordering, transliteration
variants, dropped middle names, particles) for the speed and candidate-recall benchmarks.
"""

from __future__ import annotations

import json
import os
import random
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["NamePools", "load_pools", "perturb", "shared_data_dir", "synthetic_records"]

REPO_ROOT = Path(__file__).resolve().parent.parent

# Scripts with enough real names to recombine; others are too rare in the lists to matter.
_SCRIPTS = ("Latin", "Arabic", "Cyrillic", "Greek", "Hangul")
_COUNTRIES = (
    "SY IQ AF IR KP RU PK SA YE SO LY SD LB TN EG DZ MA JO PS TR CN VE CO MX ML NG KE ET BY UA "
    "GB FR DE BE NL SE US CA ID PH MY IN BD"
).split()
_DOCUMENT_TYPES = ("passport", "national id", "driving licence")


def shared_data_dir() -> Path:
    """``$WATCHLIST_SHARED_DATA`` or ``../shared/data`` next to the repository."""
    env = os.environ.get("WATCHLIST_SHARED_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


@dataclass
class NamePools:
    """Real name parts by script, and real organisation names, to recombine."""

    given: dict[str, list[str]] = field(default_factory=dict)
    middle: dict[str, list[str]] = field(default_factory=dict)
    family: dict[str, list[str]] = field(default_factory=dict)
    organisations: list[str] = field(default_factory=list)
    names_per_person: list[int] = field(default_factory=list)


_SPACE = re.compile(r"\s+")


def load_pools(data_dir: Path | None = None) -> NamePools:
    """Read every ``lists/*.jsonl`` file and split person names into parts by position.

    Duplicates are kept on purpose: a part that is common in the lists stays common in the
    synthetic records, which is what makes rarity weighting and candidate blocking realistic.
    """
    lists_dir = (data_dir or shared_data_dir()) / "lists"
    files = sorted(lists_dir.glob("*.jsonl"))
    if not files:
        raise FileNotFoundError(f"no list files under {lists_dir}")
    pools = NamePools()
    for path in files:
        if "2026-01-28" in path.name:  # an older snapshot of the UN list: would double it
            continue
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                subject = json.loads(line)
                names = subject.get("names") or []
                if subject.get("kind") == "organisation":
                    pools.organisations.extend(n["full"] for n in names if n.get("full"))
                    continue
                if subject.get("kind") != "person":
                    continue
                pools.names_per_person.append(len(names))
                for name in names:
                    script = name.get("script")
                    if script not in _SCRIPTS:
                        continue
                    parts = _SPACE.split(name.get("full", "").strip())
                    if len(parts) < 2:
                        continue
                    pools.given.setdefault(script, []).append(parts[0])
                    pools.family.setdefault(script, []).append(parts[-1])
                    pools.middle.setdefault(script, []).extend(parts[1:-1])
    return pools


def _person_name(rng: random.Random, pools: NamePools, script: str) -> tuple[str, ...]:
    given = rng.choice(pools.given[script])
    family = rng.choice(pools.family[script])
    middles = pools.middle.get(script) or []
    parts = [given]
    if middles and rng.random() < 0.55:
        parts.append(rng.choice(middles))
        if rng.random() < 0.2:
            parts.append(rng.choice(middles))
    parts.append(family)
    return tuple(parts)


def _aliases(rng: random.Random, pools: NamePools, parts: tuple[str, ...], count: int):
    """Alias shapes seen on real lists, most often variants of the primary name."""
    out: list[str] = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.3 and len(parts) > 2:
            out.append(f"{parts[0]} {parts[-1]}")
        elif roll < 0.5:
            out.append(" ".join((parts[-1],) + parts[:-1]))
        elif roll < 0.75:
            out.append(perturb(" ".join(parts), rng))
        elif roll < 0.85:
            script = rng.choice(("Arabic", "Cyrillic", "Arabic", "Greek", "Hangul"))
            if script in pools.given:
                out.append(" ".join(_person_name(rng, pools, script)))
        else:
            out.append(" ".join(_person_name(rng, pools, "Latin")))
    return out


def _birth_dates(rng: random.Random) -> list[str]:
    dates = []
    for _ in range(rng.choices((0, 1, 2), (0.15, 0.7, 0.15))[0]):
        year = rng.randint(1940, 2005)
        roll = rng.random()
        if roll < 0.6:
            dates.append(f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        elif roll < 0.9:
            dates.append(str(year))
        else:
            dates.append(f"{year}/{year + rng.randint(1, 5)}")
    return dates


def _documents(rng: random.Random, nationalities: list[str]) -> list[dict]:
    docs = []
    for _ in range(rng.choices((0, 1, 2), (0.6, 0.3, 0.1))[0]):
        number = "".join(rng.choices(string.ascii_uppercase, k=rng.randint(0, 2)))
        number += "".join(rng.choices(string.digits, k=rng.randint(6, 9)))
        country = nationalities[0] if nationalities else rng.choice(_COUNTRIES)
        docs.append({"number": number, "country": country, "type": rng.choice(_DOCUMENT_TYPES)})
    return docs


def _organisation(rng: random.Random, pools: NamePools) -> dict:
    base = rng.choice(pools.organisations)
    words = _SPACE.split(base.strip())
    # Swap one word with a word of another organisation so records stay distinct but realistic.
    other = _SPACE.split(rng.choice(pools.organisations).strip())
    words[rng.randrange(len(words))] = rng.choice(other)
    names = [" ".join(words)]
    if rng.random() < 0.5:
        names.append(perturb(names[0], rng))
    return {"kind": "organisation", "names": names, "birth_dates": [], "nationalities":
            [rng.choice(_COUNTRIES)] if rng.random() < 0.5 else [], "gender": None,
            "documents": []}


def synthetic_records(
    count: int, *, seed: int = 20260508, pools: NamePools | None = None
) -> Iterator[tuple[str, dict]]:
    """Yield ``count`` (record_id, record) pairs, deterministic for a given seed."""
    pools = pools or load_pools()
    rng = random.Random(seed)
    for number in range(count):
        record_id = f"syn-{number:07d}"
        if rng.random() < 0.12:
            yield record_id, _organisation(rng, pools)
            continue
        script = "Latin" if rng.random() < 0.93 else rng.choice(("Arabic", "Cyrillic"))
        parts = _person_name(rng, pools, script)
        alias_count = max(0, min(6, rng.choice(pools.names_per_person) - 1))
        # Equal aliases would only inflate the index: real lists de-duplicate them too.
        names = list(dict.fromkeys([" ".join(parts), *_aliases(rng, pools, parts, alias_count)]))
        nationalities = rng.sample(_COUNTRIES, rng.choices((0, 1, 2), (0.3, 0.6, 0.1))[0])
        yield record_id, {
            "kind": "person",
            "names": names,
            "birth_dates": _birth_dates(rng),
            "nationalities": nationalities,
            "gender": rng.choices((None, "male", "female"), (0.5, 0.45, 0.05))[0],
            "documents": _documents(rng, nationalities),
        }


# --- query perturbations -----------------------------------------------------------------------

_TRANSLIT = (
    ("mohammed", "muhammad"), ("muhammad", "mohamed"), ("mohamed", "mohammad"),
    ("ou", "u"), ("oo", "u"), ("kh", "h"), ("q", "k"), ("dh", "d"), ("dj", "j"), ("j", "dj"),
    ("y", "i"), ("i", "y"), ("ei", "ey"), ("sh", "ch"), ("ch", "sh"), ("ee", "i"), ("ph", "f"),
    ("ai", "ay"), ("w", "v"), ("v", "w"), ("e", "a"), ("u", "o"), ("o", "u"), ("iu", "yu"),
)
_PARTICLE_SWAPS = (("al-", "al "), ("al ", "al-"), ("al-", ""), ("bin ", "ibn "), ("ibn ", "bin "),
                   ("abdul ", "abd al-"), ("abu ", "abou "), ("el-", "al-"))


def _typo(token: str, rng: random.Random) -> str:
    if len(token) < 4:
        return token
    i = rng.randrange(1, len(token) - 1)
    kind = rng.random()
    letters = string.ascii_lowercase if token.isascii() else token
    if kind < 0.3:
        return token[:i] + token[i + 1:]
    if kind < 0.55:
        return token[:i] + rng.choice(letters) + token[i + 1:]
    if kind < 0.8:
        return token[:i] + token[i + 1] + token[i] + token[i + 2:]
    return token[:i] + rng.choice(letters) + token[i:]


def perturb(name: str, rng: random.Random) -> str:
    """A plausible variant of ``name``: one or two of typo, reorder, transliteration, dropped
    middle name, particle change, case change. Tries a few times to return a different string."""
    for _ in range(5):
        variant = _perturb_once(name, rng)
        if variant != name:
            return variant
    return name


def _perturb_once(name: str, rng: random.Random) -> str:
    tokens = name.split()
    for _ in range(rng.choice((1, 1, 2))):
        roll = rng.random()
        if roll < 0.3 and tokens:
            i = rng.randrange(len(tokens))
            tokens[i] = _typo(tokens[i], rng)
        elif roll < 0.45 and len(tokens) > 1:
            tokens = tokens[-1:] + tokens[:-1]
        elif roll < 0.7:
            text = " ".join(tokens).lower()
            old, new = rng.choice(_TRANSLIT)
            if old in text:
                tokens = text.replace(old, new, 1).split()
        elif roll < 0.82 and len(tokens) > 2:
            del tokens[rng.randrange(1, len(tokens) - 1)]
        elif roll < 0.94:
            text = " ".join(tokens).lower()
            old, new = rng.choice(_PARTICLE_SWAPS)
            if old in text:
                tokens = text.replace(old, new, 1).split()
        else:
            tokens = [t.lower() if rng.random() < 0.5 else t.upper() for t in tokens]
    return " ".join(tokens) or name
