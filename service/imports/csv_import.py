"""CSV import with a documented column mapping (``watchlist import csv FILE``).

UTF-8, a header row, comma separated, RFC 4180 quoting. Multi-valued cells separate values with
``;``. Unknown columns are refused (a typo must not silently drop data). Each row becomes an
``EntryCreate`` and passes exactly the rules of an API nomination; a row that breaks one is
rejected with the column and rule, and the rest of the file is imported.

Columns (``*`` = required):

- ``ref`` *: the record's stable id at the source (``source_ref``); re-imports compare by it
- ``kind``: ``person`` (default) or ``organisation``
- ``name`` *: primary name
- ``aliases`` / ``weak_aliases`` / ``original_script_names``: ``;``-separated names (weak aliases
  are stored as low quality)
- ``birth_dates``: ``;``-separated ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or a range ``YYYY..YYYY``
- ``birth_places``: ``;``-separated places
- ``gender``: ``male``, ``female``, ``other``, ``unknown``
- ``nationalities``: ``;``-separated ISO alpha-2 codes or UN country names
- ``passport_numbers`` / ``id_numbers``: ``;``-separated ``NUMBER`` or ``NUMBER:CC`` (issuing
  country)
- ``legal_basis_instrument`` / ``legal_basis_article`` *: LB-legal-basis
- ``decision_ref`` *: reference to the listing decision (LB-legal-basis)
- ``listing_standard`` / ``articulable_facts`` *: LB-standard
- ``data_subject_category`` *: SUSPECT, CONVICTED, VICTIM, OTHER_PARTY (DQ-subject-category)
- ``derogatory_fact`` *: a FACT describing the subject's own conduct (LB-standard)
- ``derogatory_source_ref`` *: where that fact comes from
- ``source_reliability`` / ``information_credibility``: A-F / 1-6; default F / 6 ("cannot be
  judged")
- ``action_on_hit`` / ``handling_code``: as in the API (defaults refer_secondary_inspection / H3)
- ``warning_flags``: ``;``-separated flags as in the API
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from service.config import Settings
from service.entries.schemas import EntryCreate
from service.imports.countries import country_code
from service.imports.service import (
    Progress,
    activation_for,
    entry_rules,
    file_sha256,
    import_agency,
    importer_actor,
)
from service.imports.writer import SOURCE_ATTESTS, ImportOptions, ImportSummary, run_import

REQUIRED = (
    "ref",
    "name",
    "legal_basis_instrument",
    "legal_basis_article",
    "decision_ref",
    "listing_standard",
    "articulable_facts",
    "data_subject_category",
    "derogatory_fact",
    "derogatory_source_ref",
)
OPTIONAL = (
    "kind",
    "aliases",
    "weak_aliases",
    "original_script_names",
    "birth_dates",
    "birth_places",
    "gender",
    "nationalities",
    "passport_numbers",
    "id_numbers",
    "source_reliability",
    "information_credibility",
    "action_on_hit",
    "handling_code",
    "warning_flags",
)
COLUMNS = REQUIRED + OPTIONAL
MAX_CELL = 20000


class CsvRejected(ValueError):
    pass


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _documents(cell: str | None, doc_type: str) -> list[dict[str, Any]]:
    out = []
    for item in _split(cell):
        number, _, country = item.partition(":")
        out.append(
            {
                "type": doc_type,
                "number": number.strip(),
                "issuing_country": country.strip().upper() or None,
            }
        )
    return out


def _birth_dates(cell: str | None) -> list[dict[str, Any]]:
    out = []
    for item in _split(cell):
        start, sep, end = item.partition("..")
        out.append({"date": start.strip(), **({"date_to": end.strip()} if sep else {})})
    return out


def row_to_entry(row: dict[str, str], *, agency: str, source: str) -> EntryCreate:
    """Map one CSV row to a nomination (raises ``CsvRejected`` or ``ValidationError``)."""
    missing = [column for column in REQUIRED if not (row.get(column) or "").strip()]
    if missing:
        raise CsvRejected("missing required column value(s): " + ", ".join(missing))
    if any(len(value or "") > MAX_CELL for value in row.values()):
        raise CsvRejected(f"a cell is longer than {MAX_CELL} characters")
    names = [{"full_name": row["name"].strip(), "name_type": "primary"}]
    for column, name_type, quality in (
        ("aliases", "alias", "good"),
        ("weak_aliases", "weak_alias", "low"),
        ("original_script_names", "original_script", "good"),
    ):
        names += [
            {"full_name": n, "name_type": name_type, "quality": quality}
            for n in _split(row.get(column))
        ]
    nationalities = []
    for value in _split(row.get("nationalities")):
        code = country_code(value.upper() if len(value) == 2 else value)
        if code is None:
            raise CsvRejected("nationalities: unknown country (use ISO alpha-2 codes)")
        nationalities.append(code)
    data = {
        "kind": (row.get("kind") or "person").strip(),
        "names": names,
        "birth_dates": _birth_dates(row.get("birth_dates")),
        "birth_places": _split(row.get("birth_places")),
        "gender": (row.get("gender") or "").strip() or None,
        "nationalities": nationalities,
        "documents": _documents(row.get("passport_numbers"), "passport")
        + _documents(row.get("id_numbers"), "national_id"),
        "legal_basis": {
            "instrument": row["legal_basis_instrument"].strip(),
            "article": row["legal_basis_article"].strip(),
        },
        "decision_ref": row["decision_ref"].strip(),
        "listing_standard": row["listing_standard"].strip(),
        "articulable_facts": row["articulable_facts"].strip(),
        "data_subject_category": row["data_subject_category"].strip().upper(),
        "derogatory_items": [
            {
                "kind": "fact",
                "text": row["derogatory_fact"].strip(),
                "conduct_based": True,
                "source_ref": row["derogatory_source_ref"].strip(),
                "source_reliability": (row.get("source_reliability") or "F").strip().upper(),
                "information_credibility": (row.get("information_credibility") or "6").strip(),
            }
        ],
        "originating_agency": agency,
        "warning_flags": _split(row.get("warning_flags")),
        "source": source,
        "source_ref": row["ref"].strip(),
    }
    for column in ("action_on_hit", "handling_code"):
        if (row.get(column) or "").strip():
            data[column] = row[column].strip()
    data.update(SOURCE_ATTESTS)  # the source attests (LB-adequacy-gate; see writer)
    return EntryCreate.model_validate(data)


def _items(path: Path, agency: str, source: str) -> Iterator[tuple[str | None, Any]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in (reader.fieldnames or [])]
        unknown = [h for h in header if h not in COLUMNS]
        absent = [h for h in REQUIRED if h not in header]
        if unknown or absent:
            raise CsvRejected(
                "the header does not follow the documented mapping: "
                + "; ".join(
                    filter(
                        None,
                        [
                            "unknown column(s) " + ", ".join(unknown) if unknown else "",
                            "missing column(s) " + ", ".join(absent) if absent else "",
                        ],
                    )
                )
            )
        reader.fieldnames = header
        for line, row in enumerate(reader, start=2):
            ref = (row.get("ref") or "").strip() or None
            if None in row:  # more cells than header columns
                yield ref or f"line {line}", CsvRejected(f"line {line}: more cells than columns")
                continue
            try:
                yield ref, row_to_entry(row, agency=agency, source=source)
            except ValueError as error:
                yield ref or f"line {line}", error


def import_csv(
    session: Session,
    path: Path,
    settings: Settings,
    *,
    source: str = "csv",
    progress: Progress | None = None,
    batch_size: int = 1000,
) -> ImportSummary:
    """Import a CSV file (not a whole list: nothing missing from the file is delisted)."""
    activate, note = activation_for(settings, source.upper())
    options = ImportOptions(
        source=source,
        edition=path.name,
        actor=importer_actor(settings, source),
        activate=activate,
        file_sha256=file_sha256(path),
        activation_note=note,
        rules=entry_rules(settings),
        batch_size=batch_size,
    )
    return run_import(
        session, options, _items(path, import_agency(settings), source), progress=progress
    )
