"""Malformed bills: Factus' 422 with the field and a Spanish message, never a 500, nothing
stored."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from core.context import AppContext
from core.demo import DemoSetup
from tests.adapters.factus.test_factus_seed import BILL_REQUEST, bearer, token

__all__ = ["token"]


def bill(**changes: Any) -> dict[str, Any]:
    body = {**BILL_REQUEST, "items": [dict(BILL_REQUEST["items"][0])]}
    body.update(changes)
    return body


def item(**changes: Any) -> dict[str, Any]:
    return bill(items=[{**BILL_REQUEST["items"][0], **changes}])


CASES = [
    (b"[]", "body", "El cuerpo de la petición debe ser un objeto JSON."),
    (b"{no es json", "body", "El cuerpo de la petición no es un JSON válido."),
    ({"items": "x"}, "items", "El campo debe ser una lista."),
    (item(price="abc"), "items.0.price", "El campo debe ser un número."),
    (b'{"items": [{"price": 1e400}]}', "items.0.price", "El campo es demasiado grande."),
    (
        item(price="10.001"),
        "items.0.price",
        "El campo items.0.price debe tener máximo 2 decimales.",
    ),
    (item(price=-1), "items.0.price", "El campo items.0.price es inválido."),
    (
        item(price=10**14, quantity=100),
        "items.0.price",
        "El valor del item items.0 (precio × cantidad) es demasiado grande.",
    ),
    (item(quantity=0), "items.0.quantity", "El campo items.0.quantity debe ser un número entero."),
    (item(quantity=10**10), "items.0.quantity", "El campo items.0.quantity es demasiado grande."),
    (item(tax_rate="101"), "items.0.tax_rate", "El campo items.0.tax_rate es inválido."),
    (
        item(unit_measure_id=999999),
        "items.0.unit_measure_id",
        "El campo items.0.unit_measure_id es inválido.",
    ),
    (
        item(is_excluded=1, tribute_id=4),
        "items",
        "El impuesto excluido solo puede ser aplicado al IVA",
    ),
    (
        item(withholding_taxes=[{"code": "01", "withholding_tax_rate": 5}]),
        "items.0.withholding_taxes.0.code",
        "El campo items.0.withholding_taxes.0.code es inválido.",
    ),
    (bill(items=[]), "items", "El campo items es obligatorio."),
    (bill(customer=None), "customer", "El campo customer es obligatorio."),
    (
        bill(customer={**BILL_REQUEST["customer"], "identification_document_id": [1]}),
        "customer.identification_document_id",
        "El campo debe ser un texto.",
    ),
    (
        bill(customer={**BILL_REQUEST["customer"], "email": "sin-arroba"}),
        "customer.email",
        "El campo customer.email debe ser una dirección de correo válida.",
    ),
    (bill(payment_form="2"), "payment_due_date", "El campo payment_due_date es obligatorio."),
    (
        bill(observation="x" * 251),
        "observation",
        "El campo observation no debe ser mayor que 250 caracteres.",
    ),
    (
        bill(billing_period={"start_date": "2026-01-31", "end_date": "2026-01-01"}),
        "billing_period.end_date",
        "El campo fecha de fin debe ser una fecha posterior a fecha de inicio.",
    ),
    (
        bill(numbering_range_id="abc"),
        "numbering_range_id",
        "El campo id rango de numeración es inválido.",
    ),
    (bill(send_email="quizás"), "send_email", "El campo send_email debe ser verdadero o falso."),
]


@pytest.mark.parametrize(("body", "field", "message"), CASES)
async def test_bad_bill_is_422_on_its_field(
    client: httpx.AsyncClient,
    ctx: AppContext,
    demo_tenant: DemoSetup,
    token: str,
    body: Any,
    field: str,
    message: str,
) -> None:
    if isinstance(body, bytes):
        answer = await client.post(
            "/v1/bills/validate",
            content=body,
            headers={**bearer(token), "Content-Type": "application/json"},
        )
    else:
        body = {k: v for k, v in body.items() if v is not None}
        answer = await client.post("/v1/bills/validate", json=body, headers=bearer(token))

    assert answer.status_code == 422, answer.text
    assert message in answer.json()["errors"][field]
    _, total = await ctx.documents.list(demo_tenant.tenant.id)
    assert total == 0
