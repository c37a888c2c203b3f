"""Small HTTP helpers shared by the routers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Header, Request
from pydantic import AfterValidator, BaseModel, BeforeValidator

from service.db.base import as_storable_utc
from service.kit.text import Line


class ErrorBody(BaseModel):
    error: str
    message: str
    detail: list[dict[str, Any]] | None = None
    request_id: str | None = None


_ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "Malformed request",
    401: "Missing or invalid bearer token",
    403: "The token lacks a required scope, a rule forbids this caller the action "
         "(approving one's own nomination, amending an entry only shared with you), or the "
         "policy pack does not configure the purpose the route serves (purpose_not_allowed, "
         "GV-purpose-config)",
    404: "Not found, or not visible to you",
    409: "Conflict with the current state",
    412: "Stale version (If-Match)",
    413: "Request body too large",
    422: "Invalid input or a broken rule, with field paths",
    428: "If-Match required",
    503: "A dependency is unavailable (e.g. the identity provider's signing keys); retry later",
}

# Errors are always JSON. The explicit content keeps them documented as application/json on
# routes whose success response is something else (text letters, CSV, JSON lines): FastAPI
# would otherwise file the error model under the route's own media type.
_ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description, "content": _ERROR_CONTENT}
    for status, description in _ERROR_DESCRIPTIONS.items()
}

def _iso_datetime_only(value: Any) -> Any:
    """Pydantic also reads ``0.5`` as a Unix time; the schema promises RFC 3339 date-times only."""
    looks_like_a_date = len(str(value)) >= 10 and str(value)[:4].isdigit() and str(value)[4] == "-"
    if isinstance(value, str) and not looks_like_a_date:
        raise ValueError("must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z")
    return value


# A date-time query parameter that accepts what its OpenAPI format says and nothing else, within
# the years the database can compare with (a 422 naming the parameter, never an overflow 500).
# The value arrives in UTC; one without an offset is read as UTC.
IsoDateTime = Annotated[
    datetime, BeforeValidator(_iso_datetime_only), AfterValidator(as_storable_utc)
]

Purpose = Annotated[
    Line(500, min_length=3),
    Header(
        alias="X-Purpose",
        description="Why you are reading personal data; recorded with the consultation "
        "(LG-consult-fields)",
    ),
]


def request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)
