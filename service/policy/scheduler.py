"""Optional in-service scheduler: the same policy run as ``watchlist policies run``.

Off by default (``WATCHLIST_POLICY_SCHEDULER_ENABLED``); when several replicas run it, the
runner's row locks keep them from doing anything twice.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi.concurrency import run_in_threadpool

from service.db.base import utcnow
from service.logging import get_logger
from service.oversight.keys import service_signing_key
from service.policy.pack import pack_of
from service.policy.runner import run_policies

log = get_logger("watchlist.policy")


async def _loop(container: Any, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await run_in_threadpool(
                run_policies,
                container.session_factory,
                pack_of(container),
                utcnow(),
                signing_key=service_signing_key(container),
            )
        except Exception as error:  # noqa: BLE001 - the next tick tries again
            log.error("policy_scheduler_failed", error_type=type(error).__name__)


def start(container: Any, interval: float) -> asyncio.Task[None]:
    return asyncio.get_running_loop().create_task(_loop(container, interval))
