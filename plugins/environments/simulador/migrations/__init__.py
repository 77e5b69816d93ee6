"""The simulator's alembic migration tree (branch ``simulador``): its ``sim_*`` tables."""
