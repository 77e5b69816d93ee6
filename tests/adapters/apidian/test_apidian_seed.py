"""The seed: a real APIDIAN request, a credit note (type 26) on a POS equivalent document.

The company gets the POS resolution the seed's reference was numbered in (prefix EPOS), the
POS document ``EPOS50`` is issued through ``/eqdoc``, and the seed is sent as it is, except
for what can only come from that issued document (its number, CUDE and date replace the
seed's ``billing_reference``) and the note's own date and time: the seed is dated
2025-12-05, and DIAN refuses a document dated more than 5 days back.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt

import httpx
from apidian_documents_support import (
    SEED,
    apidian_token,
    assert_valid_xml,
    bearer,
    dated_today,
    result,
    sample,
)

from core.api import parse_xml
from core.context import AppContext
from core.demo import DemoSetup

__all__ = ["apidian_token"]


async def test_seed_credit_note_on_a_pos_document(
    client: httpx.AsyncClient, ctx: AppContext, demo_tenant: DemoSetup, apidian_token: str
) -> None:
    await ctx.ranges.add_resolution(
        demo_tenant.tenant.id,
        document_type="20",
        resolution_number="18760000001",
        prefix="EPOS",
        from_number=1,
        to_number=5000000,
        valid_from=dt.date(2019, 1, 19),
        valid_to=dt.date(2030, 1, 19),
    )
    pos = await client.post(
        "/api/ubl2.1/eqdoc", json=sample("pos", number=50), headers=bearer(apidian_token)
    )
    assert pos.status_code == 200, pos.text
    pos_answer = pos.json()
    assert result(pos_answer)["IsValid"] == "true", result(pos_answer)
    assert pos_answer["urlinvoicexml"] == "POSS-EPOS50.xml"

    seed = dated_today(copy.deepcopy(SEED))
    seed["billing_reference"].update(
        number="EPOS50", uuid=pos_answer["cufe"], issue_date=seed["date"]
    )
    response = await client.post(
        "/api/ubl2.1/credit-note", json=seed, headers=bearer(apidian_token)
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert "success" not in answer  # APIDIAN's notes answer without it
    assert list(answer)[:4] == [
        "message",
        "send_email_success",
        "send_email_date_time",
        "ResponseDian",
    ]
    verdict = result(answer)
    assert verdict["IsValid"] == "true", verdict
    assert verdict["StatusCode"] == "00"
    assert answer["message"] == "AttachedDocument #NCP1355 generada con éxito"
    assert len(answer["cude"]) == 96 and "cufe" not in answer
    assert verdict["XmlDocumentKey"] == answer["cude"]
    assert answer["urlinvoicexml"] == "NCQS-NCP1355.xml"
    assert answer["send_email_success"] is False  # sendmail: false
    note = base64.b64decode(answer["invoicexml"])
    root = parse_xml(note)
    assert root.findtext("{*}ID") == "NCP1355"
    assert root.findtext("{*}CreditNoteTypeCode") == "94"
    reference = root.find("{*}BillingReference/{*}InvoiceDocumentReference")
    assert reference is not None
    assert reference.findtext("{*}ID") == "EPOS50"
    assert reference.findtext("{*}UUID") == pos_answer["cufe"]
    totals = root.find("{*}LegalMonetaryTotal")
    assert totals is not None
    assert totals.findtext("{*}LineExtensionAmount") == "84033.61"
    assert totals.findtext("{*}PayableAmount") == "100000.00"
    assert_valid_xml(note)
