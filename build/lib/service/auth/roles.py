"""Roles carried in tokens, and the scopes each role grants.

Scopes are what routes ask for (they appear in the OpenAPI document); roles are what an identity
provider assigns. Keeping the mapping here means a route never checks a role by name.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    operator = "operator"  # nominate and read entries of their agency
    reviewer = "reviewer"  # approve nominations, periodic reviews, adjudicate hits
    senior_reviewer = "senior_reviewer"  # as reviewer, plus entries on minors (CH-minor)
    border = "border"  # screen travellers only; sees minimal hit data
    oversight = "oversight"  # read audit logs and reports, nothing else
    admin = "admin"  # operate the service (policy runs, imports); no personal data reads


class Scope(StrEnum):
    entries_read = "entries:read"
    entries_write = "entries:write"
    entries_approve = "entries:approve"
    entries_approve_minor = "entries:approve-minor"
    screenings_run = "screenings:run"
    screenings_decide = "screenings:decide"
    reviews_write = "reviews:write"
    redress_write = "redress:write"
    audit_read = "audit:read"
    reports_read = "reports:read"
    admin = "admin"


SCOPE_DESCRIPTIONS: dict[str, str] = {
    Scope.entries_read: "Read watchlist entries (personal data; a purpose is required)",
    Scope.entries_write: "Nominate and amend entries",
    Scope.entries_approve: "Approve, reject, suspend and delist entries (second review)",
    Scope.entries_approve_minor: "Approve entries on minors (senior review)",
    Scope.screenings_run: "Screen travellers against the live watchlist",
    Scope.screenings_decide: "Record human decisions on screening hits",
    Scope.reviews_write: "Record periodic review decisions",
    Scope.redress_write: "Handle redress cases",
    Scope.audit_read: "Read and export the audit trail",
    Scope.reports_read: "Read aggregate oversight reports",
    Scope.admin: "Operate the service",
}

ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.operator: frozenset({Scope.entries_read, Scope.entries_write, Scope.screenings_run}),
    Role.reviewer: frozenset(
        {
            Scope.entries_read,
            Scope.entries_approve,
            Scope.screenings_run,
            Scope.screenings_decide,
            Scope.reviews_write,
            Scope.redress_write,
        }
    ),
    Role.senior_reviewer: frozenset(
        {
            Scope.entries_read,
            Scope.entries_approve,
            Scope.entries_approve_minor,
            Scope.screenings_run,
            Scope.screenings_decide,
            Scope.reviews_write,
            Scope.redress_write,
        }
    ),
    Role.border: frozenset({Scope.screenings_run}),
    Role.oversight: frozenset({Scope.audit_read, Scope.reports_read}),
    Role.admin: frozenset({Scope.admin}),
}


def scopes_for(roles: list[Role]) -> frozenset[Scope]:
    granted: set[Scope] = set()
    for role in roles:
        granted |= ROLE_SCOPES[role]
    return frozenset(granted)
