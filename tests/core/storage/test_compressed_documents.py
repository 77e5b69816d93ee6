"""The large columns of a document (signed XML, ApplicationResponse, AttachedDocument, dialect
data) are stored deflated and read back exactly, on both backends; values written before core
revision 0014 (plain text) still read the same after the upgrade."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from core.clock import BOGOTA
from core.storage.column_types import COMPRESSED_MARK, decompress
from core.storage.database import database_for, dispose_database
from core.storage.documents import DocumentRepository
from core.storage.engine import create_engine, create_sessionmaker
from core.storage.migrate import upgrade
from core.storage.stored_documents import attached_for_storage, expand_attached
from core.storage.tables import Tenant
from core.testing import migrate_test_database

CREATED = dt.datetime(2026, 12, 5, 9, 0, tzinfo=BOGOTA)
SIGNED_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<Invoice xmlns="urn:x">'
    + "".join(f'<Line n="{i}">Café con leche ñandú — ítem {i}</Line>' for i in range(300))
    + "</Invoice>"
)
ANSWER = (
    "<ApplicationResponse>"
    + "<Note>Procesado Correctamente</Note>" * 100
    + "</ApplicationResponse>"
)
ATTACHED = "<AttachedDocument><![CDATA[" + SIGNED_XML + "]]></AttachedDocument>"
DIALECT_DATA = {"canonical": {"notes": ["Nota añadida"], "lines": list(range(50))}, "id": 7}
LARGE = ("signed_xml", "application_response", "attached_document", "dialect_data")

documents = sa.table("documents", sa.column("uuid"), *(sa.column(n, sa.LargeBinary) for n in LARGE))


def tenant_values() -> dict[str, object]:
    return {
        "id": 7, "uuid": "00000000-0000-4000-8000-000000000007", "nit": "900373076", "dv": "5",
        "name": "Comprimida S.A.S.", "party": {}, "environment": "simulador", "software": {},
        "permissions": [], "provider_nit": "900373076", "provider_dv": "5",
        "created_at": CREATED, "updated_at": CREATED,
    }  # fmt: skip


async def _repository_with_tenant(database_url: str, engine: AsyncEngine) -> DocumentRepository:
    """A migrated database holding tenant 7, and its document repository."""
    migrate_test_database(database_url)
    async with create_sessionmaker(engine).begin() as session:
        await session.execute(sa.insert(Tenant).values(**tenant_values()))
    return DocumentRepository(create_sessionmaker(engine))


async def _insert_pending(repository: DocumentRepository, number: int):
    return await repository.insert_pending(
        tenant_id=7, dialect="facepro", type_code="01", environment="simulador",
        prefix="SETP", number=number, dialect_data=DIALECT_DATA,
    )  # fmt: skip


async def test_large_columns_are_stored_compressed_and_read_back_exactly(database_url) -> None:
    engine = create_engine(database_url)
    try:
        repository = await _repository_with_tenant(database_url, engine)
        pending = await _insert_pending(repository, 1)
        await repository.update(
            pending.uuid,
            signed_xml=SIGNED_XML,
            application_response=ANSWER,
            attached_document=ATTACHED,
        )
        stored = await repository.get(7, pending.uuid)
        assert (stored.signed_xml, stored.application_response) == (SIGNED_XML, ANSWER)
        assert (stored.attached_document, stored.dialect_data) == (ATTACHED, DIALECT_DATA)
        assert stored.package("fv", "900373076")  # the ZIP is rebuilt from the same XML
        async with engine.connect() as conn:
            raw = (await conn.execute(sa.select(documents))).one()
        plain = {
            "signed_xml": SIGNED_XML.encode(),
            "application_response": ANSWER.encode(),
            "attached_document": ATTACHED.encode(),
        }
        for name, value in plain.items():
            assert bytes(raw._mapping[name]).startswith(COMPRESSED_MARK)
            assert len(raw._mapping[name]) < len(value) / 3
    finally:
        await engine.dispose()


async def test_values_written_before_0014_read_the_same_after_the_upgrade(database_url) -> None:
    upgrade(database_url, (), "0013")  # core's tree alone
    engine = create_engine(database_url)
    database = database_for(engine)
    legacy = sa.table(
        "documents",
        *(sa.column(n) for n in ("uuid", "tenant_id", "dialect", "type_code", "environment")),
        *(sa.column(n) for n in ("prefix", "number", "status", "attempts")),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        *(sa.column(n, sa.Text) for n in LARGE[:3]),
        sa.column("dialect_data", sa.JSON),
    )
    uuid = "00000000-0000-4000-8000-000000000001"

    def fill(conn: Connection) -> None:
        conn.execute(sa.insert(Tenant.__table__).values(**tenant_values()))
        conn.execute(
            sa.insert(legacy).values(
                uuid=uuid, tenant_id=7, dialect="facepro", type_code="01",
                environment="simulador", prefix="SETP", number=1, status="aceptado",
                attempts=1, created_at=CREATED, updated_at=CREATED, signed_xml=SIGNED_XML,
                application_response=ANSWER, attached_document=ATTACHED,
                dialect_data=DIALECT_DATA,
            )
        )  # fmt: skip

    try:
        await database.run(fill, write=True)
        dispose_database(engine)
        upgrade(database_url, ())
        repository = DocumentRepository(create_sessionmaker(engine))
        stored = await repository.get(7, uuid)
        assert (stored.signed_xml, stored.application_response) == (SIGNED_XML, ANSWER)
        assert (stored.attached_document, stored.dialect_data) == (ATTACHED, DIALECT_DATA)
        await repository.update(uuid, application_response=ANSWER + " ")  # rewritten compressed
        assert (await repository.get(7, uuid)).application_response == ANSWER + " "
        assert (await repository.get(7, uuid)).signed_xml == SIGNED_XML
    finally:
        dispose_database(engine)
        await engine.dispose()


ATTACHED_BOTH = (
    '<?xml version="1.0" encoding="UTF-8"?><AttachedDocument><Attachment><![CDATA['
    + SIGNED_XML
    + "]]></Attachment><Reference><Attachment><![CDATA["
    + ANSWER
    + "]]></Attachment></Reference></AttachedDocument>"
)


async def test_the_attached_document_does_not_store_again_what_its_row_holds(
    database_url,
) -> None:
    """Its copies of the signed XML and of DIAN's answer are kept as markers in the row and
    put back on reading; the first AttachedDocument stored is the one every builder gets."""
    engine = create_engine(database_url)
    try:
        repository = await _repository_with_tenant(database_url, engine)
        pending = await _insert_pending(repository, 1)
        stored = await repository.update(
            pending.uuid, signed_xml=SIGNED_XML, application_response=ANSWER
        )
        kept = await repository.keep_attached_document(stored, ATTACHED_BOTH, CREATED)
        assert kept == ATTACHED_BOTH
        again = await repository.keep_attached_document(stored, ATTACHED_BOTH + " ", CREATED)
        assert again == ATTACHED_BOTH
        assert (await repository.get(7, pending.uuid)).attached_document == ATTACHED_BOTH
        async with engine.connect() as conn:
            raw = (await conn.execute(sa.select(documents))).one()
        column = decompress(raw._mapping["attached_document"]).decode()
        assert len(column) < 300 and "Café" not in column and "Procesado" not in column
    finally:
        await engine.dispose()


def test_an_attached_document_that_does_not_embed_them_verbatim_is_stored_whole() -> None:
    escaped = ATTACHED_BOTH.replace("<![CDATA[" + ANSWER + "]]>", ANSWER.replace("<", "&lt;"))
    column = attached_for_storage(escaped, SIGNED_XML, ANSWER)
    assert ANSWER.replace("<", "&lt;") in column and "Café" not in column
    assert expand_attached(column, SIGNED_XML, ANSWER) == escaped
    assert attached_for_storage(ATTACHED_BOTH, None, None) == ATTACHED_BOTH
    assert expand_attached(ATTACHED, SIGNED_XML, ANSWER) == ATTACHED  # stored whole before
