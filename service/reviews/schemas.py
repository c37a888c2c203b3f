"""Request and response shapes of the review API. Metadata only: no personal data."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from service.entries.schemas import ActionOnHit, DataSubjectCategory
from service.kit.text import Paragraphs


class Outcome(StrEnum):
    retain = "retain"
    modify = "modify"
    delist = "delist"


class ReviewDecisionIn(BaseModel):
    """``retain``/``modify`` need ``necessity`` and ``proportionality`` (two different
    assessments; RV-extension-record); ``delist`` needs ``reasons``."""

    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    necessity: Paragraphs(10000) | None = None
    proportionality: Paragraphs(10000) | None = None
    reasons: Paragraphs(10000) | None = None
    restriction_reassessment: Paragraphs(10000) | None = None
    new_category: DataSubjectCategory | None = None
    new_action_on_hit: ActionOnHit | None = None


class ReviewDecisionOut(BaseModel):
    id: str
    entry_id: str
    outcome: Outcome
    reviewer_sub: str
    decided_at: datetime
    previous_review_due: datetime | None
    new_review_due: datetime | None
    extension_number: int
    policy_pack: str
    entry_status: str | None


class QueueItem(BaseModel):
    entry_id: str
    status: str
    originating_agency: str
    data_subject_category: str
    action_on_hit: str
    review_due: datetime
    warning_from: datetime
    review_state: str
    reasons: list[str] = Field(
        description="warning, overdue, turned_18, purpose_achieved | case_closed (an open "
        "deletion task), deletion_task_overdue, lawfulness_review (after an indirect access "
        "request)"
    )
    expires_at: datetime | None
    extension_count: int
    is_minor: bool
    disputed: bool
    warned_at: datetime | None
    removal_reply_due: datetime | None = Field(
        description="An open deletion task (purpose achieved / case closed): the owner delists "
        "or keeps the entry with reasons by then (RV-purpose-achieved)"
    )
    policy_pack: str


class QueuePage(BaseModel):
    as_of: datetime
    items: list[QueueItem]
    next_cursor: str | None


class RemovalTrigger(StrEnum):
    purpose_achieved = "purpose_achieved"
    case_closed = "case_closed"


class RemovalTriggerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    trigger: RemovalTrigger
    reason: Paragraphs(2000, min_length=5)


class RemovalTriggerOut(BaseModel):
    entry_id: str
    trigger: str
    trigger_at: datetime
    removed_at: datetime | None
    reply_due: datetime | None = Field(
        description="The owner's answer (delist, or keep with reasons) is due by then"
    )


class ReviewStats(BaseModel):
    as_of: datetime
    policy_pack: str
    entries_by_status: dict[str, int]
    review: dict[str, Any]
    extensions: dict[str, Any]
    erasures: dict[str, int]
    removal_latency: dict[str, Any]
