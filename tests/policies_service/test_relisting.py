"""RD-no-moot beyond the nomination: the re-listing guard recognises the person however the
name and birth date are written, and runs again on amendments and at approval. Through HTTP,
on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from service.policy.entry_rules import identity_digests, same_identity
from tests.policies_service.helpers import listed, nominate
from tests.policies_service.test_redress import _officer, _open, _step
from tests.service.factories import entry_body

NAME = [{"full_name": "Qasim Yusuf Tahiri", "name_type": "primary"}]
NEW_ITEM = {
    "kind": "fact",
    "text": "Intercepted messages of March 2026 arrange travel for recruits.",
    "conduct_based": True,
    "source_ref": "Intercept 2026/31",
    "source_reliability": "B",
    "information_credibility": "2",
}


@pytest.mark.parametrize(
    ("names", "birth_dates", "same"),
    [
        (NAME, [], True),  # birth date left out
        (NAME, [{"date": "1984"}], True),  # year precision only
        (NAME, [{"date": "1985-01-14"}], True),  # year off by one
        ([{"full_name": "Kasim Yousef Tahiry"}], [{"date": "1984-07-14"}], True),
        ([{"full_name": "TAHIRI, Qasem Yousuf"}], [{"date": "1984-07-14"}], True),
        ([{"full_name": "قاسم يوسف طاهري"}], [{"date": "1984-07-14"}], True),
        (NAME, [{"date": "1962-03-01"}], False),  # a namesake born otherwise
        ([{"full_name": "Ilse Marguerite Vandenbrande"}], [], False),
    ],
)
def test_identity_digests_see_through_spelling_and_precision(names, birth_dates, same) -> None:
    """RD-no-moot: one person, however their name and birth date are written; a namesake whose
    birth year is known to differ is not them."""
    prior = identity_digests(NAME, [{"date": "1984-07-14"}], "salt")
    candidate = identity_digests(names, birth_dates, "salt", year_tolerance=1)
    assert same_identity(prior, candidate) is same


def _delist_through_redress(client, headers, entry: dict) -> None:  # noqa: ANN001
    number = _open(client, headers, "erasure")["tracking_number"]
    linked = client.post(f"/v1/redress/cases/{number}/entries", json={"entry_id": entry["id"]},
                         headers=_officer(headers))
    assert linked.status_code in (200, 201), linked.text
    _step(client, headers, number, "admissible")
    _step(client, headers, number, "information_gathering")
    decided = client.post(
        f"/v1/redress/cases/{number}/decision",
        json={"outcome": "delisted", "factual_reasons": "The transfers were made by an impostor."},
        headers=_officer(headers),
    )
    assert decided.status_code == 200, decided.text


def _post(client, headers, body: dict):  # noqa: ANN001, ANN202
    return client.post("/v1/entries", json=body,
                       headers=headers("operator", agency="police", sub="alice"))


def test_relisting_guard_is_not_fooled_by_how_the_person_is_written(client, headers) -> None:
    """RD-no-moot: after a delisting through redress, the same facts cannot list the person
    again with the birth date left out or less precise, or the name spelt another way; a
    namesake born in another year can be listed."""
    _delist_through_redress(client, headers, listed(client, headers))
    for variant in (
        {"birth_dates": []},
        {"birth_dates": [{"date": "1984"}]},
        {"names": [{"full_name": "Kasim Yousef Tahiry"}]},
        {"names": [{"full_name": "قاسم يوسف طاهري", "name_type": "original_script"}]},
    ):
        refused = _post(client, headers, entry_body(**variant))
        assert refused.status_code == 409, (variant, refused.text)
        assert refused.json()["detail"][0]["rule"] == "relisting_same_facts"
    namesake = _post(client, headers, entry_body(birth_dates=[{"date": "1962-03-01"}]))
    assert namesake.status_code == 201, namesake.text


def test_relisting_guard_runs_again_on_amendment_and_approval(client, headers) -> None:
    """RD-no-moot: new material gets a nomination in, but the facts cannot be amended back to
    those of the delisting; a nomination left pending since before the delisting cannot be
    approved on those facts."""
    earlier = nominate(client, headers, sub="dave")
    _delist_through_redress(client, headers, listed(client, headers))

    body = entry_body()
    body["derogatory_items"].append(NEW_ITEM)
    accepted = _post(client, headers, body)
    assert accepted.status_code == 201, accepted.text
    entry = accepted.json()
    back = client.patch(
        f"/v1/entries/{entry['id']}",
        json={"reason": "drop the new item", "derogatory_items": entry_body()["derogatory_items"]},
        headers=headers("operator", agency="police", sub="alice", **{"If-Match": '"1"'}),
    )
    assert back.status_code == 409, back.text
    assert back.json()["detail"][0]["rule"] == "relisting_same_facts"

    approval = client.post(
        f"/v1/entries/{earlier['id']}/approve", json={"reason": "meets the standard"},
        headers=headers("reviewer", agency="fusion-cell", sub="rita", **{"If-Match": '"1"'}),
    )
    assert approval.status_code == 409, approval.text
    assert approval.json()["detail"][0]["rule"] == "relisting_same_facts"
    current = client.get(f"/v1/entries/{earlier['id']}",
                         headers=headers("operator", agency="police")).json()
    assert current["status"] == "pending_review"
