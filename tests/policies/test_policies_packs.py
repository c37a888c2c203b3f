"""Policy packs: loading, validation with errors that name the key, governance switches.

GV-purpose-config: retention, review and redress rules are configuration per national law, and
processing outside a configured purpose is refused.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policies import (
    BORDER_SCREENING,
    COUNTER_TERRORISM_SCREENING,
    OVERSIGHT,
    REDRESS,
    SERVICE_PURPOSES,
    Duration,
    ImportDisposition,
    PackError,
    PackRef,
    PolicyError,
    builtin_pack_names,
    check_purpose,
    import_disposition,
    load_builtin_pack,
    load_pack,
    parse_pack,
    publishable_count,
)

PACKS_DIR = Path(__file__).resolve().parents[2] / "policies" / "packs"
DEFAULT_TEXT = (PACKS_DIR / "default.toml").read_text("utf-8")
# The service's action_on_hit codes as the service passes them (upper case). Written out here so
# this library test does not import the service; tests/policies_service checks they agree.
SERVICE_ACTION_CODES = {
    "LOG_ONLY", "DISCREET_CHECK", "SPECIFIC_CHECK", "REFER_SECONDARY_INSPECTION",
    "CONTACT_ORIGINATOR",
}


def test_builtin_packs_are_listed_and_load_GV_purpose_config():
    """GV-purpose-config: the default and an alternative (sis-like) pack ship and validate."""
    assert {"default", "sis-like"} <= set(builtin_pack_names())
    for name in builtin_pack_names():
        pack = load_builtin_pack(name)
        assert pack.ref.id == name
        assert pack.ref.version


def test_default_pack_values_GV_purpose_config():
    """GV-purpose-config: the documented defaults of the default pack."""
    pack = load_builtin_pack("default")
    assert pack.ref == PackRef("default", "2026.1")
    assert set(pack.review_by_category.values()) == {Duration(12, "months")}
    assert pack.minor_review_interval == Duration(6, "months")
    assert pack.warning_lead_time == Duration(4, "months")
    assert pack.nomination_pending_limit == Duration(90, "days")
    assert pack.max_retention == Duration(5, "years")
    assert pack.max_extensions == 4
    assert pack.extension_requires_assessment is True
    assert pack.removal_latency_sla == Duration(30, "days")
    assert pack.purpose_achieved_reply == Duration(15, "days")
    assert pack.redress_profile.name == "eu-interop"
    assert pack.min_published_count == 5
    assert pack.audit_log_retention.profile == "end_of_following_year"


def test_sis_like_pack_values_GV_purpose_config():
    """GV-purpose-config, RV-review-date: the SIS-like pack sets 1/3/5 years by action type
    (the action code's interval replaces the category's) and 3-year logs."""
    pack = load_builtin_pack("sis-like", action_codes=SERVICE_ACTION_CODES)
    assert pack.action_precedence == "action"
    assert pack.review_by_action["CONTACT_ORIGINATOR"] == Duration(5, "years")
    assert pack.review_by_action["REFER_SECONDARY_INSPECTION"] == Duration(3, "years")
    assert pack.review_by_action["DISCREET_CHECK"] == Duration(1, "years")
    assert set(pack.review_by_action) == SERVICE_ACTION_CODES
    assert pack.audit_log_retention.duration == Duration(3, "years")
    assert pack.max_extensions is None
    assert pack.redress_profile.name == "sis"


@pytest.mark.parametrize("name", ["default", "sis-like"])
def test_shipped_packs_name_only_known_action_codes_RV_review_date(name):
    """RV-review-date: every shipped pack validates against the service's action codes."""
    load_builtin_pack(name, action_codes=SERVICE_ACTION_CODES)


@pytest.mark.parametrize("code", ["ARREST", "discreet_check", "INQUIRY_CHECK"])
def test_unknown_action_code_is_a_pack_error_naming_file_key_and_value_RV_review_date(code):
    """RV-review-date: an interval keyed by a code no entry can carry would never apply, so a
    pack naming one does not load; the error names the file, the key and the value."""
    text = DEFAULT_TEXT.replace(
        '# by_action = { DISCREET_CHECK = "12 months" }', f'by_action = {{ {code} = "6 months" }}'
    )
    parse_pack(text, source="packs/national.toml")  # without a code list: only the format
    with pytest.raises(PackError) as caught:
        parse_pack(text, source="packs/national.toml", action_codes=SERVICE_ACTION_CODES)
    assert caught.value.key == f"review.by_action.{code}"
    message = str(caught.value)
    assert "packs/national.toml" in message and f"'{code}'" in message
    assert "DISCREET_CHECK" in message  # the known codes are listed


def test_unknown_builtin_pack_is_refused():
    with pytest.raises(PackError, match="no built-in pack named 'nope'"):
        load_builtin_pack("nope")


def _mutate(pattern: str, replacement: str) -> str:
    text, count = re.subn(pattern, replacement, DEFAULT_TEXT, count=1, flags=re.MULTILINE)
    assert count == 1, f"test setup: {pattern!r} not found in default.toml"
    return text


BROKEN_PACKS = [
    # (what is wrong, mutation pattern, replacement, key named in the error, rule words)
    ("missing id", r'^id = "default"$', "", "pack.id", "required"),
    ("bad id", r'^id = "default"$', 'id = "Default Pack"', "pack.id", "lower-case"),
    ("missing version", r"^version = .*$", "", "pack.version", "required"),
    (
        "typo in duration",
        r'SUSPECT = "12 months"',
        'SUSPECT = "12 monts"',
        "review.by_category.SUSPECT",
        "not a duration",
    ),
    ("missing category", r'VICTIM = "12 months", ', "", "review.by_category.VICTIM", "required"),
    (
        "unknown category",
        r'SUSPECT = "12 months"',
        'SUSPECT = "12 months", WITNESS = "1 year"',
        "review.by_category.WITNESS",
        "unknown key",
    ),
    (
        "unknown section key",
        r"^minor_interval = ",
        'minor_intervall = "6 months"\nminor_interval = ',
        "review.minor_intervall",
        "unknown key",
    ),
    (
        "warning longer than minors' interval",
        r"^warning_lead_time = .*$",
        'warning_lead_time = "7 months"',
        "review.warning_lead_time",
        "shorter than every review interval",
    ),
    (
        "interval longer than retention",
        r"^max_retention = .*$",
        'max_retention = "6 months"',
        "review.by_category.SUSPECT",
        "longer than retention.max_retention",
    ),
    (
        "negative extensions",
        r"^max_extensions = 4$",
        "max_extensions = -1",
        "extensions.max_extensions",
        "whole number",
    ),
    (
        "extensions as text",
        r"^max_extensions = 4$",
        'max_extensions = "many"',
        "extensions.max_extensions",
        "unlimited",
    ),
    (
        "assessment flag not bool",
        r"^require_assessment = true$",
        'require_assessment = "yes"',
        "extensions.require_assessment",
        "true or false",
    ),
    (
        "missing grace period",
        r"^erasure_grace_period = .*$",
        "",
        "retention.erasure_grace_period",
        "required",
    ),
    (
        "bad audit log profile",
        r"^audit_log = .*$",
        'audit_log = "forever"',
        "retention.audit_log",
        "not a duration",
    ),
    (
        "unknown redress profile",
        r'^profile = "eu-interop"$',
        'profile = "fast-track"',
        "redress.profile",
        "unknown profile",
    ),
    (
        "no purposes",
        r"^allowed = \[.*\]$",
        "allowed = []",
        "purposes.allowed",
        "at least one purpose",
    ),
    (
        "zero min count",
        r"^min_published_count = 5$",
        "min_published_count = 0",
        "transparency.min_published_count",
        ">= 1",
    ),
    (
        "absurdly long cap",
        r"^max_retention = .*$",
        'max_retention = "99999999 years"',
        "retention.max_retention",
        "too long: at most",
    ),
    (
        "interval of 101 years",
        r'SUSPECT = "12 months"',
        'SUSPECT = "101 years"',
        "review.by_category.SUSPECT",
        "too long: at most",
    ),
    (
        "zero pending limit",
        r'^nomination_pending_limit = "90 days"$',
        'nomination_pending_limit = "0 days"',
        "review.nomination_pending_limit",
        "longer than zero",
    ),
    (
        "unknown precedence",
        r'^action_precedence = "shortest"$',
        'action_precedence = "longest"',
        "review.action_precedence",
        "must be one of shortest, action",
    ),
    (
        "bad SLA",
        r'^latency_sla = "30 days"',
        'latency_sla = "thirty days"',
        "removal.latency_sla",
        "not a duration",
    ),
]


@pytest.mark.parametrize(
    ("case", "pattern", "replacement", "key", "rule"),
    BROKEN_PACKS,
    ids=[row[0] for row in BROKEN_PACKS],
)
def test_broken_pack_error_names_key_and_rule_GV_purpose_config(
    case, pattern, replacement, key, rule
):
    """GV-purpose-config: a broken pack fails at load with the file, the key and the rule."""
    with pytest.raises(PackError) as caught:
        parse_pack(_mutate(pattern, replacement), source="packs/broken.toml")
    assert caught.value.key == key
    assert caught.value.code == "invalid_policy_pack"
    message = str(caught.value)
    assert "packs/broken.toml" in message and key in message and rule in message


def test_broken_pack_file_on_disk_names_file_and_key(tmp_path):
    """GV-purpose-config: load_pack reports the path and the key of a broken file."""
    path = tmp_path / "national.toml"
    path.write_text(_mutate(r"^minor_interval = .*$", 'minor_interval = "half a year"'), "utf-8")
    with pytest.raises(
        PackError, match=r"national\.toml: review\.minor_interval: .*not a duration"
    ):
        load_pack(path)


def test_invalid_toml_and_missing_file_are_pack_errors(tmp_path):
    with pytest.raises(PackError, match="not valid TOML"):
        parse_pack("[pack\nid=", source="x.toml")
    with pytest.raises(PackError, match="cannot read pack file"):
        load_pack(tmp_path / "missing.toml")


def test_custom_pack_with_own_redress_profile_loads(tmp_path):
    """GV-purpose-config: a national pack can define its own redress deadline profile."""
    text = DEFAULT_TEXT.replace('id = "default"', 'id = "national"').replace(
        'profile = "eu-interop"',
        'profile = "national"\n\n[[redress.profiles.national.deadlines]]\n'
        'name = "reply"\nduration = "1 month"\nstarts_at = "received"\nmet_by = ["decided"]\n'
        'extension = "1 month"\n',
    )
    path = tmp_path / "national.toml"
    path.write_text(text, "utf-8")
    pack = load_pack(path)
    assert pack.ref.id == "national"
    (rule,) = pack.redress_profile.deadlines
    assert (rule.name, rule.duration, rule.extension) == (
        "reply",
        Duration(1, "months"),
        Duration(1, "months"),
    )


def test_custom_redress_profile_with_unknown_milestone_names_key():
    text = DEFAULT_TEXT.replace(
        'profile = "eu-interop"',
        'profile = "x"\n\n[[redress.profiles.x.deadlines]]\n'
        'name = "reply"\nduration = "1 month"\nstarts_at = "filed"\nmet_by = ["decided"]\n',
    )
    with pytest.raises(PackError) as caught:
        parse_pack(text)
    assert caught.value.key == "redress.profiles.x.deadlines[0].starts_at"


@pytest.mark.parametrize(
    ("purpose", "allowed"),
    [
        ("counter_terrorism_screening", True),
        ("border_screening", True),
        ("immigration_enforcement", False),
        ("marketing", False),
    ],
)
def test_processing_outside_configured_purpose_is_refused_GV_purpose_config(purpose, allowed):
    """GV-purpose-config: the system refuses processing outside a configured purpose."""
    pack = load_builtin_pack("default")
    if allowed:
        assert check_purpose(pack, purpose).decided_by == pack.ref
    else:
        with pytest.raises(PolicyError) as caught:
            check_purpose(pack, purpose)
        assert caught.value.code == "purpose_not_allowed"


@pytest.mark.parametrize("name", ["default", "sis-like"])
def test_shipped_packs_configure_every_purpose_the_service_serves_GV_purpose_config(name):
    """GV-purpose-config: the purpose names the service's routes declare are the ones the
    shipped packs configure, so neither pack refuses a route; a pack without one refuses it
    with a message that names the purpose and the pack, and nothing else."""
    assert SERVICE_PURPOSES == (COUNTER_TERRORISM_SCREENING, BORDER_SCREENING, OVERSIGHT, REDRESS)
    assert SERVICE_PURPOSES == (
        "counter_terrorism_screening", "border_screening", "oversight", "redress"
    )
    pack = load_builtin_pack(name)
    assert pack.allowed_purposes == frozenset(SERVICE_PURPOSES)
    for purpose in SERVICE_PURPOSES:
        assert check_purpose(pack, purpose).value == purpose
    text = (PACKS_DIR / f"{name}.toml").read_text("utf-8")
    narrowed = parse_pack(text.replace('"border_screening", ', ""), source="national.toml")
    assert BORDER_SCREENING not in narrowed.allowed_purposes
    with pytest.raises(PolicyError) as caught:
        check_purpose(narrowed, BORDER_SCREENING)
    assert caught.value.code == "purpose_not_allowed"
    assert "'border_screening'" in caught.value.message
    assert str(narrowed.ref) in caught.value.message


@pytest.mark.parametrize(
    ("source", "disposition"),
    [
        ("UN-SC-CONSOLIDATED", ImportDisposition.AUTO_ACTIVATE),
        ("PARTNER-AGENCY-FEED", ImportDisposition.REVIEW_QUEUE),
        ("un-sc-consolidated", ImportDisposition.REVIEW_QUEUE),
    ],  # exact match only: fail closed
)
def test_only_binding_sources_are_auto_activated_GV_purpose_config(source, disposition):
    """GV-purpose-config: binding import sources auto-activate; others go to the review queue."""
    decided = import_disposition(load_builtin_pack("default"), source)
    assert decided.value is disposition
    assert decided.decided_by == PackRef("default", "2026.1")


@pytest.mark.parametrize(("count", "published"), [(0, 0), (1, None), (4, None), (5, 5), (120, 120)])
def test_small_counts_are_suppressed_in_reports_GV_purpose_config(count, published):
    """GV-purpose-config: counts under the pack's minimum are not published."""
    assert publishable_count(load_builtin_pack("default"), count).value == published
