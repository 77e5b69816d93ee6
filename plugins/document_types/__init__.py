"""Built-in DIAN document types, registered through ``pasarela_register_document_types`` like
any third-party plugin: factura (01), notas crédito/débito (91/92), documento equivalente POS
(20) and its adjustment notes (94/93)."""
