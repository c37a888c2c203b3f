"""Liveness and readiness probes (unauthenticated, and they reveal nothing)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from service.db.migrate import is_current

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is alive")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The database is reachable and migrated to the current head",
            responses={503: {"description": "Not ready"}})
async def readyz(request: Request) -> JSONResponse:
    engine = request.app.state.container.engine

    def check() -> tuple[bool, str]:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            if not is_current(engine):
                return False, "database schema is not at the current migration"
        except SQLAlchemyError:
            return False, "database unreachable"
        return True, "ok"

    ready, reason = await run_in_threadpool(check)
    return JSONResponse({"status": "ready" if ready else "not_ready", "reason": reason},
                        status_code=200 if ready else 503)
