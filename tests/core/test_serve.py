"""``pasarela serve --demo`` over a real socket: the README's first command, end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import psutil

import core
from core.commands.serve import default_workers
from core.testing import serving_gateway


def _workers(process: subprocess.Popen[str]) -> int:
    """The uvicorn worker processes under ``pasarela serve`` (0: it serves in-process)."""
    children = psutil.Process(process.pid).children()
    return sum("resource_tracker" not in " ".join(child.cmdline()) for child in children)


def test_serve_demo_writes_working_credentials_and_is_idempotent(tmp_path):
    credentials_path = tmp_path / "credentials.json"
    demo = ("--demo", "--credentials-out", str(credentials_path))
    with serving_gateway(tmp_path, *demo) as (url, process):
        # one worker per core by default (a single one serves in the command's own process)
        assert _workers(process) == (default_workers() if default_workers() > 1 else 0)
        health = httpx.get(f"{url}/-/health").json()
        assert health == {"status": "ok", "version": core.__version__, "database": True}
        installed = httpx.get(f"{url}/-/plugins").json()
        credentials = json.loads(credentials_path.read_text())
        assert credentials["base_url"] == url
        assert credentials["tenant"]["nit"] == "900373076"
        assert credentials["tenant"]["dv"] == "4"
        for dialect in installed["dialects"]:
            assert dialect["id"] in credentials
        if "facepro" in credentials:
            me = httpx.get(
                f"{url}/api/v1/me",
                headers={"Authorization": f"Bearer {credentials['facepro']['token']}"},
            )
            assert me.status_code == 200
    first = credentials

    with serving_gateway(
        tmp_path, "--demo", "--workers", "1", "--credentials-out", str(credentials_path)
    ) as (url, process):
        assert _workers(process) == 0  # --workers overrides the default

        second = json.loads(credentials_path.read_text())
        assert second["tenant"] == first["tenant"]
        assert httpx.get(f"{url}/-/health").status_code == 200

    listed = subprocess.run(
        [str(Path(sys.executable).with_name("pasarela")), "tenants", "list", "--json"],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith("PASARELA_")}
        | {
            "PASARELA_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
            "PASARELA_SECRET_KEY_FILE": str(tmp_path / "serve.key"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    assert [t["nit"] for t in json.loads(listed.stdout)] == ["900373076"]


def test_credentials_out_requires_demo(tmp_path):
    result = subprocess.run(
        [str(Path(sys.executable).with_name("pasarela")), "serve", "--credentials-out", "x.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "--demo" in result.stderr
