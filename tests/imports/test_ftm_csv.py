"""FollowTheMoney import/export and CSV import, on both databases."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.db.engine import make_engine
from service.imports.csv_import import COLUMNS, import_csv
from service.imports.ftm import export_ftm, import_ftm
from service.models.audit import AuditEvent, AuditText
from service.models.entry import Entry


@pytest.fixture
def engine(settings):  # noqa: ANN001, ANN201
    engine = make_engine(settings.database_url)
    yield engine
    engine.dispose()


PERSON = {
    "id": "os-1",
    "schema": "Person",
    "properties": {
        "name": ["Qasim Yusuf Tahiri"],
        "alias": ["Abu Harith"],
        "weakAlias": ["Harith"],
        "birthDate": ["1984-07-14"],
        "nationality": ["jo"],
        "gender": ["male"],
        "passportNumber": ["ZX4410982"],
        "birthPlace": ["Fictional City"],
    },
}
ORG = {"id": "os-2", "schema": "Organization", "properties": {"name": ["Fictional Relief Front"]}}
SANCTIONS = [
    {
        "id": "s-1",
        "schema": "Sanction",
        "properties": {
            "entity": ["os-1"],
            "authority": ["UN Security Council"],
            "program": ["UNSC 1267"],
            "reason": ["Transferred funds to a listed organisation on three occasions."],
            "listingDate": ["2020-01-02"],
        },
    },
    {
        "id": "s-2",
        "schema": "Sanction",
        "properties": {
            "entity": ["os-2"],
            "authority": ["UN Security Council"],
            "program": ["UNSC 1267"],
            "reason": ["Raised funds for attacks under cover of charity."],
        },
    },
]
NO_SANCTION = {"id": "os-3", "schema": "Person", "properties": {"name": ["Nobody Listed"]}}
NO_REASON = {"id": "os-4", "schema": "Person", "properties": {"name": ["No Reason Given"]}}
NO_REASON_SANCTION = {
    "id": "s-4",
    "schema": "Sanction",
    "properties": {"entity": ["os-4"], "program": ["X"]},
}


def _write_jsonl(path: Path, entities: list[dict]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in entities) + "{not json\n")
    return path


def test_ftm_import_maps_and_rejects_one_by_one(engine, settings, tmp_path) -> None:
    """LB-legal-basis, LB-standard: FtM subjects without a Sanction, or without a reason, are
    rejected with the rule; the others are imported and wait for review (LB-second-review)."""
    path = _write_jsonl(
        tmp_path / "in.jsonl", [PERSON, ORG, *SANCTIONS, NO_SANCTION, NO_REASON, NO_REASON_SANCTION]
    )
    with Session(engine) as session, session.begin():
        summary = import_ftm(session, path, settings)
    assert (summary.created, summary.rejected_count) == (2, 3), summary.rejected
    reasons = {r["ref"]: r["reason"] for r in summary.rejected}
    assert "LB-legal-basis" in reasons["os-3"]
    assert "conduct" in reasons["os-4"]
    assert "JSON" in reasons["line 8"]
    with Session(engine) as session:
        person = session.execute(select(Entry).where(Entry.source_ref == "os-1")).scalar_one()
    assert person.status == "pending_review"
    assert person.nationalities == ["JO"] and person.documents[0]["number"] == "ZX4410982"
    assert {n["name_type"] for n in person.names} == {"primary", "alias", "weak_alias"}
    assert person.legal_basis_instrument == "UNSC 1267"
    with Session(engine) as session, session.begin():  # idempotent, also with worker processes
        again = import_ftm(session, path, settings, workers=2)
    assert again.created == 0 and again.unchanged == 2 and again.rejected_count == 3
    assert {r["ref"] for r in again.rejected} == set(reasons)


def test_ftm_export_round_trips_and_is_audited(engine, settings, tmp_path) -> None:
    """SH-per-recipient-basis, LG-ops, LG-consult-fields: an export is a disclosure recorded
    per entry with its recipient, legal basis and justification, and refused without them;
    exported FtM re-imports to the same identity data."""
    from service.imports.ftm import ExportRefused

    path = _write_jsonl(tmp_path / "in.jsonl", [PERSON, ORG, *SANCTIONS])
    with Session(engine) as session, session.begin():
        import_ftm(session, path, settings)
    for missing in ("recipient", "legal_basis", "purpose"):
        given = {"recipient": "partner-fiu", "legal_basis": "MoU art. 4", "purpose": "case 7"}
        given[missing] = "  "
        with pytest.raises(ExportRefused, match=missing), Session(engine) as session:
            export_ftm(session, io.StringIO(), statuses=["pending_review"], **given)
    out = io.StringIO()
    with Session(engine) as session, session.begin():
        count = export_ftm(
            session,
            out,
            statuses=["pending_review"],
            purpose="exchange test",
            recipient="partner-fiu",
            legal_basis="Counter-Terrorism Act 2019 s. 40 (exchange with FIUs)",
        )
    assert count == 2
    entities = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {e["schema"] for e in entities} == {"Person", "Organization", "Sanction"}
    with Session(engine) as session:
        events = (
            session.execute(select(AuditEvent).where(AuditEvent.action == "entry.export_ftm"))
            .scalars()
            .all()
        )
        # RV-erasure-log: the purposes are kept apart, keyed by the entry, erasable with it.
        texts = {t.seq: t for t in session.execute(
            select(AuditText).where(AuditText.seq.in_([e.seq for e in events]))).scalars()}
    assert len(events) == 2 and all(e.operation == "disclosure" for e in events)
    assert all(e.purpose is None and e.purpose_digest for e in events)
    assert all(texts[e.seq].purpose == "exchange test" for e in events)
    assert all(texts[e.seq].target_id == e.target_id for e in events)
    assert {(e.details["recipient"], e.details["legal_basis"]) for e in events} == {
        ("partner-fiu", "Counter-Terrorism Act 2019 s. 40 (exchange with FIUs)")
    }

    back = tmp_path / "back.jsonl"
    back.write_text(out.getvalue())
    with Session(engine) as session, session.begin():
        summary = import_ftm(session, back, settings, source="partner")
    assert summary.created == 2, summary.rejected
    with Session(engine) as session:
        original = session.execute(select(Entry).where(Entry.source_ref == "os-1")).scalar_one()
        copy = session.execute(
            select(Entry).where(Entry.source == "partner", Entry.kind == "person")
        ).scalar_one()
    for field in ("birth_dates", "nationalities", "documents", "gender", "birth_places"):
        assert getattr(copy, field) == getattr(original, field), field
    assert sorted(n["full_name"] for n in copy.names) == sorted(
        n["full_name"] for n in original.names
    )


def _csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header or list(COLUMNS))
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


GOOD_ROW = {
    "ref": "c-1",
    "name": "Qasim Yusuf Tahiri",
    "aliases": "Abu Harith;Q. Tahiri",
    "original_script_names": "قاسم يوسف طاهري",
    "birth_dates": "1984-07-14;1983..1985",
    "nationalities": "JO;Iraq",
    "passport_numbers": "ZX4410982:JO",
    "gender": "male",
    "legal_basis_instrument": "Counter-Terrorism Act 2019",
    "legal_basis_article": "s. 12(1)(b)",
    "decision_ref": "FC-2026-0042",
    "listing_standard": "reasonable suspicion (Counter-Terrorism Act 2019 s. 12)",
    "articulable_facts": "Transferred funds to a listed organisation on three occasions.",
    "data_subject_category": "SUSPECT",
    "derogatory_fact": "Bank records show three transfers to a listed organisation.",
    "derogatory_source_ref": "FIU report 2025/118",
    "source_reliability": "B",
    "information_credibility": "2",
}


def test_csv_import_follows_the_documented_mapping(engine, settings, tmp_path) -> None:
    """LB-legal-basis, DQ-subject-category: CSV rows pass the nomination rules row by row."""
    bad_category = {**GOOD_ROW, "ref": "c-2", "data_subject_category": "TERRORIST"}
    no_basis = {**GOOD_ROW, "ref": "c-3", "legal_basis_instrument": ""}
    bad_date = {**GOOD_ROW, "ref": "c-4", "birth_dates": "14/07/1984"}
    associate = {**GOOD_ROW, "ref": "c-5", "data_subject_category": "OTHER_PARTY"}
    minor = {**GOOD_ROW, "ref": "c-6", "birth_dates": "2016-03-01"}
    associate_ok = {**GOOD_ROW, "ref": "c-7", "data_subject_category": "OTHER_PARTY",
                    "action_on_hit": "discreet_check"}
    path = _csv(tmp_path / "in.csv",
                [GOOD_ROW, bad_category, no_basis, bad_date, associate, minor, associate_ok])
    with Session(engine) as session, session.begin():
        summary = import_csv(session, path, settings)
    assert summary.created == 2 and summary.rejected_count == 5, summary.rejected
    reasons = {r["ref"]: r["reason"] for r in summary.rejected}
    assert "data_subject_category" in reasons["c-2"]
    assert "legal_basis_instrument" in reasons["c-3"]
    assert "birth_dates" in reasons["c-4"]
    assert "LB-association" in reasons["c-5"]  # the same rules as an API nomination
    assert "CH-minor" in reasons["c-6"]
    with Session(engine) as session:
        entry = session.execute(select(Entry).where(Entry.source_ref == "c-1")).scalar_one()
        assert session.execute(select(func.count()).select_from(Entry)).scalar_one() == 2
    assert entry.nationalities == ["JO", "IQ"]
    assert entry.birth_dates[1] == {"date": "1983", "date_to": "1985", "precision": "year"}
    assert entry.documents[0]["issuing_country"] == "JO"
    assert any(n["script"] == "Arabic" for n in entry.names)


def test_csv_with_unknown_column_is_refused(engine, settings, tmp_path) -> None:
    """A misspelt column must not silently drop data: the file is refused with the column."""
    path = _csv(tmp_path / "in.csv", [{**GOOD_ROW}], header=[*COLUMNS, "nationalty"])
    with pytest.raises(ValueError, match="nationalty"), Session(engine) as session, session.begin():
        import_csv(session, path, settings)


def test_binding_source_never_auto_activates_a_minor_CH_minor(engine, settings) -> None:
    """CH-minor, RV-review-date: a record from a binding source is activated with the pack's
    clock, except a minor's entry, which needs a senior reviewer's approval and so waits in
    the review queue with the reason."""
    from datetime import UTC, datetime, timedelta

    from service.auth.principal import SystemActor
    from service.entries.schemas import EntryCreate
    from service.imports.service import entry_rules
    from service.imports.writer import MINOR_WAITS, ImportOptions, run_import
    from tests.service.factories import entry_body

    today = datetime.now(UTC).date()
    minor_birth = today.replace(year=today.year - 15) - timedelta(days=3)
    adult = EntryCreate.model_validate(entry_body(source="feed", source_ref="a-1"))
    minor = EntryCreate.model_validate(
        entry_body(
            source="feed",
            source_ref="m-1",
            birth_dates=[{"date": minor_birth.isoformat()}],
            best_interests_justification="Listing lets child-protection services intervene.",
        )
    )
    options = ImportOptions(
        source="feed",
        edition="1",
        actor=SystemActor(sub="importer:feed"),
        activate=True,
        rules=entry_rules(settings),
    )
    with Session(engine) as session, session.begin():
        summary = run_import(session, options, [("a-1", adult), ("m-1", minor)])
    assert summary.created == 2, summary.rejected
    with Session(engine) as session:
        rows = {
            e.source_ref: e
            for e in session.execute(select(Entry).where(Entry.source == "feed")).scalars()
        }
    assert rows["a-1"].status == "active" and rows["a-1"].review_due is not None
    assert rows["m-1"].status == "pending_review" and rows["m-1"].review_due is None
    assert rows["m-1"].status_reason == MINOR_WAITS
