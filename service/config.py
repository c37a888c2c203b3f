"""Service configuration, read from environment variables (prefix ``WATCHLIST_``).

One ``Settings`` object holds everything; ``validate_for_production`` refuses settings that are
only safe on a developer's machine (the embedded SQLite database, the development signing key).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WATCHLIST_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'watchlist.sqlite3'}",
        description="SQLAlchemy URL. SQLite is the embedded default for a first run only.",
    )
    data_dir: Path = DEFAULT_DATA_DIR

    # Token validation. Either a JWKS file or a JWKS URL; the development JWKS is derived from
    # the development signing key, which `watchlist token` uses.
    jwks_file: Path | None = None
    jwks_url: str | None = None
    jwks_cache_seconds: float = Field(default=300.0, gt=0,
                                      description="Fetch the JWKS URL again after this long")
    jwks_refetch_interval_seconds: float = Field(
        default=30.0, ge=0,
        description="At most one extra fetch per interval, for a token naming an unknown key "
        "id (key rotation) or after a failed fetch",
    )
    jwks_max_stale_seconds: float = Field(
        default=3600.0, ge=0,
        description="While the JWKS URL fails, keep checking tokens against the last good key "
        "set until it is this old; then answer 503",
    )
    jwt_issuer: str = "watchlist-dev"
    jwt_audience: str = "watchlist"
    jwt_algorithms: list[str] = ["RS256", "ES256", "EdDSA"]
    jwt_leeway_seconds: int = 30
    dev_signing_key_file: Path | None = None

    # Limits.
    max_body_bytes: int = 2_000_000

    # Screening: by default a replica that cannot reach the database fails closed.
    screening_allow_stale: bool = False
    screening_max_staleness_seconds: float = 300.0
    index_poll_interval_seconds: float = 0.25
    # How long a screening waits for the group commit of its rows and audit event before it
    # answers 503 (fail closed) instead of hanging on a database that does not answer.
    screening_commit_timeout_seconds: float = Field(default=30.0, gt=0)
    # HMAC key (hex, at least 32 bytes) behind the traveller identity digests of remembered
    # decisions and cleared profiles; every replica needs the same one. Unset (development
    # only): a key is generated once in ``data_dir``.
    screening_identity_key: SecretStr | None = None

    review_agency: str = Field(
        default="fusion-cell",
        description="The fusion cell's agency code: its reviewers see every entry.",
    )

    policy_pack: str = "default"
    policy_pack_file: Path | None = None

    log_level: str = "INFO"
    log_json: bool = True

    def resolved_dev_key_file(self) -> Path:
        return self.dev_signing_key_file or (self.data_dir / "dev-signing-key.json")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def production_problems(self) -> list[str]:
        """Reasons why these settings must not run in production (empty when they may)."""
        problems: list[str] = []
        if self.is_sqlite:
            problems.append("WATCHLIST_DATABASE_URL points to SQLite; production needs PostgreSQL")
        if not (self.jwks_file or self.jwks_url):
            problems.append(
                "no WATCHLIST_JWKS_FILE or WATCHLIST_JWKS_URL: tokens would be checked against "
                "the development key"
            )
        if self.jwt_issuer == "watchlist-dev":
            problems.append("WATCHLIST_JWT_ISSUER is the development issuer")
        if self.screening_identity_key is None:
            problems.append(
                "no WATCHLIST_SCREENING_IDENTITY_KEY: each replica would generate its own key in "
                "its data directory, and remembered decisions would not be recognised by the others"
            )
        return problems


class ConfigurationError(RuntimeError):
    """Raised at start-up when the configuration is unsafe or inconsistent."""


def validate_for_production(settings: Settings) -> None:
    if settings.environment != "production":
        return
    problems = settings.production_problems()
    if problems:
        raise ConfigurationError(
            "refusing to start in production mode: " + "; ".join(problems)
        )


@lru_cache
def get_settings() -> Settings:
    return Settings()
