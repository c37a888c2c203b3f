"""Fail-safe at match time (RV-review-date): an entry whose review is overdue, or whose retention
period has ended, raises no hit even before the policy run suspends or erases it. The clock is
moved as the policy tests move it: the screening runtime's time source is replaced by a fixed
``now``."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from service.app import create_app
from service.screening.live import EntryMeta
from service.screening.schemas import TravellerIn
from service.screening.service import query_record
from tests.policies_service.helpers import parse, read_entry
from tests.screening.helpers import active_entry, screen, traveller

SECOND = timedelta(seconds=1)


def _at(app, moment: datetime) -> None:  # noqa: ANN001
    app.state.container.extensions["screening"].clock = lambda: moment


def _result(client, headers) -> str:  # noqa: ANN001
    response = screen(client, headers, traveller())
    assert response.status_code == 201, response.text
    return response.json()["result"]


def test_entry_past_review_due_stops_matching_before_any_policy_run(app, client, headers,
                                                                    settings) -> None:
    """RV-review-date: up to review_due the entry is referred; from review_due on it raises
    no hit, although it is still active (the scheduler is off); both in the process that made
    the change (the feed) and in one that built its index afterwards (start-up)."""
    entry = active_entry(client, headers)
    due = parse(entry["review_due"])
    with TestClient(create_app(settings)) as started_later:
        for instance, caller in ((app, client), (started_later.app, started_later)):
            _at(instance, due - SECOND)
            assert _result(caller, headers) == "POSSIBLE_MATCH_REFER"
            _at(instance, due)
            assert _result(caller, headers) == "NO_MATCH"
            _at(instance, due + timedelta(days=400))
            assert screen(caller, headers, traveller()).json()["hits"] == []
    assert read_entry(client, headers, entry["id"]).json()["status"] == "active"


def test_an_overdue_entry_does_not_crowd_out_one_in_force(app, client, headers) -> None:
    """RV-review-date: the search widens past entries out of force, so a weaker match that is
    in force still fills the place of a stronger one that has lapsed."""
    first = active_entry(client, headers)  # the traveller carries this entry's passport
    second = active_entry(client, headers, decision_ref="FC-2026-0043",  # a weaker match
                          names=[{"full_name": "Qasim Tahiri", "name_type": "primary"}],
                          birth_dates=[{"date": "1984"}], documents=[])
    first_due = parse(first["review_due"])
    assert first_due < parse(second["review_due"])
    runtime = app.state.container.extensions["screening"]
    query = query_record(TravellerIn.model_validate(
        traveller(travel_document={"number": "ZX4410982", "country": "JO"})))
    search = functools.partial(runtime.live.search, query, limit=1, threshold=runtime.threshold)
    both = runtime.live.search(query, limit=2, threshold=runtime.threshold, now=first_due - SECOND)
    assert [hit.record_id for hit in both] == [first["id"], second["id"]]
    assert both[0].score > both[1].score
    assert [hit.record_id for hit in search(now=first_due - SECOND)] == [first["id"]]
    assert [hit.record_id for hit in search(now=first_due)] == [second["id"]]


def test_entry_meta_is_out_of_force_from_review_due_or_expiry() -> None:
    """RV-review-date: either clock ends matching; an entry without clocks stays in force."""
    now = datetime(2027, 1, 1, tzinfo=UTC)
    meta = EntryMeta(originating_agency="police", shares=frozenset(), action_on_hit="refer",
                     handling_code="H2", contact_point="desk")
    assert meta.in_force(now)
    for review_due, expires_at, in_force in (
        (now + SECOND, now + SECOND, True),
        (now, now + SECOND, False),
        (None, now, False),
        (now + SECOND, now - SECOND, False),
    ):
        timed = EntryMeta(originating_agency="police", shares=frozenset(),
                          action_on_hit="refer", handling_code="H2", contact_point="desk",
                          review_due=review_due, expires_at=expires_at)
        assert timed.in_force(now) is in_force
