"""DIAN code lists as CSV files (see README.txt for provenance); read by ``core.catalogs``."""
