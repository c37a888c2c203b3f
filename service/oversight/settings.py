"""Settings of the oversight and import features (environment prefix ``WATCHLIST_``).

Kept apart from ``service.config.Settings`` so that this feature can be configured without
touching the shared settings object; the data directory is taken from it.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from service.config import Settings


class OversightSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WATCHLIST_", env_file=".env", extra="ignore")

    audit_signing_key_file: Path | None = Field(
        default=None,
        description="Ed25519 key for exports and checkpoints; default "
        "<data_dir>/audit-signing-key.pem (created on first use, mode 0600)",
    )
    report_min_count: int = Field(
        default=5,
        ge=1,
        description="Counts below this (and above 0) are published as '<N' "
        "in transparency reports, so that no individual can be singled out",
    )
    import_un_binding: bool | None = Field(
        default=None,
        description="Removed: the policy pack's imports.binding_sources decides which sources "
        "are activated on import. Still read only so that an import refuses to run while it "
        "is set, instead of silently ignoring it",
    )
    audit_checkpoint_interval_seconds: float = Field(
        default=0,
        ge=0,
        description="Sign a checkpoint of the audit chain this often inside the "
        "service (0: off; run `watchlist audit checkpoint` from a scheduler instead)",
    )
    import_agency: str | None = Field(
        default=None,
        description="originating_agency of imported entries (default: the "
        "fusion cell, WATCHLIST_REVIEW_AGENCY), the accuracy owner (DQ-owner-accuracy)",
    )


def oversight_settings() -> OversightSettings:
    return OversightSettings()


def signing_key_path(settings: Settings, extra: OversightSettings | None = None) -> Path:
    extra = extra or oversight_settings()
    return extra.audit_signing_key_file or (settings.data_dir / "audit-signing-key.pem")
