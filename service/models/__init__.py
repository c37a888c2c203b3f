"""ORM models, one module per table group. Importing this package registers them all."""

from service.models.audit import AuditEvent, AuditHead
from service.models.entry import Entry, EntryShare, EntryVersion

__all__ = ["AuditEvent", "AuditHead", "Entry", "EntryShare", "EntryVersion"]
