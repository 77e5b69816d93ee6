"""RADIAN at the simulated DIAN: SendEventUpdateStatus and GetStatusEvent.

An event is checked in DIAN's order: the ZIP, the XML and its schema, the sender's
authorization, the signature (ZE02), the event CUDE (AAD06), the referenced invoice, then the
RADIAN rules of ``core.radian.rules`` (the very functions the gateway checks before sending):
roles, claim concept, order, the tacit-acceptance term. A repeated event is answered with
Regla 90 and nothing changes. Registered events are kept in ``sim_events``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from lxml import etree
from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from core.clock import now_bogota
from core.dian.responses import DianResponse
from core.errors import SignatureInvalid
from core.radian import rules
from core.radian.event_status import EventFacts, events_document, read_event
from core.signing.xades import verify_xades
from core.ubl.namespaces import text_at
from core.ubl.schemas import schema_errors
from core.ubl.unique_codes import compute_unique_code
from core.xml_parsing import UnsafeXml, parse_xml
from plugins.environments.simulador.document_facts import read_facts
from plugins.environments.simulador.document_rules import Finding
from plugins.environments.simulador.store import ReceivedDocument, SimulatorStore
from plugins.environments.simulador.tables import SimEvent

ACCEPTED_DESCRIPTION = "Procesado Correctamente."
REJECTED_DESCRIPTION = "Validación contiene errores en campos mandatorios."
TRACK_ID_UNKNOWN = "TrackId no existe en los registros de la DIAN."
MAX_XML_BYTES = 5 * 1024 * 1024

_EVENTS = SimEvent.__table__


def _rejected(findings: Sequence[Finding], *, key: str | None = None) -> DianResponse:
    return DianResponse(
        is_valid=False,
        status_code="99",
        status_description=REJECTED_DESCRIPTION,
        status_message="Evento con errores.",
        error_messages=[f.render() for f in findings],
        xml_document_key=key,
    )


def _refusal(refusal: rules.Refusal | None) -> list[Finding]:
    return [] if refusal is None else [Finding(refusal.rule, refusal.message)]


def is_buyer(document: ReceivedDocument, issuers: frozenset[str]) -> bool:
    """Whether a caller acting for ``issuers`` is the buyer of an accepted document (a buyer
    may download the invoices it received, GetXmlByDocumentKey)."""
    return read_facts(parse_xml(document.signed_xml)).customer_id in issuers


class SimulatedEvents:
    """The RADIAN registry of one simulated DIAN. ``clock`` is Bogotá's current time (tests
    move it past the tacit-acceptance term)."""

    def __init__(
        self,
        store: SimulatorStore,
        xsd_dir: Path | None = None,
        clock: Callable[[], dt.datetime] = now_bogota,
    ) -> None:
        self.store = store
        self.xsd_dir = xsd_dir
        self.clock = clock

    async def send_event_update_status(
        self, entries: Sequence[tuple[str, bytes]], issuers: frozenset[str]
    ) -> DianResponse:
        """Register the one ApplicationResponse of the ZIP (its XML entries), or say why not."""
        if len(entries) != 1:  # an empty or damaged ZIP has no entries
            return _rejected([Finding("ZB01", "Se debe enviar solo un fichero XML")])
        try:
            root = parse_xml(entries[0][1], max_bytes=MAX_XML_BYTES)
        except UnsafeXml:
            return _rejected([Finding("ZB01", "Fallo en el esquema XML del archivo")])
        if etree.QName(root).localname != "ApplicationResponse":
            return _rejected([Finding("ZB05", "El documento recibido no es un evento.")])
        if self.xsd_dir is not None and schema_errors(root, self.xsd_dir):
            return _rejected([Finding("ZB01", "Fallo en el esquema XML del archivo")])
        event = read_event(root)
        if event.sender_nit not in issuers:
            message = f"NIT no autorizado a enviar eventos para el NIT {event.sender_nit}"
            return DianResponse(
                is_valid=False,
                status_code="89",
                status_description=message,
                status_message=message,
                xml_document_key=event.cude or None,
            )
        findings = await self._document_findings(root, event)
        if findings:
            return _rejected(findings, key=event.cude or None)
        registered = await self.registered(event.invoice_cufe)
        if any(e.code == event.code for e in registered):
            return _rejected([Finding(rules.DUPLICATE_RULE, rules.DUPLICATE_MESSAGE)])
        findings = await self._rule_findings(event, registered)
        if findings:
            return _rejected(findings, key=event.cude)
        if not await self._save(event, entries[0][1]):  # a concurrent twin came first
            return _rejected([Finding(rules.DUPLICATE_RULE, rules.DUPLICATE_MESSAGE)])
        return DianResponse(
            is_valid=True,
            status_code="00",
            status_description=ACCEPTED_DESCRIPTION,
            status_message=f"La Aplicación de Respuesta {event.number}, ha sido autorizada.",
            xml_document_key=event.cude,
            xml_file_name=entries[0][0],
        )

    async def _document_findings(self, root: etree._Element, event: EventFacts) -> list[Finding]:
        findings = []
        try:
            verify_xades(root)
        except SignatureInvalid as exc:
            findings.append(Finding("ZE02", str(exc) or "Valor de la firma inválido."))
        software = await self.store.software(event.software_id)
        if software is None:
            findings.append(Finding("AAB24b", "El software del evento no está registrado."))
        elif compute_unique_code(root, software.pin)[0] != event.cude:
            findings.append(Finding("AAD06", "El valor UUID no está correctamente calculado"))
        return findings

    async def _rule_findings(
        self, event: EventFacts, registered: Sequence[EventFacts]
    ) -> list[Finding]:
        invoice = await self.store.accepted_by_key(event.invoice_cufe)
        if invoice is None:
            return [
                Finding(
                    "LGC09",
                    f"La factura con CUFE {event.invoice_cufe} no existe en los registros de "
                    "la DIAN.",
                )
            ]
        invoice_root = parse_xml(invoice.signed_xml)
        facts = read_facts(invoice_root)
        codes = [e.code for e in registered]
        found = _refusal(
            rules.check_roles(
                event.code,
                sender=event.sender_nit,
                receiver=event.receiver_nit,
                supplier=facts.supplier_nit,
                customer=facts.customer_id,
            )
        )
        found += _refusal(rules.check_claim_concept(event.code, event.claim_concept or None))
        found += _refusal(rules.check_order(event.code, codes))
        receipt = next((e for e in registered if e.code == "032"), None)
        if not found and event.code == "034" and receipt is not None:
            found += _refusal(
                rules.check_tacit_credit(text_at(invoice_root, "cac:PaymentMeans/cbc:ID"))
            )
            found += _refusal(
                rules.check_tacit_term(
                    dt.date.fromisoformat(receipt.issue_date), self.clock().date()
                )
            )
        return found

    async def registered(self, cufe: str) -> list[EventFacts]:
        """The events registered on an invoice, oldest first."""
        rows = await (await self.store.database()).all(
            select(_EVENTS).where(_EVENTS.c.invoice_key == cufe.lower()).order_by(_EVENTS.c.id)
        )
        return [
            EventFacts(
                number=r.number,
                cude=r.cude,
                issue_date=r.issue_date,
                issue_time=r.issue_time,
                profile_execution_id="",
                sender_nit=r.sender_nit,
                receiver_nit=r.receiver_nit,
                code=r.code,
                claim_concept=r.claim_concept or "",
                invoice_number="",
                invoice_cufe=r.invoice_key,
                invoice_type_code="",
                software_id="",
            )
            for r in rows
        ]

    async def _save(self, event: EventFacts, xml: bytes) -> bool:
        values = dict(
            invoice_key=event.invoice_cufe,
            code=event.code,
            number=event.number,
            cude=event.cude,
            issue_date=event.issue_date,
            issue_time=event.issue_time,
            sender_nit=event.sender_nit,
            receiver_nit=event.receiver_nit,
            claim_concept=event.claim_concept or None,
            signed_xml=xml,
            received_at=now_bogota(),
        )

        def write(conn: Connection) -> None:
            conn.execute(insert(_EVENTS).values(**values))

        try:
            await (await self.store.database()).run(write, write=True)
        except IntegrityError:
            return False
        return True

    async def get_status_event(self, track_id: str) -> DianResponse:
        """The events of an invoice, in an ApplicationResponse (``XmlBase64Bytes``)."""
        cufe = track_id.strip().lower()
        invoice = await self.store.accepted_by_key(cufe)
        if invoice is None:
            return DianResponse(
                is_valid=False,
                status_code="66",
                status_description=TRACK_ID_UNKNOWN,
                status_message=TRACK_ID_UNKNOWN,
            )
        events = await self.registered(cufe)
        return DianResponse(
            is_valid=True,
            status_code="00",
            status_description=ACCEPTED_DESCRIPTION,
            status_message=f"La factura {invoice.number} tiene {len(events)} eventos.",
            xml_base64_bytes=events_document(
                cufe, invoice.number, events, answered_at=now_bogota().replace(microsecond=0)
            ),
            xml_document_key=cufe,
        )
