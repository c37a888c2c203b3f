"""Load and validate policy pack files (TOML).

A pack that is wrong must stop the service at start-up with a message an administrator can act
on, so every error names the file, the dotted key and the rule that was broken, e.g.
``packs/x.toml: review.by_category.SUSPECT: expected a duration such as "45 days" ...``.
Unknown keys are errors too: a misspelt key would otherwise silently fall back to nothing.
The keys are documented in ``policies/README.md`` and in the shipped ``packs/default.toml``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from policies.durations import Duration, parse_duration
from policies.errors import PackError
from policies.pack import (
    CASE_MILESTONES,
    REQUEST_KINDS,
    SUBJECT_CATEGORIES,
    AuditLogRetention,
    DeadlineRule,
    PackRef,
    PolicyPack,
    RedressProfile,
)
from policies.redress_profiles import BUILTIN_REDRESS_PROFILES

_PACK_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_CODE_RE = re.compile(r"^[A-Za-z0-9_:-]{1,64}$")

_ALLOWED_KEYS: dict[str, set[str]] = {
    "": {"pack", "review", "retention", "extensions", "removal", "redress", "imports",
         "purposes", "transparency"},
    "pack": {"id", "version", "description"},
    "review": {"by_category", "by_action", "action_precedence", "minor_interval",
               "warning_lead_time", "nomination_pending_limit"},
    "retention": {"max_retention", "erasure_grace_period", "audit_log"},
    "extensions": {"max_extensions", "require_assessment"},
    "removal": {"latency_sla", "purpose_achieved_reply"},
    "redress": {"profile", "profiles"},
    "imports": {"binding_sources"},
    "purposes": {"allowed"},
    "transparency": {"min_published_count"},
}
_DEADLINE_KEYS = {"name", "duration", "starts_at", "met_by", "extension", "request_kinds"}
_ACTION_PRECEDENCE = ("shortest", "action")


def builtin_pack_names() -> list[str]:
    """Names of the packs shipped in ``policies/packs/`` (e.g. ``["default", "sis-like"]``)."""
    folder = resources.files("policies") / "packs"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_builtin_pack(name: str, *, action_codes: Collection[str] | None = None) -> PolicyPack:
    """Load and validate a shipped pack by name; raises :class:`PackError` for an unknown name.

    ``action_codes``: the action-on-hit codes the caller knows (see :func:`parse_pack`).
    """
    if name not in builtin_pack_names():
        raise PackError("pack.id", f"no built-in pack named {name!r}; "
                        f"known: {', '.join(builtin_pack_names())}", source="<builtin>")
    text = (resources.files("policies") / "packs" / f"{name}.toml").read_text("utf-8")
    return parse_pack(text, source=f"packs/{name}.toml", action_codes=action_codes)


def load_pack(path: str | Path, *, action_codes: Collection[str] | None = None) -> PolicyPack:
    """Load and validate a pack file; every problem raises :class:`PackError` naming the key."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise PackError(
            "<file>", f"cannot read pack file ({exc.strerror})", source=str(path)
        ) from exc
    return parse_pack(text, source=str(path), action_codes=action_codes)


def parse_pack(
    text: str, *, source: str = "<pack>", action_codes: Collection[str] | None = None
) -> PolicyPack:
    """Validate TOML text as a pack. ``source`` names the file in error messages.

    ``action_codes``: when given, every code under ``review.by_action`` must be one of them
    (the service passes its action-on-hit codes): an interval keyed by a code no entry can carry
    would silently never apply.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PackError("<syntax>", f"not valid TOML ({exc})", source=source) from exc
    known = frozenset(action_codes) if action_codes is not None else None
    return _PackReader(source, known).read(data)


class _PackReader:
    def __init__(self, source: str, action_codes: frozenset[str] | None = None) -> None:
        self.source = source
        self.action_codes = action_codes

    def fail(self, key: str, message: str) -> PackError:
        return PackError(key, message, source=self.source)

    # -- generic readers ---------------------------------------------------------------------
    def table(self, data: Mapping[str, Any], key: str, *, required: bool = True) -> dict[str, Any]:
        value = _get(data, key)
        if value is None:
            if required:
                raise self.fail(key, "is required (a table)")
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        return value

    def text(self, data: Mapping[str, Any], key: str, *, required: bool = True) -> str | None:
        value = _get(data, key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "is required and must be a non-empty string")
        return value.strip()

    def duration(
        self, data: Mapping[str, Any], key: str, *, default: Duration | None = None
    ) -> Duration:
        value = _get(data, key)
        if value is None:
            if default is not None:
                return default
            raise self.fail(key, 'is required (a duration such as "12 months")')
        try:
            return parse_duration(value)
        except ValueError as exc:
            raise self.fail(key, f"{value!r} is not a duration: {exc}") from None

    def string_list(self, data: Mapping[str, Any], key: str) -> list[str]:
        value = _get(data, key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, "must be a list of non-empty strings")
        return value

    def check_keys(self, data: Mapping[str, Any], prefix: str, allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                where = f"{prefix}.{key}" if prefix else key
                raise self.fail(where, f"unknown key; allowed here: {', '.join(sorted(allowed))}")

    # -- the pack ------------------------------------------------------------------------------
    def read(self, data: dict[str, Any]) -> PolicyPack:
        for section, allowed in _ALLOWED_KEYS.items():
            node = data if not section else self.table(data, section, required=False)
            self.check_keys(node, section, allowed)

        pack_id = self.text(data, "pack.id")
        assert pack_id is not None
        if not _PACK_ID_RE.match(pack_id):
            raise self.fail("pack.id", "must be lower-case letters, digits and hyphens")
        version = self.text(data, "pack.version")
        assert version is not None

        by_category = self.table(data, "review.by_category")
        self.check_keys(by_category, "review.by_category", set(SUBJECT_CATEGORIES))
        review_by_category = {
            c: self.duration(data, f"review.by_category.{c}") for c in SUBJECT_CATEGORIES
        }
        by_action = self.table(data, "review.by_action", required=False)
        review_by_action = {}
        for code in by_action:
            if not _CODE_RE.match(code):
                raise self.fail(f"review.by_action.{code}",
                                "action code must be 1-64 of [A-Za-z0-9_:-]")
            if self.action_codes is not None and code not in self.action_codes:
                raise self.fail(f"review.by_action.{code}", f"{code!r} is not an action code "
                                f"the service knows; known: {', '.join(sorted(self.action_codes))}")
            review_by_action[code] = self.duration(data, f"review.by_action.{code}")
        precedence = _get(data, "review.action_precedence") or "shortest"
        if precedence not in _ACTION_PRECEDENCE:
            raise self.fail("review.action_precedence", f"{precedence!r} must be one of "
                            f"{', '.join(_ACTION_PRECEDENCE)}")

        minor_interval = self.duration(data, "review.minor_interval")
        warning = self.duration(data, "review.warning_lead_time")
        pending_limit = self.duration(
            data, "review.nomination_pending_limit", default=Duration(90, "days"))
        if pending_limit.amount == 0:
            raise self.fail("review.nomination_pending_limit", "must be longer than zero")
        max_retention = self.duration(data, "retention.max_retention")
        intervals = {
            **{f"review.by_category.{k}": v for k, v in review_by_category.items()},
            **{f"review.by_action.{k}": v for k, v in review_by_action.items()},
            "review.minor_interval": minor_interval,
        }
        for key, interval in intervals.items():
            if interval.amount == 0:
                raise self.fail(key, "a review interval must be longer than zero")
            if interval.approx_days() > max_retention.approx_days():
                raise self.fail(key, f"review interval {interval} is longer than "
                                f"retention.max_retention ({max_retention})")
            # RV-advance-warning: the owner must be warned before the due date, inside the period.
            if warning.approx_days() >= interval.approx_days():
                raise self.fail("review.warning_lead_time", f"{warning} must be shorter than "
                                f"every review interval ({key} is {interval})")

        return PolicyPack(
            ref=PackRef(pack_id, version),
            description=self.text(data, "pack.description", required=False) or "",
            review_by_category=review_by_category,
            review_by_action=review_by_action,
            action_precedence=precedence,
            minor_review_interval=minor_interval,
            warning_lead_time=warning,
            nomination_pending_limit=pending_limit,
            max_retention=max_retention,
            max_extensions=self.max_extensions(data),
            extension_requires_assessment=self.boolean(data, "extensions.require_assessment"),
            erasure_grace_period=self.duration(data, "retention.erasure_grace_period"),
            audit_log_retention=self.audit_log(data),
            removal_latency_sla=self.duration(
                data, "removal.latency_sla", default=Duration(30, "days")),
            purpose_achieved_reply=self.duration(
                data, "removal.purpose_achieved_reply", default=Duration(15, "days")),
            **self.redress(data),
            binding_sources=frozenset(self.string_list(data, "imports.binding_sources")),
            allowed_purposes=self.purposes(data),
            min_published_count=self.min_count(data),
            source=self.source,
        )

    def boolean(self, data: Mapping[str, Any], key: str) -> bool:
        value = _get(data, key)
        if not isinstance(value, bool):
            raise self.fail(key, "is required and must be true or false")
        return value

    def max_extensions(self, data: Mapping[str, Any]) -> int | None:
        value = _get(data, "extensions.max_extensions")
        if value == "unlimited":
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail("extensions.max_extensions",
                            'is required: a whole number >= 0 (0 = no extensions) or "unlimited"')
        return value

    def audit_log(self, data: Mapping[str, Any]) -> AuditLogRetention:
        value = _get(data, "retention.audit_log")
        if value == "end_of_following_year":
            return AuditLogRetention("end_of_following_year")
        if value is None:
            raise self.fail("retention.audit_log",
                            'is required: a duration such as "3 years" or "end_of_following_year"')
        duration = self.duration(data, "retention.audit_log")
        if duration.amount == 0:
            raise self.fail("retention.audit_log", "must be longer than zero")
        return AuditLogRetention("duration", duration)

    def purposes(self, data: Mapping[str, Any]) -> frozenset[str]:
        allowed = self.string_list(data, "purposes.allowed")
        if not allowed:
            # GV-purpose-config: processing outside a configured purpose is refused, so a pack
            # without purposes would refuse everything; say so at load time instead.
            raise self.fail("purposes.allowed", "is required: list at least one purpose")
        return frozenset(allowed)

    def min_count(self, data: Mapping[str, Any]) -> int:
        value = _get(data, "transparency.min_published_count")
        if value is None:
            return 5
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail("transparency.min_published_count", "must be a whole number >= 1")
        return value

    def redress(self, data: Mapping[str, Any]) -> dict[str, Any]:
        profiles: dict[str, RedressProfile] = dict(BUILTIN_REDRESS_PROFILES)
        custom = self.table(data, "redress.profiles", required=False)
        for name, body in custom.items():
            profiles[name] = self.profile(name, body)
        chosen = self.text(data, "redress.profile")
        assert chosen is not None
        if chosen not in profiles:
            raise self.fail("redress.profile", f"unknown profile {chosen!r}; "
                            f"known: {', '.join(sorted(profiles))}")
        return {"redress_profile": profiles[chosen], "redress_profiles": profiles}

    def profile(self, name: str, body: Any) -> RedressProfile:
        prefix = f"redress.profiles.{name}"
        if not isinstance(body, dict) or set(body) != {"deadlines"}:
            raise self.fail(prefix, "must be a table with only a [[...deadlines]] array")
        rules = body["deadlines"]
        if not isinstance(rules, list) or not rules:
            raise self.fail(f"{prefix}.deadlines", "must be a non-empty array of tables")
        parsed = []
        for index, rule in enumerate(rules):
            key = f"{prefix}.deadlines[{index}]"
            if not isinstance(rule, dict):
                raise self.fail(key, "must be a table")
            self.check_keys(rule, key, _DEADLINE_KEYS)
            parsed.append(self.deadline(rule, key))
        return RedressProfile(name, tuple(parsed))

    def deadline(self, rule: dict[str, Any], key: str) -> DeadlineRule:
        name = rule.get("name")
        if not isinstance(name, str) or not name.strip():
            raise self.fail(f"{key}.name", "is required and must be a non-empty string")
        starts_at = rule.get("starts_at")
        if starts_at not in CASE_MILESTONES:
            raise self.fail(f"{key}.starts_at", f"must be one of {', '.join(CASE_MILESTONES)}")
        met_by = self.string_list(rule, "met_by")
        if not met_by or any(m not in CASE_MILESTONES for m in met_by):
            raise self.fail(f"{key}.met_by",
                            f"must list milestones from {', '.join(CASE_MILESTONES)}")
        kinds = self.string_list(rule, "request_kinds") or list(REQUEST_KINDS)
        if any(k not in REQUEST_KINDS for k in kinds):
            raise self.fail(f"{key}.request_kinds", f"must be from {', '.join(REQUEST_KINDS)}")
        try:
            duration = parse_duration(rule.get("duration"))  # type: ignore[arg-type]
            extension = parse_duration(rule["extension"]) if "extension" in rule else None
        except ValueError as exc:
            raise self.fail(f"{key}.duration/extension", str(exc)) from None
        return DeadlineRule(name, duration, starts_at, tuple(met_by), extension, frozenset(kinds))


def _get(data: Mapping[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node
