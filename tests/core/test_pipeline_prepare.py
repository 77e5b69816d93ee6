"""``core.pipeline``: the build → amend → code → sign → zip path with real plugins, a generated
certificate and real signature verification."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import msgspec
import pytest
from lxml import etree

from core.api import Problem, hookimpl
from core.clock import BOGOTA
from core.errors import ConfigurationError
from core.pipeline import issue_moment, prepare_document, validate_document
from core.plugins import build_registry, get_plugin_manager
from core.sample_documents import (
    SAMPLE_ISSUED_AT,
    SAMPLE_NIT,
    SUPPLIER,
    TEST_TECHNICAL_KEY,
    sample_document,
    sample_numbering_range,
    sample_tenant,
)
from core.signing.certificates import load_pkcs12
from core.signing.testcerts import generate_test_pkcs12
from core.signing.xades import verify_xades
from core.ubl.namespaces import CBC, XPATH_NS
from core.ubl.unique_codes import compute_unique_code, software_security_code

NS = XPATH_NS


class AmendAndValidate:
    """A third-party-style plugin: adds a note to the XML and a warning to every document."""

    @hookimpl
    def pasarela_amend_ubl(self, root, document, document_type):
        root.find(CBC.Note).text = "Nota añadida por un plugin"
        payable = root.find("cac:LegalMonetaryTotal/cbc:PayableAmount", NS)
        if payable is not None:
            payable.text = "1.00"

    @hookimpl
    def pasarela_validate(self, document, document_type, tenant):
        return [Problem(path="notes", message="Aviso del plugin", severity="warning")]


@pytest.fixture(scope="module")
def identity():
    return load_pkcs12(*generate_test_pkcs12(nit=SAMPLE_NIT, name=SUPPLIER.name))


@pytest.fixture(scope="module")
def pm():
    return get_plugin_manager()


@pytest.fixture(scope="module")
def registry(pm):
    return build_registry(pm)


def prepare(registry, identity, code="01", *, plugin_manager=None, document=None, **kwargs):
    return prepare_document(
        document or sample_document(code),
        document_type=registry.document_types.get(code),
        tenant=sample_tenant(),
        numbering_range=kwargs.pop("numbering_range", sample_numbering_range(code)),
        environment=registry.environments.get("habilitacion"),
        identity=identity,
        plugin_manager=plugin_manager,
        **kwargs,
    )


def test_invoice_is_coded_with_the_technical_key_and_signed(registry, identity):
    prepared = prepare(registry, identity)
    root = etree.fromstring(prepared.xml)
    assert compute_unique_code(root, TEST_TECHNICAL_KEY) == (
        prepared.unique_code,
        prepared.prehash,
    )
    assert prepared.prehash.startswith("SETP9900000002026-11-2010:30:00-05:00")
    assert prepared.prehash.endswith(f"{SAMPLE_NIT}800199436{TEST_TECHNICAL_KEY}2")
    assert root.findtext(".//sts:SoftwareSecurityCode", namespaces=NS) == software_security_code(
        sample_tenant().software["facturacion"].id,
        sample_tenant().software["facturacion"].pin,
        "SETP990000000",
    )
    assert prepared.document.supplier == sample_tenant().party
    assert verify_xades(prepared.xml).signing_time == SAMPLE_ISSUED_AT  # FAD09e
    with zipfile.ZipFile(io.BytesIO(prepared.zip)) as archive:
        assert archive.read(prepared.xml_name) == prepared.xml
    assert prepared.totals.monetary.payable == Decimal(
        root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS)
    )


def test_notes_are_coded_with_the_software_pin(registry, identity):
    for code in ("91", "92", "20", "94", "93"):
        prepared = prepare(registry, identity, code)
        root = etree.fromstring(prepared.xml)
        assert prepared.prehash.endswith(f"{sample_tenant().software['facturacion'].pin}2")
        assert (
            compute_unique_code(root, sample_tenant().software["facturacion"].pin)[0]
            == prepared.unique_code
        )


def test_amended_tree_is_what_gets_coded_and_signed(registry, identity):
    pm = get_plugin_manager(extra_plugins=[AmendAndValidate()])
    plain = prepare(registry, identity)
    amended = prepare(registry, identity, plugin_manager=pm)
    root = etree.fromstring(amended.xml)
    assert root.findtext("cbc:Note", namespaces=NS) == "Nota añadida por un plugin"
    assert amended.unique_code != plain.unique_code
    assert "1.00" in amended.prehash
    assert compute_unique_code(root, TEST_TECHNICAL_KEY)[0] == amended.unique_code
    verify_xades(amended.xml)


def test_validate_document_collects_core_type_and_hook_findings(registry):
    pm = get_plugin_manager(extra_plugins=[AmendAndValidate()])
    document = msgspec.structs.replace(sample_document("20"), point_of_sale=None)
    problems = validate_document(
        document,
        document_type=registry.document_types.get("20"),
        tenant=sample_tenant(),
        numbering_range=sample_numbering_range("20"),
        plugin_manager=pm,
        now=SAMPLE_ISSUED_AT,
    )
    assert ("DEPD11", "error") in {(p.rule, p.severity) for p in problems}
    assert ("Aviso del plugin", "warning") in {(p.message, p.severity) for p in problems}


def test_issue_moment_is_bogota_time_to_the_second():
    document = msgspec.structs.replace(sample_document("01"), issue_date=None, issue_time=None)
    utc_evening = dt.datetime(2026, 11, 21, 2, 15, 30, 999, tzinfo=dt.UTC)
    moment = issue_moment(document, utc_evening)
    assert moment == dt.datetime(2026, 11, 20, 21, 15, 30, tzinfo=BOGOTA)


def test_unnumbered_document_or_missing_technical_key_is_refused(registry, identity):
    with pytest.raises(ValueError):
        prepare(
            registry, identity, document=msgspec.structs.replace(sample_document("01"), number=None)
        )
    keyless = msgspec.structs.replace(sample_numbering_range("01"), technical_key=None)
    with pytest.raises(ConfigurationError):
        prepare(registry, identity, numbering_range=keyless)


def test_seeded_output_is_reproducible_and_file_consecutive_is_honoured(registry, identity):
    first = prepare(registry, identity, ids_seed="same", file_consecutive=7)
    second = prepare(registry, identity, ids_seed="same", file_consecutive=7)
    assert first.xml == second.xml
    assert first.zip_name == f"z0{SAMPLE_NIT}0002600000007.zip"


def test_threads_share_no_mutable_tree_state(registry, identity):
    """Cached subtrees (parties, DianExtensions, tax categories) are copied per document and
    kept per thread: concurrent preparation gives the same codes as sequential."""
    from concurrent.futures import ThreadPoolExecutor

    codes = ("01", "91", "92", "20", "94", "93") * 4
    expected = {code: prepare(registry, identity, code).unique_code for code in set(codes)}
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda code: (code, prepare(registry, identity, code)), codes))
    for code, prepared in results:
        assert prepared.unique_code == expected[code]
        verify_xades(prepared.xml)
