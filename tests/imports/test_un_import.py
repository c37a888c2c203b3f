"""UN Security Council Consolidated List import, on both databases (LG-input-control)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.audit.recorder import verify_stored_chain
from service.db.engine import make_engine
from service.imports.service import import_un
from service.models.audit import AuditEvent
from service.models.entry import Entry, EntryVersion
from service.models.oversight import ImportRecord
from tests.imports.un_expected import expected_delta

OLD = "un_consolidated_2026-01-28.xml"
NEW = "un_consolidated_2026-05-08.xml"


@pytest.fixture
def un_dir(shared_data: Path) -> Path:
    path = shared_data / "raw" / "un"
    if not (path / OLD).is_file():
        pytest.skip("UN list editions not found in the shared data")
    return path


@pytest.fixture
def engine(settings):  # noqa: ANN001, ANN201
    engine = make_engine(settings.database_url)
    yield engine
    engine.dispose()


def _import(engine, settings, path: Path):  # noqa: ANN001, ANN202
    with Session(engine) as session, session.begin():
        return import_un(session, path, settings)


def test_reimport_of_newer_edition_yields_exactly_the_delta(engine, settings, un_dir) -> None:
    """Acceptance: older edition then newer one gives exactly the additions, changes and
    removals between them, computed independently from the XML; re-importing changes nothing.
    LG-input-control: every imported entry has a collection event and a version."""
    first = _import(engine, settings, un_dir / OLD)
    assert first.rejected_count == 0, first.rejected[:5]
    assert first.created == 999 and first.updated == first.delisted == 0

    added, changed, removed = expected_delta(un_dir / OLD, un_dir / NEW)
    second = _import(engine, settings, un_dir / NEW)
    assert set(second.created_refs) == added
    assert set(second.updated_refs) == changed
    assert set(second.delisted_refs) == removed
    assert second.unchanged == 999 - len(changed) - len(removed)

    third = _import(engine, settings, un_dir / NEW)
    assert (third.created, third.updated, third.delisted, third.unchanged) == (0, 0, 0, 1009)

    with Session(engine) as session:
        by_ref = {
            e.source_ref: e
            for e in session.execute(select(Entry).where(Entry.source == "un-sc")).scalars()
        }
        assert len(by_ref) == 1010
        for ref in removed:
            entry = by_ref[ref]
            assert entry.status == "delisted" and "removed from un-sc" in entry.status_reason
            record = session.execute(
                select(ImportRecord).where(ImportRecord.source_ref == ref)
            ).scalar_one()
            assert record.removed_at is not None and "2026-05-08" in record.removal_note
        for ref in changed:
            last = (
                session.execute(
                    select(EntryVersion)
                    .where(EntryVersion.entry_id == by_ref[ref].id)
                    .order_by(EntryVersion.version.desc())
                )
                .scalars()
                .first()
            )
            assert last.change == "imported-update" and "2026-05-08" in last.reason
            assert last.changed_fields
        unchanged_ref = next(iter(set(by_ref) - added - changed - removed))
        assert by_ref[unchanged_ref].version == 1
        # The bulk path's first version is exactly what the entries service would store.
        from service.entries.convert import snapshot

        first_version = session.execute(
            select(EntryVersion).where(EntryVersion.entry_id == by_ref[unchanged_ref].id)
        ).scalar_one()
        assert first_version.snapshot == snapshot(by_ref[unchanged_ref])
        # One collection event per created entry, one alteration per change or removal.
        created_events = session.execute(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "entry.import_create")
        ).scalar_one()
        altered_events = session.execute(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action.in_(["entry.import_update", "entry.import_delist"]))
        ).scalar_one()
        assert created_events == 1010
        assert altered_events == len(changed) + len(removed)
        assert verify_stored_chain(session).ok


def test_un_entries_are_mapped_like_nominations(engine, settings, un_dir) -> None:
    """LB-legal-basis, LB-standard, DQ-subject-category, DQ-fact-vs-assessment: imported entries
    carry the regime's legal basis, a UN FACT item and the SUSPECT category; names keep their
    original script and alias quality; birth dates keep precision and ranges."""
    _import(engine, settings, un_dir / NEW)
    with Session(engine) as session:
        entries = list(session.execute(select(Entry).where(Entry.source == "un-sc")).scalars())
    by_ref = {e.source_ref: e for e in entries}
    qdi = next(e for ref, e in by_ref.items() if ref.startswith("QDi"))
    assert "1267" in qdi.legal_basis_instrument and "2253" in qdi.legal_basis_instrument
    assert "terrorism_activity" in qdi.warning_flags
    kpi = next(e for ref, e in by_ref.items() if ref.startswith("KPi"))
    assert "1718" in kpi.legal_basis_instrument
    assert all(e.data_subject_category == "SUSPECT" for e in entries)
    assert all(e.derogatory_items[0]["kind"] == "fact" for e in entries)
    assert all(e.status == "active" for e in entries)  # the UN list is binding by default
    names = [n for e in entries for n in e.names]
    assert any(n["name_type"] == "original_script" and n["script"] == "Arabic" for n in names)
    assert any(n["name_type"] == "weak_alias" and n["quality"] == "low" for n in names)
    dates = [d for e in entries for d in e.birth_dates]
    assert any(d["date_to"] for d in dates) and any(d["precision"] == "year" for d in dates)
    assert any(d["precision"] == "day" for d in dates)
    assert any(e.kind == "organisation" for e in entries)
    assert any("SO" in e.nationalities or "IQ" in e.nationalities for e in entries)


def test_bad_records_are_rejected_one_by_one(engine, settings, un_dir, tmp_path) -> None:
    """LB-legal-basis: a record without a reference, name or known regime is rejected with its
    reason; the rest of the file is imported and no half-written entry remains."""
    text = (un_dir / OLD).read_text(encoding="utf-8")
    text = text.replace(
        "<REFERENCE_NUMBER>CDi.001</REFERENCE_NUMBER>", "<REFERENCE_NUMBER></REFERENCE_NUMBER>", 1
    )
    text = text.replace(
        "<REFERENCE_NUMBER>CDi.002</REFERENCE_NUMBER>",
        "<REFERENCE_NUMBER>ZZi.002</REFERENCE_NUMBER>",
        1,
    )
    text = text.replace("<LISTED_ON>2010-12-01</LISTED_ON>", "<LISTED_ON></LISTED_ON>", 1)
    broken = tmp_path / "broken.xml"
    broken.write_text(text, encoding="utf-8")
    summary = _import(engine, settings, broken)
    reasons = {item["ref"]: item["reason"] for item in summary.rejected}
    assert summary.rejected_count == 3, reasons
    assert "REFERENCE_NUMBER" in reasons["(no reference)"]
    assert "regime" in reasons["ZZi.002"]
    assert "LISTED_ON" in reasons["CDi.003"]
    assert summary.created == 996
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(Entry)).scalar_one() == 996
        assert session.execute(select(func.count()).select_from(EntryVersion)).scalar_one() == 996


def test_review_queue_when_source_is_not_binding(engine, settings, un_dir, monkeypatch) -> None:
    """LB-second-review: without a binding decision, imported entries wait for review."""
    monkeypatch.setattr("service.imports.service._policy_pack", lambda *_: None)
    monkeypatch.setenv("WATCHLIST_IMPORT_UN_BINDING", "false")
    summary = _import(engine, settings, un_dir / OLD)
    with Session(engine) as session:
        statuses = set(session.execute(select(Entry.status)).scalars())
    assert statuses == {"pending_review"} and summary.created == 999


def test_cli_import_prints_summary(settings, un_dir, monkeypatch, capsys) -> None:  # noqa: ANN001
    """`watchlist import un FILE` prints created / updated / delisted / rejected."""
    from service.cli import main
    from service.config import get_settings

    monkeypatch.setenv("WATCHLIST_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("WATCHLIST_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    try:
        assert main(["import", "un", str(un_dir / OLD)]) == 0
    finally:
        get_settings.cache_clear()
    summary = json.loads(capsys.readouterr().out)
    assert summary["created"] == 999 and summary["rejected"] == 0
    assert summary["edition"] == "2026-01-28T00:00:11.197Z"
