"""The XAdES-EPES signature as text, and the C14N of its three signed parts written directly.

The signature is one template whose three signed parts (``ds:SignedInfo``, ``ds:KeyInfo``,
``xades:SignedProperties``) are templates of their own, written in canonical form: explicit end
tags, attributes in canonical order, values that need no escaping. The C14N of such a part
inside a document differs from its template only by the apex element, which declares every
namespace in scope (inclusive C14N 1.0); so when the parts' in-scope namespaces are known and
every value is written as it is canonicalised (``CanonicalParts.usable``), its C14N is the
template formatted with those declarations, and libxml2's C14N of the parsed element is not
needed (the tests compare both on every document kind).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape

from core.signing.algorithms import DIGEST_SHA256, RSA_SHA256
from core.ubl.namespaces import DS_NS, XADES_NS

C14N_10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ENVELOPED_SIGNATURE = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties"

POLICY_IDENTIFIER = (
    "https://facturaelectronica.dian.gov.co/politicadefirma/v2/politicadefirmav2.pdf"
)
POLICY_DESCRIPTION = "Política de firma para facturas electrónicas de la República de Colombia."
# base64(sha256(politicadefirmav2.pdf)), verified against the published PDF.
POLICY_DIGEST_B64 = "dMoMvtcG5aIzgYo0tIsSQeVJBDnUnfSOfBpxXrmor0Y="

_DIGEST_METHOD = f'<ds:DigestMethod Algorithm="{DIGEST_SHA256}"></ds:DigestMethod>'

# ``{ns}``: the apex's namespace declarations ("" inside the whole signature).
_SIGNED_INFO = (
    "<ds:SignedInfo{ns}>"
    f'<ds:CanonicalizationMethod Algorithm="{C14N_10}"></ds:CanonicalizationMethod>'
    f'<ds:SignatureMethod Algorithm="{RSA_SHA256}"></ds:SignatureMethod>'
    '<ds:Reference Id="{signature_id}-ref0" URI="">'
    f'<ds:Transforms><ds:Transform Algorithm="{ENVELOPED_SIGNATURE}"></ds:Transform>'
    f"</ds:Transforms>{_DIGEST_METHOD}"
    "<ds:DigestValue>{document_digest}</ds:DigestValue></ds:Reference>"
    '<ds:Reference URI="#{keyinfo_id}">'
    f"{_DIGEST_METHOD}<ds:DigestValue>{{keyinfo_digest}}</ds:DigestValue></ds:Reference>"
    f'<ds:Reference Type="{SIGNED_PROPERTIES_TYPE}" URI="#{{signature_id}}-signedprops">'
    f"{_DIGEST_METHOD}<ds:DigestValue>{{properties_digest}}</ds:DigestValue></ds:Reference>"
    "</ds:SignedInfo>"
)
_KEY_INFO = (
    '<ds:KeyInfo{ns} Id="{keyinfo_id}"><ds:X509Data>{certificates}</ds:X509Data></ds:KeyInfo>'
)
_SIGNED_PROPERTIES = (
    '<xades:SignedProperties{ns} Id="{signature_id}-signedprops">'
    "<xades:SignedSignatureProperties>"
    "<xades:SigningTime>{signing_time}</xades:SigningTime>"
    "<xades:SigningCertificate><xades:Cert>"
    f"<xades:CertDigest>{_DIGEST_METHOD}"
    "<ds:DigestValue>{cert_digest}</ds:DigestValue></xades:CertDigest>"
    "<xades:IssuerSerial><ds:X509IssuerName>{issuer_name}</ds:X509IssuerName>"
    "<ds:X509SerialNumber>{serial_number}</ds:X509SerialNumber></xades:IssuerSerial>"
    "</xades:Cert></xades:SigningCertificate>"
    "<xades:SignaturePolicyIdentifier><xades:SignaturePolicyId>"
    f"<xades:SigPolicyId><xades:Identifier>{POLICY_IDENTIFIER}</xades:Identifier>"
    f"<xades:Description>{POLICY_DESCRIPTION}</xades:Description></xades:SigPolicyId>"
    f"<xades:SigPolicyHash>{_DIGEST_METHOD}"
    f"<ds:DigestValue>{POLICY_DIGEST_B64}</ds:DigestValue></xades:SigPolicyHash>"
    "</xades:SignaturePolicyId></xades:SignaturePolicyIdentifier>"
    "<xades:SignerRole><xades:ClaimedRoles><xades:ClaimedRole>{role}</xades:ClaimedRole>"
    "</xades:ClaimedRoles></xades:SignerRole>"
    "</xades:SignedSignatureProperties></xades:SignedProperties>"
)
_SIGNATURE = (
    f'<ds:Signature xmlns:ds="{DS_NS}" xmlns:xades="{XADES_NS}" Id="{{signature_id}}">'
    "{signed_info}"
    '<ds:SignatureValue Id="{signature_id}-sigvalue">{signature_value}</ds:SignatureValue>'
    "{key_info}"
    '<ds:Object><xades:QualifyingProperties Target="#{signature_id}">{signed_properties}'
    "</xades:QualifyingProperties></ds:Object></ds:Signature>"
)


@dataclass(frozen=True, slots=True)
class SignatureFields:
    """What one signature writes besides its digests and value. ``certificates`` are base64
    DER; ``issuer_name`` is the certificate's, as text (escaped here)."""

    signature_id: str
    keyinfo_id: str
    certificates: tuple[str, ...]
    signing_time: str
    cert_digest: str
    issuer_name: str
    serial_number: int
    role: str

    def key_info(self, ns: str = "") -> str:
        certificates = "".join(
            f"<ds:X509Certificate>{c}</ds:X509Certificate>" for c in self.certificates
        )
        return _KEY_INFO.format(ns=ns, keyinfo_id=self.keyinfo_id, certificates=certificates)

    def signed_properties(self, ns: str = "") -> str:
        return _SIGNED_PROPERTIES.format(
            ns=ns,
            signature_id=self.signature_id,
            signing_time=self.signing_time,
            cert_digest=self.cert_digest,
            issuer_name=xml_escape(self.issuer_name),
            serial_number=self.serial_number,
            role=self.role,
        )

    def signed_info(self, digests: tuple[str, str, str] = ("", "", ""), ns: str = "") -> str:
        """``digests``: the document's, the KeyInfo's and the SignedProperties'."""
        document, keyinfo, properties = digests
        return _SIGNED_INFO.format(
            ns=ns,
            signature_id=self.signature_id,
            keyinfo_id=self.keyinfo_id,
            document_digest=document,
            keyinfo_digest=keyinfo,
            properties_digest=properties,
        )

    def signature(self, signed_info: str, signature_value: str = "") -> str:
        """The whole ``ds:Signature``, declaring the ds and xades prefixes itself."""
        return _SIGNATURE.format(
            signature_id=self.signature_id,
            signed_info=signed_info,
            signature_value=signature_value,
            key_info=self.key_info(),
            signed_properties=self.signed_properties(),
        )

    def canonical_as_written(self) -> bool:
        """Every value is canonicalised as it is written in the templates: the issuer name has
        no carriage return (the parser would turn it into a line feed), the rest is base64,
        digits, ids and fixed words, which neither serialiser escapes."""
        return "\r" not in self.issuer_name


_SIGNATURE_PREFIXES = {"ds": DS_NS, "xades": XADES_NS}
_NEEDS_ESCAPING = frozenset('&<"\t\n\r')


def apex_declarations(in_scope: Mapping[str | None, str]) -> str | None:
    """The namespace declarations C14N writes on a signed part whose container has
    ``in_scope`` namespaces (``element.nsmap``): all of them, default first, then by prefix.

    ``None`` when the parts' prefixes would not be ds and xades (another prefix for either
    namespace, or ds/xades bound elsewhere) or a namespace would need escaping.
    """
    return _apex_declarations(tuple(in_scope.items()))


@functools.lru_cache(maxsize=256)
def _apex_declarations(in_scope: tuple[tuple[str | None, str], ...]) -> str | None:
    for prefix, uri in in_scope:
        if (prefix in _SIGNATURE_PREFIXES) != (uri in _SIGNATURE_PREFIXES.values()):
            return None
        if prefix in _SIGNATURE_PREFIXES and _SIGNATURE_PREFIXES[prefix] != uri:
            return None
        if not _NEEDS_ESCAPING.isdisjoint(uri):
            return None
    declared = {**dict(in_scope), **_SIGNATURE_PREFIXES}
    return "".join(
        f' xmlns="{declared[None]}"' if prefix is None else f' xmlns:{prefix}="{declared[prefix]}"'
        for prefix in sorted(declared, key=lambda p: p or "")
    )
