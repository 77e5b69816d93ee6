"""FacEPro's scenario for ``pasarela bench http --dialect facepro``.

``POST /api/v1/documentos`` with the seed's example body (two lines, one discount) and the
Bearer token ``serve --demo`` wrote; a 201 whose ``data.estado`` is ``aceptado`` or
``pendiente`` with a CUFE is an issued invoice (a 201 rechazado/fallido is an error).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.api import BenchRequest, BenchScenario


def invoice_request(credentials: Mapping[str, Any], sequence: int) -> BenchRequest:
    """One invoice; ``sequence`` makes each line code distinct."""
    return BenchRequest(
        method="POST",
        path="/api/v1/documentos",
        headers={
            "Authorization": f"Bearer {credentials['token']}",
            "Accept": "application/json",
        },
        body={
            "adquiriente": {
                "tipo_persona": "2",
                "tipo_documento": "13",
                "numero_documento": "71234567",
                "razon_social": "JUAN PEREZ",
                "responsabilidad_fiscal": "R-99-PN",
                "email": "juan@correo.com",
                "direccion": "Calle 50 # 30-20",
                "codigo_municipio": "05001",
                "codigo_departamento": "05",
            },
            "lineas": [
                {
                    "codigo": f"PROD-{sequence:06d}",
                    "descripcion": "Repuesto motocicleta XYZ",
                    "cantidad": 2,
                    "precio": 50000,
                    "iva_pct": 19,
                },
                {
                    "codigo": "SERV-010",
                    "descripcion": "Mano de obra instalación",
                    "cantidad": 1,
                    "precio": 25000,
                    "iva_pct": 19,
                    "descuento_pct": 10,
                },
            ],
        },
    )


BENCH = BenchScenario(
    request=invoice_request,
    success_status=201,
    status_path=("data", "estado"),
    success_states=frozenset({"aceptado", "pendiente"}),
    unique_code_path=("data", "cufe"),
)
