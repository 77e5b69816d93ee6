"""The simulated DIAN's operations, behind the SOAP layer: what each call does to the registry.

``SimulatedDian`` takes already-authenticated calls (the caller's certificate was verified
by the app) and returns the Structs of ``core.dian.responses``. Documents are checked in
DIAN's order: ZIP contents, XML well-formedness and XSD, issuer authorization, duplicates
(Regla 90), then the document rules (signature, unique code, software, range, parties,
totals, taxes, lines, note references). Async uploads are validated while they are received,
so GetStatusZip already knows the verdict; that is the one liberty taken with DIAN's timing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import time
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from core.clock import now_bogota
from core.dian.responses import (
    DianResponse,
    EventResponse,
    NumberRangeResponse,
    NumberRangeResponseList,
    UploadDocumentResponse,
    XmlParamsResponseTrackId,
)
from core.errors import SignatureInvalid
from core.sample_documents import TEST_TECHNICAL_KEY  # DIAN's habilitación key (§1.1)
from core.signing.certificates import SigningIdentity, load_pkcs12
from core.signing.testcerts import generate_test_pkcs12
from core.signing.xades import verify_xades
from core.ubl.schemas import schema_errors
from core.xml_parsing import UnsafeXml, parse_xml
from plugins.environments.simulador import document_rules as rules
from plugins.environments.simulador import support_document_rules as support_rules
from plugins.environments.simulador.application_response import (
    DIAN_NAME,
    DIAN_NIT,
    signed_application_response,
)
from plugins.environments.simulador.document_facts import UBL_ROOTS, DocumentFacts, read_facts
from plugins.environments.simulador.document_rules import Finding
from plugins.environments.simulador.events import SimulatedEvents, is_buyer
from plugins.environments.simulador.exchange_rules import check_exchange_rate
from plugins.environments.simulador.simulator_settings import SimulatorSettings
from plugins.environments.simulador.store import (
    IssuerRegistry,
    ReceivedDocument,
    RegisteredRange,
    SimulatorStore,
    duplicate_key,
)
from plugins.environments.simulador.test_sets import HabilitacionBook

#: DianResponse texts (research/dian-tech.md §4.4-§4.5).
ACCEPTED_DESCRIPTION = "Procesado Correctamente."
REJECTED_DESCRIPTION = "Validación contiene errores en campos mandatorios."
REJECTED_MESSAGE = "Documento con errores en campos mandatorios."
NO_XML = "No fue encontrado ningun documento XML valido."
ONLY_ONE_XML = "Se debe enviar solo un fichero XML"
TRACK_ID_UNKNOWN = "TrackId no existe en los registros de la DIAN."
BATCH_IN_PROGRESS = "Batch en proceso de validación."
IN_PROCESS = "Documento en proceso de validación, consulte su estado con GetStatus."
DUPLICATE = Finding("90", "Documento procesado anteriormente.")
NOT_ENABLED_IN_PRODUCTION = (
    "El software no está habilitado en producción: su set de pruebas no ha sido aceptado."
)
UNKNOWN_TEST_SET = (
    "El set de pruebas con identificador {test_set_id} no existe o no está asociado al software."
)
SCHEMA_FAILURE = Finding("ZB01", "Fallo en el esquema XML del archivo")

REGISTRY_TTL_S = 5.0
NOTE_TYPES = frozenset({"91", "92", "93", "94", "95"})
REFERENCING = frozenset({"91", "92", "95"})  # notes whose referenced document is checked
MAX_XML_BYTES = 20 * 1024 * 1024
MAX_ZIP_ENTRIES = 50


@dataclass(frozen=True)
class Caller:
    """Who signed the SOAP call: the NITs its certificate was provisioned for."""

    issuers: frozenset[str]

    @property
    def nit(self) -> str:
        return min(self.issuers) if self.issuers else ""


class ZipProblem(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def xml_entries(content: bytes) -> list[tuple[str, bytes]]:
    """The XML files of an uploaded ZIP (name, bytes); a damaged ZIP holds none."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = [i for i in archive.infolist() if i.filename.lower().endswith(".xml")]
        if len(infos) > MAX_ZIP_ENTRIES:
            raise ZipProblem(f"El archivo ZIP supera {MAX_ZIP_ENTRIES} documentos.")
        entries = []
        for info in infos:
            if info.file_size > MAX_XML_BYTES:
                raise ZipProblem(NO_XML)
            entries.append((Path(info.filename).name, archive.read(info)))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise ZipProblem(NO_XML) from exc
    if not entries:
        raise ZipProblem(NO_XML)
    return entries


def _zip_problem_response(message: str) -> DianResponse:
    return DianResponse(
        is_valid=False, status_code="89", status_description=message, status_message=message
    )


def _response_from(doc: ReceivedDocument) -> DianResponse:
    return DianResponse(
        is_valid=doc.is_valid,
        status_code=doc.status_code,
        status_description=doc.status_description,
        status_message=doc.status_message,
        error_messages=list(doc.error_messages),
        xml_base64_bytes=doc.application_response,
        xml_document_key=doc.document_key,
        xml_file_name=doc.xml_file_name,
    )


class SimulatedDian:
    """One simulated DIAN over a database; cheap to create, shared state lives in the store."""

    def __init__(
        self, store: SimulatorStore, sim: SimulatorSettings, xsd_dir: Path | None = None
    ) -> None:
        self.store = store
        self.sim = sim
        self.xsd_dir = xsd_dir
        self._identity: SigningIdentity | None = None
        self._identity_lock = asyncio.Lock()
        self._registry: dict[tuple[str, str], tuple[float, IssuerRegistry]] = {}
        self.events = SimulatedEvents(store, xsd_dir)  # RADIAN
        self.test_sets = HabilitacionBook(store, sim)

    def forget_issuer(self, nit: str) -> None:
        """Drop what is cached about an issuer (it was provisioned again)."""
        for key in [k for k in self._registry if k[0] == nit]:
            self._registry.pop(key, None)

    async def registry(self, nit: str, software_id: str) -> IssuerRegistry:
        """The portal's view of an issuer, cached for ``REGISTRY_TTL_S`` (re-provisioning is
        seen by every process within that time)."""
        key = (nit, software_id)
        cached = self._registry.get(key)
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            return cached[1]
        view = await self.store.issuer_registry(nit, software_id)
        if view.name is not None:
            self._registry[key] = (now + REGISTRY_TTL_S, view)
        return view

    async def identity(self) -> SigningIdentity:
        """The simulated DIAN's signing certificate (one per database, made on first use)."""
        if self._identity is None:
            async with self._identity_lock:
                if self._identity is None:

                    def generate(password: str) -> bytes:
                        data, _ = generate_test_pkcs12(
                            nit=DIAN_NIT, name=DIAN_NAME, password=password, days=3650
                        )
                        return data

                    pkcs12, password = await self.store.identity_pkcs12(generate)
                    self._identity = load_pkcs12(pkcs12, password)
        return self._identity

    # -- reception ---------------------------------------------------------------------------

    async def send_bill_sync(self, content: bytes, caller: Caller) -> DianResponse:
        try:
            entries = xml_entries(content)
        except ZipProblem as problem:
            return _zip_problem_response(problem.message)
        if len(entries) != 1:
            return _zip_problem_response(ONLY_ONE_XML)
        name, xml = entries[0]
        return await self.receive(name, xml, caller)

    async def send_bill_async(
        self, file_name: str, content: bytes, caller: Caller, test_set_id: str | None = None
    ) -> UploadDocumentResponse:
        """Store a batch and validate its documents; the ZipKey finds their verdicts."""
        zip_key = str(uuid.uuid4())
        try:
            entries = xml_entries(content)
        except ZipProblem as problem:
            return UploadDocumentResponse(
                zip_key=None,
                error_message_list=[
                    XmlParamsResponseTrackId(
                        xml_file_name=file_name,
                        success=False,
                        processed_message=problem.message,
                        sender_code=caller.nit,
                    )
                ],
            )
        if test_set_id and not await self.test_sets.exists(test_set_id):
            return UploadDocumentResponse(
                zip_key=None,
                error_message_list=[
                    XmlParamsResponseTrackId(
                        xml_file_name=file_name,
                        success=False,
                        processed_message=UNKNOWN_TEST_SET.format(test_set_id=test_set_id),
                        sender_code=caller.nit,
                    )
                ],
            )
        await self.store.save_batch(zip_key, file_name, test_set_id)
        for name, xml in entries:
            await self.receive(name, xml, caller, zip_key=zip_key, test_set_id=test_set_id)
        if test_set_id:
            await self.test_sets.settle(test_set_id)
        return UploadDocumentResponse(zip_key=zip_key)

    async def receive(
        self,
        name: str,
        xml: bytes,
        caller: Caller,
        *,
        zip_key: str | None = None,
        test_set_id: str | None = None,
    ) -> DianResponse:
        """Validate one XML, store the verdict and answer like SendBillSync."""
        try:
            root = parse_xml(xml, max_bytes=MAX_XML_BYTES)
        except UnsafeXml:
            return self._rejected_unparsed(name, [SCHEMA_FAILURE])
        if etree.QName(root).localname not in UBL_ROOTS:
            return self._rejected_unparsed(
                name,
                [
                    Finding(
                        "ZB05",
                        "El documento recibido no es un tipo de documento electrónico reconocido.",
                    )
                ],
            )
        if self.xsd_dir is not None and schema_errors(root, self.xsd_dir):
            facts = read_facts(root)
            return await self._finish(
                root,
                xml,
                name,
                facts,
                [SCHEMA_FAILURE],
                caller,
                zip_key=zip_key,
                test_set_id=test_set_id,
            )
        facts = read_facts(root)
        if facts.issuer_nit not in caller.issuers:
            message = (
                f"NIT {caller.nit} no autorizado a enviar documentos para emisor con "
                f"NIT {facts.issuer_nit}"
            )
            return DianResponse(
                is_valid=False,
                status_code="89",
                status_description=message,
                status_message=message,
                xml_document_key=facts.uuid or None,
                xml_file_name=name,
            )
        key = duplicate_key(facts.issuer_nit, facts.type_code, facts.number)
        if await self.store.is_number_accepted(key):
            return self._duplicate(facts, name)
        findings = await self.apply_rules(root, xml, facts)
        return await self._finish(
            root, xml, name, facts, findings, caller, zip_key=zip_key, test_set_id=test_set_id
        )

    def _rejected_unparsed(self, name: str, findings: Sequence[Finding]) -> DianResponse:
        return DianResponse(
            is_valid=False,
            status_code="99",
            status_description=REJECTED_DESCRIPTION,
            status_message=REJECTED_MESSAGE,
            error_messages=[f.render() for f in findings],
            xml_file_name=name,
        )

    def _duplicate(self, facts: DocumentFacts, name: str) -> DianResponse:
        return DianResponse(
            is_valid=False,
            status_code="99",
            status_description=REJECTED_DESCRIPTION,
            status_message=REJECTED_MESSAGE,
            error_messages=[DUPLICATE.render()],
            xml_document_key=facts.uuid.lower() or None,
            xml_file_name=name,
        )

    async def apply_rules(
        self, root: etree._Element, xml: bytes, facts: DocumentFacts
    ) -> list[Finding]:
        findings: list[Finding] = []
        try:
            verify_xades(root)  # the tree already parsed (left unchanged)
        except SignatureInvalid as exc:
            findings.append(Finding("ZE02", str(exc) or "Valor de la firma inválido."))
        findings += rules.check_signing_date(facts)

        registry = await self.registry(facts.issuer_nit, facts.software_id)
        software, ranges = registry.software, registry.ranges
        findings += rules.check_software(facts, software)
        if (
            facts.profile_execution_id == "1"
            and software is not None
            and not await self.test_sets.software_accepted(software.id)
        ):
            findings.append(Finding(f"{facts.rule_prefix}B19b", NOT_ENABLED_IN_PRODUCTION))

        numbering = None
        if facts.checks_numbering_range:
            numbering = rules.matching_range(facts, ranges)
            findings += rules.check_range(facts, numbering, software.id if software else None)
        findings += rules.check_unique_code(
            root, facts, self._keys(facts, software, numbering, ranges)
        )
        findings += rules.check_check_digits(facts)
        findings += rules.check_totals(root, facts)
        findings += rules.check_taxes(root, facts)
        findings += rules.check_lines(root, facts)
        findings += support_rules.check_support_document(root, facts)
        findings += check_exchange_rate(root, facts)
        if facts.root_name in {"CreditNote", "DebitNote"} and facts.type_code in REFERENCING:
            findings += await self._reference_findings(facts)
        return findings

    @staticmethod
    def _keys(facts, software, numbering, ranges) -> list[str]:  # type: ignore[no-untyped-def]
        """Candidate keys for the unique code: the range's technical key, or the PIN."""
        if not facts.uses_technical_key:
            return [software.pin] if software else []
        if numbering is not None:
            return [numbering.technical_key or TEST_TECHNICAL_KEY]
        keys = [
            r.technical_key
            for r in ranges
            if r.document_type in {"01", "02", "04"} and r.technical_key
        ]
        return keys or [TEST_TECHNICAL_KEY]

    async def _reference_findings(self, facts: DocumentFacts) -> list[Finding]:
        referenced = None
        if facts.reference_uuid:
            referenced = await self.store.accepted_by_key(facts.reference_uuid)
        return rules.check_reference(
            facts,
            referenced.issuer_nit if referenced else None,
            referenced.issue_date if referenced else None,
            found=referenced is not None,
        )

    async def _finish(
        self,
        root: etree._Element,
        xml: bytes,
        name: str,
        facts: DocumentFacts,
        findings: Sequence[Finding],
        caller: Caller,
        *,
        zip_key: str | None,
        test_set_id: str | None,
    ) -> DianResponse:
        accepted = not any(f.rejection for f in findings)
        document_key = facts.uuid.lower()
        reported = list(findings)  # DIAN lists notifications next to rejections
        issued_at = now_bogota().replace(microsecond=0)
        registry = await self.registry(facts.issuer_nit, facts.software_id)
        receiver = registry.name or facts.issuer_nit
        application_response = signed_application_response(
            facts,
            reported,
            accepted=accepted,
            issued_at=issued_at,
            receiver_name=receiver,
            identity=await self.identity(),
        )
        if accepted:
            status_code, description = "00", ACCEPTED_DESCRIPTION
            message = f"La {facts.document_name} {facts.number}, ha sido autorizada."
        else:
            status_code, description, message = "99", REJECTED_DESCRIPTION, REJECTED_MESSAGE
        document = ReceivedDocument(
            document_key=document_key,
            issuer_nit=facts.issuer_nit,
            document_type=facts.type_code,
            number=facts.number,
            issue_date=_date_or_none(facts.issue_date),
            is_valid=accepted,
            status_code=status_code,
            status_description=description,
            status_message=message,
            error_messages=tuple(f.render() for f in reported),
            xml_file_name=name,
            signed_xml=xml,
            application_response=application_response,
            zip_key=zip_key,
            test_set_id=test_set_id,
        )
        claim = duplicate_key(facts.issuer_nit, facts.type_code, facts.number)
        if not await self.store.save_document(document, claim=claim if accepted else None):
            return self._duplicate(facts, name)  # a concurrent twin was accepted first
        return _response_from(document)

    # -- queries -----------------------------------------------------------------------------

    async def get_status(self, track_id: str) -> DianResponse:
        document = await self.store.latest_document(track_id.strip())
        if document is None:
            return DianResponse(
                is_valid=False,
                status_code="66",
                status_description=TRACK_ID_UNKNOWN,
                status_message=TRACK_ID_UNKNOWN,
            )
        return _response_from(document)

    async def get_status_zip(self, zip_key: str) -> list[DianResponse]:
        known, test_set_id = await self.store.batch_exists(zip_key.strip())
        if not known:
            return [
                DianResponse(is_valid=False, status_code="66", status_description=TRACK_ID_UNKNOWN)
            ]
        documents = await self.store.documents_in_batch(zip_key.strip())
        if not documents:
            return [
                DianResponse(is_valid=False, status_code="", status_description=BATCH_IN_PROGRESS)
            ]
        if test_set_id and all(d.is_valid for d in documents):
            status = await self.test_sets.status(test_set_id)
            if status.accepted:
                return [
                    DianResponse(
                        is_valid=False, status_code="2", status_description=status.description()
                    )
                ]
        return [_response_from(d) for d in documents]

    async def get_numbering_range(
        self, account_code: str, account_code_t: str, software_code: str, caller: Caller
    ) -> NumberRangeResponseList:
        if account_code not in caller.issuers and account_code_t not in caller.issuers:
            return NumberRangeResponseList(
                operation_code="401",
                operation_description=(
                    "NIT del certificado no autorizado para consultar los rangos de numeración."
                ),
            )
        software = await self.store.software(software_code)
        if software is None or software.provider_nit != account_code_t:
            return NumberRangeResponseList(
                operation_code="303",
                operation_description=("El código del software no corresponde al NIT."),
            )
        if await self.test_sets.software_accepted(software_code):
            authorized = await self.test_sets.resolutions(account_code, software_code)
            if authorized:  # habilitación is over: the production resolutions
                return _numbering_answer(authorized)
        if not await self.store.ranges(account_code):
            return NumberRangeResponseList(
                operation_code="301",
                operation_description=(
                    f"No fue encontrado ningún rango de numeración para el NIT {account_code}."
                ),
            )
        ranges = [
            r
            for r in await self.store.ranges(account_code, software_code)
            if r.document_type not in NOTE_TYPES
        ]  # DIAN authorizes no note numbering
        if not ranges:
            return NumberRangeResponseList(
                operation_code="302",
                operation_description=("No registra prefijos asociados al código de software."),
            )
        return _numbering_answer(ranges)

    async def get_xml_by_document_key(self, track_id: str, caller: Caller) -> EventResponse:
        document = await self.store.accepted_by_key(track_id.strip())
        if document is None:
            return EventResponse(
                code="404", message=f"Xml con CUFE {track_id.strip()} no encontrado."
            )
        if document.issuer_nit not in caller.issuers and not is_buyer(document, caller.issuers):
            return EventResponse(code="401", message="NIT del certificado no autorizado.")
        return EventResponse(
            code="100", message="Accion completada OK.", xml_bytes_base64=document.signed_xml
        )


def _numbering_answer(ranges: Sequence[RegisteredRange]) -> NumberRangeResponseList:
    return NumberRangeResponseList(
        operation_code="100",
        operation_description="Acción completada OK.",
        ranges=[
            NumberRangeResponse(
                resolution_number=r.resolution_number,
                resolution_date=r.resolution_date.isoformat() if r.resolution_date else None,
                prefix=r.prefix,
                from_number=r.from_number,
                to_number=r.to_number,
                valid_date_from=r.valid_from.isoformat(),
                valid_date_to=r.valid_to.isoformat(),
                technical_key=r.technical_key,
            )
            for r in ranges
        ],
    )


def _date_or_none(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
