"""DIAN's plain code lists: code -> name lookups, ``None`` for codes DIAN does not list.

One small function per list so callers read like the Anexo: ``identification_type("31")``,
``payment_means("47")``, ``credit_note_concept("2")``.
"""

from __future__ import annotations

import functools

import msgspec

from core.catalogs.source import names_by_code, read_table


class Code(msgspec.Struct, frozen=True, kw_only=True):
    """One entry of a DIAN code list."""

    code: str
    name: str


class OperationType(msgspec.Struct, frozen=True, kw_only=True):
    """A ``cbc:CustomizationID`` value for one UBL root; ``active`` false for legacy codes."""

    code: str
    name: str
    ubl_root: str  # Invoice | CreditNote | DebitNote
    active: bool


class DocumentTypeInfo(msgspec.Struct, frozen=True, kw_only=True):
    """What DIAN's document type list says about a type code (01, 91, 92, 20 ...)."""

    code: str
    name: str
    ubl_root: str
    unique_code: str  # CUFE-SHA384 | CUDE-SHA384 | CUDS-SHA384
    rule_prefix: str


def _lookup(table: str, code: str | None) -> Code | None:
    name = names_by_code(table).get(code or "")
    return None if name is None else Code(code=code or "", name=name)


def identification_type(code: str | None) -> Code | None:
    """TipoIdFiscal: 13 cédula, 31 NIT, 41 pasaporte, 47 PEP, 48 PPT ..."""
    return _lookup("identification_types", code)


def organization_type(code: str | None) -> Code | None:
    """TipoOrganizacion: 1 persona jurídica, 2 persona natural."""
    return _lookup("organization_types", code)


def fiscal_responsibility(code: str | None) -> Code | None:
    """TipoResponsabilidad 1.9 (``cbc:TaxLevelCode``): O-13, O-15, O-23, O-47, R-99-PN."""
    return _lookup("fiscal_responsibilities", code)


def payment_form(code: str | None) -> Code | None:
    """FormasPago (``cac:PaymentMeans/cbc:ID``): 1 contado, 2 crédito."""
    return _lookup("payment_forms", code)


def payment_means(code: str | None) -> Code | None:
    """MediosPago (``cbc:PaymentMeansCode``): 10 efectivo, 47 transferencia, ZZZ otro ..."""
    return _lookup("payment_means", code)


def credit_note_concept(code: str | None) -> Code | None:
    """ConceptoNotaCredito (``DiscrepancyResponse/cbc:ResponseCode``): 1..6."""
    return _lookup("credit_note_concepts", code)


def debit_note_concept(code: str | None) -> Code | None:
    """ConceptoNotaDebito (``DiscrepancyResponse/cbc:ResponseCode``): 1..4."""
    return _lookup("debit_note_concepts", code)


def currency(code: str | None) -> Code | None:
    """TipoMoneda (ISO 4217): COP, USD, EUR ..."""
    return _lookup("currencies", code)


def incoterm(code: str | None) -> Code | None:
    """Incoterms 2010/2020 (``DeliveryTerms/cbc:LossRiskResponsibilityCode``): FOB, CIF ..."""
    return _lookup("incoterms", code)


def unit_of_measure(code: str | None) -> Code | None:
    """UnidadesMedida (``unitCode``): 94 unidad, NIU, KGM, LTR ..."""
    return _lookup("units_of_measure", code)


def is_unit_code(code: str | None) -> bool:
    """Whether a ``unitCode`` is in DIAN's list (FAV05)."""
    return unit_of_measure(code) is not None


def discount_code(code: str | None) -> Code | None:
    """CodigoDescuento 1.9 (``AllowanceChargeReasonCode``): 00 impuesto asumido ... 11 otro."""
    return _lookup("discount_codes", code)


def reference_price_code(code: str | None) -> Code | None:
    """CodigoPrecioReferencia for free-of-charge lines: 01 valor comercial, 02, 03."""
    return _lookup("reference_price_codes", code)


def item_id_scheme(code: str | None) -> Code | None:
    """TipoCodigoProducto (``StandardItemIdentification/@schemeID``): 001, 010, 999."""
    return _lookup("item_id_schemes", code)


@functools.cache
def _operation_types() -> dict[tuple[str, str], OperationType]:
    return {
        (row["ubl_root"], row["code"]): OperationType(
            code=row["code"],
            name=row["name"],
            ubl_root=row["ubl_root"],
            active=row["active"] == "true",
        )
        for row in read_table("operation_types")
    }


def operation_type(code: str | None, ubl_root: str = "Invoice") -> OperationType | None:
    """The CustomizationID ``code`` for a UBL root (Invoice 10, CreditNote 20, DebitNote 30 ...).

    The lists overlap by code across roots (``20`` is a credit note, not an invoice), so the root
    is part of the key.
    """
    return _operation_types().get((ubl_root, code or ""))


@functools.cache
def _document_types() -> dict[str, DocumentTypeInfo]:
    return {
        row["type_code"]: DocumentTypeInfo(
            code=row["type_code"],
            name=row["name"],
            ubl_root=row["root_element"],
            unique_code=row["unique_code"],
            rule_prefix=row["rule_prefix"],
        )
        for row in read_table("document_types")
    }


def document_type(code: str | None) -> DocumentTypeInfo | None:
    """DIAN's document type list: 01..05 invoices, 20 POS, 91/92 notes, 93/94, 95, 96."""
    return _document_types().get(code or "")
