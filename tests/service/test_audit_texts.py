"""Free-text reasons in the audit trail are erased with the entry they concern, and the chain
still verifies (RV-erasure-log, LG-input-control).

A change or delisting reason can name the person; audit events are never erased, so the text
lives apart (``audit_texts``) and the chain hashes its salted digest.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from service.audit.chain import purpose_digest
from service.oversight.keys import service_signing_key
from service.oversight.verify import verify_export
from tests.policies_service.helpers import listed, now, run, scan_database

NAME = "Qasim Yusuf Tahiri"
CHANGE_REASON = f"seen at the border with {NAME}'s brother"
DELIST_REASON = f"{NAME} was confused with a namesake"


def _events(client, headers, entry_id: str) -> list[dict]:  # noqa: ANN001
    response = client.get("/v1/audit/events", params={"target_id": entry_id},
                          headers=headers("oversight", agency="dpa"))
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _export(client, headers, app):  # noqa: ANN001, ANN202
    response = client.get("/v1/audit/export", headers=headers("oversight", agency="dpa"))
    assert response.status_code == 200, response.text
    public = service_signing_key(app.state.container).public_key()
    return verify_export(response.content.splitlines(keepends=True), public)


def _entry_with_reasons(client, headers) -> str:  # noqa: ANN001
    entry = listed(client, headers)
    url = f"/v1/entries/{entry['id']}"
    etag = client.get(url, headers=headers("operator")).headers["ETag"]
    changed = client.patch(url, json={"reason": CHANGE_REASON, "birth_places": ["Other Town"]},
                           headers=headers("operator", **{"If-Match": etag}))
    assert changed.status_code == 200, changed.text
    delisted = client.post(url + "/delist", json={"reason": DELIST_REASON},
                           headers=headers("reviewer", agency="fusion-cell"))
    assert delisted.status_code == 200, delisted.text
    return entry["id"]


def test_reasons_naming_the_person_are_erased_with_the_entry(
    app, client, headers, database_url
) -> None:
    """RV-erasure-log: before erasure oversight reads the reasons (checkable against their
    chained digests); after it no table holds the name, the events stay with their digests,
    and the stored chain and a signed export still verify."""
    entry_id = _entry_with_reasons(client, headers)
    events = {e["action"]: e for e in _events(client, headers, entry_id)}
    update = events["entry.update"]
    assert update["purpose"] == CHANGE_REASON and not update["purpose_erased"]
    assert purpose_digest(update["purpose_salt"], CHANGE_REASON) == update["purpose_digest"]
    assert events["entry.delist"]["purpose"] == DELIST_REASON
    assert "audit_texts" in scan_database(database_url, [NAME])
    assert _export(client, headers, app).ok

    report = run(app, now() + timedelta(days=31))  # the delisting's grace period is over
    assert report["counts"]["erased:delisted"] == 1, report
    assert scan_database(database_url, [NAME]) == {}
    events = {e["action"]: e for e in _events(client, headers, entry_id)}
    assert events["entry.update"]["purpose"] is None and events["entry.update"]["purpose_erased"]
    assert events["entry.update"]["purpose_digest"] == update["purpose_digest"]
    assert events["entry.delist"]["purpose_erased"]
    assert events["entry.erase"]["purpose"] == "delisted"  # the legal reason, a code
    verified = client.get("/v1/audit/verify", headers=headers("oversight", agency="dpa"))
    assert verified.json()["ok"] is True, verified.json()
    exported = _export(client, headers, app)
    assert exported.ok, exported.as_dict()
    assert exported.purpose_texts_erased >= 4  # nominate, approve, update, delist


def test_a_text_cannot_be_rewritten_and_a_rewrite_is_detected(app, client, headers) -> None:
    """LG-input-control: the database refuses UPDATE of a text; a text changed behind the
    trigger's back no longer matches its chained digest, which verify and the offline
    verifier report."""
    entry_id = _entry_with_reasons(client, headers)
    engine = app.state.container.engine
    statement = "UPDATE audit_texts SET purpose = 'nothing to see' WHERE target_id = :id"
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement), {"id": entry_id})
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            connection.execute(text("DROP TRIGGER audit_texts_no_update"))
        connection.execute(text(statement), {"id": entry_id})
    report = client.get("/v1/audit/verify", headers=headers("oversight", agency="dpa")).json()
    assert report["ok"] is False and "does not match its digest" in report["reason"]
    exported = _export(client, headers, app)
    assert not exported.ok and "purpose text" in exported.error
