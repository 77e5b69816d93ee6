"""``cac:Delivery``: when, where and to whom the goods were delivered (FAM rules)."""

from __future__ import annotations

from lxml import etree

from core.model import GoodsDelivery
from core.ubl import formats
from core.ubl.namespaces import CAC, CBC, sub
from core.ubl.parties import add_address, fill_party


def add_delivery(parent: etree._Element, delivery: GoodsDelivery | None) -> None:
    """Nothing when the document has no delivery; otherwise the DeliveryType children in the
    XSD's order: ActualDeliveryDate (FAM02), ActualDeliveryTime, DeliveryAddress,
    DeliveryParty."""
    if delivery is None:
        return
    node = sub(parent, CAC.Delivery)
    sub(node, CBC.ActualDeliveryDate, formats.date(delivery.actual_date))
    if delivery.actual_time is not None:
        sub(node, CBC.ActualDeliveryTime, formats.time(delivery.actual_time))
    if delivery.address is not None:
        add_address(node, CAC.DeliveryAddress, delivery.address)
    if delivery.party is not None:
        fill_party(sub(node, CAC.DeliveryParty), delivery.party)
