"""The simulated DIAN over a real socket, driven by the gateway's own DianClient.

One simulator (uvicorn in a thread, SQLite file) serves the module; every test provisions its
own issuer so tests stay independent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import msgspec
import pytest
from lxml import etree

from core.api import hookimpl
from core.dian.client import DianClient
from core.dian.envelopes import build_signed_request
from core.dian.errors import SoapFaultError
from core.dian.responses import fault_from
from core.model import BillingReference
from core.pipeline import PreparedDocument
from core.plugins import get_plugin_manager
from core.settings import Settings
from core.signing.certificates import load_pkcs12, subject_nit
from core.signing.testcerts import generate_test_pkcs12
from core.signing.xades import sign_xades, verify_xades
from core.testing import migrate_test_database
from core.ubl.schemas import schema_errors
from plugins.environments.simulador.sample_documents import (
    SampleIssuer,
    prepare_sample,
    sample_issuer,
    zip_documents,
)
from plugins.environments.simulador.server import running_simulator
from plugins.environments.simulador.simulator_settings import SimulatorSettings
from plugins.environments.simulador.store import SimulatorStore

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
DS = "http://www.w3.org/2000/09/xmldsig#"


def _xsd_dir() -> Path:
    import os

    if os.environ.get("PASARELA_XSD_DIR"):
        return Path(os.environ["PASARELA_XSD_DIR"])
    return Path(__file__).resolve().parents[4] / "shared" / "dian" / "xsd"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    database = tmp_path_factory.mktemp("simulador") / "sim.db"
    xsd = _xsd_dir()
    migrate_test_database(f"sqlite:///{database}")
    return Settings(
        database_url=f"sqlite:///{database}",
        secret_key="simulator-operations",
        xsd_dir=str(xsd) if xsd.is_dir() else None,
    )


@pytest.fixture(scope="module")
def simulator_url(settings: Settings):
    with running_simulator(settings, SimulatorSettings(test_set_required={"01": 2})) as url:
        yield url


_next_nit = iter(range(900100001, 900199999))


@pytest.fixture
async def issuer(settings: Settings) -> SampleIssuer:
    """A freshly registered company (its own NIT), as the tenant service would provision it."""
    company = sample_issuer(nit=str(next(_next_nit)))
    await register(settings, company)
    return company


@pytest.fixture
async def client(simulator_url: str, issuer: SampleIssuer):
    async with DianClient(simulator_url, issuer.identity) as dian:
        yield dian


def invoice(issuer: SampleIssuer, number: int, **options) -> PreparedDocument:
    return prepare_sample(issuer, "01", number, **options)


def rezip(prepared: PreparedDocument, root: etree._Element) -> bytes:
    return zip_documents(
        (prepared.xml_name, etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    )


async def register(settings: Settings, company: SampleIssuer, ranges=None) -> None:
    store = SimulatorStore.for_settings(settings)
    await store.register(company.provisioning(ranges))
    await store.dispose()


def _rules(response) -> list[str]:
    return [m.rule for m in response.rule_messages]


async def test_send_bill_sync_accepts_a_valid_invoice(client, issuer, settings):
    prepared = invoice(issuer, 990000101)
    response = await client.send_bill_sync(prepared.zip_name, prepared.zip)

    assert response.is_valid, response.error_messages
    assert response.status_code == "00"
    assert response.status_description == "Procesado Correctamente."
    assert response.status_message == "La Factura electrónica SETP990000101, ha sido autorizada."
    assert response.xml_document_key == prepared.unique_code
    assert response.xml_file_name == prepared.xml_name
    # DIAN's ApplicationResponse: signed by the simulator, ResponseCode 02, citing the CUFE.
    application_response = etree.fromstring(response.xml_base64_bytes)
    signature = verify_xades(response.xml_base64_bytes)
    assert subject_nit(signature.certificate) == "800197268"  # the simulated DIAN's own
    assert application_response.findtext(f".//{{{CAC}}}Response/{{{CBC}}}ResponseCode") == "02"
    assert (
        application_response.findtext(f".//{{{CAC}}}DocumentReference/{{{CBC}}}UUID")
        == prepared.unique_code
    )
    if settings.xsd_dir:
        assert schema_errors(application_response, settings.xsd_dir) == []


async def test_get_status_and_xml_by_document_key(client, issuer):
    prepared = invoice(issuer, 990000102)
    await client.send_bill_sync(prepared.zip_name, prepared.zip)

    status = await client.get_status(prepared.unique_code)
    assert (status.is_valid, status.status_code) == (True, "00")
    assert status.xml_base64_bytes is not None

    unknown = await client.get_status("0" * 96)
    assert (unknown.is_valid, unknown.status_code) == (False, "66")

    stored = await client.get_xml_by_document_key(prepared.unique_code)
    assert stored.code == "100"
    assert stored.xml_bytes_base64 == prepared.xml
    missing = await client.get_xml_by_document_key("f" * 96)
    assert missing.code == "404"


async def test_duplicate_is_rule_90(client, issuer):
    prepared = invoice(issuer, 990000103)
    first = await client.send_bill_sync(prepared.zip_name, prepared.zip)
    again = await client.send_bill_sync(prepared.zip_name, prepared.zip)

    assert first.status_code == "00"
    assert (again.is_valid, again.status_code) == (False, "99")
    assert again.error_messages == ["Regla: 90, Rechazo: Documento procesado anteriormente."]
    assert again.is_duplicate
    assert again.xml_document_key == prepared.unique_code


async def test_changed_amount_fails_the_signature_ze02(client, issuer):
    prepared = invoice(issuer, 990000104)
    root = etree.fromstring(prepared.xml)
    root.find(f"{{{CAC}}}LegalMonetaryTotal/{{{CBC}}}PayableAmount").text = "1.00"
    response = await client.send_bill_sync(prepared.zip_name, rezip(prepared, root))

    assert (response.is_valid, response.status_code) == (False, "99")
    assert response.status_description == "Validación contiene errores en campos mandatorios."
    assert "ZE02" in _rules(response)
    application_response = etree.fromstring(response.xml_base64_bytes)
    assert application_response.findtext(f".//{{{CAC}}}Response/{{{CBC}}}ResponseCode") == "04"


async def test_cufe_with_another_technical_key_is_fad06(simulator_url, settings):
    company = sample_issuer(nit=str(next(_next_nit)))
    portal_ranges = tuple(
        msgspec.structs.replace(r, technical_key="clave-tecnica-del-portal")
        if r.document_type == "01"
        else r
        for r in company.ranges.values()
    )
    await register(settings, company, portal_ranges)
    prepared = invoice(company, 990000105)
    async with DianClient(simulator_url, company.identity) as client:
        response = await client.send_bill_sync(prepared.zip_name, prepared.zip)

    assert response.error_messages == [
        "Regla: FAD06, Rechazo: Valor del CUFE no está calculado correctamente."
    ]


class WrongTaxInclusive:
    """A pasarela_amend_ubl hook that breaks FAU06 before the CUFE is computed."""

    @hookimpl
    def pasarela_amend_ubl(self, root, document, document_type):  # type: ignore[no-untyped-def]
        root.find(f"{{{CAC}}}LegalMonetaryTotal/{{{CBC}}}TaxInclusiveAmount").text = "1.00"


async def test_wrong_totals_are_fau06(client, issuer):
    manager = get_plugin_manager(load_entry_points=False, extra_plugins=[WrongTaxInclusive()])
    prepared = invoice(issuer, 990000106, plugin_manager=manager)
    response = await client.send_bill_sync(prepared.zip_name, prepared.zip)

    assert _rules(response) == ["FAU06"]  # the CUFE does not use TaxInclusiveAmount


async def test_signing_date_other_than_issue_date_is_fad09e(client, issuer):
    prepared = invoice(issuer, 990000115)
    root = etree.fromstring(prepared.xml)
    signature = root.find(f".//{{{DS}}}Signature")
    signature.getparent().remove(signature)
    yesterday = dt.datetime.now(dt.timezone(dt.timedelta(hours=-5))) - dt.timedelta(days=1)
    sign_xades(root, issuer.identity, yesterday, check_issue_date=False)
    response = await client.send_bill_sync(prepared.zip_name, rezip(prepared, root))

    assert _rules(response) == ["FAD09e"]


async def test_number_outside_the_range_is_fad05c(client, issuer):
    prepared = invoice(issuer, 995000001)
    response = await client.send_bill_sync(prepared.zip_name, prepared.zip)
    assert "FAD05c" in _rules(response)


async def test_credit_note_needs_a_known_invoice(client, issuer):
    prepared = invoice(issuer, 990000107)
    accepted = await client.send_bill_sync(prepared.zip_name, prepared.zip)
    assert accepted.status_code == "00"
    today = prepared.issued_at.date()

    reference = BillingReference(
        number=prepared.number, uuid=prepared.unique_code, issue_date=today, type_code="01"
    )
    note = prepare_sample(issuer, "91", 1, reference=reference)
    response = await client.send_bill_sync(note.zip_name, note.zip)
    assert response.is_valid, response.error_messages
    assert response.status_message == "La Nota Crédito electrónica NC1, ha sido autorizada."

    unknown = BillingReference(
        number="SETP990009999", uuid="b" * 96, issue_date=today, type_code="01"
    )
    orphan = prepare_sample(issuer, "91", 2, reference=unknown)
    rejected = await client.send_bill_sync(orphan.zip_name, orphan.zip)
    assert rejected.error_messages == [
        "Regla: CBG04a, Rechazo: Documento referenciado no existe en los registros de la DIAN."
    ]


async def test_zip_must_hold_exactly_one_xml(client, issuer):
    two = zip_documents(
        ("a.xml", invoice(issuer, 990000108).xml), ("b.xml", invoice(issuer, 990000109).xml)
    )
    response = await client.send_bill_sync("z.zip", two)
    assert (response.status_code, response.status_description) == (
        "89",
        "Se debe enviar solo un fichero XML",
    )

    empty = await client.send_bill_sync("z.zip", zip_documents(("leame.txt", b"hola")))
    assert (empty.status_code, empty.status_description) == (
        "89",
        "No fue encontrado ningun documento XML valido.",
    )


async def test_async_batch_and_status_zip(client, issuer):
    batch = zip_documents(
        ("a.xml", invoice(issuer, 990000110).xml), ("b.xml", invoice(issuer, 990000111).xml)
    )
    upload = await client.send_bill_async("z.zip", batch)
    assert upload.zip_key

    statuses = await client.get_status_zip(upload.zip_key)
    assert [(s.status_code, s.xml_file_name) for s in statuses] == [
        ("00", "a.xml"),
        ("00", "b.xml"),
    ]
    unknown = await client.get_status_zip("00000000-0000-0000-0000-000000000000")
    assert unknown[0].status_code == "66"


async def test_test_set_is_accepted_once_its_documents_are(client, issuer):
    test_set = issuer.tenant.software["facturacion"].test_set_id
    prepared = invoice(issuer, 990000112)
    first = await client.send_test_set_async(prepared.zip_name, prepared.zip, test_set)
    status = await client.get_status_zip(first.zip_key)
    assert [s.status_code for s in status] == ["00"]  # the set needs two invoices

    prepared = invoice(issuer, 990000113)
    second = await client.send_test_set_async(prepared.zip_name, prepared.zip, test_set)
    status = await client.get_status_zip(second.zip_key)
    assert len(status) == 1
    assert status[0].status_code == "2"
    assert status[0].status_description == (
        f"Set de prueba con identificador {test_set} se encuentra Aceptado."
    )


async def test_get_numbering_range(client, issuer):
    nit, software = issuer.tenant.nit, issuer.tenant.software["facturacion"].id
    ranges = await client.get_numbering_range(nit, nit, software)
    assert ranges.operation_code == "100"
    [only] = ranges.ranges
    assert (only.prefix, only.from_number, only.to_number, only.technical_key) == (
        "SETP",
        990000000,
        995000000,
        issuer.invoices.technical_key,
    )
    assert only.resolution_number == "18760000001"

    assert (await client.get_numbering_range(nit, nit, "otro-software")).operation_code == "303"
    assert (await client.get_numbering_range("1", "1", software)).operation_code == "401"


async def test_unknown_certificate_gets_a_security_fault(simulator_url, issuer):
    pkcs12, password = generate_test_pkcs12(nit="800999999", name="Desconocido")
    stranger = load_pkcs12(pkcs12, password)
    async with DianClient(simulator_url, stranger) as client:
        with pytest.raises(SoapFaultError) as caught:
            await client.get_status("0" * 96)
    assert caught.value.subcode == "a:InvalidSecurity"
    assert not caught.value.retriable


async def test_expired_timestamp_gets_a_security_fault(simulator_url, issuer):
    two_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    body = build_signed_request(
        "GetStatus",
        {"trackId": "0" * 96},
        to=simulator_url,
        identity=issuer.identity,
        created=two_days_ago,
    )
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            simulator_url, content=body, headers={"Content-Type": "application/soap+xml"}
        )
    assert answer.status_code == 500
    fault = fault_from(answer.content)
    assert fault is not None and fault.subcode == "a:InvalidSecurity"


async def test_document_of_another_issuer_is_not_authorized(client, settings):
    other = sample_issuer(nit=str(next(_next_nit)))
    await register(settings, other)
    prepared = invoice(other, 990000114)
    response = await client.send_bill_sync(prepared.zip_name, prepared.zip)
    assert response.status_code == "89"
    assert "no autorizado a enviar documentos para emisor con NIT" in response.status_description


async def test_schema_violation_is_zb01(client, issuer, settings):
    if settings.xsd_dir is None:
        pytest.skip("the DIAN XSDs are not available")
    prepared = invoice(issuer, 990000116)
    root = etree.fromstring(prepared.xml)
    root.find(f"{{{CBC}}}ID").addnext(etree.Element(f"{{{CBC}}}Inventado"))
    response = await client.send_bill_sync(prepared.zip_name, rezip(prepared, root))
    assert response.error_messages == ["Regla: ZB01, Rechazo: Fallo en el esquema XML del archivo"]
