"""The simulated DIAN's habilitación outcome tables (migration ``simulador_0003``): which test
sets it accepted, and the production numbering resolutions it authorized for them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from plugins.environments.simulador.tables import SimBase


class SimTestSetAcceptance(SimBase):
    """A test set DIAN accepted: its software may send production documents from then on."""

    __tablename__ = "sim_test_set_acceptances"
    __table_args__ = (Index("ix_sim_test_set_acceptances_software", "software_id"),)

    test_set_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    software_id: Mapped[str] = mapped_column(String(64))
    issuer_nit: Mapped[str] = mapped_column(String(20))
    accepted_at: Mapped[dt.datetime]


class SimResolution(SimBase):
    """A production numbering resolution authorized when a test set was accepted (what
    GetNumberingRange answers for production)."""

    __tablename__ = "sim_resolutions"
    __table_args__ = (Index("ix_sim_resolutions_issuer", "issuer_nit", "software_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issuer_nit: Mapped[str] = mapped_column(String(20))
    software_id: Mapped[str] = mapped_column(String(64))
    document_type: Mapped[str] = mapped_column(String(4))
    resolution_number: Mapped[str] = mapped_column(String(40))
    resolution_date: Mapped[dt.date] = mapped_column(Date)
    prefix: Mapped[str] = mapped_column(String(10))
    from_number: Mapped[int] = mapped_column(Integer)
    to_number: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    technical_key: Mapped[str] = mapped_column(String(128))
