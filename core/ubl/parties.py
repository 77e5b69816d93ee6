"""``cac:AccountingSupplierParty`` / ``cac:AccountingCustomerParty`` (research §6.2)."""

from __future__ import annotations

import functools
from threading import get_ident

from lxml import etree

from core import catalogs
from core.model import Address, Party
from core.ubl.namespaces import CAC, CBC, DIAN_AGENCY_ID, DIAN_AGENCY_NAME, new_root, sub

FINAL_CONSUMER_ID = "222222222222"
NIT = "31"


def add_party(
    root: etree._Element,
    tag: str,
    party: Party,
    *,
    supplier: bool,
    registration_prefix: str | None = None,
) -> etree._Element:
    """Append a supplier or customer party (``tag`` is ``CAC.AccountingSupplierParty`` or
    ``CAC.AccountingCustomerParty``).

    ``registration_prefix`` (the numbering prefix) goes in the supplier's
    ``CorporateRegistrationScheme/cbc:ID``, as DIAN's samples show. Parties are immutable
    values that repeat on every document of a tenant, so the subtree is built once per distinct
    party and copied afterwards (a copy is ~10x cheaper than building 40 elements).
    """
    node = _party_template(tag, party, supplier, registration_prefix, get_ident()).__deepcopy__(
        None
    )
    root.append(node)
    return node


@functools.lru_cache(maxsize=1024)
def _party_template(
    tag: str, party: Party, supplier: bool, registration_prefix: str | None, thread: int
) -> etree._Element:
    """Templates are per thread: lxml trees keep thread-local name dictionaries."""
    holder = new_root("Invoice")
    return _build_party(
        holder, tag, party, supplier=supplier, registration_prefix=registration_prefix
    )


def _build_party(
    root: etree._Element,
    tag: str,
    party: Party,
    *,
    supplier: bool,
    registration_prefix: str | None,
) -> etree._Element:
    wrapper = sub(root, tag)
    sub(wrapper, CBC.AdditionalAccountID, party.organization_type)
    fill_party(
        sub(wrapper, CAC.Party), party, supplier=supplier, registration_prefix=registration_prefix
    )
    return wrapper


def fill_party(
    node: etree._Element,
    party: Party,
    *,
    supplier: bool = False,
    registration_prefix: str | None = None,
) -> None:
    """The children of a UBL ``PartyType`` element (``cac:Party``, ``cac:DeliveryParty``)."""
    if supplier and party.industry_code:
        sub(node, CBC.IndustryClassificationCode, party.industry_code)
    if party.organization_type == "2":  # FAK61/FAK62: natural persons are identified
        sub(sub(node, CAC.PartyIdentification), CBC.ID, party.id_number, _id_attrs(party))
    sub(sub(node, CAC.PartyName), CBC.Name, party.trade_name or party.name)
    final_consumer = party.id_number == FINAL_CONSUMER_ID
    if party.address is not None and not final_consumer:
        add_address(sub(node, CAC.PhysicalLocation), CAC.Address, party.address)
    _party_tax_scheme(node, party, final_consumer)
    legal = sub(node, CAC.PartyLegalEntity)
    sub(legal, CBC.RegistrationName, party.name)
    sub(legal, CBC.CompanyID, party.id_number, _company_id_attrs(party))
    if supplier and (registration_prefix or party.commercial_registration):
        scheme = sub(legal, CAC.CorporateRegistrationScheme)
        if registration_prefix:
            sub(scheme, CBC.ID, registration_prefix)
        if party.commercial_registration:
            sub(scheme, CBC.Name, party.commercial_registration)
    contact = party.contact
    if contact is not None and (contact.name or contact.telephone or contact.email):
        node_contact = sub(node, CAC.Contact)
        if contact.name:
            sub(node_contact, CBC.Name, contact.name)
        if contact.telephone:
            sub(node_contact, CBC.Telephone, contact.telephone)
        if contact.email:
            sub(node_contact, CBC.ElectronicMail, contact.email)


def _party_tax_scheme(node: etree._Element, party: Party, final_consumer: bool) -> None:
    scheme = sub(node, CAC.PartyTaxScheme)
    sub(scheme, CBC.RegistrationName, party.name)
    sub(scheme, CBC.CompanyID, party.id_number, _company_id_attrs(party))  # FAJ24 / FAK24
    sub(scheme, CBC.TaxLevelCode, ";".join(party.tax_level_codes))  # FAJ26 / FAK26
    if party.address is not None and not final_consumer:
        add_address(scheme, CAC.RegistrationAddress, party.address)
    tax_scheme = sub(scheme, CAC.TaxScheme)
    sub(tax_scheme, CBC.ID, party.tax_scheme)
    sub(tax_scheme, CBC.Name, catalogs.party_tax_scheme_name(party.tax_scheme) or party.tax_scheme)


def _company_id_attrs(party: Party) -> dict[str, str]:
    attrs = {"schemeAgencyID": DIAN_AGENCY_ID, "schemeAgencyName": DIAN_AGENCY_NAME}
    if party.id_type == NIT and party.dv is not None:
        attrs["schemeID"] = party.dv
    attrs["schemeName"] = party.id_type
    return attrs


def _id_attrs(party: Party) -> dict[str, str]:
    attrs = {"schemeName": party.id_type}
    if party.id_type == NIT and party.dv is not None:
        attrs["schemeID"] = party.dv
    return attrs


def add_address(parent: etree._Element, tag: str, address: Address) -> etree._Element:
    """An address in UBL order; municipality/department/country names come from the DANE and
    ISO catalogs when the canonical address carries only codes."""
    node = sub(parent, tag)
    municipality = catalogs.municipality(address.municipality_code)
    department_code = address.department_code or (
        municipality.department.code if municipality else None
    )
    department_name = address.department_name or (
        municipality.department.name if municipality else _department_name(department_code)
    )
    if address.municipality_code:
        sub(node, CBC.ID, address.municipality_code)
    city = address.city_name or (municipality.name if municipality else None)
    if city:
        sub(node, CBC.CityName, city)
    if address.postal_zone:
        sub(node, CBC.PostalZone, address.postal_zone)
    if department_name:
        sub(node, CBC.CountrySubentity, department_name)
    if department_code:
        sub(node, CBC.CountrySubentityCode, department_code)
    if address.line:
        sub(sub(node, CAC.AddressLine), CBC.Line, address.line)
    country = sub(node, CAC.Country)
    sub(country, CBC.IdentificationCode, address.country_code)
    known = catalogs.country(address.country_code)
    name = address.country_name if address.country_code == "CO" or known is None else known.name
    sub(country, CBC.Name, name, {"languageID": "es"})
    return node


def _department_name(code: str | None) -> str | None:
    found = catalogs.department(code)
    return found.name if found else None
