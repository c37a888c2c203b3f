"""``watchlist import ftm|csv`` and ``watchlist export ftm`` through ``service.cli.main`` in
process, on both databases: the printed summary, the exit codes, one-by-one rejection, and the
export recorded as a disclosure (SH-per-recipient-basis)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.db.engine import make_engine
from service.imports.csv_import import COLUMNS
from service.models.audit import AuditEvent, AuditText
from service.models.entry import Entry
from tests.imports.test_ftm_csv import (
    GOOD_ROW,
    NO_REASON,
    NO_REASON_SANCTION,
    NO_SANCTION,
    ORG,
    PERSON,
    SANCTIONS,
    _csv,
    _write_jsonl,
)
from tests.policies_service.helpers import cli


@pytest.fixture
def engine(settings):  # noqa: ANN001, ANN201
    engine = make_engine(settings.database_url)
    yield engine
    engine.dispose()


def _count(engine, model, *where) -> int:  # noqa: ANN001
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_import_ftm_prints_the_summary_and_rejects_one_by_one_LB_legal_basis(
    engine, settings, tmp_path
) -> None:
    """LB-legal-basis, LB-standard: ``watchlist import ftm FILE`` imports what passes, rejects
    each bad record with its reason without aborting, prints the JSON summary and exits 1
    (some records rejected); a clean file exits 0."""
    bad = _write_jsonl(
        tmp_path / "bad.jsonl",
        [PERSON, ORG, *SANCTIONS, NO_SANCTION, NO_REASON, NO_REASON_SANCTION],
    )
    code, out = cli(settings, "import", "ftm", str(bad))
    summary = json.loads(out)
    assert code == 1
    assert (summary["created"], summary["rejected"]) == (2, 3)
    reasons = {r["ref"]: r["reason"] for r in summary["rejections"]}
    assert "LB-legal-basis" in reasons["os-3"] and "JSON" in reasons["line 8"]
    assert "Nobody Listed" not in out  # rejections name the rule, not the person
    assert _count(engine, Entry) == 2

    clean = tmp_path / "clean.jsonl"
    clean.write_text("".join(json.dumps(e) + "\n" for e in [PERSON, *SANCTIONS[:1]]))
    code, out = cli(settings, "import", "ftm", "--source", "partner", str(clean))
    assert code == 0 and json.loads(out)["created"] == 1
    assert _count(engine, Entry, Entry.source == "partner") == 1


def test_import_csv_prints_the_summary_and_refuses_a_bad_header_LB_legal_basis(
    engine, settings, tmp_path, capsys
) -> None:
    """LB-legal-basis, DQ-subject-category: ``watchlist import csv FILE`` rejects bad rows one
    by one (exit 1, summary with reasons); a header that does not follow the documented mapping
    refuses the whole file (exit 2, the column named) and writes nothing."""
    bad_row = {**GOOD_ROW, "ref": "c-2", "data_subject_category": "TERRORIST"}
    path = _csv(tmp_path / "in.csv", [GOOD_ROW, bad_row])
    code, out = cli(settings, "import", "csv", str(path))
    summary = json.loads(out)
    assert code == 1 and (summary["created"], summary["rejected"]) == (1, 1)
    assert "data_subject_category" in summary["rejections"][0]["reason"]

    misspelt = _csv(
        tmp_path / "typo.csv", [{**GOOD_ROW, "ref": "c-9"}], header=[*COLUMNS, "nationalty"]
    )
    before = _count(engine, AuditEvent)
    code, out = cli(settings, "import", "csv", str(misspelt))
    assert code == 2 and out == ""
    err = capsys.readouterr().err
    assert "nationalty" in err and "nothing written" in err
    assert _count(engine, Entry) == 1 and _count(engine, AuditEvent) == before


def test_export_ftm_needs_recipient_basis_and_justification_SH_per_recipient_basis(
    engine, settings, tmp_path, capsys
) -> None:
    """SH-per-recipient-basis, LG-consult-fields: ``watchlist export ftm`` requires a
    recipient, a legal basis and a justification; each exported entry is a ``disclosure``
    audit event recording all three; the file appears only once the record is committed."""
    cli(settings, "import", "ftm", str(_write_jsonl(tmp_path / "in.jsonl", [PERSON, *SANCTIONS])))
    target = tmp_path / "out" / "export.jsonl"
    target.parent.mkdir()
    with pytest.raises(SystemExit) as refused:  # argparse: a required flag is missing
        cli(
            settings,
            "export",
            "ftm",
            "--status",
            "pending_review",
            "--purpose",
            "case 7",
            "--legal-basis",
            "MoU art. 4",
            "--output",
            str(target),
        )
    assert refused.value.code == 2
    code, _ = cli(
        settings,
        "export",
        "ftm",
        "--status",
        "pending_review",
        "--purpose",
        "case 7",
        "--legal-basis",
        "MoU art. 4",
        "--recipient",
        "   ",
        "--output",
        str(target),
    )
    assert code == 2 and "recipient" in capsys.readouterr().err
    assert not target.exists() and list(target.parent.iterdir()) == []
    assert _count(engine, AuditEvent, AuditEvent.operation == "disclosure") == 0

    code, _ = cli(
        settings,
        "export",
        "ftm",
        "--status",
        "pending_review",
        "--purpose",
        "case 2026-17: partner asked for the network's members",
        "--legal-basis",
        "Counter-Terrorism Act 2019 s. 40",
        "--recipient",
        "partner-fiu",
        "--output",
        str(target),
    )
    assert code == 0
    assert "exported 1 entries to partner-fiu" in capsys.readouterr().err
    lines = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert {e["schema"] for e in lines} == {"Person", "Sanction"}
    assert [p.name for p in target.parent.iterdir()] == ["export.jsonl"]  # no staging left
    with Session(engine) as session:
        [event] = session.execute(
            select(AuditEvent).where(AuditEvent.operation == "disclosure")
        ).scalars()
        # RV-erasure-log: the free-text purpose is kept apart, erasable with the entry.
        text_ = session.get(AuditText, event.seq)
    assert event.purpose is None and event.purpose_digest
    assert text_.purpose == "case 2026-17: partner asked for the network's members"
    assert text_.target_id == event.target_id
    assert (event.details["recipient"], event.details["legal_basis"]) == (
        "partner-fiu",
        "Counter-Terrorism Act 2019 s. 40",
    )
    code, out = cli(settings, "audit", "verify")
    assert code == 0 and json.loads(out)["ok"] is True


def test_imports_and_exports_are_refused_under_a_pack_without_their_purpose_GV_purpose_config(
    engine, settings, tmp_path, capsys
) -> None:
    """GV-purpose-config: under a pack that does not configure counter_terrorism_screening,
    ``watchlist import csv`` and ``watchlist export ftm`` exit 2 naming the purpose and the
    pack, and write nothing (no entry, no audit event); under the default pack the import's
    audit events record the purpose and pack they were processed under."""
    from importlib import resources

    pack = (resources.files("policies") / "packs" / "default.toml").read_text("utf-8")
    narrowed = pack.replace('allowed = ["counter_terrorism_screening", ', 'allowed = [')
    assert narrowed != pack
    pack_file = tmp_path / "no-list.toml"
    pack_file.write_text(narrowed, "utf-8")
    refusing = settings.model_copy(update={"policy_pack_file": pack_file})
    path = _csv(tmp_path / "in.csv", [GOOD_ROW])
    before = _count(engine, AuditEvent)

    code, out = cli(refusing, "import", "csv", str(path))
    err = capsys.readouterr().err
    assert (code, out) == (2, "")
    assert "'counter_terrorism_screening'" in err and "default@2026.1" in err
    assert "nothing written" in err
    code, _ = cli(refusing, "export", "ftm", "--purpose", "case 7", "--legal-basis", "MoU art. 4",
                  "--recipient", "partner agency")
    err = capsys.readouterr().err
    assert code == 2 and "'counter_terrorism_screening'" in err and "nothing written" in err
    assert _count(engine, Entry) == 0 and _count(engine, AuditEvent) == before

    code, _ = cli(settings, "import", "csv", str(path))
    assert code == 0
    with Session(engine) as session:
        details = session.execute(
            select(AuditEvent.details).where(AuditEvent.seq > before)
        ).scalars().all()
    assert details and all(
        d["purpose_code"] == "counter_terrorism_screening" and d["policy_pack"] == "default@2026.1"
        for d in details
    )
