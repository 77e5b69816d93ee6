"""The support document (05) and its adjustment note (95) end to end: golden XML, XSD validity,
CUDS (known answers and recomputed from the files), signatures, the tenant as buyer.

Golden files follow ``test_document_types_golden.py``: the signed document without its
``ds:Signature``; regenerate with ``PASARELA_REGEN_GOLDEN=1``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from core.sample_documents import SAMPLE_NIT, sample_tenant
from core.signing.xades import verify_xades
from core.ubl.namespaces import XPATH_NS
from core.ubl.schemas import schema_errors
from core.ubl.unique_codes import compute_unique_code, cuds, unique_code_input_from_tree
from plugins.document_types.support_samples import RESIDENT_SELLER, SAMPLE_SUPPORT_CUDS
from tests.plugins.document_types.test_document_types_golden import (
    GOLDEN,
    c14n,
    prepare,
    read_golden,
    without_signature,
)

KINDS = ("05", "95")
PIN = "12345"  # the sample tenant's support-document software PIN
NS = XPATH_NS


@pytest.fixture(scope="module")
def prepared(document_registry, document_plugins, signing_identity):
    return {
        code: prepare(code, document_registry, document_plugins, signing_identity) for code in KINDS
    }


@pytest.mark.parametrize("code", KINDS)
def test_document_matches_its_golden_file(prepared, code):
    produced = without_signature(prepared[code].xml)
    path = GOLDEN / f"{code}.xml"
    if os.environ.get("PASARELA_REGEN_GOLDEN") == "1":
        readable = etree.fromstring(c14n(produced))
        etree.indent(readable)
        path.write_bytes(etree.tostring(readable, encoding="UTF-8", xml_declaration=True) + b"\n")
    assert c14n(produced) == c14n(read_golden(code))


@pytest.mark.parametrize(("code", "root_name"), [("05", "Invoice"), ("95", "CreditNote")])
def test_signed_document_is_valid_against_the_dian_xsd(prepared, code, root_name, xsd_dir):
    root = etree.fromstring(prepared[code].xml)
    assert etree.QName(root).localname == root_name
    assert schema_errors(root, xsd_dir) == []


@pytest.mark.parametrize("code", KINDS)
def test_golden_cuds_recomputes_from_the_file(code):
    """The CUDS in the golden file is what DIAN recomputes (DSAD06/NSAD06): software PIN,
    only the IVA pair, seller first and the buying tenant second."""
    root = read_golden(code)
    in_file = root.findtext("cbc:UUID", namespaces=NS)
    assert root.find("cbc:UUID", NS).get("schemeName") == "CUDS-SHA384"
    assert compute_unique_code(root, PIN)[0] == in_file
    assert cuds(unique_code_input_from_tree(root, PIN))[0] == in_file
    qr = root.findtext(".//sts:QRCode", namespaces=NS)
    assert qr == f"https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey={in_file}"


def test_cuds_known_answer_from_the_research_vector():
    """§1.5: ODOO's support_document.xml CUDS, recomputed from its field values."""
    prehash = (
        "DS/2024/01/00012024-01-2919:00:00-05:001600.0001304.001904.00900108281018419008123452"
    )
    assert hashlib.sha384(prehash.encode()).hexdigest() == SAMPLE_SUPPORT_CUDS


def test_golden_support_document_prehash_is_the_cuds_formula():
    """Known answer: the CUDS input of the golden 05, field by field (§1.3)."""
    root = read_golden("05")
    code, prehash = compute_unique_code(root, PIN)
    money = root.find("cac:LegalMonetaryTotal", NS)
    iva = root.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS)
    expected = "".join(
        (
            "SEDS984000000",  # NumDS
            "2026-11-20",  # FecDS
            "10:30:00-05:00",  # HorDS
            money.findtext("cbc:LineExtensionAmount", namespaces=NS),  # ValDS
            "01",
            iva,  # ValIva
            money.findtext("cbc:PayableAmount", namespaces=NS),  # ValTol
            RESIDENT_SELLER.id_number,  # NumSNO: the seller
            SAMPLE_NIT,  # NITABS: the buying tenant
            PIN,
            "2",
        )
    )
    assert prehash == expected
    assert code == hashlib.sha384(expected.encode()).hexdigest()


@pytest.mark.parametrize("code", KINDS)
def test_the_tenant_is_the_buyer_and_the_seller_the_supplier(code):
    root = read_golden(code)
    company_id = "cac:Party/cac:PartyTaxScheme/cbc:CompanyID"
    supplier = root.find("cac:AccountingSupplierParty", NS)
    customer = root.find("cac:AccountingCustomerParty", NS)
    assert supplier.findtext(company_id, namespaces=NS) == RESIDENT_SELLER.id_number
    assert customer.findtext(company_id, namespaces=NS) == sample_tenant().nit


def test_golden_support_document_known_values():
    root = read_golden("05")
    assert root.findtext("cbc:ProfileID", namespaces=NS) == (
        "DIAN 2.1: documento soporte en adquisiciones efectuadas a no obligados a facturar."
    )
    assert root.findtext("cbc:CustomizationID", namespaces=NS) == "10"
    assert root.findtext("cbc:InvoiceTypeCode", namespaces=NS) == "05"
    control = root.find(".//sts:InvoiceControl", NS)
    assert control.findtext("sts:AuthorizedInvoices/sts:Prefix", namespaces=NS) == "SEDS"
    periods = [
        (
            line.findtext("cac:InvoicePeriod/cbc:StartDate", namespaces=NS),
            line.findtext("cac:InvoicePeriod/cbc:DescriptionCode", namespaces=NS),
            line.findtext("cac:InvoicePeriod/cbc:Description", namespaces=NS),
        )
        for line in root.findall("cac:InvoiceLine", NS)
    ]
    # the first line keeps the default (bought on the issue date), the others state the day before
    assert (
        periods
        == [("2026-11-20", "1", "Por operación")] + [("2026-11-19", "1", "Por operación")] * 4
    )
    assert [
        t.findtext("cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:ID", namespaces=NS)
        for t in root.findall("cac:WithholdingTaxTotal", NS)
    ] == ["06"]


def test_golden_adjustment_note_references_the_support_document_by_cuds():
    root = read_golden("95")
    assert root.findtext("cbc:CreditNoteTypeCode", namespaces=NS) == "95"
    assert root.find(".//sts:InvoiceControl", NS) is None
    reference = root.find("cac:BillingReference/cac:InvoiceDocumentReference", NS)
    assert reference.findtext("cbc:ID", namespaces=NS) == "SEDS984000000"
    assert reference.findtext("cbc:UUID", namespaces=NS) == SAMPLE_SUPPORT_CUDS
    assert reference.find("cbc:UUID", NS).get("schemeName") == "CUDS-SHA384"
    assert root.findtext("cac:DiscrepancyResponse/cbc:ResponseCode", namespaces=NS) == "2"
    assert all(
        line.find("cac:InvoicePeriod", NS) is not None
        for line in root.findall("cac:CreditNoteLine", NS)
    )


@pytest.mark.parametrize("code", KINDS)
def test_signature_verifies_and_is_dated_on_the_issue_date(prepared, code):
    verified = verify_xades(prepared[code].xml)
    root = etree.fromstring(prepared[code].xml)
    assert verified.signing_time.date().isoformat() == root.findtext("cbc:IssueDate", namespaces=NS)


@pytest.mark.parametrize("code", KINDS)
def test_xmlsec1_verifies_the_signature(prepared, code, signing_identity, tmp_path):
    if shutil.which("xmlsec1") is None:
        pytest.skip("xmlsec1 is not installed")
    document = tmp_path / "signed.xml"
    document.write_bytes(prepared[code].xml)
    ca = tmp_path / "ca.pem"
    ca.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in signing_identity.chain))
    command = [
        "xmlsec1", "--verify",
        "--id-attr:Id", "KeyInfo",
        "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties",
        "--trusted-pem", str(ca), str(document),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode()
