"""Redress decisions and the determination letter (RD-case-id, RD-restriction-reasons).

Outcomes: ``no_record``, ``corrected``, ``delisted``, ``maintained``, ``restricted_reply``.

The letter is plain text from fixed templates with neutral wording. ``no_record`` and
``restricted_reply`` render the **same** letter: if a "no record" letter said so, a restricted
reply would stand out by saying something else, and would reveal that the person is listed.
The internal factual and legal reasons never appear in a letter; only ``public_summary`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from string import Template

from policies.durations import require_utc
from policies.errors import PolicyError


class DecisionOutcome(StrEnum):
    NO_RECORD = "no_record"
    CORRECTED = "corrected"
    DELISTED = "delisted"
    MAINTAINED = "maintained"
    RESTRICTED_REPLY = "restricted_reply"


@dataclass(frozen=True)
class RedressDecision:
    """A reasoned decision. ``factual_reasons``/``legal_reasons`` are internal records;
    ``public_summary`` is what the requester is told (corrected and maintained only)."""

    outcome: DecisionOutcome
    decided_by_id: str
    factual_reasons: str = ""
    legal_reasons: str = ""
    public_summary: str = ""


# Which texts each outcome must record, and why.
_REQUIRED: dict[DecisionOutcome, tuple[tuple[str, str], ...]] = {
    DecisionOutcome.NO_RECORD: (),
    DecisionOutcome.CORRECTED: (
        ("factual_reasons", "a correction records what was wrong"),
        ("public_summary", "the requester is told what was corrected"),
    ),
    DecisionOutcome.DELISTED: (
        ("factual_reasons", "a delisting after a complaint records its reasons (RD-no-moot)"),
    ),
    DecisionOutcome.MAINTAINED: (
        ("factual_reasons", "refusing a request is reasoned in writing (R(87)15 6.5)"),
        ("legal_reasons", "refusing a request is reasoned in writing (R(87)15 6.5)"),
        ("public_summary", "the requester is told why the data are maintained"),
    ),
    DecisionOutcome.RESTRICTED_REPLY: (
        ("factual_reasons", "a restriction records its factual reasons (LED Art 15)"),
        ("legal_reasons", "a restriction records its legal reasons (LED Art 15)"),
    ),
}


def validate_decision(decision: RedressDecision) -> None:
    """Refuse a decision that lacks the reasons its outcome requires (names the missing field)."""
    if not decision.decided_by_id.strip():
        raise PolicyError("decided_by_required", "decided_by_id is required", field="decided_by_id")
    outcome = DecisionOutcome(decision.outcome)
    for field, rule in _REQUIRED[outcome]:
        if not getattr(decision, field).strip():
            raise PolicyError(f"{field}_required", f"{field} is required for outcome "
                              f"{outcome.value}: {rule}", field=field)
    if outcome in (DecisionOutcome.NO_RECORD, DecisionOutcome.RESTRICTED_REPLY) and \
            decision.public_summary.strip():
        # A summary would make the neutral letter differ from case to case.
        raise PolicyError("public_summary_not_allowed", f"public_summary must be empty for "
                          f"outcome {outcome.value}: the letter is neutral", field="public_summary")


_HEADER = Template(
    "$authority\n"
    "Date: $date\n"
    "Your reference: $tracking_number\n"
    "\n"
    "Determination on your request\n"
    "\n"
)
_FOOTER = Template(
    "\n"
    "If you are not satisfied with this reply, you may ask $supervisory_authority to verify the "
    "lawfulness of the processing on your behalf, and you may seek a judicial remedy. Please "
    "quote your reference $tracking_number in any correspondence.\n"
)
_NEUTRAL = (
    "Your request has been examined and all verifications required by law have been carried "
    "out. This reply does not confirm or deny whether data about you are processed.\n"
)
_BODIES = {
    DecisionOutcome.NO_RECORD: Template(_NEUTRAL),
    DecisionOutcome.RESTRICTED_REPLY: Template(_NEUTRAL),
    DecisionOutcome.CORRECTED: Template(
        "Your request has been examined. Data concerning you have been corrected as follows:\n"
        "$public_summary\n"
        "Every recipient of the data has been informed of the correction.\n"
    ),
    DecisionOutcome.DELISTED: Template(
        "Your request has been examined. Data concerning you have been removed from the list "
        "and will be erased. Every recipient of the data has been informed.\n"
    ),
    DecisionOutcome.MAINTAINED: Template(
        "Your request has been examined. The data concerning you are maintained, for the "
        "following reasons:\n$public_summary\n"
    ),
}


def render_determination_letter(
    decision: RedressDecision,
    *,
    tracking_number: str,
    authority: str,
    supervisory_authority: str,
    now: datetime,
) -> str:
    """The final determination letter as plain text. Validates the decision first."""
    validate_decision(decision)
    values = {
        "authority": authority,
        "supervisory_authority": supervisory_authority,
        "tracking_number": tracking_number,
        "date": require_utc(now).date().isoformat(),
        "public_summary": decision.public_summary.strip(),
    }
    body = _BODIES[DecisionOutcome(decision.outcome)]
    return _HEADER.substitute(values) + body.substitute(values) + _FOOTER.substitute(values)
