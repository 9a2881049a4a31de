"""Service settings, read once from the environment (prefix ``KAM_``)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KAM_", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the PostgreSQL server; unset starts the embedded one.",
    )
    database_replica_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of a streaming replica for reports and lists, which tolerate its lag.",
    )
    database_pgbouncer: bool = Field(
        default=False,
        description="The URLs lead to PgBouncer in transaction mode: no statement is prepared under a name.",
    )
    data_dir: Path = Field(default=Path(".data"), description="Where the embedded PostgreSQL keeps its data.")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    cors_origins: list[str] = Field(default_factory=list)
    log_level: str = "info"
    forwarded_allow_ips: str = Field(
        default="127.0.0.1", description="Proxies trusted for X-Forwarded-For (the client address of rate limits)."
    )
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    db_pool_size: int = Field(default=10, ge=1)
    db_pool_timeout_seconds: float = Field(default=10, gt=0, description="Longest wait for a free connection.")
    db_connect_timeout_seconds: float = Field(default=5, gt=0, description="Longest wait to open a connection.")
    run_jobs: bool = Field(
        default=True, description="Run background jobs in the service's processes; false when `kam worker` runs them."
    )
    webhooks_allow_local_targets: bool = Field(
        default=False,
        description="Let webhooks reach the service's own host (loopback, its addresses); off against forgery.",
    )

    jwt_secret: SecretStr | None = Field(
        default=None,
        min_length=32,
        description="Signs sign-in tokens; unset, a key generated once is kept in the database.",
    )
    access_token_minutes: int = Field(default=30, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=14, ge=1, le=365)
    bootstrap_admin_token: SecretStr | None = Field(
        default=None, description="With no user yet, an admin is created whose API token is this value."
    )
    bootstrap_admin_email: str = "admin@example.com"
    sign_in_window_minutes: int = Field(default=15, ge=1)
    sign_in_max_failures_per_email: int = Field(default=5, ge=1)
    sign_in_max_failures_per_address: int = Field(default=20, ge=1)


@lru_cache
def get_settings() -> Settings:
    return Settings()
