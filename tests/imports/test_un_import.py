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


def _pack_file(tmp_path: Path, binding: str) -> Path:
    """The shipped default pack with another list of binding import sources."""
    from importlib import resources

    text = (resources.files("policies") / "packs" / "default.toml").read_text("utf-8")
    text = text.replace('binding_sources = ["UN-SC-CONSOLIDATED"]', f"binding_sources = {binding}")
    text = text.replace('id = "default"', 'id = "national"')
    path = tmp_path / "national.toml"
    path.write_text(text, "utf-8")
    return path


def test_review_queue_when_source_is_not_binding(engine, settings, un_dir, tmp_path) -> None:
    """LB-second-review, GV-purpose-config: when the pack does not list the UN list as binding,
    imported entries wait for review, with no clock yet."""
    national = settings.model_copy(update={"policy_pack_file": _pack_file(tmp_path, "[]")})
    summary = _import(engine, national, small_un_list(un_dir / OLD, tmp_path / "small.xml"))
    with Session(engine) as session:
        rows = session.execute(select(Entry.status, Entry.review_due, Entry.reviewed_by)).all()
    assert summary.created == len(rows) == 3
    assert {tuple(row) for row in rows} == {("pending_review", None, None)}


def small_un_list(source: Path, target: Path, *, keep: int = 3, drop: str | None = None) -> Path:
    """The first ``keep`` individuals of a real edition (no entities), optionally without the
    record ``drop``: a list small enough to import several times in one test."""
    import xml.etree.ElementTree as ET

    tree = ET.parse(source)
    root = tree.getroot()
    individuals = root.find("INDIVIDUALS")
    entities = root.find("ENTITIES")
    assert individuals is not None and entities is not None
    for extra in list(individuals)[keep:]:
        individuals.remove(extra)
    for entity in list(entities):
        entities.remove(entity)
    for person in list(individuals):
        if person.findtext("REFERENCE_NUMBER") == drop:
            individuals.remove(person)
    tree.write(target, encoding="utf-8", xml_declaration=True)
    return target


@pytest.mark.parametrize(("pack", "interval"), [("default", "12 months"), ("sis-like", "3 years")])
def test_auto_activated_import_gets_the_approval_clock_of_the_pack_RV_review_date(
    engine, settings, un_dir, tmp_path, pack, interval
) -> None:
    """RV-review-date, GV-purpose-config: an entry activated on import from a binding source
    gets the clock a reviewed approval would: review_due from the pack's category/action-code
    interval (default: 12 months; sis-like: refer_secondary_inspection = 3 years, not SUSPECT's
    1 year), expires_at = activation + max_retention, and the pack reference on its policy row
    and in its audit event. Relisted after a removal, it starts a new clock from the pack."""
    from policies import load_builtin_pack
    from service.models.policy import EntryPolicy

    configured = settings.model_copy(update={"policy_pack": pack})
    rules = load_builtin_pack(pack)
    full = small_un_list(un_dir / OLD, tmp_path / "full.xml")
    first = _import(engine, configured, full)
    assert first.created == 3 and first.rejected_count == 0, first.rejected
    with Session(engine) as session:
        entries = list(session.execute(select(Entry)).scalars())
        policy = {p.entry_id: p for p in session.execute(select(EntryPolicy)).scalars()}
        details = [
            e.details
            for e in session.execute(
                select(AuditEvent).where(AuditEvent.action == "entry.import_create")
            ).scalars()
        ]
    for entry in entries:
        assert entry.status == "active"
        assert entry.review_due == _parse_interval(interval).after(entry.activated_at)
        assert entry.expires_at == rules.max_retention.after(entry.activated_at)
        assert (policy[entry.id].pack_id, policy[entry.id].pack_version) == (
            rules.ref.id,
            rules.ref.version,
        )
        assert policy[entry.id].is_minor is False
    assert {d["policy_pack"] for d in details} == {str(rules.ref)}
    assert {d["review_due"] for d in details} == {e.review_due.isoformat() for e in entries}

    # Removed at the source, then listed again: a new listing decision, a new clock.
    dropped = entries[0].source_ref
    removed = _import(engine, configured, small_un_list(un_dir / OLD, tmp_path / "minus.xml",
                                                         drop=dropped))
    assert removed.delisted == 1
    again = _import(engine, configured, full)
    assert again.updated == 1
    with Session(engine) as session:
        back = session.execute(select(Entry).where(Entry.source_ref == dropped)).scalar_one()
        state = session.get(EntryPolicy, back.id)
    assert back.status == "active" and back.activated_at > entries[0].activated_at
    assert back.review_due == _parse_interval(interval).after(back.activated_at)
    assert back.expires_at == rules.max_retention.after(back.activated_at)
    assert (state.pack_id, state.extension_count) == (rules.ref.id, 0)


def _parse_interval(text: str):  # noqa: ANN202
    from policies import parse_duration

    return parse_duration(text)


def test_broken_pack_stops_the_import_and_writes_nothing_RD_no_moot(
    settings, un_dir, tmp_path, monkeypatch, capsys
) -> None:
    """RD-no-moot, GV-purpose-config: a policy pack that does not validate stops the import
    (exit code 2, the file and the key named) instead of falling back to auto-activating the
    UN list without the pack's re-listing guard; nothing is written."""
    from service.cli import main
    from service.config import get_settings

    bad = tmp_path / "broken.toml"
    bad.write_text(_pack_file(tmp_path, '["UN-SC-CONSOLIDATED"]').read_text("utf-8").replace(
        'max_retention = "5 years"', 'max_retention = "99999999 years"'), "utf-8")
    monkeypatch.setenv("WATCHLIST_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("WATCHLIST_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("WATCHLIST_POLICY_PACK_FILE", str(bad))
    get_settings.cache_clear()
    try:
        code = main(["import", "un", str(small_un_list(un_dir / OLD, tmp_path / "small.xml"))])
    finally:
        get_settings.cache_clear()
    assert code == 2
    err = capsys.readouterr().err
    assert "broken.toml" in err and "retention.max_retention" in err and "nothing written" in err
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            assert session.execute(select(func.count()).select_from(Entry)).scalar_one() == 0
            assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == 0
    finally:
        engine.dispose()


def test_removed_un_binding_setting_is_refused_not_ignored(engine, settings, un_dir, tmp_path,
                                                          monkeypatch) -> None:
    """GV-purpose-config: the pack decides which sources are binding; the old
    WATCHLIST_IMPORT_UN_BINDING switch stops the import rather than being silently ignored."""
    from service.config import ConfigurationError

    monkeypatch.setenv("WATCHLIST_IMPORT_UN_BINDING", "false")
    with pytest.raises(ConfigurationError, match="imports.binding_sources"):
        _import(engine, settings, small_un_list(un_dir / OLD, tmp_path / "small.xml"))


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
