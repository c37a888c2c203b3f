"""Render the OpenAPI document deterministically (committed as openapi/openapi.json)."""

from __future__ import annotations

import json

from service.config import Settings


def render_openapi() -> str:
    from service.app import create_app

    app = create_app(Settings(database_url="sqlite://", environment="development"))
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
