"""XAdES-EPES: our signer checked by our verifier, by signxml and by xmlsec1 (dian-tech.md §3)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.exceptions import InvalidSignature as SignxmlInvalid
from signxml.xades import XAdESSignatureConfiguration, XAdESSignaturePolicy, XAdESVerifier

from core.errors import SignatureInvalid
from core.signing.certificates import SigningIdentity, load_pkcs12
from core.signing.testcerts import generate_test_pkcs12
from core.signing.xades import sign_xades, verify_xades
from core.signing.xades_text import POLICY_DIGEST_B64, POLICY_IDENTIFIER

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
EXT = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
STS = "dian:gov:co:facturaelectronica:Structures-2-1"
DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
NS = {"inv": INVOICE_NS, "cac": CAC, "cbc": CBC, "ext": EXT, "sts": STS, "ds": DS, "xades": XADES}

BOGOTA = dt.timezone(dt.timedelta(hours=-5))
SIGNING_TIME = dt.datetime(2024, 1, 29, 19, 0, 0, 123000, tzinfo=BOGOTA)


def build_invoice(*, declare_signature_prefixes: bool = False, pretty: bool = False):
    """A small UBL Invoice built with the lxml API, as the real builders do (not parsed)."""
    nsmap = {None: INVOICE_NS, "cac": CAC, "cbc": CBC, "ext": EXT, "sts": STS}
    if declare_signature_prefixes:
        # as core.ubl.namespaces.new_root does; xades141 and xsi stay unused in the document
        nsmap |= {
            "ds": DS,
            "xades": XADES,
            "xades141": "http://uri.etsi.org/01903/v1.4.1#",
            "xsi": "http://www.w3.org/2001/XMLSchema-instance",
        }
    root = etree.Element(f"{{{INVOICE_NS}}}Invoice", nsmap=nsmap)

    def sub(parent, ns, tag, text=None, **attrib):
        element = etree.SubElement(parent, f"{{{ns}}}{tag}", attrib)
        element.text = text
        return element

    content = sub(
        sub(sub(root, EXT, "UBLExtensions"), EXT, "UBLExtension"), EXT, "ExtensionContent"
    )
    dian = sub(content, STS, "DianExtensions")
    sub(dian, STS, "SoftwareSecurityCode", "abc", schemeAgencyID="195")
    sub(root, CBC, "UBLVersionID", "UBL 2.1")
    sub(root, CBC, "ProfileExecutionID", "2")
    sub(root, CBC, "ID", "SETP990000001")
    sub(root, CBC, "UUID", "x" * 96, schemeID="2", schemeName="CUFE-SHA384")
    sub(root, CBC, "IssueDate", "2024-01-29")
    sub(root, CBC, "IssueTime", "19:00:00-05:00")
    sub(root, CBC, "InvoiceTypeCode", "01")
    sub(root, CBC, "Note", "Factura con tildes: señal, camión & <símbolos>")
    for n in range(1, 6):
        line = sub(root, CAC, "InvoiceLine")
        sub(line, CBC, "ID", str(n))
        sub(line, CBC, "InvoicedQuantity", "1.00", unitCode="94")
        sub(line, CBC, "LineExtensionAmount", "200.00", currencyID="COP")
    total = sub(root, CAC, "LegalMonetaryTotal")
    sub(total, CBC, "LineExtensionAmount", "1000.00", currencyID="COP")
    sub(total, CBC, "PayableAmount", "1190.00", currencyID="COP")
    if pretty:
        etree.indent(root)
    return root


def signed_bytes(identity: SigningIdentity, **kwargs) -> bytes:
    root = build_invoice(**kwargs)
    sign_xades(root, identity, SIGNING_TIME)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def tamper_payable(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    root.find("cac:LegalMonetaryTotal/cbc:PayableAmount", NS).text = "1.00"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def signxml_verify(xml: bytes, identity: SigningIdentity) -> None:
    cert_pem = identity.certificate.public_bytes(Encoding.PEM).decode()
    XAdESVerifier().verify(
        xml,
        x509_cert=cert_pem,
        expect_config=XAdESSignatureConfiguration(
            signature_methods=frozenset({SignatureMethod.RSA_SHA256}),
            digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
        ),
        expect_signature_policy=XAdESSignaturePolicy(
            Identifier=POLICY_IDENTIFIER,
            Description="",
            DigestMethod=DigestAlgorithm.SHA256,
            DigestValue=POLICY_DIGEST_B64,
        ),
    )
    XMLVerifier().verify(
        xml, x509_cert=cert_pem, expect_config=SignatureConfiguration(expect_references=3)
    )


def xmlsec1(xml: bytes, identity: SigningIdentity, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run ``xmlsec1 --verify`` trusting the test CA that issued ``identity``."""
    if shutil.which("xmlsec1") is None:
        pytest.skip("xmlsec1 is not installed")
    document = tmp_path / "signed.xml"
    document.write_bytes(xml)
    ca = tmp_path / "ca.pem"
    ca.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in identity.chain))
    return subprocess.run(
        [
            "xmlsec1",
            "--verify",
            "--id-attr:Id",
            "KeyInfo",
            "--id-attr:Id",
            f"{XADES}:SignedProperties",
            "--trusted-pem",
            str(ca),
            str(document),
        ],
        capture_output=True,
        check=False,
    )


# --- shape ---------------------------------------------------------------------------------


def test_signature_has_dians_shape(identity: SigningIdentity) -> None:
    root = etree.fromstring(signed_bytes(identity))
    extensions = root.findall("ext:UBLExtensions/ext:UBLExtension", NS)
    assert len(extensions) == 2
    assert extensions[0].find("ext:ExtensionContent/sts:DianExtensions", NS) is not None
    signature = extensions[1].find("ext:ExtensionContent/ds:Signature", NS)
    assert signature is not None
    signature_id = signature.get("Id")
    assert signature_id.startswith("xmldsig-")

    info = signature.find("ds:SignedInfo", NS)
    assert info.find("ds:CanonicalizationMethod", NS).get("Algorithm") == (
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    )
    assert info.find("ds:SignatureMethod", NS).get("Algorithm") == (
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    )
    refs = info.findall("ds:Reference", NS)
    assert [r.get("URI") for r in refs] == [
        "",
        "#" + signature.find("ds:KeyInfo", NS).get("Id"),
        f"#{signature_id}-signedprops",
    ]
    assert refs[0].get("Id") == f"{signature_id}-ref0"
    assert [t.get("Algorithm") for t in refs[0].findall("ds:Transforms/ds:Transform", NS)] == [
        "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    ]
    assert refs[1].find("ds:Transforms", NS) is None
    assert refs[2].get("Type") == "http://uri.etsi.org/01903#SignedProperties"
    assert {r.find("ds:DigestMethod", NS).get("Algorithm") for r in refs} == {
        "http://www.w3.org/2001/04/xmlenc#sha256"
    }
    assert signature.find("ds:SignatureValue", NS).get("Id") == f"{signature_id}-sigvalue"
    certs = signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS)
    assert [c.text for c in certs] == [identity.der_b64, *identity.chain_b64]

    qualifying = signature.find("ds:Object/xades:QualifyingProperties", NS)
    assert qualifying.get("Target") == f"#{signature_id}"
    props = qualifying.find("xades:SignedProperties/xades:SignedSignatureProperties", NS)
    assert props.findtext("xades:SigningTime", namespaces=NS) == "2024-01-29T19:00:00.123-05:00"
    cert = props.find("xades:SigningCertificate/xades:Cert", NS)
    assert cert.findtext("xades:CertDigest/ds:DigestValue", namespaces=NS) == (
        identity.cert_sha256_b64
    )
    assert cert.findtext("xades:IssuerSerial/ds:X509IssuerName", namespaces=NS) == (
        "C=CO,O=Pasarela (solo pruebas),CN=Pasarela Test CA"
    )
    assert cert.findtext("xades:IssuerSerial/ds:X509SerialNumber", namespaces=NS) == str(
        identity.certificate.serial_number
    )
    policy = props.find("xades:SignaturePolicyIdentifier/xades:SignaturePolicyId", NS)
    assert policy.findtext("xades:SigPolicyId/xades:Identifier", namespaces=NS) == (
        "https://facturaelectronica.dian.gov.co/politicadefirma/v2/politicadefirmav2.pdf"
    )
    assert policy.findtext("xades:SigPolicyHash/ds:DigestValue", namespaces=NS) == (
        "dMoMvtcG5aIzgYo0tIsSQeVJBDnUnfSOfBpxXrmor0Y="
    )
    roles = props.findall("xades:SignerRole/xades:ClaimedRoles/xades:ClaimedRole", NS)
    assert [r.text for r in roles] == ["supplier"]


def test_signing_time_is_written_in_bogota_time(identity: SigningIdentity) -> None:
    root = build_invoice()
    utc = dt.datetime(2024, 1, 30, 0, 0, 0, tzinfo=dt.UTC)  # 19:00 the day before in Bogotá
    sign_xades(root, identity, utc)
    assert root.findtext(".//xades:SigningTime", namespaces=NS) == "2024-01-29T19:00:00.000-05:00"


def test_signing_date_must_equal_issue_date_fad09e(identity: SigningIdentity) -> None:
    next_day = dt.datetime(2024, 1, 30, 0, 0, 1, tzinfo=BOGOTA)
    with pytest.raises(ValueError, match="FAD09e"):
        sign_xades(build_invoice(), identity, next_day)
    root = build_invoice()
    sign_xades(root, identity, next_day, check_issue_date=False)
    verify_xades(etree.tostring(root))


def test_ids_seed_makes_the_output_reproducible(identity: SigningIdentity) -> None:
    outputs = []
    for _ in range(2):
        root = build_invoice()
        sign_xades(root, identity, SIGNING_TIME, ids_seed="SETP990000001")
        outputs.append(etree.tostring(root, method="c14n"))
    assert outputs[0] == outputs[1]
    root = build_invoice()
    sign_xades(root, identity, SIGNING_TIME)
    assert etree.tostring(root, method="c14n") != outputs[0]


def test_third_party_role_and_unknown_role(identity: SigningIdentity) -> None:
    root = build_invoice()
    sign_xades(root, identity, SIGNING_TIME, role="third party")
    assert root.findtext(".//xades:ClaimedRole", namespaces=NS) == "third party"
    assert verify_xades(etree.tostring(root)).claimed_role == "third party"
    with pytest.raises(ValueError):
        sign_xades(build_invoice(), identity, SIGNING_TIME, role="boss")


def test_existing_empty_second_extension_is_reused(identity: SigningIdentity) -> None:
    root = build_invoice()
    extensions = root.find("ext:UBLExtensions", NS)
    etree.SubElement(
        etree.SubElement(extensions, f"{{{EXT}}}UBLExtension"), f"{{{EXT}}}ExtensionContent"
    )
    sign_xades(root, identity, SIGNING_TIME)
    assert len(extensions) == 2
    assert extensions[1].find("ext:ExtensionContent/ds:Signature", NS) is not None
    with pytest.raises(ValueError, match="firmado"):
        sign_xades(root, identity, SIGNING_TIME)


def test_without_chain_only_the_signing_certificate_travels(identity: SigningIdentity) -> None:
    root = build_invoice()
    sign_xades(root, identity, SIGNING_TIME, include_chain=False)
    assert [c.text for c in root.iterfind(".//ds:X509Certificate", NS)] == [identity.der_b64]
    signxml_verify(etree.tostring(root), identity)


# --- verification: ours, signxml, xmlsec1 ----------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [{}, {"declare_signature_prefixes": True}, {"pretty": True}],
    ids=["plain", "root-declares-ds-xades", "indented"],
)
def test_three_verifiers_accept_and_reject_a_tampered_copy(
    identity: SigningIdentity, tmp_path: Path, variant: dict
) -> None:
    xml = signed_bytes(identity, **variant)

    verified = verify_xades(xml)
    assert verified.certificate == identity.certificate
    assert verified.signing_time == SIGNING_TIME
    assert verified.claimed_role == "supplier"
    assert verified.chain == identity.chain
    signxml_verify(xml, identity)
    result = xmlsec1(xml, identity, tmp_path)
    assert result.returncode == 0, result.stderr.decode()

    tampered = tamper_payable(xml)
    with pytest.raises(SignatureInvalid, match="digest del documento"):
        verify_xades(tampered)
    with pytest.raises(SignxmlInvalid):
        signxml_verify(tampered, identity)
    assert xmlsec1(tampered, identity, tmp_path).returncode != 0


def test_verifier_accepts_a_parsed_tree_and_leaves_it_unchanged(identity: SigningIdentity) -> None:
    root = etree.fromstring(signed_bytes(identity, pretty=True))
    before = etree.tostring(root)
    verify_xades(root)
    assert etree.tostring(root) == before


def test_tampered_signing_time_is_rejected(identity: SigningIdentity) -> None:
    root = etree.fromstring(signed_bytes(identity))
    root.find(".//xades:SigningTime", NS).text = "2024-01-28T19:00:00.000-05:00"
    with pytest.raises(SignatureInvalid, match="signedprops"):
        verify_xades(etree.tostring(root))


def test_swapped_certificate_is_rejected(
    identity: SigningIdentity, other_identity: SigningIdentity
) -> None:
    root = etree.fromstring(signed_bytes(identity))
    root.find(".//ds:X509Certificate", NS).text = other_identity.der_b64
    with pytest.raises(SignatureInvalid):
        verify_xades(etree.tostring(root))


def test_signature_by_another_key_is_rejected(
    identity: SigningIdentity, other_identity: SigningIdentity
) -> None:
    """A valid structure whose SignatureValue was computed with a different key."""
    good = etree.fromstring(signed_bytes(identity))
    forged_root = build_invoice()
    sign_xades(forged_root, other_identity, SIGNING_TIME)
    good.find(".//ds:SignatureValue", NS).text = forged_root.findtext(
        ".//ds:SignatureValue", namespaces=NS
    )
    with pytest.raises(SignatureInvalid, match="Valor de la firma"):
        verify_xades(etree.tostring(good))


def test_unsigned_document_is_rejected() -> None:
    with pytest.raises(SignatureInvalid, match="no contiene la firma"):
        verify_xades(etree.tostring(build_invoice()))
    with pytest.raises(SignatureInvalid, match="bien formado"):
        verify_xades(b"<Invoice")


def test_issuer_name_with_xml_special_characters(tmp_path: Path) -> None:
    data, password = generate_test_pkcs12(
        nit="900999888", name='Ñandú & Cía <S.A.S.> "Bogotá"', self_signed=True
    )
    identity = load_pkcs12(data, password)
    xml = signed_bytes(identity)
    issuer = etree.fromstring(xml).findtext(".//ds:X509IssuerName", namespaces=NS)
    assert issuer == identity.issuer_name
    assert "Ñandú & Cía \\<S.A.S.\\>" in issuer  # RFC 4514 escapes < > "
    verify_xades(xml)
    signxml_verify(xml, identity)
