"""The Factus dialect's own knobs, read from the environment once per gateway context.

PASARELA_FACTUS_TOKEN_LIFETIME   seconds an access token lives (``expires_in``; default 3600)
PASARELA_FACTUS_REFRESH_LIFETIME seconds a refresh token lives (default 30 days)

Core's ``Settings`` holds the gateway's settings only (no dialect names there), so a plugin
reads its own, as the simulator does with ``PASARELA_SIM_*``.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Mapping
from typing import Any

import msgspec

DEFAULT_TOKEN_LIFETIME_S = 3600
DEFAULT_REFRESH_LIFETIME_S = 30 * 24 * 3600


class FactusSettings(msgspec.Struct, frozen=True, kw_only=True):
    token_lifetime_s: int = DEFAULT_TOKEN_LIFETIME_S
    refresh_lifetime_s: int = DEFAULT_REFRESH_LIFETIME_S

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> FactusSettings:
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        names = {
            "PASARELA_FACTUS_TOKEN_LIFETIME": "token_lifetime_s",
            "PASARELA_FACTUS_REFRESH_LIFETIME": "refresh_lifetime_s",
        }
        for var, name in names.items():
            if env.get(var):
                try:
                    values[name] = int(env[var])
                except ValueError:
                    raise ValueError(f"{var} debe ser un número entero") from None
        values.update(overrides)
        settings = cls(**values)
        if settings.token_lifetime_s < 0 or settings.refresh_lifetime_s < 0:
            raise ValueError("la vigencia de un token no puede ser negativa")
        return settings


_by_context: weakref.WeakKeyDictionary[Any, FactusSettings] = weakref.WeakKeyDictionary()


def settings_for(ctx: Any) -> FactusSettings:
    """The settings of one gateway context (``AppContext``), read on first use."""
    found = _by_context.get(ctx)
    if found is None:
        found = _by_context[ctx] = FactusSettings.from_env()
    return found


def configure(ctx: Any, settings: FactusSettings) -> None:
    """Set a context's settings (embedding applications and tests)."""
    _by_context[ctx] = settings
