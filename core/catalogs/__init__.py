"""DIAN code lists (Anexo Técnico 1.9) as data files inside the package, loaded once.

Every lookup returns a small frozen Struct or ``None`` for a code DIAN does not list, so callers
turn unknown codes into errors instead of silent defaults. Provenance: ``data/README.txt``.
"""

from core.catalogs.codes import (
    Code,
    DocumentTypeInfo,
    OperationType,
    credit_note_concept,
    currency,
    debit_note_concept,
    discount_code,
    document_type,
    fiscal_responsibility,
    identification_type,
    is_unit_code,
    item_id_scheme,
    operation_type,
    organization_type,
    payment_form,
    payment_means,
    reference_price_code,
    unit_of_measure,
)
from core.catalogs.places import (
    Country,
    Department,
    Municipality,
    country,
    department,
    municipality,
)
from core.catalogs.taxes import (
    PER_UNIT_TAX_UNITS,
    RATED_SCHEMES,
    TaxScheme,
    is_per_unit_scheme,
    is_valid_rate,
    party_tax_scheme_name,
    tax_rates,
    tax_scheme,
)

__all__ = [
    "PER_UNIT_TAX_UNITS",
    "RATED_SCHEMES",
    "Code",
    "Country",
    "Department",
    "DocumentTypeInfo",
    "Municipality",
    "OperationType",
    "TaxScheme",
    "country",
    "credit_note_concept",
    "currency",
    "debit_note_concept",
    "department",
    "discount_code",
    "document_type",
    "fiscal_responsibility",
    "identification_type",
    "is_per_unit_scheme",
    "is_unit_code",
    "is_valid_rate",
    "item_id_scheme",
    "municipality",
    "operation_type",
    "organization_type",
    "party_tax_scheme_name",
    "payment_form",
    "payment_means",
    "reference_price_code",
    "tax_rates",
    "tax_scheme",
    "unit_of_measure",
]
