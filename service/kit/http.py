"""Small HTTP helpers shared by the routers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Request
from pydantic import BaseModel

from service.kit.text import Line


class ErrorBody(BaseModel):
    error: str
    message: str
    detail: list[dict[str, Any]] | None = None
    request_id: str | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Malformed request"},
    401: {"model": ErrorBody, "description": "Missing or invalid bearer token"},
    403: {"model": ErrorBody, "description": "The token lacks a required scope"},
    404: {"model": ErrorBody, "description": "Not found, or not visible to you"},
    409: {"model": ErrorBody, "description": "Conflict with the current state"},
    412: {"model": ErrorBody, "description": "Stale version (If-Match)"},
    413: {"model": ErrorBody, "description": "Request body too large"},
    422: {"model": ErrorBody, "description": "Invalid input or a broken rule, with field paths"},
    428: {"model": ErrorBody, "description": "If-Match required"},
}

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
