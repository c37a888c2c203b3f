"""The FastAPI dependency that turns a bearer token into a Principal, checking scopes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, SecurityScopes

from service.auth.roles import Role, Scope, scopes_for
from service.auth.tokens import InvalidToken, token_key_id, validate_token
from service.errors import Forbidden, Unauthorized

bearer_scheme = HTTPBearer(
    auto_error=False,
    bearerFormat="JWT",
    description=(
        "A JWT from the configured identity provider (or `watchlist token` in development)."
    ),
)


@dataclass(frozen=True, slots=True)
class Principal:
    sub: str
    agency: str
    roles: tuple[Role, ...]
    scopes: frozenset[Scope]

    @property
    def role(self) -> str:
        """The principal's roles as recorded in audit events."""
        return ",".join(sorted(role.value for role in self.roles))

    def has(self, scope: Scope) -> bool:
        return scope in self.scopes


@dataclass(frozen=True, slots=True)
class SystemActor:
    """The service itself acting on a schedule (policy runs, imports)."""

    sub: str = "system"
    agency: str = "system"
    role: str = "system"


def authenticated(
    security_scopes: SecurityScopes,
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("a bearer token is required")
    state = request.app.state.container
    settings = state.settings
    try:
        claims = validate_token(
            credentials.credentials,
            state.jwks.key_set(token_key_id(credentials.credentials)),
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            algorithms=settings.jwt_algorithms,
            leeway=settings.jwt_leeway_seconds,
        )
    except InvalidToken as error:
        raise Unauthorized(str(error)) from None
    principal = Principal(
        sub=claims.sub,
        agency=claims.agency,
        roles=claims.roles,
        scopes=scopes_for(list(claims.roles)),
    )
    request.state.principal = principal
    missing = [scope for scope in security_scopes.scopes if Scope(scope) not in principal.scopes]
    if missing:
        raise Forbidden("this token lacks the scope(s): " + ", ".join(missing))
    return principal


def requires(*scopes: Scope) -> object:
    return Security(authenticated, scopes=[scope.value for scope in scopes])


EntriesRead = Annotated[Principal, requires(Scope.entries_read)]
EntriesWrite = Annotated[Principal, requires(Scope.entries_write)]
EntriesApprove = Annotated[Principal, requires(Scope.entries_approve)]
AuditRead = Annotated[Principal, requires(Scope.audit_read)]
ReportsRead = Annotated[Principal, requires(Scope.reports_read)]
ScreeningsRun = Annotated[Principal, requires(Scope.screenings_run)]
ScreeningsDecide = Annotated[Principal, requires(Scope.screenings_decide)]
ReviewsWrite = Annotated[Principal, requires(Scope.reviews_write)]
RedressWrite = Annotated[Principal, requires(Scope.redress_write)]
AdminOnly = Annotated[Principal, requires(Scope.admin)]
AnyPrincipal = Annotated[Principal, Security(authenticated)]
