"""The policies feature in the service: the policy pack, entry rules, the policy runner, and
the review, redress and erasure routers.

``install`` loads and validates the configured pack at start-up (a bad pack stops the service
with a message naming the file and key), puts it in ``container.extensions["policy_pack"]``,
loads the re-listing digest key (production refuses to start without one), and exposes the
entry rules the entries router passes to the entries service.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from service.policy.entry_rules import EntryRules
from service.policy.pack import PACK_KEY, load_configured_pack
from service.policy.relisting import KEY_EXTENSION, load_relisting_key
from service.policy.settings import PolicySettings


def install(app: FastAPI, container: Any) -> None:
    from service.redress.endpoints import router as redress_router
    from service.reviews.endpoints import router as reviews_router
    from service.reviews.endpoints import stats_router as review_stats_router

    pack = load_configured_pack(container.settings)
    settings = PolicySettings()
    key = load_relisting_key(container.settings, settings)  # production refuses a missing key
    container.extensions[PACK_KEY] = pack
    container.extensions["policy_settings"] = settings
    container.extensions[KEY_EXTENSION] = key
    container.extensions["entry_rules"] = EntryRules(pack, settings, relisting_key=key)
    app.include_router(reviews_router)
    app.include_router(review_stats_router)
    app.include_router(redress_router)

    if settings.scheduler_enabled:
        tasks: list[Any] = []

        async def start_scheduler(_app: FastAPI) -> None:
            from service.policy import scheduler

            tasks.append(scheduler.start(container, settings.scheduler_interval_seconds))

        async def stop_scheduler(_app: FastAPI) -> None:
            for task in tasks:
                task.cancel()

        container.extensions.setdefault("on_startup", []).append(start_scheduler)
        container.extensions.setdefault("on_shutdown", []).append(stop_scheduler)
