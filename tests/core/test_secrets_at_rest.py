"""No secret in clear at rest: a demo gateway with a certificate, SMTP and every dialect issuing
documents leaves no PIN, certificate password, token or SMTP password readable — in any
column of any table, in any file it wrote (database, WAL, key file, its log) — neither as
text nor as base64.

The set-up is the operator's: the demo tenant, then its PINs, certificate and SMTP password
replaced by distinctive values (a 5-digit demo PIN would be found in any amount); then
``pasarela serve`` issues one document per dialect over HTTP, as each dialect's client does.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec

from core.context import AppContext
from core.demo import DEMO_NIT, credentials_document, ensure_demo
from core.plugins import build_registry, get_plugin_manager
from core.sample_documents import sample_document
from core.settings import Settings
from core.signing.testcerts import generate_test_pkcs12
from core.testing import migrate_test_database, serving_gateway

PIN_PREFIX = "PinDeSoftwareMuySecreto"
CERTIFICATE_PASSWORD = "ClaveDelCertificado-7Qx2"
SMTP_PASSWORD = "ContrasenaSmtp-Zr84wLq"
CREDENTIALS_FILE = "credentials.json"


def secret_forms(secret: str) -> Iterator[bytes]:
    """The secret as UTF-8, and the part of its base64 (standard and url-safe) that does not
    depend on the bytes around it, for each of the three alignments it may have."""
    raw = secret.encode()
    yield raw
    for lead in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(b"\0" * lead + raw)
            inner = encoded[4 if lead else 0 : -4]
            if len(inner) >= 8:
                yield inner


def found_in(blob: bytes, secrets: dict[str, str]) -> list[str]:
    return [
        name
        for name, secret in secrets.items()
        if any(form in blob for form in secret_forms(secret))
    ]


def database_blobs(path: Path) -> Iterator[tuple[str, bytes]]:
    """Every value of every row of every table, as bytes, named ``table.column``."""
    connection = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        assert {"tenants", "certificates", "tenant_smtp", "documents", "sim_software"} <= set(
            tables
        )
        for table in tables:
            cursor = connection.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (our names)
            columns = [d[0] for d in cursor.description]
            for row in cursor:
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    blob = value if isinstance(value, bytes) else str(value).encode()
                    yield f"{table}.{column}", blob
    finally:
        connection.close()


SECRET_FIELDS = ("token", "secret", "password")  # client ids and user names are not secrets


def token_values(entry: Any) -> Iterator[str]:
    """The secret strings of a credentials entry: tokens, client secrets, passwords."""
    if not isinstance(entry, dict):
        return
    for key, value in entry.items():
        if isinstance(value, dict):
            yield from token_values(value)
        elif isinstance(value, str) and any(word in key.lower() for word in SECRET_FIELDS):
            yield value


async def prepare_demo(settings: Settings, tmp_path: Path) -> dict[str, Any]:
    """The demo tenant with distinctive secrets; returns the credentials document."""
    migrate_test_database(settings.database_url)
    ctx = AppContext.create(settings)
    try:
        setup = await ensure_demo(ctx)
        tenant = await ctx.tenants.tenant_view(setup.tenant.id)
        for number, (channel, software) in enumerate(sorted(tenant.software.items())):
            await ctx.tenants.update_tenant(
                setup.tenant.id,
                channel=channel,
                software_id=software.id,
                software_pin=f"{PIN_PREFIX}{number}",
            )
        pkcs12, _ = generate_test_pkcs12(
            nit=setup.tenant.nit, name=setup.tenant.name, password=CERTIFICATE_PASSWORD
        )
        await ctx.certificates.attach_certificate(setup.tenant.id, pkcs12, CERTIFICATE_PASSWORD)
        await ctx.smtp.configure(
            setup.tenant.id,
            host="127.0.0.1",
            port=2525,
            security="none",
            user="facturas@pasarela.test",
            password=SMTP_PASSWORD,
            from_address="facturas@pasarela.test",
            deliver_by_default=False,
        )
        return credentials_document(ctx, setup, settings.public_url)
    finally:
        await ctx.close()


async def issue_in_every_dialect(base_url: str, document: dict[str, Any]) -> list[str]:
    """One document per dialect that has a bench scenario; returns the tokens clients used."""
    registry = build_registry(get_plugin_manager())
    used: list[str] = []
    issued = []
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        for dialect in sorted(registry.dialects, key=lambda d: d.id):
            scenario = dialect.bench
            if scenario is None:
                continue
            credentials = document[dialect.id]
            if scenario.prepare is not None:
                credentials = await scenario.prepare(base_url, credentials)
            used += token_values(credentials)
            request = scenario.request(credentials, 1)
            response = await http.request(
                request.method,
                request.path,
                headers=dict(request.headers),
                content=json.dumps(request.body),
            )
            answer = response.json()
            assert scenario.succeeded(response.status_code, answer), (dialect.id, answer)
            issued.append(dialect.id)
    assert len(issued) >= 3  # every shipped dialect issued a document
    return used


async def issue_with_the_pin(settings: Settings) -> None:
    """A credit note and a debit note: their CUDE pre-hash ends with the software PIN; the
    stored one has ``{clave}`` in its place and still names every other part."""
    ctx = AppContext.create(settings)
    await ctx.start()
    try:
        tenant = await ctx.tenants.tenant_view((await ctx.tenants.get_tenant(DEMO_NIT)).id)
        for code in ("91", "92"):
            document = msgspec.structs.replace(
                sample_document(code), issue_date=None, issue_time=None
            )
            record = await ctx.documents.issue(tenant, document, dialect="prueba")
            stored = await ctx.documents.documents.get(tenant.id, record.uuid)
            assert stored.prehash is not None and stored.prehash.endswith("{clave}2")
            assert stored.prehash.startswith(record.full_number)
    finally:
        await ctx.close()


async def test_no_secret_in_clear_in_the_database_or_the_files(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'serve.db'}",
        secret_key_file=str(tmp_path / "serve.key"),
    )
    document = await prepare_demo(settings, tmp_path)
    with serving_gateway(tmp_path) as (base_url, _process):
        tokens = await issue_in_every_dialect(base_url, {**document, "base_url": base_url})
    await issue_with_the_pin(settings)

    secrets = {"certificate password": CERTIFICATE_PASSWORD, "SMTP password": SMTP_PASSWORD}
    secrets |= {f"software PIN {n}": f"{PIN_PREFIX}{n}" for n in range(2)}
    for dialect_id, entry in document.items():
        secrets |= {f"{dialect_id} token {n}": t for n, t in enumerate(token_values(entry))}
    secrets |= {f"token used {n}": token for n, token in enumerate(tokens)}
    assert len(secrets) > 7

    leaks = [
        (where, name)
        for where, blob in database_blobs(tmp_path / "serve.db")
        for name in found_in(blob, secrets)
    ]
    assert leaks == [], leaks
    written = [p for p in tmp_path.iterdir() if p.is_file() and p.name != CREDENTIALS_FILE]
    assert {"serve.db", "serve.key"} <= {p.name for p in written}
    assert [(p.name, found_in(p.read_bytes(), secrets)) for p in written] == [
        (p.name, []) for p in written
    ]
    for name in ("serve.db", "serve.key"):  # readable by their owner only
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600
