"""APIDIAN's environment ids and Pasarela's environments.

APIDIAN has ``type_environments`` 1 (producción) and 2 (pruebas/habilitación). Pasarela adds
**3, its DIAN simulator** (``simulador``), for development: same documents, answered by the
simulator in this gateway, which learns the company's software, PIN, ranges and certificate
as soon as they are configured. A company on 3 that asks for 1 is promoted to the simulator's
producción (``simulador_produccion``, reported as 1). Pasarela keeps one environment per
company, for all its documents (APIDIAN keeps one per channel).
"""

from __future__ import annotations

from adapters.apidian.rules import Rules
from core.api import AppContext, InvalidRequest

ENVIRONMENT_IDS = {1: "produccion", 2: "habilitacion", 3: "simulador"}
NAMES = {1: "Producción", 2: "Pruebas", 3: "Simulador DIAN de Pasarela"}
PRODUCTION_ID = 1
# the simulator's producción (a company promoted from 3) reads as producción
ALIASES = {"simulador_produccion": PRODUCTION_ID}


def check_environment_id(rules: Rules, field: str, message: str | None = None) -> int | None:
    """``nullable|exists:type_environments,id`` (3 included); the id, or ``None``."""
    if not rules.has(field):
        return None
    value = rules.integer(field)
    if value is not None and value not in ENVIRONMENT_IDS:
        rules.add(field, message or f"{field.replace('_', ' ')} es inválido.")
        return None
    return value


def environment_for(ctx: AppContext, value: int, field: str) -> str:
    """The Pasarela environment of an APIDIAN id; 422 on ``field`` when it is not installed."""
    environment = ENVIRONMENT_IDS[value]
    if environment not in ctx.registry.environments:
        raise InvalidRequest(
            {field: [f"El ambiente {value} ({NAMES[value]}) no está instalado en Pasarela."]}
        )
    return environment


def environment_id(environment: str) -> int | None:
    """The APIDIAN id of a Pasarela environment (``None`` for a plugin's own)."""
    found = next((i for i, e in ENVIRONMENT_IDS.items() if e == environment), None)
    return found if found is not None else ALIASES.get(environment)
