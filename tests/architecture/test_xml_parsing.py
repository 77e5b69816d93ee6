"""One hardened XML parser: XML from outside is parsed only by ``core.xml_parsing``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.architecture.source import PACKAGES, parsed, python_sources, relative

# Places that parse XML themselves instead of through core.xml_parsing, and why that is safe.
PARSES_OWN_XML = {
    "core/xml_parsing.py": "the hardened parser itself",
    "core/signing/xades.py": "the signature template it fills with escaped values",
    "core/dian/wssecurity.py": "an element's own serialization, for exclusive C14N",
    "core/ubl/schemas.py": "the XSD files we ship, with hardened_parser()",
}
PARSING_CALLS = frozenset({"fromstring", "XML", "parse", "iterparse", "XMLParser", "XMLPullParser"})


def etree_calls(path: Path) -> list[str]:
    """Names of ``etree.<parsing call>(...)`` made in a module."""
    return [
        node.func.attr
        for node in ast.walk(parsed(path))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "etree"
        and node.func.attr in PARSING_CALLS
    ]


@pytest.mark.parametrize("path", python_sources(*PACKAGES), ids=relative)
def test_xml_from_outside_is_parsed_only_by_core_xml_parsing(path: Path) -> None:
    if relative(path) in PARSES_OWN_XML:
        return
    assert not etree_calls(path), f"{relative(path)}: parse with core.xml_parsing.parse_xml"


def test_the_parsing_scan_sees_etree_calls(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from lxml import etree\n"
        "etree.fromstring(b'<a/>')\netree.XMLParser()\netree.tostring(x)\nparse(y)\n"
    )
    assert etree_calls(probe) == ["fromstring", "XMLParser"]
