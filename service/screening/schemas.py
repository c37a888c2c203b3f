"""Request and response shapes for screenings, decisions and the cleared-persons register.

What a response carries depends on who asks (data minimisation): fields a caller may not see are
left out of the JSON altogether, never sent empty.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from service.entries.schemas import CountryCode, DocumentType, Gender, PartialDate
from service.kit.text import Line

MAX_MANIFEST = 1000
MAX_NAMES = 10


class HitStatus(StrEnum):
    """What the border officer is asked to do with one hit (MT-human-in-loop).

    ``POSSIBLE_MATCH_REFER``: refer to a named human; never an automated adverse decision.
    ``PREVIOUSLY_CLEARED``: a reviewer recorded this hit as a false positive for this traveller.
    ``CLEARED_PERSON``: the traveller presents a travel document registered in a consented
    cleared-person profile, not the listed subject's own (MT-misidentified).
    """

    POSSIBLE_MATCH_REFER = "POSSIBLE_MATCH_REFER"
    PREVIOUSLY_CLEARED = "PREVIOUSLY_CLEARED"
    CLEARED_PERSON = "CLEARED_PERSON"


class Result(StrEnum):
    NO_MATCH = "NO_MATCH"
    POSSIBLE_MATCH_REFER = "POSSIBLE_MATCH_REFER"


class DecisionKind(StrEnum):
    confirmed = "confirmed"
    false_positive = "false_positive"
    inconclusive = "inconclusive"


DocumentNumber = Annotated[Line(60), Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z ./-]*$")]


class TravelDocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: DocumentNumber
    country: CountryCode | None = Field(default=None, description="Issuing country")
    type: DocumentType = DocumentType.passport


class TravellerIn(BaseModel):
    """One traveller as API/PNR data carry them."""

    model_config = ConfigDict(extra="forbid")

    names: Annotated[list[Line(300)], Field(min_length=1, max_length=MAX_NAMES)]
    birth_date: PartialDate | None = None
    nationality: CountryCode | None = None
    gender: Gender | None = None
    travel_document: TravelDocumentIn | None = None
    reference: Line(100) | None = Field(
        default=None, description="The caller's opaque reference for this traveller (e.g. a "
        "passenger sequence number); never a name")


class ScreeningRequest(TravellerIn):
    purpose: Line(500, min_length=3) = Field(
        description="Why this traveller is screened; recorded with the consultation "
        "(LG-consult-fields)")


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: Line(500, min_length=3)
    manifest_ref: Line(100) | None = Field(default=None, description="e.g. flight and date")
    travellers: Annotated[list[TravellerIn], Field(min_length=1, max_length=MAX_MANIFEST)]


class ExplanationLine(BaseModel):
    feature: str
    outcome: str
    effect: float
    detail: str


class HitOut(BaseModel):
    """One hit. ``entry_id``, ``score``, the explanation and the listed person's statement are
    only for callers of an agency allowed to see the entry (MT-explain); a border client gets
    the band, what to do, and whether the entry is disputed.

    RD-disputed: a border client sees ``disputed`` but not the statement. The statement answers
    derogatory information a border client is never shown, so it would either mean nothing to
    the officer or reveal what the entry alleges; the flag tells the officer that the listed
    person contests the entry, and the contact point, who gets the full view, has the statement.
    """

    hit_id: str
    status: HitStatus
    band: str
    action_on_hit: str
    handling_code: str
    contact_point: str
    list_version: int
    disputed: bool = Field(default=False, description="RD-disputed: the listed person contests "
                           "the accuracy of the entry (LED Art 16); the contact point has their "
                           "statement")
    subject_statement: str | None = Field(
        default=None, description="RD-disputed: the listed person's supplementary statement, "
        "for callers entitled to the full view of the entry")
    note: str | None = None
    previous_decision_id: str | None = None
    cleared_person_id: str | None = None
    entry_id: str | None = None
    score: float | None = None
    algorithm: str | None = None
    algorithm_version: str | None = None
    explanation: list[ExplanationLine] | None = None


class ScreeningOut(BaseModel):
    screening_id: str
    reference: str | None = None
    result: Result
    hits: list[HitOut]
    list_version: int
    data_as_of: datetime
    data_age_seconds: float
    stale: bool = Field(description="True when answered from an index the service could not "
                        "refresh (only if the operator allowed it)")
    notice: str


class BatchOut(BaseModel):
    batch_id: str
    manifest_ref: str | None = None
    list_version: int
    data_as_of: datetime
    data_age_seconds: float
    stale: bool
    counts: dict[str, int]
    travellers: list[ScreeningOut]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: DecisionKind
    reason: Line(2000, min_length=3)


class RevokeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Line(2000, min_length=3)


class DecisionOut(BaseModel):
    decision_id: str
    screening_id: str
    hit_id: str
    entry_id: str
    decision: DecisionKind
    reason: str
    decided_by: str
    decided_agency: str
    decided_at: datetime
    remembers_traveller: bool = Field(description="A false positive is remembered for this "
                                      "traveller (by keyed identity digest) and entry")
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    revoke_reason: str | None = None


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: Line(200) = Field(description="Where the signed consent is kept")
    given_at: datetime


class ClearedIdentityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    names: Annotated[list[Line(300)], Field(min_length=1, max_length=MAX_NAMES)]
    birth_date: PartialDate | None = None
    nationality: CountryCode | None = None
    gender: Gender | None = None
    documents: Annotated[list[TravelDocumentIn], Field(max_length=10)] = []


class ClearedPersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entry_id: Annotated[str, Field(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")]
    consent: ConsentIn
    identity: ClearedIdentityIn


class ClearedPersonOut(BaseModel):
    id: str
    entry_id: str
    consent_ref: str
    consent_given_at: datetime
    recorded_by: str
    recorded_at: datetime
    identity: dict[str, Any] | None
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
