"""The Factus dialect's alembic migration tree (branch ``factus``): its ``factus_*`` tables."""
