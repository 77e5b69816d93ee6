"""Field checks of Factus support documents and adjustment notes (research §2.4).

The items are checked as bill items are (``checks.check_item``, same paths and messages) once
their tax fields are filled the way Factus answers them: excluded from IVA at 0 %. The shared
fields (range, reference, observation, payment method, items) go through
``checks.check_common``. Checks that need the database or the tenant (the range, the support
document a note adjusts, a provider that is the tenant itself) are the handlers'.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from adapters.factus import catalogs
from adapters.factus.checks import (
    CheckedItem,
    Checker,
    Errors,
    Kind,
    as_int,
    check_common,
    flag,
    ordered,
    text,
)
from adapters.factus.payloads import DocumentPayload, Item
from adapters.factus.support_payloads import (
    AdjustmentNotePayload,
    Provider,
    SupportDocumentPayload,
    SupportPayload,
)
from core.api import check_digit, is_email

COLOMBIA = "CO"
NIT = "31"
IVA_TRIBUTE_ID = 1
ID_TYPES = "identification_document_ids_support_documents"


class CheckedProvider(msgspec.Struct, kw_only=True):
    identification_document_id: int
    identification: str
    dv: str | None
    trade_name: str | None
    names: str
    address: str
    email: str | None
    phone: str | None
    is_resident: bool
    country_code: str
    municipality_id: int | None

    @property
    def id_code(self) -> str:
        found = catalogs.row(ID_TYPES, self.identification_document_id)
        return found.code if found else ""

    @property
    def check_digit(self) -> str | None:
        """The DV answered and written in the XML: the one sent, else computed (NIT only)."""
        if self.id_code != NIT:
            return None
        digits = self.identification.replace("-", "")
        return self.dv or (check_digit(digits) if digits.isdigit() else None)


class CheckedSupport(msgspec.Struct, kw_only=True):
    """A valid support document or adjustment note (stored in ``dialect_data``)."""

    kind: Kind
    reference_code: str
    numbering_range_id: int | None
    observation: str | None
    payment_method_code: str
    items: list[CheckedItem]
    provider: CheckedProvider | None = None  # support documents
    support_document_id: int | None = None  # adjustment notes
    correction_concept_code: str | None = None


def _provider(c: Checker, provider: Provider | None) -> CheckedProvider | None:
    if provider is None:
        c.add("provider", "El campo provider es obligatorio.")
        return None
    p = "provider"
    doc_id = c.catalog_id(
        f"{p}.identification_document_id", provider.identification_document_id, ID_TYPES
    )
    identification = c.required(f"{p}.identification", provider.identification)
    if identification is not None and (
        len(identification) > 20 or not identification.replace("-", "").isalnum()
    ):
        c.add(f"{p}.identification", f"El campo {p}.identification es inválido.")
    dv = text(provider.dv)
    if dv is not None and (not dv.isascii() or not dv.isdigit() or len(dv) != 1):
        c.add(f"{p}.dv", f"El campo {p}.dv es inválido.")
    names = c.required(f"{p}.names", provider.names)
    address = c.required(f"{p}.address", provider.address)
    email = text(provider.email)
    if email is not None and not is_email(email):
        c.add(f"{p}.email", f"El campo {p}.email debe ser una dirección de correo válida.")
    resident = None
    if text(provider.is_resident) is None and not isinstance(provider.is_resident, bool):
        c.add(f"{p}.is_resident", f"El campo {p}.is_resident es obligatorio.")
    else:
        resident = flag(provider.is_resident, False)
        if resident is None:
            c.add(f"{p}.is_resident", f"El campo {p}.is_resident es inválido.")
    country = c.required(f"{p}.country_code", provider.country_code)
    if country is not None:
        country = country.upper()
        if catalogs.by_code("countries", country) is None:
            c.add(f"{p}.country_code", f"El campo {p}.country_code es inválido.")
            country = None
    municipality = c.catalog_id(
        f"{p}.municipality_id",
        provider.municipality_id,
        "municipalities",
        required=country == COLOMBIA,
    )
    if None in (doc_id, identification, names, address, resident, country):
        return None
    assert doc_id is not None and identification and names and address and country
    return CheckedProvider(
        identification_document_id=doc_id,
        identification=identification,
        dv=dv,
        trade_name=text(provider.trade_name),
        names=names,
        address=address,
        email=email,
        phone=text(provider.phone),
        is_resident=bool(resident),
        country_code=country,
        municipality_id=municipality if country == COLOMBIA else None,
    )


def _shared(c: Checker, payload: SupportPayload, kind: Kind) -> dict[str, object]:
    """The fields both kinds share, items checked as bill items excluded from IVA."""
    items = None
    if payload.items is not None:
        items = [
            Item(
                code_reference=item.code_reference,
                name=item.name,
                quantity=item.quantity,
                discount_rate=item.discount_rate,
                price=item.price,
                unit_measure_id=item.unit_measure_id,
                standard_code_id=item.standard_code_id,
                withholding_taxes=item.withholding_taxes,
                tax_rate=Decimal("0.00"),
                is_excluded=1,
                tribute_id=IVA_TRIBUTE_ID,
            )
            for item in payload.items
        ]
    common = DocumentPayload(
        numbering_range_id=payload.numbering_range_id,
        reference_code=payload.reference_code,
        observation=payload.observation,
        payment_method_code=payload.payment_method_code,
        items=items,
    )
    values = check_common(c, common, kind)
    return {
        key: values[key]
        for key in (
            "kind",
            "reference_code",
            "numbering_range_id",
            "observation",
            "payment_method_code",
            "items",
        )
    }


def check_support_document(payload: SupportDocumentPayload) -> tuple[Errors, CheckedSupport | None]:
    c = Checker()
    values = _shared(c, payload, "support_document")
    provider = _provider(c, payload.provider)
    if c.errors:
        return ordered(c.errors), None
    return {}, CheckedSupport(provider=provider, **values)  # type: ignore[arg-type]


def check_adjustment_note(payload: AdjustmentNotePayload) -> tuple[Errors, CheckedSupport | None]:
    """Whether ``support_document_id`` names a validated support document is the handler's."""
    c = Checker()
    values = _shared(c, payload, "adjustment_note")
    document_id = None
    if text(payload.support_document_id) is None:
        c.add("support_document_id", "El campo support document id es obligatorio.")
    else:
        document_id = as_int(payload.support_document_id)
        if document_id is None or document_id < 1:
            c.add("support_document_id", "El documento soporte seleccionado no existe.")
    concept = text(payload.correction_concept_code)
    if concept is None:
        c.add("correction_concept_code", "El campo código de corrección es obligatorio.")
    elif catalogs.row("adjustment_note_correction_concepts", concept) is None:
        c.add("correction_concept_code", "El campo código de corrección es inválido.")
    if c.errors:
        return ordered(c.errors), None
    return {}, CheckedSupport(
        support_document_id=document_id,
        correction_concept_code=concept,
        **values,  # type: ignore[arg-type]
    )
