"""Turning policy-library refusals into the service's domain errors (422 / 409)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from policies import PolicyConflict, PolicyError
from service.errors import Conflict, RuleViolation, ServiceError


def as_service_error(error: PolicyError, *, loc_root: str = "body") -> ServiceError:
    """The same message, the field path and the rule code; never personal data (the library
    never puts any in its messages)."""
    details = [
        {
            "loc": [loc_root, error.field] if error.field else [loc_root],
            "msg": error.message,
            "rule": error.code,
        }
    ]
    cls = Conflict if isinstance(error, PolicyConflict) else RuleViolation
    return cls(error.message, details=details)


@contextmanager
def policy_errors(loc_root: str = "body") -> Iterator[None]:
    """Run policy-library calls, re-raising their refusals as service errors."""
    try:
        yield
    except PolicyError as error:
        raise as_service_error(error, loc_root=loc_root) from None
