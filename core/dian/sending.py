"""How a signed package reaches DIAN, and how its verdict is found among a ZIP's answers.

``send_package``: SendBillSync (the verdict comes back at once), or SendTestSetAsync when the
document belongs to a habilitación test set (DIAN answers a ZipKey; the verdict is asked for
later with GetStatusZip). A test-set upload DIAN refuses outright (an unknown test set) is a
final "89" verdict; an upload answered with neither ZipKey nor reason is transport trouble.
``zip_status``: the document's own answer in GetStatusZip's list.
"""

from __future__ import annotations

from core.dian.client import DianClient
from core.dian.responses import DianResponse
from core.errors import DianUnavailable


async def send_package(
    client: DianClient, zip_name: str, zip_bytes: bytes, test_set_id: str | None
) -> tuple[DianResponse | None, str | None]:
    """(verdict, zip key): the verdict of SendBillSync, or the ZipKey of a test-set upload."""
    if not test_set_id:
        return await client.send_bill_sync(zip_name, zip_bytes), None
    upload = await client.send_test_set_async(zip_name, zip_bytes, test_set_id)
    if upload.zip_key:
        return None, upload.zip_key
    refused = [m.processed_message for m in upload.error_message_list]
    if not any(refused):
        raise DianUnavailable("DIAN no devolvió ZipKey para el set de pruebas")
    message = "; ".join(m for m in refused if m)
    # the package was refused (an unknown test set): final, like any code 89
    verdict = DianResponse(
        is_valid=False, status_code="89", status_description=message, status_message=message
    )
    return verdict, None


async def zip_status(client: DianClient, zip_key: str, unique_code: str) -> DianResponse | None:
    """The answer about ``unique_code`` in GetStatusZip of ``zip_key`` (``None``: not yet)."""
    answers = await client.get_status_zip(zip_key)
    code = unique_code.lower()
    for answer in answers:
        if (answer.xml_document_key or "").lower() == code:
            return answer
    if len(answers) == 1 and answers[0].status_code in {"00", "99", "2"}:
        return answers[0]
    return None
