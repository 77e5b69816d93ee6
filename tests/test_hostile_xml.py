"""Every place that reads XML from outside refuses a DOCTYPE, whatever it is used for.

External entities (reading a local file into the document), entity expansion ("billion
laughs"), external DTDs and parameter entities all start with a DOCTYPE. Each entry point gets
the attacks inserted into an otherwise valid message, which it accepts untouched: DIAN's answers
to the client, SOAP requests and documents received by the simulator, and both signature
verifiers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest

from core.dian.envelopes import build_signed_request
from core.dian.errors import UnexpectedSoapResponse
from core.dian.responses import fault_from, parse_dian_response
from core.dian.wssecurity import MALFORMED, verify_envelope
from core.errors import SignatureInvalid, WsSecurityError
from core.settings import Settings
from core.signing.xades import verify_xades
from core.testing import dian_xsd_dir, migrate_test_database
from core.xml_parsing import UnsafeXml, parse_xml
from plugins.environments.simulador.sample_documents import (
    SampleIssuer,
    prepare_sample,
    sample_issuer,
    zip_documents,
)
from plugins.environments.simulador.server import running_simulator
from plugins.environments.simulador.store import SimulatorStore

DIAN_FIXTURES = Path(__file__).parent / "core" / "dian" / "fixtures"
HAB = "https://vpfe-hab.dian.gov.co/WcfDianCustomerServices.svc"
LAUGHS = "".join(
    f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' if i else '<!ENTITY lol0 "lol">' for i in range(10)
)

#: attack -> (DOCTYPE, entity reference placed in the root's content)
ATTACKS = {
    "external entity": ('<!DOCTYPE doc [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>', "&xxe;"),
    "billion laughs": (f"<!DOCTYPE doc [{LAUGHS}]>", "&lol9;"),
    "external DTD": ('<!DOCTYPE doc SYSTEM "http://127.0.0.1:9/evil.dtd">', ""),
    "parameter entity": (
        '<!DOCTYPE doc [<!ENTITY % ext SYSTEM "file:///etc/hostname"> %ext;]>',
        "",
    ),
}


def hostile(xml: bytes, attack: str) -> bytes:
    """``xml`` with the attack's DOCTYPE after the declaration and its reference at the end."""
    doctype, reference = (part.encode() for part in ATTACKS[attack])
    declaration = b""
    if xml.startswith(b"<?xml"):
        end = xml.index(b"?>") + 2
        declaration, xml = xml[:end], xml[end:]
    head, _, closing = xml.rpartition(b"</")
    return declaration + doctype + head + reference + b"</" + closing


def test_the_parser_reads_plain_xml_and_bounds_its_size() -> None:
    assert parse_xml(b"<doc>hola</doc>").text == "hola"
    with pytest.raises(UnsafeXml, match="tamaño máximo"):
        parse_xml(b"<doc>" + b"a" * 100 + b"</doc>", max_bytes=100)
    with pytest.raises(UnsafeXml, match="bien formado"):
        parse_xml(b"<doc>")


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_parser_refuses_a_doctype(attack: str) -> None:
    with pytest.raises(UnsafeXml):
        parse_xml(hostile(b"<doc>hola</doc>", attack))


@pytest.mark.parametrize("attack", ATTACKS)
def test_dian_answers_with_a_doctype_are_refused(attack: str) -> None:
    answer = (DIAN_FIXTURES / "send_bill_sync_rejected.xml").read_bytes()
    assert parse_dian_response(answer).status_code == "99"
    fault = (DIAN_FIXTURES / "fault_invalid_security.xml").read_bytes()
    assert fault_from(fault) is not None

    with pytest.raises(UnexpectedSoapResponse):
        parse_dian_response(hostile(answer, attack))
    assert fault_from(hostile(fault, attack)) is None


@pytest.fixture(scope="module")
def issuer() -> SampleIssuer:
    return sample_issuer(nit="900777001")


@pytest.mark.parametrize("attack", ATTACKS)
def test_xades_verification_refuses_a_doctype(issuer: SampleIssuer, attack: str) -> None:
    signed = prepare_sample(issuer, "01", 990000001).xml
    assert verify_xades(signed).certificate == issuer.identity.certificate
    with pytest.raises(SignatureInvalid):
        verify_xades(hostile(signed, attack))


@pytest.mark.parametrize("attack", ATTACKS)
def test_ws_security_verification_refuses_a_doctype(issuer: SampleIssuer, attack: str) -> None:
    now = dt.datetime.now(dt.UTC)
    request = build_signed_request(
        "GetStatus", {"trackId": "0" * 96}, to=HAB, identity=issuer.identity, created=now
    )
    assert verify_envelope(request, now=now) == issuer.identity.certificate
    with pytest.raises(WsSecurityError) as refused:
        verify_envelope(hostile(request, attack), now=now)
    assert refused.value.code == MALFORMED


# --- the simulator, over a real socket ---------------------------------------------------------


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory):
    database = tmp_path_factory.mktemp("hostile-xml") / "sim.db"
    xsd = dian_xsd_dir()
    settings = Settings(
        database_url=f"sqlite:///{database}",
        secret_key="hostile-xml",
        xsd_dir=str(xsd) if xsd else None,
    )
    migrate_test_database(settings.database_url)
    with running_simulator(settings) as url:
        yield url, settings


_next_nit = iter(range(900777100, 900777999))


@pytest.fixture
async def registered(simulator) -> tuple[str, SampleIssuer]:
    """The simulator's URL and a company freshly registered with it (its own NIT)."""
    url, settings = simulator
    company = sample_issuer(nit=str(next(_next_nit)))
    store = SimulatorStore.for_settings(settings)
    try:
        await store.register(company.provisioning())
    finally:
        await store.dispose()
    return url, company


async def _post(url: str, body: bytes) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.post(url, content=body, headers={"Content-Type": "application/soap+xml"})


@pytest.mark.parametrize("attack", ATTACKS)
async def test_simulator_refuses_a_soap_request_with_a_doctype(registered, attack: str) -> None:
    url, company = registered
    request = build_signed_request(
        "GetStatus", {"trackId": "0" * 96}, to=url, identity=company.identity
    )
    assert (await _post(url, request)).status_code == 200

    answer = await _post(url, hostile(request, attack))
    assert answer.status_code == 500
    fault = fault_from(answer.content)
    assert fault is not None and fault.code == "s:Sender"
    assert fault.reason.startswith("El XML")


@pytest.mark.parametrize("attack", ATTACKS)
async def test_simulator_rejects_a_document_with_a_doctype(registered, attack: str) -> None:
    url, company = registered
    prepared = prepare_sample(company, "01", 990000002)

    async def send(xml: bytes):
        content = zip_documents((prepared.xml_name, xml))
        request = build_signed_request(
            "SendBillSync",
            {"fileName": prepared.zip_name, "contentFile": content},
            to=url,
            identity=company.identity,
        )
        return parse_dian_response((await _post(url, request)).content)

    refused = await send(hostile(prepared.xml, attack))
    assert (refused.is_valid, refused.status_code) == (False, "99")
    assert refused.error_messages == ["Regla: ZB01, Rechazo: Fallo en el esquema XML del archivo"]
    accepted = await send(prepared.xml)
    assert (accepted.is_valid, accepted.status_code) == (True, "00"), accepted.error_messages
