"""Exception handlers: clear JSON errors with field paths; never a stack trace or input echo."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from service.audit.refusals import record_refusal
from service.errors import ServiceError
from service.logging import get_logger

log = get_logger("watchlist.errors")

# Which legal rule a required entry field serves, so a refusal names it.
FIELD_RULES: dict[str, str] = {
    "legal_basis": "LB-legal-basis",
    "decision_ref": "LB-legal-basis",
    "originating_agency": "LB-legal-basis",
    "listing_standard": "LB-standard",
    "articulable_facts": "LB-standard",
    "derogatory_items": "LB-standard",
    "data_subject_category": "DQ-subject-category",
    "names": "LB-legal-basis",
    "adequacy_attested": "LB-adequacy-gate",
    "adequacy_note": "LB-adequacy-gate",
    "duplicate_resolution": "LB-adequacy-gate",
}
# Inside one derogatory item: its grading and provenance are DQ-fact-vs-assessment (LED Art 7);
# whether it describes conduct, and what it says, are the listing standard (LB-standard).
ITEM_FIELD_RULES: dict[str, str] = {
    "conduct_based": "LB-standard",
    "text": "LB-standard",
}
ITEM_RULE = "DQ-fact-vs-assessment"


def _rule_for(loc: list[str | int]) -> str | None:
    """The legal rule a body field serves. The list of derogatory items as a whole (missing,
    empty, no conduct-based item) is LB-standard; an item (an assessment without its holding
    body) and its kind, grading and source are DQ-fact-vs-assessment."""
    if len(loc) < 2 or loc[0] != "body" or not isinstance(loc[1], str):
        return None
    if loc[1] == "derogatory_items" and len(loc) > 2:
        field = loc[3] if len(loc) > 3 and isinstance(loc[3], str) else None
        return ITEM_FIELD_RULES.get(field or "", ITEM_RULE)
    return FIELD_RULES.get(loc[1])


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def _clean_validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Field path, message and type only: the offending input may be personal data."""
    cleaned = []
    for error in errors:
        loc = [part if isinstance(part, (str, int)) else str(part) for part in error.get("loc", ())]
        item: dict[str, Any] = {
            "loc": loc, "msg": error.get("msg", "invalid"), "type": error.get("type")
        }
        rule = _rule_for(loc)
        if rule is not None:
            item["rule"] = rule
            if error.get("type") == "missing":
                item["msg"] = f"{loc[-1]} is required ({rule})"
        cleaned.append(item)
    return cleaned


def _allowed_methods(request: Request) -> list[str]:
    """Every method any route accepts on this path.

    Starlette answers 405 from the first route whose path matched, so its ``Allow`` header names
    only that route's methods (``POST`` for ``/v1/entries``, forgetting ``GET``); RFC 9110 asks
    for all of them.
    """
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def service_error(request: Request, error: ServiceError) -> JSONResponse:
        # The route's transaction has rolled back by now; a refused write is recorded apart.
        await run_in_threadpool(record_refusal, request, error)
        return JSONResponse(error.body(_request_id(request)), status_code=error.status_code,
                            headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            {"error": "validation_failed", "message": "the request is invalid; see detail",
             "detail": _clean_validation_errors(list(error.errors())),
             "request_id": _request_id(request)},
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        headers = dict(getattr(error, "headers", None) or {})
        if error.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        code = "payload_too_large" if error.status_code == 413 else "http_error"
        return JSONResponse(
            {"error": code, "message": str(error.detail), "request_id": _request_id(request)},
            status_code=error.status_code, headers=headers or None,
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        # The exception text can carry personal data (e.g. a driver error): log its type only.
        log.error("unhandled_error", error_type=type(error).__name__)
        return JSONResponse(
            {"error": "internal_error", "message": "an internal error occurred; it has been logged",
             "request_id": _request_id(request)},
            status_code=500,
        )
