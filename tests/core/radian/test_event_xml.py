"""The event ApplicationResponse: golden XML, XSD validity, XAdES signature, event CUDE
known-answer vectors (Anexo §11.6 and recomputed from the golden file).

The golden file holds the signed event with ``ds:Signature`` removed (the key is generated per
run); regenerate with ``PASARELA_REGEN_GOLDEN=1``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from lxml import etree

from core.clock import BOGOTA
from core.errors import SignatureInvalid
from core.model import Software
from core.radian.event_status import read_event
from core.radian.event_xml import EventDocument, EventParty, InvoiceReference, build_event
from core.radian.records import EventPerson
from core.signing.certificates import SigningIdentity, load_pkcs12
from core.signing.testcerts import generate_test_pkcs12
from core.signing.xades import sign_xades, verify_xades
from core.ubl.namespaces import DS_NS
from core.ubl.schemas import schema_errors
from core.ubl.unique_codes import compute_unique_code, event_cude

GOLDEN = Path(__file__).resolve().parents[2] / "vectors" / "golden"
XSD_DIR = Path(os.environ.get("PASARELA_XSD_DIR", "/work/shared/dian/xsd"))
PIN = "12345"
MOMENT = dt.datetime(2026, 12, 5, 10, 30, 15, tzinfo=BOGOTA)
INVOICE_CUFE = (  # Anexo §11.2's official CUFE
    "8bb918b19ba22a694f1da11c643b5e9de39adf60311cf179179e9b33381030bc"
    "d4c3c3f156c506ed5908f9276f5bd9b4"
)
SOFTWARE = Software(
    id="56f2ae4e-9812-4fad-9255-08fcfcd5ccb0", pin=PIN, provider_nit="900222333", provider_dv="1"
)
QR = "https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey="


def event(code: str, **extra) -> EventDocument:  # type: ignore[no-untyped-def]
    buyer = EventParty(nit="900222333", dv="1", name="Compradora Andina S.A.S.")
    supplier = EventParty(nit="900373076", dv="4", name="Pasarela Demo S.A.S.")
    return EventDocument(
        number="EV7",
        code=code,
        issued_at=MOMENT,
        sender=buyer,
        receiver=supplier,
        invoice=InvoiceReference(number="SETP990000001", cufe=INVOICE_CUFE),
        environment="2",
        software=SOFTWARE,
        pin=PIN,
        qr_base=QR,
        **extra,
    )


CASES = {
    "event-031": event("031", claim_concept="02"),
    "event-032": event(
        "032",
        person=EventPerson(
            id_type="13",
            id_number="79123456",
            first_name="Laura",
            last_name="Gómez",
            job_title="Jefe de compras",
            department="Compras",
        ),
    ),
}


@pytest.fixture(scope="module")
def identity() -> SigningIdentity:
    pkcs12, password = generate_test_pkcs12(nit="900222333", name="Compradora Andina S.A.S.")
    return load_pkcs12(pkcs12, password)


def signed(name: str, identity: SigningIdentity) -> etree._Element:
    root, _ = build_event(CASES[name])
    sign_xades(root, identity, MOMENT, ids_seed=name)
    return root


def without_signature(root: etree._Element) -> etree._Element:
    copy = etree.fromstring(etree.tostring(root))
    for signature in list(copy.iter(f"{{{DS_NS}}}Signature")):
        signature.getparent().remove(signature)
    return copy


def c14n(root: etree._Element) -> bytes:
    return etree.tostring(root, method="c14n")


def read_golden(name: str) -> etree._Element:
    parser = etree.XMLParser(remove_blank_text=True)
    return etree.parse(str(GOLDEN / f"{name}.xml"), parser).getroot()


@pytest.mark.parametrize("name", sorted(CASES))
def test_event_matches_its_golden_file(name: str, identity: SigningIdentity) -> None:
    produced = without_signature(signed(name, identity))
    path = GOLDEN / f"{name}.xml"
    if os.environ.get("PASARELA_REGEN_GOLDEN") == "1":
        readable = etree.fromstring(c14n(produced))
        etree.indent(readable)
        path.write_bytes(etree.tostring(readable, encoding="UTF-8", xml_declaration=True) + b"\n")
    assert c14n(produced) == c14n(read_golden(name))


@pytest.mark.parametrize("name", sorted(CASES))
def test_signed_event_is_schema_valid_and_verifies(name: str, identity: SigningIdentity) -> None:
    if not (XSD_DIR / "maindoc").is_dir():
        pytest.skip(f"DIAN XSDs not found at {XSD_DIR}")
    root = signed(name, identity)
    assert schema_errors(root, XSD_DIR) == []
    xml = etree.tostring(root)
    assert verify_xades(xml).certificate == identity.certificate
    tampered = xml.replace(b">EV7<", b">EV8<")
    with pytest.raises(SignatureInvalid):
        verify_xades(tampered)


def test_event_cude_anexo_vector() -> None:
    """Anexo Técnico 1.9 §11.6 (research §1.5): a 030 with PIN 11111."""
    code, prehash = event_cude(
        number="1",
        issue_date="2019-04-30",
        issue_time="19:48:50-05:00",
        sender_id="99998888",
        receiver_id="800197268",
        response_code="030",
        reference_id="FE123",
        reference_type_code="01",
        pin="11111",
    )
    assert prehash == "12019-04-3019:48:50-05:0099998888800197268030FE1230111111"
    assert code == (
        "0d91ba25b01f5e7dbda870a11b274501d3a62a73e91932c473c86c93f12a142a"
        "2ac45876efcde3e679024a01c0be41f9"
    )


@pytest.mark.parametrize(
    ("name", "prehash", "cude"),
    [
        (
            "event-031",
            "EV72026-12-0510:30:15-05:00900222333900373076031SETP9900000010112345",
            "73654e526abcd0cec48028deef48680b55262ac4ff8c3a552cd9b11006dda350"
            "877201855ba6f79b4d58aaf8ea97842d",
        ),
        (
            "event-032",
            "EV72026-12-0510:30:15-05:00900222333900373076032SETP9900000010112345",
            "5a1de7eb5dff6d2ab9fd0694fda37924fff71cb6699999a42e6f5045064747a2"
            "0cc073a37e9fb38c5c4daf84c30619df",
        ),
    ],
)
def test_event_cude_recomputed_from_the_golden_file(name: str, prehash: str, cude: str) -> None:
    golden = read_golden(name)
    computed, computed_prehash = compute_unique_code(golden, PIN)
    assert computed_prehash == prehash
    facts = read_event(golden)
    assert facts.cude == computed
    assert computed == cude
    assert facts.claim_concept == ("02" if name == "event-031" else "")
