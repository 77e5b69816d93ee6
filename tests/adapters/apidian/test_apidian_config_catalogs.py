"""APIDIAN's catalogs ship as package data and answer by id; its error shape owns ``/api``."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.apidian import catalogs
from adapters.apidian.errors import summary


def test_rows_by_id_with_code_name_and_extra_columns() -> None:
    assert catalogs.row("type_documents", 26) == catalogs.CatalogRow(
        id=26,
        code="94",
        name="Nota de Ajuste de tipo crédito al Documento Equivalente",
        extra={"cufe_algorithm": "CUDE-SHA384", "prefix": "ncq"},
    )
    assert catalogs.row("unit_measures", 70) == catalogs.CatalogRow(
        id=70, code="94", name="Unidad", extra={}
    )
    calarca = catalogs.row("municipalities", 822)
    assert calarca is not None and calarca.code == "63130"
    assert calarca.extra["department_code"] == "63"
    assert catalogs.row("type_documents", 27) is None
    assert [r.id for r in catalogs.rows("type_environments")] == [1, 2]


def test_every_shipped_table_loads_with_unique_ids() -> None:
    assert len(catalogs.tables()) == 45
    for table in catalogs.tables():
        rows = catalogs.rows(table)
        assert rows, table
        assert len({r.id for r in rows}) == len(rows), table
    with pytest.raises(KeyError):
        catalogs.rows("no_existe")


def test_laravel_summary_counts_the_other_messages() -> None:
    assert summary({"a": ["uno"]}) == "uno"
    assert summary({"a": ["uno"], "b": ["dos"]}) == "uno (and 1 more error)"
    assert summary({"a": ["uno", "dos"], "b": ["tres"]}) == "uno (and 2 more errors)"


async def test_errors_under_api_answer_in_laravel_shape(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.get("/api/ubl2.1/no-existe")
    assert response.status_code == 404
    assert response.json() == {"message": "The route could not be found."}
    # FacEPro keeps its longer prefix
    response = await client.get("/api/v1/no-existe")
    assert response.status_code == 404
    assert response.json()["codigo"] == "no_encontrado"
