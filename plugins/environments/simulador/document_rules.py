"""DIAN's document rules the simulator applies, as pure functions over the received XML.

Each check returns ``Finding``s named by DIAN's rule id for the document type (FA, CA, DA ...)
with DIAN's Spanish message. Checks that need the registry (software, ranges, referenced
invoices) receive what the registry holds as arguments; ``validation.py`` fetches it.
Amounts are read as ``Decimal``; nothing here rounds what the sender wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from lxml import etree

from core.dian.responses import format_rule_message
from core.ubl.namespaces import CAC_NS, XPATH_NS
from core.ubl.unique_codes import compute_unique_code, software_security_code
from core.validation.nit import is_valid_nit
from plugins.environments.simulador.document_facts import DocumentFacts, text
from plugins.environments.simulador.store import RegisteredRange, RegisteredSoftware

ZERO = Decimal("0")
CENT = Decimal("0.01")
#: DIAN's rounding tolerance between a tax amount and base × rate (line sums round per line).
TAX_TOLERANCE = Decimal("1.00")


@dataclass(frozen=True)
class Finding:
    """One DIAN rule outcome worth reporting: a rejection or a notification."""

    rule: str
    message: str
    rejection: bool = True

    def render(self) -> str:
        """``Regla: X, Rechazo|Notificación: …`` as DIAN writes it in ErrorMessage."""
        return format_rule_message(self.rule, self.message, rejection=self.rejection)


def _amount(node: etree._Element | None, path: str) -> Decimal | None:
    value = text(node, path)
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def monetary_total(root: etree._Element) -> etree._Element | None:
    total = root.find("cac:LegalMonetaryTotal", XPATH_NS)
    return total if total is not None else root.find("cac:RequestedMonetaryTotal", XPATH_NS)


_LINE_TAGS = tuple(
    f"{{{CAC_NS}}}{name}" for name in ("InvoiceLine", "CreditNoteLine", "DebitNoteLine")
)


def document_lines(root: etree._Element) -> list[etree._Element]:
    return list(root.iterchildren(*_LINE_TAGS))


def _quantity(line: etree._Element) -> Decimal | None:
    for name in ("InvoicedQuantity", "CreditedQuantity", "DebitedQuantity"):
        value = _amount(line, f"cbc:{name}")
        if value is not None:
            return value
    return None


def _tax_scheme(subtotal: etree._Element) -> str:
    return text(subtotal, "cac:TaxCategory/cac:TaxScheme/cbc:ID")


# -- lines (FAV) --------------------------------------------------------------------------


def check_lines(root: etree._Element, facts: DocumentFacts) -> list[Finding]:
    p = facts.rule_prefix
    lines = document_lines(root)
    if not lines:
        return [Finding(f"{p}V01", "El documento debe contener al menos una línea.")]
    findings = []
    for line in lines:
        quantity = _quantity(line)
        if quantity is None or quantity < ZERO:
            findings.append(
                Finding(
                    f"{p}V04b",
                    f"La cantidad de la línea {text(line, 'cbc:ID')} no puede "
                    "ser negativa ni estar vacía.",
                )
            )
    return findings


# -- taxes (FAS) --------------------------------------------------------------------------


def check_taxes(root: etree._Element, facts: DocumentFacts) -> list[Finding]:
    p = facts.rule_prefix
    findings: list[Finding] = []
    seen: set[str] = set()
    for tax_total in root.iterfind("cac:TaxTotal", XPATH_NS):
        subtotals = list(tax_total.iterfind("cac:TaxSubtotal", XPATH_NS))
        schemes = {_tax_scheme(s) for s in subtotals}
        for scheme in schemes:
            if scheme in seen or len(schemes) != 1:
                findings.append(
                    Finding(
                        f"{p}S01b",
                        "Tributo informado no coincide, revisar Porcentaje, "
                        "Nombre y ID. Debe existir un TaxTotal a nivel del cabecera por "
                        "cada tipo de impuesto.",
                    )
                )
            seen.add(scheme)
        rates = [text(s, "cac:TaxCategory/cbc:Percent") for s in subtotals]
        rates = [r for r in rates if r]
        if len(rates) != len(set(rates)):
            findings.append(
                Finding(f"{p}S04", "Debe existir un único TaxSubtotal por cada tarifa del tributo.")
            )
        declared = _amount(tax_total, "cbc:TaxAmount")
        summed = sum((_amount(s, "cbc:TaxAmount") or ZERO for s in subtotals), ZERO)
        if declared is None or abs(declared - summed) > CENT:
            findings.append(
                Finding(
                    f"{p}S02",
                    "El valor del tributo no corresponde a la suma de los "
                    "valores de sus subtotales.",
                )
            )
    for subtotal in _all_tax_subtotals(root):
        percent = _amount(subtotal, "cac:TaxCategory/cbc:Percent")
        if percent is None:
            continue  # per-unit taxes (INC bolsas, ICL, IBUA) have no rate
        base = _amount(subtotal, "cbc:TaxableAmount") or ZERO
        amount = _amount(subtotal, "cbc:TaxAmount") or ZERO
        if abs(base * percent / 100 - amount) > TAX_TOLERANCE:
            findings.append(
                Finding(
                    f"{p}S07",
                    "El valor del tributo no corresponde a la base gravable por la tarifa.",
                )
            )
            break
    return findings


def _all_tax_subtotals(root: etree._Element) -> Iterable[etree._Element]:
    yield from root.iterfind("cac:TaxTotal/cac:TaxSubtotal", XPATH_NS)
    for line in document_lines(root):
        yield from line.iterfind("cac:TaxTotal/cac:TaxSubtotal", XPATH_NS)


# -- totals (FAU) -------------------------------------------------------------------------


def check_totals(root: etree._Element, facts: DocumentFacts) -> list[Finding]:
    """FAU02/04/06/08/14 recomputed from the XML's own line and tax values (§6.3)."""
    p = facts.rule_prefix
    total = monetary_total(root)
    if total is None:
        return [Finding(f"{p}U01", "El grupo de totales del documento es obligatorio.")]
    lines = document_lines(root)
    findings: list[Finding] = []

    line_sum = sum((_amount(line, "cbc:LineExtensionAmount") or ZERO for line in lines), ZERO)
    line_extension = _amount(total, "cbc:LineExtensionAmount")
    if line_extension is None or line_extension != line_sum:
        findings.append(
            Finding(
                f"{p}U02",
                "El valor bruto antes de tributos no corresponde a la suma de "
                "los valores brutos de las líneas de la factura.",
            )
        )
        line_extension = line_sum if line_extension is None else line_extension

    taxable_sum = ZERO
    for line in lines:
        bases = [
            _amount(s, "cbc:TaxableAmount") or ZERO
            for s in line.iterfind("cac:TaxTotal/cac:TaxSubtotal", XPATH_NS)
        ]
        if bases:
            taxable_sum += max(bases)
    tax_exclusive = _amount(total, "cbc:TaxExclusiveAmount")
    if tax_exclusive is not None and tax_exclusive != taxable_sum:
        findings.append(
            Finding(
                f"{p}U04",
                "El valor de la base imponible no corresponde a la suma de las "
                "bases gravables de las líneas.",
            )
        )

    taxes = sum(
        (_amount(t, "cbc:TaxAmount") or ZERO for t in root.iterfind("cac:TaxTotal", XPATH_NS)), ZERO
    )
    tax_inclusive = _amount(total, "cbc:TaxInclusiveAmount")
    if tax_inclusive is None or tax_inclusive != line_extension + taxes:
        findings.append(
            Finding(
                f"{p}U06",
                "El valor total con tributos no corresponde al valor bruto más los tributos.",
            )
        )
        tax_inclusive = line_extension + taxes

    allowances = charges = ZERO
    for item in root.iterfind("cac:AllowanceCharge", XPATH_NS):
        amount = _amount(item, "cbc:Amount") or ZERO
        if text(item, "cbc:ChargeIndicator").lower() == "true":
            charges += amount
        else:
            allowances += amount
    allowance_total = _amount(total, "cbc:AllowanceTotalAmount")
    if (allowance_total or ZERO) != allowances:
        findings.append(
            Finding(
                f"{p}U08",
                "El valor de los descuentos no corresponde a la suma de los "
                "descuentos a nivel de documento.",
            )
        )
    charge_total = _amount(total, "cbc:ChargeTotalAmount")
    if (charge_total or ZERO) != charges:
        findings.append(
            Finding(
                f"{p}U10",
                "El valor de los cargos no corresponde a la suma de los cargos "
                "a nivel de documento.",
            )
        )

    prepaid = _amount(total, "cbc:PrepaidAmount") or ZERO
    rounding = _amount(total, "cbc:PayableRoundingAmount") or ZERO
    payable = _amount(total, "cbc:PayableAmount")
    expected = tax_inclusive - allowances + charges + rounding
    if payable is None or payable not in {expected, expected - prepaid}:
        findings.append(
            Finding(
                f"{p}U14",
                "El valor a pagar no corresponde al valor total con tributos "
                "menos descuentos más cargos.",
            )
        )
    return findings


# -- parties (FAJ/FAK) --------------------------------------------------------------------


def check_check_digits(facts: DocumentFacts) -> list[Finding]:
    p = facts.rule_prefix
    findings = []
    seller_without_nit = facts.issued_by_buyer and facts.supplier_scheme != "31"
    if not seller_without_nit and not is_valid_nit(facts.supplier_nit, facts.supplier_dv):
        findings.append(
            Finding(
                f"{p}J24", "DV del NIT del emsior del documento no está correctamente calculado"
            )
        )
    if facts.customer_scheme == "31" and not is_valid_nit(facts.customer_id, facts.customer_dv):
        findings.append(Finding(f"{p}K24", "(R) DV no corresponde al NIT informado"))
    if facts.provider_nit and not is_valid_nit(facts.provider_nit, facts.provider_dv):
        findings.append(
            Finding(
                f"{p}B22", "DV del NIT del Prestador de Servicios no está correctamente calculado"
            )
        )
    return findings


# -- signature date (FAD09e) --------------------------------------------------------------


def check_signing_date(facts: DocumentFacts) -> list[Finding]:
    """The SigningTime's own calendar date (in its own offset) must be the IssueDate."""
    signing_date = facts.signing_time[:10]
    if signing_date and signing_date == facts.issue_date:
        return []
    return [
        Finding(
            f"{facts.rule_prefix}D09e",
            "La fecha de generación del documento es diferente a la fecha de firma.",
        )
    ]


# -- software (FAB24/FAB27) ---------------------------------------------------------------


def check_software(facts: DocumentFacts, software: RegisteredSoftware | None) -> list[Finding]:
    p = facts.rule_prefix
    if software is None:
        return [
            Finding(
                f"{p}B24b",
                "El identificador del software asignado cuando el software se "
                "activa en el Sistema de Facturación Electrónica no corresponde a un "
                "software autorizado para este OFE.",
            )
        ]
    if not software.active:
        return [Finding(f"{p}B24c", "Identificador del software informado se encuentra inactivo.")]
    expected = software_security_code(software.id, software.pin, facts.number)
    if facts.software_security_code.lower() != expected:
        return [
            Finding(f"{p}B27b", "Huella no corresponde a un software autorizado para este OFE.")
        ]
    return []


# -- numbering range (FAD05, FAB05-12) ----------------------------------------------------


def matching_range(
    facts: DocumentFacts, ranges: Sequence[RegisteredRange]
) -> RegisteredRange | None:
    """The range DIAN finds by serie, type family and InvoiceAuthorization."""
    control = facts.invoice_control
    if control is None:
        return None
    serie, _ = facts.serie_and_number
    family = "01" if facts.type_code in {"01", "02", "04"} else facts.type_code
    for r in ranges:
        r_family = "01" if r.document_type in {"01", "02", "04"} else r.document_type
        if (
            r.prefix == serie
            and r_family == family
            and r.resolution_number == control.authorization
        ):
            return r
    return None


def check_range(
    facts: DocumentFacts, numbering: RegisteredRange | None, software_id: str | None
) -> list[Finding]:
    p = facts.rule_prefix
    control = facts.invoice_control
    if control is None:
        return [
            Finding(
                f"{p}B05a",
                "No fue informado el grupo de control de la numeración (sts:InvoiceControl).",
            )
        ]
    if numbering is None:
        return [Finding(f"{p}D05e", "Número de factura no existe para el número de autorización.")]
    findings = []
    if software_id is not None and numbering.software_id != software_id:
        findings.append(
            Finding(
                f"{p}B05c",
                "El indentificador del software no corresponde al rango de numeración informado",
            )
        )
    if control.start_date != numbering.valid_from.isoformat():
        findings.append(
            Finding(
                f"{p}B07b",
                "Fecha inicial del rango de numeración informado "
                "no corresponde a la fecha inicial de los rangos vigente para "
                "el contribuyente.",
            )
        )
    if control.end_date != numbering.valid_to.isoformat():
        findings.append(
            Finding(
                f"{p}B08b",
                "Fecha final del rango de numeración informado no "
                "corresponde a la fecha final de los rangos vigente para el "
                "contribuyente.",
            )
        )
    if control.prefix != numbering.prefix:
        findings.append(
            Finding(
                f"{p}B10b",
                "El prefijo debe corresponder al prefijo autorizado en la resolución.",
                rejection=False,
            )
        )
    if control.from_number != str(numbering.from_number):
        findings.append(
            Finding(
                f"{p}B11b",
                "Valor inicial del rango de numeración informado "
                "no corresponde a un valor inicial de los rangos vigente para "
                "el contribuyente emisor.",
            )
        )
    if control.to_number != str(numbering.to_number):
        findings.append(
            Finding(
                f"{p}B12b",
                "Valor final del rango de numeración informado no "
                "corresponde a un valor final de los rangos vigentes para el "
                "contribuyente emisor.",
            )
        )
    _, number = facts.serie_and_number
    if number is None or number < numbering.from_number:
        findings.append(
            Finding(
                f"{p}D05b",
                "Número de factura es inferior al número inicial "
                "del rango de numeración autorizado.",
            )
        )
    elif number > numbering.to_number:
        findings.append(
            Finding(
                f"{p}D05c",
                "Número de factura es superior al número final del rango de numeración autorizado.",
            )
        )
    try:
        issued = dt.date.fromisoformat(facts.issue_date)
    except ValueError:
        issued = None
    if issued is None or not numbering.valid_from <= issued <= numbering.valid_to:
        findings.append(
            Finding(
                f"{p}D05d",
                "Fecha de emisión del documento por fuera de la "
                "vigencia del rango de numeración autorizado.",
            )
        )
    return findings


# -- unique code (FAD06) ------------------------------------------------------------------


def check_unique_code(
    root: etree._Element, facts: DocumentFacts, keys: Sequence[str]
) -> list[Finding]:
    """FAD06/CAD06/DAD06: the UUID recomputed with each candidate key must match one."""
    for key in keys:
        try:
            code, _prehash = compute_unique_code(root, key)
        except ValueError:
            break
        if facts.uuid.lower() == code:
            return []
    return [
        Finding(
            f"{facts.rule_prefix}D06",
            f"Valor del {facts.unique_code_name} no está calculado correctamente.",
        )
    ]


# -- note references (CBG/DBG) ------------------------------------------------------------


def check_reference(
    facts: DocumentFacts,
    referenced_issuer: str | None,
    referenced_date: dt.date | None,
    found: bool,
) -> list[Finding]:
    """A note must reference an invoice DIAN accepted, of the same issuer, not newer."""
    letter = facts.note_prefix
    if not facts.reference_uuid and not facts.reference_number:
        if facts.customization_id in {"22", "32"}:  # notes without a referenced invoice
            return []
        return [Finding(f"{letter}BG02", "Se requiere obligatoriamente referencia a documento.")]
    if not found:
        return [
            Finding(
                f"{letter}BG04a", "Documento referenciado no existe en los registros de la DIAN."
            )
        ]
    if referenced_issuer != facts.issuer_nit:
        return [Finding(f"{letter}BG04b", "Documento referenciado no pertenece al emisor.")]
    try:
        issued = dt.date.fromisoformat(facts.issue_date)
    except ValueError:
        issued = None
    if referenced_date is not None and issued is not None and referenced_date > issued:
        return [
            Finding(
                f"{letter}BG06",
                "Fecha de emisión de la nota es anterior a la fecha de emisión de FE referenciada.",
            )
        ]
    return []
