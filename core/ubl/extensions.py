"""``ext:UBLExtensions`` with the first extension, ``sts:DianExtensions`` (research §6.1).

The signature extension is appended later by ``core.signing.xades.sign_xades``; extra
extensions a document type needs (the POS ones) are appended between the two.
"""

from __future__ import annotations

import functools
from threading import get_ident

from lxml import etree

from core.model import NumberingRange, Software
from core.ubl import formats
from core.ubl.context import BuildContext
from core.ubl.namespaces import CBC, DIAN_AGENCY_ID, DIAN_AGENCY_NAME, EXT, STS, new_root, sub

DIAN_NIT = "800197268"
DIAN_DV = "4"

_AGENCY = {"schemeAgencyID": DIAN_AGENCY_ID, "schemeAgencyName": DIAN_AGENCY_NAME}
_COUNTRY_LIST = {
    "listAgencyID": "6",
    "listAgencyName": "United Nations Economic Commission for Europe",
    "listSchemeURI": "urn:oasis:names:specification:ubl:codelist:gc:CountryIdentificationCode-2.1",
}


def add_extensions(
    root: etree._Element, ctx: BuildContext, *, invoice_control: bool
) -> etree._Element:
    """Append ``ext:UBLExtensions`` holding ``sts:DianExtensions``; returns ``ext:UBLExtensions``.

    ``invoice_control`` is true for documents numbered under a DIAN resolution that the
    validator matches against (invoices and POS, FAB05–FAB12); notes carry none.
    ``sts:QRCode`` is left empty: ``core.ubl.finalize.apply_unique_code`` fills it.
    Only the SoftwareSecurityCode changes between documents of one tenant and range, so the
    block is built once per (software, range) and copied.
    """
    rng = ctx.numbering_range if invoice_control else None
    extensions = _extensions_template(ctx.software, rng, get_ident()).__deepcopy__(None)
    root.append(extensions)
    dian = extensions[0][0][0]
    dian.find(STS.SoftwareSecurityCode).text = ctx.software_security_code  # FAB27b
    return extensions


@functools.lru_cache(maxsize=256)
def _extensions_template(
    software: Software, rng: NumberingRange | None, thread: int
) -> etree._Element:
    """Per thread, like every cached subtree: lxml trees keep thread-local name dictionaries."""
    extensions = sub(new_root("Invoice"), EXT.UBLExtensions)
    content = sub(sub(extensions, EXT.UBLExtension), EXT.ExtensionContent)
    dian = sub(content, STS.DianExtensions)
    if rng is not None:
        _invoice_control(dian, rng)
    source = sub(dian, STS.InvoiceSource)
    sub(source, CBC.IdentificationCode, "CO", _COUNTRY_LIST)
    provider = sub(dian, STS.SoftwareProvider)
    sub(
        provider,
        STS.ProviderID,
        software.provider_nit,
        {**_AGENCY, "schemeID": software.provider_dv, "schemeName": "31"},  # FAB22
    )
    sub(provider, STS.SoftwareID, software.id, _AGENCY)
    sub(dian, STS.SoftwareSecurityCode, "", _AGENCY)
    authorization = sub(dian, STS.AuthorizationProvider)
    sub(
        authorization,
        STS.AuthorizationProviderID,
        DIAN_NIT,
        {**_AGENCY, "schemeID": DIAN_DV, "schemeName": "31"},
    )
    sub(dian, STS.QRCode, "")
    return extensions


def event_extensions(root: etree._Element, software: Software, security_code: str) -> None:
    """``ext:UBLExtensions`` of a RADIAN ApplicationResponse: DianExtensions without
    InvoiceControl (events are numbered by their sender, under no resolution) and an empty
    ``ext:ExtensionContent`` for the signature."""
    extensions = _extensions_template(software, None, get_ident()).__deepcopy__(None)
    root.append(extensions)
    extensions[0][0][0].find(STS.SoftwareSecurityCode).text = security_code
    add_extension_content(extensions)


def _invoice_control(dian: etree._Element, rng: NumberingRange) -> None:
    """The numbering resolution exactly as registered (FAB05a–c, FAB07b, FAB08b, FAB10b–12b)."""
    control = sub(dian, STS.InvoiceControl)
    sub(control, STS.InvoiceAuthorization, rng.resolution_number)
    period = sub(control, STS.AuthorizationPeriod)
    sub(period, CBC.StartDate, formats.date(rng.valid_from))
    sub(period, CBC.EndDate, formats.date(rng.valid_to))
    authorized = sub(control, STS.AuthorizedInvoices)
    if rng.prefix:
        sub(authorized, STS.Prefix, rng.prefix)
    sub(authorized, STS.From, str(rng.from_number))
    sub(authorized, STS.To, str(rng.to_number))


def add_extension_content(extensions: etree._Element) -> etree._Element:
    """A further ``ext:UBLExtension/ext:ExtensionContent`` (for type-specific extensions)."""
    return sub(sub(extensions, EXT.UBLExtension), EXT.ExtensionContent)
