"""FacEPro payloads to the canonical ``Document``, and canonical field paths back to FacEPro's.

``to_document`` expects a payload that ``validation.check_documento`` accepted. The path
translation lets core's ``ValidationFailed`` problems (``lines[0].quantity``) come back to
the client on the path it sent (``lineas.0.cantidad``).
"""

from __future__ import annotations

import datetime as dt
import re

from adapters.facepro.payloads import Adquiriente, DocumentoPayload, Linea, NotaPayload
from adapters.facepro.validation import (
    DEFAULT_UNIDAD,
    Kind,
    as_code,
    dane_code,
    parse_time,
    responsabilidades,
)
from core.api import (
    Address,
    AllowanceCharge,
    BillingReference,
    Contact,
    Discrepancy,
    Document,
    Line,
    Party,
    Tax,
    catalogs,
    parse_iso_date,
    to_bogota,
)

BOGOTA_OFFSET = dt.timezone(dt.timedelta(hours=-5))

# kind -> (DIAN type code, CustomizationID)
DOCUMENT_TYPES: dict[Kind, tuple[str, str]] = {
    "factura": ("01", "10"),
    "nota_credito": ("91", "20"),
    "nota_debito": ("92", "30"),
}
KIND_BY_TYPE_CODE: dict[str, Kind] = {code: kind for kind, (code, _) in DOCUMENT_TYPES.items()}
IVA = "01"


def to_document(payload: DocumentoPayload, kind: Kind, now: dt.datetime) -> Document:
    """The canonical document for a valid FacEPro payload; ``now`` fills missing date/time."""
    type_code, operation_type = DOCUMENT_TYPES[kind]
    now = to_bogota(now)
    factura = payload.factura
    issue_date = parse_iso_date(factura.fecha) if factura and factura.fecha else None
    issue_time = parse_time(factura.hora) if factura and factura.hora else None
    assert payload.adquiriente is not None and payload.lineas
    billing_reference = discrepancy = None
    if kind != "factura":
        assert isinstance(payload, NotaPayload)
        ref, motivo = payload.factura_referencia, payload.motivo
        assert ref is not None and motivo is not None and ref.cufe and ref.fecha
        billing_reference = BillingReference(
            number=as_code(ref.numero) or "",
            uuid=ref.cufe.strip().lower(),
            issue_date=dt.date.fromisoformat(ref.fecha.strip()),
            type_code="01",
        )
        discrepancy = Discrepancy(
            code=as_code(motivo.codigo) or "", description=(motivo.descripcion or "").strip()
        )
    return Document(
        type_code=type_code,
        operation_type=operation_type,
        issue_date=issue_date or now.date(),
        issue_time=(issue_time or now.time().replace(microsecond=0, tzinfo=None)).replace(
            tzinfo=BOGOTA_OFFSET
        ),
        customer=to_party(payload.adquiriente),
        lines=tuple(to_line(linea) for linea in payload.lineas),
        billing_reference=billing_reference,
        discrepancy=discrepancy,
    )


def to_party(a: Adquiriente) -> Party:
    """The customer ``Party``: catalog codes pass through, DANE names come from core.catalogs."""
    id_type = as_code(a.tipo_documento) or ""
    levels = responsabilidades(a.responsabilidad_fiscal)
    return Party(
        organization_type="1" if as_code(a.tipo_persona) == "1" else "2",
        id_type=id_type,
        id_number=as_code(a.numero_documento) or "",
        dv=as_code(a.dv) if id_type == "31" else None,
        name=(a.razon_social or "").strip(),
        tax_level_codes=levels,
        tax_scheme="ZZ" if levels == ("R-99-PN",) else "01",
        address=_address(a),
        contact=Contact(email=a.email.strip()) if a.email and a.email.strip() else None,
    )


def _address(a: Adquiriente) -> Address | None:
    municipality = catalogs.municipality(dane_code(a.codigo_municipio, 5))
    department = catalogs.department(dane_code(a.codigo_departamento, 2))
    if department is None and municipality is not None:
        department = municipality.department
    line = a.direccion.strip() if a.direccion and a.direccion.strip() else None
    if municipality is None and department is None and line is None:
        return None
    return Address(
        municipality_code=municipality.code if municipality else None,
        city_name=municipality.name if municipality else None,
        department_code=department.code if department else None,
        department_name=department.name if department else None,
        line=line,
    )


def to_line(linea: Linea) -> Line:
    """One canonical line: IVA as tax scheme 01, the discount as a line allowance."""
    assert linea.cantidad is not None and linea.precio is not None and linea.iva_pct is not None
    allowances: tuple[AllowanceCharge, ...] = ()
    if linea.descuento_pct is not None and linea.descuento_pct > 0:
        allowances = (AllowanceCharge(percent=linea.descuento_pct, reason="Descuento"),)
    elif linea.descuento_valor is not None and linea.descuento_valor > 0:
        allowances = (AllowanceCharge(amount=linea.descuento_valor, reason="Descuento"),)
    return Line(
        code=as_code(linea.codigo),
        description=(linea.descripcion or "").strip(),
        quantity=linea.cantidad,
        unit_code=as_code(linea.unidad) or DEFAULT_UNIDAD,
        unit_price=linea.precio,
        allowances_charges=allowances,
        taxes=(Tax(scheme=IVA, percent=linea.iva_pct),),
    )


# Canonical path segment -> FacEPro name, or (FacEPro name, children). An empty name adds
# no segment (and drops the index after it: FacEPro has one IVA and one discount per line);
# "*" is the fallback for any other child.
_Tree = dict[str, "str | tuple[str, _Tree]"]

_ADDRESS: _Tree = {
    "municipality_code": "codigo_municipio",
    "city_name": "codigo_municipio",
    "department_code": "codigo_departamento",
    "department_name": "codigo_departamento",
    "*": "direccion",
}
_PARTY: _Tree = {
    "organization_type": "tipo_persona",
    "id_type": "tipo_documento",
    "id_number": "numero_documento",
    "dv": "dv",
    "name": "razon_social",
    "tax_level_codes": "responsabilidad_fiscal",
    "tax_scheme": "responsabilidad_fiscal",
    "address": ("", _ADDRESS),
    "contact": ("", {"*": "email"}),
}
_LINE: _Tree = {
    "code": "codigo",
    "description": "descripcion",
    "quantity": "cantidad",
    "unit_code": "unidad",
    "unit_price": "precio",
    "taxes": ("", {"*": "iva_pct"}),
    "allowances_charges": ("", {"amount": "descuento_valor", "*": "descuento_pct"}),
}
_DOCUMENT: _Tree = {
    "customer": ("adquiriente", _PARTY),
    "supplier": ("emisor", _PARTY),
    "prefix": "prefijo",
    "number": "consecutivo",
    "lines": ("lineas", _LINE),
    "issue_date": "factura.fecha",
    "issue_time": "factura.hora",
    "billing_reference": (
        "factura_referencia",
        {"number": "numero", "uuid": "cufe", "issue_date": "fecha", "*": "cufe"},
    ),
    "discrepancy": ("motivo", {"code": "codigo", "description": "descripcion", "*": "codigo"}),
}


def facepro_path(canonical: str) -> str:
    """``lines[0].taxes[0].percent`` -> ``lineas.0.iva_pct``; unknown tails are kept as sent."""
    segments = re.findall(r"[^.\[\]]+", canonical)
    out: list[str] = []
    node = _DOCUMENT
    keep_index = True
    for position, segment in enumerate(segments):
        if segment.isdigit():
            if keep_index:
                out.append(segment)
            continue
        entry = node.get(segment, node.get("*"))
        if entry is None:
            out.extend(segments[position:])
            return ".".join(out)
        if isinstance(entry, str):
            out.append(entry)
            return ".".join(out)
        name, node = entry
        keep_index = bool(name)
        if name:
            out.append(name)
    fallback = node.get("*")
    if not keep_index and isinstance(fallback, str):
        out.append(fallback)  # the path stopped on a collapsed node (``lines[1].taxes[0]``)
    return ".".join(out) or "documento"
