"""Oversight: signed audit exports and checkpoints, transparency and subject access reports.

Imports are lazy so that the offline verifier (``service.oversight.verify``) can be imported
without FastAPI or SQLAlchemy.
"""

from __future__ import annotations

from typing import Any


def install(app: Any, container: Any) -> None:
    """Attach the oversight routers, and the periodic checkpoint task when configured."""
    from service.oversight.endpoints import audit_router, keys_router, reports_router
    from service.oversight.settings import oversight_settings

    app.include_router(audit_router)
    app.include_router(keys_router)
    app.include_router(reports_router)
    interval = oversight_settings().audit_checkpoint_interval_seconds
    if interval > 0:
        from service.oversight.periodic import start_periodic_checkpoints

        start_periodic_checkpoints(container, interval)
