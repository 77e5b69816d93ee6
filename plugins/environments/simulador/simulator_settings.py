"""The simulator's own knobs: fault injection and test-set requirements, read from the env.

They belong to the simulated DIAN, not to the gateway, so they live with the plugin:

PASARELA_SIM_LATENCY_MS     extra latency before each answer (milliseconds)
PASARELA_SIM_FAIL_503       share (0..1) of requests answered HTTP 503 before any processing
PASARELA_SIM_FAIL_TIMEOUT   share (0..1) of document submissions that hang past the client's
                            timeout; half of them were stored first, as with the real DIAN
PASARELA_SIM_FAIL_66        share (0..1) of SendBillSync answered 66 ("en proceso") although
                            the document was processed: GetStatus tells the verdict
PASARELA_SIM_SEED           seed of the fault dice (reproducible runs)
PASARELA_SIM_HANG_S         how long a "timeout" hangs (default: 35 s)
PASARELA_SIM_TEST_SET       accepted documents a test set needs, e.g. ``01:8,91:1,92:1``
PASARELA_SIM_TEST_SET_TOLERANCE  rejected documents a test set may have and still be accepted
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import msgspec


class SimulatorSettings(msgspec.Struct, frozen=True, kw_only=True):
    latency_ms: float = 0.0
    fail_503: float = 0.0
    fail_timeout: float = 0.0
    fail_66: float = 0.0
    seed: int | None = None
    hang_s: float = 35.0
    test_set_required: dict[str, int] = msgspec.field(default_factory=lambda: {"01": 1})
    test_set_tolerance: int = 2

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, **overrides: object
    ) -> SimulatorSettings:
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        floats = {
            "PASARELA_SIM_LATENCY_MS": "latency_ms",
            "PASARELA_SIM_FAIL_503": "fail_503",
            "PASARELA_SIM_FAIL_TIMEOUT": "fail_timeout",
            "PASARELA_SIM_FAIL_66": "fail_66",
            "PASARELA_SIM_HANG_S": "hang_s",
        }
        for var, name in floats.items():
            if env.get(var):
                values[name] = float(env[var])
        if env.get("PASARELA_SIM_SEED"):
            values["seed"] = int(env["PASARELA_SIM_SEED"])
        if env.get("PASARELA_SIM_TEST_SET_TOLERANCE"):
            values["test_set_tolerance"] = int(env["PASARELA_SIM_TEST_SET_TOLERANCE"])
        if env.get("PASARELA_SIM_TEST_SET"):
            values["test_set_required"] = parse_test_set_requirement(env["PASARELA_SIM_TEST_SET"])
        values.update(overrides)
        settings = cls(**values)  # type: ignore[arg-type]
        for share in (settings.fail_503, settings.fail_timeout, settings.fail_66):
            if not 0.0 <= share <= 1.0:
                raise ValueError("las proporciones de fallos deben estar entre 0 y 1")
        return settings

    @property
    def injects_faults(self) -> bool:
        return bool(self.latency_ms or self.fail_503 or self.fail_timeout or self.fail_66)


def parse_test_set_requirement(text: str) -> dict[str, int]:
    """``01:8,91:1`` -> {"01": 8, "91": 1}."""
    required: dict[str, int] = {}
    for item in text.split(","):
        if item.strip():
            code, _, count = item.partition(":")
            required[code.strip()] = int(count)
    return required
