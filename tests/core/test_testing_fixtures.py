"""``core.testing`` as a plugin author meets it: a test suite outside this repository, no conftest,
pytest-asyncio in strict mode, fixtures found through the ``pytest11`` entry point."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def test_fixtures_are_available_to_a_foreign_test_suite(tmp_path):
    (tmp_path / "test_mi_plugin.py").write_text(
        textwrap.dedent(
            """
            import pytest

            def test_settings_use_a_fresh_sqlite_file(settings, tmp_path):
                assert settings.database_url.startswith("sqlite:///")
                assert str(tmp_path) in settings.database_url


            @pytest.mark.asyncio
            async def test_client_and_demo_tenant(client, ctx, demo_tenant):
                health = await client.get("/-/health")
                assert health.json()["database"] is True
                assert demo_tenant.tenant.nit == "900373076"
                tenants = await ctx.tenants.list_tenants()
                assert [t.nit for t in tenants] == ["900373076"]
                for dialect_id, issued in demo_tenant.credentials.items():
                    schemes = (issued.scheme,)
                    found = await ctx.credentials.authenticate(dialect_id, issued.token, schemes)
                    view = found.tenant
                    assert view.id == demo_tenant.tenant.id
            """
        )
    )
    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_mode = strict\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASARELA_")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
