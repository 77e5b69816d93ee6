"""XML-DSig algorithm URIs both signers use (the document's XAdES and the SOAP WS-Security).

The verifiers accept what DIAN's signature policy admits: RSA with SHA-1 (legacy), SHA-256,
SHA-384 or SHA-512; the signers always write RSA-SHA256 with SHA-256 digests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from cryptography.hazmat.primitives import hashes

RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
DIGEST_SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"

SIGNATURE_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1": hashes.SHA1,
    RSA_SHA256: hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": hashes.SHA384,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": hashes.SHA512,
}
DIGESTS: dict[str, Callable[[bytes], bytes]] = {
    "http://www.w3.org/2000/09/xmldsig#sha1": lambda data: hashlib.sha1(data).digest(),
    DIGEST_SHA256: lambda data: hashlib.sha256(data).digest(),
    "http://www.w3.org/2001/04/xmldsig-more#sha384": lambda data: hashlib.sha384(data).digest(),
    "http://www.w3.org/2001/04/xmlenc#sha512": lambda data: hashlib.sha512(data).digest(),
}
