"""The AttachedDocument of every document kind: XSD-valid, signed like the documents, carrying
the exact signed document and DIAN's ApplicationResponse, sent by the tenant to the other party.

Real parts throughout: each kind's sample document goes through the pipeline, and DIAN's
answer is the simulator's own signed ApplicationResponse for it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from core.clock import BOGOTA
from core.plugins import build_registry, get_plugin_manager
from core.registry import Registry
from core.representation.attached_document import (
    attached_file_name,
    build_attached_document,
    validation_moment,
)
from core.sample_documents import SAMPLE_ISSUED_AT, SAMPLE_NIT
from core.signing.certificates import SigningIdentity, load_pkcs12
from core.signing.testcerts import generate_test_pkcs12
from core.signing.xades import verify_xades
from core.ubl.schemas import schema_errors
from core.xml_parsing import parse_xml
from plugins.environments.simulador.application_response import signed_application_response
from plugins.environments.simulador.document_facts import read_facts
from tests.plugins.document_types.conftest import xsd_directory
from tests.plugins.document_types.test_document_types_golden import TYPES, prepare

NS = {
    "ad": "urn:oasis:names:specification:ubl:schema:xsd:AttachedDocument-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
DOCUMENT_REFERENCE = "cac:ParentDocumentLineReference/cac:DocumentReference"
DESCRIPTION = "cac:Attachment/cac:ExternalReference/cbc:Description"
DIAN_ANSWERED_AT = dt.datetime(2026, 11, 20, 10, 30, 5, tzinfo=BOGOTA)
BUILT_AT = dt.datetime(2026, 11, 20, 10, 31, 0, tzinfo=BOGOTA)


@pytest.fixture(scope="module")
def xsd_dir() -> Path:
    path = xsd_directory()
    if not (path / "maindoc" / "UBL-AttachedDocument-2.1.xsd").is_file():
        pytest.skip(f"DIAN XSDs not found at {path} (set PASARELA_XSD_DIR)")
    return path


@pytest.fixture(scope="module")
def registry() -> Registry:
    return build_registry(get_plugin_manager())


@pytest.fixture(scope="module")
def identity() -> SigningIdentity:
    data, password = generate_test_pkcs12(nit=SAMPLE_NIT, name="PASARELA DEMO S.A.S.")
    return load_pkcs12(data, password)


@pytest.fixture(scope="module")
def dian_identity() -> SigningIdentity:
    data, password = generate_test_pkcs12(nit="800197268", name="DIAN", self_signed=True)
    return load_pkcs12(data, password)


@pytest.fixture(scope="module")
def accepted(registry, identity, dian_identity) -> dict[str, tuple[str, str]]:
    """Per kind: (signed document, DIAN's ApplicationResponse accepting it)."""
    documents = {}
    for code in TYPES:
        prepared = prepare(code, registry, get_plugin_manager(), identity)
        answer = signed_application_response(
            read_facts(parse_xml(prepared.xml)),
            [],
            accepted=True,
            issued_at=DIAN_ANSWERED_AT,
            receiver_name="PASARELA DEMO S.A.S.",
            identity=dian_identity,
        )
        documents[code] = (prepared.xml.decode("utf-8"), answer.decode("utf-8"))
    return documents


def build(signed: str, answer: str, identity: SigningIdentity, **options) -> bytes:
    values = {
        "tenant_role": "supplier",
        "profile_execution_id": "2",
        "identity": identity,
        "built_at": BUILT_AT,
        "accepted_at": DIAN_ANSWERED_AT,
        "ids_seed": "attached",
    }
    values.update(options)
    return build_attached_document(signed, answer, **values)


def text(root: etree._Element, path: str) -> str:
    return root.findtext(path, namespaces=NS) or ""


@pytest.mark.parametrize("code", TYPES)
def test_the_container_is_valid_against_the_xsd_and_signed_by_the_tenant(
    code, accepted, identity, xsd_dir
):
    signed, answer = accepted[code]
    xml = build(signed, answer, identity)
    root = parse_xml(xml)
    assert schema_errors(root, xsd_dir) == []
    verified = verify_xades(xml)
    assert verified.certificate.public_bytes(Encoding.DER) == identity.certificate.public_bytes(
        Encoding.DER
    )
    assert verified.claimed_role == "supplier"
    assert verified.signing_time == BUILT_AT
    assert text(root, "cbc:IssueDate") == "2026-11-20"  # the signing date (FAD09e)
    assert text(root, "cbc:IssueTime") == "10:31:00-05:00"


@pytest.mark.parametrize("code", TYPES)
def test_the_cdata_sections_hold_the_exact_signed_document_and_dian_answer(
    code, accepted, identity
):
    signed, answer = accepted[code]
    xml = build(signed, answer, identity)
    assert b"<![CDATA[" + signed.encode("utf-8") + b"]]>" in xml
    assert b"<![CDATA[" + answer.encode("utf-8") + b"]]>" in xml
    root = parse_xml(xml)
    assert text(root, DESCRIPTION) == signed
    assert text(root, f"{DOCUMENT_REFERENCE}/{DESCRIPTION}") == answer
    for external in root.iterfind(".//cac:ExternalReference", NS):
        assert text(external, "cbc:MimeCode") == "text/xml"
        assert text(external, "cbc:EncodingCode") == "UTF-8"
    # the signed document read back from the container still verifies on its own
    verify_xades(text(root, DESCRIPTION).encode("utf-8"))


@pytest.mark.parametrize("code", TYPES)
def test_header_and_parent_reference_name_the_document_and_dians_verdict(
    code, accepted, identity, registry
):
    signed, answer = accepted[code]
    document = parse_xml(signed.encode("utf-8"))
    number = text(document, "cbc:ID")
    code_node = document.find("cbc:UUID", NS)
    xml = build(signed, answer, identity, profile_execution_id="1")
    root = parse_xml(xml)
    assert text(root, "cbc:UBLVersionID") == "UBL 2.1"
    assert text(root, "cbc:CustomizationID") == "Documentos adjuntos"
    assert text(root, "cbc:ProfileID") == "DIAN 2.1"
    assert text(root, "cbc:ProfileExecutionID") == "1"
    assert text(root, "cbc:ID") == text(root, "cbc:ParentDocumentID") == number
    assert text(root, "cbc:DocumentType") == "Contenedor de Factura Electrónica"
    scheme = f"{registry.document_types.get(code).unique_code}-SHA384"
    for holder in (root, root.find(DOCUMENT_REFERENCE, NS)):
        unique = holder.find("cbc:UUID", NS)
        assert unique.text == code_node.text and len(unique.text) == 96
        assert unique.get("schemeName") == code_node.get("schemeName") == scheme
    reference = root.find(DOCUMENT_REFERENCE, NS)
    assert text(root, "cac:ParentDocumentLineReference/cbc:LineID") == "1"
    assert text(reference, "cbc:ID") == number
    assert text(reference, "cbc:IssueDate") == SAMPLE_ISSUED_AT.date().isoformat()
    assert text(reference, "cbc:DocumentType") == "ApplicationResponse"
    verification = reference.find("cac:ResultOfVerification", NS)
    assert text(verification, "cbc:ValidatorID") == (
        "Unidad Especial Dirección de Impuestos y Aduanas Nacionales"
    )
    assert text(verification, "cbc:ValidationResultCode") == "02"
    assert text(verification, "cbc:ValidationDate") == "2026-11-20"
    assert text(verification, "cbc:ValidationTime") == "10:30:05-05:00"


COMPANY_ID = "cac:PartyTaxScheme/cbc:CompanyID"
SUPPLIER = "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme"
CUSTOMER = "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme"


def c14n(node: etree._Element) -> bytes:
    return etree.tostring(node, method="c14n", exclusive=True)


def test_a_supplier_tenant_sends_to_the_buyer(accepted, identity):
    signed, answer = accepted["01"]
    document = parse_xml(signed.encode("utf-8"))
    root = parse_xml(build(signed, answer, identity))
    sender, receiver = root.find("cac:SenderParty", NS), root.find("cac:ReceiverParty", NS)
    assert text(sender, COMPANY_ID) == SAMPLE_NIT
    assert text(receiver, COMPANY_ID) == text(document, f"{CUSTOMER}/cbc:CompanyID")
    assert text(receiver, COMPANY_ID) != SAMPLE_NIT
    # the PartyTaxScheme is the document's own, element for element
    assert c14n(sender[0]) == c14n(document.find(SUPPLIER, NS))
    assert c14n(receiver[0]) == c14n(document.find(CUSTOMER, NS))


def test_a_buyer_tenant_sends_to_the_seller(accepted, identity, xsd_dir):
    """Kinds whose tenant is the buyer (the support document): the tenant is the
    AccountingCustomerParty and sends the container to the seller."""
    signed, answer = accepted["01"]
    document = parse_xml(signed.encode("utf-8"))
    xml = build(signed, answer, identity, tenant_role="buyer")
    root = parse_xml(xml)
    assert c14n(root.find("cac:SenderParty", NS)[0]) == c14n(document.find(CUSTOMER, NS))
    assert c14n(root.find("cac:ReceiverParty", NS)[0]) == c14n(document.find(SUPPLIER, NS))
    assert schema_errors(root, xsd_dir) == []


def test_validation_moment_falls_back_when_the_answer_has_no_dates():
    accepted_at = dt.datetime(2026, 11, 21, 1, 2, 3, tzinfo=dt.UTC)  # 20:02:03 in Bogotá
    assert validation_moment("<Respuesta/>", accepted_at) == ("2026-11-20", "20:02:03-05:00")
    assert validation_moment("no es XML", accepted_at) == ("2026-11-20", "20:02:03-05:00")


def test_a_signed_document_without_its_code_is_refused(identity):
    with pytest.raises(ValueError, match="CUFE/CUDE"):
        build("<Invoice><ID>1</ID></Invoice>", "<x/>", identity)


def test_file_name_follows_the_dian_naming_with_the_ad_prefix():
    assert attached_file_name("900373076", 2026, 11) == "ad09003730760002600000011.xml"
    assert attached_file_name("900373076", 2026, 990000011) == "ad09003730760002690000011.xml"
