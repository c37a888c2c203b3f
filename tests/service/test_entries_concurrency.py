"""Two amendments of one version at the same moment: optimistic concurrency under real
concurrency, on both databases."""

from __future__ import annotations

import threading
from typing import Any

from tests.service.factories import entry_body


def test_concurrent_amendments_of_one_version_one_wins_one_412(client, headers) -> None:
    """Two threads PATCH the same version at once: exactly one succeeds, the other gets 412
    with the new ETag, and the winner's change is stored whole, as one new version."""
    created = client.post("/v1/entries", json=entry_body(),
                          headers=headers("operator", sub="alice"))
    assert created.status_code == 201, created.text
    url = f"/v1/entries/{created.json()['id']}"
    places = {"alice": ["Alice Town"], "bob": ["Bob City"]}
    start = threading.Barrier(len(places))
    answers: dict[str, Any] = {}

    def amend(sub: str) -> None:
        request_headers = headers("operator", sub=sub, **{"If-Match": '"1"'})
        start.wait()
        answers[sub] = client.patch(url, json={"reason": f"{sub}'s correction",
                                               "birth_places": places[sub]},
                                    headers=request_headers)

    threads = [threading.Thread(target=amend, args=(sub,)) for sub in places]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(answer.status_code for answer in answers.values())
    assert statuses == [200, 412], {sub: a.text for sub, a in answers.items()}
    [winner] = [sub for sub, answer in answers.items() if answer.status_code == 200]
    [loser] = [sub for sub, answer in answers.items() if answer.status_code == 412]
    assert answers[loser].headers["ETag"] == '"2"'
    current = client.get(url, headers=headers("operator")).json()
    assert (current["version"], current["birth_places"]) == (2, places[winner])
    history = client.get(url + "/history", headers=headers("operator")).json()["versions"]
    assert [(v["version"], v["actor_sub"]) for v in history] == [(1, "alice"), (2, winner)]
    assert history[1]["changed_fields"] == ["birth_places"]
