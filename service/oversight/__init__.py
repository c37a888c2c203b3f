"""Oversight: signed audit exports and checkpoints, transparency and subject access reports.

Imports are lazy so that the offline verifier (``service.oversight.verify``) can be imported
without FastAPI or SQLAlchemy.
"""

from __future__ import annotations

from typing import Any


def install(app: Any, container: Any) -> None:
    """Attach the oversight routers (called by ``service.plugins``)."""
    from service.oversight.endpoints import audit_router, reports_router

    app.include_router(audit_router)
    app.include_router(reports_router)
