"""Valid request bodies for tests. The people are fictional."""

from __future__ import annotations

import copy
from typing import Any

_BASE: dict[str, Any] = {
    "kind": "person",
    "names": [
        {"full_name": "Qasim Yusuf Tahiri", "name_type": "primary"},
        {"full_name": "قاسم يوسف طاهري", "name_type": "original_script"},
        {"full_name": "Abu Harith al-Tahiri", "name_type": "alias", "quality": "low"},
    ],
    "birth_dates": [{"date": "1984-07-14"}],
    "birth_places": ["Fictional City"],
    "gender": "male",
    "nationalities": ["JO"],
    "documents": [{"type": "passport", "number": "ZX4410982", "issuing_country": "JO"}],
    "legal_basis": {"instrument": "Counter-Terrorism Act 2019", "article": "s. 12(1)(b)"},
    "decision_ref": "FC-2026-0042",
    "listing_standard": "reasonable suspicion (Counter-Terrorism Act 2019 s. 12)",
    "articulable_facts": (
        "Transferred funds to a listed organisation on three documented occasions in 2025."
    ),
    "data_subject_category": "SUSPECT",
    "derogatory_items": [
        {
            "kind": "fact",
            "text": "Bank records show three transfers to a listed organisation.",
            "conduct_based": True,
            "source_ref": "FIU report 2025/118",
            "source_reliability": "B",
            "information_credibility": "2",
        },
        {
            "kind": "assessment",
            "text": "Analysts assess a facilitation role for travel of recruits.",
            "conduct_based": True,
            "source_ref": "Analysis note 77",
            "holding_body": "National Intelligence Service",
            "source_reliability": "C",
            "information_credibility": "3",
        },
    ],
    "originating_agency": "police",
    "action_on_hit": "refer_secondary_inspection",
    "handling_code": "H2",
    "contact_point": "Police CT duty desk",
    "warning_flags": ["terrorism_activity"],
    "shared_with": ["customs"],
    "adequacy_attested": True,
}

# The reviewer's reason the test helpers give when they approve one more entry of the factory
# person: most tests list the same fictional person several times (LB-adequacy-gate).
DISTINCT = "test fixture: listed again on purpose, a different case of the fictional person"


def entry_body(**overrides: Any) -> dict[str, Any]:
    body = copy.deepcopy(_BASE)
    body.update(overrides)
    return body
