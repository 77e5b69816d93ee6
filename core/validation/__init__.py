"""Checks a document must pass before a consecutive is spent: DIAN rules, in Spanish."""
