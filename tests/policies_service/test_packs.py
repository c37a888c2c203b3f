"""The configured pack against the service's own codes, and what it sets through HTTP."""

from __future__ import annotations

from importlib import resources

import pytest

from policies import Duration
from service.config import ConfigurationError
from service.entries.schemas import ActionOnHit
from service.policy.pack import ACTION_CODES, load_configured_pack
from tests.policies_service.helpers import listed, parse


@pytest.mark.parametrize("name", ["default", "sis-like"])
def test_shipped_packs_load_against_the_service_action_codes_RV_review_date(settings, name):
    """RV-review-date: the shipped packs key intervals only by codes an entry can carry; the
    sis-like pack gives every service action code its SIS period."""
    pack = load_configured_pack(settings.model_copy(update={"policy_pack": name}))
    assert set(pack.review_by_action) <= ACTION_CODES
    assert ACTION_CODES == {action.value.upper() for action in ActionOnHit}
    if name == "sis-like":
        assert set(pack.review_by_action) == ACTION_CODES


def test_pack_with_an_unknown_action_code_stops_start_up_RV_review_date(settings, tmp_path):
    """RV-review-date: a pack naming an action code the service does not know (here SIS's
    ARREST) stops start-up with the file, the key and the value."""
    from service.app import create_app

    text = (resources.files("policies") / "packs" / "default.toml").read_text("utf-8").replace(
        '# by_action = { DISCREET_CHECK = "12 months" }', 'by_action = { ARREST = "5 years" }'
    )
    pack_file = tmp_path / "national.toml"
    pack_file.write_text(text, "utf-8")
    with pytest.raises(ConfigurationError) as caught:
        create_app(settings.model_copy(update={"policy_pack_file": pack_file}))
    message = str(caught.value)
    assert "national.toml" in message and "review.by_action.ARREST" in message
    assert "'ARREST'" in message


@pytest.mark.parametrize(
    ("category", "action", "years"),
    [
        ("SUSPECT", "contact_originator", 5),  # the action code's 5 years beat SUSPECT's 1 year
        ("CONVICTED", "refer_secondary_inspection", 3),
        ("CONVICTED", "discreet_check", 1),
    ],
)
def test_sis_like_pack_sets_review_by_alert_type_RV_review_date(
    settings, headers, category, action, years
):
    """RV-review-date, GV-purpose-config: under the sis-like pack an approved entry's review
    period follows its action code (1/3/5 years by alert type), whatever its category."""
    from fastapi.testclient import TestClient

    from service.app import create_app

    app = create_app(settings.model_copy(update={"policy_pack": "sis-like"}))
    with TestClient(app) as client:
        entry = listed(client, headers, data_subject_category=category, action_on_hit=action)
    activated = parse(entry["activated_at"])
    assert parse(entry["review_due"]) == Duration(years, "years").after(activated)
