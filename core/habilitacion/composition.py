"""How many documents of each kind a test set holds, and which kinds a tenant sends.

DIAN's habilitación sets name their composition per kind; the default here is the invoicing
set's (eight invoices, a credit note, a debit note; research §4.6), and the simulator's
``PASARELA_SIM_TEST_SET`` takes the same form. A kind the tenant is not enabled for (its
permission), or that is not installed, is left out of the default; named explicitly it is an
error.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from core.contracts import DocumentType
from core.errors import ConfigurationError

DEFAULT_COMPOSITION: Mapping[str, int] = {"01": 8, "91": 1, "92": 1}


def parse_composition(text: str) -> dict[str, int]:
    """``01:8,91:1`` → ``{"01": 8, "91": 1}`` (``ConfigurationError`` in Spanish when bad)."""
    composition: dict[str, int] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        code, _, count = item.partition(":")
        try:
            composition[code.strip()] = int(count)
        except ValueError:
            raise ConfigurationError(
                f"composición inválida {item.strip()!r}: use TIPO:CANTIDAD, p. ej. 01:8,91:1"
            ) from None
        if composition[code.strip()] < 1:
            raise ConfigurationError(f"la cantidad de documentos {code.strip()} debe ser 1 o más")
    if not composition:
        raise ConfigurationError("la composición del set de pruebas está vacía")
    return composition


def plan_composition(
    kinds: Mapping[str, DocumentType],
    permissions: Collection[str],
    *,
    composition: Mapping[str, int] | None = None,
    only: Collection[str] | None = None,
) -> dict[str, int]:
    """The documents to send per kind code: ``composition`` (default ``DEFAULT_COMPOSITION``)
    restricted to ``only`` when given. Kinds named explicitly must be installed and enabled
    for the tenant; the default keeps just those that are."""
    explicit = composition is not None
    wanted = dict(composition if explicit else DEFAULT_COMPOSITION)
    if only is not None:
        unknown = [code for code in only if code not in wanted and code not in kinds]
        if unknown:
            raise ConfigurationError(f"tipos de documento no instalados: {', '.join(unknown)}")
        wanted = {code: wanted.get(code, 1) for code in only}
        explicit = True
    planned: dict[str, int] = {}
    for code, count in wanted.items():
        kind = kinds.get(code)
        usable = kind is not None and kind.permission in permissions and kind.sample is not None
        if usable:
            planned[code] = count
        elif explicit:
            reason = "no está instalado" if kind is None else "no está habilitado para la empresa"
            raise ConfigurationError(f"el tipo de documento {code} {reason}")
    if not planned:
        raise ConfigurationError("la empresa no está habilitada para ningún tipo del set")
    return planned
