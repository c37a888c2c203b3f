"""The one domain error of the policy library.

Every rule that refuses something raises :class:`PolicyError` with a stable machine-readable
``code`` and a message that names the field and the rule that was broken. The service maps
``http_status`` onto the response (422 for invalid input, 409 for a conflict with the current
state of a record). Messages never contain personal data (names, birth dates, document numbers):
they may be logged and shown to operators who are not cleared for the record itself.
"""

from __future__ import annotations


class PolicyError(Exception):
    """A policy rule refused an operation.

    ``code`` is stable and safe to branch on; ``message`` is for humans; ``field`` names the
    input that broke the rule, when there is one.
    """

    http_status: int = 422

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class PolicyConflict(PolicyError):
    """The request is well formed but conflicts with the record's current state (HTTP 409)."""

    http_status = 409


class PackError(PolicyError):
    """A policy pack file is invalid. Raised at load time so a bad pack stops start-up."""

    def __init__(self, key: str, message: str, *, source: str = "<pack>") -> None:
        super().__init__("invalid_policy_pack", f"{source}: {key}: {message}", field=key)
        self.key = key
        self.source = source
