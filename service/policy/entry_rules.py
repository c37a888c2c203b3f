"""Policy rules applied when entries are nominated and approved.

The entries service calls these through ``Context.rules`` (set by the entries router from
``container.extensions["entry_rules"]``): CH-minor at nomination and approval, the pack's review
date and retention cap at approval (RV-review-date), and the re-listing guard (RD-no-moot).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from policies import (
    BirthDate,
    PolicyError,
    PolicyPack,
    is_minor,
    parse_birth_date,
    validate_minor_nomination,
)
from policies.redress import RedressDelisting, check_relisting, derogatory_fingerprint
from service.auth.principal import Principal
from service.auth.roles import Scope
from service.errors import Forbidden, RuleViolation
from service.models.entry import Entry
from service.models.policy import RedressDelistingRecord
from service.policy.errors import policy_errors
from service.policy.relisting import relisting_digest
from service.policy.settings import PolicySettings
from service.policy.state import find_state, policy_state


def birth_dates_of(stored: Iterable[dict[str, Any]]) -> list[BirthDate]:
    """Policy birth dates from stored ones; a range contributes both ends (any could be true)."""
    result: list[BirthDate] = []
    for item in stored:
        for key in ("date", "date_to"):
            value = item.get(key)
            if value:
                try:
                    result.append(parse_birth_date(value))
                except PolicyError:
                    continue  # validated at input; an unreadable date cannot make a minor
    return result


def entry_is_minor(entry: Entry, now: datetime) -> bool:
    return is_minor(birth_dates_of(entry.birth_dates), now)


def action_code(entry_action: str | None) -> str | None:
    """Packs key action intervals in upper case (``DISCREET_CHECK``)."""
    return entry_action.upper() if entry_action else None


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def identity_digests(
    names: Iterable[dict[str, Any]], birth_dates: Iterable[dict[str, Any]], salt: str
) -> list[str]:
    """Salted digests of every (name, birth date) pair: recognise a person again without
    keeping the name (RD-no-moot survives erasure)."""
    dates = sorted({item.get("date") or "" for item in birth_dates}) or [""]
    digests = {
        relisting_digest(f"{_normal(name['full_name'])}\x1f{day}", salt)
        for name in names
        for day in dates
    }
    return sorted(digests)


def facts_fingerprint(articulable_facts: str, derogatory_items: Iterable[dict[str, Any]]) -> str:
    return derogatory_fingerprint([articulable_facts, *(item["text"] for item in derogatory_items)])


def material_ids(derogatory_items: Iterable[dict[str, Any]]) -> set[str]:
    """The material a listing rests on, linked by the derogatory items' source references."""
    return {item["source_ref"] for item in derogatory_items if item.get("source_ref")}


class EntryRules:
    """What the pack requires of nominations and approvals."""

    def __init__(
        self, pack: PolicyPack, settings: PolicySettings | None = None, *, relisting_key: str
    ) -> None:
        self.pack = pack
        self.settings = settings or PolicySettings()
        self.relisting_key = relisting_key  # service.policy.relisting: HMAC key (RD-no-moot)

    def check_nomination(
        self, session: Session, principal: Principal, data: Any, now: datetime
    ) -> None:
        """CH-minor: a minor's nomination carries a best-interests justification.
        RD-no-moot: a person delisted through redress needs new material to be listed again."""
        dates = [item.model_dump() for item in data.birth_dates]
        if (
            is_minor(birth_dates_of(dates), now)
            and not (data.best_interests_justification or "").strip()
        ):
            with policy_errors():
                validate_minor_nomination(
                    subject_is_minor=True,
                    best_interests_justification=None,
                    approver_id=None,
                    approver_is_senior=False,
                    nominator_id=principal.sub,
                )
        names = [name.model_dump() for name in data.names]
        items = [item.model_dump(mode="json") for item in data.derogatory_items]
        self.check_relisting(session, names, dates, data.articulable_facts, items)

    def check_relisting(
        self,
        session: Session,
        names: list[dict[str, Any]],
        dates: list[dict[str, Any]],
        articulable_facts: str,
        items: list[dict[str, Any]],
    ) -> None:
        digests = set(identity_digests(names, dates, self.relisting_key))
        fingerprint = facts_fingerprint(articulable_facts, items)
        linked = material_ids(items)
        for prior in session.execute(select(RedressDelistingRecord)).scalars():
            if not digests.intersection(prior.identity_digests):
                continue
            with policy_errors():
                check_relisting(
                    RedressDelisting(
                        prior.delisted_at, prior.facts_fingerprint, frozenset(prior.material_ids)
                    ),
                    facts_fingerprint=fingerprint,
                    linked_material_ids=linked,
                )

    def check_reinstate(self, session: Session, entry: Entry) -> None:
        """RV-review-date fail-safe: an entry suspended because its review lapsed returns only
        through a new nomination, never by a manual reinstatement."""
        state = find_state(session, entry.id)
        if state is not None and state.lapsed_at is not None:
            raise RuleViolation(
                "an entry suspended because its review lapsed cannot be reinstated",
                details=[
                    {
                        "loc": ["path", "entry_id"],
                        "msg": "nominate the subject again",
                        "rule": "RV-review-date",
                    }
                ],
            )

    def approval_fields(
        self, session: Session, principal: Principal, entry: Entry, now: datetime
    ) -> dict[str, Any]:
        """CH-minor senior approval; review_due and expires_at from the pack (RV-review-date)."""
        minor = entry_is_minor(entry, now)
        if minor and not principal.has(Scope.entries_approve_minor):
            raise Forbidden(
                "an entry on a minor must be approved by a senior reviewer "
                "(scope entries:approve-minor; CH-minor)"
            )
        with policy_errors():
            validate_minor_nomination(
                subject_is_minor=minor,
                best_interests_justification=entry.best_interests_justification,
                approver_id=principal.sub,
                approver_is_senior=principal.has(Scope.entries_approve_minor),
                nominator_id=entry.nominating_officer,
            )
        from service.policy.activation import activation  # it builds on this module's helpers

        clock = activation(
            self.pack,
            category=entry.data_subject_category,
            action_on_hit=entry.action_on_hit,
            birth_dates=entry.birth_dates,
            now=now,
        )
        state = policy_state(session, entry.id, now)
        state.is_minor = clock.is_minor
        state.minor_checked_at = now
        state.pack_id, state.pack_version = clock.decided_by.id, clock.decided_by.version
        state.updated_at = now
        return {"review_due": clock.review_due, "expires_at": clock.expires_at}
