"""After the retention period nothing the traveller gave remains anywhere: the search data are
erased and the hits' explanations no longer quote their name tokens; on SQLite and PostgreSQL,
through the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.policies_service.helpers import scan_database
from tests.screening.helpers import active_entry, screen, traveller

ROOT = Path(__file__).resolve().parents[2]
# Tokens only the travellers used: the listed entry is "Qasim Yusuf Tahiri", passport ZX4410982.
TRAVELLER_TOKENS = ["Kasim", "Yousef", "Kassem", "P1234567", "Q7654321"]


def erase_queries(settings, *args: str) -> subprocess.CompletedProcess:  # noqa: ANN001
    """``watchlist screening erase-queries`` in its own process, on the test's database."""
    env = {**os.environ, "WATCHLIST_DATABASE_URL": settings.database_url,
           "WATCHLIST_ENVIRONMENT": "test", "WATCHLIST_DATA_DIR": str(settings.data_dir)}
    result = subprocess.run([sys.executable, "-m", "service.cli", "screening", "erase-queries",
                             *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def test_erase_queries_leaves_no_traveller_token_in_any_table(client, headers, settings,
                                                              database_url) -> None:
    """LG-retention, RV-erasure-log: single and batch screenings with hits, a decision on one;
    after ``erase-queries`` every table is scanned and no traveller name token or document
    number remains; what is left of each explanation is feature, outcome and effect."""
    active_entry(client, headers)
    single = screen(client, headers, traveller(), role="operator", agency="police").json()
    batch = client.post("/v1/screenings/batch", json={"purpose": "flight XY123", "travellers": [
        traveller(names=["Kassem Yousef Tahiri"],
                  travel_document={"number": "Q7654321", "country": "JO"})]},
        headers=headers("border", agency="border-guard", purpose=None))
    assert batch.status_code == 201 and batch.json()["counts"]["POSSIBLE_MATCH_REFER"] == 1
    hit = single["hits"][0]
    assert any("kasim" in line["detail"] for line in hit["explanation"])
    decided = client.post(
        f"/v1/screenings/{single['screening_id']}/hits/{hit['hit_id']}/decision",
        json={"decision": "false_positive", "reason": "documents checked in secondary"},
        headers=headers("reviewer", agency="police", sub="rene", purpose=None))
    assert decided.status_code == 201
    before = scan_database(database_url, TRAVELLER_TOKENS)
    assert {"screening_queries", "screening_hits"} <= set(before)  # the scan sees them

    assert "erased the search data of 2 screening(s)" in erase_queries(
        settings, "--older-than-days", "0").stdout

    assert scan_database(database_url, TRAVELLER_TOKENS) == {}
    read = client.get(f"/v1/screenings/{single['screening_id']}",
                      headers=headers("reviewer", agency="police", purpose="oversight sample"))
    assert read.status_code == 200
    lines = read.json()["hits"][0]["explanation"]
    assert {line["feature"] for line in lines} >= {"name", "birth_date", "document"}
    assert all(line["detail"] == "erased with the search data (LG-retention)" for line in lines)
    assert [line["effect"] for line in lines] == [line["effect"] for line in hit["explanation"]]
    oversight = headers("oversight", agency="dpa", sub="olivia", purpose="lawfulness check")
    events = client.get("/v1/audit/events", params={"action": "screening.queries.erase"},
                        headers=oversight).json()["items"]
    assert events[0]["details"]["hit_explanations_reduced"] == 2
    assert client.get("/v1/audit/verify", headers=oversight).json()["ok"] is True
