"""The simulated DIAN receives support documents (05) and adjustment notes (95) over real SOAP,
as DIAN does: the buying tenant is the issuer, the CUDS is recomputed with the support-document
software's PIN, the 05's numbering range is checked and the 95 must cite an accepted 05.
The rules only these kinds have are also exercised one at a time on pipeline-made documents.
"""

# The simulator, its settings and a freshly registered issuer are the operations module's
# fixtures, imported by name (pytest resolves them here; ruff sees them as redefined).
# ruff: noqa: F811

from __future__ import annotations

import msgspec
import pytest
from lxml import etree

from core.clock import now_bogota
from core.dian.client import DianClient
from core.model import BillingReference
from core.pipeline import prepare_document
from core.sample_documents import sample_document
from core.ubl.namespaces import XPATH_NS
from plugins.environments.simulador import document_rules as rules
from plugins.environments.simulador import support_document_rules as support_rules
from plugins.environments.simulador.document_facts import read_facts
from plugins.environments.simulador.sample_documents import (
    ENVIRONMENT,
    SampleIssuer,
    _registry,
    prepare_sample,
    sample_issuer,
)
from tests.plugins.environments.test_simulator_operations import (  # noqa: F401 (fixtures)
    _next_nit,
    _rules,
    client,
    issuer,
    register,
    settings,
    simulator_url,
)

NS = XPATH_NS


def support_reference(prepared) -> BillingReference:
    return BillingReference(
        number=prepared.number,
        uuid=prepared.unique_code,
        issue_date=prepared.issued_at.date(),
        scheme_name="CUDS-SHA384",
        type_code="05",
    )


async def test_support_document_and_its_adjustment_note_are_accepted(client, issuer):
    support = prepare_sample(issuer, "05", 984000101, lines=3)
    response = await client.send_bill_sync(support.zip_name, support.zip)

    assert response.is_valid, response.error_messages
    assert response.status_code == "00"
    assert response.status_message == (
        "La Documento soporte electrónico SEDS984000101, ha sido autorizada."
    )
    assert response.xml_document_key == support.unique_code
    # DIAN's answer goes to the issuer: the buying tenant, not the seller
    answer = etree.fromstring(response.xml_base64_bytes)
    receiver = answer.findtext("cac:ReceiverParty/cac:PartyTaxScheme/cbc:CompanyID", namespaces=NS)
    assert receiver == issuer.tenant.nit

    note = prepare_sample(issuer, "95", 1, lines=2, reference=support_reference(support))
    adjusted = await client.send_bill_sync(note.zip_name, note.zip)
    assert adjusted.is_valid, adjusted.error_messages
    assert adjusted.status_message == "La Nota de ajuste electrónica NAS1, ha sido autorizada."

    again = await client.send_bill_sync(support.zip_name, support.zip)
    assert again.is_duplicate  # Regla 90 per issuer (the buyer), type and number


async def test_adjustment_note_must_cite_an_accepted_support_document(client, issuer):
    unknown = BillingReference(
        number="SEDS984009999",
        uuid="c" * 96,
        issue_date=prepare_sample(issuer, "05", 984000102).issued_at.date(),
        scheme_name="CUDS-SHA384",
        type_code="05",
    )
    note = prepare_sample(issuer, "95", 2, reference=unknown)
    response = await client.send_bill_sync(note.zip_name, note.zip)
    assert response.error_messages == [
        "Regla: CBG04a, Rechazo: Documento referenciado no existe en los registros de la DIAN."
    ]


async def test_cuds_with_another_pin_is_dsad06(simulator_url, settings):
    """The portal holds another PIN for the support-document software: the CUDS (and the
    software's security code) do not verify."""
    company = sample_issuer(nit=str(next(_next_nit)))
    portal_software = msgspec.structs.replace(
        company.tenant.software["documento_soporte"], pin="54321"
    )
    portal = SampleIssuer(
        tenant=msgspec.structs.replace(
            company.tenant,
            software={**company.tenant.software, "documento_soporte": portal_software},
        ),
        ranges=company.ranges,
        identity=company.identity,
    )
    await register(settings, portal)
    support = prepare_sample(company, "05", 984000103)
    async with DianClient(simulator_url, company.identity) as dian:
        response = await dian.send_bill_sync(support.zip_name, support.zip)

    assert "Regla: DSAD06, Rechazo: Valor del CUDS no está calculado correctamente." in (
        response.error_messages
    )


async def test_support_number_outside_its_range_is_dsad05c(client, issuer):
    support = prepare_sample(issuer, "05", 985000001)
    response = await client.send_bill_sync(support.zip_name, support.zip)
    assert "DSAD05c" in _rules(response)


async def test_support_document_sold_by_the_issuer_itself_is_dsaj01(client, issuer):
    document = msgspec.structs.replace(_support_document(984000104), customer=issuer.tenant.party)
    prepared = _prepare(issuer, document)
    response = await client.send_bill_sync(prepared.zip_name, prepared.zip)
    assert _rules(response) == ["DSAJ01"]


def _support_document(number: int):
    return sample_document("05", lines=2, number=number)


def _prepare(company: SampleIssuer, document):
    issued_at = now_bogota().replace(microsecond=0)
    document = msgspec.structs.replace(
        document, issue_date=issued_at.date(), issue_time=issued_at.timetz()
    )
    return prepare_document(
        document,
        document_type=_registry().document_types.get("05"),
        tenant=company.tenant,
        numbering_range=company.ranges["05"],
        environment=_registry().environments.get(ENVIRONMENT),
        identity=company.identity,
    )


# -- the rules only 05/95 have, one at a time -------------------------------------------------


@pytest.fixture(scope="module")
def support_xml() -> bytes:
    return prepare_sample(sample_issuer(nit="900500002"), "05", 984000010, lines=3).xml


@pytest.fixture
def root(support_xml) -> etree._Element:
    return etree.fromstring(support_xml)


def _ids(root) -> list[str]:
    return [f.rule for f in support_rules.check_support_document(root, read_facts(root))]


def test_a_pipeline_support_document_breaks_no_rule(root):
    facts = read_facts(root)
    assert (facts.rule_prefix, facts.issuer_nit, facts.unique_code_name) == (
        "DSA",
        "900500002",
        "CUDS",
    )
    assert _ids(root) == []
    assert rules.check_check_digits(facts) == []  # the seller has a cédula, not a NIT


def test_every_line_states_its_purchase_period_dsav10(root):
    line = root.find("cac:InvoiceLine", NS)
    line.remove(line.find("cac:InvoicePeriod", NS))
    assert _ids(root) == ["DSAV10"]


def test_transmission_code_is_one_or_two_dsav10(root):
    root.find("cac:InvoiceLine/cac:InvoicePeriod/cbc:DescriptionCode", NS).text = "3"
    assert _ids(root) == ["DSAV10"]


def test_non_resident_operation_with_a_colombian_seller_is_dsaj10(root):
    root.find("cbc:CustomizationID", NS).text = "11"
    assert _ids(root) == ["DSAJ10"]


def test_operation_type_and_profile_dsad02_dsad03(root):
    root.find("cbc:CustomizationID", NS).text = "20"
    root.find("cbc:ProfileID", NS).text = "DIAN 2.1: Factura Electrónica de Venta"
    assert _ids(root) == ["DSAD02", "DSAD03"]


def test_other_kinds_are_left_alone(root):
    invoice = etree.fromstring(prepare_sample(sample_issuer(nit="900500002"), "01", 990000010).xml)
    assert _ids(invoice) == []


async def test_numbering_ranges_of_the_support_software(client, issuer):
    """The 05's range is filed under the support-document software; the 95 has none."""
    nit, software = issuer.tenant.nit, issuer.tenant.software["documento_soporte"].id
    answer = await client.get_numbering_range(nit, nit, software)
    assert answer.operation_code == "100"
    assert [(r.prefix, r.from_number, r.to_number) for r in answer.ranges] == [
        ("SEDS", 984000000, 985000000)
    ]
