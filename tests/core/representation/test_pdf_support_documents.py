"""The PDF of a support document (05) and its adjustment note (95): the tenant prints as the
issuing buyer, the seller as VENDEDOR, each line's purchase date and transmission, the
authorization of the 05's numbering, the 95's reference by CUDS and its own concept, and the
QR's NumDS text (research §2.3)."""

# The registry and signing identity are the PDF module's fixtures, imported by name.
# ruff: noqa: F401, F811

from __future__ import annotations

from core.representation.content import money
from core.representation.pdf import render_pdf
from plugins.document_types.support_samples import (
    RESIDENT_SELLER,
    SAMPLE_SUPPORT_CUDS,
    SAMPLE_SUPPORT_NUMBER,
)
from tests.core.representation.test_pdf_render import (
    flat,
    identity,
    qr_texts,
    registry,
    representation,
    text_of,
)


def test_support_document_pdf_names_the_seller_and_each_purchase(registry, identity):
    rep = representation(registry, identity, "05", 3)
    (page,) = text_of(render_pdf(rep))
    assert "DOCUMENTO SOPORTE EN ADQUISICIONES A NO OBLIGADOS A FACTURAR" in " ".join(page.split())
    assert f"No. {rep.number}" in page and rep.number.startswith("SEDS")
    assert "PASARELA DEMO S.A.S." in page and "NIT 900373076-4" in page
    assert "VENDEDOR" in page and "ADQUIRIENTE" not in page
    assert RESIDENT_SELLER.name in page and f"CC {RESIDENT_SELLER.id_number}" in page
    assert f"CUDS:{rep.unique_code}" in flat(page)  # the code wraps onto its own line
    one_line = " ".join(page.split())
    assert "(compra del 2026-11-20, por operación)" in one_line  # the default: issue date
    assert one_line.count("(compra del 2026-11-19, por operación)") == 2
    assert "Autorización de numeración DIAN No. 18760000001" in flat(page)
    assert "prefijo SEDS, del 984000000 al 985000000" in flat(page)
    assert f"TOTAL {money(rep.totals.monetary.payable)}" in page


def test_adjustment_note_pdf_cites_the_support_document_and_its_concept(registry, identity):
    rep = representation(registry, identity, "95", 2)
    (page,) = text_of(render_pdf(rep))
    assert f"Documento referenciado: {SAMPLE_SUPPORT_NUMBER} del 2026-11-19" in page
    assert f"CUDS:{SAMPLE_SUPPORT_CUDS}" in flat(page)
    assert "Concepto de la nota: 2 Anulación del documento soporte en adquisiciones" in flat(page)
    assert "VENDEDOR" in page and RESIDENT_SELLER.name in page
    assert "Autorización de numeración" not in flat(page)


def test_support_document_qr_carries_the_numds_fields(registry, identity):
    rep = representation(registry, identity, "05", 3)
    money_totals = rep.totals.monetary
    expected = "\n".join(
        [
            f"NumDS: {rep.number}",
            "FecFD: 2026-11-20",
            "HorDS: 10:30:00-05:00",
            f"NumSNO: {RESIDENT_SELLER.id_number}",
            "DocABS: 900373076",
            f"ValDS: {money_totals.line_extension:.2f}",
            f"ValIva: {rep.totals.tax_amount('01'):.2f}",
            f"ValTolDS: {money_totals.payable:.2f}",
            f"CUDS: {rep.unique_code}",
            "QRCode: https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey="
            + rep.unique_code,
        ]
    )
    assert rep.qr() == expected
    assert qr_texts(render_pdf(rep)) == [expected]
