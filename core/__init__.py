"""Pasarela core: canonical model, plugin system, DIAN engine, storage and web shell."""

__version__ = "0.1.0"
