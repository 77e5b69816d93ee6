"""PKCS#12 loading (modern and legacy-encrypted), identity fields, and the identity cache."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
    pkcs12,
)
from cryptography.x509.oid import NameOID

from core.errors import CertificateError
from core.signing.certificates import CertificateCache, load_pkcs12, subject_nit
from core.signing.testcerts import generate_test_pkcs12, throwaway_ca


def test_identity_fields() -> None:
    data, password = generate_test_pkcs12(nit="900123456", name="Empresa S.A.S.")
    identity = load_pkcs12(data, password)
    cert = identity.certificate
    assert identity.der == cert.public_bytes(Encoding.DER)
    assert base64.b64decode(identity.der_b64) == identity.der
    assert identity.serial_number == str(cert.serial_number)
    assert identity.issuer_name == "C=CO,O=Pasarela (solo pruebas),CN=Pasarela Test CA"
    assert (
        identity.cert_sha256_b64 == base64.b64encode(hashlib.sha256(identity.der).digest()).decode()
    )
    assert identity.subject_nit == "900123456"
    assert identity.chain == (throwaway_ca()[1],)
    assert identity.chain_b64 == (
        base64.b64encode(throwaway_ca()[1].public_bytes(Encoding.DER)).decode(),
    )
    assert identity.private_key.public_key().public_numbers() == cert.public_key().public_numbers()
    assert "PRIVATE" not in repr(identity) and "900123456" in repr(identity)


def test_test_certificate_looks_like_a_colombian_signing_certificate() -> None:
    data, password = generate_test_pkcs12(nit="900123456", name="Empresa S.A.S.", days=30)
    cert = load_pkcs12(data, password).certificate
    subject = {a.oid: a.value for a in cert.subject}
    assert subject == {
        NameOID.COMMON_NAME: "Empresa S.A.S.",
        NameOID.ORGANIZATION_NAME: "Empresa S.A.S.",
        NameOID.COUNTRY_NAME: "CO",
        NameOID.SERIAL_NUMBER: "900123456",
    }
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days == 30
    assert cert.public_key().key_size == 2048
    ca_cert = throwaway_ca()[1]
    cert.verify_directly_issued_by(ca_cert)


def test_self_signed_has_no_chain() -> None:
    data, password = generate_test_pkcs12(nit="1", name="Persona Natural", self_signed=True)
    identity = load_pkcs12(data, password)
    assert identity.chain == ()
    assert identity.certificate.issuer == identity.certificate.subject


def test_legacy_3des_sha1_mac_pkcs12_loads() -> None:
    data, password = generate_test_pkcs12(nit="900123456", name="Legacy", legacy=True)
    assert load_pkcs12(data, password).subject_nit == "900123456"
    assert load_pkcs12(data, password.encode()).subject_nit == "900123456"


def test_openssl_legacy_rc2_pkcs12_loads(tmp_path: Path) -> None:
    """``openssl pkcs12 -export -legacy``: RC2-40 certificates, 3DES key, SHA-1 MAC."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl command not installed")
    data, password = generate_test_pkcs12(nit="860000001", name="Legacy CA File")
    source = load_pkcs12(data, password)
    key_pem = tmp_path / "key.pem"
    key_pem.write_bytes(
        source.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    )
    cert_pem = tmp_path / "cert.pem"
    cert_pem.write_bytes(source.certificate.public_bytes(Encoding.PEM))
    out = tmp_path / "legacy.p12"
    result = subprocess.run(
        [
            "openssl",
            "pkcs12",
            "-export",
            "-legacy",
            "-in",
            str(cert_pem),
            "-inkey",
            str(key_pem),
            "-out",
            str(out),
            "-passout",
            "pass:Clave#2024",
        ],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip(f"openssl cannot write legacy PKCS#12 here: {result.stderr.decode()[:200]}")
    identity = load_pkcs12(out.read_bytes(), "Clave#2024")
    assert identity.certificate == source.certificate
    assert identity.subject_nit == "860000001"


def test_wrong_password_raises_a_spanish_certificate_error() -> None:
    data, _ = generate_test_pkcs12(nit="900123456", name="X", password="correcta")
    with pytest.raises(CertificateError, match="contraseña es incorrecta") as info:
        load_pkcs12(data, "incorrecta")
    assert "incorrecta" not in str(info.value).replace("es incorrecta", "")
    with pytest.raises(CertificateError):
        load_pkcs12(data, None)


def test_damaged_file_raises_certificate_error() -> None:
    with pytest.raises(CertificateError):
        load_pkcs12(b"not a pkcs12", "x")


def test_pkcs12_without_key_is_refused() -> None:
    data, password = generate_test_pkcs12(nit="900123456", name="X")
    cert = load_pkcs12(data, password).certificate
    only_cert = pkcs12.serialize_key_and_certificates(
        b"x", None, cert, None, BestAvailableEncryption(b"pw")
    )
    with pytest.raises(CertificateError, match="llave privada"):
        load_pkcs12(only_cert, "pw")


def test_non_rsa_key_is_refused() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "EC")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(throwaway_ca()[1].not_valid_before_utc)
        .not_valid_after(throwaway_ca()[1].not_valid_after_utc)
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"ec", key, cert, None, BestAvailableEncryption(b"pw")
    )
    with pytest.raises(CertificateError, match="RSA"):
        load_pkcs12(data, "pw")


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        ("900123456", "900123456"),
        ("900123456-7", "900123456"),
        ("NIT 900123456", "900123456"),
        ("abc", None),
    ],
)
def test_subject_nit(serial: str, expected: str | None) -> None:
    key = throwaway_ca()[0]
    name = x509.Name([x509.NameAttribute(NameOID.SERIAL_NUMBER, serial)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(throwaway_ca()[1].not_valid_before_utc)
        .not_valid_after(throwaway_ca()[1].not_valid_after_utc)
        .sign(key, hashes.SHA256())
    )
    assert subject_nit(cert) == expected


def test_cache_parses_once_and_still_checks_the_password() -> None:
    data, password = generate_test_pkcs12(nit="900123456", name="X")
    cache = CertificateCache()
    first = cache.get(data, password)
    assert cache.get(data, password) is first
    assert len(cache) == 1
    with pytest.raises(CertificateError):
        cache.get(data, "otra")
    cache.clear()
    assert len(cache) == 0
    assert cache.get(data, password) is not first


def test_cache_is_thread_safe() -> None:
    data, password = generate_test_pkcs12(nit="900123456", name="X")
    cache = CertificateCache()
    with ThreadPoolExecutor(max_workers=8) as pool:
        identities = list(pool.map(lambda _: cache.get(data, password), range(32)))
    assert all(identity is identities[0] for identity in identities)
    assert len(cache) == 1


def test_cache_evicts_least_recently_used() -> None:
    files = [generate_test_pkcs12(nit=str(n), name="X", password="pw")[0] for n in range(3)]
    cache = CertificateCache(maxsize=2)
    first = cache.get(files[0], "pw")
    cache.get(files[1], "pw")
    assert cache.get(files[0], "pw") is first  # refreshes files[0]
    cache.get(files[2], "pw")  # evicts files[1]
    assert len(cache) == 2
    assert cache.get(files[0], "pw") is first


def test_non_ascii_password_round_trips() -> None:
    data, password = generate_test_pkcs12(nit="900123456", name="X", password="contraseña-ñ")
    assert load_pkcs12(data, "contraseña-ñ").subject_nit == "900123456"
    with pytest.raises(CertificateError):
        load_pkcs12(data, "contrasena-n")
