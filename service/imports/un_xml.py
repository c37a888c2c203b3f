"""The UN Security Council Consolidated List (its published XML) as nominations.

``parse_un_list`` reads the XML into plain records; ``un_record_to_entry`` maps one record to an
``EntryCreate``, the same validated shape an API nomination has, so imported entries satisfy the
same rules (LB-legal-basis, LB-standard, DQ-subject-category, DQ-fact-vs-assessment).

Mapping decisions:
- ``source`` = ``un-sc``, ``source_ref`` = the UN reference number (``QDi.001``); the edition is
  the list's ``dateGenerated``.
- Names: the primary name (FIRST..FOURTH_NAME joined), NAME_ORIGINAL_SCRIPT as
  ``original_script``, aliases of quality Good as ``alias``/good and Low as ``weak_alias``/low;
  entity ``a.k.a.``/``f.k.a.`` aliases as ``alias``.
- Birth dates keep their precision (YYYY-MM-DD, or the year); BETWEEN becomes a range; an
  APPROXIMATELY year is kept as the year (the matcher compares years with tolerance).
- Nationalities and issuing countries map to ISO alpha-2 (``service.imports.countries``); names
  that do not map are left out and counted. Document numbers with prose around them are reduced
  to the number; ones without any number are left out and counted.
- Legal basis: the resolution(s) establishing the sanctions regime of the reference prefix.
- The narrative (COMMENTS1) becomes the articulable facts and one derogatory item, kind FACT,
  source the UN Security Council, conduct-based (every UN designation criterion describes the
  subject's own conduct: participating in, financing, supplying or supporting the listed acts).
- Data-subject category SUSPECT (LED Art 6(a)): a designation is a finding that there are
  serious grounds to believe the person is involved; it is not a conviction.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.entries.schemas import EntryCreate
from service.imports.countries import country_code
from service.imports.writer import SOURCE_ATTESTS

SOURCE = "un-sc"
POLICY_SOURCE = "UN-SC-CONSOLIDATED"  # the name policy packs use in binding_sources

# Reference prefix -> (regime, resolution(s) establishing it).
REGIMES: dict[str, tuple[str, str]] = {
    "QD": ("ISIL (Da'esh) and Al-Qaida", "UNSC resolution 1267 (1999)/1989 (2011)/2253 (2015)"),
    "TA": ("Taliban (1988)", "UNSC resolution 1988 (2011)"),
    "KP": ("Democratic People's Republic of Korea", "UNSC resolution 1718 (2006)"),
    "IQ": ("Iraq", "UNSC resolution 1518 (2003)"),
    "IR": ("Iran", "UNSC resolution 1737 (2006)"),
    "CD": ("Democratic Republic of the Congo", "UNSC resolution 1533 (2004)"),
    "LY": ("Libya", "UNSC resolution 1970 (2011)"),
    "SO": ("Al-Shabaab (Somalia)", "UNSC resolution 751 (1992)/2713 (2023)"),
    "CF": ("Central African Republic", "UNSC resolution 2127 (2013)"),
    "SD": ("Sudan", "UNSC resolution 1591 (2005)"),
    "YE": ("Yemen", "UNSC resolution 2140 (2014)"),
    "GB": ("Guinea-Bissau", "UNSC resolution 2048 (2012)"),
    "HT": ("Haiti", "UNSC resolution 2653 (2022)"),
    "SS": ("South Sudan", "UNSC resolution 2206 (2015)"),
}
TERRORISM_REGIMES = frozenset({"QD", "TA", "SO"})
_DOC_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z ./-]*$")
_DOC_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z./-]*\d[0-9A-Za-z./-]*")


class RecordRejected(ValueError):
    """A record that cannot become an entry; the message names the field, never personal data."""


@dataclass
class ParsedList:
    edition: str
    records: list[dict[str, Any]]
    warnings: dict[str, int] = field(default_factory=dict)


def _text(element: ET.Element | None, tag: str) -> str | None:
    if element is None:
        return None
    value = element.findtext(tag)
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def parse_un_list(path: Path) -> ParsedList:
    """Read the XML into one plain dict per listed individual or entity."""
    root = ET.parse(path).getroot()
    edition = root.attrib.get("dateGenerated") or path.stem
    records: list[dict[str, Any]] = []
    for kind, xpath, prefix in (
        ("person", "INDIVIDUALS/INDIVIDUAL", "INDIVIDUAL"),
        ("organisation", "ENTITIES/ENTITY", "ENTITY"),
    ):
        for element in root.findall(xpath):
            records.append(_record(element, kind, prefix))
    return ParsedList(edition=edition, records=records)


def _record(el: ET.Element, kind: str, prefix: str) -> dict[str, Any]:
    parts = [_text(el, tag) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    return {
        "kind": kind,
        "reference": _text(el, "REFERENCE_NUMBER"),
        "list_type": _text(el, "UN_LIST_TYPE"),
        "primary_name": " ".join(part for part in parts if part) or None,
        "original_script": _text(el, "NAME_ORIGINAL_SCRIPT"),
        "aliases": [
            (_text(a, "QUALITY"), _text(a, "ALIAS_NAME"))
            for a in el.findall(f"{prefix}_ALIAS")
            if _text(a, "ALIAS_NAME")
        ],
        "gender": _text(el, "GENDER"),
        "titles": [
            " ".join(v.text.split()) for v in el.findall("TITLE/VALUE") if v.text and v.text.strip()
        ],
        "designations": [
            " ".join(v.text.split())
            for v in el.findall("DESIGNATION/VALUE")
            if v.text and v.text.strip()
        ],
        "nationalities": [
            " ".join(v.text.split())
            for v in el.findall("NATIONALITY/VALUE")
            if v.text and v.text.strip()
        ],
        "birth_dates": [
            {
                "type": _text(d, "TYPE_OF_DATE"),
                "date": _text(d, "DATE"),
                "year": _text(d, "YEAR"),
                "from_year": _text(d, "FROM_YEAR"),
                "to_year": _text(d, "TO_YEAR"),
            }
            for d in el.findall("INDIVIDUAL_DATE_OF_BIRTH")
        ],
        "birth_places": [
            ", ".join(
                v for v in (_text(p, "CITY"), _text(p, "STATE_PROVINCE"), _text(p, "COUNTRY")) if v
            )
            for p in el.findall("INDIVIDUAL_PLACE_OF_BIRTH")
        ],
        "documents": [
            {
                "type": _text(d, "TYPE_OF_DOCUMENT"),
                "number": _text(d, "NUMBER"),
                "country": _text(d, "ISSUING_COUNTRY") or _text(d, "COUNTRY_OF_ISSUE"),
            }
            for d in el.findall("INDIVIDUAL_DOCUMENT")
        ],
        "listed_on": _text(el, "LISTED_ON"),
        "narrative": (el.findtext("COMMENTS1") or "").strip() or None,
    }


def _names(record: dict[str, Any]) -> list[dict[str, Any]]:
    names: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()

    def add(full: str | None, name_type: str, quality: str = "good") -> None:
        if full and (full.casefold(), name_type) not in seen:
            seen.add((full.casefold(), name_type))
            names.append({"full_name": full[:300], "name_type": name_type, "quality": quality})

    add(record["primary_name"], "primary")
    add(record["original_script"], "original_script")
    for quality, alias in record["aliases"]:
        low = (quality or "").casefold() == "low"
        add(alias, "weak_alias" if low else "alias", "low" if low else "good")
    return names[:200]


def _birth_dates(record: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in record["birth_dates"]:
        if item["type"] == "BETWEEN" and item["from_year"] and item["to_year"]:
            value = {"date": item["from_year"], "date_to": item["to_year"]}
        elif item["date"]:
            value = {"date": item["date"][:10]}
        elif item["year"]:
            value = {"date": item["year"]}
        else:
            continue
        if value not in out:
            out.append(value)
    return out[:20]


def _documents(record: dict[str, Any], warnings: dict[str, int]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for doc in record["documents"]:
        number = doc["number"]
        if not number:
            continue
        if not _DOC_NUMBER.match(number):
            tokens = _DOC_TOKEN.findall(number)
            if not tokens:
                warnings["document_without_number_left_out"] = (
                    warnings.get("document_without_number_left_out", 0) + 1
                )
                continue
            number = max(tokens, key=len)
        label = (doc["type"] or "").casefold()
        doc_type = (
            "passport"
            if "passport" in label or "pasaporte" in label or "passeport" in label
            else "national_id"
            if "identification" in label
            else "other"
        )
        country = country_code(doc["country"])
        if doc["country"] and not country:
            warnings["unmapped_country"] = warnings.get("unmapped_country", 0) + 1
        out.append({"type": doc_type, "number": number[:60], "issuing_country": country})
    return out[:50]


def un_record_to_entry(
    record: dict[str, Any], *, agency: str, warnings: dict[str, int] | None = None
) -> EntryCreate:
    """Map one parsed record to a nomination; raises ``RecordRejected`` or pydantic errors."""
    warnings = warnings if warnings is not None else {}
    reference = record.get("reference")
    if not reference:
        raise RecordRejected("REFERENCE_NUMBER is missing")
    regime_code = reference[:2].upper()
    if regime_code not in REGIMES:
        raise RecordRejected(f"unknown sanctions regime prefix {regime_code!r} in REFERENCE_NUMBER")
    regime, resolutions = REGIMES[regime_code]
    if not record.get("primary_name"):
        raise RecordRejected("FIRST_NAME is missing: the record has no primary name")
    if not record.get("listed_on"):
        raise RecordRejected("LISTED_ON is missing")
    nationalities = []
    for name in record["nationalities"]:
        code = country_code(name)
        if code is None:
            warnings["unmapped_country"] = warnings.get("unmapped_country", 0) + 1
        elif code not in nationalities:
            nationalities.append(code)
    narrative = record.get("narrative") or ""
    lead = f"Designated by the UN Security Council ({regime} sanctions) on {record['listed_on']}"
    details = "; ".join(
        filter(
            None,
            [
                "title: " + ", ".join(record["titles"]) if record["titles"] else "",
                "designation: " + ", ".join(record["designations"])
                if record["designations"]
                else "",
            ],
        )
    )
    facts = f"{lead}.{' ' + details + '.' if details else ''}"
    if len(narrative) >= 20:
        facts += f"\nNarrative summary of reasons for listing (UN): {narrative}"
    else:
        facts += "\nThe list edition carries no narrative for this reference."
    gender = {"male": "male", "female": "female"}.get((record.get("gender") or "").casefold())
    data = {
        "kind": record["kind"],
        "names": _names(record),
        "birth_dates": _birth_dates(record),
        "birth_places": [place[:200] for place in record["birth_places"] if place][:20],
        "gender": gender,
        "nationalities": nationalities[:10],
        "documents": _documents(record, warnings),
        "legal_basis": {
            "instrument": resolutions,
            "article": f"{regime} sanctions list, reference {reference}",
        },
        "decision_ref": f"UN SC Consolidated List {reference} (listed {record['listed_on']})",
        "listing_standard": "designation by the UN Security Council or its sanctions committee "
        "(binding under UN Charter Art. 25, Chapter VII)",
        "articulable_facts": facts[:20000],
        "data_subject_category": "SUSPECT",
        "derogatory_items": [
            {
                "kind": "fact",
                "text": (narrative if len(narrative) >= 10 else lead)[:5000],
                "conduct_based": True,
                "source_ref": f"UN SC Consolidated List {reference}",
                "holding_body": "UN Security Council sanctions committee",
                "source_reliability": "A",
                "information_credibility": "2",
            }
        ],
        "originating_agency": agency,
        "action_on_hit": "refer_secondary_inspection",
        "handling_code": "H2",
        "warning_flags": ["terrorism_activity"] if regime_code in TERRORISM_REGIMES else [],
        "source": SOURCE,
        "source_ref": reference,
    }
    data.update(SOURCE_ATTESTS)  # the source attests (LB-adequacy-gate; see writer)
    return EntryCreate.model_validate(data)
