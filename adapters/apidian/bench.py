"""APIDIAN's scenario for ``pasarela bench http --dialect apidian``.

``POST /api/ubl2.1/invoice`` with the body of APIDIAN's own Postman sample (one line, IVA
19 %) and the token ``serve --demo`` wrote; an answer is an issued invoice when it is 200
with DIAN's ``IsValid`` ``"true"`` and a CUFE. APIDIAN clients number their own documents:
each run takes a random block of the demo range (SETP 990000000–995000000) so that runs
against the same gateway do not repeat numbers; ``sequence`` (negative for warm-up requests)
picks the number inside it.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from core.api import BenchRequest, BenchScenario

FIRST, BLOCKS, BLOCK = 990_000_000, 4_900, 1_000
_RUN_BASE = FIRST + secrets.randbelow(BLOCKS) * BLOCK + 100  # warm-ups take the 100 before
RESULT = ("ResponseDian", "Envelope", "Body", "SendBillSyncResponse", "SendBillSyncResult")


def invoice_request(credentials: Mapping[str, Any], sequence: int) -> BenchRequest:
    """One invoice numbered ``_RUN_BASE + sequence``, dated now (no ``date``/``time``)."""
    return BenchRequest(
        method="POST",
        path="/api/ubl2.1/invoice",
        headers={
            "Authorization": f"Bearer {credentials['token']}",
            "Accept": "application/json",
        },
        body={
            "number": _RUN_BASE + sequence,
            "type_document_id": 1,
            "resolution_number": "18760000001",
            "prefix": "SETP",
            "sendmail": False,
            "customer": {
                "identification_number": 900166483,
                "dv": 1,
                "name": "INVERSIONES DAVAL SAS",
                "phone": "3103891693",
                "address": "CLL 4 NRO 33-90",
                "email": "cliente@example.com",
                "merchant_registration": "0000000-00",
                "type_document_identification_id": 6,
                "type_organization_id": 1,
                "type_liability_id": 7,
                "municipality_id": 822,
                "type_regime_id": 1,
            },
            "payment_form": {"payment_form_id": 1, "payment_method_id": 10},
            "legal_monetary_totals": {
                "line_extension_amount": "840336.13",
                "tax_exclusive_amount": "840336.13",
                "tax_inclusive_amount": "999999.99",
                "payable_amount": "999999.99",
            },
            "tax_totals": [
                {
                    "tax_id": 1,
                    "tax_amount": "159663.86",
                    "percent": "19.00",
                    "taxable_amount": "840336.13",
                }
            ],
            "invoice_lines": [
                {
                    "unit_measure_id": 70,
                    "invoiced_quantity": "1",
                    "line_extension_amount": "840336.13",
                    "free_of_charge_indicator": False,
                    "tax_totals": [
                        {
                            "tax_id": 1,
                            "tax_amount": "159663.86",
                            "taxable_amount": "840336.13",
                            "percent": "19.00",
                        }
                    ],
                    "description": "COMISION POR SERVICIOS",
                    "code": f"COMISION-{sequence}",
                    "type_item_identification_id": 4,
                    "price_amount": "840336.13",
                    "base_quantity": "1",
                }
            ],
        },
    )


BENCH = BenchScenario(
    request=invoice_request,
    success_status=200,
    status_path=(*RESULT, "IsValid"),
    success_states=frozenset({"true"}),
    unique_code_path=("cufe",),
)
