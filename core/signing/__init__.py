"""Signatures: XAdES-EPES for documents, WS-Security for SOAP, PKCS#12 loading and caching."""
