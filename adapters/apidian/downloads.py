"""The files behind ``urlinvoicexml``, ``urlinvoicepdf`` and ``urlinvoiceattached``.

APIDIAN serves them at ``GET /api/invoice/{nit}/{file}`` and
``GET /api/download/{nit}/{file}/{BASE64?}`` (research §1.5), publicly. Pasarela asks for
the company's token and serves only its own files: another company's NIT is answered as a
file that does not exist. Names, as the document answers give them:

- ``<PREFIX>S-<number>.xml``: the signed XML (``FES-SETP990000001.xml``, ``NCS-``, ``NDS-``,
  ``POSS-``, ``NCQS-``, ``NDQS-``); ``<PREFIX>-<number>.xml``: the XML before signing;
- ``<PREFIX>S-<number>.pdf``: the graphic representation (once DIAN accepted it);
- ``ad….xml`` (behind the request's ``atacheddocument_name_prefix``) and
  ``Attachment-<number>.xml``: the AttachedDocument.

``/download/…/BASE64`` answers ``{"success": true, "message": "Archivo: X se encontro.",
"filebase64": …}``; an unknown file ``{"success": false, "message": "No se encontro el
archivo: X"}`` (404).
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, Response, get
from litestar.params import FromPath

from adapters.apidian.auth import API_PREFIX, Tenant, token_router
from adapters.apidian.errors import json_response
from adapters.apidian.responses import FILE_PREFIXES, b64, unsigned_xml
from core.api import (
    AttachedDocuments,
    InjectedAttachments,
    InjectedDocuments,
    InjectedPdfs,
    IssueService,
    NotFound,
    PdfService,
    RepresentationUnavailable,
    SignedXmlUnavailable,
    TenantView,
)

_PREFIXES = "|".join(sorted(FILE_PREFIXES.values(), key=len, reverse=True))
_DOCUMENT_FILE = re.compile(rf"({_PREFIXES})(S?)-([A-Za-z0-9]+)\.(xml|pdf)")
_ATTACHMENT = re.compile(r"Attachment-([A-Za-z0-9]+)\.xml")
_ATTACHED_NAME = re.compile(r".*?(ad\d{10}000\d{2}(\d{8,}))\.xml")
MEDIA = {"xml": "application/xml", "pdf": "application/pdf"}


class DownloadsController(Controller):
    path = "/"

    @get("/invoice/{nit:str}/{file:str}", summary="Descargar un archivo del documento")
    async def invoice_file(
        self,
        nit: FromPath[str],
        file: FromPath[str],
        documents: InjectedDocuments,
        attachments: InjectedAttachments,
        pdfs: InjectedPdfs,
        tenant: Tenant,
    ) -> Response[bytes]:
        content = await _file(nit, file, tenant, documents, attachments, pdfs)
        if content is None:
            return _missing(file)
        extension = file.rsplit(".", 1)[-1].lower()
        return Response(
            content=content,
            media_type=MEDIA.get(extension, "application/octet-stream"),
            headers={"Content-Disposition": f'inline; filename="{file}"'},
        )

    @get("/download/{nit:str}/{file:str}", summary="Descargar un archivo del documento")
    async def download(
        self,
        nit: FromPath[str],
        file: FromPath[str],
        documents: InjectedDocuments,
        attachments: InjectedAttachments,
        pdfs: InjectedPdfs,
        tenant: Tenant,
    ) -> Response[bytes]:
        content = await _file(nit, file, tenant, documents, attachments, pdfs)
        return _served(file, content, "")

    @get(
        "/download/{nit:str}/{file:str}/{mode:str}",
        summary="Descargar un archivo del documento (BASE64 o INLINE)",
    )
    async def download_as(
        self,
        nit: FromPath[str],
        file: FromPath[str],
        mode: FromPath[str],
        documents: InjectedDocuments,
        attachments: InjectedAttachments,
        pdfs: InjectedPdfs,
        tenant: Tenant,
    ) -> Response[bytes]:
        content = await _file(nit, file, tenant, documents, attachments, pdfs)
        return _served(file, content, mode.upper())


def _served(file: str, content: bytes | None, mode: str) -> Response[bytes]:
    if content is None:
        return _missing(file)
    if mode == "BASE64":
        found = f"Archivo: {file} se encontro."
        return json_response({"success": True, "message": found, "filebase64": b64(content)})
    extension = file.rsplit(".", 1)[-1].lower()
    disposition = "inline" if mode == "INLINE" else "attachment"
    return Response(
        content=content,
        media_type=MEDIA.get(extension, "application/octet-stream"),
        headers={"Content-Disposition": f'{disposition}; filename="{file}"'},
    )


def _missing(file: str) -> Response[bytes]:
    return json_response({"success": False, "message": f"No se encontro el archivo: {file}"}, 404)


async def _file(
    nit: str,
    file: str,
    tenant: TenantView,
    documents: IssueService,
    attachments: AttachedDocuments,
    pdfs: PdfService,
) -> bytes | None:
    """The bytes of one of the company's files, or ``None`` (unknown, or not its own)."""
    if nit.strip() != tenant.nit:
        return None
    try:
        if match := _DOCUMENT_FILE.fullmatch(file):
            _, signed, full_number, extension = match.groups()
            stored = await _by_full_number(documents, tenant, full_number)
            if stored is None:
                return None
            if extension == "pdf":
                return (await pdfs.pdf(tenant.id, stored.uuid))[1]
            xml = await documents.signed_xml(tenant.id, stored.uuid)
            return xml if signed else unsigned_xml(xml)
        if match := _ATTACHMENT.fullmatch(file):
            stored = await _by_full_number(documents, tenant, match.group(1))
            if stored is None:
                return None
            return (await attachments.attached_document(tenant.id, stored.uuid))[1]
        if match := _ATTACHED_NAME.fullmatch(file):
            return await _attached_by_name(documents, attachments, tenant, *match.groups())
    except (NotFound, RepresentationUnavailable, SignedXmlUnavailable):
        return None
    return None


async def _by_full_number(documents: IssueService, tenant: TenantView, full_number: str) -> Any:
    """The company's document ``<prefix><number>``: each split with a numeric tail."""
    for cut in range(len(full_number)):
        prefix, digits = full_number[:cut], full_number[cut:]
        if not digits.isdigit() or digits.startswith("0") and len(digits) > 1:
            continue
        found = await documents.documents.find_by_number(
            tenant.id, tenant.environment, prefix, int(digits)
        )
        if found is not None:
            return found
    return None


async def _attached_by_name(
    documents: IssueService,
    attachments: AttachedDocuments,
    tenant: TenantView,
    name: str,
    number: str,
) -> bytes | None:
    """``ad{NIT}000{yy}{consecutive}.xml``: the consecutive is the number's last 8 digits
    (or the whole number), so the candidates are the numbers of the company's ranges that end
    with it; the one whose container has this name is it."""
    tail, width = int(number), 10 ** len(number)
    records = await documents.ranges.list_ranges(tenant.id, tenant.environment, retired=True)
    for found in (r.range for r in records):
        base = found.from_number - found.from_number % width
        for candidate in (base + tail, base + width + tail):
            if not found.from_number <= candidate <= found.to_number:
                continue
            stored = await documents.documents.find_by_number(
                tenant.id, tenant.environment, found.prefix, candidate
            )
            if stored is None:
                continue
            try:
                found_name, xml = await attachments.attached_document(tenant.id, stored.uuid)
            except (NotFound, RepresentationUnavailable):
                continue
            if found_name == f"{name}.xml":
                return xml
    return None


ROUTE_HANDLERS = [token_router(API_PREFIX, [DownloadsController])]
