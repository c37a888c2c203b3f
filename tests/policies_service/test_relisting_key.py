"""RD-no-moot: the identity digests kept after a delisting through redress are keyed (HMAC),
so they cannot be reversed by hashing the public lists; production refuses to run without a
key of its own."""

from __future__ import annotations

import hashlib
import hmac
import json
import stat

import pytest
from sqlalchemy import text

from service.config import ConfigurationError
from service.policy.entry_rules import identity_digests, name_key
from service.policy.relisting import KEY_FILE, PUBLIC_DEFAULT, load_relisting_key
from tests.policies_service.helpers import listed
from tests.service.factories import entry_body


def _officer(headers):  # noqa: ANN001, ANN202
    return headers("reviewer", agency="fusion-cell", sub="redress-officer")


def _delist_through_redress(client, headers, entry_id: str) -> None:  # noqa: ANN001
    number = client.post(
        "/v1/redress/cases", json={"request_kind": "erasure"}, headers=_officer(headers)
    ).json()["tracking_number"]
    url = f"/v1/redress/cases/{number}"
    linked = client.post(f"{url}/entries", json={"entry_id": entry_id}, headers=_officer(headers))
    assert linked.status_code in (200, 201), linked.text
    for state in ("admissible", "information_gathering"):
        moved = client.post(f"{url}/transitions", json={"to": state}, headers=_officer(headers))
        assert moved.status_code == 200, moved.text
    decided = client.post(
        f"{url}/decision",
        json={"outcome": "delisted", "factual_reasons": "The transfers were made by an impostor."},
        headers=_officer(headers),
    )
    assert decided.status_code == 200, decided.text


def test_stored_identity_digests_are_keyed_not_dictionary_reversible_RD_no_moot(
    app, client, headers, settings
) -> None:
    """RD-no-moot: the digests kept after a delisting through redress are HMACs under the
    deployment's key (a 0600 file in the data directory, created at start-up): recomputing
    SHA-256 over the public default salt, a name and a birth date finds none of them; the key
    does; and the re-listing guard still recognises the person."""
    entry = listed(client, headers)
    _delist_through_redress(client, headers, entry["id"])
    with app.state.container.session_factory() as session:
        stored = session.execute(text("SELECT identity_digests FROM redress_delistings")).scalar()
    stored = set(json.loads(stored) if isinstance(stored, str) else stored)

    body = entry_body()
    key_file = settings.data_dir / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text("utf-8").strip()
    assert stored == set(identity_digests(body["names"], body["birth_dates"], key))
    # A name is digested by its spelling-insensitive key (service.policy.entry_rules.name_key),
    # alone and with each birth year: the HMAC of that text under the key is what is stored.
    one = hmac.new(key.encode(), f"name-year\x1f{name_key('Qasim Yusuf Tahiri')}\x1f1984".encode(),
                   hashlib.sha256)
    assert "y:" + one.hexdigest() in stored
    dictionary = {
        hashlib.sha256(f"{PUBLIC_DEFAULT}\x1f{name}\x1f1984-07-14".encode()).hexdigest()
        for name in ("qasim yusuf tahiri", "قاسم يوسف طاهري", "abu harith al-tahiri")
    }
    assert not dictionary & stored

    again = client.post(
        "/v1/entries", json=body, headers=headers("operator", agency="police", sub="alice")
    )
    assert again.status_code == 409 and again.json()["detail"][0]["rule"] == "relisting_same_facts"


def test_key_file_is_made_once_and_reused(settings) -> None:
    """RD-no-moot: the first start creates the key; later starts (and the CLI) read the same."""
    first = load_relisting_key(settings)
    assert len(first) == 64
    assert load_relisting_key(settings) == first
    assert [p.name for p in settings.data_dir.iterdir()] == [KEY_FILE]  # no temporary left


def test_production_refuses_a_missing_key_RD_no_moot(settings) -> None:
    """RD-no-moot: production does not invent a key (replicas would disagree): it refuses."""
    production = settings.model_copy(update={"environment": "production"})
    with pytest.raises(ConfigurationError, match="WATCHLIST_POLICY_RELISTING_KEY"):
        load_relisting_key(production)
    assert not (settings.data_dir / KEY_FILE).exists()


@pytest.mark.parametrize("value", [PUBLIC_DEFAULT, "too-short-a-secret"])
def test_public_default_or_short_key_stops_start_up_RD_no_moot(settings, monkeypatch, value):
    """RD-no-moot: the old public salt, or a short key, stops start-up in any environment."""
    from service.app import create_app

    monkeypatch.setenv("WATCHLIST_POLICY_RELISTING_KEY", value)
    with pytest.raises(ConfigurationError, match="relisting key"):
        create_app(settings)


def test_configured_key_is_used_and_no_file_is_written(settings, monkeypatch) -> None:
    """RD-no-moot: a key set in the environment (shared by every replica) is used as is."""
    secret = "a-secret-shared-by-every-replica-0123456789"
    monkeypatch.setenv("WATCHLIST_POLICY_RELISTING_KEY", secret)
    production = settings.model_copy(update={"environment": "production"})
    assert load_relisting_key(production) == secret
    assert not (settings.data_dir / KEY_FILE).exists()
