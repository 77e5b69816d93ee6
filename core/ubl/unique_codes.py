"""CUFE, CUDE, CUDS, event CUDE and SoftwareSecurityCode (Anexo Técnico 1.9 §11.2-11.6).

One module serves both sides: the pipeline computes the code it writes into ``cbc:UUID`` and the
DIAN simulator recomputes it from the received XML (rules FAD06/CAD06/DAD06/DSAD06/AAD06) with
:func:`compute_unique_code`, so the two can never disagree. Every function returns the pre-hash
string too: it is what one compares when a code does not match.
"""

from __future__ import annotations

import hashlib
from decimal import ROUND_DOWN, Decimal, InvalidOperation

import msgspec
from lxml import etree

from core.contracts import UniqueCode
from core.ubl.namespaces import CAC, CBC, text_at

_CENT = Decimal("0.01")


def sha384_hex(text: str) -> str:
    """Lowercase hex SHA-384 of the UTF-8 text: DIAN compares codes in lowercase (FAD06)."""
    return hashlib.sha384(text.encode("utf-8")).hexdigest()


def dian_amount(value: Decimal | str | int | None) -> str:
    """Format an amount as DIAN's validator does: 2 decimals, truncated toward zero.

    DIAN runs ``TruncateDecimal(decimal.Parse(x), 2).ToString("F2")`` and uses ``0.00`` for an
    empty value; rounding here instead of truncating would make a third decimal change the code.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return "0.00"
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"Valor numérico inválido: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"Valor numérico inválido: {value!r}")
    return format(amount.quantize(_CENT, rounding=ROUND_DOWN), "f")


class UniqueCodeInput(msgspec.Struct, frozen=True, kw_only=True):
    """The fields of the CUFE/CUDE/CUDS formula, as they appear in the XML.

    ``issue_time`` carries its offset (``10:53:10-05:00``). ``key`` is the numbering range's
    technical key for a CUFE and the software PIN for a CUDE/CUDS; it is never in the XML.
    ``environment`` is ``cbc:ProfileExecutionID``: 1 producción, 2 pruebas/habilitación.
    """

    number: str
    issue_date: str
    issue_time: str
    line_extension: Decimal
    tax_01: Decimal = Decimal("0")
    tax_04: Decimal = Decimal("0")
    tax_03: Decimal = Decimal("0")
    payable: Decimal
    supplier_nit: str
    customer_id: str
    key: str
    environment: str  # "1" | "2"; kept as str so a bad XML value still yields a code


def cufe_cude(data: UniqueCodeInput) -> tuple[str, str]:
    """CUFE (key = technical key) or CUDE (key = software PIN): the formula is the same.

    ``sha384(NumFac FecFac HorFac ValFac 01 ValImp1 04 ValImp2 03 ValImp3 ValTot NitFE NumAdq
    ClTec TipoAmbiente)``, concatenated without separators. Returns ``(code, prehash)``.
    """
    prehash = "".join(
        (
            data.number,
            data.issue_date,
            data.issue_time,
            dian_amount(data.line_extension),
            "01",
            dian_amount(data.tax_01),
            "04",
            dian_amount(data.tax_04),
            "03",
            dian_amount(data.tax_03),
            dian_amount(data.payable),
            data.supplier_nit,
            data.customer_id,
            data.key,
            data.environment,
        )
    )
    return sha384_hex(prehash), prehash


def cuds(data: UniqueCodeInput) -> tuple[str, str]:
    """CUDS of a documento soporte (05) or its adjustment note (95); ``key`` is the software PIN.

    Only the IVA pair is present: ``sha384(NumDS FecDS HorDS ValDS 01 ValIva ValTol NumSNO NITABS
    PIN TipoAmbiente)``. ``supplier_nit`` is the seller not obliged to invoice (NumSNO) and
    ``customer_id`` the acquiring company (NITABS), exactly as they sit in the XML parties.
    """
    prehash = "".join(
        (
            data.number,
            data.issue_date,
            data.issue_time,
            dian_amount(data.line_extension),
            "01",
            dian_amount(data.tax_01),
            dian_amount(data.payable),
            data.supplier_nit,
            data.customer_id,
            data.key,
            data.environment,
        )
    )
    return sha384_hex(prehash), prehash


def event_cude(
    *,
    number: str,
    issue_date: str,
    issue_time: str,
    sender_id: str,
    receiver_id: str,
    response_code: str,
    reference_id: str,
    reference_type_code: str,
    pin: str,
) -> tuple[str, str]:
    """CUDE of an ApplicationResponse event (RADIAN, Anexo §11.5); no environment suffix.

    ``sha384(ID IssueDate IssueTime SenderNIT ReceiverNIT ResponseCode DocumentReference/ID
    DocumentTypeCode PIN)``.
    """
    prehash = "".join(
        (
            number,
            issue_date,
            issue_time,
            sender_id,
            receiver_id,
            response_code,
            reference_id,
            reference_type_code,
            pin,
        )
    )
    return sha384_hex(prehash), prehash


def software_security_code(software_id: str, pin: str, number: str) -> str:
    """``sts:SoftwareSecurityCode`` = sha384(SoftwareID + PIN + cbc:ID), lowercase (FAB27b)."""
    return sha384_hex(f"{software_id}{pin}{number}")


def _amount(text: str) -> Decimal:
    """An XML amount as Decimal; empty means zero, as in DIAN's validator."""
    return Decimal(dian_amount(text))


_FORMULA_SCHEMES = ("01", "04", "03")
_ZERO = Decimal("0")


def _document_taxes(root: etree._Element) -> dict[str, Decimal]:
    """TaxAmount of the first document-level ``cac:TaxTotal`` of each scheme of the formula
    (01, 04, 03; an absent one is missing from the result).

    DIAN reads only the first TaxTotal of a scheme (FAS01b: one per scheme at document level);
    line-level TaxTotals and ``cac:WithholdingTaxTotal`` never count. A TaxTotal is of every
    scheme one of its subtotals names.
    """
    found: dict[str, Decimal] = {}
    for tax_total in root.iterchildren(CAC.TaxTotal):
        schemes = _subtotal_schemes(tax_total)
        for scheme in _FORMULA_SCHEMES:
            if scheme in schemes and scheme not in found:
                found[scheme] = _amount(text_at(tax_total, "cbc:TaxAmount"))
        if len(found) == len(_FORMULA_SCHEMES):
            break
    return found


def _subtotal_schemes(tax_total: etree._Element) -> set[str]:
    """The stripped texts of ``cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:ID``."""
    return {
        (scheme_id.text or "").strip()
        for subtotal in tax_total.iterchildren(CAC.TaxSubtotal)
        for category in subtotal.iterchildren(CAC.TaxCategory)
        for scheme in category.iterchildren(CAC.TaxScheme)
        for scheme_id in scheme.iterchildren(CBC.ID)
    }


def _monetary_total(root: etree._Element) -> etree._Element | None:
    """LegalMonetaryTotal, or RequestedMonetaryTotal on a DebitNote (DAU01)."""
    for total in root.iterchildren(CAC.LegalMonetaryTotal):
        return total
    for total in root.iterchildren(CAC.RequestedMonetaryTotal):
        return total
    return None


def unique_code_input_from_tree(root: etree._Element, key: str) -> UniqueCodeInput:
    """Read the formula's fields from a UBL Invoice, CreditNote or DebitNote (§1.1, §1.2).

    Absent amounts count as ``0.00`` and absent texts as empty strings, as DIAN does, so a
    malformed document yields a code that simply does not match. A non-numeric amount raises
    ``ValueError``.
    """
    total = _monetary_total(root)
    line_extension = text_at(total, "cbc:LineExtensionAmount") if total is not None else ""
    payable = text_at(total, "cbc:PayableAmount") if total is not None else ""
    party = "cac:Party/cac:PartyTaxScheme/cbc:CompanyID"
    taxes = _document_taxes(root)
    return UniqueCodeInput(
        number=text_at(root, "cbc:ID"),
        issue_date=text_at(root, "cbc:IssueDate"),
        issue_time=text_at(root, "cbc:IssueTime"),
        line_extension=_amount(line_extension),
        tax_01=taxes.get("01", _ZERO),
        tax_04=taxes.get("04", _ZERO),
        tax_03=taxes.get("03", _ZERO),
        payable=_amount(payable),
        supplier_nit=text_at(root, f"cac:AccountingSupplierParty/{party}"),
        customer_id=text_at(root, f"cac:AccountingCustomerParty/{party}"),
        key=key,
        environment=text_at(root, "cbc:ProfileExecutionID"),
    )


def unique_code_kind(root: etree._Element) -> UniqueCode:
    """Which code a UBL root carries: CUDS for 05/95, CUDE for notes and events, else CUFE.

    Contingency invoices (03) are Invoices but carry a CUDE; the formula is the same as the
    CUFE's, only the key differs, so the caller passing the right key is all that matters.
    """
    name = etree.QName(root).localname
    if name == "Invoice":
        type_code = text_at(root, "cbc:InvoiceTypeCode")
        if type_code == "05":
            return "CUDS"
        return "CUDE" if type_code == "03" else "CUFE"
    if name == "CreditNote" and text_at(root, "cbc:CreditNoteTypeCode") == "95":
        return "CUDS"
    return "CUDE"


#: What stands for the technical key or the PIN in a pre-hash that is kept (FAD06 diagnostics).
KEY_PLACEHOLDER = "{clave}"


def prehash_without_key(root: etree._Element, prehash: str, key: str) -> str:
    """The pre-hash with its secret (technical key or PIN) replaced by ``KEY_PLACEHOLDER``.

    This is the form that may be stored and shown: every other part of the pre-hash is in the
    XML anyway, and whoever holds the key can put it back to check a FAD06 disagreement. The
    key sits at the end, before the environment digit (no environment after an event's PIN).
    """
    suffix = (
        ""
        if etree.QName(root).localname == "ApplicationResponse"
        else text_at(root, "cbc:ProfileExecutionID")
    )
    head = prehash[: len(prehash) - len(suffix)]
    if not prehash.endswith(suffix) or not head.endswith(key):
        raise ValueError("the pre-hash does not end with the key and environment given")
    return head[: len(head) - len(key)] + KEY_PLACEHOLDER + suffix


def compute_unique_code(
    root: etree._Element, key: str, *, kind: UniqueCode | None = None
) -> tuple[str, str]:
    """Compute ``(code, prehash)`` for a UBL document from its own XML.

    ``key`` is the technical key (CUFE) or the software PIN (CUDE/CUDS/events). ``kind``
    overrides the choice made by :func:`unique_code_kind` (e.g. a DocumentType's
    ``unique_code``). An ApplicationResponse gets the event CUDE of §1.4.
    """
    if etree.QName(root).localname == "ApplicationResponse":
        return _event_cude_from_tree(root, key)
    data = unique_code_input_from_tree(root, key)
    if (kind or unique_code_kind(root)) == "CUDS":
        return cuds(data)
    return cufe_cude(data)


def _event_cude_from_tree(root: etree._Element, pin: str) -> tuple[str, str]:
    """Event CUDE (AAD06) read from an ApplicationResponse."""
    scheme = "cac:PartyTaxScheme/cbc:CompanyID"
    return event_cude(
        number=text_at(root, "cbc:ID"),
        issue_date=text_at(root, "cbc:IssueDate"),
        issue_time=text_at(root, "cbc:IssueTime"),
        sender_id=text_at(root, f"cac:SenderParty/{scheme}"),
        receiver_id=text_at(root, f"cac:ReceiverParty/{scheme}"),
        response_code=text_at(root, "cac:DocumentResponse/cac:Response/cbc:ResponseCode"),
        reference_id=text_at(root, "cac:DocumentResponse/cac:DocumentReference/cbc:ID"),
        reference_type_code=text_at(
            root, "cac:DocumentResponse/cac:DocumentReference/cbc:DocumentTypeCode"
        ),
        pin=pin,
    )
