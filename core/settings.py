"""Gateway settings, read from the environment when the app (or a CLI command) is created."""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from pathlib import Path

import msgspec

from core.rate_limit_settings import limits_from_env

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./pasarela.db"


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything configurable; ``from_env`` is the one place environment variables are read.

    database_url      PASARELA_DATABASE_URL (``postgresql://`` is taken as asyncpg)
    secret_key_file   PASARELA_SECRET_KEY_FILE; the key itself may come in PASARELA_SECRET_KEY
    public_url        PASARELA_PUBLIC_URL, the base URL links in responses use
    simulator_url     PASARELA_SIMULATOR_URL; empty = the in-process simulator of this gateway
    xsd_dir           PASARELA_XSD_DIR; when set, produced and received XML is XSD-validated
    retry_interval_s  PASARELA_RETRY_INTERVAL (seconds between job-worker sweeps when idle;
                      also the first backoff of a pending document, doubled per attempt)
    job_lease_s       PASARELA_JOB_LEASE (seconds a running job is leased to its process; the
                      process renews it while the job runs, so after a crash another process
                      takes the job this long after the last renewal)
    retry_max_backoff_s PASARELA_RETRY_MAX_BACKOFF (longest wait between two attempts; 300)
    dian_timeout_s    PASARELA_DIAN_TIMEOUT (read timeout of one SOAP call)
    request_timeout_s PASARELA_REQUEST_TIMEOUT (seconds an HTTP request may take before it is
                      answered 504; 0 = no deadline; keep it above the DIAN timeout)
    max_attempts      PASARELA_MAX_ATTEMPTS (sends/queries before a document is "fallido")
    disable_plugins   PASARELA_DISABLE_PLUGINS (entry-point names, comma-separated; ``*``: every
                      plugin not shipped with Pasarela)
    only_plugins      PASARELA_PLUGINS (load only these entry-point names)
    open_registration PASARELA_OPEN_REGISTRATION (``1``/``true``): a dialect whose API lets a
                      company register itself (and get its token) accepts it without the
                      operator token; off by default
    rate_limits       PASARELA_RATE_LIMIT_<DIALECT> (requests per minute per credential of
                      that dialect; 0 = unlimited; unset = the dialect's default), by dialect
    operator_token    PASARELA_OPERATOR_TOKEN: the Bearer token of the gateway's operator on
                      routes a dialect reserves for the operator (e.g. registering companies
                      while registration is closed); unset = nobody holds it. Never logged.
    """

    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str | None = None
    secret_key_file: str = "./pasarela.key"
    public_url: str = "http://127.0.0.1:8000"
    simulator_url: str | None = None
    xsd_dir: str | None = None
    retry_interval_s: float = 5.0
    job_lease_s: float = 30.0
    dian_timeout_s: float = 30.0
    request_timeout_s: float = 120.0
    max_attempts: int = 30
    retry_max_backoff_s: float = 300.0
    log_level: str = "INFO"
    disable_plugins: str = ""  # PASARELA_DISABLE_PLUGINS: entry-point names, or "*"
    only_plugins: str = ""  # PASARELA_PLUGINS: load only these entry-point names
    open_registration: bool = False
    operator_token: str | None = msgspec.field(default=None)
    rate_limits: dict[str, int] = msgspec.field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        mapping = {
            "PASARELA_DATABASE_URL": "database_url",
            "PASARELA_SECRET_KEY": "secret_key",
            "PASARELA_SECRET_KEY_FILE": "secret_key_file",
            "PASARELA_PUBLIC_URL": "public_url",
            "PASARELA_SIMULATOR_URL": "simulator_url",
            "PASARELA_XSD_DIR": "xsd_dir",
            "PASARELA_LOG_LEVEL": "log_level",
            "PASARELA_DISABLE_PLUGINS": "disable_plugins",
            "PASARELA_PLUGINS": "only_plugins",
        }
        for var, name in mapping.items():
            if env.get(var):
                values[name] = env[var]
        if env.get("PASARELA_RETRY_INTERVAL"):
            values["retry_interval_s"] = float(env["PASARELA_RETRY_INTERVAL"])
        if env.get("PASARELA_RETRY_MAX_BACKOFF"):
            values["retry_max_backoff_s"] = float(env["PASARELA_RETRY_MAX_BACKOFF"])
        if env.get("PASARELA_MAX_ATTEMPTS"):
            values["max_attempts"] = int(env["PASARELA_MAX_ATTEMPTS"])
        if env.get("PASARELA_JOB_LEASE"):
            values["job_lease_s"] = float(env["PASARELA_JOB_LEASE"])
        if env.get("PASARELA_OPEN_REGISTRATION"):
            flag = env["PASARELA_OPEN_REGISTRATION"].strip().lower()
            values["open_registration"] = flag in ("1", "true", "yes", "si", "sí")
        if env.get("PASARELA_OPERATOR_TOKEN"):
            values["operator_token"] = env["PASARELA_OPERATOR_TOKEN"].strip()
        if env.get("PASARELA_DIAN_TIMEOUT"):
            values["dian_timeout_s"] = float(env["PASARELA_DIAN_TIMEOUT"])
        if env.get("PASARELA_REQUEST_TIMEOUT"):
            values["request_timeout_s"] = float(env["PASARELA_REQUEST_TIMEOUT"])
        values["rate_limits"] = limits_from_env(env)
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def is_operator_token(self, token: str | None) -> bool:
        """Whether ``token`` is the operator's (constant-time; never true when unset)."""
        if not self.operator_token or not token:
            return False
        return hmac.compare_digest(token.encode(), self.operator_token.encode())

    @property
    def plugin_selection(self) -> dict[str, str]:
        """Which plugins to load, in the variables ``core.plugins.get_plugin_manager`` reads."""
        return {
            "PASARELA_DISABLE_PLUGINS": self.disable_plugins,
            "PASARELA_PLUGINS": self.only_plugins,
        }

    @property
    def async_database_url(self) -> str:
        """The SQLAlchemy async URL: plain ``postgresql://`` and ``sqlite://`` get async drivers."""
        url = self.database_url
        if url.startswith(("postgresql://", "postgres://")):
            return "postgresql+asyncpg://" + url.split("://", 1)[1]
        if url.startswith("sqlite://"):
            return "sqlite+aiosqlite://" + url.split("://", 1)[1]
        return url

    @property
    def xsd_path(self) -> Path | None:
        return Path(self.xsd_dir) if self.xsd_dir else None
