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

from matching.names import prepare_name
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


# Identity digests recognise a person delisted through redress when they are nominated again,
# without keeping their name (RD-no-moot survives erasure). Each name gives a digest of its own
# and one per birth year; the name is reduced first to the matching engine's consonant keys, so
# the spelling of a transliteration, a vowel, accents, case, word order, honorifics and the
# script do not tell two nominations of one person apart.
NAME_DIGEST, NAME_YEAR_DIGEST = "n:", "y:"
# A birth-date range wider than this says nothing about which person it is.
_MAX_RANGE_YEARS = 10


def keyed_digest(secret: str, *parts: str) -> str:
    """The one place identity digests are hashed: a keyed HMAC (``relisting_digest``)."""
    return relisting_digest("\x1f".join(parts), secret)


def name_key(full_name: str) -> str:
    """The spelling-insensitive form of a name: its tokens' consonant keys, sorted.

    >>> name_key("Qasim Yusuf Tahiri") == name_key("Tahiry, Kasim Yousef")
    True
    """
    keys = sorted(set(prepare_name(full_name).keys))
    return " ".join(keys) if keys else _normal(full_name)


def birth_years(birth_dates: Iterable[dict[str, Any]]) -> set[int]:
    """Every year a recorded birth date (or narrow range) allows, whatever its precision."""
    years: set[int] = set()
    for item in birth_dates:
        first = int(str(item.get("date") or "")[:4] or 0)
        last = int(str(item.get("date_to") or "")[:4] or first)
        if first and last - first <= _MAX_RANGE_YEARS:
            years.update(range(first, last + 1))
    return years


def identity_digests(
    names: Iterable[dict[str, Any]],
    birth_dates: Iterable[dict[str, Any]],
    salt: str,
    *,
    year_tolerance: int = 0,
) -> list[str]:
    """Salted digests of each name alone and of each name with each birth year.

    A nomination is checked with ``year_tolerance=1``, so a birth year off by one still
    recognises the person (see :func:`same_identity`)."""
    keys = {name_key(name["full_name"]) for name in names}
    years = {
        year + shift
        for year in birth_years(birth_dates)
        for shift in range(-year_tolerance, year_tolerance + 1)
    }
    digests = {NAME_DIGEST + keyed_digest(salt, "name", key) for key in keys}
    digests |= {
        NAME_YEAR_DIGEST + keyed_digest(salt, "name-year", key, str(year))
        for key in keys
        for year in years
    }
    return sorted(digests)


def same_identity(prior: Iterable[str], candidate: Iterable[str]) -> bool:
    """Whether two sets of identity digests name one person: a name and a birth year in common,
    or a name in common when either side records no birth year. A namesake whose birth year is
    known to differ is somebody else."""
    prior, candidate = set(prior), set(candidate)
    prior_dated = {d for d in prior if d.startswith(NAME_YEAR_DIGEST)}
    candidate_dated = {d for d in candidate if d.startswith(NAME_YEAR_DIGEST)}
    if prior_dated and candidate_dated:
        return bool(prior_dated & candidate_dated)
    return bool((prior - prior_dated) & (candidate - candidate_dated))


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
        """The listing rules on a nomination's body (see :meth:`check_listing`)."""
        self.check_listing(
            session,
            names=[name.model_dump() for name in data.names],
            dates=[item.model_dump() for item in data.birth_dates],
            articulable_facts=data.articulable_facts,
            items=[item.model_dump(mode="json") for item in data.derogatory_items],
            best_interests_justification=data.best_interests_justification,
            now=now,
        )

    def check_entry(self, session: Session, entry: Entry, now: datetime) -> None:
        """The listing rules again on an entry as it stands: after a substantive amendment and
        at approval, so facts changed after the nomination cannot slip past them."""
        self.check_listing(
            session,
            names=entry.names,
            dates=entry.birth_dates,
            articulable_facts=entry.articulable_facts,
            items=entry.derogatory_items,
            best_interests_justification=entry.best_interests_justification,
            now=now,
        )

    def check_listing(
        self,
        session: Session,
        *,
        names: list[dict[str, Any]],
        dates: list[dict[str, Any]],
        articulable_facts: str,
        items: list[dict[str, Any]],
        best_interests_justification: str | None,
        now: datetime,
    ) -> None:
        """CH-minor: a minor's entry carries a best-interests justification.
        RD-no-moot: a person delisted through redress needs new material to be listed again."""
        if (
            is_minor(birth_dates_of(dates), now)
            and not (best_interests_justification or "").strip()
        ):
            with policy_errors():
                validate_minor_nomination(
                    subject_is_minor=True,
                    best_interests_justification=None,
                    approver_id=None,
                    approver_is_senior=False,
                    nominator_id="",
                )
        self.check_relisting(session, names, dates, articulable_facts, items)

    def check_relisting(
        self,
        session: Session,
        names: list[dict[str, Any]],
        dates: list[dict[str, Any]],
        articulable_facts: str,
        items: list[dict[str, Any]],
    ) -> None:
        digests = set(identity_digests(names, dates, self.relisting_key, year_tolerance=1))
        fingerprint = facts_fingerprint(articulable_facts, items)
        linked = material_ids(items)
        for prior in session.execute(select(RedressDelistingRecord)).scalars():
            if not same_identity(prior.identity_digests, digests):
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
        """CH-minor senior approval; review_due and expires_at from the pack (RV-review-date).

        A first activation starts the review period and the retention clock. Re-approving an
        amended entry keeps both: it may bring the review date forward (the amendment made the
        subject a minor, or chose a category reviewed sooner), never push it back, because an
        extension needs a recorded review decision (RV-extension-record).
        """
        minor = entry_is_minor(entry, now)
        if minor and not principal.has(Scope.entries_approve_minor):
            raise Forbidden(
                "an entry on a minor must be approved by a senior reviewer "
                "(scope entries:approve-minor; CH-minor)"
            )
        first_activation = entry.activated_at is None
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
            first_activated_at=None if first_activation else entry.activated_at,
        )
        state = policy_state(session, entry.id, now)
        state.is_minor = clock.is_minor
        state.minor_checked_at = now
        state.pack_id, state.pack_version = clock.decided_by.id, clock.decided_by.version
        state.updated_at = now
        if first_activation:
            return {"review_due": clock.review_due, "expires_at": clock.expires_at}
        if entry.review_due is None or clock.review_due < entry.review_due:
            return {"review_due": clock.review_due}
        return {}
