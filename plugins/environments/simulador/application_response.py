"""The ApplicationResponse the simulated DIAN returns in ``XmlBase64Bytes``.

DIAN answers each document with its own UBL ApplicationResponse, signed with DIAN's
certificate: ResponseCode 02 (validated) or 04 (rejected), the document's number and CUFE/CUDE
as the reference, and one LineResponse per rule finding (research/dian-tech.md §6.8). The
simulator signs it with its own certificate through the same XAdES signer the gateway uses.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from lxml import etree

from core.signing.certificates import SigningIdentity
from core.signing.xades import sign_xades
from core.ubl.extensions import DIAN_DV, DIAN_NIT
from core.ubl.namespaces import (
    CAC,
    CBC,
    DIAN_AGENCY_ID,
    DIAN_AGENCY_NAME,
    EXT,
    PREFIXED,
    STS,
    sub,
)
from core.ubl.unique_codes import sha384_hex
from plugins.environments.simulador.document_facts import DocumentFacts
from plugins.environments.simulador.document_rules import Finding

APPLICATION_RESPONSE_NS = "urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2"
DIAN_SOFTWARE_ID = "DIAN"  # the simulated DIAN signs as its own software
QR_BASE_HABILITACION = "https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey="
DIAN_NAME = "Unidad Especial Dirección de Impuestos y Aduanas Nacionales"
ACCEPTED, REJECTED = "02", "04"
RESPONSE_TEXT = {
    ACCEPTED: "Documento validado por la DIAN",
    REJECTED: "Documento rechazado por la DIAN",
}


def _party(parent: etree._Element, tag: str, name: str, nit: str, dv: str) -> None:
    scheme = sub(sub(parent, tag), CAC.PartyTaxScheme)
    sub(scheme, CBC.RegistrationName, name)
    sub(scheme, CBC.CompanyID, nit, {"schemeAgencyID": "195", "schemeID": dv, "schemeName": "31"})
    tax_scheme = sub(scheme, CAC.TaxScheme)
    sub(tax_scheme, CBC.ID, "01")
    sub(tax_scheme, CBC.Name, "IVA")


def build_application_response(
    facts: DocumentFacts,
    findings: Sequence[Finding],
    *,
    accepted: bool,
    issued_at: dt.datetime,
    receiver_name: str,
) -> etree._Element:
    """The unsigned ApplicationResponse for one processed document."""
    root = etree.Element(
        f"{{{APPLICATION_RESPONSE_NS}}}ApplicationResponse",
        nsmap={None: APPLICATION_RESPONSE_NS, **PREFIXED},
    )
    code = ACCEPTED if accepted else REJECTED
    number = str(uuid.uuid4().int % 10**12)
    agency = {"schemeAgencyID": DIAN_AGENCY_ID, "schemeAgencyName": DIAN_AGENCY_NAME}
    dian_id = {**agency, "schemeID": DIAN_DV, "schemeName": "31"}
    extensions = sub(root, EXT.UBLExtensions)
    dian = sub(sub(sub(extensions, EXT.UBLExtension), EXT.ExtensionContent), STS.DianExtensions)
    sub(sub(dian, STS.InvoiceSource), CBC.IdentificationCode, "CO")
    provider = sub(dian, STS.SoftwareProvider)
    sub(provider, STS.ProviderID, DIAN_NIT, dian_id)
    sub(provider, STS.SoftwareID, DIAN_SOFTWARE_ID, agency)
    sub(dian, STS.SoftwareSecurityCode, sha384_hex(f"{DIAN_SOFTWARE_ID}{number}"), agency)
    sub(sub(dian, STS.AuthorizationProvider), STS.AuthorizationProviderID, DIAN_NIT, dian_id)
    sub(dian, STS.QRCode, f"{QR_BASE_HABILITACION}{facts.uuid}")
    sub(sub(extensions, EXT.UBLExtension), EXT.ExtensionContent)  # the signature goes here

    date, time = issued_at.date().isoformat(), issued_at.strftime("%H:%M:%S%z")
    time = f"{time[:-2]}:{time[-2:]}"
    sub(root, CBC.UBLVersionID, "UBL 2.1")
    sub(root, CBC.CustomizationID, "1")
    sub(root, CBC.ProfileID, "DIAN 2.1")
    sub(root, CBC.ProfileExecutionID, facts.profile_execution_id or "2")
    sub(root, CBC.ID, number)
    sub(
        root,
        CBC.UUID,
        sha384_hex(
            f"{number}{date}{time}{DIAN_NIT}{facts.issuer_nit}{code}{facts.number}{facts.type_code}"
        ),
        {"schemeName": "CUDE-SHA384"},
    )
    sub(root, CBC.IssueDate, date)
    sub(root, CBC.IssueTime, time)
    _party(root, CAC.SenderParty, DIAN_NAME, DIAN_NIT, DIAN_DV)
    _party(root, CAC.ReceiverParty, receiver_name, facts.issuer_nit, facts.issuer_dv)

    document_response = sub(root, CAC.DocumentResponse)
    response = sub(document_response, CAC.Response)
    sub(response, CBC.ResponseCode, code)
    sub(response, CBC.Description, RESPONSE_TEXT[code])
    reference = sub(document_response, CAC.DocumentReference)
    sub(reference, CBC.ID, facts.number)
    scheme = "CUFE-SHA384" if facts.uses_technical_key else "CUDE-SHA384"
    sub(reference, CBC.UUID, facts.uuid, {"schemeName": scheme})
    for position, finding in enumerate(findings, start=1):
        line = sub(document_response, CAC.LineResponse)
        sub(sub(line, CAC.LineReference), CBC.LineID, str(position))
        line_response = sub(line, CAC.Response)
        sub(line_response, CBC.ResponseCode, finding.rule)
        sub(line_response, CBC.Description, finding.message)
    return root


def signed_application_response(
    facts: DocumentFacts,
    findings: Sequence[Finding],
    *,
    accepted: bool,
    issued_at: dt.datetime,
    receiver_name: str,
    identity: SigningIdentity,
) -> bytes:
    """The ApplicationResponse signed with the simulator's certificate, as UTF-8 bytes."""
    root = build_application_response(
        facts, findings, accepted=accepted, issued_at=issued_at, receiver_name=receiver_name
    )
    signed = sign_xades(root, identity, issued_at)
    tree = signed if signed is not None else root
    return etree.tostring(tree, encoding="UTF-8", xml_declaration=True)
