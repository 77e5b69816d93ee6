"""Facts a document kind declares reach the pipeline: the tenant's role (the support
document's tenant is the buyer), the software channel it is coded and sent with, and the
permission it needs."""

from __future__ import annotations

import dataclasses

import msgspec
import pytest

from core.contracts import CHANNEL_EQUIVALENT, CHANNEL_INVOICES, CHANNEL_SUPPORT
from core.errors import ConfigurationError
from core.model import Software
from core.pipeline import prepare_document, tenant_software
from core.plugins import build_registry, get_plugin_manager
from core.sample_documents import (
    CUSTOMER,
    SAMPLE_NIT,
    SUPPLIER,
    sample_document,
    sample_numbering_range,
    sample_tenant,
)
from core.signing.certificates import load_pkcs12
from core.signing.testcerts import generate_test_pkcs12
from core.ubl.namespaces import XPATH_NS
from core.ubl.unique_codes import software_security_code
from core.xml_parsing import parse_xml

SUPPLIER_ID = "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID"
CUSTOMER_ID = "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID"


@pytest.fixture(scope="module")
def registry():  # type: ignore[no-untyped-def]
    return build_registry(get_plugin_manager())


@pytest.fixture(scope="module")
def identity():  # type: ignore[no-untyped-def]
    return load_pkcs12(*generate_test_pkcs12(nit=SAMPLE_NIT, name=SUPPLIER.name))


def prepare(registry, identity, document_type, document):  # type: ignore[no-untyped-def]
    return prepare_document(
        document,
        document_type=document_type,
        tenant=sample_tenant(),
        numbering_range=sample_numbering_range("91"),
        environment=registry.environments.get("habilitacion"),
        identity=identity,
    )


def test_a_buyer_kind_puts_the_tenant_in_the_customer_party(registry, identity) -> None:
    """A kind whose tenant is the buyer (the support document's shape, here on the credit-note
    root) gets the tenant as AccountingCustomerParty and the counterparty the dialect sent as
    the seller; a supplier kind the other way round."""
    note = registry.document_types.get("91")
    bought = dataclasses.replace(note, tenant_role="buyer")
    seller = msgspec.structs.replace(CUSTOMER, name="PROVEEDOR NO OBLIGADO")
    document = msgspec.structs.replace(sample_document("91"), customer=seller)

    as_buyer = parse_xml(prepare(registry, identity, bought, document).xml)
    assert as_buyer.findtext(SUPPLIER_ID, namespaces=XPATH_NS) == seller.id_number
    assert as_buyer.findtext(CUSTOMER_ID, namespaces=XPATH_NS) == SAMPLE_NIT

    as_supplier = parse_xml(prepare(registry, identity, note, document).xml)
    assert as_supplier.findtext(SUPPLIER_ID, namespaces=XPATH_NS) == SAMPLE_NIT
    assert as_supplier.findtext(CUSTOMER_ID, namespaces=XPATH_NS) == seller.id_number


def test_each_kind_is_coded_with_its_channel_software(registry, identity) -> None:
    pos = registry.document_types.get("20")
    invoice = registry.document_types.get("01")
    assert (pos.software_channel, invoice.software_channel) == (
        CHANNEL_EQUIVALENT,
        CHANNEL_INVOICES,
    )
    own = Software(id="sw-pos", pin="99999", provider_nit=SAMPLE_NIT, provider_dv="4")
    tenant = sample_tenant()
    tenant = msgspec.structs.replace(tenant, software={**tenant.software, CHANNEL_EQUIVALENT: own})
    assert tenant_software(tenant, pos) == own
    document = msgspec.structs.replace(sample_document("20"), issue_date=None, issue_time=None)
    prepared = prepare_document(
        document,
        document_type=pos,
        tenant=tenant,
        numbering_range=sample_numbering_range("20"),
        environment=registry.environments.get("habilitacion"),
        identity=identity,
    )
    root = parse_xml(prepared.xml)
    assert root.findtext(".//sts:SoftwareID", namespaces=XPATH_NS) == "sw-pos"
    assert prepared.software_security_code == software_security_code(
        "sw-pos", "99999", prepared.number
    )
    assert prepared.prehash.endswith("99999" + "2")  # CUDE with this channel's PIN

    without = msgspec.structs.replace(tenant, software={CHANNEL_INVOICES: own})
    with pytest.raises(ConfigurationError, match="documento_equivalente"):
        tenant_software(without, pos)
    assert {k.code for k in registry.document_types if k.software_channel == CHANNEL_SUPPORT} == {
        "05",
        "95",
    }


def test_every_installed_kind_declares_its_facts(registry) -> None:
    for kind in registry.document_types:
        assert kind.permission and kind.file_prefix and kind.rule_prefix
        assert kind.tenant_role in ("supplier", "buyer")
        if kind.authorized_numbering:  # numbered from a resolución: the demo tenant gets one
            assert kind.demo_range is not None
        if kind.needs_technical_key and kind.demo_range is not None:
            assert kind.demo_range.technical_key
