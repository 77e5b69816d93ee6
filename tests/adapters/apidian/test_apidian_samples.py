"""Each sample body of APIDIAN's own Postman collection (research Appendix B) is accepted:
sent as it is (dated today), validated by the simulator as DIAN would, XML valid."""

from __future__ import annotations

import base64

import httpx
import pytest
from apidian_documents_support import apidian_token, assert_valid_xml, bearer, result, sample

from core.api import parse_xml

__all__ = ["apidian_token"]


@pytest.mark.parametrize(
    ("name", "route"),
    [
        ("invoice", "invoice"),
        ("invoice_two_rates_withholdings", "invoice"),
        ("invoice_bag_tax", "invoice"),
        ("credit_note_without_reference", "credit-note"),
        ("pos", "eqdoc"),
    ],
)
async def test_sample_is_accepted(
    client: httpx.AsyncClient, apidian_token: str, name: str, route: str
) -> None:
    body = sample(name)
    response = await client.post(f"/api/ubl2.1/{route}", json=body, headers=bearer(apidian_token))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert result(answer)["IsValid"] == "true", result(answer)
    xml = base64.b64decode(answer["invoicexml"])
    assert_valid_xml(xml)
    totals = parse_xml(xml).find("{*}LegalMonetaryTotal")
    assert totals is not None
    declared = body["legal_monetary_totals"]
    # the client's own totals, to two decimals, are what the XML says
    assert totals.findtext("{*}PayableAmount") == f"{float(declared['payable_amount']):.2f}"


async def test_withholdings_and_bag_tax_of_the_samples_reach_the_xml(
    client: httpx.AsyncClient, apidian_token: str
) -> None:
    body = sample("invoice_two_rates_withholdings")
    answer = (
        await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(apidian_token))
    ).json()
    root = parse_xml(base64.b64decode(answer["invoicexml"]))
    withheld = {
        total.findtext("{*}TaxSubtotal/{*}TaxCategory/{*}TaxScheme/{*}ID"): total.findtext(
            "{*}TaxAmount"
        )
        for total in root.findall("{*}WithholdingTaxTotal")
    }
    assert withheld == {"05": "126050.42", "06": "29411.76"}

    body = sample("invoice_bag_tax")
    answer = (
        await client.post("/api/ubl2.1/invoice", json=body, headers=bearer(apidian_token))
    ).json()
    root = parse_xml(base64.b64decode(answer["invoicexml"]))
    schemes = {
        total.findtext("{*}TaxSubtotal/{*}TaxCategory/{*}TaxScheme/{*}ID"): total.findtext(
            "{*}TaxAmount"
        )
        for total in root.findall("{*}TaxTotal")
    }
    assert schemes == {"01": "159663.86", "22": "500.00"}
