"""Import use cases: read a file, decide activation by policy, and hand records to the writer.

Activation (configuration, not code): a source listed in the policy pack's
``imports.binding_sources`` is activated on import, with the review date, retention cap and
pack reference of a reviewed approval; everything else waits in the review queue
(``policies.import_disposition``). The pack is the configured one; a pack that does not
validate stops the import before anything is written (``ConfigurationError``), because falling
back to a default would activate records that the broken pack may have meant to hold back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from policies import ImportDisposition, PolicyPack, import_disposition
from service.auth.principal import SystemActor
from service.config import ConfigurationError, Settings
from service.imports import un_xml
from service.imports.writer import ImportOptions, ImportSummary, run_import
from service.oversight.settings import OversightSettings, oversight_settings
from service.policy.entry_rules import EntryRules
from service.policy.pack import PACK_KEY, load_configured_pack
from service.policy.relisting import load_relisting_key

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


def _policy_pack(settings: Settings, extensions: dict[str, Any] | None) -> PolicyPack:
    if extensions and extensions.get(PACK_KEY) is not None:
        return extensions[PACK_KEY]
    return load_configured_pack(settings)  # raises ConfigurationError naming file and key


def entry_rules(settings: Settings, extensions: dict[str, Any] | None = None) -> EntryRules:
    """The policy rules imports apply: activation clock (RV-review-date) and RD-no-moot."""
    if extensions and extensions.get("entry_rules") is not None:
        return extensions["entry_rules"]
    pack = _policy_pack(settings, extensions)
    return EntryRules(pack, relisting_key=load_relisting_key(settings))


def activation_for(
    settings: Settings, policy_source: str, *, extensions: dict[str, Any] | None = None
) -> tuple[bool, str]:
    """(activate on import?, the rule that decided it, for the record)."""
    removed = oversight_settings().import_un_binding
    if removed is not None:
        raise ConfigurationError(
            "WATCHLIST_IMPORT_UN_BINDING is no longer read: list the binding sources in the "
            "policy pack (imports.binding_sources) and unset it"
        )
    decided = import_disposition(_policy_pack(settings, extensions), policy_source)
    binding = decided.value is ImportDisposition.AUTO_ACTIVATE
    return binding, f"pack {decided.decided_by}: {policy_source} " + (
        "is a binding source" if binding else "is not binding (review queue)"
    )


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
    activate, note = activation_for(settings, un_xml.POLICY_SOURCE, extensions=extensions)
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
        file_sha256=file_sha256(path),
        activation_note=note,
        rules=entry_rules(settings, extensions),
    )
    return run_import(session, options, items(), progress=progress, warnings=warnings)
