"""Signing identities generated once per test session (RSA key generation is slow)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.signing.certificates import SigningIdentity, load_pkcs12
from core.signing.testcerts import generate_test_pkcs12

VALID_FROM = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def identity() -> SigningIdentity:
    """A supplier's certificate issued by the throwaway test CA (the CA travels in the chain),
    valid 2024-2034 so the fixed dates of the tests fall inside it."""
    data, password = generate_test_pkcs12(
        nit="900123456", name="Empresa de Prueba S.A.S.", days=3650, not_before=VALID_FROM
    )
    return load_pkcs12(data, password)


@pytest.fixture(scope="session")
def other_identity() -> SigningIdentity:
    """A second, unrelated, self-signed certificate."""
    data, password = generate_test_pkcs12(nit="800111222", name="Otra S.A.S.", self_signed=True)
    return load_pkcs12(data, password)
