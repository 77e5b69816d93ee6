"""PKCS#12 loading and a per-process cache of parsed signing identities.

Colombian CAs (Certicámara, GSE, Andes SCD...) still issue PKCS#12 files encrypted with legacy
algorithms (RC2-40 or 3DES with a SHA-1 MAC); ``cryptography``'s loader reads them. Parsing a
PKCS#12 costs tens of milliseconds, signing about one, so identities are parsed once and
everything the signers need repeatedly (base64 DER, digests, issuer name) is computed here once.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from cryptography.x509.oid import NameOID

from core.errors import CertificateError

_NIT_IN_SERIAL = re.compile(r"^\D*(\d{5,15})(?:-\d)?\s*$")


@dataclass(frozen=True, slots=True, eq=False)
class SigningIdentity:
    """A private key with its certificate, plus the values every signature repeats.

    ``issuer_name`` is the RFC 4514 string written as ``ds:X509IssuerName``; ``serial_number``
    is decimal (``ds:X509SerialNumber``); ``chain``/``chain_b64`` are the CA certificates that
    came with the key; ``cert_sha256_b64`` is the XAdES ``CertDigest``.
    ``subject_nit`` is the NIT found in the subject's serialNumber attribute (without DV), which
    is where Colombian CAs put it; DIAN derives the caller's NIT from the certificate.
    """

    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    chain_b64: tuple[str, ...]
    der: bytes
    der_b64: str
    issuer_name: str
    serial_number: str
    cert_sha256_b64: str
    subject_nit: str | None

    def __repr__(self) -> str:  # never show key material in logs
        return f"SigningIdentity(subject={self.certificate.subject.rfc4514_string()!r})"


def identity_from(
    private_key: rsa.RSAPrivateKey,
    certificate: x509.Certificate,
    chain: tuple[x509.Certificate, ...] = (),
) -> SigningIdentity:
    """Build a :class:`SigningIdentity` from already-loaded objects (precomputes the caches)."""
    der = certificate.public_bytes(Encoding.DER)
    return SigningIdentity(
        private_key=private_key,
        certificate=certificate,
        chain=chain,
        chain_b64=tuple(
            base64.b64encode(c.public_bytes(Encoding.DER)).decode("ascii") for c in chain
        ),
        der=der,
        der_b64=base64.b64encode(der).decode("ascii"),
        issuer_name=certificate.issuer.rfc4514_string(),
        serial_number=str(certificate.serial_number),
        cert_sha256_b64=base64.b64encode(certificate.fingerprint(hashes.SHA256())).decode("ascii"),
        subject_nit=subject_nit(certificate),
    )


def subject_nit(certificate: x509.Certificate) -> str | None:
    """The NIT in the subject serialNumber (``900123456`` or ``900123456-7``), without DV."""
    for attribute in certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER):
        value = attribute.value if isinstance(attribute.value, str) else ""
        match = _NIT_IN_SERIAL.match(value)
        if match:
            return match.group(1)
    return None


def _password_bytes(password: str | bytes | None) -> bytes | None:
    if password is None or password in ("", b""):
        return None
    return password.encode("utf-8") if isinstance(password, str) else password


def load_pkcs12(data: bytes, password: str | bytes | None) -> SigningIdentity:
    """Open a PKCS#12 (``.p12``/``.pfx``), modern or legacy-encrypted, into a SigningIdentity.

    Raises :class:`CertificateError` with a Spanish message on a wrong password, a damaged file,
    a file without key or certificate, or a non-RSA key (DIAN signs with RSA-SHA256).
    """
    try:
        bundle = pkcs12.load_pkcs12(data, _password_bytes(password))
    except ValueError as exc:
        raise CertificateError(
            "No se pudo abrir el certificado: la contraseña es incorrecta "
            "o el archivo PKCS#12 está dañado."
        ) from exc
    except Exception as exc:  # e.g. an unsupported cipher inside the file
        raise CertificateError(
            "No se pudo abrir el certificado: formato PKCS#12 no soportado."
        ) from exc
    if bundle.key is None or bundle.cert is None:
        raise CertificateError(
            "El archivo PKCS#12 debe contener la llave privada y el certificado de firma."
        )
    if not isinstance(bundle.key, rsa.RSAPrivateKey):
        raise CertificateError("La llave privada del certificado debe ser RSA.")
    certificate = bundle.cert.certificate
    if bundle.key.public_key().public_numbers() != certificate.public_key().public_numbers():  # type: ignore[union-attr]
        raise CertificateError("La llave privada no corresponde al certificado.")
    chain = tuple(extra.certificate for extra in bundle.additional_certs)
    return identity_from(bundle.key, certificate, chain)


class CertificateCache:
    """Thread-safe LRU of parsed identities, keyed by digests of the PKCS#12 bytes and password.

    The password is part of the key (as a digest, never stored in clear) so that a wrong
    password is still refused after the right one was cached.
    """

    def __init__(self, maxsize: int = 256) -> None:
        self._maxsize = maxsize
        self._items: OrderedDict[tuple[bytes, bytes], SigningIdentity] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(data: bytes, password: str | bytes | None) -> tuple[bytes, bytes]:
        secret = _password_bytes(password) or b""
        return hashlib.sha256(data).digest(), hashlib.sha256(b"pkcs12-pw:" + secret).digest()

    def get(self, data: bytes, password: str | bytes | None) -> SigningIdentity:
        """The identity for this PKCS#12, parsed on first use (raises CertificateError)."""
        key = self._key(data, password)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        identity = load_pkcs12(data, password)  # parsed outside the lock: slow, pure
        with self._lock:
            found = self._items.setdefault(key, identity)
            self._items.move_to_end(key)
            while len(self._items) > self._maxsize:
                self._items.popitem(last=False)
            return found

    def clear(self) -> None:
        """Forget every identity (e.g. after a tenant replaced its certificate)."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
