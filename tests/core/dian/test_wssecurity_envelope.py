"""WS-Security header of DIAN SOAP requests (dian-tech.md §4.3): shape, round trip, failures."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from core.dian.wssecurity import (
    EXPIRED,
    INVALID_SIGNATURE,
    MISSING_SECURITY,
    NOT_YET_VALID,
    UNTRUSTED_CERTIFICATE,
    sign_envelope,
    verify_envelope,
)
from core.errors import WsSecurityError
from core.signing.certificates import SigningIdentity, load_pkcs12
from core.signing.testcerts import generate_test_pkcs12

SOAP = "http://www.w3.org/2003/05/soap-envelope"
WCF = "http://wcf.dian.colombia"
WSA = "http://www.w3.org/2005/08/addressing"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
DS = "http://www.w3.org/2000/09/xmldsig#"
EC = "http://www.w3.org/2001/10/xml-exc-c14n#"
NS = {"soap": SOAP, "wcf": WCF, "wsa": WSA, "wsse": WSSE, "wsu": WSU, "ds": DS, "ec": EC}
HAB_URL = "https://vpfe-hab.dian.gov.co/WcfDianCustomerServices.svc"
CREATED = dt.datetime(2024, 2, 14, 14, 24, 40, 318000, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def identity() -> SigningIdentity:
    """A supplier's certificate from the test CA, valid 2024-2034 around the fixed dates."""
    data, password = generate_test_pkcs12(
        nit="900123456",
        name="Empresa de Prueba S.A.S.",
        days=3650,
        not_before=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )
    return load_pkcs12(data, password)


@pytest.fixture(scope="module")
def other_identity() -> SigningIdentity:
    """A second, unrelated, self-signed certificate."""
    data, password = generate_test_pkcs12(nit="800111222", name="Otra S.A.S.", self_signed=True)
    return load_pkcs12(data, password)


def skeleton(*, to_id: str | None = "id-1234") -> etree._Element:
    """The unsigned envelope of §4.3, built with the lxml API (what the SOAP helper makes)."""
    envelope = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"soap": SOAP, "wcf": WCF})
    header = etree.SubElement(envelope, f"{{{SOAP}}}Header", nsmap={"wsa": WSA})
    etree.SubElement(
        header, f"{{{WSA}}}Action"
    ).text = "http://wcf.dian.colombia/IWcfDianCustomerServices/GetStatus"
    if to_id is None:
        to = etree.SubElement(header, f"{{{WSA}}}To")
    else:
        to = etree.SubElement(header, f"{{{WSA}}}To", nsmap={"wsu": WSU})
        to.set(f"{{{WSU}}}Id", to_id)
    to.text = HAB_URL
    body = etree.SubElement(envelope, f"{{{SOAP}}}Body")
    call = etree.SubElement(body, f"{{{WCF}}}GetStatus")
    etree.SubElement(call, f"{{{WCF}}}trackId").text = "a" * 96
    return envelope


def signed(identity: SigningIdentity, **kwargs) -> bytes:
    envelope = skeleton(**kwargs)
    sign_envelope(envelope, identity, created=CREATED)
    return etree.tostring(envelope)


def edit(xml: bytes, path: str, text: str) -> bytes:
    root = etree.fromstring(xml)
    root.find(path, NS).text = text
    return etree.tostring(root)


def test_header_has_the_shape_of_4_3(identity: SigningIdentity) -> None:
    root = etree.fromstring(signed(identity))
    header = root.find("soap:Header", NS)
    assert [etree.QName(child).localname for child in header] == ["Security", "Action", "To"]
    security = header.find("wsse:Security", NS)
    assert security.nsmap["wsu"] == WSU
    assert (
        security.findtext("wsu:Timestamp/wsu:Created", namespaces=NS) == "2024-02-14T14:24:40.318Z"
    )
    assert (
        security.findtext("wsu:Timestamp/wsu:Expires", namespaces=NS) == "2024-02-15T07:04:40.318Z"
    )
    token = security.find("wsse:BinarySecurityToken", NS)
    assert token.text == identity.der_b64
    assert token.get(f"{{{WSU}}}Id").startswith("X509-")
    assert token.get("ValueType").endswith("#X509v3")
    assert token.get("EncodingType").endswith("#Base64Binary")
    info = security.find("ds:Signature/ds:SignedInfo", NS)
    c14n = info.find("ds:CanonicalizationMethod", NS)
    assert c14n.get("Algorithm") == EC
    assert c14n.find("ec:InclusiveNamespaces", NS).get("PrefixList") == "wsa soap wcf"
    assert info.find("ds:SignatureMethod", NS).get("Algorithm") == (
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    )
    (reference,) = info.findall("ds:Reference", NS)
    assert reference.get("URI") == "#id-1234"
    transform = reference.find("ds:Transforms/ds:Transform", NS)
    assert transform.get("Algorithm") == EC
    assert transform.find("ec:InclusiveNamespaces", NS).get("PrefixList") == "soap wcf"
    token_ref = security.find(
        "ds:Signature/ds:KeyInfo/wsse:SecurityTokenReference/wsse:Reference", NS
    )
    assert token_ref.get("URI") == "#" + token.get(f"{{{WSU}}}Id")


def test_round_trip_returns_the_callers_certificate(identity: SigningIdentity) -> None:
    xml = signed(identity)
    now = CREATED + dt.timedelta(seconds=5)
    assert verify_envelope(xml, now=now) == identity.certificate
    assert verify_envelope(xml, now=now, trusted=lambda c: c == identity.certificate) == (
        identity.certificate
    )


def test_default_created_is_now_and_ttl_applies(identity: SigningIdentity) -> None:
    envelope = skeleton()
    before = dt.datetime.now(dt.UTC)
    sign_envelope(envelope, identity, ttl_s=60)
    xml = etree.tostring(envelope)
    verify_envelope(xml, now=before + dt.timedelta(seconds=30))
    with pytest.raises(WsSecurityError) as info:
        verify_envelope(xml, now=before + dt.timedelta(minutes=10))
    assert info.value.code == EXPIRED


def test_xmlsec1_verifies_the_envelope(identity: SigningIdentity, tmp_path: Path) -> None:
    if shutil.which("xmlsec1") is None:
        pytest.skip("xmlsec1 is not installed")
    (tmp_path / "env.xml").write_bytes(signed(identity))
    (tmp_path / "cert.pem").write_bytes(identity.certificate.public_bytes(Encoding.PEM))
    command = [
        "xmlsec1", "--verify", "--id-attr:Id", f"{WSA}:To",
        "--pubkey-cert-pem", str(tmp_path / "cert.pem"), str(tmp_path / "env.xml"),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode()
    (tmp_path / "env.xml").write_bytes(edit(signed(identity), ".//wsa:To", "https://evil"))
    assert subprocess.run(command, capture_output=True, check=False).returncode != 0


def test_to_without_wsu_id_gets_one(identity: SigningIdentity) -> None:
    xml = signed(identity, to_id=None)
    to = etree.fromstring(xml).find(".//wsa:To", NS)
    assert to.get(f"{{{WSU}}}Id").startswith("id-")
    assert to.nsmap["wsu"] == WSU
    verify_envelope(xml, now=CREATED)


def test_missing_to_or_header_cannot_be_signed(identity: SigningIdentity) -> None:
    envelope = skeleton()
    header = envelope.find("soap:Header", NS)
    header.remove(header.find("wsa:To", NS))
    with pytest.raises(ValueError, match="wsa:To"):
        sign_envelope(envelope, identity)
    envelope.remove(header)
    with pytest.raises(ValueError, match="Header"):
        sign_envelope(envelope, identity)


def test_tampered_to_fails(identity: SigningIdentity) -> None:
    xml = edit(
        signed(identity), ".//wsa:To", "https://vpfe.dian.gov.co/WcfDianCustomerServices.svc"
    )
    with pytest.raises(WsSecurityError) as info:
        verify_envelope(xml, now=CREATED)
    assert info.value.code == INVALID_SIGNATURE


def test_tampered_signature_value_fails(identity: SigningIdentity) -> None:
    root = etree.fromstring(signed(identity))
    value = root.find(".//ds:SignatureValue", NS)
    value.text = ("B" if value.text[0] == "A" else "A") + value.text[1:]
    with pytest.raises(WsSecurityError) as info:
        verify_envelope(etree.tostring(root), now=CREATED)
    assert info.value.code == INVALID_SIGNATURE


@pytest.mark.parametrize(
    ("offset", "code"),
    [
        (dt.timedelta(seconds=60000 + 3600), EXPIRED),
        (-dt.timedelta(hours=1), NOT_YET_VALID),
    ],
)
def test_timestamp_window(identity: SigningIdentity, offset: dt.timedelta, code: str) -> None:
    with pytest.raises(WsSecurityError) as info:
        verify_envelope(signed(identity), now=CREATED + offset)
    assert info.value.code == code
    assert info.value.message  # Spanish text for the SOAP fault


def test_unknown_certificate_fails(
    identity: SigningIdentity, other_identity: SigningIdentity
) -> None:
    with pytest.raises(WsSecurityError) as info:
        verify_envelope(
            signed(identity), now=CREATED, trusted=lambda c: c == other_identity.certificate
        )
    assert info.value.code == UNTRUSTED_CERTIFICATE


def test_certificate_outside_its_validity_fails(identity: SigningIdentity) -> None:
    late = identity.certificate.not_valid_after_utc + dt.timedelta(days=1)
    envelope = skeleton()
    sign_envelope(envelope, identity, created=late)
    with pytest.raises(WsSecurityError) as info:
        verify_envelope(etree.tostring(envelope), now=late)
    assert info.value.code == UNTRUSTED_CERTIFICATE


def test_swapped_token_fails(identity: SigningIdentity, other_identity: SigningIdentity) -> None:
    xml = edit(signed(identity), ".//wsse:BinarySecurityToken", other_identity.der_b64)
    with pytest.raises(WsSecurityError) as info:
        verify_envelope(xml, now=CREATED)
    assert info.value.code == INVALID_SIGNATURE


def test_unsigned_envelope_is_refused() -> None:
    with pytest.raises(WsSecurityError) as info:
        verify_envelope(etree.tostring(skeleton()), now=CREATED)
    assert info.value.code == MISSING_SECURITY


def test_envelope_from_the_soap_helper(identity: SigningIdentity) -> None:
    envelopes = pytest.importorskip("core.dian.envelopes")
    xml = envelopes.build_signed_request(
        "GetStatus", {"trackId": "abc"}, to=HAB_URL, identity=identity, created=CREATED
    )
    assert verify_envelope(xml, now=CREATED) == identity.certificate
