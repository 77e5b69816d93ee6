"""XSD validation of our UBL documents *including* their extension content (rule ZB01).

``ext:ExtensionContent`` is ``xsd:any processContents="lax"``: a schema compiled from
``UBL-Invoice-2.1.xsd`` alone skips ``sts:DianExtensions`` and ``ds:Signature``. This module
compiles, per root, a small wrapper schema that imports the root's UBL schema together with
``DIAN_UBL_Structures.xsd``, XML-DSig and XAdES, so those are validated too.

One deliberate relaxation: the DIAN structures schema restricts ``@schemeID`` of
``sts:ProviderID``/``sts:AuthorizationProviderID`` to identification types (11, 13, 31 ...),
while DIAN's own documents write the check digit there (``AuthorizationProviderID
schemeID="4" schemeName="31"``) and DIAN accepts the provider's DV from every implementation.
The wrapper serves that one schema with that one enumeration removed; everything else is as
shipped. The XSD files are not part of the package: callers pass the directory
(``settings.xsd_dir`` / ``PASARELA_XSD_DIR``).
"""

from __future__ import annotations

import functools
from pathlib import Path

from lxml import etree

from core.ubl.namespaces import DS_NS, STS_NS, XADES141_NS, XADES_NS
from core.xml_parsing import hardened_parser

_XS = "http://www.w3.org/2001/XMLSchema"
_STRUCTURES_URL = "pasarela:DIAN_UBL_Structures.xsd"


class _StructuresResolver(etree.Resolver):
    def __init__(self, text: bytes) -> None:
        super().__init__()
        self._text = text

    def resolve(self, system_url, public_id, context):  # type: ignore[no-untyped-def]
        if system_url == _STRUCTURES_URL:
            return self.resolve_string(self._text, context)
        return None


def _relaxed_structures(xsd_dir: Path) -> bytes:
    tree = etree.parse(str(xsd_dir / "maindoc" / "DIAN_UBL_Structures.xsd"), hardened_parser())
    for node in tree.getroot().iter(f"{{{_XS}}}import"):
        location = (xsd_dir / "maindoc" / node.get("schemaLocation", "")).resolve()
        node.set("schemaLocation", location.as_uri())
    attribute = tree.getroot().find(
        f"{{{_XS}}}complexType[@name='coID2Type']//{{{_XS}}}attribute[@name='schemeID']"
    )
    if attribute is not None:
        for child in list(attribute):
            attribute.remove(child)
        attribute.set("type", "xsd:string")
    return etree.tostring(tree)


@functools.cache
def ubl_schema(xsd_dir: str, root_name: str) -> etree.XMLSchema:
    """The compiled schema for a UBL root (``Invoice``, ``CreditNote``, ``DebitNote``,
    ``ApplicationResponse``, ``AttachedDocument``), cached per process."""
    base = Path(xsd_dir).resolve()
    imports = (
        (
            f"urn:oasis:names:specification:ubl:schema:xsd:{root_name}-2",
            (base / "maindoc" / f"UBL-{root_name}-2.1.xsd").as_uri(),
        ),
        (STS_NS, _STRUCTURES_URL),
        (DS_NS, (base / "common" / "UBL-xmldsig-core-schema-2.1.xsd").as_uri()),
        (XADES_NS, (base / "common" / "UBL-XAdESv132-2.1.xsd").as_uri()),
        (XADES141_NS, (base / "common" / "UBL-XAdESv141-2.1.xsd").as_uri()),
    )
    body = "".join(f'<xsd:import namespace="{ns}" schemaLocation="{url}"/>' for ns, url in imports)
    parser = hardened_parser()
    parser.resolvers.add(_StructuresResolver(_relaxed_structures(base)))
    wrapper = etree.fromstring(
        f'<xsd:schema xmlns:xsd="{_XS}">{body}</xsd:schema>'.encode(), parser
    )
    return etree.XMLSchema(wrapper)


def schema_errors(root: etree._Element, xsd_dir: str | Path) -> list[str]:
    """XSD violations of a document (empty when valid)."""
    schema = ubl_schema(str(xsd_dir), etree.QName(root).localname)
    if schema.validate(root):
        return []
    return [f"línea {e.line}: {e.message}" for e in schema.error_log]
