"""The HMAC key behind traveller identity digests: one complete key for every worker, never a
short one, and a configured one in production."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from service.config import ConfigurationError, Settings
from service.screening.identity import KEY_FILE, MIN_KEY_BYTES, load_identity_key


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(environment="test", data_dir=tmp_path / "var", **values)


def _load_at_the_barrier(settings: Settings, start: Any, results: Any) -> None:
    start.wait()
    try:
        results.put(load_identity_key(settings).hex())
    except BaseException as error:  # noqa: BLE001 - reported by the parent
        results.put(f"error: {type(error).__name__}")


def test_workers_starting_at_once_all_load_the_same_complete_key(tmp_path: Path) -> None:
    """Worker processes create the key file at the same moment (as uvicorn workers do): each
    writes under a name of its own and publishes atomically, so all of them read one key of
    full length. Repeated, because a race shows only in some rounds."""
    context = multiprocessing.get_context("fork")
    workers = 8
    for round_number in range(10):
        settings = _settings(tmp_path / str(round_number))
        start, results = context.Barrier(workers), context.Queue()
        processes = [context.Process(target=_load_at_the_barrier,
                                     args=(settings, start, results)) for _ in range(workers)]
        for process in processes:
            process.start()
        keys = [results.get(timeout=60) for _ in processes]
        for process in processes:
            process.join()
        assert len(set(keys)) == 1, keys
        assert len(bytes.fromhex(keys[0])) == MIN_KEY_BYTES
        assert sorted(p.name for p in settings.data_dir.iterdir()) == [KEY_FILE]  # no temp files
        assert (settings.data_dir / KEY_FILE).stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("content", ["", "\n", "ab" * 16, "not hex at all"])
def test_an_empty_short_or_garbled_key_file_is_refused(tmp_path: Path, content: str) -> None:
    settings = _settings(tmp_path)
    settings.data_dir.mkdir(parents=True)
    (settings.data_dir / KEY_FILE).write_text(content)
    with pytest.raises(ConfigurationError, match="screening identity key"):
        load_identity_key(settings)


def test_a_short_configured_key_is_refused_and_a_long_one_used(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="at least 32"):
        load_identity_key(_settings(tmp_path, screening_identity_key="ab" * 31))
    key = load_identity_key(_settings(tmp_path, screening_identity_key=" " + "cd" * 32 + "\n"))
    assert key == bytes.fromhex("cd" * 32)
    assert not (tmp_path / "var").exists()  # the configured key is used; no file is created


def test_production_requires_the_configured_key(tmp_path: Path) -> None:
    settings = Settings(environment="production",
                        database_url="postgresql://watchlist@db.internal:5432/watchlist",
                        jwks_url="https://idp.example.org/jwks.json",
                        jwt_issuer="https://idp.example.org", data_dir=tmp_path)
    assert any("WATCHLIST_SCREENING_IDENTITY_KEY" in p for p in settings.production_problems())
    configured = settings.model_copy(update={"screening_identity_key": "ab" * 32})
    assert configured.production_problems() == []
