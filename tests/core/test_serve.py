"""``pasarela serve --demo`` over a real socket: the README's first command, end to end."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

import core

READY_DEADLINE_S = 90  # a start-up deadline, not a performance assertion


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(tmp_path: Path, *args: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PASARELA_")} | {
        "PASARELA_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "PASARELA_SECRET_KEY_FILE": str(tmp_path / "serve.key"),
    }
    script = Path(sys.executable).with_name("pasarela")
    log = (tmp_path / f"serve-{port}.log").open("w")
    process = subprocess.Popen(
        [str(script), "serve", "--port", str(port), *args],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_DEADLINE_S
        while True:
            assert process.poll() is None, (tmp_path / f"serve-{port}.log").read_text()
            try:
                if httpx.get(f"{base_url}/-/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the gateway did not become healthy"
            time.sleep(0.2)
        yield base_url, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def test_serve_demo_writes_working_credentials_and_is_idempotent(tmp_path):
    credentials_path = tmp_path / "credentials.json"
    with serving(tmp_path, "--demo", "--credentials-out", str(credentials_path)) as (url, _):
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

    with serving(
        tmp_path, "--demo", "--workers", "2", "--credentials-out", str(credentials_path)
    ) as (url, _):
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
