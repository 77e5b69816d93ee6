"""Invoices received from suppliers: verify, store and list them."""

from __future__ import annotations

import datetime as dt

from core.radian.records import ReceivedInvoice, ReceivedPage


class ReceivedInvoices:
    """A tenant's received invoices, loaded from the XML its supplier sent it."""

    async def load(self, tenant_id: int, xml: bytes, *, dialect: str) -> ReceivedInvoice:
        """Load an AttachedDocument or a signed invoice XML the tenant received.

        The XAdES signature is verified and the CUFE recomputed; the tenant must be the
        buyer. Loading an invoice already stored answers the stored one. Refusals raise
        ``ReceivedDocumentRefused`` (rule id + Spanish message).
        """
        raise NotImplementedError

    async def load_by_cufe(self, tenant_id: int, cufe: str, *, dialect: str) -> ReceivedInvoice:
        """Fetch the invoice's XML from DIAN by its CUFE (GetXmlByDocumentKey), then ``load``."""
        raise NotImplementedError

    async def get(self, tenant_id: int, received_id: int) -> ReceivedInvoice:
        """One received invoice with its events (``NotFound`` for another tenant's)."""
        raise NotImplementedError

    async def by_cufe(self, tenant_id: int, cufe: str) -> ReceivedInvoice:
        """The received invoice with this CUFE (``NotFound`` when the tenant has none)."""
        raise NotImplementedError

    async def list(
        self,
        tenant_id: int,
        *,
        offset: int = 0,
        limit: int = 50,
        number: str | None = None,
        cufe: str | None = None,
        supplier_nit: str | None = None,
        supplier_name: str | None = None,
        issue_date: dt.date | None = None,
    ) -> ReceivedPage:
        """A page of the tenant's received invoices, newest first, with their events;
        filters match exactly except ``supplier_name`` (contains, case-insensitive)."""
        raise NotImplementedError

    async def xml(self, tenant_id: int, received_id: int) -> bytes:
        """The signed invoice XML as received."""
        raise NotImplementedError
