"""RD-indirect-access: an oversight body checks, for a person, whether an entry exists, and gets
an answer that is the same whether or not one does.

The identity sent for the check is used in memory only: it is not stored and not written to
the audit trail (the audit event records that a check was made, by whom, for which request
reference). Whether a record was found is kept only internally, as a lawfulness review task on
each matching entry, and never returned.
"""

from __future__ import annotations

import unicodedata
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from policies import PolicyPack, check_purpose
from policies.redress import NeutralAnswer, answer_indirect_access
from service.audit.recorder import record_event
from service.auth.principal import Principal
from service.entries.schemas import Status
from service.models.entry import Entry
from service.models.policy import LawfulnessReview
from service.policy.errors import policy_errors

# A fuzzy name score at or above this counts as "possibly this person": an indirect check errs
# towards reviewing an entry rather than missing it.
NAME_THRESHOLD = 0.9
SEARCHED = (Status.pending_review.value, Status.active.value, Status.suspended.value)


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _document_key(number: str) -> str:
    return "".join(ch for ch in number.upper() if ch.isalnum())


def _name_matches(query: str, stored: str) -> bool:
    if _normal(query) == _normal(stored):
        return True
    try:
        from matching.names import compare_names
    except ImportError:  # the matching library is optional for this check
        return False
    return compare_names(query, stored) >= NAME_THRESHOLD


def _birth_compatible(query_dates: list[str], stored: list[dict]) -> bool:
    if not query_dates or not stored:
        return True
    return any(
        q.startswith(item["date"]) or item["date"].startswith(q)
        for q in query_dates
        for item in stored
    )


def matching_entry_ids(
    session: Session, *, names: list[str], birth_dates: list[str], document_numbers: list[str]
) -> list[str]:
    """Entries that may concern the person: a document number in common, or a matching name
    with a compatible birth date."""
    documents = {_document_key(n) for n in document_numbers}
    found = []
    rows = session.execute(
        select(Entry.id, Entry.names, Entry.birth_dates, Entry.documents).where(
            Entry.status.in_(SEARCHED)
        )
    )
    for entry_id, entry_names, entry_dates, entry_documents in rows:
        if documents & {_document_key(d["number"]) for d in entry_documents}:
            found.append(entry_id)
        elif _birth_compatible(birth_dates, entry_dates) and any(
            _name_matches(q, n["full_name"]) for q in names for n in entry_names
        ):
            found.append(entry_id)
    return found


def indirect_access_check(
    session: Session,
    principal: Principal,
    pack: PolicyPack,
    *,
    request_reference: str,
    purpose: str,
    names: list[str],
    birth_dates: list[str],
    document_numbers: list[str],
    now: datetime,
    request_id: str | None = None,
) -> NeutralAnswer:
    with policy_errors():
        check_purpose(pack, purpose)  # GV-purpose-config
        found = matching_entry_ids(
            session, names=names, birth_dates=birth_dates, document_numbers=document_numbers
        )
        outcome = answer_indirect_access(
            request_reference=request_reference,
            oversight_body_id=principal.agency,
            record_exists=bool(found),
            now=now,
        )
    for entry_id in found:
        session.add(
            LawfulnessReview(
                id=str(uuid.uuid4()),
                entry_id=entry_id,
                request_reference=request_reference.strip(),
                created_at=now,
            )
        )
    record_event(
        session,
        principal,
        operation="consultation",
        action="redress.indirect_access",
        target_type="indirect_access",
        purpose=purpose,
        request_id=request_id,
        details={"request_reference": request_reference.strip(), "policy_pack": str(pack.ref)},
    )
    return outcome.answer
