"""Service settings, read once from the environment (prefix ``KAM_``)."""

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from babel import Locale, UnknownLocaleError
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.glossary import Role

ENV_PREFIX = "KAM_"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

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
    data_dir: Path = Field(
        default=Path(".data"), description="Where the embedded PostgreSQL keeps its data (<dir>/pg)."
    )
    host: str = Field(default="127.0.0.1", description="Address the service listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port the service listens on.")
    workers: Annotated[int, Field(ge=1)] | Literal["auto"] = Field(
        default=1, description="Worker processes serving requests; auto: one per CPU of the container's quota."
    )
    currency: str = Field(
        default="USD", pattern=r"^[A-Z]{3}$", description="ISO 4217 code of every amount (reports show it)."
    )
    locale: str = Field(
        default="en_US",
        pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$",
        description="How reports write numbers, money and dates, e.g. en_US, de_DE, fr_FR.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Web app origins allowed to call the API from a browser (CORS), e.g. https://kam.example.com.",
    )
    problem_type_base: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        description="Where the problem types are documented: a problem's `type` is this followed by its "
        "code, e.g. https://kam.example.com/docs/problems.html# (the docs site's page of problems); "
        "unset, every `type` is about:blank and `code` names the cause.",
    )
    log_level: Literal["debug", "info", "warning", "error", "critical"] = Field(
        default="info", description="Least severe log level written."
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1", description="Proxies whose X-Forwarded-For names the client (comma-separated, * for any)."
    )
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, description="Largest request body accepted.")
    db_pool_size: int | None = Field(
        default=None,
        ge=1,
        description="Database connections each worker keeps (as many again for plain reads); more requests wait. "
        "Unset: the largest (2 to 10) that keeps the workers within KAM_DB_MAX_CONNECTIONS.",
    )
    db_max_connections: int = Field(
        default=60,
        ge=4,
        description="The most connections to the primary that one `kam serve` opens, its workers and their job "
        "queues together; keep the sum over all processes below PostgreSQL's max_connections.",
    )
    db_pool_timeout_seconds: float = Field(
        default=10, gt=0, description="Longest wait for a free connection before answering 503."
    )
    db_connect_timeout_seconds: float = Field(default=5, gt=0, description="Longest wait to open a connection.")
    run_jobs: bool = Field(
        default=True, description="Run background jobs in the service's processes; false when `kam worker` runs them."
    )
    worker_metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Where `kam worker` serves its Prometheus metrics (its jobs' durations and outcomes, "
        "deliveries), on KAM_HOST; unset, it serves none.",
    )
    webhooks_allow_local_targets: bool = Field(
        default=False,
        description="Let webhooks reach the service's own host (loopback, its addresses); off against forgery.",
    )

    jwt_secret: SecretStr | None = Field(
        default=None,
        min_length=32,
        description="Signs sign-in tokens; unset, a key made once is kept in the database and shared by every worker.",
    )
    access_token_minutes: int = Field(default=30, ge=1, le=24 * 60, description="Lifetime of a sign-in token.")
    refresh_token_days: int = Field(default=14, ge=1, le=365, description="Lifetime of a refresh token.")
    bootstrap_admin_token: SecretStr | None = Field(
        default=None, description="With no user yet, an admin is created whose API token is this value."
    )
    bootstrap_admin_email: str = Field(
        default="admin@example.com", description="Email of the admin KAM_BOOTSTRAP_ADMIN_TOKEN creates."
    )
    sign_in_window_minutes: int = Field(default=15, ge=1, description="Window in which failed sign-ins count.")
    sign_in_max_failures_per_email: int = Field(
        default=5, ge=1, description="Failed sign-ins to one email within the window before it waits."
    )
    sign_in_max_failures_per_address: int = Field(
        default=20, ge=1, description="Failed sign-ins from one client address within the window before it waits."
    )
    password_sign_in: bool = Field(
        default=True,
        description="Let users sign in with email and password (POST /v1/auth/token); false where everyone "
        "signs in through the identity provider.",
    )
    oidc_discovery_url: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        description="Single sign-on: the identity provider's OpenID Connect discovery document "
        "(…/.well-known/openid-configuration); unset, there is no single sign-on.",
    )
    oidc_client_id: str | None = Field(
        default=None, description="The service's client id at the identity provider: the audience its tokens carry."
    )
    oidc_client_secret: SecretStr | None = Field(
        default=None, description="The client's secret, for the code flow; unset for a public client (PKCE alone)."
    )
    oidc_redirect_uri: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        description="Where the provider sends the browser back with a code: the web app's page that posts it "
        "to /v1/auth/oidc/token. Registered at the provider.",
    )
    oidc_scopes: str = Field(default="openid email profile", description="Scopes the code flow asks for.")
    oidc_email_verified_claim: str = Field(
        default="email_verified",
        description="The claim that says the email is the user's own (Entra ID: xms_edov); a token without it "
        "true maps to no user.",
    )
    oidc_new_user_role: Role | None = Field(
        default=None,
        description="The role of a user created at their first sign-in through the provider; unset, only "
        "users an admin created may sign in.",
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        """`https://a.example,https://b.example` as an operator writes it; a JSON list still works."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    return json.loads(text)
                except json.JSONDecodeError:
                    raise ValueError("write the origins comma-separated, or as a JSON list of strings") from None
            return [origin.strip() for origin in text.split(",") if origin.strip()]
        return value

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        try:
            Locale.parse(value)
        except (UnknownLocaleError, ValueError):
            raise ValueError("a locale Babel knows, such as en_US, en_GB, de_DE or fr_FR") from None
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _any_case(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


class SettingsError(ValueError):
    """A setting the environment gives that the service cannot use, told as the operator wrote it."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as invalid:
        raise SettingsError("\n".join(_explain(error) for error in invalid.errors())) from None


def _explain(error: Any) -> str:
    name = ENV_PREFIX + "_".join(str(part) for part in error["loc"][:1]).upper()
    return f"{name}={error['input']!r} is not accepted: {error['msg'].removeprefix('Value error, ')}"


@lru_cache
def get_settings() -> Settings:
    return load_settings()
