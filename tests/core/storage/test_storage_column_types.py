"""Column types: aware Bogota datetimes and exact Decimal money on both backends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import StatementError

from core.storage.tables import DocumentRow, Tenant


def tenant_values(created_at: dt.datetime) -> dict[str, object]:
    return {
        "uuid": "00000000-0000-4000-8000-000000000009",
        "nit": "900373076",
        "dv": "5",
        "name": "Tipos SAS",
        "party": {},
        "environment": "simulador",
        "software": {},
        "permissions": [],
        "provider_nit": "900373076",
        "provider_dv": "5",
        "created_at": created_at,
        "updated_at": created_at,
    }


async def test_datetimes_come_back_aware_in_bogota_and_money_exact(sessionmaker) -> None:
    utc_moment = dt.datetime(2026, 11, 24, 2, 15, 30, 123456, tzinfo=dt.UTC)
    async with sessionmaker.begin() as session:
        tenant_id = await session.scalar(
            insert(Tenant).values(**tenant_values(utc_moment)).returning(Tenant.id)
        )
        await session.execute(
            insert(DocumentRow).values(
                uuid="00000000-0000-4000-8000-00000000000a",
                tenant_id=tenant_id,
                dialect="facepro",
                type_code="01",
                environment="simulador",
                prefix="",
                number=1,
                subtotal=Decimal("9999999999999999.99"),
                payable=Decimal("0.01"),
                created_at=utc_moment,
                updated_at=utc_moment,
            )
        )
    async with sessionmaker() as session:
        created = await session.scalar(select(Tenant.created_at))
        subtotal, payable = (
            await session.execute(select(DocumentRow.subtotal, DocumentRow.payable))
        ).one()
    assert created == utc_moment
    assert created.utcoffset() == dt.timedelta(hours=-5)
    assert created.isoformat() == "2026-11-23T21:15:30.123456-05:00"
    assert (subtotal, payable) == (Decimal("9999999999999999.99"), Decimal("0.01"))
    assert str(payable) == "0.01"


async def test_naive_datetimes_and_float_money_are_refused(sessionmaker) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        async with sessionmaker.begin() as session:
            await session.execute(insert(Tenant).values(**tenant_values(dt.datetime(2026, 11, 23))))
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(StatementError, match="Decimal"):
        async with sessionmaker.begin() as session:
            tenant_id = await session.scalar(
                insert(Tenant).values(**tenant_values(now)).returning(Tenant.id)
            )
            await session.execute(
                insert(DocumentRow).values(
                    uuid="00000000-0000-4000-8000-00000000000b",
                    tenant_id=tenant_id,
                    dialect="facepro",
                    type_code="01",
                    environment="simulador",
                    prefix="",
                    number=1,
                    payable=0.1,
                    created_at=now,
                    updated_at=now,
                )
            )
