"""Where feature packages (screening, policies, oversight) attach their routers and services.

Each feature exposes ``install(app, container)``; listing them here keeps ``app.py`` stable while
features are added.
"""

from __future__ import annotations

import importlib

from fastapi import FastAPI

from service.container import Container

FEATURES: tuple[str, ...] = ("service.oversight", "service.screening", "service.policy")


def install_plugins(app: FastAPI, container: Container) -> None:
    for module_name in FEATURES:
        importlib.import_module(module_name).install(app, container)
