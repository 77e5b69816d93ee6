"""Test signing certificates shaped like the ones Colombian CAs issue.

Used by the test suite, by ``serve --demo`` (a tenant that can sign without buying a
certificate) and by the DIAN simulator for its own signature. Never valid for real DIAN use:
the issuer is a throwaway "Pasarela Test CA" generated per process.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    PrivateFormat,
    pkcs12,
)
from cryptography.x509.oid import NameOID

_KEY_BITS = 2048


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=_KEY_BITS)


@functools.cache
def throwaway_ca() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """The process-wide test CA (key, certificate); generated once because RSA keygen is slow."""
    key = _new_key()
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Pasarela Test CA"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Pasarela (solo pruebas)"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CO"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def generate_test_pkcs12(
    *,
    nit: str,
    name: str,
    days: int = 730,
    legacy: bool = False,
    password: str | None = None,
    self_signed: bool = False,
    not_before: dt.datetime | None = None,
) -> tuple[bytes, str]:
    """A PKCS#12 with an RSA-2048 key and a signing certificate for ``nit``; returns (bytes, pw).

    The subject is ``CN=name, O=name, C=CO, serialNumber=nit`` with key usage digitalSignature +
    nonRepudiation, as on Colombian signing certificates. By default the certificate is signed by
    :func:`throwaway_ca` and the CA certificate travels in the file; ``self_signed`` skips the CA.
    ``legacy`` encrypts with 3DES and a SHA-1 MAC, as the CAs' files are. A random password is
    generated when none is given. ``not_before`` (UTC now minus one hour by default) lets tests
    build expired or not-yet-valid certificates.
    """
    password = password if password is not None else secrets.token_urlsafe(12)
    key = _new_key()
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CO"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, nit),
        ]
    )
    if self_signed:
        issuer_key, issuer_name, chain = key, subject, []
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key())
    else:
        issuer_key, ca_certificate = throwaway_ca()
        issuer_name, chain = ca_certificate.subject, [ca_certificate]
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key())
    start = not_before or dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(aki, critical=False)
        .sign(issuer_key, hashes.SHA256())
    )
    secret = password.encode("utf-8")
    if legacy:
        encryption = (
            PrivateFormat.PKCS12.encryption_builder()
            .kdf_rounds(2048)
            .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
            .hmac_hash(hashes.SHA1())
            .build(secret)
        )
    else:
        encryption = BestAvailableEncryption(secret)
    data = pkcs12.serialize_key_and_certificates(
        name=name.encode("utf-8"),
        key=key,
        cert=certificate,
        cas=chain,
        encryption_algorithm=encryption,
    )
    return data, password
