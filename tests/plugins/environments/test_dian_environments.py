"""The habilitación and producción environments, loaded through the real entry point."""

from __future__ import annotations

from core.plugins import build_registry, get_plugin_manager


def test_registered_through_entry_point() -> None:
    registry = build_registry(get_plugin_manager(env={"PASARELA_PLUGINS": "dian_environments"}))
    assert registry.environments.ids() == ["habilitacion", "produccion"]

    hab = registry.environments.get("habilitacion")
    assert hab.profile_execution_id == "2"
    assert hab.test_set_flow
    assert hab.soap_url == "https://vpfe-hab.dian.gov.co/WcfDianCustomerServices.svc"
    assert hab.qr_url("abc") == (
        "https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey=abc"
    )

    prod = registry.environments.get("produccion")
    assert prod.profile_execution_id == "1"
    assert not prod.test_set_flow
    assert prod.soap_url == "https://vpfe.dian.gov.co/WcfDianCustomerServices.svc"
    assert prod.qr_url("abc") == (
        "https://catalogo-vpfe.dian.gov.co/document/searchqr?documentkey=abc"
    )
