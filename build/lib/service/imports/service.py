"""Import use cases: read a file, decide activation by policy, and hand records to the writer.

Activation (configuration, not code): when a policy pack is loaded, a source listed in its
``binding_sources`` is activated on import and everything else waits in the review queue
(``policies.import_disposition``). Without a pack, ``WATCHLIST_IMPORT_UN_BINDING`` (default
true) decides for the UN list; FollowTheMoney and CSV imports always go to the review queue.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from service.auth.principal import SystemActor
from service.config import Settings
from service.imports import un_xml
from service.imports.writer import ImportOptions, ImportSummary, run_import
from service.oversight.settings import OversightSettings, oversight_settings

Progress = Callable[[int], None]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def importer_actor(
    settings: Settings, source: str, extra: OversightSettings | None = None
) -> SystemActor:
    extra = extra or oversight_settings()
    return SystemActor(
        sub=f"importer:{source}", agency=import_agency(settings, extra), role="system"
    )


def import_agency(settings: Settings, extra: OversightSettings | None = None) -> str:
    extra = extra or oversight_settings()
    return extra.import_agency or settings.review_agency


def _policy_pack(settings: Settings, extensions: dict[str, Any] | None) -> Any:
    if extensions and extensions.get("policy_pack") is not None:
        return extensions["policy_pack"]
    try:
        from policies import load_builtin_pack, load_pack

        if settings.policy_pack_file:
            return load_pack(settings.policy_pack_file)
        return load_builtin_pack(settings.policy_pack)
    except Exception:  # noqa: BLE001 - no usable pack: fall back to the setting
        return None


def entry_rules(settings: Settings, extensions: dict[str, Any] | None = None) -> Any:
    """The policy feature's nomination rules (RD-no-moot), when that feature is installed."""
    if extensions and extensions.get("entry_rules") is not None:
        return extensions["entry_rules"]
    pack = _policy_pack(settings, extensions)
    if pack is None:
        return None
    try:
        from service.policy.entry_rules import EntryRules
    except ImportError:
        return None
    return EntryRules(pack)


def activation_for(
    settings: Settings,
    policy_source: str,
    *,
    default_binding: bool,
    extensions: dict[str, Any] | None = None,
) -> tuple[bool, str]:
    """(activate on import?, the rule that decided it, for the record)."""
    pack = _policy_pack(settings, extensions)
    if pack is not None:
        from policies import ImportDisposition, import_disposition

        decided = import_disposition(pack, policy_source)
        binding = decided.value is ImportDisposition.AUTO_ACTIVATE
        return binding, f"pack {decided.decided_by}: {policy_source} " + (
            "is a binding source" if binding else "is not binding (review queue)"
        )
    return default_binding, f"setting: {policy_source} binding={default_binding}"


def import_un(
    session: Session,
    path: Path,
    settings: Settings,
    *,
    progress: Progress | None = None,
    extensions: dict[str, Any] | None = None,
    total: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import one edition of the UN Security Council Consolidated List (the whole list)."""
    extra = oversight_settings()
    parsed = un_xml.parse_un_list(path)
    if total:
        total(len(parsed.records))
    activate, note = activation_for(
        settings,
        un_xml.POLICY_SOURCE,
        default_binding=extra.import_un_binding,
        extensions=extensions,
    )
    agency = import_agency(settings, extra)
    warnings: dict[str, int] = {}

    def items() -> Iterator[tuple[str | None, Any]]:
        for record in parsed.records:
            try:
                yield (
                    record.get("reference"),
                    un_xml.un_record_to_entry(record, agency=agency, warnings=warnings),
                )
            except ValueError as error:  # RecordRejected and pydantic's ValidationError
                yield record.get("reference"), error

    options = ImportOptions(
        source=un_xml.SOURCE,
        edition=parsed.edition,
        actor=importer_actor(settings, un_xml.SOURCE, extra),
        activate=activate,
        full_list=True,
        review_months=settings.default_review_months,
        file_sha256=file_sha256(path),
        activation_note=note,
        rules=entry_rules(settings, extensions),
    )
    return run_import(session, options, items(), progress=progress, warnings=warnings)
