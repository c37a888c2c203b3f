"""One domain error base class that carries its HTTP status.

Messages name the field and the rule; they never carry a name, birth date or document number.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
        self.headers = headers

    def body(self, request_id: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.details:
            body["detail"] = self.details
        if request_id:
            body["request_id"] = request_id
        return body


class NotFound(ServiceError):
    status_code = 404
    code = "not_found"


class Conflict(ServiceError):
    status_code = 409
    code = "conflict"


class PreconditionFailed(ServiceError):
    status_code = 412
    code = "precondition_failed"


class PreconditionRequired(ServiceError):
    status_code = 428
    code = "precondition_required"


class RuleViolation(ServiceError):
    """Input is well-formed but breaks a legal or business rule (422, naming the rule)."""

    status_code = 422
    code = "rule_violation"


class Forbidden(ServiceError):
    status_code = 403
    code = "forbidden"


class Unauthorized(ServiceError):
    status_code = 401
    code = "unauthorized"

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


class ServiceUnavailable(ServiceError):
    status_code = 503
    code = "unavailable"
