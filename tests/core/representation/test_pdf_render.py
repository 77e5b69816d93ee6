"""The graphic representation of every kind, read back: the text with pypdf, the QR decoded
from the page rendered to pixels (pypdfium2 + zxing-cpp), pages, determinism.

Documents go through the real pipeline (numbered, totalled, coded and signed) with the sample
tenant, so the PDF shows what the signed XML says.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from decimal import Decimal

import msgspec
import pypdf
import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from core.clock import BOGOTA
from core.contracts import DocumentType
from core.model import AllowanceCharge, Line, Tax, Withholding
from core.pipeline import PreparedDocument, prepare_document
from core.plugins import build_registry, get_plugin_manager
from core.registry import Registry
from core.representation.content import Representation, money
from core.representation.pdf import render_pdf
from core.representation.pdfs import prepared_representation
from core.sample_documents import (
    SAMPLE_NIT,
    SAMPLE_REFERENCE_CODE,
    SUPPLIER,
    sample_document,
    sample_numbering_range,
    sample_tenant,
)
from core.signing.certificates import SigningIdentity, load_pkcs12
from core.signing.testcerts import generate_test_pkcs12

KINDS = ("01", "91", "92", "20", "94", "93", "03", "04")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return build_registry(get_plugin_manager())


@pytest.fixture(scope="module")
def identity() -> SigningIdentity:
    return load_pkcs12(*generate_test_pkcs12(nit=SAMPLE_NIT, name=SUPPLIER.name))


def prepare(
    registry: Registry, identity: SigningIdentity, kind: DocumentType, count: int = 3, **changes
) -> PreparedDocument:
    document = sample_document(kind, lines=count)
    if changes:
        document = msgspec.structs.replace(document, **changes)
    return prepare_document(
        document,
        document_type=kind,
        tenant=sample_tenant(),
        numbering_range=sample_numbering_range(kind),
        environment=registry.environments.get("habilitacion"),
        identity=identity,
        ids_seed="pdf-tests",
    )


def representation(
    registry: Registry, identity: SigningIdentity, code: str, count: int = 3, **changes
) -> Representation:
    """A sample of kind ``code`` with ``count`` lines (``changes`` replace fields), prepared."""
    kind = registry.document_types.get(code)
    prepared = prepare(registry, identity, kind, count, **changes)
    return prepared_representation(
        prepared,
        registry=registry,
        tenant=sample_tenant(),
        numbering_range=sample_numbering_range(kind),
        environment_id="habilitacion",
    )


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Text with its line breaks removed (a long code wraps)."""
    return text.replace("\n", "")


@pytest.mark.parametrize("code", KINDS)
def test_every_kind_prints_number_code_parties_totals_and_its_own_facts(registry, identity, code):
    rep = representation(registry, identity, code)
    (page,) = text_of(render_pdf(rep))
    kind = rep.document_type
    assert kind.title.upper() in " ".join(page.split())  # a long title wraps in its box
    assert f"No. {rep.number}" in page
    assert f"{kind.unique_code}:" in page and rep.unique_code in flat(page)
    assert "PASARELA DEMO S.A.S." in page and "NIT 900373076-4" in page
    assert "ADQUIRIENTE" in page and rep.document.customer.name in page
    assert f"TOTAL {money(rep.totals.monetary.payable)}" in page
    assert "Son: " in page and "M/CTE" in page
    assert "Fecha de emisión: 2026-11-20  Hora: 10:30:00-05:00" in page
    assert "Forma de pago: Contado." in page and "Medio de pago: Efectivo." in page
    assert "DOCUMENTO SIN VALIDEZ FISCAL" in page  # habilitación
    assert "software propio del emisor NIT 900373076-4" in page
    for line in rep.document.lines:
        assert line.description in page
    range_ = sample_numbering_range(kind)
    resolution = (
        f"Autorización de numeración DIAN No. {range_.resolution_number} del 2019-01-19: "
        f"prefijo {range_.prefix}, del {range_.from_number} al {range_.to_number}, "
        "vigente desde 2019-01-19 hasta 2030-01-19."
    )
    assert (resolution in flat(page)) is kind.authorized_numbering
    reference = rep.document.billing_reference
    if kind.code in {"91", "92", "94", "93"}:
        assert reference is not None and rep.document.discrepancy is not None
        assert f"Documento referenciado: {reference.number} del 2026-11-19" in page
        assert SAMPLE_REFERENCE_CODE in flat(page)
        assert f"Motivo: {rep.document.discrepancy.description}" in page
    else:
        assert "Documento referenciado" not in page


def test_an_export_prints_its_currency_trm_pesos_total_and_incoterm(registry, identity):
    rep = representation(registry, identity, "02")
    (page,) = text_of(render_pdf(rep))
    payable = rep.totals.monetary.payable
    assert rep.document_type.title.upper() in " ".join(page.split())
    assert "GLOBAL IMPORTS LLC" in page and "Estados Unidos" in page
    assert f"TOTAL {money(payable)}" in page
    in_pesos = money(payable * Decimal("4012.35"))
    assert (
        "Moneda: USD (Dólar estadounidense).  Tasa de cambio (TRM) del 2026-11-20: "
        f"4.012,35 COP por 1 USD.  Total en pesos colombianos: COP {in_pesos}."
    ) in flat(page)
    assert (
        "Condiciones de entrega (Incoterm): FOB Franco a bordo, Puerto de Cartagena. "
        "Contenedor 20 pies."
    ) in flat(page)
    assert "/100 USD" in page and "M/CTE" not in page


def test_a_contingency_invoice_cites_the_paper_invoice_it_transmits(registry, identity):
    (page,) = text_of(render_pdf(representation(registry, identity, "03")))
    assert "Documento de contingencia transmitido: TAL1001 del 2026-11-20 (tipo 01)." in page


def test_taxes_by_scheme_and_rate_withholdings_and_discounts_are_printed(registry, identity):
    line = Line(
        code="SRV-1",
        description="Servicio con retención",
        quantity=Decimal("2"),
        unit_price=Decimal("100000"),
        taxes=(Tax(scheme="01", percent=Decimal("19")),),
        withholdings=(Withholding(scheme="06", percent=Decimal("4")),),
        allowances_charges=(AllowanceCharge(percent=Decimal("10"), reason="Descuento"),),
    )
    rep = representation(registry, identity, "01", lines=(line,))
    (page,) = text_of(render_pdf(rep))
    assert "01 IVA 19% 180.000,00 34.200,00" in page  # base after the 10 % discount
    assert "Retenciones" in page and "06 ReteRenta 4% 180.000,00 7.200,00" in page
    assert "20.000,00" in page  # the line's discount
    assert "TOTAL 214.200,00" in page
    assert "DOSCIENTOS CATORCE MIL DOSCIENTOS PESOS M/CTE" in page


def qr_texts(pdf: bytes) -> list[str]:
    """The QR codes found on the last page, rendered to pixels at 216 dpi."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[len(document) - 1]
        image: Image.Image = page.render(scale=3).to_pil()
        page.close()
    finally:
        document.close()
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("code", ("01", "91"))
def test_the_qr_decodes_to_the_dian_text(registry, identity, code):
    rep = representation(registry, identity, code)
    money_totals = rep.totals.monetary
    iva = rep.totals.tax_amount("01")
    label = rep.document_type.unique_code
    expected = "\n".join(
        [
            f"NumFac: {rep.number}",
            "FecFac: 2026-11-20",
            "HorFac: 10:30:00-05:00",
            "NitFac: 900373076",
            "DocAdq: 800199436",
            f"ValFac: {money_totals.line_extension:.2f}",
            f"ValIva: {iva:.2f}",
            f"ValOtroIm: {rep.totals.tax_amount('04'):.2f}",
            f"ValTolFac: {money_totals.payable:.2f}",
            f"{label}: {rep.unique_code}",
            "QRCode: https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey="
            + rep.unique_code,
        ]
    )
    assert rep.qr() == expected
    assert qr_texts(render_pdf(rep)) == [expected]


def test_a_150_line_invoice_spans_pages_with_numbers_header_and_column_titles(registry, identity):
    rep = representation(registry, identity, "01", 150)
    pdf = render_pdf(rep)
    pages = text_of(pdf)
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert f"Página {number} de {len(pages)}" in page
        assert "PASARELA DEMO S.A.S." in page and f"No. {rep.number}" in page
        assert "DOCUMENTO SIN VALIDEZ FISCAL" in page
    found = [int(n) for page in pages for n in re.findall(r"Producto de prueba (\d+)", page)]
    assert found == list(range(1, 151))  # every line once, in order
    for page in pages[:-1]:
        assert "Descripción" in page  # the table's column titles on each page with lines
    assert "ADQUIRIENTE" in pages[0] and all("ADQUIRIENTE" not in p for p in pages[1:])
    assert f"TOTAL {money(rep.totals.monetary.payable)}" in pages[-1]
    assert qr_texts(pdf) == [rep.qr()]


def test_the_same_document_gives_the_same_bytes_dated_at_its_issue_moment(registry, identity):
    first = render_pdf(representation(registry, identity, "01", 5))
    second = render_pdf(representation(registry, identity, "01", 5))
    assert first == second
    info = pypdf.PdfReader(io.BytesIO(first)).metadata
    assert info is not None and info.creation_date is not None
    assert info.creation_date.astimezone(BOGOTA) == dt.datetime(2026, 11, 20, 10, 30, tzinfo=BOGOTA)
    other = render_pdf(representation(registry, identity, "01", 6))
    assert other != first


def test_production_documents_carry_no_mark_and_habilitacion_ones_do(registry, identity):
    rep = representation(registry, identity, "01")
    production = dataclasses.replace(rep, environment=registry.environments.get("produccion"))
    (page,) = text_of(render_pdf(production))
    assert "SIN VALIDEZ FISCAL" not in page
    assert "Página 1 de 1" in page


def test_a_tenant_logo_is_drawn_on_every_page(registry, identity):
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), (20, 90, 160)).save(buffer, format="PNG")
    rep = dataclasses.replace(representation(registry, identity, "01", 60), logo=buffer.getvalue())
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(rep)))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        (image,) = page.images
        assert image.image.size == (120, 60)


def test_text_outside_latin1_does_not_break_the_pdf(registry, identity):
    rep = representation(registry, identity, "01", 1, notes=("Entrega → bodega 🚚",))
    (page,) = text_of(render_pdf(rep))
    assert "Observaciones: Entrega ? bodega ?" in page
