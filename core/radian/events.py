"""The RADIAN event service: check, build, sign, send and record events 030-034.

Every rule of ``core.radian.rules`` that can be known beforehand is checked before anything
is sent: the tenant's role on the invoice (buyer of a received invoice for 030-033, issuer of
an invoice it issued through Pasarela for 034), the claim concept, the order against the
events already registered (DIAN's list, GetStatusEvent, since the other party sends its
events through its own system, and Pasarela's records) and the tacit-acceptance term. What
DIAN answers is recorded: accepted, rejected with its rules, or Regla 90 (registered by
another system), recorded as accepted.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module
from collections.abc import Callable

from lxml import etree

from core.clock import now_bogota
from core.contracts import CHANNEL_INVOICES
from core.errors import ConfigurationError
from core.issuing import IssueService
from core.model import DocumentStatus, TenantView
from core.radian import rules
from core.radian.errors import EventRefused
from core.radian.event_status import dian_events
from core.radian.event_xml import EventDocument, EventParty, InvoiceReference, build_event
from core.radian.records import DianEvents, EventRecord, EventRequest, ReceivedInvoice
from core.registry import Registry
from core.signing.xades import sign_xades
from core.storage.radian import PENDING_EVENT, RadianRepository
from core.tenancy.tenants import TenantService
from core.ubl.extensions import DIAN_DV, DIAN_NIT
from core.ubl.namespaces import text_at
from core.ubl.packaging import document_file_names, zip_xml
from core.xml_parsing import parse_xml

DIAN_PARTY = EventParty(
    nit=DIAN_NIT,
    dv=DIAN_DV,
    name="Unidad Administrativa Especial Dirección de Impuestos y Aduanas Nacionales",
)
_NUMBER_TRIES = 5
PERSON_EVENTS = frozenset({"030", "032"})  # cac:IssuerParty/cac:Person is required (§6.8)


def _refuse(refusal: rules.Refusal | None) -> None:
    if refusal is not None:
        raise EventRefused(refusal.rule, refusal.message, refusal.path)


class _Target:
    """The invoice an event is about, as the sending tenant knows it."""

    def __init__(
        self,
        *,
        role: str,
        invoice: InvoiceReference,
        receiver: EventParty,
        payment_form: str | None,
        received: ReceivedInvoice | None = None,
    ) -> None:
        self.role, self.invoice, self.receiver = role, invoice, receiver
        self.payment_form, self.received = payment_form, received


class EventService:
    """Events a tenant sends on invoices: as the buyer of a received invoice (030-033) or as
    the issuer of one it issued through Pasarela (034).

    ``clock`` gives the current Bogotá time (tests move it to reach the 034 term).
    """

    def __init__(
        self,
        *,
        registry: Registry,
        tenants: TenantService,
        documents: IssueService,
        repository: RadianRepository,
        clock: Callable[[], dt.datetime] = now_bogota,
    ) -> None:
        self.registry = registry
        self.tenants = tenants
        self.documents = documents
        self.repository = repository
        self.clock = clock

    async def send(self, tenant_id: int, request: EventRequest, *, dialect: str) -> EventRecord:
        """Check the rules, then build, sign, send and record the event.

        An event already recorded (accepted) for this tenant, CUFE and code is returned as it
        is, nothing is sent again. Refusals raise ``EventRefused`` (rule id + Spanish message)
        before anything is sent, an unknown or another company's CUFE included;
        ``DianUnavailable`` when DIAN cannot be reached (nothing recorded).
        """
        code, cufe = request.code, request.cufe.strip().lower()
        if code not in rules.EVENT_NAMES:
            _refuse(rules.check_order(code, ()))
        _refuse(rules.check_claim_concept(code, request.claim_concept))
        if code in PERSON_EVENTS and request.person is None:
            raise EventRefused(
                "LGC07",
                f"El evento {code} requiere los datos de la persona que lo registra "
                "(tipo y número de identificación, nombres y apellidos).",
                "person",
            )
        recorded = await self.repository.events_on(tenant_id, cufe)
        for event in recorded:
            if event.code == code and event.status == "aceptado":
                return event
        tenant = await self.tenants.tenant_view(tenant_id)
        target = await self._target(tenant, code, cufe)
        # what DIAN holds (events sent by other systems too) and what Pasarela recorded
        at_dian = (await self.dian_events(tenant_id, cufe)).events
        codes = {e.code for e in at_dian} | {e.code for e in recorded if e.status == "aceptado"}
        receipt = next((e.issue_date for e in at_dian if e.code == "032"), None)
        receipt = receipt or next(
            (
                e.issue_datetime.date().isoformat()
                for e in recorded
                if e.code == "032" and e.status == "aceptado"
            ),
            None,
        )
        _refuse(rules.check_order(code, codes))
        if code == "034" and receipt is not None:
            _refuse(rules.check_tacit_credit(target.payment_form))
            _refuse(rules.check_tacit_term(dt.date.fromisoformat(receipt), self.clock().date()))
        return await self._send(tenant, request, target, dialect)

    async def _target(self, tenant: TenantView, code: str, cufe: str) -> _Target:
        received = await self.repository.received_by_cufe(tenant.id, cufe)
        issued = await self.documents.documents.find_by_unique_code(tenant.id, cufe)
        if issued is not None and issued.status != DocumentStatus.ACCEPTED:
            issued = None
        if code in rules.ISSUER_EVENTS:
            if issued is None or issued.signed_xml is None:
                raise EventRefused(
                    "LGC04" if received is not None else "LGC09",
                    f"La {rules.EVENT_NAMES[code]} ({code}) solo la registra el emisor: el CUFE "
                    f"{cufe} no es de una factura emitida y aceptada de la empresa.",
                    "cufe",
                )
            root = parse_xml(issued.signed_xml.encode("utf-8"))
            return _Target(
                role="emisor",
                invoice=InvoiceReference(
                    number=f"{issued.prefix}{issued.number}", cufe=cufe, type_code=issued.type_code
                ),
                receiver=DIAN_PARTY,
                payment_form=text_at(root, "cac:PaymentMeans/cbc:ID") or None,
            )
        if received is None:
            raise EventRefused(
                "LGC04" if issued is not None else "LGC09",
                f"El evento {code} lo registra el adquiriente: el CUFE {cufe} no es de una "
                "factura recibida por la empresa (cárguela primero).",
                "cufe",
            )
        return _Target(
            role="adquiriente",
            invoice=InvoiceReference(
                number=received.number, cufe=cufe, type_code=received.type_code
            ),
            receiver=EventParty(
                nit=received.supplier_nit,
                dv=received.supplier_dv or "",
                name=received.supplier_name,
                id_type=received.supplier_id_type,
            ),
            payment_form=received.payment_form,
            received=received,
        )

    async def _send(
        self, tenant: TenantView, request: EventRequest, target: _Target, dialect: str
    ) -> EventRecord:
        environment = self.registry.environments.as_mapping()[tenant.environment]
        software = tenant.software.get(CHANNEL_INVOICES)
        if software is None:
            raise ConfigurationError(
                f"La empresa {tenant.nit} no tiene software de facturación registrado."
            )
        issued_at = self.clock().replace(microsecond=0)
        identity = await self.documents.identities.get(tenant.id)
        for _ in range(_NUMBER_TRIES):  # the number is reserved by storing the signed event
            number = await self.repository.next_event_number(tenant.id)
            root, cude = build_event(
                EventDocument(
                    number=number,
                    code=request.code,
                    issued_at=issued_at,
                    sender=EventParty(nit=tenant.nit, dv=tenant.dv, name=tenant.party.name),
                    receiver=target.receiver,
                    invoice=target.invoice,
                    environment=environment.profile_execution_id,
                    software=software,
                    pin=software.pin,
                    qr_base=environment.qr_base_url,
                    claim_concept=request.claim_concept,
                    person=request.person,
                    note=request.note,
                )
            )
            sign_xades(root, identity, issued_at)
            xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            pending = EventRecord(
                uuid=str(uuid_module.uuid4()),
                tenant_id=tenant.id,
                environment=tenant.environment,
                role=target.role,  # type: ignore[arg-type]
                code=request.code,
                name=rules.EVENT_NAMES[request.code],
                number=number,
                cude=cude,
                issue_datetime=issued_at,
                invoice_cufe=target.invoice.cufe,
                invoice_number=target.invoice.number,
                invoice_type_code=target.invoice.type_code,
                sender_nit=tenant.nit,
                receiver_nit=target.receiver.nit,
                claim_concept=request.claim_concept,
                person=request.person,
                status=PENDING_EVENT,  # type: ignore[arg-type]
                received_id=target.received.id if target.received is not None else None,
            )
            if await self.repository.reserve_event(pending, xml):
                break
        else:
            raise ConfigurationError("no se pudo reservar un número de evento; reintente")
        xml_name, _ = document_file_names(
            "ar", tenant.nit, issued_at.year, int(number.removeprefix("EV"))
        )
        try:
            client = await self.documents.dian_client(tenant.id, tenant.environment)
            answer = await client.send_event_update_status(zip_xml(xml, xml_name))
        except BaseException:
            await self.repository.drop_pending(tenant.id, pending.uuid)
            raise
        elsewhere = answer.is_duplicate
        return await self.repository.record_answer(
            tenant.id,
            pending.uuid,
            status="aceptado" if answer.is_valid or elsewhere else "rechazado",
            registered_elsewhere=elsewhere,
            dian_status_code=answer.status_code,
            dian_status_description=answer.status_description,
            dian_message=answer.status_message,
            dian_errors=list(answer.error_messages),
        )

    async def get(self, tenant_id: int, uuid: str) -> EventRecord:
        """One recorded event by its tracking id (``NotFound`` for another tenant's)."""
        return await self.repository.event(tenant_id, uuid)

    async def list_for_invoice(self, tenant_id: int, cufe: str) -> list[EventRecord]:
        """The events this tenant recorded on the invoice ``cufe``, oldest first."""
        return await self.repository.events_on(tenant_id, cufe.strip())

    async def signed_xml(self, tenant_id: int, uuid: str) -> bytes:
        """The signed ApplicationResponse of a recorded event."""
        return await self.repository.event_xml(tenant_id, uuid)

    async def dian_events(self, tenant_id: int, cufe: str) -> DianEvents:
        """Ask DIAN (GetStatusEvent) which events it holds on ``cufe``, whoever sent them."""
        tenant = await self.tenants.tenant_view(tenant_id)
        client = await self.documents.dian_client(tenant_id, tenant.environment)
        answer = await client.get_status_event(cufe.strip().lower())
        events = dian_events(parse_xml(answer.xml_base64_bytes)) if answer.xml_base64_bytes else ()
        return DianEvents(
            cufe=cufe.strip().lower(),
            status_code=answer.status_code,
            status_description=answer.status_description,
            message=answer.status_message,
            events=events,
        )
