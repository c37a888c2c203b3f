"""Request and response shapes of the redress API."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from policies import OVERSIGHT, REDRESS
from service.entries.schemas import PartialDate
from service.kit.text import Line, Paragraphs


class RequestKind(StrEnum):
    access = "access"
    rectification = "rectification"
    erasure = "erasure"


class CaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    request_kind: RequestKind
    purpose: Line(100) = Field(
        default=REDRESS, description="A purpose configured in the policy pack (GV-purpose-config)"
    )


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Annotated[
        str,
        Field(
            pattern=r"^(needs_documents|admissible|inadmissible|"
            r"information_gathering|dialogue|withdrawn|closed|decided)$"
        ),
    ]
    reasons: Paragraphs(5000) | None = None


class MilestoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    milestone: Annotated[str, Field(pattern=r"^(forwarded|verified|notified)$")]


class ExtensionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reasons: Paragraphs(5000, min_length=5)


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entry_id: Annotated[str, Field(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")]


class DisputeIn(LinkIn):
    subject_statement: Paragraphs(10000, min_length=5)


class Outcome(StrEnum):
    no_record = "no_record"
    corrected = "corrected"
    delisted = "delisted"
    maintained = "maintained"
    restricted_reply = "restricted_reply"


class DecisionIn(BaseModel):
    """``factual_reasons``/``legal_reasons`` are internal; ``public_summary`` goes in the letter
    (``corrected`` and ``maintained`` only). RD-restriction-reasons."""

    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    factual_reasons: Paragraphs(10000) | None = None
    legal_reasons: Paragraphs(10000) | None = None
    public_summary: Paragraphs(5000) | None = None


class DeadlineOut(BaseModel):
    name: str
    due_at: datetime | None
    met_at: datetime | None
    extended: bool
    extendable: bool
    overdue: bool
    met_late: bool
    escalated_at: str | None


class CaseOut(BaseModel):
    id: str
    tracking_number: str
    request_kind: str
    state: str
    public_status: str
    profile: str
    policy_pack: str
    milestones: dict[str, str]
    deadlines: list[DeadlineOut]
    escalated: bool
    linked_entries: list[str]
    decision_outcome: str | None
    created_at: datetime
    updated_at: datetime


class DisputeOut(BaseModel):
    case: CaseOut
    entry_id: str
    disputed: bool
    notify_recipients: list[str]


class IndirectAccessIn(BaseModel):
    """The identity is used for the check only; it is neither stored nor logged."""

    model_config = ConfigDict(extra="forbid")

    request_reference: Line(200)
    purpose: Line(100) = OVERSIGHT
    names: Annotated[list[Line(300)], Field(min_length=1, max_length=20)]
    birth_dates: Annotated[list[PartialDate], Field(max_length=10)] = []
    document_numbers: Annotated[list[Line(60)], Field(max_length=10)] = []


class NeutralAnswerOut(BaseModel):
    request_reference: str
    answered_on: str
    text: str
