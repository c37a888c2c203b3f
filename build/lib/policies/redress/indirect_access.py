"""RD-indirect-access: an oversight body checks an entry for a person and gets a neutral answer.

The answer is the same object, word for word, whether or not a record exists: the oversight
body relays it to the person, and any difference (text, length, fields) would reveal the
listing. Whether a record exists is returned separately, for the service's internal follow-up
only (a lawfulness review of the entry), never to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from policies.durations import require_utc
from policies.errors import PolicyError

NEUTRAL_INDIRECT_ACCESS_TEXT = (
    "The verification requested has been carried out. Any data that may be processed have been "
    "checked for lawfulness, accuracy and necessity, and any action required has been taken. "
    "This answer does not confirm or deny whether data about the person are processed."
)


@dataclass(frozen=True)
class NeutralAnswer:
    """What the oversight body receives."""

    request_reference: str
    answered_on: str  # a date, not a time: a precise time could reveal how long the check took
    text: str


@dataclass(frozen=True)
class IndirectAccessOutcome:
    answer: NeutralAnswer
    lawfulness_review_required: bool  # internal only: a record exists and must be re-checked


def answer_indirect_access(
    *, request_reference: str, oversight_body_id: str, record_exists: bool, now: datetime
) -> IndirectAccessOutcome:
    """Build the neutral answer and the internal follow-up flag for an indirect access check."""
    if not oversight_body_id.strip():
        raise PolicyError("oversight_body_required", "oversight_body_id is required: only an "
                          "oversight body may run an indirect access check",
                          field="oversight_body_id")
    if not request_reference.strip():
        raise PolicyError("request_reference_required", "request_reference is required",
                          field="request_reference")
    answer = NeutralAnswer(request_reference.strip(), require_utc(now).date().isoformat(),
                           NEUTRAL_INDIRECT_ACCESS_TEXT)
    return IndirectAccessOutcome(answer, lawfulness_review_required=record_exists)
