"""``core.signing.c14n.document_c14n``: the plain serialisation is used as the document's C14N
only when it is exactly the C14N; every other tree goes through libxml2's canonicalisation."""

from __future__ import annotations

import pytest
from lxml import etree

from core.api import hookimpl
from core.pipeline import prepare_document
from core.plugins import build_registry, get_plugin_manager
from core.sample_documents import sample_document, sample_numbering_range, sample_tenant
from core.signing.c14n import c14n, document_c14n
from core.signing.xades import verify_xades
from core.ubl.namespaces import CBC, DS_NS

REGISTRY = build_registry(get_plugin_manager())
KINDS_WITH_SAMPLES = [kind.code for kind in REGISTRY.document_types if kind.sample is not None]


def _unsigned(xml: bytes) -> etree._Element:
    """The tree a signature is computed over: the signature taken out of its container."""
    root = etree.fromstring(xml)
    signature = root.find(f".//{{{DS_NS}}}Signature")
    container = signature.getparent()
    container.remove(signature)
    container.text = ""
    return root


@pytest.mark.parametrize("code", KINDS_WITH_SAMPLES)
def test_every_sample_kind_digests_its_plain_serialisation(code, identity):
    prepared = _prepare(code, identity)
    root = _unsigned(prepared.xml)
    assert document_c14n(root) == c14n(root.getroottree())
    # the fast path was taken: the plain serialisation is the C14N
    assert etree.tostring(root, encoding="UTF-8") == c14n(root.getroottree())


def _tree(xml: str) -> etree._Element:
    return etree.fromstring(xml.encode("utf-8"))


NOT_PLAIN = {
    "empty element": '<r xmlns="urn:r"><a/><b>x</b></r>',
    "attributes out of order": '<r xmlns="urn:r"><a z="1" b="2">x</a></r>',
    "qualified attribute first": ('<r xmlns="urn:r" xmlns:p="urn:p"><a p:b="1" c="2">x</a></r>'),
    "redundant declaration below the root": (
        '<r xmlns="urn:r" xmlns:q="urn:q"><q:a xmlns:q="urn:q">x</q:a></r>'
    ),
    "declarations out of order": '<r xmlns:z="urn:z" xmlns:a="urn:a"><z:a>x</z:a></r>',
    "comment": '<r xmlns="urn:r"><!-- c --><a>x</a></r>',
    "carriage return in text": '<r xmlns="urn:r"><a>x&#13;y</a></r>',
    "tab in an attribute": '<r xmlns="urn:r"><a b="x&#9;y">x</a></r>',
    "greater-than in an attribute": '<r xmlns="urn:r"><a b="x&gt;y">x</a></r>',
}


@pytest.mark.parametrize("xml", NOT_PLAIN.values(), ids=NOT_PLAIN.keys())
def test_trees_whose_plain_serialisation_is_not_canonical_get_the_c14n(xml):
    root = _tree(xml)
    assert etree.tostring(root, encoding="UTF-8") != c14n(root.getroottree())
    assert document_c14n(root) == c14n(root.getroottree())


def test_cdata_and_instructions_get_the_c14n():
    root = _tree('<r xmlns="urn:r"><a>x</a></r>')
    root[0].text = etree.CDATA("a < b")
    assert document_c14n(root) == c14n(root.getroottree())
    for xml in ('<?pi data?><r xmlns="urn:r"><a>x</a></r>', "<r><?pi data?><a>x</a></r>"):
        root = _tree(xml)
        assert document_c14n(root) == c14n(root.getroottree())


class UnusualAmendments:
    """A plugin writing what the plain serialisation spells differently from C14N."""

    @hookimpl
    def pasarela_amend_ubl(self, root, document, document_type):
        note = root.find(CBC.Note)
        note.text = "Línea 1\r\nLínea 2 > 1 & <otra>"
        note.set("languageID", "es\tCO")
        note.append(etree.Comment("comentario"))


def _prepare(code, identity, plugin_manager=None):
    return prepare_document(
        sample_document(code),
        document_type=REGISTRY.document_types.get(code),
        tenant=sample_tenant(),
        numbering_range=sample_numbering_range(code),
        environment=REGISTRY.environments.get("habilitacion"),
        identity=identity,
        plugin_manager=plugin_manager,
    )


def test_an_amended_document_the_fast_path_refuses_still_verifies(identity):
    pm = get_plugin_manager(extra_plugins=[UnusualAmendments()])
    prepared = _prepare("01", identity, pm)
    assert b"&#13;" in prepared.xml and b"<!--comentario-->" in prepared.xml
    assert verify_xades(prepared.xml).signing_time == prepared.issued_at
