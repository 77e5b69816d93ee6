"""The three extensions of the POS equivalent document (20): software manufacturer, buyer
benefits and cash register (Res. 000165/2023 §8.2; rules DEPD11/DEPD21 require all three).

They are Name/Value pairs in the document's own namespace (``Invoice-2``), as the official
sample shows; ``UbicaciónCaja`` and ``CódigoVenta`` carry accents on purpose (DEPD27/DEPD33).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from lxml import etree

from core.ubl import formats
from core.ubl.context import BuildContext
from core.ubl.extensions import add_extension_content
from core.ubl.namespaces import root_tag

_NAME = root_tag("Invoice", "Name")
_VALUE = root_tag("Invoice", "Value")


def add_point_of_sale_extensions(extensions: etree._Element, ctx: BuildContext) -> None:
    """Append the three POS extensions after ``sts:DianExtensions``."""
    pos = ctx.document.point_of_sale
    if pos is None:
        raise ValueError("document.point_of_sale is required for a POS equivalent document")
    maker = pos.software_manufacturer
    _pairs(
        extensions,
        "FabricanteSoftware",
        "InformacionDelFabricanteDelSoftware",
        (
            ("NombreApellido", maker.owner_name),
            ("RazonSocial", maker.company_name),
            ("NombreSoftware", maker.software_name),
        ),
    )
    customer = ctx.document.customer
    benefits = pos.buyer_benefits
    _pairs(
        extensions,
        "BeneficiosComprador",
        "InformacionBeneficiosComprador",
        (
            ("Codigo", benefits.code if benefits else customer.id_number),
            ("NombresApellidos", benefits.name if benefits else customer.name),
            ("Puntos", formats.quantity(benefits.points if benefits else Decimal("0"))),
        ),
    )
    _pairs(
        extensions,
        "PuntoVenta",
        "InformacionCajaVenta",
        (
            ("PlacaCaja", pos.plate_number),
            ("UbicaciónCaja", pos.location),
            ("Cajero", pos.cashier),
            ("TipoCaja", pos.cash_type),
            ("CódigoVenta", pos.sales_code),
            ("SubTotal", formats.amount(pos.subtotal)),
        ),
    )


def _pairs(
    extensions: etree._Element, wrapper: str, group: str, pairs: Iterable[tuple[str, str]]
) -> None:
    content = add_extension_content(extensions)
    info = etree.SubElement(
        etree.SubElement(content, root_tag("Invoice", wrapper)), root_tag("Invoice", group)
    )
    for name, value in pairs:
        etree.SubElement(info, _NAME).text = name
        etree.SubElement(info, _VALUE).text = value
