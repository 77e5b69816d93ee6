"""``core.ubl.namespaces.text_at`` answers XPath's ``string(path)`` whichever way it reads."""

from __future__ import annotations

import pytest
from lxml import etree

from core.ubl.namespaces import XPATH_NS, text_at

DOCUMENT = etree.fromstring(
    f"""<Invoice xmlns="{XPATH_NS["inv"]}" xmlns:cac="{XPATH_NS["cac"]}"
         xmlns:cbc="{XPATH_NS["cbc"]}">
      <cbc:ID> SETP990000001 </cbc:ID>
      <cbc:Note>a<!-- c -->b<x>c</x>d</cbc:Note>
      <cac:AccountingSupplierParty><cac:Party/></cac:AccountingSupplierParty>
      <cac:AccountingSupplierParty><cac:Party><cac:PartyTaxScheme>
        <cbc:CompanyID>900373076</cbc:CompanyID></cac:PartyTaxScheme></cac:Party>
      </cac:AccountingSupplierParty>
      <cac:PaymentMeans><cbc:ID/></cac:PaymentMeans>
    </Invoice>""".encode()
)
PATHS = [
    "cbc:ID",
    "cbc:Note",
    "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID",
    "cac:PaymentMeans/cbc:ID",
    "cbc:Absent",
    "cac:PaymentMeans/cbc:ID[1]",
    "//cbc:CompanyID",
    "inv:Nothing/cbc:ID",
]


@pytest.mark.parametrize("path", PATHS)
def test_text_at_is_the_string_value_xpath_gives(path):
    expected = str(etree.XPath(f"string({path})", namespaces=dict(XPATH_NS))(DOCUMENT)).strip()
    assert text_at(DOCUMENT, path) == expected
