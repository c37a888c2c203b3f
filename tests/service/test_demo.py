"""Demo data: a generated, clearly fictional mix, written through the entries service."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.audit.recorder import verify_stored_chain
from service.db.engine import make_engine
from service.demo import DEMO_SOURCE, load_demo_data
from service.models.audit import AuditEvent
from service.models.entry import Entry, EntryVersion

COUNT = 150


def test_demo_data_is_a_fictional_multiscript_mix_and_loads_once(settings, client, headers) -> None:
    assert load_demo_data(settings, count=COUNT) == COUNT
    assert load_demo_data(settings, count=COUNT) == 0  # idempotent

    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        entries = list(session.execute(select(Entry)).scalars())
        versions = dict(session.execute(
            select(EntryVersion.entry_id, func.count()).group_by(EntryVersion.entry_id)).all())
        events = Counter(session.execute(select(AuditEvent.action)).scalars())
        chain = verify_stored_chain(session)
    engine.dispose()

    assert len(entries) == COUNT
    statuses = Counter(entry.status for entry in entries)
    assert set(statuses) == {"active", "pending_review", "suspended", "delisted"}
    assert statuses["active"] > COUNT / 2
    kinds = Counter(entry.kind for entry in entries)
    assert kinds["person"] > kinds["organisation"] > 0
    assert len({entry.originating_agency for entry in entries}) >= 3
    assert len({nat for entry in entries for nat in entry.nationalities}) >= 10

    # Visibly fictional.
    for entry in entries:
        assert entry.source == DEMO_SOURCE
        assert entry.decision_ref.startswith("DEMO-")
        assert "DEMO" in entry.legal_basis_instrument
        assert all(doc["number"].startswith("DEMO") for doc in entry.documents)
        assert any(item["conduct_based"] for item in entry.derogatory_items)
        assert {item["kind"] for item in entry.derogatory_items} <= {"fact", "assessment"}

    names = [name for entry in entries for name in entry.names]
    scripts = {name["script"] for name in names}
    assert {"Latin", "Arabic", "Cyrillic", "Han", "Greek", "Hangul"} <= scripts
    assert {"primary", "alias", "weak_alias", "original_script"} <= {n["name_type"] for n in names}
    assert any(name["quality"] == "low" for name in names)
    assert any(not name["full_name"].isascii() and name["script"] == "Latin" for name in names)

    dates = [item for entry in entries for item in entry.birth_dates]
    assert {"year", "month", "day"} <= {item["precision"] for item in dates}
    assert any(item["date_to"] for item in dates)
    assert any(item["kind"] == "assessment"
               for entry in entries for item in entry.derogatory_items)

    # Versions and audit events are those of the API workflow: nominate, approve, ...
    for entry in entries:
        assert versions[entry.id] == entry.version
        if entry.status != "pending_review":
            assert entry.reviewed_by and entry.reviewed_by != entry.created_by
    assert events["entry.nominate"] == COUNT
    assert events["entry.approve"] == COUNT - statuses["pending_review"]
    assert chain.ok

    # And the service answers with them.
    page = client.get("/v1/entries", params={"status": "active", "limit": 5},
                      headers=headers("reviewer", agency=settings.review_agency)).json()
    assert len(page["items"]) == 5
    assert page["items"][0]["source"] == DEMO_SOURCE
