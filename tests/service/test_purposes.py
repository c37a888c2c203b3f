"""GV-purpose-config: every route that processes personal data serves a declared purpose, and a
policy pack that does not configure that purpose refuses it (403), through HTTP with real
tokens on both databases."""

from __future__ import annotations

import json
import uuid
from importlib import resources
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import create_engine, text

from policies import (
    BORDER_SCREENING,
    COUNTER_TERRORISM_SCREENING,
    OVERSIGHT,
    REDRESS,
    SERVICE_PURPOSES,
)
from service.db.engine import normalise_url
from service.policy.purposes import declared_purpose
from tests.screening.helpers import active_entry, screen, traveller
from tests.service.factories import entry_body

DEFAULT_PACK = (resources.files("policies") / "packs" / "default.toml").read_text("utf-8")
ALL = '["counter_terrorism_screening", "border_screening", "oversight", "redress"]'
PACK_REF = "national@test.1"

# Routes that carry no personal data and so serve no purpose.
NO_PERSONAL_DATA = {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/v1/audit/public-key")}


def _pack_without(tmp_path, purpose: str):  # noqa: ANN001, ANN202
    allowed = [name for name in SERVICE_PURPOSES if name != purpose]
    text_ = DEFAULT_PACK.replace(f"allowed = {ALL}", f"allowed = {json.dumps(allowed)}")
    text_ = text_.replace('id = "default"', 'id = "national"').replace(
        'version = "2026.1"', 'version = "test.1"'
    )
    assert json.dumps(allowed) in text_ and PACK_REF.split("@")[0] in text_
    path = tmp_path / f"without-{purpose}.toml"
    path.write_text(text_, "utf-8")
    return path


@pytest.fixture
def app_without(settings, tmp_path):  # noqa: ANN001, ANN201
    """A client factory: the service running a pack that configures every purpose but one."""
    from fastapi.testclient import TestClient

    from service.app import create_app

    clients: list[Any] = []

    def start(purpose: str) -> Any:
        pack_file = _pack_without(tmp_path, purpose)
        app = create_app(settings.model_copy(update={"policy_pack_file": pack_file}))
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.__exit__(None, None, None)


def _count(database_url: str, table: str) -> int:
    engine = create_engine(normalise_url(database_url))
    try:
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
    finally:
        engine.dispose()


def _assert_refused(response: Any, purpose: str) -> dict:
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["error"] == "purpose_not_allowed"
    assert repr(purpose) in body["message"] and PACK_REF in body["message"]
    assert body["detail"][0]["rule"] == "GV-purpose-config"
    return body


def test_pack_without_border_screening_refuses_screening_but_not_entries(
    app_without, headers, database_url
) -> None:
    """GV-purpose-config: under a pack that does not configure border_screening, a screening,
    a batch, a past-screening read, a hit decision and the cleared-persons register are refused
    with 403 naming the purpose and the pack, no screening is written, and the refusal of a
    write is audited; entries, which serve counter_terrorism_screening, still work."""
    client = app_without(BORDER_SCREENING)
    entry = active_entry(client, headers)  # nominate and approve: the list still works
    listed = client.get("/v1/entries", headers=headers("operator"))
    assert listed.status_code == 200 and listed.json()["items"][0]["id"] == entry["id"]

    refused = _assert_refused(screen(client, headers, traveller()), BORDER_SCREENING)
    for text_ in ("Kasim", "Tahiri", "1984-07-14", "P1234567", "gate 7"):
        assert text_ not in json.dumps(refused)  # no personal data, no purpose text echoed
    batch = client.post("/v1/screenings/batch",
                        json={"purpose": "flight XY123 manifest", "travellers": [traveller()]},
                        headers=headers("border", agency="border-guard", purpose=None))
    _assert_refused(batch, BORDER_SCREENING)
    some_id = str(uuid.uuid4())
    reviewer = headers("reviewer", agency="fusion-cell", sub="rita")
    _assert_refused(client.get(f"/v1/screenings/{some_id}", headers=reviewer), BORDER_SCREENING)
    decision = client.post(f"/v1/screenings/{some_id}/hits/{some_id}/decision",
                           json={"decision": "false_positive", "reason": "documents checked"},
                           headers=reviewer)
    _assert_refused(decision, BORDER_SCREENING)
    _assert_refused(client.get(f"/v1/cleared-persons/{some_id}", headers=reviewer),
                    BORDER_SCREENING)
    # Authentication comes first: an anonymous caller learns nothing of the configuration.
    anonymous = client.post("/v1/screenings", json={**traveller(), "purpose": "x-check"})
    assert anonymous.status_code == 401

    for table in ("screenings", "screening_queries", "screening_hits"):
        assert _count(database_url, table) == 0, table
    oversight = headers("oversight", agency="dpa", sub="olivia", purpose="lawfulness check")
    events = client.get("/v1/audit/events", params={"limit": 1000},
                        headers=oversight).json()["items"]
    assert not [e for e in events if e["action"].startswith(("screening.", "cleared_person."))]
    (refusal,) = [e for e in events
                  if e["outcome"] == "refused" and e["action"] == "POST /screenings"]
    assert refusal["actor_sub"] == "gate-7-system"
    assert refusal["details"]["error"] == "purpose_not_allowed"
    assert refusal["details"]["rules"] == ["GV-purpose-config"]
    assert refusal["details"]["purpose_code"] == BORDER_SCREENING
    assert refusal["details"]["policy_pack"] == PACK_REF


def test_pack_without_oversight_refuses_the_audit_trail_and_reports(app_without, headers) -> None:
    """GV-purpose-config: under a pack that does not configure oversight, the audit events,
    their JSON lines and signed exports, the chain check, checkpoints, review statistics and
    the transparency and subject access reports are refused with 403 naming the purpose and
    the pack; the audit public key (no personal data) and the entries still answer."""
    client = app_without(OVERSIGHT)
    created = client.post("/v1/entries", json=entry_body(), headers=headers("operator"))
    assert created.status_code == 201, created.text
    oversight = headers("oversight", agency="dpa", sub="olivia", purpose="lawfulness check")
    for path in ("/v1/audit/events", "/v1/audit/events.jsonl", "/v1/audit/export",
                 "/v1/audit/verify", "/v1/audit/checkpoints", "/v1/reviews/stats",
                 "/v1/reports/transparency", f"/v1/reports/subject-access/{created.json()['id']}"):
        _assert_refused(client.get(path, headers=oversight), OVERSIGHT)
    _assert_refused(client.post("/v1/audit/checkpoints", headers=oversight), OVERSIGHT)
    assert client.get("/v1/audit/public-key", headers=oversight).status_code == 200
    assert client.get(f"/v1/entries/{created.json()['id']}",
                      headers=headers("operator")).status_code == 200


def test_pack_without_counter_terrorism_screening_refuses_work_on_the_list(
    app_without, headers
) -> None:
    """GV-purpose-config: under a pack that does not configure counter_terrorism_screening,
    nominating, listing and reading entries and the review queue are refused with 403 naming
    the purpose and the pack, and no entry is written."""
    client = app_without(COUNTER_TERRORISM_SCREENING)
    operator = headers("operator")
    _assert_refused(client.post("/v1/entries", json=entry_body(), headers=operator),
                    COUNTER_TERRORISM_SCREENING)
    _assert_refused(client.get("/v1/entries", headers=operator), COUNTER_TERRORISM_SCREENING)
    _assert_refused(client.get(f"/v1/entries/{uuid.uuid4()}", headers=operator),
                    COUNTER_TERRORISM_SCREENING)
    _assert_refused(client.get("/v1/reviews", headers=operator), COUNTER_TERRORISM_SCREENING)
    oversight = headers("oversight", agency="dpa", sub="olivia", purpose="lawfulness check")
    events = client.get("/v1/audit/events", params={"limit": 1000},
                        headers=oversight).json()["items"]
    assert not [e for e in events if e["action"] == "entry.nominate"]


def test_pack_without_redress_refuses_every_case_route(app_without, headers, database_url) -> None:
    """GV-purpose-config: under a pack that does not configure redress, opening a case, reading
    an existing case and its letter, moving it on and an indirect access check are all refused
    with 403 naming the purpose and the pack, and no case is written."""
    client = app_without(REDRESS)
    officer = headers("reviewer", agency="fusion-cell", sub="redress-officer")
    _assert_refused(client.post("/v1/redress/cases", json={"request_kind": "access"},
                                headers=officer), REDRESS)
    number = "RC-7KQD-M3PA-9XTR-H"
    _assert_refused(client.get(f"/v1/redress/cases/{number}", headers=officer), REDRESS)
    _assert_refused(client.get(f"/v1/redress/cases/{number}/letter", headers=officer), REDRESS)
    _assert_refused(client.post(f"/v1/redress/cases/{number}/transitions",
                                json={"to": "acknowledged"}, headers=officer), REDRESS)
    oversight = headers("oversight", agency="dpa", sub="olivia", purpose="lawfulness check")
    indirect = client.post("/v1/redress/indirect-access", headers=oversight, json={
        "request_reference": "DPA-2026-1", "names": ["Kasim Tahiri"]})
    _assert_refused(indirect, REDRESS)
    assert _count(database_url, "redress_cases") == 0


def test_audit_events_record_the_purpose_and_pack_they_were_processed_under(
    client, headers
) -> None:
    """GV-purpose-config: under the default pack every purpose is allowed, and the audit events
    of a nomination, a screening and the oversight read of the trail carry the purpose the
    route served and the pack's id@version in their details."""
    active_entry(client, headers)
    assert screen(client, headers, traveller()).status_code == 201
    oversight = headers("oversight", agency="dpa", sub="olivia", purpose="lawfulness check")
    client.get("/v1/audit/events", headers=oversight)  # recorded as audit.read
    events = client.get("/v1/audit/events", params={"limit": 1000},
                        headers=oversight).json()["items"]
    by_action = {event["action"]: event["details"] for event in events}
    expected = {"entry.nominate": COUNTER_TERRORISM_SCREENING, "screening.run": BORDER_SCREENING,
                "audit.read": OVERSIGHT}
    for action, purpose in expected.items():
        assert by_action[action]["purpose_code"] == purpose, action
        assert by_action[action]["policy_pack"] == "default@2026.1", action


def test_every_route_with_personal_data_declares_a_configured_purpose(app) -> None:
    """GV-purpose-config: no route can be added without a purpose. Every API route declares one
    through its router (screening: border_screening; entries and reviews:
    counter_terrorism_screening; audit and reports: oversight; redress: redress), except the
    routes that carry no personal data."""
    declared: dict[tuple[str, str], str | None] = {}
    for route in iter_route_contexts(app.routes):  # the routes of included routers too
        if not isinstance(route.original_route, APIRoute):
            continue  # the OpenAPI document and the docs pages
        for method in route.methods:
            declared[(method, route.path)] = declared_purpose(route)
    missing = sorted(
        key for key, purpose in declared.items()
        if purpose is None and key not in NO_PERSONAL_DATA
    )
    assert missing == []
    for key in NO_PERSONAL_DATA:
        assert declared[key] is None, key
    assert {purpose for purpose in declared.values() if purpose} <= set(SERVICE_PURPOSES)

    def purpose_of(prefix: str) -> set[str | None]:
        return {p for (_m, path), p in declared.items() if path.startswith(prefix)}

    assert purpose_of("/v1/screenings") == {BORDER_SCREENING}
    assert purpose_of("/v1/cleared-persons") == {BORDER_SCREENING}
    assert purpose_of("/v1/entries") == {COUNTER_TERRORISM_SCREENING}
    assert declared[("GET", "/v1/reviews")] == COUNTER_TERRORISM_SCREENING
    assert declared[("GET", "/v1/reviews/stats")] == OVERSIGHT
    assert purpose_of("/v1/reports") == {OVERSIGHT}
    assert purpose_of("/v1/audit") == {OVERSIGHT, None}  # None: the public key only
    assert purpose_of("/v1/redress") == {REDRESS}
