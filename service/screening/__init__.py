"""Screening of travellers against the live watchlist (issue 4).

``install`` attaches the routes and starts the per-process live index that follows the entry
change feed.
"""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from service.container import Container


def install(app: FastAPI, container: Container) -> None:
    """Include the screening routers and start/stop the live index with the application."""
    from service.screening.cleared_endpoints import router as cleared_router
    from service.screening.endpoints import router
    from service.screening.engine import default_threshold
    from service.screening.live import LiveIndex
    from service.screening.runtime import make_runtime

    live = LiveIndex(container.engine, container.settings)
    runtime = make_runtime(container.settings, live, default_threshold())
    live.after_sync.append(runtime.spool.replay)
    container.extensions["live_index"] = live
    container.extensions["screening"] = runtime

    async def start(_app: FastAPI) -> None:
        await asyncio.to_thread(live.start)
        if runtime.spool.pending():
            await asyncio.to_thread(runtime.spool.replay, container.engine)

    async def stop(_app: FastAPI) -> None:
        await asyncio.to_thread(live.stop)

    container.extensions.setdefault("on_startup", []).append(start)
    container.extensions.setdefault("on_shutdown", []).append(stop)
    app.include_router(router)
    app.include_router(cleared_router)
