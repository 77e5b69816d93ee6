"""The operator's rate-limit settings: ``PASARELA_RATE_LIMIT_<DIALECT>`` (requests per minute
per credential of that dialect; ``0``: unlimited), read with the other settings
(``core.settings``); ``core.rate_limits`` applies them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from core.errors import ConfigurationError

ENV_PREFIX: Final = "PASARELA_RATE_LIMIT_"


def env_name(dialect_id: str) -> str:
    """The variable that sets a dialect's limit: ``PASARELA_RATE_LIMIT_<ID>``."""
    return ENV_PREFIX + dialect_id.upper().replace("-", "_")


def limits_from_env(env: Mapping[str, str]) -> dict[str, int]:
    """The ``PASARELA_RATE_LIMIT_<ID>`` values by normalized dialect id (``ConfigurationError``
    naming the variable when one is not a whole number of at least 0)."""
    limits: dict[str, int] = {}
    for name, text in env.items():
        if not name.startswith(ENV_PREFIX) or not text.strip():
            continue
        try:
            value = int(text)
        except ValueError:
            value = -1
        if value < 0:
            raise ConfigurationError(f"{name} debe ser un número entero de 0 en adelante")
        limits[normalized_dialect_id(name.removeprefix(ENV_PREFIX))] = value
    return limits


def normalized_dialect_id(dialect_id: str) -> str:
    """A dialect id as its variable name spells it back (lower case, ``-`` for ``_``)."""
    return dialect_id.lower().replace("_", "-")
