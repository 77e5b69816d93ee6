"""``pasarela bench fuzz``: hostile requests to every route of a dialect on a running gateway.

    pasarela serve --demo --credentials-out creds.json &
    pasarela bench fuzz --dialect ID --requests 2000 --credentials creds.json

The routes come from the gateway's OpenAPI document, the requests from ``core.fuzzing``'s
strategy (authenticated with the demo credential the dialect's bench scenario uses), each
answer is judged by ``core.fuzzing.verdict``. The last line is machine-readable::

    fuzz requests=<int> server_errors=<int> shape_errors=<int> slowest_ms=<float>

and the first findings are printed before it, each with the request that caused it. The exit
status is 1 when any answer was a 5xx or not in the dialect's shape.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from core.commands.bench_http import bench_scenario
from core.contracts import Command, Dialect
from core.plugins import build_registry, get_plugin_manager

if TYPE_CHECKING:
    from core.fuzzing import FuzzRequest

SHOWN_FINDINGS = 10


@dataclass
class FuzzReport:
    dialect: Dialect
    requests: int = 0
    server_errors: int = 0
    shape_errors: int = 0
    slowest_ms: float = 0.0
    findings: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"fuzz requests={self.requests} server_errors={self.server_errors} "
            f"shape_errors={self.shape_errors} slowest_ms={self.slowest_ms:.1f}"
        )

    def record(self, request: FuzzRequest, response: httpx.Response, elapsed_ms: float) -> None:
        from core.fuzzing import verdict

        self.requests += 1
        self.slowest_ms = max(self.slowest_ms, elapsed_ms)
        content_type = response.headers.get("content-type", "")
        found = verdict(self.dialect, response.status_code, content_type, response.content)
        if "server_error" in found:
            self.server_errors += 1
        if "shape_error" in found or "traceback" in found:
            self.shape_errors += 1
        if found and len(self.findings) < SHOWN_FINDINGS:
            body = (request.body or b"")[:160]
            self.findings.append(
                f"{','.join(found)}: {request.method} {request.path[:160]} body={body!r} "
                f"-> {response.status_code} {response.content[:300]!r}"
            )


def run_fuzz(
    base_url: str,
    dialect: Dialect,
    credentials: Mapping[str, Any] | None,
    *,
    count: int,
    seed: int | None = None,
    timeout_s: float = 60.0,
) -> FuzzReport:
    """``count`` hostile requests to ``dialect``'s routes on the gateway at ``base_url``."""
    # hypothesis is imported here, not with the CLI: every `pasarela` call builds this parser
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    from core.fuzzing import dialect_targets, requests

    registry = build_registry(get_plugin_manager())
    prefixes = [d.path_prefix for d in registry.dialects if d.path_prefix]
    credential_headers: dict[str, str] = {}
    example = None
    if dialect.bench is not None and credentials:
        if dialect.bench.prepare is not None:
            credentials = asyncio.run(dialect.bench.prepare(base_url, credentials))
        example = dialect.bench.request(credentials, 0)
        credential_headers = {
            k: v for k, v in example.headers.items() if k.lower() == "authorization"
        }
    report = FuzzReport(dialect)
    with httpx.Client(base_url=base_url, timeout=timeout_s) as http:
        openapi = http.get("/schema/openapi.json").raise_for_status().json()
        targets = dialect_targets(openapi, dialect, prefixes)

        @settings(
            max_examples=count,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(requests(targets, credential_headers, example))
        def send(request: FuzzRequest) -> None:
            started = time.perf_counter()
            response = http.request(
                request.method, request.path, headers=dict(request.headers), content=request.body
            )
            report.record(request, response, (time.perf_counter() - started) * 1000)

        if seed is not None:
            send = hypothesis_seed(seed)(send)
        send()
    return report


def configure_fuzz(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dialect", help="dialect id (default: the only one installed)")
    parser.add_argument(
        "--credentials",
        type=Path,
        help="the credentials file written by `pasarela serve --demo` (authenticated requests)",
    )
    parser.add_argument("--base-url", help="gateway URL (default: base_url of the file)")
    parser.add_argument("--requests", type=int, default=500, help="requests to send")
    parser.add_argument("--seed", type=int, help="reproduce an earlier run")
    parser.set_defaults(func=handle_fuzz)


def handle_fuzz(args: argparse.Namespace) -> int:
    dialect_id, _scenario = bench_scenario(args.dialect)
    dialect = build_registry(get_plugin_manager()).dialects.get(dialect_id)
    document: dict[str, Any] = {}
    if args.credentials is not None:
        document = json.loads(args.credentials.read_text(encoding="utf-8"))
    base_url = args.base_url or document.get("base_url")
    if not base_url:
        sys.stderr.write("no base URL: pass --base-url or --credentials\n")
        return 2
    if args.requests < 1:
        sys.stderr.write("--requests must be at least 1\n")
        return 2
    report = run_fuzz(
        base_url, dialect, document.get(dialect_id), count=args.requests, seed=args.seed
    )
    for finding in report.findings:
        sys.stderr.write(finding + "\n")
    sys.stdout.write(report.line() + "\n")
    return 0 if report.server_errors == 0 and report.shape_errors == 0 else 1


FUZZ = Command(
    name="fuzz",
    help="send hostile requests to every route of a dialect on a running gateway",
    configure=configure_fuzz,
)
