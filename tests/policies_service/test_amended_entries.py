"""RV-review-date for an entry whose amendment awaits its second review, on both databases."""

from __future__ import annotations

from tests.policies_service.helpers import DAY, listed, parse, run


def test_an_amendment_awaiting_review_does_not_stop_the_review_clock(app, client, headers) -> None:
    """RV-review-date, LB-second-review: an amended entry is off screening until approved, but
    its listing's review date still runs: after it and the grace period, the entry is erased as
    a lapsed review."""
    entry = listed(client, headers)
    amended = client.patch(
        f"/v1/entries/{entry['id']}",
        json={"reason": "new alias", "names": [*entry["names"], {"full_name": "Abu Qasim"}]},
        headers=headers("operator", agency="police", sub="alice",
                        **{"If-Match": f'"{entry["version"]}"'}),
    )
    assert amended.status_code == 200, amended.text
    due = parse(entry["review_due"])
    assert run(app, due - DAY)["counts"].get("erased", 0) == 0
    assert run(app, due + 31 * DAY)["counts"]["erased:review_lapsed"] == 1
