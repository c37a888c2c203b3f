"""FollowTheMoney (OpenSanctions) JSON lines: import and export.

Import reads ``Person``, ``Organization`` (also ``Company`` and ``LegalEntity``) and ``Sanction``
entities; ``Passport``/``Identification`` entities add documents to their holder. Each subject
needs a ``Sanction`` naming it (``properties.entity``): that is where the legal basis comes
from, and a subject without one is rejected (LB-legal-basis), as is one whose sanction gives no
reason (LB-standard: no conduct-based item). Mapping:

- ``name`` (first value) / other ``name``, ``alias``, ``previousName`` / ``weakAlias`` -> primary
  name / ``alias`` / ``weak_alias`` (low quality)
- ``firstName`` + ``lastName`` -> primary name when ``name`` is absent
- ``birthDate`` (YYYY, YYYY-MM, YYYY-MM-DD) -> ``birth_dates`` (precision kept)
- ``birthPlace`` / ``nationality``, ``citizenship`` (ISO alpha-2) / ``gender`` -> ``birth_places`` /
  ``nationalities`` / ``gender``
- ``passportNumber`` / ``idNumber``; ``Passport``/``Identification`` entities -> ``documents``
  (passport / national_id)
- Sanction ``program`` or ``authority`` / ``provisions`` / ``unscId``, ``listingDate`` ->
  ``legal_basis.instrument`` / ``.article`` / ``decision_ref``
- Sanction ``reason`` (+ ``summary``) -> ``articulable_facts`` and one FACT derogatory item

``data_subject_category`` is SUSPECT; the originating agency is the importing fusion cell; the
entries wait in the review queue unless the policy pack marks the source binding. Export writes
the same schemas back (entity ids ``wl-<entry id>``), one audit ``disclosure`` event per entry.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.auth.principal import SystemActor
from service.config import Settings
from service.entries.schemas import EntryCreate
from service.imports import audit_batch
from service.imports.countries import country_code
from service.imports.service import (
    Progress,
    activation_for,
    entry_rules,
    file_sha256,
    import_agency,
    importer_actor,
)
from service.imports.writer import (
    SOURCE_ATTESTS,
    ImportOptions,
    ImportSummary,
    Prepared,
    prepare,
    rejection_reason,
    run_import,
)
from service.models.entry import Entry

SUBJECT_SCHEMAS = {
    "Person": "person",
    "Organization": "organisation",
    "Company": "organisation",
    "LegalEntity": "organisation",
}
DOCUMENT_SCHEMAS = {"Passport": "passport", "Identification": "national_id"}


class FtmRejected(ValueError):
    pass


def _values(entity: dict[str, Any], prop: str) -> list[str]:
    values = (entity.get("properties") or {}).get(prop) or []
    return [" ".join(str(v).split()) for v in values if isinstance(v, str | int) and str(v).strip()]


def _scan(path: Path) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """First pass: sanctions and identity documents by the entity id they refer to."""
    sanctions: dict[str, list[dict]] = {}
    documents: dict[str, list[dict]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if '"Sanction"' not in line and not any(f'"{s}"' in line for s in DOCUMENT_SCHEMAS):
                continue
            try:
                entity = json.loads(line)
            except ValueError:
                continue
            schema = entity.get("schema")
            if schema == "Sanction":
                for target in _values(entity, "entity"):
                    sanctions.setdefault(target, []).append(entity)
            elif schema in DOCUMENT_SCHEMAS:
                for holder in _values(entity, "holder"):
                    documents.setdefault(holder, []).append(entity)
    return sanctions, documents


def _date(value: str) -> str | None:
    value = value.strip()[:10]
    return value if len(value) in (4, 7, 10) else None


def ftm_to_entry(
    entity: dict[str, Any],
    sanctions: list[dict],
    documents: list[dict],
    *,
    agency: str,
    source: str,
) -> EntryCreate:
    """Map one FtM subject and its sanctions to a nomination (raises on a rule it breaks)."""
    kind = SUBJECT_SCHEMAS[entity["schema"]]
    if not sanctions:
        raise FtmRejected(
            "no Sanction entity names this subject: the legal basis is required (LB-legal-basis)"
        )
    names: list[dict[str, str]] = []
    given = _values(entity, "name") or [
        " ".join(_values(entity, "firstName")[:1] + _values(entity, "lastName")[:1])
    ]
    for index, name in enumerate(dict.fromkeys(n for n in given if n.strip())):
        names.append({"full_name": name[:300], "name_type": "primary" if index == 0 else "alias"})
    for prop, name_type, quality in (
        ("alias", "alias", "good"),
        ("previousName", "alias", "good"),
        ("weakAlias", "weak_alias", "low"),
    ):
        for name in _values(entity, prop):
            names.append({"full_name": name[:300], "name_type": name_type, "quality": quality})
    docs = [{"type": "passport", "number": n} for n in _values(entity, "passportNumber")]
    docs += [{"type": "national_id", "number": n} for n in _values(entity, "idNumber")]
    for doc in documents:
        for number in _values(doc, "number"):
            docs.append(
                {
                    "type": DOCUMENT_SCHEMAS[doc["schema"]],
                    "number": number,
                    "issuing_country": country_code((_values(doc, "country") or [""])[0].upper()),
                }
            )
    sanction = sanctions[0]
    program = (_values(sanction, "program") or _values(sanction, "authority") or [""])[0]
    reasons = [r for s in sanctions for r in _values(s, "reason") + _values(s, "summary")]
    listed = (_values(sanction, "listingDate") or _values(sanction, "startDate") or ["unknown"])[0]
    authority = (_values(sanction, "authority") or [program])[0]
    decision = (_values(sanction, "unscId") or [sanction.get("id") or "unknown"])[0]
    reason = " ".join(dict.fromkeys(reasons))
    facts = f"Listed by {authority} ({program}) on {listed}." + (
        f" Reasons: {reason}" if reason else ""
    )
    nationalities = [
        c
        for c in (
            country_code(v.upper())
            for v in _values(entity, "nationality") + _values(entity, "citizenship")
        )
        if c
    ]
    data = {
        "kind": kind,
        "names": names,
        "birth_dates": [
            {"date": d}
            for d in dict.fromkeys(filter(None, map(_date, _values(entity, "birthDate"))))
        ][:20],
        "birth_places": _values(entity, "birthPlace")[:20],
        "gender": {"male": "male", "female": "female", "other": "other"}.get(
            (_values(entity, "gender") or [""])[0].lower()
        ),
        "nationalities": list(dict.fromkeys(nationalities))[:10],
        "documents": docs[:50],
        "legal_basis": {
            "instrument": program[:300] or authority[:300],
            "article": ((_values(sanction, "provisions") or [f"listing by {authority}"])[0])[:200],
        },
        "decision_ref": f"{decision} (listed {listed})"[:200],
        "listing_standard": f"designation by {authority}"[:200],
        "articulable_facts": facts[:20000],
        "data_subject_category": "SUSPECT",
        "derogatory_items": [
            {
                "kind": "fact",
                "text": (reason or facts)[:5000],
                "conduct_based": bool(reason),
                "source_ref": f"{source}:{sanction.get('id', 'sanction')}"[:200],
                "holding_body": authority[:200] or None,
                "source_reliability": "B",
                "information_credibility": "2" if reason else "6",
            }
        ],
        "originating_agency": agency,
        "source": source,
        "source_ref": str(entity.get("id"))[:200],
    }
    data.update(SOURCE_ATTESTS)  # the source attests (LB-adequacy-gate; see writer)
    return EntryCreate.model_validate(data)


def _one(
    number: int, line: str, sanctions: dict, documents: dict, agency: str, source: str
) -> tuple[str | None, Any] | None:
    """One line: (ref, EntryCreate or the error), or None for lines that are not subjects."""
    if not line.strip():
        return None
    try:
        entity = json.loads(line)
    except ValueError:
        return f"line {number}", FtmRejected("not valid JSON")
    if not isinstance(entity, dict) or entity.get("schema") not in SUBJECT_SCHEMAS:
        return None
    ref = str(entity.get("id") or "") or None
    try:
        return ref, ftm_to_entry(
            entity,
            sanctions.get(ref or "", []),
            documents.get(ref or "", []),
            agency=agency,
            source=source,
        )
    except ValueError as error:
        return ref, error
    except (KeyError, TypeError) as error:
        return ref, FtmRejected(f"malformed entity ({type(error).__name__})")


def _items(
    path: Path, sanctions: dict, documents: dict, agency: str, source: str
) -> Iterator[tuple[str | None, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            found = _one(number, line, sanctions, documents, agency, source)
            if found is not None:
                yield found


# Parallel preparation: validation and conversion are pure CPU work, so worker processes do
# them while the main process writes; the database sees exactly the same rows.
_WORKER: dict[str, Any] = {}


def _init_worker(sanctions: dict, documents: dict, agency: str, source: str) -> None:
    _WORKER.update(sanctions=sanctions, documents=documents, agency=agency, source=source)


def _prepare_chunk(chunk: list[tuple[int, str]]) -> list[tuple[str | None, str, Any]]:
    out: list[tuple[str | None, str, Any]] = []
    for number, line in chunk:
        found = _one(
            number,
            line,
            _WORKER["sanctions"],
            _WORKER["documents"],
            _WORKER["agency"],
            _WORKER["source"],
        )
        if found is None:
            continue
        ref, value = found
        try:
            if isinstance(value, Exception):
                raise value
            out.append((ref, "ok", prepare(value)))
        except ValueError as error:
            out.append((ref, "error", rejection_reason(error)))
    return out


def _chunks(path: Path, size: int) -> Iterator[list[tuple[int, str]]]:
    chunk: list[tuple[int, str]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if '"Sanction"' in line and '"schema": "Sanction"' in line:
                continue  # already read by the first pass
            chunk.append((number, line))
            if len(chunk) >= size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _parallel_items(
    path: Path, sanctions: dict, documents: dict, agency: str, source: str, workers: int
) -> Iterator[tuple[str | None, Any]]:
    context = multiprocessing.get_context("fork")
    with context.Pool(
        workers, initializer=_init_worker, initargs=(sanctions, documents, agency, source)
    ) as pool:
        for results in pool.imap(_prepare_chunk, _chunks(path, 500)):
            for ref, kind, value in results:
                yield ref, Prepared(value) if kind == "ok" else FtmRejected(value)


def import_ftm(
    session: Session,
    path: Path,
    settings: Settings,
    *,
    source: str = "ftm",
    progress: Progress | None = None,
    batch_size: int = 1000,
    workers: int | None = None,
) -> ImportSummary:
    """Import FtM subjects (not a whole list: nothing missing from the file is delisted).

    ``workers``: processes that validate and convert records (default: one per CPU for files
    over 20 000 lines, else none).
    """
    sanctions, documents = _scan(path)
    activate, note = activation_for(settings, source.upper())
    options = ImportOptions(
        source=source,
        edition=f"{path.name}",
        actor=importer_actor(settings, source),
        activate=activate,
        file_sha256=file_sha256(path),
        activation_note=note,
        rules=entry_rules(settings),
        batch_size=batch_size,
    )
    agency = import_agency(settings)
    if workers is None:
        with path.open("rb") as handle:
            large = sum(1 for _ in handle) > 20_000
        workers = (os.cpu_count() or 1) if large and os.name == "posix" else 1
    items = (
        _parallel_items(path, sanctions, documents, agency, source, workers)
        if workers > 1
        else _items(path, sanctions, documents, agency, source)
    )
    return run_import(session, options, items, progress=progress)


def entry_to_ftm(entry: Entry) -> list[dict[str, Any]]:
    """An entry as FtM entities: the subject and its Sanction (with quality metadata)."""
    subject_id = f"wl-{entry.id}"
    names = entry.names
    props: dict[str, list[str]] = {
        "name": [n["full_name"] for n in names if n["name_type"] in ("primary", "original_script")],
        "alias": [n["full_name"] for n in names if n["name_type"] in ("alias", "birth_name")],
        "weakAlias": [n["full_name"] for n in names if n["name_type"] == "weak_alias"],
        "notes": [f"status {entry.status}; version {entry.version}"],
    }
    if entry.kind == "person":
        props |= {
            "birthDate": [d["date"] for d in entry.birth_dates],
            "birthPlace": list(entry.birth_places),
            "nationality": [c.lower() for c in entry.nationalities],
            "gender": [entry.gender] if entry.gender in ("male", "female", "other") else [],
            "passportNumber": [d["number"] for d in entry.documents if d["type"] == "passport"],
            "idNumber": [d["number"] for d in entry.documents if d["type"] != "passport"],
        }
    subject = {
        "id": subject_id,
        "schema": "Person" if entry.kind == "person" else "Organization",
        "properties": {k: v for k, v in props.items() if v},
        "first_seen": entry.created_at.isoformat(),
        "last_change": entry.updated_at.isoformat(),
    }
    facts = [i["text"] for i in entry.derogatory_items if i["kind"] == "fact"]
    sanction = {
        "id": f"{subject_id}-sanction",
        "schema": "Sanction",
        "properties": {
            "entity": [subject_id],
            "authority": [entry.originating_agency],
            "program": [entry.legal_basis_instrument],
            "provisions": [entry.legal_basis_article],
            "reason": facts[:1] or [entry.articulable_facts],
            "listingDate": [entry.listed_at.date().isoformat()],
            "status": [entry.status],
            "summary": [
                f"decision {entry.decision_ref}; standard: {entry.listing_standard}; "
                f"last reviewed/changed {entry.updated_at.date().isoformat()}"
            ],
            **({"endDate": [entry.expires_at.date().isoformat()]} if entry.expires_at else {}),
        },
    }
    return [subject, sanction]


class ExportRefused(ValueError):
    """An export without its recipient, legal basis or justification (SH-per-recipient-basis)."""


def export_ftm(
    session: Session,
    out: IO[str],
    *,
    statuses: list[str] | None = None,
    purpose: str,
    recipient: str,
    legal_basis: str,
    actor: SystemActor | None = None,
    batch: int = 1000,
) -> int:
    """Write entries as FtM JSON lines; each exported entry is recorded as a disclosure to
    ``recipient`` under ``legal_basis`` with ``purpose`` as its case-by-case justification
    (SH-per-recipient-basis, LG-consult-fields), in the caller's transaction. The caller must
    hand ``out`` on only after committing, so nothing is disclosed without its record."""
    given = {"recipient": recipient, "legal_basis": legal_basis, "purpose": purpose}
    missing = [name for name, value in given.items() if not (value or "").strip()]
    if missing:
        raise ExportRefused(
            f"{', '.join(missing)} required: an export is a disclosure and needs a recipient, "
            "a legal basis and a justification (SH-per-recipient-basis)"
        )
    actor = actor or SystemActor(sub="cli:export-ftm")
    export_id = str(uuid.uuid4())
    statement = (
        select(Entry)
        .where(Entry.status.in_(statuses or ["active"]))
        .order_by(Entry.created_at, Entry.id)
        .execution_options(yield_per=batch)
    )
    count = 0
    pending: list[dict[str, Any]] = []
    for entry in session.execute(statement).scalars():
        for entity in entry_to_ftm(entry):
            out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
        pending.append(
            {
                "operation": "disclosure",
                "action": "entry.export_ftm",
                "target_type": "entry",
                "target_id": entry.id,
                "purpose": purpose.strip(),
                "details": {
                    "export_id": export_id,
                    "format": "ftm",
                    "version": entry.version,
                    "recipient": recipient.strip(),
                    "legal_basis": legal_basis.strip(),
                },
            }
        )
        count += 1
        if len(pending) >= batch:
            audit_batch.record_events(session, actor, pending)
            pending = []
    audit_batch.record_events(session, actor, pending)
    return count
