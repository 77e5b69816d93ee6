"""XAdES-EPES signature of UBL documents, exactly the shape DIAN accepts (dian-tech.md §3).

Enveloped XMLDSig, inclusive C14N 1.0, RSA-SHA256, three references (the document with the
enveloped-signature transform, the KeyInfo, the SignedProperties), a SHA-256 SigningCertificate
with IssuerSerial, DIAN's signature policy v2 and one ClaimedRole. Built by hand with lxml and
``cryptography`` because signxml's signer defaults differ (C14N 1.1, SigningCertificateV2, UTC
signing time) and because it is the hot path of the pipeline: one serialisation of the document
(its digest, and the signed document once the signature is spliced in: ``core.signing.splice``),
the C14N of the three signed parts written from their templates (``core.signing.xades_text``)
and one RSA operation.

:func:`verify_xades` is an independent verifier of that shape; the DIAN simulator applies it as
rule ZE02 and the tests cross-check it against signxml and xmlsec1.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import uuid
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from core.clock import to_bogota
from core.errors import SignatureInvalid
from core.signing.algorithms import DIGESTS, SIGNATURE_HASHES
from core.signing.c14n import c14n as _c14n
from core.signing.c14n import document_c14n
from core.signing.certificates import SigningIdentity
from core.signing.splice import Unsigned, serialise_unsigned, signed_bytes
from core.signing.xades_text import (
    C14N_10,
    ENVELOPED_SIGNATURE,
    POLICY_DIGEST_B64,
    SignatureFields,
    apex_declarations,
)
from core.ubl.namespaces import CBC_NS, DS_NS, EXT_NS, XADES_NS, first_at
from core.xml_parsing import UnsafeXml, parse_xml

CLAIMED_ROLES = frozenset({"supplier", "third party"})


_IDS_NAMESPACE = uuid.UUID("9f1d6c1e-6f3b-4a7e-9d1c-5b0d2f4e8a10")


def _ds(local: str) -> str:
    return f"{{{DS_NS}}}{local}"


def _xades(local: str) -> str:
    return f"{{{XADES_NS}}}{local}"


def _ext(local: str) -> str:
    return f"{{{EXT_NS}}}{local}"


def _b64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def _signature_ids(ids_seed: str | None) -> tuple[str, str]:
    """(signature id, KeyInfo id): from the seed for golden files, random otherwise."""
    if ids_seed is None:
        random = os.urandom(32)  # two version-4 UUIDs, as uuid.uuid4() makes them
        first = uuid.UUID(bytes=random[:16], version=4)
        second = uuid.UUID(bytes=random[16:], version=4)
        return f"xmldsig-{first}", f"xmldsig-{second}-keyinfo"
    first = uuid.uuid5(_IDS_NAMESPACE, f"{ids_seed}/signature")
    second = uuid.uuid5(_IDS_NAMESPACE, f"{ids_seed}/keyinfo")
    return f"xmldsig-{first}", f"xmldsig-{second}-keyinfo"


_SIGNED = (_ext("ExtensionContent"), _ds("Signature"))


def _signature_container(root: etree._Element) -> etree._Element:
    """The ExtensionContent that receives the signature.

    The first UBLExtension holds sts:DianExtensions, so the signature goes in UBLExtension[2]
    (the first empty ExtensionContent after the first extension; a new UBLExtension when there
    is none). With no extension at all it gets UBLExtension[1] (e.g. an AttachedDocument).
    """
    extensions = first_at(root, (_ext("UBLExtensions"),))
    if extensions is None:
        extensions = etree.Element(_ext("UBLExtensions"))
        root.insert(0, extensions)
    existing = list(extensions.iterchildren(_ext("UBLExtension")))
    if any(first_at(extension, _SIGNED) is not None for extension in existing):
        raise ValueError("El documento ya está firmado.")
    for extension in existing[1:]:
        content = first_at(extension, (_ext("ExtensionContent"),))
        if content is not None and len(content) == 0:
            break
    else:
        extension = etree.SubElement(extensions, _ext("UBLExtension"))
        content = etree.SubElement(extension, _ext("ExtensionContent"))
    if not content.text:
        content.text = ""  # serialised as a start and an end tag, as C14N writes it
    return content


def sign_xades(
    root: etree._Element,
    identity: SigningIdentity,
    signing_time: dt.datetime,
    *,
    role: str = "supplier",
    ids_seed: str | None = None,
    include_chain: bool = True,
    check_issue_date: bool = True,
) -> None:
    """Sign a UBL document in place with DIAN's XAdES-EPES (policy v2).

    ``signing_time`` is written in America/Bogota with milliseconds; its date must equal
    ``cbc:IssueDate`` (FAD09e), which is checked unless ``check_issue_date`` is false (the
    simulator's tests build wrong documents on purpose). ``role`` is ``supplier`` when the
    issuer signs, ``third party`` when a provider signs on its behalf. ``ids_seed`` makes the
    ids, hence the whole output, deterministic. ``include_chain`` adds the CA certificates of
    the PKCS#12 after the signing certificate in X509Data ("toda la cadena", policy v2).

    The tree must not be re-indented afterwards: whitespace is covered by the digest.
    """
    _sign(root, identity, signing_time, role, ids_seed, include_chain, check_issue_date)


def sign_xades_serialised(
    root: etree._Element,
    identity: SigningIdentity,
    signing_time: dt.datetime,
    *,
    role: str = "supplier",
    ids_seed: str | None = None,
    include_chain: bool = True,
    check_issue_date: bool = True,
) -> bytes:
    """:func:`sign_xades`, returning ``etree.tostring(root, encoding="UTF-8")`` of the signed
    root: the unsigned serialisation the digest is computed from, with the signature's bytes
    spliced in (``core.signing.splice``), so the document is serialised once."""
    unsigned, signature, signature_id = _sign(
        root, identity, signing_time, role, ids_seed, include_chain, check_issue_date
    )
    signed = signed_bytes(unsigned, signature, signature_id)
    return signed if signed is not None else etree.tostring(root, encoding="UTF-8")


def _sign(
    root: etree._Element,
    identity: SigningIdentity,
    signing_time: dt.datetime,
    role: str,
    ids_seed: str | None,
    include_chain: bool,
    check_issue_date: bool,
) -> tuple[Unsigned, etree._Element, str]:
    """Sign in place; return the unsigned serialisation, the signature and its id."""
    if role not in CLAIMED_ROLES:
        raise ValueError(f"ClaimedRole inválido: {role!r} (use 'supplier' o 'third party').")
    if root.getparent() is not None:
        raise ValueError("Se firma el elemento raíz del documento.")
    local_time = to_bogota(signing_time)
    if check_issue_date:
        issue_date = root.findtext(f"{{{CBC_NS}}}IssueDate")
        if issue_date is not None and issue_date.strip() != local_time.date().isoformat():
            raise ValueError(
                "FAD09e: la fecha de firma "
                f"{local_time.date().isoformat()} es diferente a la fecha de emisión {issue_date}."
            )
    container = _signature_container(root)
    unsigned = serialise_unsigned(root, container)
    # Enveloped transform: the signature is not there yet, so this is the document's digest.
    document_digest = _b64_sha256(document_c14n(root, unsigned.plain))

    signature_id, keyinfo_id = _signature_ids(ids_seed)
    certificates = (identity.der_b64, *identity.chain_b64) if include_chain else (identity.der_b64,)
    fields = SignatureFields(
        signature_id=signature_id,
        keyinfo_id=keyinfo_id,
        certificates=certificates,
        signing_time=local_time.isoformat(timespec="milliseconds"),
        cert_digest=identity.cert_sha256_b64,
        issuer_name=identity.issuer_name,
        serial_number=identity.serial_number,
        role=role,
    )
    declarations = _apex_declarations(container, fields)
    if declarations is not None:
        # The parts' C14N written directly (core.signing.xades_text), one parse of the result.
        digests = (
            document_digest,
            _b64_sha256(fields.key_info(declarations).encode("utf-8")),
            _b64_sha256(fields.signed_properties(declarations).encode("utf-8")),
        )
        value = _signature_value(
            identity, fields.signed_info(digests, declarations).encode("utf-8")
        )
        signature = etree.fromstring(
            fields.signature(fields.signed_info(digests), value).encode("utf-8")
        )
        # Appending drops the ds/xades declarations the document already has in scope.
        container.append(signature)
    else:  # libxml2 canonicalises each part in place; the values are filled in afterwards
        signature = etree.fromstring(
            fields.signature(fields.signed_info((document_digest, "", ""))).encode("utf-8")
        )
        container.append(signature)
        signed_info, signature_value, key_info = signature[0], signature[1], signature[2]
        signed_props = signature[3][0][0]
        signed_info[3][1].text = _b64_sha256(_c14n(key_info))  # KeyInfo reference
        signed_info[4][1].text = _b64_sha256(_c14n(signed_props))  # SignedProperties reference
        signature_value.text = _signature_value(identity, _c14n(signed_info))
    return unsigned, signature, signature_id


_XML_ATTRIBUTE_PREFIX = "{http://www.w3.org/XML/1998/namespace}"


def _apex_declarations(container: etree._Element, fields: SignatureFields) -> str | None:
    """The namespace declarations the C14N of each signed part writes on its apex, when the
    parts' C14N is their template (see ``core.signing.xades_text``); ``None`` otherwise: a
    value written differently once canonicalised, an inherited ``xml:`` attribute (inclusive
    C14N copies those onto the apex) or unusual namespaces."""
    if not fields.canonical_as_written():
        return None
    for element in (container, *container.iterancestors()):
        if any(name.startswith(_XML_ATTRIBUTE_PREFIX) for name in element.attrib):
            return None
    return apex_declarations(container.nsmap)


def _signature_value(identity: SigningIdentity, signed_info_c14n: str | bytes) -> str:
    data = (
        signed_info_c14n.encode("utf-8") if isinstance(signed_info_c14n, str) else signed_info_c14n
    )
    value = identity.private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(value).decode("ascii")


# --- verification ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerifiedSignature:
    """What a valid signature tells: who signed (certificate, plus the other X509Data
    certificates as ``chain``), when (SigningTime, aware) and in which role."""

    certificate: x509.Certificate
    signing_time: dt.datetime
    claimed_role: str | None
    chain: tuple[x509.Certificate, ...] = ()


def _parse(xml: bytes) -> etree._Element:
    try:
        return parse_xml(xml)
    except UnsafeXml as exc:
        raise SignatureInvalid(str(exc)) from exc


def _required(parent: etree._Element, path: str, what: str) -> etree._Element:
    found = parent.find(path)
    if found is None:
        raise SignatureInvalid(f"Firma inválida: falta {what}.")
    return found


def _enveloped_document_c14n(root: etree._Element, signature: etree._Element) -> bytes:
    """C14N of the whole document without ``signature`` (enveloped-signature transform).

    The signature is detached and put back, keeping the surrounding text exactly as it was.
    """
    parent = signature.getparent()
    assert parent is not None
    index = parent.index(signature)
    previous = signature.getprevious()
    saved_text = previous.tail if previous is not None else parent.text
    tail = signature.tail
    parent.remove(signature)  # takes its tail along; the tail stays in the document:
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    try:
        return _c14n(root.getroottree())
    finally:
        if previous is not None:
            previous.tail = saved_text
        else:
            parent.text = saved_text
        parent.insert(index, signature)
        signature.tail = tail


_SIGNATURE_PATH = "/".join(
    (_ext("UBLExtensions"), _ext("UBLExtension"), _ext("ExtensionContent"), _ds("Signature"))
)


def _find_signature(root: etree._Element) -> etree._Element:
    signatures = root.findall(_SIGNATURE_PATH)
    if not signatures:
        raise SignatureInvalid("El documento no contiene la firma (ds:Signature) en UBLExtensions.")
    if len(signatures) > 1:
        raise SignatureInvalid("El documento contiene más de una firma ds:Signature.")
    return signatures[0]


_ID_ATTRIBUTES = etree.XPath("//@Id")


def _elements_by_id(root: etree._Element) -> dict[str, list[etree._Element]]:
    """Every element carrying an ``Id`` attribute, by its value (one pass over the tree)."""
    found: dict[str, list[etree._Element]] = {}
    for value in _ID_ATTRIBUTES(root):
        found.setdefault(str(value), []).append(value.getparent())
    return found


def _reference_target(
    by_id: dict[str, list[etree._Element]],
    uri: str,
    key_info: etree._Element,
    signed_props: etree._Element,
) -> etree._Element:
    """The element a ``#id`` reference names; only this signature's KeyInfo or SignedProperties."""
    matches = by_id.get(uri[1:], [])
    if len(matches) != 1:
        raise SignatureInvalid(
            f"Firma inválida: la referencia {uri} no identifica un único elemento."
        )
    target = matches[0]
    if target is not key_info and target is not signed_props:
        raise SignatureInvalid(f"Firma inválida: referencia no soportada {uri}.")
    return target


def _check_references(
    root: etree._Element,
    signature: etree._Element,
    signed_info: etree._Element,
    key_info: etree._Element,
    signed_props: etree._Element,
) -> None:
    covered: set[str] = set()
    by_id: dict[str, list[etree._Element]] | None = None
    for reference in signed_info.findall(_ds("Reference")):
        uri = reference.get("URI")
        algorithms = [
            t.get("Algorithm")
            for t in reference.iterfind(f"{_ds('Transforms')}/{_ds('Transform')}")
        ]
        if any(a not in (ENVELOPED_SIGNATURE, C14N_10) for a in algorithms):
            raise SignatureInvalid("Firma inválida: transformación no soportada en una referencia.")
        digest_uri = _required(reference, _ds("DigestMethod"), "DigestMethod").get("Algorithm", "")
        digest = DIGESTS.get(digest_uri)
        if digest is None:
            raise SignatureInvalid(
                f"Firma inválida: algoritmo de digest no soportado {digest_uri}."
            )
        if uri == "":
            if ENVELOPED_SIGNATURE not in algorithms:
                raise SignatureInvalid(
                    "Firma inválida: la referencia al documento debe ser enveloped."
                )
            data = _enveloped_document_c14n(root, signature)
            covered.add("document")
        elif uri is not None and uri.startswith("#"):
            if by_id is None:
                by_id = _elements_by_id(root)
            target = _reference_target(by_id, uri, key_info, signed_props)
            if ENVELOPED_SIGNATURE in algorithms:
                raise SignatureInvalid(
                    "Firma inválida: transformación enveloped fuera del documento."
                )
            data = _c14n(target)
            covered.add("keyinfo" if target is key_info else "signedprops")
        else:
            raise SignatureInvalid(f"Firma inválida: referencia no soportada {uri!r}.")
        expected = (_required(reference, _ds("DigestValue"), "DigestValue").text or "").strip()
        try:
            expected_bytes = base64.b64decode(expected, validate=False)
        except ValueError as exc:
            raise SignatureInvalid("Firma inválida: DigestValue mal formado.") from exc
        if digest(data) != expected_bytes:
            what = {"": "del documento"}.get(uri or "", uri)
            raise SignatureInvalid(f"Firma inválida: el digest {what} no coincide.")
    missing = {"document", "keyinfo", "signedprops"} - covered
    if missing:
        raise SignatureInvalid(
            "Firma inválida: la firma debe referenciar el documento, KeyInfo y SignedProperties."
        )


def _load_certificates(key_info: etree._Element) -> list[x509.Certificate]:
    certificates = []
    for node in key_info.iterfind(f"{_ds('X509Data')}/{_ds('X509Certificate')}"):
        try:
            der = base64.b64decode("".join((node.text or "").split()))
            certificates.append(x509.load_der_x509_certificate(der))
        except ValueError as exc:
            raise SignatureInvalid("El certificado X509Certificate no es válido.") from exc
    if not certificates:
        raise SignatureInvalid("La firma no contiene el certificado (X509Certificate).")
    return certificates


def _signing_certificate(
    signed_props: etree._Element, certificates: list[x509.Certificate]
) -> x509.Certificate:
    """The KeyInfo certificate that XAdES SigningCertificate names (digest and serial)."""
    cert = signed_props.find(
        f"{_xades('SignedSignatureProperties')}/{_xades('SigningCertificate')}/{_xades('Cert')}"
    )
    if cert is None:
        raise SignatureInvalid("Firma inválida: falta xades:SigningCertificate.")
    digest_uri = _required(cert, f"{_xades('CertDigest')}/{_ds('DigestMethod')}", "CertDigest")
    digest = DIGESTS.get(digest_uri.get("Algorithm", ""))
    value = _required(cert, f"{_xades('CertDigest')}/{_ds('DigestValue')}", "CertDigest").text or ""
    if digest is None:
        raise SignatureInvalid("Firma inválida: algoritmo de CertDigest no soportado.")
    wanted = base64.b64decode(value.strip())
    for certificate in certificates:
        if digest(certificate.public_bytes(Encoding.DER)) == wanted:
            serial = cert.findtext(f"{_xades('IssuerSerial')}/{_ds('X509SerialNumber')}")
            if serial is not None and serial.strip() != str(certificate.serial_number):
                raise SignatureInvalid(
                    "Firma inválida: X509SerialNumber no corresponde al certificado."
                )
            return certificate
    raise SignatureInvalid(
        "Firma inválida: SigningCertificate no corresponde al certificado de KeyInfo."
    )


def verify_xades(xml: bytes | etree._Element) -> VerifiedSignature:
    """Verify a UBL document's XAdES-EPES signature of the shape :func:`sign_xades` writes.

    Recomputes the three reference digests and the RSA signature value, checks that
    SigningCertificate names the KeyInfo certificate and that the policy hash is DIAN's.
    Accepts serialized bytes (parsed safely) or a parsed root element (left unchanged).
    Raises :class:`SignatureInvalid` (rule ZE02) with a Spanish message.
    Trust in the certificate (chain, revocation: ZD04/ZD05) is the caller's decision.
    """
    root = _parse(xml) if isinstance(xml, bytes) else xml
    signature = _find_signature(root)
    signed_info = _required(signature, _ds("SignedInfo"), "SignedInfo")
    c14n_method = _required(signed_info, _ds("CanonicalizationMethod"), "CanonicalizationMethod")
    if c14n_method.get("Algorithm") != C14N_10:
        raise SignatureInvalid("Firma inválida: la canonicalización debe ser C14N 1.0.")
    method = _required(signed_info, _ds("SignatureMethod"), "SignatureMethod").get("Algorithm", "")
    hash_type = SIGNATURE_HASHES.get(method)
    if hash_type is None:
        raise SignatureInvalid(f"Firma inválida: algoritmo de firma no soportado {method}.")
    key_info = _required(signature, _ds("KeyInfo"), "KeyInfo")
    signed_props = _required(
        signature,
        f"{_ds('Object')}/{_xades('QualifyingProperties')}/{_xades('SignedProperties')}",
        "xades:SignedProperties",
    )
    _check_references(root, signature, signed_info, key_info, signed_props)

    certificates = _load_certificates(key_info)
    certificate = _signing_certificate(signed_props, certificates)
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise SignatureInvalid("Firma inválida: la llave del certificado debe ser RSA.")
    value_text = _required(signature, _ds("SignatureValue"), "SignatureValue").text or ""
    try:
        public_key.verify(
            base64.b64decode("".join(value_text.split())),
            _c14n(signed_info),
            padding.PKCS1v15(),
            hash_type(),
        )
    except (InvalidSignature, ValueError) as exc:
        raise SignatureInvalid("Valor de la firma inválido.") from exc

    properties = f"{_xades('SignedSignatureProperties')}"
    policy_digest = signed_props.findtext(
        f"{properties}/{_xades('SignaturePolicyIdentifier')}/{_xades('SignaturePolicyId')}"
        f"/{_xades('SigPolicyHash')}/{_ds('DigestValue')}"
    )
    if policy_digest is None or policy_digest.strip() != POLICY_DIGEST_B64:
        raise SignatureInvalid("Firma inválida: la política de firma no es la de la DIAN (v2).")
    signing_time_text = signed_props.findtext(f"{properties}/{_xades('SigningTime')}")
    try:
        signing_time = dt.datetime.fromisoformat((signing_time_text or "").strip())
    except ValueError as exc:
        raise SignatureInvalid("Firma inválida: SigningTime ausente o mal formado.") from exc
    if signing_time.tzinfo is None:
        raise SignatureInvalid("Firma inválida: SigningTime debe incluir la zona horaria.")
    role = signed_props.findtext(
        f"{properties}/{_xades('SignerRole')}/{_xades('ClaimedRoles')}/{_xades('ClaimedRole')}"
    )
    others = tuple(c for c in certificates if c is not certificate)
    return VerifiedSignature(
        certificate=certificate,
        signing_time=signing_time,
        claimed_role=role.strip() if role is not None else None,
        chain=others,
    )
