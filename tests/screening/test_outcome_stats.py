"""False-positive rates by nationality, sex and age band survive the erasure of the search data
(MT-outcome-stats), because the coarse groups are stored on each screening when it is written;
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from service.models.screening import Screening
from tests.oversight.test_reports import _report, _screen_and_decide
from tests.screening.test_query_erasure import erase_queries

SCREENED_ON = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_breakdowns_survive_erase_queries(app, client, headers, settings, monkeypatch) -> None:
    """MT-outcome-stats: the report's screening figures, group by group, are the same after
    ``watchlist screening erase-queries`` as before; the screening rows hold the band of the
    age, never the birth date."""
    monkeypatch.setenv("WATCHLIST_REPORT_MIN_COUNT", "1")
    # A fixed day, so that the expected age bands do not move with the years.
    app.state.container.extensions["screening"].clock = lambda: SCREENED_ON
    screening_ids = _screen_and_decide(client, headers)
    before = _report(client, headers).json()["sections"]["screenings"]
    assert set(before["by_nationality"]) == {"JO", "FR", "unknown"}
    assert set(before["by_sex"]) == {"male", "female", "unknown"}
    assert before["totals"]["false_positive"] > 0

    erase_queries(settings, "--older-than-days", "0")

    after = _report(client, headers).json()["sections"]["screenings"]
    assert after == before
    with app.state.container.session_factory() as session:
        stored = {row.id: (row.traveller_nationality, row.traveller_sex, row.traveller_age_band)
                  for row in session.execute(select(Screening)).scalars()}
    assert [stored[i] for i in screening_ids] == [
        ("JO", "male", "30-44"), ("JO", "male", "30-44"), ("JO", "female", "60+"),
        ("FR", "female", "0-17"), ("FR", "male", "30-44"), (None, None, None),
    ]
