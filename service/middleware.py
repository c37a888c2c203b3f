"""ASGI middleware: request ids, access logs without personal data, and body size limits."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import structlog
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.logging import get_logger

log = get_logger("watchlist.http")


class BodyTooLarge(HTTPException):
    """Raised while a body without a declared length is read past the limit.

    An HTTPException, because FastAPI turns any other error raised while it reads the body into
    a 400 "error parsing the body"; this one it lets through to the error handlers: a 413.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body exceeds {limit} bytes")


class RequestContextMiddleware:
    """Assigns a request id, enforces the body limit (413), and writes one access log line."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = (
            incoming if 0 < len(incoming) <= 100 and incoming.isprintable() else uuid.uuid4().hex
        )
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status_holder: dict[str, Any] = {"status": 500}

        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._reject_too_large(send, request_id)
            self._log(scope, 413, started)
            return

        received = 0
        limit = self.max_body_bytes

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_id)
        except BodyTooLarge:
            await self._reject_too_large(send, request_id)
            status_holder["status"] = 413
        finally:
            self._log(scope, status_holder["status"], started)

    async def _reject_too_large(self, send: Send, request_id: str) -> None:
        body = json.dumps({
            "error": "payload_too_large",
            "message": f"request body exceeds {self.max_body_bytes} bytes",
            "request_id": request_id,
        }).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"x-request-id", request_id.encode()),
        ]})
        await send({"type": "http.response.body", "body": body})

    def _log(self, scope: Scope, status: int, started: float) -> None:
        state = scope.get("state") or {}
        principal = state.get("principal")
        route = scope.get("route")
        log.info(
            "request",
            method=scope.get("method"),
            route=getattr(route, "path", None) or "unmatched",
            status=status,
            duration_ms=round((time.perf_counter() - started) * 1000, 2),
            principal=getattr(principal, "sub", None),
            agency=getattr(principal, "agency", None),
        )
