"""Each built-in document type end to end: golden XML, XSD validity, CUFE/CUDE, signature.

Golden files hold the signed document with the ``ds:Signature`` element removed (the key is
generated per run, so signature bytes differ); everything else is frozen by the sample data's
fixed issue moment and the seeded signature ids. Regenerate with ``PASARELA_REGEN_GOLDEN=1``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from core.pipeline import PreparedDocument, prepare_document
from core.sample_documents import sample_document, sample_numbering_range, sample_tenant
from core.signing.xades import verify_xades
from core.ubl.namespaces import DS_NS, XPATH_NS
from core.ubl.schemas import schema_errors
from core.ubl.unique_codes import compute_unique_code

GOLDEN = Path(__file__).resolve().parents[2] / "vectors" / "golden"
TYPES = ("01", "91", "92", "20", "94", "93", "02", "03", "04")
ROOTS = {
    "01": "Invoice",
    "02": "Invoice",
    "03": "Invoice",
    "04": "Invoice",
    "20": "Invoice",
    "91": "CreditNote",
    "94": "CreditNote",
}


def prepare(code: str, registry, plugins, identity) -> PreparedDocument:
    return prepare_document(
        sample_document(code),
        document_type=registry.document_types.get(code),
        tenant=sample_tenant(),
        numbering_range=sample_numbering_range(code),
        environment=registry.environments.get("habilitacion"),
        identity=identity,
        plugin_manager=plugins,
        ids_seed=f"golden-{code}",
    )


def without_signature(xml: bytes) -> etree._Element:
    root = etree.fromstring(xml)
    for signature in list(root.iter(f"{{{DS_NS}}}Signature")):
        signature.getparent().remove(signature)
    return root


def c14n(root: etree._Element) -> bytes:
    return etree.tostring(root, method="c14n")


def read_golden(code: str) -> etree._Element:
    """Golden files are indented for review; blank text is dropped before comparing."""
    parser = etree.XMLParser(remove_blank_text=True)
    return etree.parse(str(GOLDEN / f"{code}.xml"), parser).getroot()


@pytest.fixture(scope="module")
def prepared(document_registry, document_plugins, signing_identity) -> dict[str, PreparedDocument]:
    return {
        code: prepare(code, document_registry, document_plugins, signing_identity) for code in TYPES
    }


@pytest.mark.parametrize("code", TYPES)
def test_document_matches_its_golden_file(prepared, code):
    produced = without_signature(prepared[code].xml)
    path = GOLDEN / f"{code}.xml"
    if os.environ.get("PASARELA_REGEN_GOLDEN") == "1":
        readable = etree.fromstring(c14n(produced))
        etree.indent(readable)
        path.write_bytes(etree.tostring(readable, encoding="UTF-8", xml_declaration=True) + b"\n")
    assert c14n(produced) == c14n(read_golden(code))


@pytest.mark.parametrize("code", TYPES)
def test_signed_document_is_valid_against_the_dian_xsd(prepared, code, xsd_dir):
    root = etree.fromstring(prepared[code].xml)
    assert etree.QName(root).localname == ROOTS.get(code, "DebitNote")
    assert schema_errors(root, xsd_dir) == []


@pytest.mark.parametrize("code", TYPES)
def test_golden_unique_code_recomputes_from_the_file(code, document_registry):
    """The CUFE/CUDE stored in the golden XML is what DIAN would recompute from it (FAD06)."""
    root = read_golden(code)
    document_type = document_registry.document_types.get(code)
    key = (
        sample_numbering_range(code).technical_key
        if document_type.unique_code == "CUFE"
        else sample_tenant().software[document_type.software_channel].pin
    )
    code_in_file = root.findtext("cbc:UUID", namespaces=XPATH_NS)
    assert compute_unique_code(root, key)[0] == code_in_file
    qr = root.findtext(".//sts:QRCode", namespaces=XPATH_NS)
    assert (
        qr == f"https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey={code_in_file}"
    )


@pytest.mark.parametrize("code", TYPES)
def test_signature_verifies_and_is_dated_on_the_issue_date(prepared, code):
    verified = verify_xades(prepared[code].xml)
    assert verified.claimed_role == "supplier"
    assert verified.signing_time.date().isoformat() == etree.fromstring(
        prepared[code].xml
    ).findtext("cbc:IssueDate", namespaces=XPATH_NS)  # FAD09e


def test_golden_invoice_known_values():
    """Spot facts of the invoice golden file that DIAN rules name."""
    root = read_golden("01")
    ns = XPATH_NS
    assert root.findtext("cbc:ProfileID", namespaces=ns) == "DIAN 2.1: Factura Electrónica de Venta"
    assert root.find("cbc:UUID", ns).get("schemeName") == "CUFE-SHA384"
    assert root.findtext("cbc:InvoiceTypeCode", namespaces=ns) == "01"
    assert root.find(".//sts:InvoiceControl", ns) is not None
    assert [
        t.findtext("cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:ID", namespaces=ns)
        for t in root.findall("cac:TaxTotal", ns)
    ] == ["01", "04"]
    assert root.findtext("cbc:LineCountNumeric", namespaces=ns) == "5"


def test_golden_invoice_prehash_is_the_anexo_formula():
    """Known answer: the CUFE input of the golden invoice, field by field (Anexo §11.2)."""
    root = read_golden("01")
    expected = "".join(
        (
            "SETP990000000",  # NumFac
            "2026-11-20",  # FecFac
            "10:30:00-05:00",  # HorFac
            "161505.50",  # ValFac
            "01",
            "16330.56",  # IVA 19 % + 5 %
            "04",
            "3480.12",  # INC 8 %
            "03",
            "0.00",  # no ICA
            "181316.18",  # ValTot
            "900373076",  # NitFE
            "800199436",  # NumAdq
            "fc8eac422eba16e22ffd8c6f94b3f40a6e38162c",  # ClTec of the public test range
            "2",  # habilitación
        )
    )
    code, prehash = compute_unique_code(root, "fc8eac422eba16e22ffd8c6f94b3f40a6e38162c")
    assert prehash == expected
    assert code == hashlib.sha384(expected.encode()).hexdigest()


@pytest.mark.parametrize("code", TYPES)
def test_xmlsec1_verifies_each_document_type(prepared, code, signing_identity, tmp_path):
    """An independent verifier accepts the signature wherever the extensions put it (the POS
    signature is the fifth UBLExtension)."""
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
