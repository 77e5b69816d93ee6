"""Refusals of RADIAN requests: a ``ValidationFailed`` with one problem carrying the DIAN (or
gateway) rule id and a Spanish message, so every dialect renders it as it renders its other
validation errors."""

from __future__ import annotations

from core.errors import ValidationFailed
from core.model.document import Problem


class RadianRefused(ValidationFailed):
    """Refused before anything was sent: ``rule`` is the rule id, ``message`` Spanish text and
    ``path`` the field it is about (``code``, ``cufe``, ``claim_concept``, ``xml`` ...)."""

    def __init__(self, rule: str, message: str, path: str = "body") -> None:
        self.rule, self.message, self.path = rule, message, path
        super().__init__([Problem(path=path, message=message, rule=rule)])


class EventRefused(RadianRefused):
    """An event breaks an order or role rule, names an unknown CUFE, lacks its claim concept,
    or comes before its term."""


class ReceivedDocumentRefused(RadianRefused):
    """A received XML that is not an invoice or AttachedDocument, whose signature or CUFE does
    not verify, or that was not addressed to the tenant."""
