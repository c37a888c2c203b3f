"""The policy pack: one state's legal time limits and switches, as validated, immutable data.

Each state's law differs, so the rules read their numbers from a pack (GV-purpose-config). A pack
has an ``id`` and a ``version``; every decision in this library returns the :class:`PackRef` that
decided it, so the service can record which rules applied to which record and when.
Packs are loaded and validated by :mod:`policies.pack_loader`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, Literal, TypeVar

from policies.durations import Duration

T = TypeVar("T")

#: LED Art 6 data-subject categories (DQ-subject-category). A pack must set an interval for each.
SUBJECT_CATEGORIES: tuple[str, ...] = ("SUSPECT", "CONVICTED", "VICTIM", "OTHER_PARTY")

#: Kinds of redress request; deadline rules may apply to some kinds only.
REQUEST_KINDS: tuple[str, ...] = ("access", "rectification", "erasure")

#: Milestones of a redress case that a deadline can start at or be met by. State changes stamp
#: the milestone of the state they enter; ``forwarded``, ``verified`` and ``notified`` are stamped
#: explicitly (see :func:`policies.redress.cases.record_milestone`).
CASE_MILESTONES: tuple[str, ...] = (
    "received",
    "needs_documents",
    "admissible",
    "inadmissible",
    "information_gathering",
    "forwarded",
    "verified",
    "dialogue",
    "decided",
    "notified",
    "withdrawn",
    "closed",
)


@dataclass(frozen=True)
class PackRef:
    """Which pack decided: recorded with every decision so it can be audited later."""

    id: str
    version: str

    def __str__(self) -> str:
        return f"{self.id}@{self.version}"


@dataclass(frozen=True)
class DeadlineRule:
    """One redress time limit: ``duration`` after milestone ``starts_at`` until one of ``met_by``.

    ``extension`` is the most it may be extended, once, with recorded reasons (``None``: it
    cannot be extended). ``request_kinds`` limits the rule to some kinds of request.
    """

    name: str
    duration: Duration
    starts_at: str
    met_by: tuple[str, ...]
    extension: Duration | None = None
    request_kinds: frozenset[str] = frozenset(REQUEST_KINDS)


@dataclass(frozen=True)
class RedressProfile:
    """A named set of redress deadlines (EU interoperability, INTERPOL CCF, SIS, ...)."""

    name: str
    deadlines: tuple[DeadlineRule, ...]

    def rules_for(self, request_kind: str) -> tuple[DeadlineRule, ...]:
        """The deadline rules that apply to a request of this kind."""
        return tuple(rule for rule in self.deadlines if request_kind in rule.request_kinds)


@dataclass(frozen=True)
class AuditLogRetention:
    """How long audit events are kept.

    ``profile == "duration"``: kept ``duration`` after it was written (SIS: 3 years).
    ``profile == "end_of_following_year"``: kept until the end of the calendar year after the year
    it was written (LED transpositions in DE/GR).
    """

    profile: Literal["duration", "end_of_following_year"]
    duration: Duration | None = None


@dataclass(frozen=True)
class PolicyPack:
    """A validated policy pack. Build it with :mod:`policies.pack_loader`, never by hand in code
    that decides about real records (the loader enforces the cross-field rules)."""

    ref: PackRef
    description: str
    review_by_category: Mapping[str, Duration]
    review_by_action: Mapping[str, Duration]
    # "shortest": the shorter of the category and action-code intervals applies; "action": an
    # action-code interval replaces the category one (SIS sets periods by alert type).
    action_precedence: Literal["shortest", "action"]
    minor_review_interval: Duration
    warning_lead_time: Duration
    # A nomination not approved within this is rejected as lapsed and erased after the grace
    # period (RV-review-date fail-safe: nobody waits in the queue, with their data, for years).
    nomination_pending_limit: Duration
    max_retention: Duration
    max_extensions: int | None  # None: no count limit (max_retention still caps the entry)
    extension_requires_assessment: bool
    erasure_grace_period: Duration
    audit_log_retention: AuditLogRetention
    removal_latency_sla: Duration
    purpose_achieved_reply: Duration
    redress_profile: RedressProfile
    redress_profiles: Mapping[str, RedressProfile]
    binding_sources: frozenset[str]
    allowed_purposes: frozenset[str]
    min_published_count: int
    source: str = field(default="<memory>", compare=False)


@dataclass(frozen=True)
class Decided(Generic[T]):
    """A value decided by a pack: the service stores ``decided_by`` next to ``value``."""

    value: T
    decided_by: PackRef


def retention_end(pack: PolicyPack, first_activated_at: datetime) -> datetime:
    """The absolute end of retention (``expires_at``): first activation plus ``max_retention``.

    Extensions never move this date: entries are retained period by period, never past it.
    """
    return pack.max_retention.after(first_activated_at)
