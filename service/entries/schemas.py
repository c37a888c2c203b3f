"""Request and response shapes for entries.

These are the rules of LB-legal-basis, LB-standard, DQ-subject-category and DQ-fact-vs-assessment
as types: an entry without them cannot be constructed. Missing fields are reported all at once,
each with its path and the rule it serves (see ``service.entries.rules``).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from service.kit.countries import check_country
from service.kit.text import Line, Paragraphs

CountryCode = Annotated[
    str, Field(min_length=2, max_length=2, examples=["FR"]), AfterValidator(check_country)
]
AgencyCode = Annotated[str, Field(min_length=2, max_length=100, pattern=r"^[a-z0-9][a-z0-9._-]*$")]


class Kind(StrEnum):
    person = "person"
    organisation = "organisation"


class Status(StrEnum):
    pending_review = "pending_review"
    active = "active"
    suspended = "suspended"
    expired = "expired"
    delisted = "delisted"
    rejected = "rejected"


class NameType(StrEnum):
    primary = "primary"
    alias = "alias"
    weak_alias = "weak_alias"
    original_script = "original_script"
    birth_name = "birth_name"


class NameQuality(StrEnum):
    good = "good"
    low = "low"


class DataSubjectCategory(StrEnum):
    """LED Art 6 categories (DQ-subject-category)."""

    SUSPECT = "SUSPECT"
    CONVICTED = "CONVICTED"
    VICTIM = "VICTIM"
    OTHER_PARTY = "OTHER_PARTY"


class ItemKind(StrEnum):
    """LED Art 7(1): facts are kept apart from personal assessments (DQ-fact-vs-assessment)."""

    fact = "fact"
    assessment = "assessment"


class ActionOnHit(StrEnum):
    """What a border officer is asked to do on a confirmed hit; never an automated decision."""

    log_only = "log_only"
    discreet_check = "discreet_check"
    specific_check = "specific_check"
    refer_secondary_inspection = "refer_secondary_inspection"
    contact_originator = "contact_originator"


class HandlingCode(StrEnum):
    H1 = "H1"
    H2 = "H2"
    H3 = "H3"
    H4 = "H4"


class WarningFlag(StrEnum):
    armed = "armed"
    violent = "violent"
    absconded = "absconded"
    suicide_risk = "suicide_risk"
    public_health_risk = "public_health_risk"
    terrorism_activity = "terrorism_activity"


class Gender(StrEnum):
    male = "male"
    female = "female"
    other = "other"
    unknown = "unknown"


class DocumentType(StrEnum):
    passport = "passport"
    national_id = "national_id"
    residence_permit = "residence_permit"
    visa = "visa"
    driving_licence = "driving_licence"
    other = "other"


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def check_partial_date(value: str) -> str:
    match = _PARTIAL_DATE.match(value)
    if not match:
        raise ValueError("must be YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(part) if part else None for part in match.groups())
    if year is not None and not 1850 <= year <= 2100:
        raise ValueError("year must be between 1850 and 2100")
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        raise ValueError("is not a calendar date") from None
    return value


PartialDate = Annotated[
    str, Field(examples=["1971-03-20", "1971-03", "1971"]), AfterValidator(check_partial_date)
]


def date_precision(value: str) -> str:
    return {4: "year", 7: "month", 10: "day"}[len(value)]


class NameIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: Line(300)
    name_type: NameType = NameType.primary
    quality: NameQuality = NameQuality.good
    script: Line(20) | None = Field(default=None, description="Detected when omitted")
    language: Line(20) | None = None


class BirthDateIn(BaseModel):
    """A birth date with its precision, or a range when only bounds are known."""

    model_config = ConfigDict(extra="forbid")

    date: PartialDate
    date_to: PartialDate | None = Field(default=None, description="End of a range, inclusive")

    @model_validator(mode="after")
    def _range_ordered(self) -> BirthDateIn:
        if self.date_to is not None and self.date_to < self.date:
            raise ValueError("date_to must not be before date")
        return self


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: DocumentType = DocumentType.passport
    number: Annotated[Line(60), Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z ./-]*$")]
    issuing_country: CountryCode | None = None


class DerogatoryItemIn(BaseModel):
    """One piece of derogatory information, graded (LED Art 7; Admiralty-style grading)."""

    model_config = ConfigDict(extra="forbid")

    kind: ItemKind
    text: Paragraphs(5000, min_length=10)
    conduct_based: bool = Field(
        description="True when the item describes the subject's own conduct (LB-standard)"
    )
    source_ref: Line(200)
    holding_body: Line(200) | None = Field(
        default=None, description="Body that keeps the records an assessment rests on"
    )
    source_reliability: Literal["A", "B", "C", "D", "E", "F"] = Field(
        description="A = completely reliable ... E = unreliable, F = cannot be judged"
    )
    information_credibility: Literal["1", "2", "3", "4", "5", "6"] = Field(
        description="1 = confirmed ... 5 = improbable, 6 = cannot be judged"
    )

    @model_validator(mode="after")
    def _assessment_names_holder(self) -> DerogatoryItemIn:
        if self.kind is ItemKind.assessment and not self.holding_body:
            raise ValueError(
                "holding_body is required for an assessment: LED Art 7(1) requires that the body "
                "holding the underlying records can be determined (DQ-fact-vs-assessment)"
            )
        return self


class LegalBasis(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instrument: Line(300) = Field(examples=["Counter-Terrorism Act 2019"])
    article: Line(200) = Field(examples=["s. 12(1)(b)"])


class EntryFields(BaseModel):
    """Fields shared by creation and the full representation."""

    model_config = ConfigDict(extra="forbid")

    kind: Kind = Kind.person
    names: Annotated[list[NameIn], Field(min_length=1, max_length=200)]
    birth_dates: Annotated[list[BirthDateIn], Field(max_length=20)] = []
    birth_places: Annotated[list[Line(200)], Field(max_length=20)] = []
    gender: Gender | None = None
    nationalities: Annotated[list[CountryCode], Field(max_length=10)] = []
    documents: Annotated[list[DocumentIn], Field(max_length=50)] = []

    legal_basis: LegalBasis
    decision_ref: Line(200)
    listing_standard: Line(200) = Field(
        examples=["reasonable suspicion (Counter-Terrorism Act 2019 s. 12)"]
    )
    articulable_facts: Paragraphs(20000, min_length=20)
    data_subject_category: DataSubjectCategory
    derogatory_items: Annotated[list[DerogatoryItemIn], Field(min_length=1, max_length=100)]
    originating_agency: AgencyCode
    action_on_hit: ActionOnHit = ActionOnHit.refer_secondary_inspection
    handling_code: HandlingCode = HandlingCode.H3
    contact_point: Line(300) | None = Field(
        default=None,
        examples=["Fusion cell duty desk, +00 0000 0000"],
        description=(
            "Who a border officer calls on a hit; defaults to the originating agency's desk"
        ),
    )
    warning_flags: Annotated[list[WarningFlag], Field(max_length=10)] = []
    shared_with: Annotated[list[AgencyCode], Field(max_length=100)] = []
    best_interests_justification: Paragraphs(10000) | None = Field(
        default=None, description="Required when the subject is a minor (CH-minor)"
    )


    @field_validator("derogatory_items")
    @classmethod
    def _conduct_based_item(cls, items: list[DerogatoryItemIn]) -> list[DerogatoryItemIn]:
        return require_conduct_based(items)


def require_conduct_based(items: list[DerogatoryItemIn]) -> list[DerogatoryItemIn]:
    if not any(item.conduct_based for item in items):
        raise ValueError(
            "at least one derogatory item must describe the subject's own conduct: a listing "
            "cannot rest on association, religion, ethnicity or opinion alone "
            "(LB-standard, LB-no-protected-ground)"
        )
    return items


class EntryCreate(EntryFields):
    """A nomination. It starts in ``pending_review``; only a second reviewer can activate it."""

    source: Line(100) | None = None
    source_ref: Line(200) | None = None
    # LB-adequacy-gate (ETIAS Art 35(1)): the nominator's own statement, explicit, never a
    # default: JSON true only (not "yes", not 1).
    adequacy_attested: Annotated[bool, Field(strict=True)] = Field(
        description="The nominator attests that the information is adequate, accurate and "
                    "important enough to list the subject (LB-adequacy-gate); must be true"
    )
    adequacy_note: Paragraphs(2000) | None = Field(
        default=None, description="Optional note on the attestation (LB-adequacy-gate)"
    )

    @field_validator("adequacy_attested")
    @classmethod
    def _attested(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError(
                "the nominator must attest that the information is adequate, accurate and "
                "important enough (LB-adequacy-gate)"
            )
        return value


# Said about the nomination, not stored as the entry's fields (see ``EntryAdequacy``).
ATTESTATION_FIELDS = frozenset({"adequacy_attested", "adequacy_note"})


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def unchanged_if_omitted() -> Any:
    """A PATCH field that may be left out (unchanged) but not set to null: an entry cannot be
    without it, and an empty list is how a list is cleared. The schema says so (no null, no
    default); omission is read from ``model_fields_set``."""
    return Field(default=None, json_schema_extra=_without_default)


class EntryUpdate(BaseModel):
    """A partial amendment. Every field is optional; ``reason`` is not.

    Only ``gender`` and ``best_interests_justification`` may be set to null (to clear them).
    """

    model_config = ConfigDict(extra="forbid")

    reason: Paragraphs(2000, min_length=5)
    names: Annotated[list[NameIn], Field(min_length=1, max_length=200)] = unchanged_if_omitted()
    birth_dates: Annotated[list[BirthDateIn], Field(max_length=20)] = unchanged_if_omitted()
    birth_places: Annotated[list[Line(200)], Field(max_length=20)] = unchanged_if_omitted()
    gender: Gender | None = None
    nationalities: Annotated[list[CountryCode], Field(max_length=10)] = unchanged_if_omitted()
    documents: Annotated[list[DocumentIn], Field(max_length=50)] = unchanged_if_omitted()
    legal_basis: LegalBasis = unchanged_if_omitted()
    decision_ref: Line(200) = unchanged_if_omitted()
    listing_standard: Line(200) = unchanged_if_omitted()
    articulable_facts: Paragraphs(20000, min_length=20) = unchanged_if_omitted()
    data_subject_category: DataSubjectCategory = unchanged_if_omitted()
    derogatory_items: Annotated[list[DerogatoryItemIn], Field(min_length=1, max_length=100)] = (
        unchanged_if_omitted()
    )
    action_on_hit: ActionOnHit = unchanged_if_omitted()
    handling_code: HandlingCode = unchanged_if_omitted()
    contact_point: Line(300) = unchanged_if_omitted()
    warning_flags: Annotated[list[WarningFlag], Field(max_length=10)] = unchanged_if_omitted()
    shared_with: Annotated[list[AgencyCode], Field(max_length=100)] = unchanged_if_omitted()
    best_interests_justification: Paragraphs(10000) | None = None

    @field_validator(
        "names", "birth_dates", "birth_places", "nationalities", "documents", "legal_basis",
        "decision_ref", "listing_standard", "articulable_facts", "data_subject_category",
        "derogatory_items", "action_on_hit", "handling_code", "contact_point", "warning_flags",
        "shared_with", mode="before",
    )
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null: leave the field out to keep its current value "
                             "(send [] to empty a list)")
        return value

    @field_validator("derogatory_items")
    @classmethod
    def _conduct_based_item(cls, items: list[DerogatoryItemIn]) -> list[DerogatoryItemIn]:
        return require_conduct_based(items)


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Paragraphs(2000, min_length=5)


class ApproveDecision(Decision):
    """An approval. ``duplicate_resolution`` is needed while the entry has possible duplicates
    (LB-adequacy-gate): why they are different people; it is ignored when there are none."""

    duplicate_resolution: Paragraphs(2000, min_length=5) | None = Field(
        default=None,
        description="Why the entry's possible duplicates are different people "
                    "(LB-adequacy-gate); required while any stands",
    )


class PossibleDuplicateOut(BaseModel):
    """Another entry the matching engine scored as possibly the same person. Its id, score and
    band are shown only to agencies that may see it; others learn only that it exists."""

    visible: bool
    entry_id: str | None = None
    score: float | None = None
    band: str | None = None


class DuplicateCheckOut(BaseModel):
    checked_at: datetime
    complete: bool = Field(description="False when a part of the list could not be searched")
    possible_duplicates: list[PossibleDuplicateOut]
    resolution_recorded: bool = Field(
        description="A reviewer recorded why the duplicates are different people"
    )


class AttestationOut(BaseModel):
    attested_as: Literal["nominator", "source", "none"]
    attested_by: str | None
    attested_at: datetime | None
    note: str | None


class ImpactOut(BaseModel):
    """Counts only: how many recent screenings whose data are still held would have hit the
    entry at the default threshold (never the travellers' data)."""

    threshold: float
    window_days: int
    queries_limit: int
    queries_examined: int
    would_hit: int
    strong: int
    possible: int
    complete: bool = Field(description="False when the time budget ran out before the window "
                                       "was examined in full")


class AdequacyOut(BaseModel):
    """What the reviewer decides on (LB-adequacy-gate)."""

    entry_id: str
    attestation: AttestationOut | None
    duplicate_check: DuplicateCheckOut
    impact: ImpactOut


class NameOut(BaseModel):
    full_name: str
    name_type: NameType
    quality: NameQuality
    script: str
    language: str | None = None


class BirthDateOut(BaseModel):
    date: str
    date_to: str | None = None
    precision: Literal["year", "month", "day"]


class EntryOut(BaseModel):
    id: str
    kind: Kind
    status: Status
    version: int
    names: list[NameOut]
    birth_dates: list[BirthDateOut]
    birth_places: list[str]
    gender: Gender | None
    nationalities: list[str]
    documents: list[DocumentIn]
    legal_basis: LegalBasis
    decision_ref: str
    listing_standard: str
    articulable_facts: str
    data_subject_category: DataSubjectCategory
    derogatory_items: list[DerogatoryItemIn]
    originating_agency: str
    nominating_officer: str
    action_on_hit: ActionOnHit
    handling_code: HandlingCode
    contact_point: str
    warning_flags: list[WarningFlag]
    shared_with: list[str]
    best_interests_justification: str | None
    source: str | None
    source_ref: str | None
    listed_at: datetime
    activated_at: datetime | None
    review_due: datetime | None
    expires_at: datetime | None
    reviewed_by: str | None
    status_reason: str | None
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    possible_duplicates: list[PossibleDuplicateOut] | None = Field(
        default=None,
        description="On a single entry's answers: the possible duplicates found by the last "
                    "check and still standing (LB-adequacy-gate); see /adequacy",
    )


class EntryPage(BaseModel):
    items: list[EntryOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end"
    )


class VersionOut(BaseModel):
    version: int
    change: str
    changed_fields: list[str]
    reason: str
    actor_sub: str
    actor_agency: str
    created_at: datetime
    snapshot: dict[str, Any]


class HistoryOut(BaseModel):
    entry_id: str
    versions: list[VersionOut]
