"""Factus' rate limit: N requests per minute per API user (core's per-credential limit, 80 by
default as Factus, PASARELA_RATE_LIMIT_FACTUS),
429 with ``Retry-After`` past it, ``X-RateLimit-*`` on every answer; one count shared by
every gateway process on the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import httpx
import pytest

from core.demo import ensure_demo, issue_for_dialect
from core.errors import ConfigurationError
from core.settings import Settings
from core.storage.scratch_database import scratch_postgres_database
from core.testing import make_test_settings
from core.web.app import create_app
from tests.adapters.factus.conftest import bearer, request_token

WINDOW_START = 1_800_000_000  # a minute boundary, in epoch seconds
TOO_MANY = {
    "status": "Too Many Requests",
    "message": "Demasiadas solicitudes. Intente de nuevo en un minuto.",
}


def at(ctx, seconds: float) -> None:
    """Set the limiter's clock of one gateway to a fixed moment."""
    ctx.rate_limits.clock = lambda: seconds


def limit_headers(answer: httpx.Response) -> tuple[str, str, str]:
    headers = answer.headers
    return (
        headers["x-ratelimit-limit"],
        headers["x-ratelimit-remaining"],
        headers["x-ratelimit-reset"],
    )


def test_the_limit_is_factus_by_default_and_comes_from_the_environment(ctx, tmp_path):
    assert ctx.rate_limits.limit_for("factus") == 80
    settings = Settings.from_env({"PASARELA_RATE_LIMIT_FACTUS": "5000"})
    assert settings.rate_limits == {"factus": 5000}
    for wrong in ("-1", "muchas"):
        with pytest.raises(ConfigurationError, match="PASARELA_RATE_LIMIT_FACTUS"):
            Settings.from_env({"PASARELA_RATE_LIMIT_FACTUS": wrong})


async def test_over_the_limit_is_429_with_retry_after_and_headers_on_every_answer(
    client, ctx, factus_headers
):
    ctx.rate_limits.set("factus", 3)
    at(ctx, WINDOW_START + 10)
    reset = str(WINDOW_START + 60)
    seen = []
    for _ in range(3):
        answer = await client.get("/v1/company", headers=factus_headers)
        assert answer.status_code == 200
        assert "retry-after" not in answer.headers
        seen.append(limit_headers(answer))
    assert seen == [("3", "2", reset), ("3", "1", reset), ("3", "0", reset)]

    limited = await client.get("/v1/company", headers=factus_headers)
    assert (limited.status_code, limited.json()) == (429, TOO_MANY)
    assert limited.headers["retry-after"] == "50"
    assert limit_headers(limited) == ("3", "0", reset)

    at(ctx, WINDOW_START + 60)  # the next minute starts a new count
    answer = await client.get("/v1/municipalities?name=San Gil", headers=factus_headers)
    assert answer.status_code == 200
    assert limit_headers(answer) == ("3", "2", str(WINDOW_START + 120))


async def test_error_answers_carry_the_headers_too(client, ctx, factus_headers):
    ctx.rate_limits.set("factus", 10)
    at(ctx, WINDOW_START)
    missing = await client.get("/v1/numbering-ranges/999999", headers=factus_headers)
    invalid = await client.post("/v1/numbering-ranges", headers=factus_headers, json={})
    assert (missing.status_code, invalid.status_code) == (404, 422)
    assert limit_headers(missing)[:2] == ("10", "9")
    assert limit_headers(invalid)[:2] == ("10", "8")


async def test_the_count_is_per_user_and_survives_refreshing_the_token(
    client, ctx, demo_tenant, factus_login, factus_token
):
    ctx.rate_limits.set("factus", 2)
    at(ctx, WINDOW_START)
    headers = bearer(factus_token["access_token"])
    for _ in range(2):
        assert (await client.get("/v1/company", headers=headers)).status_code == 200
    assert (await client.get("/v1/company", headers=headers)).status_code == 429

    # a new access token of the same user draws on the same count
    again = await request_token(client, factus_login)
    answer = await client.get("/v1/company", headers=bearer(again["access_token"]))
    assert answer.status_code == 429

    # another user of the company has a count of its own
    other = await issue_for_dialect(
        ctx, demo_tenant.tenant.id, ctx.registry.dialects.get("factus"), "otro usuario"
    )
    other_token = await request_token(client, dict(other.details))
    answer = await client.get("/v1/company", headers=bearer(other_token["access_token"]))
    assert answer.status_code == 200
    assert limit_headers(answer)[:2] == ("2", "1")


async def test_unauthenticated_and_token_requests_are_not_counted(client, ctx, factus_login):
    ctx.rate_limits.set("factus", 1)
    at(ctx, WINDOW_START)
    for _ in range(3):
        assert (await client.get("/v1/company")).status_code == 401
        await request_token(client, factus_login)
    token = await request_token(client, factus_login)
    answer = await client.get("/v1/company", headers=bearer(token["access_token"]))
    assert answer.status_code == 200


@pytest.fixture(params=["sqlite", "postgresql"])
async def shared_url(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    base = os.environ.get("PASARELA_TEST_DATABASE_URL", "")
    if not base:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("PASARELA_TEST_DATABASE_URL must be set in CI")
        pytest.skip("PASARELA_TEST_DATABASE_URL not set")
    async with scratch_postgres_database(base) as url:
        yield url


async def test_two_gateways_on_one_database_share_the_count(shared_url, tmp_path):
    settings = make_test_settings(tmp_path, database_url=shared_url)
    apps = [create_app(settings), create_app(settings)]
    contexts = [app.state.ctx for app in apps]
    for ctx in contexts:
        await ctx.start()
        ctx.rate_limits.set("factus", 6)
        at(ctx, WINDOW_START + 30)
    try:
        setup = await ensure_demo(contexts[0])
        clients = [
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=settings.public_url)
            for app in apps
        ]
        token = await request_token(clients[1], setup.credentials["factus"].details)
        headers = bearer(token["access_token"])
        first = await clients[0].get("/v1/company", headers=headers)
        second = await clients[1].get("/v1/company", headers=headers)
        assert (first.status_code, second.status_code) == (200, 200)
        assert (limit_headers(first)[1], limit_headers(second)[1]) == ("5", "4")

        # both gateways at once, more requests than the limit left: exactly four get through
        answers = await asyncio.gather(
            *(clients[n % 2].get("/v1/company", headers=headers) for n in range(10))
        )
        assert sorted(a.status_code for a in answers) == [200] * 4 + [429] * 6
        remaining = sorted(int(a.headers["x-ratelimit-remaining"]) for a in answers)
        assert remaining[-4:] == [0, 1, 2, 3]
        for client in clients:
            await client.aclose()
    finally:
        for ctx in contexts:
            await ctx.close()
