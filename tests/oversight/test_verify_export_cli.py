"""`watchlist audit verify-export` as an oversight body runs it, and the export's streaming
(OV-console, LG-input-control): the real CLI entry point in-process, clear errors and exit
codes for inputs it cannot use, and an export that never holds the whole trail in memory."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from service.cli import main
from service.oversight import signing


def _cli(capsys, *argv: str) -> tuple[int, dict]:  # noqa: ANN001
    capsys.readouterr()
    code = main(["audit", "verify-export", *argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, json.loads(captured.out)


@pytest.fixture
def exported(client, headers, tmp_path) -> tuple[Path, Path]:  # noqa: ANN001
    """(export file, public key file) from the running service."""
    oversight = headers("oversight", agency="dpa")
    assert client.post("/v1/entries", json=_entry(), headers=headers("operator")).status_code == 201
    key = tmp_path / "audit-key.pem"
    key.write_text(client.get("/v1/audit/public-key", headers=oversight).json()["public_key_pem"])
    export = tmp_path / "export.jsonl"
    response = client.get("/v1/audit/export", headers=oversight)
    assert response.status_code == 200, response.text
    export.write_bytes(response.content)
    return export, key


def _entry() -> dict:
    from tests.service.factories import entry_body

    return entry_body()


def test_verify_export_cli_accepts_a_good_export_and_refuses_a_changed_one(
    exported, capsys, tmp_path
) -> None:
    """OV-console: exit 0 for a verified export, 1 with the first inconsistency otherwise."""
    export, key = exported
    code, report = _cli(capsys, str(export), "--public-key", str(key))
    assert code == 0 and report["ok"] is True, report
    changed = tmp_path / "changed.jsonl"
    changed.write_bytes(export.read_bytes().replace(b'"operation":"collection"',
                                                    b'"operation":"combination"', 1))
    code, report = _cli(capsys, str(changed), "--public-key", str(key))
    assert code == 1 and report["ok"] is False and report["error_seq"] is not None
    base64_key = base64.b64encode(signing.raw_public(signing.load_public_key(key.read_text())))
    code, report = _cli(capsys, str(export), "--public-key", base64_key.decode())
    assert code == 0, report


@pytest.mark.parametrize(
    ("which", "expected"),
    [
        ("missing-export", "does not exist"),
        ("directory-export", "is not a file"),
        ("missing-checkpoints", "does not exist"),
        ("not-a-key", "neither a PEM file nor the base64"),
        ("short-base64-key", "neither a PEM file nor the base64"),
        ("garbage-pem", "not a readable PEM public key"),
        ("rsa-key", "not an Ed25519 key"),
        ("key-directory", "is not a file"),
    ],
)
def test_verify_export_cli_names_inputs_it_cannot_use(
    exported, capsys, tmp_path, which, expected
) -> None:
    """Bad input: a missing or unreadable file or a bad key is a clear message and exit code 2,
    never a traceback."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    export, key = exported
    args = [str(export), "--public-key", str(key)]
    if which == "missing-export":
        args[0] = str(tmp_path / "no-such-export.jsonl")
    elif which == "directory-export":
        args[0] = str(tmp_path)
    elif which == "missing-checkpoints":
        args += ["--checkpoints", str(tmp_path / "no-such-checkpoints.jsonl")]
    elif which == "not-a-key":
        args[2] = str(tmp_path / "no-such-key.pem")
    elif which == "short-base64-key":
        args[2] = base64.b64encode(b"k" * 31).decode()
    elif which == "garbage-pem":
        key.write_text("-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n")
    elif which == "rsa-key":
        rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
        key.write_bytes(rsa_key.public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo))
    elif which == "key-directory":
        args[2] = str(tmp_path)
    code, report = _cli(capsys, *args)
    assert code == 2
    assert report["ok"] is False and expected in report["error"], report


def test_export_streams_in_bounded_memory(app, monkeypatch) -> None:
    """OV-console: the export reads the trail in batches and yields lines as it goes: while it
    streams, the reading session never holds more than one batch of events, however many the
    trail has."""
    from service.audit.recorder import record_event
    from service.auth.principal import SystemActor
    from service.oversight import export as export_module
    from service.oversight.keys import service_signing_key
    from service.oversight.verify import verify_export

    batch, total = 25, 300
    monkeypatch.setattr(export_module, "BATCH", batch)
    container = app.state.container
    with container.session_factory() as session, session.begin():
        for i in range(total):
            record_event(session, SystemActor(sub="bulk"), operation="consultation",
                         action="test.bulk", details={"i": i})
    key = service_signing_key(container)
    with container.session_factory() as session, session.begin():
        plan = export_module.prepare_export(session, SystemActor(sub="inspector"), key,
                                            export_module.ExportFilters(), purpose="test")

    readers = []

    def factory():  # noqa: ANN202
        reader = container.session_factory()
        readers.append(reader)
        return reader

    lines, held = [], []
    for line in export_module.stream_export(factory, key, plan):
        lines.append(line)
        if '"type":"event"' in line:
            held.append(len(readers[0].identity_map))
    assert len(held) == total + 1  # every event, and the export's own
    assert max(held) <= batch + 1  # one batch of events (+ the checkpoint row), never the trail
    report = verify_export([line.encode() for line in lines], key.public_key())
    assert report.ok, report.as_dict()
