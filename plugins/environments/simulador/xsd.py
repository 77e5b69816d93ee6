"""XSD validation of received documents (rule ZB01), against the UBL 2.1 schemas DIAN uses.

The schemas are not shipped with Pasarela: ``settings.xsd_dir`` points at a directory holding
``maindoc/UBL-<Root>-2.1.xsd`` and ``common/``. Each schema is compiled once per process.
"""

from __future__ import annotations

import functools
from pathlib import Path

from lxml import etree


@functools.cache
def _schema(path: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(path, parser))


class XsdValidator:
    def __init__(self, xsd_dir: Path) -> None:
        self.xsd_dir = Path(xsd_dir)

    def schema_for(self, root_name: str) -> etree.XMLSchema | None:
        path = self.xsd_dir / "maindoc" / f"UBL-{root_name}-2.1.xsd"
        return _schema(str(path)) if path.is_file() else None

    def errors(self, root: etree._Element) -> list[str]:
        """Schema violations of a parsed document (empty when valid or no schema applies)."""
        schema = self.schema_for(etree.QName(root).localname)
        if schema is None:
            return [f"No hay esquema XSD para {etree.QName(root).localname}"]
        if schema.validate(root):
            return []
        return [f"línea {e.line}: {e.message}" for e in schema.error_log]

    def is_valid(self, root: etree._Element) -> bool:
        return not self.errors(root)
