"""No name, birth date or document number of a listed person in logs or error responses.

A full workflow runs through HTTP with real tokens (nominate, approve, read, update, list,
history, refused and malformed requests) while everything the service writes to stdout, stderr
and the logging module is captured; then the captured text and every error body are searched
for the test subject's identifying data, in plain and in JSON-escaped form.
"""

from __future__ import annotations

import json
import logging

from fastapi.testclient import TestClient

from service.app import create_app
from tests.service.factories import entry_body

NAMES = ["Zbigniew Qarnawi-Oyelaran", "زبيغنيو قرناوي", "Abu Zbig al-Qarnawi"]
BIRTH_DATE = "1979-11-23"
DOCUMENT = "QX7719304"
SECRETS = [*NAMES, "Qarnawi", BIRTH_DATE, DOCUMENT, "Fictionalburg"]


def _variants(value: str) -> set[str]:
    """The value as written, and as a JSON encoder that escapes non-ASCII would write it."""
    return {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}


def _body() -> dict:
    return entry_body(
        names=[{"full_name": NAMES[0]}, {"full_name": NAMES[1], "name_type": "original_script"},
               {"full_name": NAMES[2], "name_type": "weak_alias", "quality": "low"}],
        birth_dates=[{"date": BIRTH_DATE}],
        birth_places=["Fictionalburg"],
        documents=[{"type": "passport", "number": DOCUMENT, "issuing_country": "JO"}],
    )


def test_workflow_leaves_no_personal_data_in_logs_or_errors(settings, headers, capsys,
                                                             caplog) -> None:
    """LG-consult-fields and the privacy rule: logs and errors carry metadata only."""
    caplog.set_level(logging.DEBUG)
    error_bodies: list[str] = []
    # The app is built inside the test so that its structlog output goes to the captured stderr.
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:

        def call(method: str, url: str, **kwargs):  # noqa: ANN202
            response = client.request(method, url, **kwargs)
            if response.status_code >= 400:
                error_bodies.append(response.text)
            return response

        created = call("POST", "/v1/entries", json=_body(),
                       headers=headers("operator", sub="alice"))
        assert created.status_code == 201, created.text
        url = f"/v1/entries/{created.json()['id']}"
        nominated = {"If-Match": created.headers["ETag"]}
        assert call("POST", url + "/approve", json={"reason": "self approval"},
                    headers=headers(["operator", "reviewer"], sub="alice", **nominated)
                    ).status_code == 403
        assert call("POST", url + "/approve", json={"reason": "criteria met"},
                    headers=headers("reviewer", sub="rita", **nominated)).status_code == 200
        read = call("GET", url, headers=headers("operator", sub="carol"))
        assert read.status_code == 200
        assert call("GET", url, headers=headers("operator", purpose=None)).status_code == 422
        assert call("GET", url, headers=headers("operator", agency="army")).status_code == 404
        etag = read.headers["ETag"]
        update = {"reason": "alias added",
                  "names": [*_body()["names"], {"full_name": "Z. Qarnawi"}]}
        assert call("PATCH", url, json=update,
                    headers=headers("operator", **{"If-Match": etag})).status_code == 200
        assert call("PATCH", url, json=update,
                    headers=headers("operator", **{"If-Match": etag})).status_code == 412
        assert call("PATCH", url, json=update, headers=headers("operator")).status_code == 428
        assert call("GET", "/v1/entries", headers=headers("operator")).status_code == 200
        assert call("GET", url + "/history", headers=headers("operator")).status_code == 200
        assert call("GET", "/v1/audit/events",
                    headers=headers("oversight", agency="dpa")).status_code == 200

        # Malformed input that contains the personal data: refused without echoing it.
        bad_inputs = [
            _body() | {"birth_dates": [{"date": BIRTH_DATE + "T00:00"}]},
            _body() | {"documents": [{"type": "passport", "number": DOCUMENT + "!?"}]},
            _body() | {"names": [{"full_name": NAMES[0] + "\u202e"}]},
            _body() | {"names": [{"full_name": NAMES[0] + "\x00"}]},
            _body() | {"names": [{"full_name": NAMES[0], "name_type": NAMES[1]}]},
            _body() | {"nationalities": [NAMES[0]]},
            _body() | {"gender": DOCUMENT},
            _body() | {"originating_agency": "customs"},
            {"names": NAMES[0], "birth_dates": BIRTH_DATE},
        ]
        for bad in bad_inputs:
            response = call("POST", "/v1/entries", json=bad, headers=headers("operator"))
            assert response.status_code == 422, response.text
        raw = ('{"names": [{"full_name": "' + NAMES[0] + '"}], "x": ').encode()
        assert call("POST", "/v1/entries", content=raw, headers={
            **headers("operator"), "Content-Type": "application/json"}).status_code == 422
        assert call("GET", "/v1/entries", params={"cursor": NAMES[0]},
                    headers=headers("operator")).status_code == 422
        assert call("GET", f"/v1/entries/{DOCUMENT}", headers=headers("operator")).status_code \
            == 422
        assert call("GET", url, headers={"Authorization": f"Bearer {DOCUMENT}",
                                         "X-Purpose": "x"}).status_code == 401

    captured = capsys.readouterr()
    # The test client's own request log (httpx) is the caller's side, not the service's.
    service_records = [record for record in caplog.records
                       if not record.name.startswith(("httpx", "httpcore"))]
    logs = "\n".join([captured.out, captured.err,
                      *(f"{r.getMessage()} {r.exc_text or ''}" for r in service_records)])
    assert '"event": "request"' in logs, "the access log was not captured"
    assert len(error_bodies) >= 15
    for secret in SECRETS:
        for form in _variants(secret):
            assert form not in logs, f"{secret!r} appears in the logs"
            for body in error_bodies:
                assert form not in body, f"{secret!r} appears in an error response: {body}"
