"""Opaque keyset cursors: stable under concurrent inserts, unlike offsets."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime

from service.db.base import as_storable_utc
from service.errors import ServiceError

# Audit sequence numbers are BIGINT columns: a larger number would overflow the database's
# comparison (a 500 on PostgreSQL) instead of being the clear 422 it deserves.
MAX_SEQ = 2**63 - 1


class BadCursor(ServiceError):
    status_code = 422
    code = "invalid_cursor"


def encode_cursor(*parts: object) -> str:
    payload = [part.isoformat() if isinstance(part, datetime) else part for part in parts]
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """A (timestamp, entry id) position as ``encode_cursor`` wrote it: an aware date-time in the
    storable years and an id in the canonical UUID form the service issues, or a 422."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created_at, entry_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        moment = datetime.fromisoformat(created_at)
        if moment.tzinfo is None:
            raise ValueError("naive")
        if not isinstance(entry_id, str) or str(uuid.UUID(entry_id)) != entry_id:
            raise ValueError("not an entry id")
        return as_storable_utc(moment), entry_id
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise BadCursor("cursor is not one this service issued") from None


def decode_seq_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        (seq,) = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if type(seq) is not int or not 0 <= seq <= MAX_SEQ:
            raise ValueError("not a sequence number")
        return seq
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise BadCursor("cursor is not one this service issued") from None
