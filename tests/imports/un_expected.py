"""The expected difference between two UN list editions, computed straight from the XML.

Independent of the importer on purpose: it reads the raw elements with ElementTree and compares
the fields the importer is documented to take over (names, aliases, birth dates and places,
nationalities, documents, gender, titles, designations, regime, listing date, narrative).
Fields it does not take over (addresses, INTERPOL links, update dates, sort keys) are ignored.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

FIELDS = (
    "FIRST_NAME",
    "SECOND_NAME",
    "THIRD_NAME",
    "FOURTH_NAME",
    "NAME_ORIGINAL_SCRIPT",
    "UN_LIST_TYPE",
    "LISTED_ON",
    "GENDER",
    "COMMENTS1",
    "TITLE/VALUE",
    "DESIGNATION/VALUE",
    "NATIONALITY/VALUE",
)
GROUPS = {
    "INDIVIDUAL_ALIAS": ("QUALITY", "ALIAS_NAME"),
    "ENTITY_ALIAS": ("QUALITY", "ALIAS_NAME"),
    "INDIVIDUAL_DATE_OF_BIRTH": ("TYPE_OF_DATE", "DATE", "YEAR", "FROM_YEAR", "TO_YEAR"),
    "INDIVIDUAL_PLACE_OF_BIRTH": ("CITY", "STATE_PROVINCE", "COUNTRY"),
    "INDIVIDUAL_DOCUMENT": ("TYPE_OF_DOCUMENT", "NUMBER", "ISSUING_COUNTRY", "COUNTRY_OF_ISSUE"),
}


def _norm(value: str | None) -> str:
    return " ".join((value or "").split())


def fingerprints(path: Path) -> dict[str, tuple]:
    root = ET.parse(path).getroot()
    found: dict[str, tuple] = {}
    for element in [*root.iter("INDIVIDUAL"), *root.iter("ENTITY")]:
        ref = _norm(element.findtext("REFERENCE_NUMBER"))
        simple = tuple(tuple(_norm(v.text) for v in element.findall(f)) for f in FIELDS)
        groups = tuple(
            tuple(
                sorted(
                    tuple(_norm(g.findtext(t)) for t in tags)
                    for g in element.findall(group)
                    if any(_norm(g.findtext(t)) for t in tags)
                )
            )
            for group, tags in GROUPS.items()
        )
        found[ref] = (simple, groups)
    return found


def expected_delta(old: Path, new: Path) -> tuple[set[str], set[str], set[str]]:
    """(added, changed, removed) reference numbers."""
    before, after = fingerprints(old), fingerprints(new)
    added = set(after) - set(before)
    removed = set(before) - set(after)
    changed = {ref for ref in set(before) & set(after) if before[ref] != after[ref]}
    return added, changed, removed
