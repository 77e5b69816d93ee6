"""Pre-flight rules of the support document (05) and its adjustment note (95), Spanish messages.

Rule ids follow DIAN's scheme for these kinds (prefix DSA or NSA, then the section: J the
seller, V the lines): ``J01`` the seller is the issuing tenant itself, ``J10`` the seller's
residence (operation type 10/11) and its address disagree, ``V10`` a line's transmission code
is not 1 or 2. They are ids of ours under DIAN's scheme (the simulator reports the same ones):
our sources do not list DIAN's own ids for these checks.
(The adjustment note's own correction concepts are checked by core pre-flight, ``PAS-N02``,
from ``DocumentType.correction_concepts``.)
"""

from __future__ import annotations

from core.api import Document, DocumentType, Problem, TenantView
from core.tenant_role import place_tenant

RESIDENT, NOT_RESIDENT = "10", "11"
TRANSMISSION_CODES = frozenset({"1", "2"})  # 1 por operación, 2 acumulado semanal


def _seller_path(document: Document) -> str:
    """Where the dialect sent the seller: ``supplier`` when given, else ``customer``."""
    return "supplier" if document.supplier is not None else "customer"


def check_seller_is_not_tenant(
    document: Document, tenant: TenantView, kind: DocumentType
) -> list[Problem]:
    """The tenant buys from someone else: a support document to itself is refused."""
    seller = place_tenant(document, tenant, kind).supplier
    if seller is None or seller.id_number.strip() != tenant.nit:
        return []
    return [
        Problem(
            path=f"{_seller_path(document)}.id_number",
            rule=f"{kind.rule_prefix}J01",
            message=(
                f"El vendedor no puede ser la misma empresa que emite el documento (NIT "
                f"{tenant.nit}): el documento soporte y su nota de ajuste se expiden por "
                "compras a terceros no obligados a facturar."
            ),
        )
    ]


def check_seller_residence(
    document: Document, tenant: TenantView, kind: DocumentType
) -> list[Problem]:
    """Operation type 10 is a seller resident in Colombia, 11 one who is not: the seller's
    address must say the same (when it gives a country)."""
    seller = place_tenant(document, tenant, kind).supplier
    if seller is None or seller.address is None:
        return []
    in_colombia = seller.address.country_code.upper() == "CO"
    if document.operation_type == RESIDENT and not in_colombia:
        message = (
            "El tipo de operación 10 es para un vendedor residente en Colombia, pero su "
            f"dirección está en {seller.address.country_code!r}; use 11 (no residente)."
        )
    elif document.operation_type == NOT_RESIDENT and in_colombia:
        message = (
            "El tipo de operación 11 es para un vendedor no residente, pero su dirección "
            "está en Colombia; use 10 (residente) o informe el país del vendedor."
        )
    else:
        return []
    return [
        Problem(
            path=f"{_seller_path(document)}.address.country_code",
            rule=f"{kind.rule_prefix}J10",
            message=message,
        )
    ]


def check_purchase_periods(document: Document, kind: DocumentType) -> list[Problem]:
    """Each line's transmission code is DIAN's 1 (por operación) or 2 (acumulado semanal)."""
    return [
        Problem(
            path=f"lines[{index}].purchase_period.transmission_code",
            rule=f"{kind.rule_prefix}V10",
            message=(
                "Forma de generación y transmisión no válida: "
                f"{line.purchase_period.transmission_code!r} (1 por operación, 2 acumulado "
                "semanal)."
            ),
        )
        for index, line in enumerate(document.lines)
        if line.purchase_period is not None
        and line.purchase_period.transmission_code not in TRANSMISSION_CODES
    ]
