"""WS-Security X.509 signature of DIAN SOAP requests, and its verification (dian-tech.md §4.3).

It lives beside the SOAP code it signs; from ``core.signing`` it takes only the key and
certificate (``SigningIdentity``) and the algorithm table, so the dependency runs one way.

DIAN authenticates callers only by this header: a BinarySecurityToken with the certificate, a
Timestamp, and an RSA-SHA256 signature in exclusive C14N over ``wsa:To``. DIAN derives the
caller's NIT from the certificate. The envelope skeleton (Envelope/Header with ``wsa:Action``
and ``wsa:To``, Body) comes from ``core.dian.envelopes``; :func:`sign_envelope` only adds the
security header. :func:`verify_envelope` is what the DIAN simulator runs on every request.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from core.dian.soap import SOAP_NS, WSA_NS, WSSE_NS, WSU_NS, wcf_timestamp
from core.errors import WsSecurityError
from core.signing.algorithms import DIGEST_SHA256, DIGESTS, RSA_SHA256, SIGNATURE_HASHES
from core.signing.certificates import SigningIdentity
from core.ubl.namespaces import DS_NS
from core.xml_parsing import UnsafeXml, parse_xml

EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
BASE64_BINARY = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
)
X509V3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"

# Inclusive prefixes exactly as ODOO / UBL21DIAN send them (§4.3).
SIGNED_INFO_PREFIXES = ("wsa", "soap", "wcf")
REFERENCE_PREFIXES = ("soap", "wcf")

DEFAULT_TTL_S = 60000

# WsSecurityError codes (stable; the simulator maps them to SOAP faults).
MALFORMED = "malformed"
MISSING_SECURITY = "missing_security"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
INVALID_SIGNATURE = "invalid_signature"
UNTRUSTED_CERTIFICATE = "untrusted_certificate"


def _q(namespace: str, local: str) -> str:
    return f"{{{namespace}}}{local}"


def _exc_c14n(element: etree._Element, prefixes: Sequence[str]) -> bytes:
    """Exclusive C14N (without comments) with an InclusiveNamespaces PrefixList.

    The element is re-parsed on its own first (its serialization carries every in-scope
    declaration): lxml 6 / libxml2 2.14 drop the PrefixList namespaces declared on ancestors
    when canonicalizing an element of a tree built in memory, but not of a parsed one.
    """
    # Our own serialization of an already-parsed element: the (thread-local) default parser is
    # safe here, it holds no DTD or entity.
    standalone = etree.fromstring(etree.tostring(element, with_tail=False))
    return etree.tostring(
        standalone,
        method="c14n",
        exclusive=True,
        with_comments=False,
        inclusive_ns_prefixes=list(prefixes) or None,
    )


def new_to_id() -> str:
    """A fresh ``wsu:Id`` for ``wsa:To`` (the element the signature references)."""
    return f"id-{uuid.uuid4().hex.upper()}"


def _to_with_id(header: etree._Element) -> tuple[etree._Element, str]:
    """``wsa:To`` and its ``wsu:Id``, giving it one (declared on the element) if missing."""
    to = header.find(_q(WSA_NS, "To"))
    if to is None:
        raise ValueError("El sobre SOAP debe tener wsa:To para firmarlo con WS-Security.")
    existing = to.get(_q(WSU_NS, "Id"))
    if existing:
        return to, existing
    to_id = new_to_id()
    if to.nsmap.get("wsu") != WSU_NS:
        # lxml cannot add a declaration to an existing element: rebuild it with ``wsu`` in scope.
        rebuilt = etree.Element(to.tag, dict(to.attrib), nsmap={"wsu": WSU_NS})
        rebuilt.text, rebuilt.tail = to.text, to.tail
        rebuilt.extend(list(to))
        header.replace(to, rebuilt)
        to = rebuilt
    to.set(_q(WSU_NS, "Id"), to_id)
    return to, to_id


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, **attrib: str
) -> etree._Element:
    element = etree.SubElement(parent, tag, attrib) if attrib else etree.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _inclusive_namespaces(parent: etree._Element, prefixes: Sequence[str]) -> None:
    etree.SubElement(
        parent,
        _q(EXC_C14N, "InclusiveNamespaces"),
        {"PrefixList": " ".join(prefixes)},
        nsmap={"ec": EXC_C14N},
    )


def sign_envelope(
    envelope_root: etree._Element,
    identity: SigningIdentity,
    *,
    created: dt.datetime | None = None,
    ttl_s: int = DEFAULT_TTL_S,
) -> None:
    """Add DIAN's WS-Security header to a SOAP 1.2 envelope, in place.

    Finds ``wsse:Security`` in ``soap:Header`` or creates it first in the header, then writes
    the Timestamp (``created``, UTC now by default, to ``created + ttl_s``), the
    BinarySecurityToken and an RSA-SHA256 signature over ``wsa:To`` (which must exist).
    Serialize the result without pretty-printing.
    """
    header = envelope_root.find(_q(SOAP_NS, "Header"))
    if header is None:
        raise ValueError("El sobre SOAP no tiene soap:Header.")
    to, to_id = _to_with_id(header)
    security = header.find(_q(WSSE_NS, "Security"))
    if security is None:
        security = etree.Element(_q(WSSE_NS, "Security"), nsmap={"wsse": WSSE_NS, "wsu": WSU_NS})
        header.insert(0, security)
    elif security.find(_q(DS_NS, "Signature")) is not None:
        raise ValueError("El sobre SOAP ya está firmado.")

    start = created if created is not None else dt.datetime.now(dt.UTC)
    if start.tzinfo is None:
        raise ValueError("created debe incluir zona horaria.")
    timestamp = _sub(security, _q(WSU_NS, "Timestamp"))
    _sub(timestamp, _q(WSU_NS, "Created"), wcf_timestamp(start))
    _sub(timestamp, _q(WSU_NS, "Expires"), wcf_timestamp(start + dt.timedelta(seconds=ttl_s)))

    token_id = f"X509-{uuid.uuid4().hex.upper()}"
    _sub(
        security,
        _q(WSSE_NS, "BinarySecurityToken"),
        identity.der_b64,
        EncodingType=BASE64_BINARY,
        ValueType=X509V3,
        **{_q(WSU_NS, "Id"): token_id},
    )

    signature = etree.SubElement(security, _q(DS_NS, "Signature"), nsmap={"ds": DS_NS})
    signed_info = _sub(signature, _q(DS_NS, "SignedInfo"))
    c14n_method = _sub(signed_info, _q(DS_NS, "CanonicalizationMethod"), Algorithm=EXC_C14N)
    _inclusive_namespaces(c14n_method, SIGNED_INFO_PREFIXES)
    _sub(signed_info, _q(DS_NS, "SignatureMethod"), Algorithm=RSA_SHA256)
    reference = _sub(signed_info, _q(DS_NS, "Reference"), URI=f"#{to_id}")
    transform = _sub(
        _sub(reference, _q(DS_NS, "Transforms")), _q(DS_NS, "Transform"), Algorithm=EXC_C14N
    )
    _inclusive_namespaces(transform, REFERENCE_PREFIXES)
    _sub(reference, _q(DS_NS, "DigestMethod"), Algorithm=DIGEST_SHA256)
    digest = hashlib.sha256(_exc_c14n(to, REFERENCE_PREFIXES)).digest()
    _sub(reference, _q(DS_NS, "DigestValue"), base64.b64encode(digest).decode("ascii"))
    signature_value = _sub(signature, _q(DS_NS, "SignatureValue"))
    token_reference = _sub(
        _sub(signature, _q(DS_NS, "KeyInfo")), _q(WSSE_NS, "SecurityTokenReference")
    )
    _sub(token_reference, _q(WSSE_NS, "Reference"), URI=f"#{token_id}", ValueType=X509V3)

    value = identity.private_key.sign(
        _exc_c14n(signed_info, SIGNED_INFO_PREFIXES), padding.PKCS1v15(), hashes.SHA256()
    )
    signature_value.text = base64.b64encode(value).decode("ascii")


# --- verification ------------------------------------------------------------------------------


def _fail(code: str, message: str) -> WsSecurityError:
    return WsSecurityError(code, message)


def _parse(xml: bytes) -> etree._Element:
    try:
        return parse_xml(xml)
    except UnsafeXml as exc:
        raise _fail(MALFORMED, f"El mensaje SOAP no es aceptable: {exc}") from exc


def _prefix_list(parent: etree._Element) -> list[str]:
    node = parent.find(_q(EXC_C14N, "InclusiveNamespaces"))
    return (node.get("PrefixList") or "").split() if node is not None else []


def _parse_utc(text: str | None, what: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat((text or "").strip())
    except ValueError as exc:
        raise _fail(MALFORMED, f"El {what} del Timestamp no es una fecha válida.") from exc
    if moment.tzinfo is None:
        raise _fail(MALFORMED, f"El {what} del Timestamp debe estar en UTC.")
    return moment


def _check_timestamp(security: etree._Element, now: dt.datetime, skew: dt.timedelta) -> None:
    timestamp = security.find(_q(WSU_NS, "Timestamp"))
    if timestamp is None:
        raise _fail(MISSING_SECURITY, "El encabezado WS-Security no tiene Timestamp.")
    created = _parse_utc(timestamp.findtext(_q(WSU_NS, "Created")), "Created")
    expires_text = timestamp.findtext(_q(WSU_NS, "Expires"))
    if created - skew > now:
        raise _fail(NOT_YET_VALID, "El Timestamp del mensaje aún no es válido (Created futuro).")
    if expires_text is not None and _parse_utc(expires_text, "Expires") + skew < now:
        raise _fail(EXPIRED, "El Timestamp del mensaje está vencido (Expires).")


def _element_by_wsu_id(root: etree._Element, element_id: str) -> etree._Element:
    matches = root.xpath("//*[@wsu:Id=$id or @Id=$id]", namespaces={"wsu": WSU_NS}, id=element_id)
    if len(matches) != 1:
        raise _fail(
            INVALID_SIGNATURE, f"La referencia #{element_id} no identifica un único elemento."
        )
    return matches[0]


def _check_references(
    root: etree._Element, signed_info: etree._Element, to: etree._Element
) -> None:
    covers_to = False
    for reference in signed_info.findall(_q(DS_NS, "Reference")):
        uri = reference.get("URI") or ""
        if not uri.startswith("#"):
            raise _fail(INVALID_SIGNATURE, f"Referencia no soportada en la firma: {uri!r}.")
        target = _element_by_wsu_id(root, uri[1:])
        transforms = reference.findall(f"{_q(DS_NS, 'Transforms')}/{_q(DS_NS, 'Transform')}")
        if len(transforms) != 1 or transforms[0].get("Algorithm") != EXC_C14N:
            raise _fail(INVALID_SIGNATURE, "La referencia debe usar C14N exclusiva.")
        method = reference.find(_q(DS_NS, "DigestMethod"))
        digest = DIGESTS.get(method.get("Algorithm", "") if method is not None else "")
        if digest is None:
            raise _fail(INVALID_SIGNATURE, "Algoritmo de digest no soportado en la firma.")
        expected = "".join((reference.findtext(_q(DS_NS, "DigestValue")) or "").split())
        actual = digest(_exc_c14n(target, _prefix_list(transforms[0])))
        if base64.b64encode(actual).decode("ascii") != expected:
            raise _fail(INVALID_SIGNATURE, "El digest de un elemento firmado no coincide.")
        covers_to = covers_to or target is to
    if not covers_to:
        raise _fail(INVALID_SIGNATURE, "La firma WS-Security debe cubrir wsa:To.")


def _token_certificate(root: etree._Element, signature: etree._Element) -> x509.Certificate:
    reference = signature.find(
        f"{_q(DS_NS, 'KeyInfo')}/{_q(WSSE_NS, 'SecurityTokenReference')}/{_q(WSSE_NS, 'Reference')}"
    )
    uri = reference.get("URI", "") if reference is not None else ""
    if not uri.startswith("#"):
        raise _fail(INVALID_SIGNATURE, "La firma no referencia un BinarySecurityToken.")
    token = _element_by_wsu_id(root, uri[1:])
    if token.tag != _q(WSSE_NS, "BinarySecurityToken") or token.get("ValueType") != X509V3:
        raise _fail(INVALID_SIGNATURE, "El token de seguridad debe ser un certificado X509v3.")
    try:
        return x509.load_der_x509_certificate(base64.b64decode("".join((token.text or "").split())))
    except ValueError as exc:
        raise _fail(
            INVALID_SIGNATURE, "El BinarySecurityToken no es un certificado válido."
        ) from exc


def verify_envelope(
    xml: bytes | etree._Element,
    *,
    now: dt.datetime,
    trusted: Callable[[x509.Certificate], bool] | None = None,
    clock_skew_s: int = 300,
) -> x509.Certificate:
    """Verify the WS-Security header of a SOAP request; return the caller's certificate.

    ``xml`` is the request's bytes or its envelope as ``parse_request`` already parsed it.
    Checks, in order: header present, Timestamp within ``[Created, Expires]`` (± clock skew),
    digests of the referenced elements (``wsa:To`` must be one), the RSA signature, the
    certificate's validity at ``now`` and, when given, ``trusted(certificate)``. Raises
    :class:`WsSecurityError` with one of the module's codes and a Spanish message.
    """
    if now.tzinfo is None:
        raise ValueError("now debe incluir zona horaria.")
    root = _parse(xml) if isinstance(xml, bytes) else xml
    if root.tag != _q(SOAP_NS, "Envelope"):
        raise _fail(MALFORMED, "Se esperaba un sobre SOAP 1.2.")
    header = root.find(_q(SOAP_NS, "Header"))
    security = header.find(_q(WSSE_NS, "Security")) if header is not None else None
    if header is None or security is None:
        raise _fail(
            MISSING_SECURITY, "El mensaje no contiene el encabezado de seguridad WS-Security."
        )
    signature = security.find(_q(DS_NS, "Signature"))
    to = header.find(_q(WSA_NS, "To"))
    if signature is None or to is None:
        raise _fail(MISSING_SECURITY, "El encabezado WS-Security no tiene firma sobre wsa:To.")
    _check_timestamp(security, now, dt.timedelta(seconds=clock_skew_s))

    signed_info = signature.find(_q(DS_NS, "SignedInfo"))
    if signed_info is None:
        raise _fail(INVALID_SIGNATURE, "La firma no tiene SignedInfo.")
    c14n_method = signed_info.find(_q(DS_NS, "CanonicalizationMethod"))
    if c14n_method is None or c14n_method.get("Algorithm") != EXC_C14N:
        raise _fail(INVALID_SIGNATURE, "SignedInfo debe usar C14N exclusiva.")
    method = signed_info.find(_q(DS_NS, "SignatureMethod"))
    hash_type = SIGNATURE_HASHES.get(method.get("Algorithm", "") if method is not None else "")
    if hash_type is None:
        raise _fail(INVALID_SIGNATURE, "Algoritmo de firma no soportado.")
    _check_references(root, signed_info, to)

    certificate = _token_certificate(root, signature)
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise _fail(INVALID_SIGNATURE, "El certificado debe tener llave RSA.")
    value = "".join((signature.findtext(_q(DS_NS, "SignatureValue")) or "").split())
    try:
        public_key.verify(
            base64.b64decode(value),
            _exc_c14n(signed_info, _prefix_list(c14n_method)),
            padding.PKCS1v15(),
            hash_type(),
        )
    except (InvalidSignature, ValueError) as exc:
        raise _fail(INVALID_SIGNATURE, "El valor de la firma WS-Security no es válido.") from exc

    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise _fail(UNTRUSTED_CERTIFICATE, "El certificado está vencido o aún no es válido.")
    if trusted is not None and not trusted(certificate):
        raise _fail(UNTRUSTED_CERTIFICATE, "El certificado no está autorizado para este servicio.")
    return certificate
