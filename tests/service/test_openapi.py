"""The committed OpenAPI document is the one the application generates."""

from __future__ import annotations

import json
from pathlib import Path

from service.auth.roles import Scope
from service.openapi_export import render_openapi

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def test_committed_openapi_document_is_current() -> None:
    current = render_openapi()
    assert COMMITTED.read_text() == current, (
        "openapi/openapi.json is stale: run `.venv/bin/watchlist openapi` and commit the result"
    )


def test_every_operation_is_authenticated_and_declares_its_errors() -> None:
    """Every route except the probes needs a bearer token; scopes appear in the document."""
    document = json.loads(render_openapi())
    known_scopes = {scope.value for scope in Scope}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if path in ("/healthz", "/readyz"):
                assert "security" not in operation
                continue
            security = operation.get("security")
            assert security, f"{method.upper()} {path} is not authenticated"
            scopes = {scope for requirement in security for scopes in requirement.values()
                      for scope in scopes}
            assert scopes <= known_scopes, (method, path, scopes)
            for status in ("401", "403", "422"):
                assert status in operation["responses"], (method, path, status)
