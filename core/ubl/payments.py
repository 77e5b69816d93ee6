"""``cac:PaymentMeans`` (payment form and means, research §6.3) and ``cac:PrepaidPayment``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from lxml import etree

from core.model import Payment, PrepaidPayment
from core.ubl import formats
from core.ubl.namespaces import CAC, CBC, sub


def add_payment_means(parent: etree._Element, payment: Payment, due_date: dt.date | None) -> None:
    """``cbc:ID`` is the form (1 contado, 2 crédito), ``cbc:PaymentMeansCode`` the means."""
    node = sub(parent, CAC.PaymentMeans)
    sub(node, CBC.ID, payment.form)
    sub(node, CBC.PaymentMeansCode, payment.means_code)
    due = payment.due_date or due_date
    if due is not None:
        sub(node, CBC.PaymentDueDate, formats.date(due))
    if payment.payment_id:
        sub(node, CBC.PaymentID, payment.payment_id)


def add_prepaid_payments(
    parent: etree._Element, payments: Iterable[PrepaidPayment], currency: str
) -> None:
    money = {"currencyID": currency}
    for payment in payments:
        node = sub(parent, CAC.PrepaidPayment)
        sub(node, CBC.ID, payment.id)
        sub(node, CBC.PaidAmount, formats.amount(payment.amount), money)
        if payment.received_date is not None:
            sub(node, CBC.ReceivedDate, formats.date(payment.received_date))
