"""UBL 2.1 for DIAN (Anexo Técnico 1.9): builders, namespaces, unique codes (CUFE/CUDE/CUDS)."""
