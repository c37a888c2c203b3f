"""Redress: tracking numbers, case state machine and deadlines, decisions and letters,
disputed entries, the re-listing guard and indirect access (section F of the requirements)."""

from policies.redress.cases import (
    ALLOWED_TRANSITIONS,
    CaseDeadline,
    CaseState,
    Escalation,
    RedressCase,
    can_transition,
    case_deadlines,
    escalation,
    extend_deadline,
    open_case,
    record_milestone,
    transition,
)
from policies.redress.decisions import (
    DecisionOutcome,
    RedressDecision,
    render_determination_letter,
    validate_decision,
)
from policies.redress.disputes import DisputeMark, hit_dispute_notice, mark_disputed
from policies.redress.indirect_access import (
    NEUTRAL_INDIRECT_ACCESS_TEXT,
    IndirectAccessOutcome,
    NeutralAnswer,
    answer_indirect_access,
)
from policies.redress.relisting import RedressDelisting, check_relisting, derogatory_fingerprint
from policies.redress.tracking import (
    is_valid_tracking_number,
    new_tracking_number,
    normalise_tracking_number,
)

__all__ = [
    "ALLOWED_TRANSITIONS", "CaseDeadline", "CaseState", "Escalation", "RedressCase",
    "can_transition", "case_deadlines", "escalation", "extend_deadline", "open_case",
    "record_milestone", "transition", "DecisionOutcome", "RedressDecision",
    "render_determination_letter", "validate_decision", "DisputeMark", "hit_dispute_notice",
    "mark_disputed", "NEUTRAL_INDIRECT_ACCESS_TEXT", "IndirectAccessOutcome", "NeutralAnswer",
    "answer_indirect_access", "RedressDelisting", "check_relisting", "derogatory_fingerprint",
    "is_valid_tracking_number", "new_tracking_number", "normalise_tracking_number",
]
