"""ORM models, one module per table group. Importing this package registers them all."""

from service.models.audit import AuditEvent, AuditHead
from service.models.entry import Entry, EntryAdequacy, EntryShare, EntryVersion
from service.models.oversight import AuditCheckpointSigned, ImportRecord, ImportRun  # noqa: F401
from service.models.policy import AuditCheckpoint, EntryPolicy, ErasureRecord  # noqa: F401
from service.models.screening import (  # noqa: F401,E501
    ClearedPerson,
    EntryChange,
    HitDecision,
    Screening,
    ScreeningHit,
    ScreeningQuery,
)

__all__ = ["AuditEvent", "AuditHead", "Entry", "EntryAdequacy", "EntryShare", "EntryVersion"]
