"""Revisions of the simulator's tree; ids are prefixed ``simulador_``."""
