"""Factus v1 bodies of support documents, their adjustment notes and RADIAN events.

As in ``payloads``, every field is optional (a missing one becomes Factus' "es obligatorio" on
its path) and ids or codes may come as numbers or strings. Support-document items carry no
tax fields: Factus answers them as excluded from IVA (research §2.4).
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from adapters.factus.payloads import Amount, Id, Short, Text, WithholdingTax


class Provider(msgspec.Struct, kw_only=True):
    """The seller of a support document: a person not obliged to invoice."""

    identification_document_id: Id | None = None
    identification: Id | None = None
    dv: Id | None = None
    trade_name: Text | None = None
    names: Text | None = None
    address: Text | None = None
    email: Short | None = None
    phone: Short | None = None
    is_resident: bool | Id | None = None
    country_code: Short | None = None
    municipality_id: Id | None = None


class SupportItem(msgspec.Struct, kw_only=True):
    code_reference: Id | None = None
    name: Text | None = None
    quantity: Amount | None = None
    discount_rate: Amount | None = None
    price: Amount | None = None
    unit_measure_id: Id | None = None
    standard_code_id: Id | None = None
    withholding_taxes: Annotated[list[WithholdingTax], msgspec.Meta(max_length=10)] | None = None


SupportItems = Annotated[list[SupportItem], msgspec.Meta(max_length=500)]


class SupportPayload(msgspec.Struct, kw_only=True):
    """What support documents and adjustment notes share."""

    reference_code: Id | None = None
    numbering_range_id: Id | None = None
    payment_method_code: Id | None = None
    observation: Annotated[str, msgspec.Meta(max_length=5000)] | None = None
    items: SupportItems | None = None


class SupportDocumentPayload(SupportPayload, kw_only=True):
    """Body of ``POST /v1/support-documents/validate``."""

    provider: Provider | None = None


class AdjustmentNotePayload(SupportPayload, kw_only=True):
    """Body of ``POST /v1/adjustment-notes/validate``: ``support_document_id`` is the id
    Factus answered for the support document (``data.support_document.id``)."""

    support_document_id: Id | None = None
    correction_concept_code: Id | None = None


class EventPersonPayload(msgspec.Struct, kw_only=True):
    """Body of the RADIAN event routes: who acts for the company, and the claim concept of a
    031. ``identification_document_code`` is DIAN's code (``13``), not Factus' id."""

    claim_concept_code: Id | None = None
    identification_document_code: Id | None = None
    identification: Id | None = None
    dv: Id | None = None
    first_name: Text | None = None
    last_name: Text | None = None
    job_title: Text | None = None
    organization_department: Text | None = None


class ReceptionUploadPayload(msgspec.Struct, kw_only=True):
    """JSON body of ``POST /v1/receptions/upload``: the CUFE of a received bill."""

    track_id: Short | None = None
