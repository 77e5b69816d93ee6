"""Factus' scenario for ``pasarela bench http --dialect factus``.

Before the first request the bench signs in once, as Factus' clients do: ``POST /oauth/token``
(password grant, form-encoded) with the client and user ``serve --demo`` wrote to the
credentials file; every request then carries that access token. Each request is
``POST /v1/bills/validate`` with research §3's bill (two items, a discount, withholdings and a
surcharge) and its own ``reference_code`` (a re-sent code would return the same bill). A 201
whose ``data.bill.status`` is 1 (validated) or 0 (stored, DIAN pending) with a CUFE is an
issued bill. The gateway's rate limit (``PASARELA_RATE_LIMIT_FACTUS``, 80 a minute by
default, as Factus) applies to the bench too: raise it on the gateway being measured.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

import httpx

from core.api import BenchRequest, BenchScenario

TOKEN_TIMEOUT_S = 30.0


async def sign_in(base_url: str, credentials: Mapping[str, Any]) -> Mapping[str, Any]:
    """The access token for the file's client and user, fetched once, and a run id that keeps
    this run's reference codes apart from an earlier run's."""
    form = {
        "grant_type": "password",
        "client_id": credentials["client_id"],
        "client_secret": credentials["client_secret"],
        "username": credentials["username"],
        "password": credentials["password"],
    }
    async with httpx.AsyncClient(base_url=base_url, timeout=TOKEN_TIMEOUT_S) as client:
        answer = await client.post(
            "/oauth/token", data=form, headers={"Accept": "application/json"}
        )
    answer.raise_for_status()
    return {"access_token": answer.json()["access_token"], "run": secrets.token_hex(4)}


def bill_request(credentials: Mapping[str, Any], sequence: int) -> BenchRequest:
    """One bill; ``sequence`` (negative for warm-up) makes its reference code unique."""
    item = {
        "unit_measure_id": 70,
        "standard_code_id": 1,
        "is_excluded": 0,
        "tribute_id": 1,
        "quantity": 1,
    }
    return BenchRequest(
        method="POST",
        path="/v1/bills/validate",
        headers={
            "Authorization": f"Bearer {credentials['access_token']}",
            "Accept": "application/json",
        },
        body={
            "reference_code": f"bench-{credentials['run']}-{sequence}",
            "observation": "",
            "payment_method_code": "10",
            "customer": {
                "identification": "123456789",
                "dv": "3",
                "names": "Alan Turing",
                "address": "calle 1 # 2-68",
                "email": "alan@example.com",
                "phone": "1234567890",
                "legal_organization_id": "2",
                "tribute_id": "21",
                "identification_document_id": 3,
                "municipality_id": "980",
            },
            "items": [
                {
                    **item,
                    "code_reference": "12345",
                    "name": "producto de prueba",
                    "discount_rate": 20,
                    "price": 50000,
                    "tax_rate": "19.00",
                    "withholding_taxes": [
                        {"code": "06", "withholding_tax_rate": 7},
                        {"code": "05", "withholding_tax_rate": 15},
                    ],
                },
                {
                    **item,
                    "code_reference": "54321",
                    "name": "producto de prueba 2",
                    "discount_rate": 0,
                    "price": 50000,
                    "tax_rate": "5.00",
                    "withholding_taxes": [],
                },
            ],
            "allowance_charges": [
                {
                    "concept_type": "03",
                    "is_surcharge": True,
                    "reason": "Propina",
                    "base_amount": "90000.00",
                    "amount": "9000.00",
                }
            ],
        },
    )


BENCH = BenchScenario(
    request=bill_request,
    prepare=sign_in,
    success_status=201,
    status_path=("data", "bill", "status"),
    success_states=frozenset({1, 0}),
    unique_code_path=("data", "bill", "cufe"),
)
