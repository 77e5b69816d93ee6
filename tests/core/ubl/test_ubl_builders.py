"""UBL builders on the cases the golden files do not cover: parties, per-unit taxes,
withholdings, free lines, notes without reference; every variant is XSD-checked."""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import zipfile
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from lxml import etree

from core.model import (
    Address,
    Contact,
    GoodsDelivery,
    Line,
    Party,
    Period,
    ReferencePrice,
    Tax,
    Withholding,
)
from core.plugins import build_registry, get_plugin_manager
from core.sample_documents import (
    SUPPLIER,
    sample_document,
    sample_numbering_range,
    sample_tenant,
)
from core.totals import compute_totals
from core.ubl import formats
from core.ubl.context import BuildContext
from core.ubl.finalize import apply_unique_code
from core.ubl.namespaces import XPATH_NS
from core.ubl.packaging import document_file_names, zip_xml
from core.ubl.schemas import schema_errors

NS = XPATH_NS
XSD_DIR = Path(
    os.environ.get("PASARELA_XSD_DIR")
    or Path(__file__).resolve().parents[4] / "shared" / "dian" / "xsd"
)


@pytest.fixture(scope="module")
def registry():
    return build_registry(get_plugin_manager())


def build(registry, document) -> etree._Element:
    document = msgspec.structs.replace(document, supplier=document.supplier or SUPPLIER)
    document_type = registry.document_types.get(document.type_code)
    ctx = BuildContext(
        document=document,
        document_type=document_type,
        tenant=sample_tenant(),
        numbering_range=sample_numbering_range(document.type_code),
        environment=registry.environments.get("habilitacion"),
        totals=compute_totals(document),
        software=sample_tenant().software[document_type.software_channel],
        software_security_code="f" * 96,
    )
    return document_type.build(ctx)


def assert_xsd_valid(root: etree._Element) -> None:
    if not (XSD_DIR / "maindoc").is_dir():
        pytest.skip(f"DIAN XSDs not found at {XSD_DIR}")
    assert schema_errors(root, XSD_DIR) == []


def test_formats():
    assert formats.amount(Decimal("1500")) == "1500.00"
    assert formats.amount(Decimal("0.005")) == "0.01"
    assert formats.percent(Decimal("19")) == "19.00"
    assert formats.percent(Decimal("19.000")) == "19.00"  # FAS01b: never 19.000
    assert formats.percent(Decimal("0.414")) == "0.414"  # ICA per-mil rates keep 3 decimals
    assert formats.quantity(Decimal("3")) == "3.00"
    assert formats.quantity(Decimal("1.2345")) == "1.2345"
    assert formats.quantity(Decimal("1E+2")) == "100.00"
    assert formats.time(dt.time(7, 5, 9)) == "07:05:09-05:00"


def test_file_names_follow_the_anexo_pattern():
    assert document_file_names("fv", "901138658", 2019, 11) == (
        "fv09011386580001900000011.xml",
        "z09011386580001900000011.zip",
    )
    assert document_file_names("nc", "800197268", 2026, 123456789, provider_code="123") == (
        "nc08001972681232623456789.xml",
        "z08001972681232623456789.zip",
    )
    with pytest.raises(ValueError):
        document_file_names("fv", "90013865-8", 2026, 1)


def test_zip_holds_exactly_the_xml():
    data = zip_xml(b"<Invoice/>", "fv1.xml")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["fv1.xml"]
        assert archive.getinfo("fv1.xml").compress_type == zipfile.ZIP_DEFLATED
        assert archive.read("fv1.xml") == b"<Invoice/>"


@pytest.mark.parametrize("name", ["fv0900373076000260000001.xml", "factura-ñandú.xml"])
@pytest.mark.parametrize("size", [0, 1, 20_000, 300_000])
def test_zip_is_byte_for_byte_what_zipfile_writes(name, size):
    text = (b"<Invoice>" + bytes(range(32, 127)) * (size // 190 + 1))[: size // 2]
    xml = text + random.Random(size).randbytes(size - len(text))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        archive.writestr(info, xml, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    assert zip_xml(xml, name) == buffer.getvalue()


def test_apply_unique_code_fills_uuid_and_qr(registry):
    root = build(registry, sample_document("01"))
    assert root.findtext("cbc:UUID", namespaces=NS) == ""
    apply_unique_code(root, "abc", "https://example/qr?documentkey=abc")
    assert root.findtext("cbc:UUID", namespaces=NS) == "abc"
    assert root.findtext(".//sts:QRCode", namespaces=NS) == "https://example/qr?documentkey=abc"


def test_parties_company_ids_natural_person_and_final_consumer(registry):
    natural = Party(
        organization_type="2",
        id_type="13",
        id_number="71234567",
        name="JUAN PEREZ",
        address=Address(municipality_code="05001", line="Calle 50 # 30-20"),
    )
    root = build(registry, msgspec.structs.replace(sample_document("01"), customer=natural))
    supplier = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    company_id = supplier.find("cac:PartyTaxScheme/cbc:CompanyID", NS)
    assert company_id.attrib == {
        "schemeAgencyID": "195",
        "schemeAgencyName": "CO, DIAN (Dirección de Impuestos y Aduanas Nacionales)",
        "schemeID": SUPPLIER.dv,
        "schemeName": "31",
    }
    assert supplier.findtext("cac:PartyTaxScheme/cbc:TaxLevelCode", namespaces=NS) == "O-13;O-15"
    assert supplier.find("cac:PartyIdentification", NS) is None  # legal entity

    customer = root.find("cac:AccountingCustomerParty", NS)
    assert customer.findtext("cbc:AdditionalAccountID", namespaces=NS) == "2"
    ident = customer.find("cac:Party/cac:PartyIdentification/cbc:ID", NS)
    assert (ident.text, ident.attrib) == ("71234567", {"schemeName": "13"})  # FAK61
    cid = customer.find("cac:Party/cac:PartyTaxScheme/cbc:CompanyID", NS)
    assert "schemeID" not in cid.attrib and cid.get("schemeName") == "13"
    address = customer.find("cac:Party/cac:PhysicalLocation/cac:Address", NS)
    assert address.findtext("cbc:CityName", namespaces=NS) == "Medellín"
    assert address.findtext("cbc:CountrySubentity", namespaces=NS) == "Antioquia"
    assert address.findtext("cbc:CountrySubentityCode", namespaces=NS) == "05"
    assert_xsd_valid(root)

    pos = build(registry, sample_document("20"))
    consumer = pos.find("cac:AccountingCustomerParty/cac:Party", NS)
    assert consumer.find("cac:PhysicalLocation", NS) is None
    assert consumer.findtext("cac:PartyTaxScheme/cbc:CompanyID", namespaces=NS) == "222222222222"


def test_per_unit_tax_withholding_and_free_line(registry):
    lines = (
        Line(
            description="Bolsa plástica",
            quantity=Decimal("3"),
            unit_code="NIU",
            unit_price=Decimal("100"),
            taxes=(Tax(scheme="22", per_unit_amount=Decimal("66")),),
        ),
        Line(
            description="Servicio gravado",
            quantity=Decimal("1"),
            unit_price=Decimal("1000000"),
            taxes=(Tax(scheme="01", percent=Decimal("19")),),
            withholdings=(
                Withholding(scheme="06", percent=Decimal("4")),
                Withholding(scheme="05", percent=Decimal("15")),
            ),
        ),
        Line(
            description="Muestra gratis",
            quantity=Decimal("2"),
            unit_price=Decimal("0"),
            free_of_charge=ReferencePrice(price_type_code="01", price=Decimal("5000")),
            taxes=(Tax(scheme="01", percent=Decimal("19")),),
        ),
    )
    root = build(registry, msgspec.structs.replace(sample_document("01"), lines=lines))
    bag = root.find("cac:InvoiceLine[1]/cac:TaxTotal/cac:TaxSubtotal", NS)
    assert bag.find("cbc:BaseUnitMeasure", NS).attrib == {"unitCode": "NIU"}
    assert bag.findtext("cbc:PerUnitAmount", namespaces=NS) == "66.00"
    assert bag.findtext("cbc:TaxAmount", namespaces=NS) == "198.00"
    assert bag.find("cac:TaxCategory/cbc:Percent", NS) is None
    assert bag.findtext("cac:TaxCategory/cac:TaxScheme/cbc:Name", namespaces=NS) == "INC Bolsas"

    withholding = {
        w.findtext("cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:ID", namespaces=NS): w
        for w in root.findall("cac:WithholdingTaxTotal", NS)
    }
    assert withholding["05"].findtext("cbc:TaxAmount", namespaces=NS) == "28500.00"
    assert withholding["06"].findtext("cbc:TaxAmount", namespaces=NS) == "40000.00"
    assert len(root.findall("cac:InvoiceLine[2]/cac:WithholdingTaxTotal", NS)) == 2

    free = root.find("cac:InvoiceLine[3]", NS)
    assert free.findtext("cbc:FreeOfChargeIndicator", namespaces=NS) == "true"
    price = free.find("cac:PricingReference/cac:AlternativeConditionPrice", NS)
    assert price.findtext("cbc:PriceAmount", namespaces=NS) == "5000.00"
    assert price.findtext("cbc:PriceTypeCode", namespaces=NS) == "01"
    assert_xsd_valid(root)


def test_note_without_reference_carries_the_period(registry):
    period = Period(start_date=dt.date(2026, 11, 1), end_date=dt.date(2026, 11, 30))
    credit = msgspec.structs.replace(
        sample_document("91"), operation_type="22", billing_reference=None, invoice_period=period
    )
    root = build(registry, credit)
    assert root.findtext("cac:InvoicePeriod/cbc:EndDate", namespaces=NS) == "2026-11-30"
    assert root.find("cac:BillingReference", NS) is None
    assert root.find("cac:DiscrepancyResponse/cbc:ReferenceID", NS) is None
    assert_xsd_valid(root)
    document_type = registry.document_types.get("91")
    without_period = msgspec.structs.replace(credit, invoice_period=None)
    assert [p.path for p in document_type.validate(without_period, sample_tenant())] == [
        "invoice_period"
    ]


DELIVERY = GoodsDelivery(
    actual_date=dt.date(2026, 11, 20),
    actual_time=dt.time(14, 30, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    address=Address(municipality_code="05001", line="Carrera 43A # 1-50 Bodega 3"),
    party=Party(
        organization_type="1",
        id_type="31",
        id_number="900373115",
        dv="3",
        name="TRANSPORTES ANDINOS S.A.S.",
        tax_level_codes=("O-13",),
        tax_scheme="01",
        address=Address(municipality_code="11001", line="Calle 13 # 68-90"),
        contact=Contact(telephone="6014567890", email="despachos@transandinos.example"),
    ),
)


@pytest.mark.parametrize(
    ("type_code", "before"),
    [
        ("01", "AccountingCustomerParty"),
        ("91", "AccountingCustomerParty"),
        ("92", "AccountingCustomerParty"),  # DebitNote: after PrepaidPayment/AllowanceCharge
    ],
)
def test_delivery_goes_between_the_parties_and_the_payment_means(registry, type_code, before):
    document = msgspec.structs.replace(sample_document(type_code), delivery=DELIVERY)
    root = build(registry, document)
    names = [etree.QName(child).localname for child in root]
    at = names.index("Delivery")
    assert names.count("Delivery") == 1
    assert names[at - 1] == before and names[at + 1] == "PaymentMeans"
    delivery = root.find("cac:Delivery", NS)
    assert [etree.QName(child).localname for child in delivery] == [
        "ActualDeliveryDate",
        "ActualDeliveryTime",
        "DeliveryAddress",
        "DeliveryParty",
    ]
    assert delivery.findtext("cbc:ActualDeliveryDate", namespaces=NS) == "2026-11-20"
    assert delivery.findtext("cbc:ActualDeliveryTime", namespaces=NS) == "14:30:00-05:00"
    address = delivery.find("cac:DeliveryAddress", NS)
    assert address.findtext("cbc:ID", namespaces=NS) == "05001"
    assert address.findtext("cbc:CityName", namespaces=NS) == "Medellín"
    assert address.findtext("cbc:CountrySubentityCode", namespaces=NS) == "05"
    line = address.findtext("cac:AddressLine/cbc:Line", namespaces=NS)
    assert line == "Carrera 43A # 1-50 Bodega 3"
    party = delivery.find("cac:DeliveryParty", NS)
    assert party.find("cbc:AdditionalAccountID", NS) is None  # PartyType has none
    assert party.findtext("cac:PartyName/cbc:Name", namespaces=NS) == "TRANSPORTES ANDINOS S.A.S."
    company_id = party.find("cac:PartyTaxScheme/cbc:CompanyID", NS)
    assert (company_id.text, company_id.get("schemeID"), company_id.get("schemeName")) == (
        "900373115",
        "3",
        "31",
    )
    located = party.findtext("cac:PhysicalLocation/cac:Address/cbc:ID", namespaces=NS)
    assert located == "11001"
    assert party.findtext("cac:Contact/cbc:ElectronicMail", namespaces=NS) == (
        "despachos@transandinos.example"
    )
    assert_xsd_valid(root)


def test_delivery_without_time_address_or_party_carries_the_date_only(registry):
    bare = GoodsDelivery(actual_date=dt.date(2026, 11, 20))
    root = build(registry, msgspec.structs.replace(sample_document("01"), delivery=bare))
    delivery = root.find("cac:Delivery", NS)
    assert [etree.QName(child).localname for child in delivery] == ["ActualDeliveryDate"]
    assert_xsd_valid(root)
    assert build(registry, sample_document("01")).find("cac:Delivery", NS) is None


def test_debit_note_shape(registry):
    root = build(registry, sample_document("92"))
    assert etree.QName(root).localname == "DebitNote"
    assert root.find("cac:RequestedMonetaryTotal", NS) is not None
    assert root.find("cac:LegalMonetaryTotal", NS) is None
    assert root.find("cbc:DebitNoteTypeCode", NS) is None
    assert root.find("cac:DebitNoteLine/cbc:DebitedQuantity", NS) is not None
    assert root.find(".//sts:InvoiceControl", NS) is None  # notes carry no resolution


def test_pos_notes_cite_the_pos_cude(registry):
    credit = build(registry, sample_document("94"))
    reference = credit.find("cac:BillingReference/cac:InvoiceDocumentReference", NS)
    assert reference.find("cbc:UUID", NS).get("schemeName") == "CUDE-SHA384"
    assert reference.findtext("cbc:DocumentTypeCode", namespaces=NS) == "20"
    assert credit.findtext("cbc:CreditNoteTypeCode", namespaces=NS) == "94"
    assert credit.findtext("cbc:CustomizationID", namespaces=NS) == "20"
    debit = build(registry, sample_document("93"))
    reference = debit.find("cac:BillingReference/cac:InvoiceDocumentReference", NS)
    assert reference.find("cbc:DocumentTypeCode", NS) is None


def test_pos_requires_point_of_sale_data(registry):
    document = msgspec.structs.replace(sample_document("20"), point_of_sale=None)
    document_type = registry.document_types.get("20")
    problems = document_type.validate(document, sample_tenant())
    assert [(p.rule, p.path) for p in problems] == [("DEPD11", "point_of_sale")]
    assert document_type.validate(sample_document("20"), sample_tenant()) == []


def test_type_code_mismatch_is_reported(registry):
    document_type = registry.document_types.get("01")
    problems = document_type.validate(sample_document("20"), sample_tenant())
    assert [p.path for p in problems] == ["type_code"]
