"""``sign_xades_serialised`` returns exactly ``etree.tostring`` of the signed root, whether the
signature's bytes were spliced into the unsigned serialisation or the tree was serialised."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from core.pipeline import prepare_document
from core.plugins import build_registry, get_plugin_manager
from core.sample_documents import sample_document, sample_numbering_range, sample_tenant
from core.signing import splice
from core.signing.xades import sign_xades_serialised, verify_xades
from core.ubl.namespaces import DS_NS, EXT, new_root, sub

REGISTRY = build_registry(get_plugin_manager())
KINDS_WITH_SAMPLES = [kind.code for kind in REGISTRY.document_types if kind.sample is not None]
SIGNING_TIME = dt.datetime(2024, 1, 29, 19, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))


def _unsigned_sample(code: str, identity) -> tuple[etree._Element, dt.datetime]:
    """A sample document as prepared, with its signature taken out."""
    prepared = prepare_document(
        sample_document(code),
        document_type=REGISTRY.document_types.get(code),
        tenant=sample_tenant(),
        numbering_range=sample_numbering_range(code),
        environment=REGISTRY.environments.get("habilitacion"),
        identity=identity,
    )
    root = etree.fromstring(prepared.xml)
    signature = root.find(f".//{{{DS_NS}}}Signature")
    signature.getparent().remove(signature)
    return root, prepared.issued_at


def _count_splices(monkeypatch) -> dict[str, int]:
    """From now on, how many signed documents come from a splice (the rest are serialised
    whole)."""
    calls = {"spliced": 0}
    original = splice.signed_bytes

    def counting(*args):
        result = original(*args)
        calls["spliced"] += result is not None
        return result

    monkeypatch.setattr("core.signing.xades.signed_bytes", counting)
    return calls


@pytest.mark.parametrize("code", KINDS_WITH_SAMPLES)
def test_every_sample_kind_is_spliced_into_the_same_bytes(code, identity, monkeypatch):
    root, issued_at = _unsigned_sample(code, identity)
    spliced_count = _count_splices(monkeypatch)
    xml = sign_xades_serialised(root, identity, issued_at, ids_seed="x")
    assert spliced_count["spliced"] == 1
    assert xml == etree.tostring(root, encoding="UTF-8")
    verify_xades(xml)


def _small_invoice(nsmap_extra: dict[str, str] | None = None) -> etree._Element:
    root = new_root("Invoice")
    if nsmap_extra is not None:
        root = etree.Element(root.tag, nsmap=nsmap_extra)
    sub(sub(sub(root, EXT.UBLExtensions), EXT.UBLExtension), EXT.ExtensionContent, "dian")
    sub(root, "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}Note", "¡a!")
    return root


def test_a_document_without_the_signature_prefixes_is_serialised_whole(identity, monkeypatch):
    spliced_count = _count_splices(monkeypatch)
    root = _small_invoice({None: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"})
    xml = sign_xades_serialised(root, identity, SIGNING_TIME, check_issue_date=False)
    assert spliced_count["spliced"] == 0
    assert xml == etree.tostring(root, encoding="UTF-8")
    verify_xades(xml)


def test_exclamation_marks_and_whitespace_in_the_container_still_splice(identity, monkeypatch):
    spliced_count = _count_splices(monkeypatch)
    root = _small_invoice()
    container = sub(sub(root[0], EXT.UBLExtension), EXT.ExtensionContent, "\n  ")
    root[0].addnext(etree.Comment("!"))
    xml = sign_xades_serialised(root, identity, SIGNING_TIME, check_issue_date=False)
    assert spliced_count["spliced"] == 1
    assert xml == etree.tostring(root, encoding="UTF-8")
    assert container[0].tag == f"{{{DS_NS}}}Signature"
    verify_xades(xml)


def test_the_mark_must_occur_once():
    mark = b"<!--m-->"
    assert splice._only_occurrence(b"a" + mark + b"b", mark) == 1
    assert splice._only_occurrence(b"!a" + mark + b"b!", mark) == 2
    assert splice._only_occurrence(mark + mark, mark) == -1
    assert splice._only_occurrence(b"nothing", mark) == -1
