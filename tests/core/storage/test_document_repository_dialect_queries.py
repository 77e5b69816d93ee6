"""DocumentRepository's queries for dialects that keep their own keys, on SQLite and
PostgreSQL: whole rows by filter (full number, a name fragment, several states, dialect),
by row id, and deleting a document DIAN has not accepted."""

from __future__ import annotations

import pytest

from core.errors import NotFound
from core.model import DocumentStatus
from core.storage.documents import DocumentRepository
from core.web.context import AppContext
from tests.core.storage.test_document_repository import insert, two_tenants


@pytest.fixture
def repository(sessionmaker) -> DocumentRepository:
    return DocumentRepository(sessionmaker)


async def test_filters_find_whole_rows(db_ctx: AppContext, repository: DocumentRepository) -> None:
    a, b, range_id = await two_tenants(db_ctx)
    first = await insert(
        repository,
        a,
        range_id=range_id,
        dialect="factus",
        reference="r-1",
        customer_name="Ana 100%_Pérez",
        dialect_data={"dialect": {"k": 1}},
    )
    second = await insert(repository, a, range_id=range_id, dialect="factus", reference="r-2")
    await insert(repository, a, range_id=range_id, dialect="facepro", reference="r-1")
    await repository.update(second.uuid, status=DocumentStatus.REJECTED)

    rows, total = await repository.list_stored(a, full_number=first.full_number)
    assert total == 1 and rows[0].uuid == first.uuid
    assert rows[0].dialect_data == {"dialect": {"k": 1}}
    rows, _ = await repository.list_stored(a, customer_name_contains="100%_pé")
    assert [r.uuid for r in rows] == [first.uuid]
    rows, _ = await repository.list_stored(a, customer_name_contains="0%x")
    assert rows == []
    rows, total = await repository.list_stored(
        a, dialect="factus", statuses=["pendiente", "rechazado"]
    )
    assert total == 2 and [r.uuid for r in rows] == [second.uuid, first.uuid]
    rows, total = await repository.list_stored(a, dialect="factus", reference="r-1")
    assert [r.uuid for r in rows] == [first.uuid]
    rows, total = await repository.list_stored(a, 2, 1, dialect="factus")
    assert total == 2 and [r.uuid for r in rows] == [first.uuid]
    assert (await repository.list_stored(b, full_number=first.full_number))[1] == 0


async def test_by_id_and_delete_are_scoped_and_spare_accepted_documents(
    db_ctx: AppContext, repository: DocumentRepository
) -> None:
    a, b, range_id = await two_tenants(db_ctx)
    pending = await insert(repository, a, range_id=range_id)
    accepted = await insert(repository, a, range_id=range_id)
    await repository.update(accepted.uuid, status=DocumentStatus.ACCEPTED)

    assert (await repository.get_by_id(a, pending.id)).uuid == pending.uuid
    with pytest.raises(NotFound):
        await repository.get_by_id(b, pending.id)

    assert await repository.delete_unaccepted(b, pending.uuid) is False
    assert await repository.delete_unaccepted(a, accepted.uuid) is False
    assert await repository.delete_unaccepted(a, pending.uuid) is True
    with pytest.raises(NotFound):
        await repository.get(a, pending.uuid)
    assert (await repository.get(a, accepted.uuid)).status == DocumentStatus.ACCEPTED
