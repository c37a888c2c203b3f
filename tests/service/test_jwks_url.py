"""Keys from WATCHLIST_JWKS_URL, served by a real HTTP server on 127.0.0.1 in a thread.

An identity provider that cannot be reached is a 503 naming the cause, never a 500; the last good
key set is kept for a bounded time; a token signed with a key the set does not hold yet (the
provider rotated its keys) makes the service fetch the set again, at a bounded rate.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from authlib.jose import JsonWebKey
from fastapi.testclient import TestClient

from service.app import create_app
from service.auth.keys import JwksProvider, public_jwk
from service.errors import ServiceUnavailable

ENTRIES = "/v1/entries"


class JwksServer:
    """Serves ``keys`` as a JWKS and counts the fetches."""

    def __init__(self) -> None:
        self.keys: list[dict] = []
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server.fetches += 1
                body = json.dumps({"keys": server.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/jwks.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def jwks_server() -> Iterator[JwksServer]:
    server = JwksServer()
    yield server
    server.stop()


def _unreachable_url() -> str:
    with socket.socket() as probe:  # a port nobody listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/jwks.json"


def _key(kid: str) -> dict:
    data = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": kid}).as_dict(
        is_private=True)
    data["alg"] = "RS256"
    return data


def _client(settings, url: str, **overrides: float) -> TestClient:  # noqa: ANN001
    return TestClient(create_app(settings.model_copy(update={"jwks_file": None, "jwks_url": url,
                                                             **overrides})),
                      raise_server_exceptions=False)


def _get(client: TestClient, make_token, key: dict):  # noqa: ANN001, ANN202
    token = make_token("operator", key=key)
    return client.get(ENTRIES, headers={"Authorization": f"Bearer {token}",
                                        "X-Purpose": "jwks url test"})


def test_unreachable_jwks_url_is_a_503(settings, make_token) -> None:
    """No key set can be fetched: the token cannot be checked; a 503 that says why."""
    with _client(settings, _unreachable_url()) as client:
        response = _get(client, make_token, _key("any"))
    assert response.status_code == 503, response.text
    assert response.json()["error"] == "unavailable"
    assert "WATCHLIST_JWKS_URL" in response.json()["message"]
    assert int(response.headers["Retry-After"]) >= 1


def test_key_rotation_is_followed_at_a_bounded_rate(settings, make_token, jwks_server) -> None:
    """A token naming a key id the cached set lacks makes the service fetch the set again, once
    per interval; a key the provider never published stays a 401."""
    old, new = _key("old-key"), _key("new-key")
    jwks_server.keys = [public_jwk(old)]
    with _client(settings, jwks_server.url, jwks_refetch_interval_seconds=3600) as client:
        assert _get(client, make_token, old).status_code == 200
        assert _get(client, make_token, old).status_code == 200
        assert jwks_server.fetches == 1
        jwks_server.keys = [public_jwk(old), public_jwk(new)]
        assert _get(client, make_token, new).status_code == 200
        assert jwks_server.fetches == 2
        # Unknown key ids cannot make the service hammer the provider.
        assert _get(client, make_token, _key("forged-key")).status_code == 401
        assert jwks_server.fetches == 2
        assert _get(client, make_token, old).status_code == 200


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_last_good_key_set_is_kept_for_a_bounded_time(settings, jwks_server) -> None:
    """While the URL fails, the last good set is used until it is jwks_max_stale_seconds old,
    with a retry per interval; then 503. A working URL again serves the new set."""
    key = _key("k1")
    jwks_server.keys = [public_jwk(key)]
    clock = Clock()
    provider = JwksProvider(settings.model_copy(update={
        "jwks_file": None, "jwks_url": jwks_server.url, "jwks_cache_seconds": 300,
        "jwks_refetch_interval_seconds": 30, "jwks_max_stale_seconds": 3600}), clock=clock)
    assert provider.key_set("k1").find_by_kid("k1")
    jwks_server.keys = []  # a provider answering with an empty set is as good as down
    clock.now += 301
    assert provider.key_set("k1").find_by_kid("k1")
    assert jwks_server.fetches == 2
    clock.now += 10  # within the retry interval: no new attempt
    assert provider.key_set("k1").find_by_kid("k1")
    assert jwks_server.fetches == 2
    clock.now += 3600
    with pytest.raises(ServiceUnavailable):
        provider.key_set("k1")
    jwks_server.keys = [public_jwk(_key("k2"))]
    clock.now += 31
    assert provider.key_set("k2").find_by_kid("k2")
