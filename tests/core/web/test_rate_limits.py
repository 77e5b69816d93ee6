"""Per-credential rate limits for every dialect: a dialect's default or the operator's
``PASARELA_RATE_LIMIT_<DIALECT>``, counted per credential, answered 429 with ``Retry-After``
in the dialect's own error shape, ``X-RateLimit-*`` on every counted answer."""

from __future__ import annotations

import pytest

from core.demo import credentials_document
from core.errors import ConfigurationError
from core.rate_limit_settings import env_name
from core.rate_limits import RateLimits
from core.settings import Settings

WINDOW_START = 1_800_000_000  # a minute boundary, in epoch seconds


def test_the_operator_sets_or_lifts_a_dialect_limit(ctx):
    dialects = list(ctx.registry.dialects)
    defaults = RateLimits(dialects, {})
    assert defaults.limit_for("factus") == 80  # Factus' own default
    assert defaults.limit_for("facepro") is None  # unlimited unless the operator says

    env = {env_name("facepro"): "120", env_name("factus"): "0"}
    configured = RateLimits(dialects, Settings.from_env(env).rate_limits)
    assert configured.limit_for("facepro") == 120
    assert configured.limit_for("factus") is None  # 0 lifts the limit
    with pytest.raises(ConfigurationError, match="PASARELA_RATE_LIMIT_APIDIAN"):
        Settings.from_env({"PASARELA_RATE_LIMIT_APIDIAN": "diez"})


async def test_every_dialect_answers_429_in_its_own_shape(client, ctx, demo_tenant):
    document = credentials_document(ctx, demo_tenant, "http://testserver.local")
    ctx.rate_limits.clock = lambda: WINDOW_START + 15
    checked = []
    for dialect in sorted(ctx.registry.dialects, key=lambda d: d.id):
        scenario = dialect.bench
        if scenario is None or scenario.prepare is not None:
            continue  # (Factus' OAuth sign-in is covered by its own tests)
        ctx.rate_limits.set(dialect.id, 2)
        answers = []
        for sequence in range(1, 4):
            request = scenario.request(document[dialect.id], sequence)
            answers.append(
                await client.request(
                    request.method,
                    request.path,
                    headers=dict(request.headers),
                    json=dict(request.body),
                )
            )
        first, second, limited = answers
        assert scenario.succeeded(first.status_code, first.json()), first.text
        assert scenario.succeeded(second.status_code, second.json()), second.text
        assert [a.headers["x-ratelimit-remaining"] for a in answers] == ["1", "0", "0"]
        assert {a.headers["x-ratelimit-limit"] for a in answers} == {"2"}
        assert {a.headers["x-ratelimit-reset"] for a in answers} == {str(WINDOW_START + 60)}
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "45"
        body = limited.json()
        assert body != {"status_code": 429, "detail": body.get("detail")}  # not core's shape
        assert "Traceback" not in limited.text
        checked.append(dialect.id)
    assert len(checked) >= 2
