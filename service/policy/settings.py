"""Settings of the policies feature (prefix ``WATCHLIST_POLICY_``)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class PolicySettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="WATCHLIST_POLICY_", env_file=".env", extra="ignore"
    )

    scheduler_enabled: bool = Field(
        default=False,
        description="Run the policy runner inside the service process (off by default: use "
        "`watchlist policies run` from cron; both use the same code and are safe together).",
    )
    scheduler_interval_seconds: float = Field(default=3600.0, gt=0)
    relisting_key: SecretStr | None = Field(
        default=None,
        description="Secret HMAC key of the identity digests kept after a delisting through "
        "redress (RD-no-moot), at least 32 characters, the same on every replica. Default: "
        "<data_dir>/relisting-digest.key, created on first use outside production; production "
        "refuses to start without one.",
    )
    letter_authority: str = Field(
        default="The watchlist controller's redress office",
        description="Sender named on determination letters",
    )
    supervisory_authority: str = Field(
        default="the national data protection supervisory authority",
        description="Named in letters as the body to turn to",
    )
