"""Fixtures for the document-type tests: the real plugin registry, a generated certificate and
the DIAN XSD directory (``PASARELA_XSD_DIR`` or the repository's sibling ``shared/dian/xsd``)."""

from __future__ import annotations

import os
from pathlib import Path

import pluggy
import pytest

from core.plugins import build_registry, get_plugin_manager
from core.registry import Registry
from core.sample_documents import SAMPLE_NIT
from core.signing.certificates import SigningIdentity, load_pkcs12
from core.signing.testcerts import generate_test_pkcs12


def xsd_directory() -> Path:
    configured = os.environ.get("PASARELA_XSD_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[4] / "shared" / "dian" / "xsd"


@pytest.fixture(scope="session")
def xsd_dir() -> Path:
    path = xsd_directory()
    if not (path / "maindoc" / "UBL-Invoice-2.1.xsd").is_file():
        pytest.skip(f"DIAN XSDs not found at {path} (set PASARELA_XSD_DIR)")
    return path


@pytest.fixture(scope="session")
def document_plugins() -> pluggy.PluginManager:
    return get_plugin_manager()


@pytest.fixture(scope="session")
def document_registry(document_plugins: pluggy.PluginManager) -> Registry:
    return build_registry(document_plugins)


@pytest.fixture(scope="session")
def signing_identity() -> SigningIdentity:
    data, password = generate_test_pkcs12(nit=SAMPLE_NIT, name="PASARELA DEMO S.A.S.")
    return load_pkcs12(data, password)
