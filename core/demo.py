"""The demo tenant of ``pasarela serve --demo``: a company that can issue right away.

It lives in the ``simulador`` environment with a freshly generated test certificate, DIAN's
public test numbering range for invoices (prefix SETP) and ranges for the other document types
installed. Running it again finds the tenant and adds only what is missing; each run issues
fresh credentials (one per installed dialect), written to the credentials file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import uuid
from pathlib import Path
from typing import Any, Final

import msgspec

from core.context import AppContext
from core.contracts import Dialect, DocumentType, TokenScheme
from core.errors import ConfigurationError, NotFound
from core.model import Address, Contact, Party
from core.signing.testcerts import generate_test_pkcs12
from core.tenancy.ranges import NumberingRanges
from core.tenancy.records import IssuedCredential, TenantRecord
from core.tenancy.users import OPERATOR_ROLE
from core.validation.nit import check_digit

DEMO_NIT: Final = "900373076"
DEMO_NAME: Final = "Pasarela Demo S.A.S."
DEMO_ENVIRONMENT: Final = "simulador"
DEMO_CREDENTIAL_LABEL: Final = "demo"
DEMO_ADMIN_EMAIL: Final = "admin@demo.pasarela.example"
DEMO_OPERATOR_EMAIL: Final = "operador@pasarela.example"


# The demo ranges' validity (each document kind declares its own range: ``demo_range``).
DEMO_VALID_FROM: Final = dt.date(2019, 1, 19)
DEMO_VALID_TO: Final = dt.date(2030, 1, 19)


class PortalLogin(msgspec.Struct, frozen=True, kw_only=True):
    """A portal account and the password it was given in this run."""

    email: str
    password: str


class DemoSetup(msgspec.Struct, frozen=True, kw_only=True):
    """The demo tenant and the credentials issued for it in this run (by dialect id), with
    the portal accounts of its administrator and of the gateway's operator (passwords new
    in each run)."""

    tenant: TenantRecord
    credentials: dict[str, IssuedCredential]
    admin: PortalLogin | None = None
    operator: PortalLogin | None = None


def demo_party() -> Party:
    """The demo company as a supplier: persona jurídica in Bogotá D.C., IVA responsible."""
    return Party(
        organization_type="1",
        id_type="31",
        id_number=DEMO_NIT,
        dv=check_digit(DEMO_NIT),
        name=DEMO_NAME,
        trade_name="Pasarela Demo",
        tax_level_codes=("O-13", "O-15"),
        tax_scheme="01",
        address=Address(
            municipality_code="11001",
            city_name="Bogotá, D.C.",
            department_code="11",
            department_name="Bogotá",
            postal_zone="110111",
            line="Carrera 7 # 32-16",
        ),
        contact=Contact(name="Facturación", telephone="6015550100", email="demo@example.com"),
        industry_code="6201",
    )


async def add_demo_range(ranges: NumberingRanges, tenant_id: int, kind: DocumentType) -> None:
    """Give a tenant the demo numbering range of one document kind in its current
    environment."""
    wanted = kind.demo_range
    if wanted is None:
        raise ConfigurationError(f"el tipo de documento {kind.code} no tiene rango de prueba")
    await ranges.add_resolution(
        tenant_id,
        document_type=kind.range_type,
        resolution_number=wanted.resolution_number,
        resolution_date=DEMO_VALID_FROM,
        prefix=wanted.prefix,
        from_number=wanted.from_number,
        to_number=wanted.to_number,
        valid_from=DEMO_VALID_FROM,
        valid_to=DEMO_VALID_TO,
        technical_key=wanted.technical_key,
    )


async def ensure_demo(ctx: AppContext, *, portal_accounts: bool = False) -> DemoSetup:
    """Create (or complete) the demo tenant, then issue one credential per installed dialect;
    with ``portal_accounts``, also give the portal accounts of its administrator and of the
    gateway's operator new passwords (creating them the first time).

    The tenant gets a software for every channel the installed kinds are sent with, and each
    kind's demo range."""
    tenants = ctx.tenants
    try:
        tenant = await tenants.get_tenant(DEMO_NIT)
    except NotFound:
        tenant = await tenants.create_tenant(
            nit=DEMO_NIT,
            dv=check_digit(DEMO_NIT),
            party=demo_party(),
            environment=DEMO_ENVIRONMENT,
            software_id=str(uuid.uuid4()),
            software_pin=_demo_pin(),
            test_set_id=str(uuid.uuid4()),
        )
    kinds = sorted(ctx.registry.document_types, key=lambda k: k.code)
    for channel in sorted({k.software_channel for k in kinds}):
        if tenant.software_for(channel) is None:
            tenant = await tenants.update_tenant(
                tenant.id,
                channel=channel,
                software_id=str(uuid.uuid4()),
                software_pin=_demo_pin(),
                test_set_id=str(uuid.uuid4()),
            )
    if tenant.certificate is None:
        pkcs12, password = generate_test_pkcs12(nit=DEMO_NIT, name=DEMO_NAME)
        await ctx.certificates.attach_certificate(tenant.id, pkcs12, password)
    existing = {
        (r.range.document_type, r.range.prefix)
        for r in await ctx.ranges.list_ranges(tenant.id, tenant.environment)
    }
    for kind in kinds:
        wanted = kind.demo_range
        if wanted is None or (kind.range_type, wanted.prefix) in existing:
            continue
        await add_demo_range(ctx.ranges, tenant.id, kind)
        existing.add((kind.range_type, wanted.prefix))
    credentials = {
        dialect.id: await issue_for_dialect(ctx, tenant.id, dialect, DEMO_CREDENTIAL_LABEL)
        for dialect in sorted(ctx.registry.dialects, key=lambda d: d.id)
    }
    return DemoSetup(
        tenant=await tenants.get_tenant(tenant.id),
        credentials=credentials,
        admin=await _demo_account(ctx, DEMO_ADMIN_EMAIL, tenant.id, "administrador")
        if portal_accounts
        else None,
        operator=await _demo_account(ctx, DEMO_OPERATOR_EMAIL, None, OPERATOR_ROLE)
        if portal_accounts
        else None,
    )


async def _demo_account(
    ctx: AppContext, email: str, tenant_id: int | None, role: str
) -> PortalLogin:
    """The demo account with a fresh password (created the first time)."""
    password = secrets.token_urlsafe(15)
    existing = await ctx.users.find_user(email)
    if existing is None:
        await ctx.users.create_user(email=email, password=password, tenant=tenant_id, role=role)
    else:
        await ctx.users.set_password(existing.id, password)
        await ctx.users.set_active(existing.id, True)
    return PortalLogin(email=email, password=password)


def credential_scheme(dialect: Dialect) -> TokenScheme:
    """The scheme of the credential issued for a dialect's clients (an OAuth dialect's
    clients get an opaque client credential; access tokens are granted to it)."""
    return "opaco" if dialect.token_scheme == "oauth" else dialect.token_scheme


async def issue_for_dialect(
    ctx: AppContext, tenant_id: int, dialect: Dialect, label: str | None = None
) -> IssuedCredential:
    """A new credential for a dialect's clients, completed by the dialect when it signs its
    clients in with more than the token (``Dialect.complete_credential``: ``details``)."""
    issued = await ctx.credentials.issue_credential(
        tenant_id, dialect.id, label, scheme=credential_scheme(dialect)
    )
    if dialect.complete_credential is not None:
        details = await dialect.complete_credential(ctx, issued)
        issued = msgspec.structs.replace(issued, details=dict(details))
    return issued


def _demo_pin() -> str:
    return f"{secrets.randbelow(100000):05d}"


def credentials_document(ctx: AppContext, setup: DemoSetup, base_url: str) -> dict[str, Any]:
    """``{"base_url", "tenant": {"nit", "dv"}, "portal": {"url", "email", "password"},
    "operator": {"email", "password"}, "<dialect id>": {...}}`` for the credentials file.

    Each dialect shapes its own entry (``Dialect.credentials_for_demo``); one without that
    callback gets ``{"token": ...}``.
    """
    document: dict[str, Any] = {
        "base_url": base_url.rstrip("/"),
        "tenant": {"nit": setup.tenant.nit, "dv": setup.tenant.dv, "name": setup.tenant.name},
    }
    if setup.admin is not None:
        document["portal"] = {
            "url": f"{base_url.rstrip('/')}/portal/login",
            "email": setup.admin.email,
            "password": setup.admin.password,
        }
    if setup.operator is not None:
        document["operator"] = {"email": setup.operator.email, "password": setup.operator.password}
    for dialect_id, issued in setup.credentials.items():
        dialect = ctx.registry.dialects.get(dialect_id)
        if dialect.credentials_for_demo is None:
            document[dialect_id] = {"token": issued.token}
        else:
            document[dialect_id] = dict(dialect.credentials_for_demo(msgspec.to_builtins(issued)))
    return document


def write_credentials_file(path: Path, document: dict[str, Any]) -> None:
    """Write the credentials JSON readable by the owner only (it holds live tokens)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    tmp.replace(path)
