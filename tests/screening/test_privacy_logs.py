"""No name, birth date or document number of a traveller or a listed person in the logs or error
responses of screening traffic: single and batch screenings, refused and malformed screenings,
decisions and their revocation, the cleared-persons register, and a screening that cannot be
recorded. Everything the service writes to stdout, stderr and the logging module is captured
and searched, case-insensitively and in JSON-escaped form (the explanation quotes names in
lower case)."""

from __future__ import annotations

import logging

from fastapi.testclient import TestClient

from service.app import create_app
from tests.screening.helpers import active_entry
from tests.service.test_privacy_logs import _variants

LISTED = {"names": [{"full_name": "Zbigniew Qarnawi-Oyelaran", "name_type": "primary"},
                    {"full_name": "زبيغنيو قرناوي", "name_type": "original_script"}],
          "birth_dates": [{"date": "1979-11-23"}],
          "documents": [{"type": "passport", "number": "QX7719304", "issuing_country": "JO"}]}
TRAVELLER = {"names": ["Zbigniev Karnawi Oyelaran"], "birth_date": "1979-11-23",
             "nationality": "JO", "gender": "male",
             "travel_document": {"number": "TR5512098", "country": "JO"}}
NAMESAKE = {"names": ["Zbyszek Qarnavi"], "birth_date": "1979-11-23"}
CLEARED = {"names": ["Zbigniew Qarnawi Oyelaran"], "birth_date": "1979-11-23",
           "documents": [{"number": "CP8812345", "country": "JO"}]}
SECRETS = ["Zbigniew", "Zbigniev", "Zbyszek", "Qarnawi", "Karnawi", "Qarnavi", "Oyelaran",
           "قرناوي", "1979-11-23", "QX7719304", "TR5512098", "CP8812345"]


def test_screening_traffic_leaves_no_personal_data_in_logs_or_errors(settings, headers, capsys,
                                                                     caplog) -> None:
    """LG-consult-fields and the privacy rule, for screening: logs and errors are metadata."""
    caplog.set_level(logging.DEBUG)
    error_bodies: list[str] = []
    border = headers("border", agency="border-guard", sub="gate-7", purpose=None)
    reviewer = headers("reviewer", agency="police", sub="rene", purpose=None)
    redress = headers("reviewer", agency="fusion-cell", sub="ruth", purpose=None)
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:

        def call(method: str, url: str, expect: int, **kwargs):  # noqa: ANN202
            response = client.request(method, url, **kwargs)
            assert response.status_code == expect, response.text
            if response.status_code >= 400:
                error_bodies.append(response.text)
            return response

        entry = active_entry(client, headers, **LISTED)
        single = call("POST", "/v1/screenings", 201, headers=border,
                      json={**TRAVELLER, "purpose": "entry control at gate 7"}).json()
        assert single["result"] == "POSSIBLE_MATCH_REFER"
        full = call("POST", "/v1/screenings", 201,
                    headers=headers("operator", agency="police", purpose=None),
                    json={**TRAVELLER, "purpose": "case 2026-17"}).json()
        assert full["hits"][0]["explanation"]
        batch = call("POST", "/v1/screenings/batch", 201, headers=border, json={
            "purpose": "API data of flight XY123",
            "travellers": [TRAVELLER, NAMESAKE, {"names": ["Ingrid Solberg"]}]}).json()
        assert batch["counts"]["POSSIBLE_MATCH_REFER"] == 2

        # Refused and malformed screenings that carry personal data.
        call("POST", "/v1/screenings", 401, json={**TRAVELLER, "purpose": "gate"})
        call("POST", "/v1/screenings", 403, json={**TRAVELLER, "purpose": "gate"},
             headers=headers("oversight", agency="dpa", purpose=None))
        for bad in ({**TRAVELLER, "birth_date": "1979-11-23T00:00", "purpose": "gate"},
                    {**TRAVELLER, "travel_document": {"number": "TR5512098!?"}, "purpose": "gate"},
                    {**TRAVELLER, "names": ["Zbigniev Karnawi\u202e"], "purpose": "gate"},
                    {**TRAVELLER, "gender": "QX7719304", "purpose": "gate"},
                    {**TRAVELLER, "nationality": "Oyelaran", "purpose": "gate"},
                    {**TRAVELLER, "surname": "Qarnawi", "purpose": "gate"}):
            call("POST", "/v1/screenings", 422, json=bad, headers=border)
        call("POST", "/v1/screenings/batch", 422, headers=border, json={
            "purpose": "flight XY123", "travellers": [{**TRAVELLER, "birth_date": "1979-13-40"}]})

        # Decisions: recorded, refused as a duplicate, revoked.
        hit_url = (f"/v1/screenings/{full['screening_id']}/hits/"
                   f"{full['hits'][0]['hit_id']}/decision")
        call("POST", hit_url, 201, headers=reviewer,
             json={"decision": "false_positive", "reason": "documents checked in secondary"})
        call("POST", hit_url, 409, headers=reviewer,
             json={"decision": "confirmed", "reason": "fingerprints"})
        call("POST", hit_url + "/revoke", 200, headers=reviewer,
             json={"reason": "new information"})
        call("POST", f"/v1/screenings/{full['screening_id']}/hits/{entry['id']}/decision", 404,
             headers=reviewer, json={"decision": "confirmed", "reason": "fingerprints"})
        call("GET", f"/v1/screenings/{full['screening_id']}", 200,
             headers=headers("reviewer", agency="police", purpose="adjudication"))

        # The cleared-persons register: registration, its use by a screening, read, withdrawal.
        profile = call("POST", "/v1/cleared-persons", 201, headers=redress, json={
            "entry_id": entry["id"], "identity": CLEARED,
            "consent": {"reference": "consent form CP-7", "given_at": "2026-11-01T10:00:00Z"},
        }).json()
        cleared = call("POST", "/v1/screenings", 201, headers=border, json={
            **TRAVELLER, "travel_document": CLEARED["documents"][0], "purpose": "gate 7"}).json()
        assert cleared["hits"][0]["status"] == "CLEARED_PERSON"
        call("POST", "/v1/cleared-persons", 422, headers=redress, json={
            "entry_id": entry["id"], "identity": {**CLEARED, "birth_date": "Qarnawi"},
            "consent": {"reference": "consent form CP-8", "given_at": "2026-11-01T10:00:00Z"}})
        call("GET", f"/v1/cleared-persons/{profile['id']}", 200,
             headers=headers("reviewer", agency="fusion-cell", purpose="redress file"))
        call("POST", f"/v1/cleared-persons/{profile['id']}/withdraw", 200, headers=redress,
             json={"reason": "consent withdrawn by letter"})

        # A screening that cannot be recorded (fail closed).
        writer = app.state.container.extensions["screening"].writer
        writer.stop()
        try:
            call("POST", "/v1/screenings", 503, headers=border,
                 json={**TRAVELLER, "purpose": "entry control at gate 7"})
        finally:
            writer.start()

    captured = capsys.readouterr()
    service_records = [record for record in caplog.records
                       if not record.name.startswith(("httpx", "httpcore"))]
    logs = "\n".join([captured.out, captured.err,
                      *(f"{r.getMessage()} {r.exc_text or ''}" for r in service_records)])
    assert '"event": "request"' in logs and "screening_not_recorded" in logs
    assert len(error_bodies) >= 12
    haystacks = [logs.casefold(), *(body.casefold() for body in error_bodies)]
    for secret in SECRETS:
        for form in _variants(secret):
            for haystack in haystacks:
                assert form.casefold() not in haystack, f"{secret!r} appears in logs or errors"
