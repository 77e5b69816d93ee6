"""``core.signing.xades_text``: the C14N of the signature's three signed parts written from
their templates equals libxml2's C14N of the parts in the signed document."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from core.pipeline import prepare_document
from core.plugins import build_registry, get_plugin_manager
from core.sample_documents import sample_document, sample_numbering_range, sample_tenant
from core.signing import xades
from core.signing.c14n import c14n
from core.signing.xades import sign_xades, verify_xades
from core.signing.xades_text import apex_declarations
from core.ubl.namespaces import DS_NS, EXT, PREFIXED, ROOT_NS, XADES_NS, new_root, sub

REGISTRY = build_registry(get_plugin_manager())
KINDS_WITH_SAMPLES = [kind.code for kind in REGISTRY.document_types if kind.sample is not None]
SIGNING_TIME = dt.datetime(2024, 1, 29, 19, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))


@pytest.fixture
def written_parts(monkeypatch):
    """The canonical texts the signer wrote, by signature id, next to its fields."""
    original = xades._apex_declarations
    written: dict[str, tuple] = {}

    def recording(container, fields):
        declarations = original(container, fields)
        if declarations is not None:
            written[fields.signature_id] = (fields, declarations)
        return declarations

    monkeypatch.setattr(xades, "_apex_declarations", recording)
    return written


def _parts(root: etree._Element) -> tuple[etree._Element, etree._Element, etree._Element, str]:
    signature = root.find(f".//{{{DS_NS}}}Signature")
    signed_properties = signature.find(f".//{{{XADES_NS}}}SignedProperties")
    return signature[0], signature[2], signed_properties, signature.get("Id")


@pytest.mark.parametrize("code", KINDS_WITH_SAMPLES)
def test_the_written_c14n_of_every_part_is_libxml2s(code, identity, written_parts):
    prepared = prepare_document(
        sample_document(code),
        document_type=REGISTRY.document_types.get(code),
        tenant=sample_tenant(),
        numbering_range=sample_numbering_range(code),
        environment=REGISTRY.environments.get("habilitacion"),
        identity=identity,
    )
    root = etree.fromstring(prepared.xml)
    signed_info, key_info, signed_properties, signature_id = _parts(root)
    fields, declarations = written_parts[signature_id]
    assert c14n(key_info) == fields.key_info(declarations).encode("utf-8")
    assert c14n(signed_properties) == fields.signed_properties(declarations).encode("utf-8")
    digests = tuple(value.text for value in signed_info.iter(f"{{{DS_NS}}}DigestValue"))
    assert c14n(signed_info) == fields.signed_info(digests, declarations).encode("utf-8")
    verify_xades(prepared.xml)


def _invoice(**root_attributes: str) -> etree._Element:
    root = new_root("Invoice")
    for name, value in root_attributes.items():
        root.set(name, value)
    sub(sub(sub(root, EXT.UBLExtensions), EXT.UBLExtension), EXT.ExtensionContent, "dian")
    return root


def test_an_inherited_xml_attribute_goes_through_libxml2(identity, written_parts):
    root = _invoice(**{"{http://www.w3.org/XML/1998/namespace}lang": "es"})
    sign_xades(root, identity, SIGNING_TIME, check_issue_date=False)
    assert written_parts == {}
    verify_xades(etree.tostring(root))


def test_the_declarations_are_all_in_scope_in_c14n_order():
    in_scope = {None: ROOT_NS["Invoice"], **PREFIXED}
    declarations = apex_declarations(in_scope)
    assert declarations.startswith(f' xmlns="{ROOT_NS["Invoice"]}" xmlns:cac=')
    assert declarations.count("xmlns") == len(in_scope)
    # without ds and xades in scope, the signature declares them itself
    assert apex_declarations({"b": "urn:b", "a": "urn:a"}) == (
        f' xmlns:a="urn:a" xmlns:b="urn:b" xmlns:ds="{DS_NS}" xmlns:xades="{XADES_NS}"'
    )


@pytest.mark.parametrize(
    "in_scope",
    [
        {"dsig": DS_NS},  # the signature's elements would take this prefix
        {"ds": "urn:other"},
        {"xades": DS_NS},
        {"a": 'urn:with"quote'},
    ],
)
def test_unusual_namespaces_are_left_to_libxml2(in_scope):
    assert apex_declarations(in_scope) is None
