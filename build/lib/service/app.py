"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from service import __version__
from service.audit.endpoints import router as audit_router
from service.auth.roles import SCOPE_DESCRIPTIONS
from service.config import Settings, get_settings, validate_for_production
from service.container import Container
from service.entries.endpoints import router as entries_router
from service.errors_http import install_error_handlers
from service.health import router as health_router
from service.logging import configure_logging
from service.middleware import RequestContextMiddleware
from service.plugins import install_plugins

DESCRIPTION = """\
A counter-terrorism watchlist that is accurate, explainable, reviewable and accountable by
construction. Every route needs a bearer JWT; reading personal data needs an `X-Purpose` header
and is recorded in a hash-chained audit trail.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    validate_for_production(settings)
    configure_logging(settings.log_level, json=settings.log_json)
    container = Container.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for start in container.extensions.get("on_startup", []):
            await start(app)
        try:
            yield
        finally:
            for stop in container.extensions.get("on_shutdown", []):
                await stop(app)
            container.close()

    app = FastAPI(
        title="Watchlist service",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.container = container
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(entries_router)
    app.include_router(audit_router)
    install_plugins(app, container)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes)
    schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
    for scheme in schemes.values():
        scheme["description"] = (scheme.get("description", "") + "\n\nScopes (granted by role): "
                                 + "; ".join(f"`{k}`: {v}" for k, v in SCOPE_DESCRIPTIONS.items()))
    app.openapi_schema = schema
    return schema
