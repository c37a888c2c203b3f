"""Conversions between API shapes and stored rows."""

from __future__ import annotations

from typing import Any

from service.entries.schemas import BirthDateIn, EntryOut, NameIn, date_precision
from service.kit.text import dominant_script
from service.models.entry import Entry


def stored_names(names: list[NameIn]) -> list[dict[str, Any]]:
    return [
        {
            "full_name": name.full_name,
            "name_type": name.name_type.value,
            "quality": name.quality.value,
            "script": name.script or dominant_script(name.full_name),
            "language": name.language,
        }
        for name in names
    ]


def stored_birth_dates(dates: list[BirthDateIn]) -> list[dict[str, Any]]:
    return [
        {"date": item.date, "date_to": item.date_to, "precision": date_precision(item.date)}
        for item in dates
    ]


def to_out(entry: Entry) -> EntryOut:
    return EntryOut(
        id=entry.id,
        kind=entry.kind,
        status=entry.status,
        version=entry.version,
        names=entry.names,
        birth_dates=entry.birth_dates,
        birth_places=entry.birth_places,
        gender=entry.gender,
        nationalities=entry.nationalities,
        documents=entry.documents,
        legal_basis={
            "instrument": entry.legal_basis_instrument,
            "article": entry.legal_basis_article,
        },
        decision_ref=entry.decision_ref,
        listing_standard=entry.listing_standard,
        articulable_facts=entry.articulable_facts,
        data_subject_category=entry.data_subject_category,
        derogatory_items=entry.derogatory_items,
        originating_agency=entry.originating_agency,
        nominating_officer=entry.nominating_officer,
        action_on_hit=entry.action_on_hit,
        handling_code=entry.handling_code,
        contact_point=entry.contact_point,
        warning_flags=entry.warning_flags,
        shared_with=sorted(share.agency for share in entry.shares),
        best_interests_justification=entry.best_interests_justification,
        source=entry.source,
        source_ref=entry.source_ref,
        listed_at=entry.listed_at,
        activated_at=entry.activated_at,
        review_due=entry.review_due,
        expires_at=entry.expires_at,
        reviewed_by=entry.reviewed_by,
        status_reason=entry.status_reason,
        created_by=entry.created_by,
        created_at=entry.created_at,
        updated_by=entry.updated_by,
        updated_at=entry.updated_at,
    )


def snapshot(entry: Entry) -> dict[str, Any]:
    # The entry itself: what a caller is shown about other entries is not part of its version.
    return to_out(entry).model_dump(mode="json", exclude={"possible_duplicates"})
