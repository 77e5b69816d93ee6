"""Request envelopes: golden shape per operation, and the server-side parser the simulator uses."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from core.dian.envelopes import (
    build_envelope,
    build_signed_request,
    endpoint_address,
    parse_request,
)
from core.dian.errors import MalformedSoapRequest
from core.dian.soap import OPERATIONS, serialize
from core.dian.wssecurity import verify_envelope
from core.errors import WsSecurityError
from core.signing.certificates import SigningIdentity, load_pkcs12
from core.signing.testcerts import generate_test_pkcs12

HAB = "https://vpfe-hab.dian.gov.co/WcfDianCustomerServices.svc"
HEAD = (
    '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:wcf="http://wcf.dian.colombia">'
    '<soap:Header xmlns:wsa="http://www.w3.org/2005/08/addressing">'
    "<wsa:Action>http://wcf.dian.colombia/IWcfDianCustomerServices/{op}</wsa:Action>"
    '<wsa:To xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-'
    'utility-1.0.xsd" wsu:Id="id-GOLDEN">' + HAB + "</wsa:To></soap:Header><soap:Body>"
)
TAIL = "</soap:Body></soap:Envelope>"

CASES = {
    "SendBillSync": (
        {"fileName": "z.zip", "contentFile": b"PK\x03\x04"},
        "<wcf:fileName>z.zip</wcf:fileName><wcf:contentFile>UEsDBA==</wcf:contentFile>",
    ),
    "SendBillAsync": (
        {"fileName": "z.zip", "contentFile": b"PK\x03\x04"},
        "<wcf:fileName>z.zip</wcf:fileName><wcf:contentFile>UEsDBA==</wcf:contentFile>",
    ),
    "SendTestSetAsync": (
        {"fileName": "z.zip", "contentFile": b"PK\x03\x04", "testSetId": "f1e2-set"},
        "<wcf:fileName>z.zip</wcf:fileName><wcf:contentFile>UEsDBA==</wcf:contentFile>"
        "<wcf:testSetId>f1e2-set</wcf:testSetId>",
    ),
    "SendEventUpdateStatus": (
        {"contentFile": b"PK\x03\x04"},
        "<wcf:contentFile>UEsDBA==</wcf:contentFile>",
    ),
    "GetStatus": ({"trackId": "cufe1"}, "<wcf:trackId>cufe1</wcf:trackId>"),
    "GetStatusZip": ({"trackId": "zip-key"}, "<wcf:trackId>zip-key</wcf:trackId>"),
    "GetStatusEvent": ({"trackId": "cufe3"}, "<wcf:trackId>cufe3</wcf:trackId>"),
    "GetNumberingRange": (
        {"accountCode": "900123456", "accountCodeT": "900654321", "softwareCode": "sw-1"},
        "<wcf:accountCode>900123456</wcf:accountCode><wcf:accountCodeT>900654321"
        "</wcf:accountCodeT><wcf:softwareCode>sw-1</wcf:softwareCode>",
    ),
    "GetXmlByDocumentKey": ({"trackId": "cufe2"}, "<wcf:trackId>cufe2</wcf:trackId>"),
}


def test_every_operation_has_a_case() -> None:
    assert set(CASES) == set(OPERATIONS)


@pytest.mark.parametrize("operation", sorted(CASES))
def test_envelope_is_golden(operation: str) -> None:
    params, body = CASES[operation]
    expected = (
        HEAD.format(op=operation) + f"<wcf:{operation}>{body}</wcf:{operation}>" + TAIL
    ).encode()
    envelope = build_envelope(operation, params, to=HAB, to_id="id-GOLDEN")
    assert serialize(envelope) == expected  # no whitespace anywhere
    assert etree.tostring(envelope, method="c14n") == etree.tostring(
        etree.fromstring(expected), method="c14n"
    )


@pytest.mark.parametrize("operation", sorted(CASES))
def test_parse_request_reads_back_every_operation(operation: str) -> None:
    params, _ = CASES[operation]
    request = parse_request(serialize(build_envelope(operation, params, to=HAB)))
    assert request.operation == operation
    assert request.action == f"http://wcf.dian.colombia/IWcfDianCustomerServices/{operation}"
    assert request.to == HAB
    for name, value in params.items():
        if isinstance(value, bytes):
            assert request.binary(name) == value
        else:
            assert request.params[name] == value


def test_to_ids_are_unique_and_url_loses_wsdl_query() -> None:
    first = build_envelope("GetStatus", {"trackId": "x"}, to=HAB)
    second = build_envelope("GetStatus", {"trackId": "x"}, to=HAB)
    ids = {
        e.find(".//{http://www.w3.org/2005/08/addressing}To").get(
            "{http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd}Id"
        )
        for e in (first, second)
    }
    assert len(ids) == 2
    assert endpoint_address(HAB + "?wsdl") == HAB


def test_builder_rejects_wrong_parameters() -> None:
    with pytest.raises(ValueError):
        build_envelope("GetStatus", {"trackId": "x", "extra": "y"}, to=HAB)
    with pytest.raises(ValueError):
        build_envelope("GetAcquirer", {}, to=HAB)


def _request(op_action: str, body: str, header_extra: str = "") -> bytes:
    return (
        '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:wcf="http://wcf.dian.colombia"><soap:Header '
        'xmlns:wsa="http://www.w3.org/2005/08/addressing">'
        f"{op_action}{header_extra}</soap:Header><soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()


ACTION = "<wsa:Action>http://wcf.dian.colombia/IWcfDianCustomerServices/GetStatus</wsa:Action>"


@pytest.mark.parametrize(
    ("xml", "subcode"),
    [
        (b"<not-closed", None),
        (b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"/>', None),
        (
            _request("", "<wcf:GetStatus><wcf:trackId>1</wcf:trackId></wcf:GetStatus>"),
            "a:MessageAddressingHeaderRequired",
        ),
        (
            _request(ACTION.replace("GetStatus<", "GetAcquirer<"), "<wcf:GetAcquirer/>"),
            "a:ActionNotSupported",
        ),
        (
            _request(ACTION, "<wcf:GetStatusZip><wcf:trackId>1</wcf:trackId></wcf:GetStatusZip>"),
            None,
        ),
        (_request(ACTION, "<wcf:GetStatus/>"), None),
        (
            _request(
                ACTION,
                "<wcf:GetStatus><wcf:trackId>1</wcf:trackId><wcf:trackId>2"
                "</wcf:trackId></wcf:GetStatus>",
            ),
            None,
        ),
        (_request(ACTION, "<wcf:GetStatus><wcf:fileName>1</wcf:fileName></wcf:GetStatus>"), None),
    ],
)
def test_parse_request_rejects_what_dian_would_not_dispatch(
    xml: bytes, subcode: str | None
) -> None:
    with pytest.raises(MalformedSoapRequest) as caught:
        parse_request(xml)
    assert caught.value.subcode == subcode


def test_request_without_to_and_bad_base64() -> None:
    action = ACTION.replace("GetStatus<", "SendBillSync<")
    body = (
        "<wcf:SendBillSync><wcf:fileName>a.zip</wcf:fileName>"
        "<wcf:contentFile>!!notbase64</wcf:contentFile></wcf:SendBillSync>"
    )
    request = parse_request(_request(action, body))
    assert request.to is None
    with pytest.raises(MalformedSoapRequest):
        request.binary("contentFile")


def test_wrapped_base64_is_accepted() -> None:
    action = ACTION.replace("GetStatus<", "SendEventUpdateStatus<")
    body = (
        "<wcf:SendEventUpdateStatus><wcf:contentFile>UEsD\nBA==</wcf:contentFile>"
        "</wcf:SendEventUpdateStatus>"
    )
    assert parse_request(_request(action, body)).binary("contentFile") == b"PK\x03\x04"


# --- signed requests ----------------------------------------------------------------------------

WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
DS = "http://www.w3.org/2000/09/xmldsig#"
CREATED = datetime(2024, 2, 14, 14, 24, 40, 318000, tzinfo=UTC)

SIGNED_GOLDEN = (
    '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:wcf="http://wcf.dian.colombia">'
    '<soap:Header xmlns:wsa="http://www.w3.org/2005/08/addressing">'
    f'<wsse:Security xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}">'
    "<wsu:Timestamp><wsu:Created>2024-02-14T14:24:40.318Z</wsu:Created>"
    "<wsu:Expires>2024-02-15T07:04:40.318Z</wsu:Expires></wsu:Timestamp>"
    '<wsse:BinarySecurityToken EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-'
    'wss-soap-message-security-1.0#Base64Binary" ValueType="http://docs.oasis-open.org/wss/2004/'
    '01/oasis-200401-wss-x509-token-profile-1.0#X509v3" wsu:Id="TOKEN">CERT'
    "</wsse:BinarySecurityToken>"
    f'<ds:Signature xmlns:ds="{DS}"><ds:SignedInfo>'
    '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#">'
    '<ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" '
    'PrefixList="wsa soap wcf"/></ds:CanonicalizationMethod>'
    '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
    '<ds:Reference URI="#id-GOLDEN"><ds:Transforms>'
    '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#">'
    '<ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" '
    'PrefixList="soap wcf"/></ds:Transform></ds:Transforms>'
    '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
    "<ds:DigestValue>DIGEST</ds:DigestValue></ds:Reference></ds:SignedInfo>"
    "<ds:SignatureValue>SIGNATURE</ds:SignatureValue><ds:KeyInfo><wsse:SecurityTokenReference>"
    '<wsse:Reference URI="#TOKEN" ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-'
    'wss-x509-token-profile-1.0#X509v3"/></wsse:SecurityTokenReference></ds:KeyInfo>'
    "</ds:Signature></wsse:Security>"
    "<wsa:Action>http://wcf.dian.colombia/IWcfDianCustomerServices/GetStatus</wsa:Action>"
    f'<wsa:To xmlns:wsu="{WSU}" wsu:Id="id-GOLDEN">{HAB}</wsa:To></soap:Header>'
    "<soap:Body><wcf:GetStatus><wcf:trackId>cufe1</wcf:trackId></wcf:GetStatus></soap:Body>"
    "</soap:Envelope>"
)

# exc-C14N of wsa:To with InclusiveNamespaces "soap wcf", written out by hand (§4.3).
TO_C14N = (
    '<wsa:To xmlns:soap="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:wcf="http://wcf.dian.colombia" xmlns:wsa="http://www.w3.org/2005/08/addressing" '
    f'xmlns:wsu="{WSU}" wsu:Id="id-GOLDEN">{HAB}</wsa:To>'
)


@pytest.fixture(scope="module")
def identity() -> SigningIdentity:
    """Valid around the fixed CREATED time the golden envelope uses."""
    data, password = generate_test_pkcs12(
        nit="900123456",
        name="Emisor de Prueba SAS",
        not_before=datetime(2024, 1, 1, tzinfo=UTC),
        days=3650,
    )
    return load_pkcs12(data, password)


def _normalized(signed: bytes) -> bytes:
    """The signed envelope with the per-run values (key, certificate, token id) blanked."""
    root = etree.fromstring(signed)
    token = root.find(f".//{{{WSSE}}}BinarySecurityToken")
    token.text = "CERT"
    token.set(f"{{{WSU}}}Id", "TOKEN")
    root.find(f".//{{{WSSE}}}Reference").set("URI", "#TOKEN")
    root.find(f".//{{{DS}}}SignatureValue").text = "SIGNATURE"
    root.find(f".//{{{DS}}}DigestValue").text = "DIGEST"
    return etree.tostring(root, method="c14n")


def test_signed_request_is_golden_and_digest_is_known(identity: SigningIdentity) -> None:
    signed = build_signed_request(
        "GetStatus",
        {"trackId": "cufe1"},
        to=HAB,
        identity=identity,
        created=CREATED,
        to_id="id-GOLDEN",
    )
    assert b"> <" not in signed and b">\n<" not in signed
    assert _normalized(signed) == etree.tostring(etree.fromstring(SIGNED_GOLDEN), method="c14n")
    digest = etree.fromstring(signed).findtext(f".//{{{DS}}}DigestValue")
    assert digest == base64.b64encode(hashlib.sha256(TO_C14N.encode()).digest()).decode()
    token = etree.fromstring(signed).findtext(f".//{{{WSSE}}}BinarySecurityToken")
    assert token == identity.der_b64


@pytest.mark.parametrize("operation", sorted(CASES))
def test_signed_request_verifies_and_parses(operation: str, identity: SigningIdentity) -> None:
    params, _ = CASES[operation]
    signed = build_signed_request(operation, params, to=HAB, identity=identity, created=CREATED)
    certificate = verify_envelope(signed, now=CREATED + timedelta(minutes=1))
    assert certificate == identity.certificate
    assert parse_request(signed).operation == operation


def test_tampered_to_does_not_verify(identity: SigningIdentity) -> None:
    signed = build_signed_request(
        "GetStatus", {"trackId": "x"}, to=HAB, identity=identity, created=CREATED
    )
    tampered = signed.replace(b"vpfe-hab.dian.gov.co", b"vpfe.dian.gov.co")
    with pytest.raises(WsSecurityError):
        verify_envelope(tampered, now=CREATED + timedelta(minutes=1))


@pytest.mark.skipif(shutil.which("xmlsec1") is None, reason="xmlsec1 not installed")
def test_signed_request_verifies_with_xmlsec1(identity: SigningIdentity, tmp_path: Path) -> None:
    """An independent verifier: xmlsec1 resolves ``wsu:Id`` on ``wsa:To`` and checks the
    reference digest and the RSA-SHA256 signature."""
    cert = tmp_path / "cert.pem"
    cert.write_bytes(identity.certificate.public_bytes(Encoding.PEM))
    signed = build_signed_request(
        "SendBillSync", {"fileName": "z.zip", "contentFile": b"PK"}, to=HAB, identity=identity
    )

    def xmlsec(envelope: bytes) -> int:
        path = tmp_path / "envelope.xml"
        path.write_bytes(envelope)
        command = [
            "xmlsec1",
            "--verify",
            "--id-attr:Id",
            "http://www.w3.org/2005/08/addressing:To",
            "--pubkey-cert-pem",
            str(cert),
            str(path),
        ]
        return subprocess.run(command, capture_output=True, check=False).returncode

    assert xmlsec(signed) == 0
    assert xmlsec(signed.replace(b"vpfe-hab.dian.gov.co", b"vpfe.dian.gov.co")) != 0
