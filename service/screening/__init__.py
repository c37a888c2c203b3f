"""Screening of travellers against the live watchlist (issue 4).

``install`` attaches the routes and starts the per-process live index that follows the entry
change feed.
"""

from __future__ import annotations

import asyncio
import sys

from fastapi import FastAPI

from service.container import Container


def install(app: FastAPI, container: Container) -> None:
    """Include the screening routers and start/stop the live index with the application."""
    from service.screening.cleared_endpoints import router as cleared_router
    from service.screening.endpoints import router
    from service.screening.engine import default_threshold
    from service.screening.live import LiveIndex
    from service.screening.runtime import make_runtime
    from service.screening.writer import GroupWriter

    live = LiveIndex(container.engine, container.settings)
    writer = GroupWriter(container.session_factory,
                         timeout_seconds=container.settings.screening_commit_timeout_seconds)
    runtime = make_runtime(container.settings, live, writer, default_threshold())
    live.after_sync.append(runtime.spool.replay)
    container.extensions["live_index"] = live
    container.extensions["screening"] = runtime
    # LB-adequacy-gate: nominations are checked for duplicates against this live index too.
    from service.entries.adequacy import DuplicateChecker

    container.extensions["entry_duplicates"] = DuplicateChecker(live, default_threshold())

    async def start(_app: FastAPI) -> None:
        # Every screening appends to the audit chain, whose head row stays locked from the
        # first audit statement to the commit: the chain is one queue for all replicas. The
        # lock holder needs the GIL back after each database round trip, and by default a
        # thread busy searching keeps it for up to 5 ms, so a handful of round trips could
        # hold the chain for 20 ms. A 0.5 ms switch interval keeps the queue moving.
        sys.setswitchinterval(min(sys.getswitchinterval(), 0.0005))
        await asyncio.to_thread(live.start)
        writer.start()
        if runtime.spool.pending():
            await asyncio.to_thread(runtime.spool.replay, container.engine)

    async def stop(_app: FastAPI) -> None:
        await asyncio.to_thread(writer.stop)
        await asyncio.to_thread(live.stop)

    container.extensions.setdefault("on_startup", []).append(start)
    container.extensions.setdefault("on_shutdown", []).append(stop)
    app.include_router(router)
    app.include_router(cleared_router)
