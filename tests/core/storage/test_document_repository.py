"""DocumentRepository on SQLite and PostgreSQL: numbering, isolation, listing, updates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec
import pytest

from core.clock import BOGOTA
from core.errors import DuplicateDocument, NotFound
from core.model import DocumentRecord, DocumentStatus
from core.storage.documents import DocumentRepository
from core.storage.stored_documents import attached_for_storage
from core.web.context import AppContext

ISSUED = dt.datetime(2026, 11, 23, 10, 30, tzinfo=BOGOTA)


async def two_tenants(ctx: AppContext) -> tuple[int, int, int]:
    """Tenants A and B, and a range of A (returns a_id, b_id, range_id)."""
    ids = []
    for nit in ("900373076", "800197268"):
        tenant = await ctx.tenants.create_tenant(
            nit=nit,
            dv="5",
            name=f"Empresa {nit}",
            software_id="soft",
            software_pin="12345",
            environment="simulador",
        )
        ids.append(tenant.id)
    numbering = await ctx.ranges.add_resolution(
        ids[0],
        document_type="01",
        resolution_number="18760000001",
        prefix="SETP",
        from_number=990000000,
        to_number=995000000,
        valid_from=dt.date(2019, 1, 19),
        valid_to=dt.date(2030, 1, 19),
        technical_key="fc8eac422eba16e22ffd8c6f94b3f40a6e38162c",
    )
    return ids[0], ids[1], numbering.id


@pytest.fixture
def repository(sessionmaker) -> DocumentRepository:
    return DocumentRepository(sessionmaker)


async def insert(repository: DocumentRepository, tenant_id: int, **fields: object):
    values: dict[str, object] = {
        "tenant_id": tenant_id,
        "dialect": "facepro",
        "type_code": "01",
        "environment": "simulador",
        "issue_datetime": ISSUED,
        "customer_id": "222222222222",
        "customer_name": "Consumidor final",
    }
    values.update(fields)
    return await repository.insert_pending(**values)  # type: ignore[arg-type]


async def test_insert_allocates_the_number_and_stores_exact_money(
    db_ctx: AppContext, repository: DocumentRepository
) -> None:
    a, _, range_id = await two_tenants(db_ctx)
    first = await insert(
        repository,
        a,
        range_id=range_id,
        subtotal=Decimal("1234567890123.45"),
        taxes=Decimal("0.10"),
        tax_breakdown={"01": Decimal("0.07"), "04": Decimal("0.03")},
        payable=Decimal("1234567890123.55"),
        request_payload=b'{"numero": 1}',
        dialect_data={"id_facepro": 7},
    )
    second = await insert(repository, a, range_id=range_id)
    assert (first.prefix, first.number, second.number) == ("SETP", 990000000, 990000001)
    assert first.status == "pendiente" and first.attempts == 0
    assert first.subtotal == Decimal("1234567890123.45")
    assert first.tax_breakdown == {"01": Decimal("0.07"), "04": Decimal("0.03")}
    assert first.request_payload == b'{"numero": 1}'
    assert first.issue_datetime == ISSUED

    record = (await repository.get(a, first.uuid)).record()
    assert record == DocumentRecord(
        uuid=first.uuid,
        tenant_id=a,
        dialect="facepro",
        type_code="01",
        environment="simulador",
        prefix="SETP",
        number=990000000,
        issue_datetime=ISSUED,
        customer_id="222222222222",
        customer_name="Consumidor final",
        line_extension=Decimal("1234567890123.45"),
        tax_total=Decimal("0.10"),
        taxes={"01": Decimal("0.07"), "04": Decimal("0.03")},
        payable=Decimal("1234567890123.55"),
        unique_code="",
        status="pendiente",
        created_at=first.created_at,
    )


async def test_client_numbers_and_duplicates(
    db_ctx: AppContext, repository: DocumentRepository
) -> None:
    a, b, range_id = await two_tenants(db_ctx)
    own = await insert(repository, a, prefix="FE", number=15)
    with pytest.raises(DuplicateDocument) as duplicate:
        await insert(repository, a, prefix="FE", number=15)
    assert duplicate.value.existing_uuid == own.uuid
    assert (await insert(repository, b, prefix="FE", number=15)).tenant_id == b
    assert (await insert(repository, a, prefix="FE", number=15, environment="produccion")).number
    with pytest.raises(NotFound):  # B may not number from A's range
        await insert(repository, b, range_id=range_id)
    with pytest.raises(NotFound):  # nor take it into another environment
        await insert(repository, a, range_id=range_id, environment="produccion")


async def test_tenant_isolation_in_get_list_and_lookups(
    db_ctx: AppContext, repository: DocumentRepository
) -> None:
    a, b, range_id = await two_tenants(db_ctx)
    doc = await insert(repository, a, range_id=range_id)
    await repository.update(doc.uuid, unique_code="ab" * 48)

    assert (await repository.get(a, doc.uuid)).uuid == doc.uuid
    with pytest.raises(NotFound):
        await repository.get(b, doc.uuid)
    with pytest.raises(NotFound):
        await repository.get(a, "00000000-0000-4000-8000-000000000000")
    assert await repository.list(b) == ([], 0)
    rows, total = await repository.list(a)
    assert total == 1 and [r.uuid for r in rows] == [doc.uuid]
    assert await repository.find_by_unique_code(b, "ab" * 48) is None
    assert (await repository.find_by_unique_code(a, "AB" * 48)).uuid == doc.uuid  # type: ignore[union-attr]


async def test_update_and_list_filters(db_ctx: AppContext, repository: DocumentRepository) -> None:
    a, _, range_id = await two_tenants(db_ctx)
    uuids = []
    for day in (1, 2, 3, 4, 5):
        doc = await insert(
            repository,
            a,
            range_id=range_id,
            issue_datetime=dt.datetime(2026, 11, day, 23, 30, tzinfo=BOGOTA),
            reference=f"ref-{day}",
        )
        uuids.append(doc.uuid)
    accepted = await repository.update(
        uuids[1],
        status="aceptado",
        unique_code="c" * 96,
        signed_xml="<Invoice/>",
        zip_key="zip-1",
        dian_status_code="00",
        dian_status_description="Procesado Correctamente.",
        dian_errors=["Regla: FAJ44b, Notificación: ..."],
        attempts=1,
    )
    assert accepted.status == "aceptado" and accepted.dian_errors == (
        "Regla: FAJ44b, Notificación: ...",
    )
    assert accepted.attempts == 1 and accepted.updated_at >= accepted.created_at
    with pytest.raises(TypeError):
        await repository.update(uuids[0], tenant_id=99)
    with pytest.raises(ValueError):
        await repository.update(uuids[0], status="perdido")
    with pytest.raises(NotFound):
        await repository.update("00000000-0000-4000-8000-000000000000", status="fallido")

    rows, total = await repository.list(a, page=1, per_page=2)
    assert total == 5 and [r.uuid for r in rows] == [uuids[4], uuids[3]]
    rows, _ = await repository.list(a, page=3, per_page=2)
    assert [r.uuid for r in rows] == [uuids[0]]
    rows, total = await repository.list(a, status="aceptado")
    assert (total, rows[0].status, rows[0].unique_code) == (1, "aceptado", "c" * 96)
    # 23:30 in Bogota is the next day in UTC: the day filter must use Bogota days
    rows, total = await repository.list(
        a, date_from=dt.date(2026, 11, 2), date_to=dt.date(2026, 11, 3)
    )
    assert total == 2 and {r.uuid for r in rows} == {uuids[1], uuids[2]}
    assert (await repository.find_by_reference(a, "ref-3")).uuid == uuids[2]  # type: ignore[union-attr]
    assert (await repository.list(a, reference="ref-4"))[1] == 1


async def test_an_update_by_the_holder_gives_what_the_row_now_reads(
    db_ctx: AppContext, repository: DocumentRepository
) -> None:
    """``update_held`` does not read the row back: what it hands out must be the row."""
    a, _, range_id = await two_tenants(db_ctx)
    held = await insert(repository, a, range_id=range_id, dialect_data={"id_facepro": 7})
    signed = "<Invoice>ñ</Invoice>"
    answer = "<ApplicationResponse>ok</ApplicationResponse>"
    attached = f"<AttachedDocument><![CDATA[{signed}]]><![CDATA[{answer}]]></AttachedDocument>"
    held = await repository.update_held(
        held, signed_xml=signed, tax_breakdown={"01": Decimal("19.00")}, unique_code="ab" * 48
    )
    assert held == await repository.get(a, held.uuid)
    written: list[bool] = []
    held = await repository.update_held(
        held,
        before=lambda conn: written.append(True),
        status="aceptado",
        application_response=answer,
        attached_document=attached_for_storage(attached, signed, answer),
        dian_errors=["Regla: FAK24, Notificación: sin correo"],
        attempts=1,
    )
    assert written == [True]
    read = await repository.get(a, held.uuid)
    assert held == read and read.attached_document == attached
    assert read.status == DocumentStatus.ACCEPTED and read.dian_errors == (
        "Regla: FAK24, Notificación: sin correo",
    )
    gone = msgspec.structs.replace(held, uuid="00000000-0000-4000-8000-00000000dead")
    with pytest.raises(NotFound):
        await repository.update_held(gone, before=lambda conn: written.append(True), attempts=2)
