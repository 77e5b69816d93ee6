"""DIAN's real environments: habilitación (tests, ProfileExecutionID 2) and producción (1).

Registered through the same hook a third-party plugin would use (DESIGN §5). The simulator
lives in ``plugins.environments.simulador``.
"""

from __future__ import annotations

from collections.abc import Callable

from core.api import Environment, hookimpl

HABILITACION = Environment(
    id="habilitacion",
    title="DIAN habilitación (pruebas)",
    profile_execution_id="2",
    soap_url="https://vpfe-hab.dian.gov.co/WcfDianCustomerServices.svc",
    qr_base_url="https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey=",
    test_set_flow=True,
    production="produccion",
)

PRODUCCION = Environment(
    id="produccion",
    title="DIAN producción",
    profile_execution_id="1",
    soap_url="https://vpfe.dian.gov.co/WcfDianCustomerServices.svc",
    qr_base_url="https://catalogo-vpfe.dian.gov.co/document/searchqr?documentkey=",
)


@hookimpl
def pasarela_register_environments(register: Callable[[Environment], None]) -> None:
    register(HABILITACION)
    register(PRODUCCION)
