"""What the graphic representation says: every text of the PDF, from one issued document.

``Representation`` gathers what rendering needs (the numbered, dated document with its
parties placed, its computed totals, its CUFE/CUDE and QR URL, the numbering range, the
environment, the software, the tenant's logo). The functions here turn it into Spanish text;
``core.representation.layout`` only places that text on pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.catalogs import (
    credit_note_concept,
    currency,
    debit_note_concept,
    fiscal_responsibility,
    identification_type,
    incoterm,
    municipality,
    payment_form,
    payment_means,
    tax_scheme,
    unit_of_measure,
)
from core.contracts import DocumentType, Environment
from core.model import Document, Line, NumberingRange, Party, Software, TaxTotal, Totals
from core.representation.amount_in_words import amount_in_words
from core.representation.qr import qr_text
from core.ubl import formats
from core.ubl.references import TRANSMISSIONS

NO_FISCAL_VALIDITY = "DOCUMENTO SIN VALIDEZ FISCAL"
PRODUCTION_PROFILE = "1"  # ProfileExecutionID of production: the only one with fiscal validity


@dataclass(frozen=True, kw_only=True)
class Representation:
    """Everything one PDF is drawn from; the same values always give the same bytes.

    ``document`` is numbered and dated, with the tenant placed in its role
    (``core.pipeline.complete_document``); ``totals`` are ``core.totals.compute_totals`` of it;
    ``numbering_range`` is the range it was numbered from (its resolution is printed for kinds
    with ``authorized_numbering``); ``software`` is the tenant's for the kind's channel.
    """

    document: Document
    document_type: DocumentType
    totals: Totals
    unique_code: str
    qr_url: str
    issued_at: dt.datetime
    environment: Environment
    numbering_range: NumberingRange | None = None
    software: Software | None = None
    logo: bytes | None = None

    @property
    def issuer(self) -> Party:
        """Who issues the document: the tenant (the buyer, for kinds whose tenant role is
        ``buyer``, such as the support document)."""
        document = self.document
        if self.document_type.tenant_role == "buyer":
            return document.customer
        assert document.supplier is not None, "the document's parties must be placed"
        return document.supplier

    @property
    def counterparty(self) -> Party:
        document = self.document
        if self.document_type.tenant_role == "buyer":
            assert document.supplier is not None, "the document's parties must be placed"
            return document.supplier
        return document.customer

    @property
    def counterparty_title(self) -> str:
        return "VENDEDOR" if self.document_type.tenant_role == "buyer" else "ADQUIRIENTE"

    @property
    def title(self) -> str:
        return self.document_type.title.upper()

    @property
    def number(self) -> str:
        return self.document.full_number or ""

    @property
    def without_fiscal_validity(self) -> bool:
        return self.environment.profile_execution_id != PRODUCTION_PROFILE

    def qr(self) -> str:
        return qr_text(
            self.document, self.document_type, self.totals, self.unique_code, self.qr_url
        )


def money(value: Decimal) -> str:
    """``1234567.5`` -> ``1.234.567,50``: Colombian grouping and decimal comma."""
    text = f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def quantity(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return text.replace(".", ",")


def percent(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{format(value.normalize(), 'f').replace('.', ',')}%"


def nit(party: Party) -> str:
    """``NIT 900373076-4``, ``CC 1020304050``: the identification type's short name."""
    kind = identification_type(party.id_type)
    label = {"31": "NIT", "13": "CC", "22": "CE", "41": "Pasaporte"}.get(
        party.id_type, kind.name if kind else party.id_type
    )
    number = f"{party.id_number}-{party.dv}" if party.dv else party.id_number
    return f"{label} {number}"


def responsibilities(party: Party) -> str:
    names = []
    for code in party.tax_level_codes:
        entry = fiscal_responsibility(code)
        names.append(f"{code} {entry.name}" if entry else code)
    scheme = tax_scheme(party.tax_scheme)
    regime = f"Tributo: {party.tax_scheme} {scheme.name}" if scheme else ""
    parts = [f"Responsabilidades: {', '.join(names)}"] if names else []
    return ". ".join([*parts, regime]) if regime else ". ".join(parts)


def address(party: Party) -> str:
    place = party.address
    if place is None:
        return ""
    town = municipality(place.municipality_code)
    city = place.city_name or (town.name if town else "")
    department = place.department_name or (town.department.name if town else "")
    parts = [place.line or "", city, department, place.country_name]
    return ", ".join(p.strip() for p in parts if p and p.strip())


def contact(party: Party) -> str:
    found = party.contact
    if found is None:
        return ""
    parts = [
        f"Tel. {found.telephone}" if found.telephone else "",
        found.email or "",
        found.name or "",
    ]
    return "  ".join(p for p in parts if p)


def party_lines(party: Party) -> list[str]:
    """Name, identification, responsibilities, address and contact: the lines of a block."""
    lines = [party.name]
    if party.trade_name and party.trade_name != party.name:
        lines.append(party.trade_name)
    lines += [nit(party), responsibilities(party), address(party), contact(party)]
    return [line for line in lines if line]


def resolution(rep: Representation) -> str | None:
    """The numbering authorization an invoice must cite (kinds with authorized numbering)."""
    found = rep.numbering_range
    if not rep.document_type.authorized_numbering or found is None:
        return None
    dated = f" del {found.resolution_date.isoformat()}" if found.resolution_date else ""
    prefix = f"prefijo {found.prefix}, " if found.prefix else "sin prefijo, "
    return (
        f"Autorización de numeración DIAN No. {found.resolution_number}{dated}: {prefix}"
        f"del {found.from_number} al {found.to_number}, vigente desde "
        f"{found.valid_from.isoformat()} hasta {found.valid_to.isoformat()}."
    )


def reference(rep: Representation) -> list[str]:
    """For notes: the document corrected and why."""
    lines: list[str] = []
    ref = rep.document.billing_reference
    if ref is not None:
        scheme = ref.scheme_name.split("-")[0]
        lines.append(
            f"Documento referenciado: {ref.number} del {ref.issue_date.isoformat()}. "
            f"{scheme}: {ref.uuid}"
        )
    reason = rep.document.discrepancy
    if reason is not None:
        own = rep.document_type.correction_concepts
        if own:
            name = own.get(reason.code)
        else:
            concepts = credit_note_concept if rep.document_type.ubl_root == "CreditNote" else None
            concept = (concepts or debit_note_concept)(reason.code)
            name = concept.name if concept else None
        named = f"{reason.code} {name}" if name else reason.code
        lines.append(f"Concepto de la nota: {named}. Motivo: {reason.description}")
    return lines


def foreign_trade(rep: Representation) -> list[str]:
    """A document in another currency (the export 02): its currency, the TRM it was valued
    at and its total in pesos; an export's Incoterm and where the risk passes."""
    document, lines = rep.document, []
    rate = document.exchange_rate
    if rate is not None and document.currency != "COP":
        named = currency(document.currency)
        name = f" ({named.name})" if named else ""
        dated = rate.date or document.issue_date
        on = f" del {dated.isoformat()}" if dated else ""
        in_pesos = rep.totals.monetary.payable * rate.rate
        lines.append(
            f"Moneda: {document.currency}{name}.  Tasa de cambio (TRM){on}: "
            f"{money(rate.rate)} COP por 1 {document.currency}.  "
            f"Total en pesos colombianos: COP {money(in_pesos)}."
        )
    terms = document.delivery_terms
    if terms is not None:
        known = incoterm(terms.incoterm)
        text = f"Condiciones de entrega (Incoterm): {terms.incoterm}"
        text += f" {known.name}" if known else ""
        text += f", {terms.loss_risk}" if terms.loss_risk else ""
        lines.append(text + (f". {terms.special_terms}." if terms.special_terms else "."))
    return lines


def transmitted(rep: Representation) -> list[str]:
    """The documents a document cites besides the one it corrects: the paper (talonario)
    invoice a contingency invoice 03 transmits."""
    return [
        f"Documento de contingencia transmitido: {found.id}"
        + (f" del {found.issue_date.isoformat()}" if found.issue_date else "")
        + (f" (tipo {found.type_code})" if found.type_code else "")
        + "."
        for found in rep.document.additional_references
    ]


def payment(rep: Representation) -> str:
    pay = rep.document.payment
    form, means = payment_form(pay.form), payment_means(pay.means_code)
    text = (
        f"Forma de pago: {form.name if form else pay.form}.  "
        f"Medio de pago: {means.name if means else pay.means_code}."
    )
    due = pay.due_date or rep.document.due_date
    return f"{text}  Vencimiento: {due.isoformat()}." if due else text


def issued(rep: Representation) -> str:
    document = rep.document
    assert document.issue_date is not None and document.issue_time is not None
    return (
        f"Fecha de emisión: {formats.date(document.issue_date)}  "
        f"Hora: {formats.time(document.issue_time)}"
    )


def point_of_sale(rep: Representation) -> str | None:
    pos = rep.document.point_of_sale
    if pos is None:
        return None
    return (
        f"Caja: {pos.plate_number}.  Ubicación: {pos.location}.  Cajero: {pos.cashier}.  "
        f"Software POS: {pos.software_manufacturer.software_name}."
    )


def environment_mark(rep: Representation) -> str | None:
    if not rep.without_fiscal_validity:
        return None
    return f"{NO_FISCAL_VALIDITY} - {rep.environment.title}"


def software_line(rep: Representation) -> str:
    """Who made the software the document was issued with (DIAN's "proveedor tecnológico")."""
    found = rep.software
    if found is None:
        return "Documento generado con Pasarela."
    own = found.provider_nit == rep.issuer.id_number
    who = "software propio del emisor" if own else "proveedor tecnológico"
    return (
        f"Documento generado con Pasarela. Software: {found.id}, {who} "
        f"NIT {found.provider_nit}-{found.provider_dv}."
    )


def tax_label(scheme: str) -> str:
    found = tax_scheme(scheme)
    return found.name if found else scheme


def line_cells(index: int, line: Line, rep: Representation) -> list[str]:
    """The printed cells of a line: #, code, description, quantity, unit, unit price,
    discount, taxes, total."""
    line_totals = rep.totals.lines[index]
    discount = sum(
        (a.amount for a in line_totals.allowances_charges if not a.is_charge), Decimal("0")
    )
    taxes = ", ".join(
        f"{tax_label(sub.scheme)} {percent(sub.percent) if sub.percent is not None else ''}".strip()
        for total in line_totals.tax_totals
        for sub in total.subtotals
    )
    unit = unit_of_measure(line.unit_code)
    return [
        str(index + 1),
        line.code or (line.standard_item_id.id if line.standard_item_id else ""),
        line.description + purchase(line, rep),
        quantity(line.quantity),
        unit.name if unit else line.unit_code,
        money(line.unit_price),
        money(discount) if discount else "",
        taxes,
        money(line_totals.line_extension),
    ]


def purchase(line: Line, rep: Representation) -> str:
    """A support-document line's purchase date and transmission (its ``InvoicePeriod``): the
    lines of the kinds the tenant buys with carry one."""
    if rep.document_type.tenant_role != "buyer":
        return ""
    period = rep.document.purchase_period_of(line)
    if period is None:
        return ""
    how = TRANSMISSIONS.get(period.transmission_code, period.transmission_code)
    return f" (compra del {period.purchase_date.isoformat()}, {how.lower()})"


def tax_rows(totals: tuple[TaxTotal, ...]) -> list[list[str]]:
    """Per scheme and rate: name, rate, base, amount (taxes or withholdings)."""
    rows = []
    for total in totals:
        for sub in total.subtotals:
            rate = (
                percent(sub.percent)
                if sub.percent is not None
                else (f"{money(sub.per_unit_amount or Decimal('0'))} por unidad")
            )
            rows.append(
                [
                    f"{total.scheme} {tax_label(total.scheme)}",
                    rate,
                    money(sub.taxable_amount),
                    money(sub.tax_amount),
                ]
            )
    return rows


def total_rows(rep: Representation) -> list[tuple[str, str]]:
    """The totals box, top to bottom; zero discounts, charges, prepaid and rounding are left
    out."""
    money_totals = rep.totals.monetary
    rows = [("Subtotal", money(money_totals.line_extension))]
    rows.append(("Base gravable", money(money_totals.tax_exclusive)))
    for total in rep.totals.tax_totals:
        rows.append((tax_label(total.scheme), money(total.tax_amount)))
    optional = (
        ("Descuentos", money_totals.allowance_total),
        ("Cargos", money_totals.charge_total),
        ("Redondeo", money_totals.payable_rounding),
    )
    rows += [(label, money(value)) for label, value in optional if value]
    rows.append(("TOTAL", money(money_totals.payable)))
    if money_totals.prepaid:
        rows.append(("Anticipos", money(money_totals.prepaid)))
    return rows


def in_words(rep: Representation) -> str:
    return f"Son: {amount_in_words(rep.totals.monetary.payable, rep.document.currency)}"
