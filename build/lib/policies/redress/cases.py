"""The redress case: states, allowed transitions, deadlines and escalation (RD-case-id,
RD-deadlines, RD-ombudsperson-model).

State machine, modelled on the UN Ombudsperson phases (admissibility, information gathering,
dialogue, reasoned decision)::

    received ──► needs_documents ──► admissible ──► information_gathering ◄──► dialogue
       │               │                                      │                 │
       ├──► admissible  ├──► inadmissible ──► closed           └──► decided ◄───┘
       └──► inadmissible                                              │
    (any open state) ──► withdrawn ──► closed                         └──► closed

Each state entered stamps a milestone (first time only); ``forwarded``, ``verified`` and
``notified`` are stamped with :func:`record_milestone`. Deadlines come from the pack's redress
profile, captured when the case is opened so a later pack change does not move a running clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from policies.durations import require_utc
from policies.errors import PolicyConflict, PolicyError
from policies.pack import REQUEST_KINDS, PackRef, PolicyPack, RedressProfile
from policies.redress.decisions import RedressDecision, validate_decision
from policies.redress.tracking import normalise_tracking_number


class CaseState(StrEnum):
    RECEIVED = "received"
    NEEDS_DOCUMENTS = "needs_documents"
    ADMISSIBLE = "admissible"
    INADMISSIBLE = "inadmissible"
    INFORMATION_GATHERING = "information_gathering"
    DIALOGUE = "dialogue"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


_OPEN = {CaseState.RECEIVED, CaseState.NEEDS_DOCUMENTS, CaseState.ADMISSIBLE,
         CaseState.INFORMATION_GATHERING, CaseState.DIALOGUE}

ALLOWED_TRANSITIONS: Mapping[CaseState, frozenset[CaseState]] = MappingProxyType({
    CaseState.RECEIVED: frozenset({CaseState.NEEDS_DOCUMENTS, CaseState.ADMISSIBLE,
                                   CaseState.INADMISSIBLE, CaseState.WITHDRAWN}),
    CaseState.NEEDS_DOCUMENTS: frozenset({CaseState.ADMISSIBLE, CaseState.INADMISSIBLE,
                                          CaseState.WITHDRAWN}),
    CaseState.ADMISSIBLE: frozenset({CaseState.INFORMATION_GATHERING, CaseState.WITHDRAWN}),
    CaseState.INFORMATION_GATHERING: frozenset({CaseState.DIALOGUE, CaseState.DECIDED,
                                                CaseState.WITHDRAWN}),
    CaseState.DIALOGUE: frozenset({CaseState.INFORMATION_GATHERING, CaseState.DECIDED,
                                   CaseState.WITHDRAWN}),
    CaseState.DECIDED: frozenset({CaseState.CLOSED}),
    CaseState.INADMISSIBLE: frozenset({CaseState.CLOSED}),
    CaseState.WITHDRAWN: frozenset({CaseState.CLOSED}),
    CaseState.CLOSED: frozenset(),
})

#: What the requester sees (DHS TRIP style): in_process / needs_documents / completed.
PUBLIC_STATUS: Mapping[CaseState, str] = MappingProxyType({
    **{state: "in_process" for state in _OPEN},
    CaseState.NEEDS_DOCUMENTS: "needs_documents",
    **{state: "completed" for state in (CaseState.DECIDED, CaseState.INADMISSIBLE,
                                        CaseState.WITHDRAWN, CaseState.CLOSED)},
})

_EXPLICIT_MILESTONES = {"forwarded", "verified", "notified"}
# Ending a case without a decision still answers the person, so it meets "decided" deadlines.
_ENDINGS_THAT_ANSWER = ("inadmissible", "withdrawn")


@dataclass(frozen=True)
class DeadlineExtension:
    reasons: str
    extended_at: datetime
    extended_by: str


@dataclass(frozen=True)
class RedressCase:
    """A redress case as the policies see it: no personal data, only clocks and state."""

    tracking_number: str
    request_kind: str
    state: CaseState
    profile: RedressProfile
    opened_under: PackRef
    milestones: Mapping[str, datetime] = field(default_factory=dict)
    extensions: Mapping[str, DeadlineExtension] = field(default_factory=dict)

    @property
    def public_status(self) -> str:
        return PUBLIC_STATUS[self.state]


def open_case(
    pack: PolicyPack, *, tracking_number: str, request_kind: str, received_at: datetime
) -> RedressCase:
    """A new case in state ``received``, under the pack's current redress profile."""
    canonical = normalise_tracking_number(tracking_number)
    if canonical is None:
        raise PolicyError("invalid_tracking_number", "tracking_number is malformed or its check "
                          "symbol is wrong", field="tracking_number")
    if request_kind not in REQUEST_KINDS:
        raise PolicyError("unknown_request_kind", f"request_kind must be one of "
                          f"{', '.join(REQUEST_KINDS)}", field="request_kind")
    received = require_utc(received_at, "received_at")
    return RedressCase(canonical, request_kind, CaseState.RECEIVED, pack.redress_profile,
                       pack.ref, {"received": received})


def can_transition(current: CaseState, target: CaseState) -> bool:
    """True if the state machine allows ``current -> target``."""
    return target in ALLOWED_TRANSITIONS[current]


def transition(
    case: RedressCase,
    target: CaseState,
    now: datetime,
    *,
    decision: RedressDecision | None = None,
    reasons: str = "",
) -> RedressCase:
    """Move the case to ``target``. ``decided`` needs a valid decision; ``inadmissible`` and
    ``needs_documents`` need reasons (the requester must know what is wrong or missing)."""
    now = require_utc(now)
    target = CaseState(target)
    if not can_transition(case.state, target):
        raise PolicyConflict("invalid_case_transition", f"a case cannot go from "
                             f"{case.state.value} to {target.value}", field="state")
    if target is CaseState.DECIDED:
        if decision is None:
            raise PolicyError("decision_required", "moving a case to decided needs a decision",
                              field="decision")
        validate_decision(decision)
    if target in (CaseState.INADMISSIBLE, CaseState.NEEDS_DOCUMENTS) and not reasons.strip():
        raise PolicyError("reasons_required", f"reasons are required to mark a case "
                          f"{target.value}", field="reasons")
    return replace(case, state=target, milestones=_stamp(case.milestones, target.value, now))


def record_milestone(case: RedressCase, milestone: str, at: datetime) -> RedressCase:
    """Stamp ``forwarded`` / ``verified`` (before the decision) or ``notified`` (after it)."""
    if milestone not in _EXPLICIT_MILESTONES:
        raise PolicyError("unknown_milestone", f"milestone must be one of "
                          f"{', '.join(sorted(_EXPLICIT_MILESTONES))}", field="milestone")
    decided = "decided" in case.milestones
    if milestone == "notified" and not decided:
        raise PolicyConflict("not_decided", "the requester is notified of a decision; the case "
                             "has none yet", field="milestone")
    if milestone != "notified" and case.state not in _OPEN:
        raise PolicyConflict("case_not_open", f"{milestone} can only be recorded on an open case",
                             field="milestone")
    return replace(case, milestones=_stamp(case.milestones, milestone, require_utc(at, "at")))


def _stamp(milestones: Mapping[str, datetime], name: str, at: datetime) -> dict[str, datetime]:
    stamped = dict(milestones)
    stamped.setdefault(name, at)  # first time only: a clock never restarts by re-entering a state
    return stamped


# -- deadlines ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseDeadline:
    name: str
    due_at: datetime | None  # None: its starting milestone has not happened yet
    met_at: datetime | None
    extended: bool
    extendable: bool

    def overdue(self, now: datetime) -> bool:
        """Unmet and past due at ``now`` (a deadline met late is reported, not escalated)."""
        return self.due_at is not None and self.met_at is None and require_utc(now) > self.due_at

    @property
    def met_late(self) -> bool:
        return self.due_at is not None and self.met_at is not None and self.met_at > self.due_at


def case_deadlines(case: RedressCase) -> tuple[CaseDeadline, ...]:
    """Every deadline of the case's profile that applies to its request kind."""
    result = []
    for rule in case.profile.rules_for(case.request_kind):
        start = case.milestones.get(rule.starts_at)
        extension = case.extensions.get(rule.name)
        due = None
        if start is not None:
            due = rule.duration.after(start)
            if extension is not None and rule.extension is not None:
                due = rule.extension.after(due)
        met_by = rule.met_by + (_ENDINGS_THAT_ANSWER if "decided" in rule.met_by else ())
        met_times = [case.milestones[m] for m in met_by if m in case.milestones]
        result.append(CaseDeadline(rule.name, due, min(met_times) if met_times else None,
                                   extension is not None,
                                   rule.extension is not None and extension is None))
    return tuple(result)


def extend_deadline(
    case: RedressCase, name: str, *, reasons: str, extended_by: str, now: datetime
) -> RedressCase:
    """Extend one deadline once, by the profile's extension, with recorded reasons, before it
    expires (RD-deadlines: "+15 days with reasons")."""
    now = require_utc(now)
    deadline = next((d for d in case_deadlines(case) if d.name == name), None)
    if deadline is None:
        raise PolicyError("unknown_deadline", "this case has no deadline of that name",
                          field="deadline")
    if not deadline.extendable:
        raise PolicyConflict("deadline_not_extendable", f"deadline {name} cannot be extended "
                             "(the profile allows no extension, or it was already extended)",
                             field="deadline")
    if deadline.due_at is None or deadline.met_at is not None or now > deadline.due_at:
        raise PolicyConflict("deadline_not_running", f"deadline {name} can only be extended "
                             "while it is running and not yet past due", field="deadline")
    if not reasons.strip():
        raise PolicyError("reasons_required", "reasons are required to extend a deadline",
                          field="reasons")
    extensions = dict(case.extensions)
    extensions[name] = DeadlineExtension(reasons.strip(), now, extended_by)
    return replace(case, extensions=extensions)


@dataclass(frozen=True)
class Escalation:
    """What is overdue on a case at ``now``; the service alerts the owner's supervisor."""

    tracking_number: str
    overdue: tuple[CaseDeadline, ...]
    opened_under: PackRef

    @property
    def needs_escalation(self) -> bool:
        return bool(self.overdue)


def escalation(case: RedressCase, now: datetime) -> Escalation:
    """The deadlines of ``case`` that are unmet and past due at ``now``."""
    overdue = tuple(d for d in case_deadlines(case) if d.overdue(now))
    return Escalation(case.tracking_number, overdue, case.opened_under)
