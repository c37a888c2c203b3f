"""Helpers for screening tests: active entries through the real workflow, travellers, polling."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tests.service.factories import DISTINCT, entry_body

BORDER = {"role": "border", "agency": "border-guard", "sub": "gate-7-system"}


def active_entry(client: Any, headers: Callable[..., dict[str, str]], **overrides: Any) -> dict:
    """Nominate as a police operator and approve as a fusion-cell reviewer."""
    created = client.post("/v1/entries", json=entry_body(**overrides),
                          headers=headers("operator", agency="police", sub="alice"))
    assert created.status_code == 201, created.text
    entry = created.json()
    approved = client.post(f"/v1/entries/{entry['id']}/approve",
                           json={"reason": "criteria met", "duplicate_resolution": DISTINCT},
                           headers=headers("reviewer", agency="fusion-cell", sub="rita",
                                           **{"If-Match": created.headers["ETag"]}))
    assert approved.status_code == 200, approved.text
    return approved.json()


def traveller(**overrides: Any) -> dict[str, Any]:
    """A transliteration variant of the factory entry's primary name, with its birth date."""
    body: dict[str, Any] = {
        "names": ["Kasim Yousef Tahiri"],
        "birth_date": "1984-07-14",
        "nationality": "JO",
        "gender": "male",
        "travel_document": {"number": "P1234567", "country": "JO", "type": "passport"},
    }
    body.update(overrides)
    return body


def screen(client: Any, headers: Callable[..., dict[str, str]], body: dict[str, Any], *,
           role: str = "border", agency: str = "border-guard", sub: str = "gate-7-system",
           purpose: str = "entry control at gate 7") -> Any:
    return client.post("/v1/screenings", json={**body, "purpose": purpose},
                       headers=headers(role, agency=agency, sub=sub, purpose=None))


def wait_for(check: Callable[[], Any], *, timeout: float = 5.0, interval: float = 0.05) -> Any:
    """Poll ``check`` until it returns something truthy, for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
