"""Periodic signed checkpoints inside the service (``WATCHLIST_AUDIT_CHECKPOINT_INTERVAL_SECONDS``).

Off by default: a scheduler running ``watchlist audit checkpoint`` does the same from outside.
Several replicas each writing a checkpoint is harmless: every one is a true, signed statement.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from service.auth.principal import SystemActor
from service.logging import get_logger

log = get_logger("watchlist.oversight")


def checkpoint_once(container: Any) -> int:
    from service.oversight.checkpoints import create_checkpoint
    from service.oversight.keys import service_signing_key

    with container.session_factory() as session, session.begin():
        checkpoint = create_checkpoint(
            session,
            SystemActor(sub="system:checkpoint"),
            service_signing_key(container),
            reason="scheduled",
        )
        return checkpoint.seq


def start_periodic_checkpoints(container: Any, interval: float) -> None:
    state: dict[str, asyncio.Task[None]] = {}

    async def loop() -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                seq = await asyncio.to_thread(checkpoint_once, container)
                log.info("audit_checkpoint_signed", seq=seq)
            except Exception as error:  # noqa: BLE001 - keep trying on the next tick
                log.error("audit_checkpoint_failed", error_type=type(error).__name__)

    async def start(app: Any) -> None:
        state["task"] = asyncio.create_task(loop())

    async def stop(app: Any) -> None:
        task = state.get("task")
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    container.extensions.setdefault("on_startup", []).append(start)
    container.extensions.setdefault("on_shutdown", []).append(stop)
