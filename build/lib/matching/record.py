"""The record matcher ``record-v1``: names plus birth dates, nationality, gender and documents.

A record is a mapping with the keys ``names``, ``birth_dates``, ``nationalities``, ``gender``,
``documents`` and optionally ``kind``. Only these keys are read: anything else a record carries
(religion, ethnicity, ...) cannot influence a score (LB-no-protected-ground).

Score = best name-pair score (``names-v1``), plus small additive adjustments from birth dates,
nationality and gender, clipped to [0, 1]; then a document agreement closes part of the remaining
distance to 1, so an exact document match lifts even a weak name match.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from matching import evidence as ev
from matching.names import ALGORITHM as NAME_ALGORITHM
from matching.names import DEFAULT_THRESHOLD as NAME_THRESHOLD
from matching.names import PreparedName, prepare_name, score_prepared

__all__ = [
    "ALGORITHM",
    "DEFAULT_THRESHOLD",
    "VERSION",
    "Evidence",
    "FeatureExplanation",
    "Match",
    "ParsedRecord",
    "band_for",
    "compare",
    "decode_evidence",
    "encode_evidence",
    "parse_evidence",
    "parse_record",
    "score_parsed",
]

ALGORITHM = "record-v1"
VERSION = f"{ALGORITHM}.0+{NAME_ALGORITHM}"
# Without any other evidence a record score is its name score, so one threshold serves both.
DEFAULT_THRESHOLD: float = NAME_THRESHOLD
STRONG_MARGIN = 0.1
WEAK_MARGIN = 0.1
KINDS = ("person", "organisation")


@dataclass(frozen=True, slots=True)
class Evidence:
    """The non-name evidence of one record, normalised."""

    birth_dates: tuple[ev.BirthDate, ...] = ()
    nationalities: frozenset[str] = frozenset()
    gender: str | None = None
    documents: tuple[ev.Document, ...] = ()


NO_EVIDENCE = Evidence()


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    """A record ready for scoring: prepared names and normalised evidence."""

    kind: str
    names: tuple[PreparedName, ...]
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class FeatureExplanation:
    """One line of an explanation: which feature, its outcome, its effect on the score, why."""

    feature: str
    outcome: str
    effect: float
    detail: str

    def __str__(self) -> str:
        return f"{self.feature}: {self.outcome} ({self.effect:+.2f}): {self.detail}"


@dataclass(frozen=True, slots=True)
class Match:
    """The result of comparing two records."""

    score: float
    band: str
    explanation: tuple[FeatureExplanation, ...]
    algorithm: str = ALGORITHM
    version: str = VERSION

    def explanation_text(self) -> str:
        """The explanation as lines a reviewer can read."""
        return "\n".join(str(line) for line in self.explanation)

    def to_dict(self) -> dict:
        """A JSON-ready form, for the service's responses."""
        return {
            "score": round(self.score, 4),
            "band": self.band,
            "algorithm": self.algorithm,
            "version": self.version,
            "explanation": [
                {"feature": e.feature, "outcome": e.outcome, "effect": round(e.effect, 4),
                 "detail": e.detail}
                for e in self.explanation
            ],
        }


def band_for(score: float, *, threshold: float = DEFAULT_THRESHOLD) -> str:
    """``strong`` / ``possible`` / ``weak`` / ``none``; ``possible`` starts at the threshold."""
    if score >= min(1.0, threshold + STRONG_MARGIN):
        return "strong"
    if score >= threshold:
        return "possible"
    if score >= threshold - WEAK_MARGIN:
        return "weak"
    return "none"


# --- parsing -----------------------------------------------------------------------------------


def _as_list(value: object) -> list:
    if value is None:
        return []
    if isinstance(value, str | Mapping):
        return [value]
    return list(value) if isinstance(value, Sequence | set | frozenset | tuple) else []


def _kind(record: Mapping) -> str:
    kind = record.get("kind")
    return kind if kind in KINDS else "person"


def parse_evidence(record: Mapping) -> Evidence:
    """Normalise the evidence keys of a record; values that cannot be read are left out."""
    dates = tuple(d for d in map(ev.parse_birth_date, _as_list(record.get("birth_dates")))
                  if d is not None)
    nationalities = frozenset(n for n in map(ev.normalise_country,
                                             _as_list(record.get("nationalities")))
                              if n is not None)
    documents = tuple(d for d in map(ev.parse_document, _as_list(record.get("documents")))
                      if d is not None)
    gender = ev.normalise_gender(record.get("gender"))
    if not (dates or nationalities or documents or gender):
        return NO_EVIDENCE
    return Evidence(dates, nationalities, gender, documents)


def record_names(record: Mapping) -> list[str]:
    """The non-empty name strings of a record, without duplicates, in their listed order."""
    names = (n for n in _as_list(record.get("names")) if isinstance(n, str) and n.strip())
    return list(dict.fromkeys(names))


def parse_record(record: Mapping) -> ParsedRecord:
    """Prepare every name of a record and normalise its evidence."""
    kind = _kind(record)
    names = tuple(prepare_name(n, kind=kind) for n in record_names(record))
    return ParsedRecord(kind, names, parse_evidence(record))


def encode_evidence(evidence: Evidence) -> str | None:
    """A compact string form, so an index of a million records holds one string each instead
    of a tree of small objects. ``decode_evidence`` reverses it."""
    if evidence is NO_EVIDENCE or evidence == NO_EVIDENCE:
        return None
    return json.dumps([
        [[d.first_year, d.last_year, d.month, d.day] for d in evidence.birth_dates],
        sorted(evidence.nationalities),
        evidence.gender,
        [[d.number, d.country, d.type] for d in evidence.documents],
    ], separators=(",", ":"))


def decode_evidence(encoded: str | None) -> Evidence:
    """Inverse of ``encode_evidence``."""
    if encoded is None:
        return NO_EVIDENCE
    dates, nationalities, gender, documents = json.loads(encoded)
    return Evidence(tuple(ev.BirthDate(*d) for d in dates), frozenset(nationalities), gender,
                    tuple(ev.Document(*d) for d in documents))


# --- scoring -----------------------------------------------------------------------------------


def score_parsed(
    query: ParsedRecord,
    candidate_names: Sequence[PreparedName],
    candidate_evidence: Evidence,
    *,
    token_weight: Callable[[str], float] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> Match:
    """Score a prepared query against a candidate's prepared names and evidence.

    The name feature is the best pair over every query name and every candidate name: aliases
    are names in their own right, not a weaker kind of evidence.
    """
    best = None
    best_pair = (0, 0)
    for i, q in enumerate(query.names):
        for j, c in enumerate(candidate_names):
            result = score_prepared(q, c, token_weight=token_weight)
            if best is None or result.score > best.score:
                best, best_pair = result, (i, j)
    name_score = best.score if best is not None else 0.0
    if best is None:
        lines = [FeatureExplanation("name", "unknown", 0.0, "no name on one side")]
    else:
        where = (f"query name {best_pair[0] + 1} of {len(query.names)} vs listed name "
                 f"{best_pair[1] + 1} of {len(candidate_names)}")
        lines = [FeatureExplanation("name", _name_outcome(name_score, threshold), name_score,
                                    f"{where}: {best.explanation}")]

    q, c = query.evidence, candidate_evidence
    additive = [
        ev.compare_birth_dates(q.birth_dates, c.birth_dates),
        ev.compare_nationalities(q.nationalities, c.nationalities),
        ev.compare_gender(q.gender, c.gender),
    ]
    score = min(1.0, max(0.0, name_score + sum(r.adjustment for r in additive)))
    lines.extend(FeatureExplanation(r.feature, r.outcome, r.adjustment, r.detail)
                 for r in additive)

    document = ev.compare_documents(q.documents, c.documents)
    lifted = score + (1.0 - score) * document.lift
    lines.append(FeatureExplanation(document.feature, document.outcome, lifted - score,
                                    document.detail))
    score = min(1.0, max(0.0, lifted))
    return Match(score, band_for(score, threshold=threshold), tuple(lines))


def _name_outcome(score: float, threshold: float) -> str:
    if score >= threshold:
        return "agree"
    if score >= threshold - WEAK_MARGIN:
        return "near"
    return "disagree"


def compare(query: Mapping, candidate: Mapping) -> Match:
    """Compare two records (mappings) under ``record-v1``.

    >>> m = compare({"names": ["Ahmed Hassan"]}, {"names": ["Ahmad Hasan"]})
    >>> m.algorithm
    'record-v1'
    """
    parsed_query = parse_record(query)
    parsed_candidate = parse_record(candidate)
    return score_parsed(parsed_query, parsed_candidate.names, parsed_candidate.evidence)
