"""DIAN environments: habilitación, producción and the simulator."""
