"""Hostile requests for any dialect, and what every answer to them must be.

A dialect's routes are read from the gateway's own OpenAPI document (``/schema/openapi.json``),
so the fuzzer knows no dialect: every path under a dialect's prefix, with its methods and
path parameters, is a target; so are unknown paths under the prefix. ``requests(...)`` is a
hypothesis strategy drawing, for one target, path parameters (long, empty-looking, unicode,
traversal, huge numbers), a body (the dialect's bench request with one part replaced,
removed or nested deep; arbitrary JSON; bytes that are not JSON or not UTF-8; bodies nested
thousands deep) and headers (the client's credential, none, or a broken one; a wrong
content type).

``verdict(...)`` says what is wrong with one answer: a 5xx (``server_error``); an error body
that is not the dialect's (``shape_error``: not JSON, or not decodable as
``Dialect.error_body``); a traceback in any body (``traceback``). ``pasarela bench fuzz`` and
the fuzz tests run the same strategy and the same verdict.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import msgspec
from hypothesis import strategies as st

from core.contracts import BenchRequest, Dialect

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
NASTY_TEXT = (
    "",
    " ",
    "0",
    "-1",
    "1e999",
    "NaN",
    "null",
    "9" * 400,
    "a" * 5000,
    "../../etc/passwd",
    "%00",
    "\x00",
    "<x>&amp;]]>",
    "' OR '1'='1",
    "ñandú ✓ 𝄞",
    "\u202e\u200b",
    "2026-02-30",
    "1" + "0" * 60,
)
RAW_BODIES = (
    b"",
    b"{",
    b"[]",
    b"null",
    b'"texto"',
    b"\xff\xfe\x00",
    b'{"a": 1e99999}',
    b'{"a": -0.0000000000000000000000000000001e-99999}',
    b"[" * 20000 + b"]" * 20000,
    b'{"a":' * 5000 + b"1" + b"}" * 5000,
    b'{"a": "\\ud800"}',
    b'{"a": 1, "a": 2}',
)
TRACEBACK_MARKERS = (b"Traceback (most recent call last)", b'File "/', b"site-packages/")


@dataclass(frozen=True, slots=True)
class Target:
    """One route of a dialect: its path template, methods and path parameters' types."""

    path: str
    methods: tuple[str, ...]
    parameters: Mapping[str, str]  # name -> "integer" | "string"


@dataclass(frozen=True, slots=True)
class FuzzRequest:
    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes | None


def dialect_targets(
    openapi: Mapping[str, Any], dialect: Dialect, prefixes: Iterable[str]
) -> list[Target]:
    """The routes of ``openapi`` whose errors ``dialect`` answers: under its prefix and under
    no longer prefix of another dialect; plus one unknown path under the prefix."""
    own = (dialect.path_prefix or "").rstrip("/")
    longer = [p.rstrip("/") for p in prefixes if len(p.rstrip("/")) > len(own)]

    def under(path: str, prefix: str) -> bool:
        return path == prefix or path.startswith(prefix + "/")

    targets = []
    for path, operations in sorted(openapi.get("paths", {}).items()):
        if not under(path, own) or any(under(path, p) for p in longer):
            continue
        methods = tuple(m.upper() for m in operations if m.upper() in METHODS)
        parameters: dict[str, str] = {}
        for operation in operations.values():
            for parameter in operation.get("parameters", ()) if isinstance(operation, dict) else ():
                if parameter.get("in") == "path":
                    kind = parameter.get("schema", {}).get("type", "string")
                    parameters[parameter["name"]] = kind if isinstance(kind, str) else "string"
        targets.append(Target(path, methods, parameters))
    targets.append(Target(f"{own}/no-existe/{{x}}", METHODS, {"x": "string"}))
    return targets


def json_values() -> st.SearchStrategy[Any]:
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(10**40), max_value=10**40)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=40)
        | st.sampled_from(NASTY_TEXT)
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=12), children, max_size=4)
        ),
        max_leaves=12,
    )


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, seed: Any) -> Any:
    """``seed`` with one value replaced by hostile JSON, removed, or buried deep."""
    document = json.loads(json.dumps(seed))
    path = draw(st.sampled_from(_paths(document)))
    if not path:
        return draw(json_values())
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    action = draw(st.sampled_from(("replace", "remove", "deep", "long")))
    last = path[-1]
    if action == "remove":
        del parent[last]
    elif action == "deep":
        value: Any = parent[last]
        for _ in range(draw(st.integers(min_value=50, max_value=400))):
            value = [value]
        parent[last] = value
    elif action == "long":
        parent[last] = [parent[last]] * draw(st.integers(min_value=100, max_value=3000))
    else:
        parent[last] = draw(json_values())
    return document


@st.composite
def requests(
    draw: st.DrawFn,
    targets: Sequence[Target],
    credential_headers: Mapping[str, str],
    seed: BenchRequest | None,
) -> FuzzRequest:
    """One hostile request to one of ``targets``."""
    target = draw(st.sampled_from(targets))
    method = draw(st.sampled_from(target.methods))
    path = target.path
    for name, kind in target.parameters.items():
        if kind == "integer":
            value = str(draw(st.integers(min_value=-(10**30), max_value=10**30)))
        else:
            value = draw(st.text(min_size=1, max_size=60) | st.sampled_from(NASTY_TEXT[1:]))
        placeholder = next(
            p for p in (f"{{{name}}}", f"{{{name}:str}}", f"{{{name}:int}}") if p in path
        )
        path = path.replace(placeholder, quote(value, safe="") or "x")
    headers = dict(
        draw(
            st.sampled_from(
                (
                    credential_headers,
                    credential_headers,
                    credential_headers,
                    {},
                    {"Authorization": "Bearer " + "x" * 40},
                    {"Authorization": "Basic Og=="},
                )
            )
        )
    )
    body: bytes | None = None
    if method in ("POST", "PUT", "PATCH"):
        choices = [
            st.builds(lambda v: json.dumps(v).encode(), json_values()),
            st.sampled_from(RAW_BODIES),
        ]
        if seed is not None and seed.body is not None:
            mutation = mutated(seed.body).map(lambda v: json.dumps(v).encode())
            choices = [mutation, mutation, *choices]
        body = draw(st.one_of(choices))
        headers["Content-Type"] = draw(
            st.sampled_from(
                ("application/json",) * 4 + ("text/plain", "application/x-www-form-urlencoded")
            )
        )
    headers.setdefault("Accept", "application/json")
    return FuzzRequest(method, path, headers, body)


def verdict(dialect: Dialect, status: int, content_type: str, body: bytes) -> list[str]:
    """What is wrong with one answer (empty: nothing)."""
    findings = []
    if status >= 500:
        findings.append("server_error")
    if any(marker in body for marker in TRACEBACK_MARKERS):
        findings.append("traceback")
    if status >= 400 and not _error_shaped(dialect, content_type, body):
        findings.append("shape_error")
    return findings


def _error_shaped(dialect: Dialect, content_type: str, body: bytes) -> bool:
    if "json" not in content_type:
        return False
    try:
        if dialect.error_body is None:
            msgspec.json.decode(body)
        else:
            msgspec.json.decode(body, type=dialect.error_body)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return False
    return True
