"""A database as the first release left it, with data: the starting point of upgrade tests.

That release migrated only core's tree, to revision ``0001``; the simulator made its ``sim_*``
tables itself with SQLAlchemy's ``create_all``. ``build_legacy_database`` reproduces exactly
that: alembic to ``0001`` on core's tree alone, then the simulator's tables from the DDL that
``create_all`` emitted on each backend (copied below as plain SQL), then rows written the way
that release wrote them: a tenant of the ``simulador`` environment with its certificate, an
invoice range, a FacEPro credential and an accepted invoice, and the simulated DIAN's portal
and inbox for that tenant. The rows are written through lightweight ``sa.table`` descriptions of
the old columns, not the current mapped classes, so they stay what that release stored.

Later core revisions extend this module with the data their own upgrade must carry over.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.clock import BOGOTA
from core.secrets import SecretBox, hash_token_secret, key_from_text
from core.signing.certificates import load_pkcs12
from core.signing.testcerts import generate_test_pkcs12
from core.storage.column_types import AwareDateTime, Money
from core.storage.engine import create_engine
from core.storage.migrate import upgrade
from plugins.environments.simulador.store import duplicate_key

LEGACY_SECRET_KEY = "clave de la primera versión"
LEGACY_CORE_REVISION = "0001"

NIT, DV, NAME = "900373076", "4", "Ferretería Antigua S.A.S."
SOFTWARE_ID, SOFTWARE_PIN = "0c9d1a8e-6f1b-4b8e-9a52-3f5c2d7e8a10", "75315"
PREFIX, FIRST_NUMBER, LAST_NUMBER = "SETP", 990000000, 995000000
RESOLUTION = "18760000001"
TECHNICAL_KEY = "fc8eac422eba16e22ffd8c6f94b3f40a6e38162c"
ISSUED_NUMBER = 990000010  # the invoice issued before the upgrade
CERTIFICATE_PASSWORD = "clave-del-certificado"
CREATED_AT = dt.datetime(2026, 11, 24, 9, 30, tzinfo=BOGOTA)

PARTY = {  # tenants.party as msgspec.to_builtins(Party) wrote it
    "organization_type": "1",
    "id_type": "31",
    "id_number": NIT,
    "dv": DV,
    "name": NAME,
    "trade_name": "Ferretería Antigua",
    "tax_level_codes": ["O-13"],
    "tax_scheme": "01",
    "address": {
        "municipality_code": "11001",
        "city_name": "Bogotá, D.C.",
        "department_code": "11",
        "department_name": "Bogotá",
        "postal_zone": "110111",
        "line": "Carrera 7 # 32-16",
        "country_code": "CO",
        "country_name": "Colombia",
    },
    "contact": None,
    "industry_code": None,
    "commercial_registration": None,
}

# What SimBase.metadata.create_all emitted, per backend (table and index DDL, in its order).
_SIM_TABLES = """
CREATE TABLE sim_accepted_numbers (
    duplicate_key VARCHAR(64) NOT NULL,
    document_key VARCHAR(96) NOT NULL,
    PRIMARY KEY (duplicate_key)
);
CREATE TABLE sim_batches (
    zip_key VARCHAR(36) NOT NULL,
    file_name VARCHAR(200) NOT NULL,
    test_set_id VARCHAR(64),
    received_at {timestamp} NOT NULL,
    PRIMARY KEY (zip_key)
);
CREATE INDEX ix_sim_batches_test_set_id ON sim_batches (test_set_id);
CREATE TABLE sim_certificates (
    fingerprint VARCHAR(64) NOT NULL,
    issuer_nit VARCHAR(20) NOT NULL,
    der {blob} NOT NULL,
    PRIMARY KEY (fingerprint, issuer_nit)
);
CREATE TABLE sim_companies (
    nit VARCHAR(20) NOT NULL,
    dv VARCHAR(1) NOT NULL,
    name VARCHAR(450) NOT NULL,
    registered_at {timestamp} NOT NULL,
    PRIMARY KEY (nit)
);
CREATE TABLE sim_documents (
    id {serial} NOT NULL,
    document_key VARCHAR(96) NOT NULL,
    issuer_nit VARCHAR(20) NOT NULL,
    document_type VARCHAR(4) NOT NULL,
    number VARCHAR(40) NOT NULL,
    issue_date DATE,
    is_valid BOOLEAN NOT NULL,
    status_code VARCHAR(4) NOT NULL,
    status_description VARCHAR(200) NOT NULL,
    status_message VARCHAR(400) NOT NULL,
    error_messages TEXT NOT NULL,
    xml_file_name VARCHAR(200) NOT NULL,
    signed_xml {blob} NOT NULL,
    application_response {blob} NOT NULL,
    zip_key VARCHAR(36),
    test_set_id VARCHAR(64),
    received_at {timestamp} NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_sim_documents_document_key ON sim_documents (document_key);
CREATE INDEX ix_sim_documents_zip_key ON sim_documents (zip_key);
CREATE TABLE sim_identity (
    id {serial} NOT NULL,
    pkcs12 {blob} NOT NULL,
    password VARCHAR(64) NOT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE sim_issuer_software (
    issuer_nit VARCHAR(20) NOT NULL,
    software_id VARCHAR(64) NOT NULL,
    PRIMARY KEY (issuer_nit, software_id)
);
CREATE TABLE sim_ranges (
    id {serial} NOT NULL,
    issuer_nit VARCHAR(20) NOT NULL,
    software_id VARCHAR(64) NOT NULL,
    document_type VARCHAR(4) NOT NULL,
    resolution_number VARCHAR(40) NOT NULL,
    resolution_date DATE,
    prefix VARCHAR(10) NOT NULL,
    from_number INTEGER NOT NULL,
    to_number INTEGER NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL,
    technical_key VARCHAR(128),
    PRIMARY KEY (id)
);
CREATE INDEX ix_sim_ranges_issuer ON sim_ranges (issuer_nit, software_id);
CREATE TABLE sim_software (
    id VARCHAR(64) NOT NULL,
    pin VARCHAR(64) NOT NULL,
    provider_nit VARCHAR(20) NOT NULL,
    test_set_id VARCHAR(64),
    active BOOLEAN NOT NULL,
    PRIMARY KEY (id)
)
"""
_BACKEND_TYPES = {
    "sqlite": {"timestamp": "DATETIME", "blob": "BLOB", "serial": "INTEGER"},
    "postgresql": {"timestamp": "TIMESTAMP WITH TIME ZONE", "blob": "BYTEA", "serial": "SERIAL"},
}
LEGACY_SIMULATOR_TABLES = (
    "sim_accepted_numbers",
    "sim_batches",
    "sim_certificates",
    "sim_companies",
    "sim_documents",
    "sim_identity",
    "sim_issuer_software",
    "sim_ranges",
    "sim_software",
)


def legacy_simulator_ddl(backend: str) -> list[str]:
    """The statements the old ``create_all`` ran on ``backend`` (``sqlite``/``postgresql``)."""
    script = _SIM_TABLES.format(**_BACKEND_TYPES[backend])
    return [statement.strip() for statement in script.split(";") if statement.strip()]


def _table(name: str, *columns: sa.ColumnClause) -> sa.TableClause:
    return sa.table(name, *columns)


def _columns(*names: str) -> list[sa.ColumnClause]:
    return [sa.column(name) for name in names]


def _at(name: str) -> sa.ColumnClause:
    return sa.column(name, AwareDateTime())


TENANTS = _table(
    "tenants",
    *_columns("id", "uuid", "nit", "dv", "name", "environment", "software_id"),
    *_columns("software_pin", "provider_nit", "provider_dv", "test_set_id", "status"),
    *_columns("permite_facturas", "permite_notas_credito", "permite_notas_debito"),
    sa.column("party", sa.JSON()),
    _at("created_at"),
    _at("updated_at"),
)
CERTIFICATES = _table(
    "certificates",
    *_columns("tenant_id", "pkcs12", "password", "fingerprint", "subject"),
    _at("not_after"),
    _at("created_at"),
)
RESOLUTIONS = _table(
    "resolutions",
    *_columns("tenant_id", "environment", "document_type", "resolution_number", "prefix"),
    *_columns("from_number", "to_number", "technical_key", "next_number"),
    sa.column("resolution_date", sa.Date()),
    sa.column("valid_from", sa.Date()),
    sa.column("valid_to", sa.Date()),
    _at("created_at"),
)
CREDENTIALS = _table(
    "credentials",
    *_columns("id", "tenant_id", "dialect", "secret_hash", "label"),
    _at("created_at"),
)
DOCUMENTS = _table(
    "documents",
    *_columns("uuid", "tenant_id", "dialect", "type_code", "environment", "prefix", "number"),
    *_columns("customer_id", "customer_name", "unique_code", "status", "zip_key", "attempts"),
    *_columns("dian_status_code", "dian_status_description", "signed_xml"),
    sa.column("subtotal", Money()),
    sa.column("taxes", Money()),
    sa.column("payable", Money()),
    _at("issue_datetime"),
    _at("created_at"),
    _at("updated_at"),
)
SIM_COMPANIES = _table("sim_companies", *_columns("nit", "dv", "name"), _at("registered_at"))
SIM_SOFTWARE = _table(
    "sim_software", *_columns("id", "pin", "provider_nit", "test_set_id", "active")
)
SIM_ISSUER_SOFTWARE = _table("sim_issuer_software", *_columns("issuer_nit", "software_id"))
SIM_RANGES = _table(
    "sim_ranges",
    *_columns("issuer_nit", "software_id", "document_type", "resolution_number", "prefix"),
    *_columns("from_number", "to_number", "technical_key"),
    sa.column("resolution_date", sa.Date()),
    sa.column("valid_from", sa.Date()),
    sa.column("valid_to", sa.Date()),
)
SIM_CERTIFICATES = _table("sim_certificates", *_columns("fingerprint", "issuer_nit", "der"))
SIM_DOCUMENTS = _table(
    "sim_documents",
    *_columns("document_key", "issuer_nit", "document_type", "number", "is_valid"),
    *_columns("status_code", "status_description", "status_message", "error_messages"),
    *_columns("xml_file_name", "signed_xml", "application_response"),
    sa.column("issue_date", sa.Date()),
    _at("received_at"),
)
SIM_ACCEPTED_NUMBERS = _table("sim_accepted_numbers", *_columns("duplicate_key", "document_key"))


@dataclass(frozen=True, kw_only=True)
class LegacyDatabase:
    """What ``build_legacy_database`` stored, for the assertions after the upgrade."""

    url: str
    secret_key: str
    tenant_id: int
    nit: str
    facepro_token: str  # "<id>|<secret>", as handed to the client before the upgrade
    document_uuid: str
    document_number: str  # prefix + number of the accepted invoice
    unique_code: str
    next_number: int


async def build_legacy_database(url: str) -> LegacyDatabase:
    """Bring the empty database at ``url`` to the first release's schema and fill it."""
    upgrade(url, (), LEGACY_CORE_REVISION)  # core's tree alone, as that release had
    box = SecretBox(key_from_text(LEGACY_SECRET_KEY))
    pkcs12, password = generate_test_pkcs12(nit=NIT, name=NAME, password=CERTIFICATE_PASSWORD)
    identity = load_pkcs12(pkcs12, password)
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            for statement in legacy_simulator_ddl(conn.dialect.name):
                await conn.execute(sa.text(statement))
            return await conn.run_sync(_fill, url, box, pkcs12, identity.der)
    finally:
        await engine.dispose()


def _fill(conn: Connection, url: str, box: SecretBox, pkcs12: bytes, der: bytes) -> LegacyDatabase:
    tenant_id = conn.execute(
        sa.insert(TENANTS)
        .values(
            uuid=str(uuid.uuid4()),
            nit=NIT,
            dv=DV,
            name=NAME,
            party=PARTY,
            environment="simulador",
            software_id=SOFTWARE_ID,
            software_pin=box.encrypt(SOFTWARE_PIN.encode()),
            provider_nit=NIT,
            provider_dv=DV,
            test_set_id=None,
            status="activo",
            permite_facturas=True,
            permite_notas_credito=True,
            permite_notas_debito=False,
            created_at=CREATED_AT,
            updated_at=CREATED_AT,
        )
        .returning(TENANTS.c.id)
    ).scalar_one()
    fingerprint = hashlib.sha256(der).hexdigest()
    conn.execute(
        sa.insert(CERTIFICATES).values(
            tenant_id=tenant_id,
            pkcs12=box.encrypt(pkcs12),
            password=box.encrypt(CERTIFICATE_PASSWORD.encode()),
            fingerprint=fingerprint,
            subject=f"CN={NAME}",
            not_after=CREATED_AT + dt.timedelta(days=700),
            created_at=CREATED_AT,
        )
    )
    valid_from, valid_to = dt.date(2019, 1, 19), dt.date(2030, 1, 19)
    conn.execute(
        sa.insert(RESOLUTIONS).values(
            tenant_id=tenant_id,
            environment="simulador",
            document_type="01",
            resolution_number=RESOLUTION,
            resolution_date=valid_from,
            prefix=PREFIX,
            from_number=FIRST_NUMBER,
            to_number=LAST_NUMBER,
            valid_from=valid_from,
            valid_to=valid_to,
            technical_key=TECHNICAL_KEY,
            next_number=ISSUED_NUMBER + 1,
            created_at=CREATED_AT,
        )
    )
    secret = "secreto-de-la-primera-version-0123456789"
    credential_id = conn.execute(
        sa.insert(CREDENTIALS)
        .values(
            tenant_id=tenant_id,
            dialect="facepro",
            secret_hash=hash_token_secret(secret),
            label="cliente antiguo",
            created_at=CREATED_AT,
        )
        .returning(CREDENTIALS.c.id)
    ).scalar_one()
    document_uuid, unique_code = str(uuid.uuid4()), "a" * 96
    conn.execute(
        sa.insert(DOCUMENTS).values(
            uuid=document_uuid,
            tenant_id=tenant_id,
            dialect="facepro",
            type_code="01",
            environment="simulador",
            prefix=PREFIX,
            number=ISSUED_NUMBER,
            customer_id="71234567",
            customer_name="JUAN PEREZ",
            subtotal=Decimal("100000.00"),
            taxes=Decimal("19000.00"),
            payable=Decimal("119000.00"),
            unique_code=unique_code,
            status="aceptado",
            zip_key=None,
            attempts=1,
            dian_status_code="00",
            dian_status_description="Procesado Correctamente.",
            signed_xml="<Invoice/>",
            issue_datetime=CREATED_AT,
            created_at=CREATED_AT,
            updated_at=CREATED_AT,
        )
    )
    conn.execute(
        sa.insert(SIM_COMPANIES).values(nit=NIT, dv=DV, name=NAME, registered_at=CREATED_AT)
    )
    conn.execute(
        sa.insert(SIM_SOFTWARE).values(
            id=SOFTWARE_ID, pin=SOFTWARE_PIN, provider_nit=NIT, test_set_id=None, active=True
        )
    )
    conn.execute(sa.insert(SIM_ISSUER_SOFTWARE).values(issuer_nit=NIT, software_id=SOFTWARE_ID))
    conn.execute(
        sa.insert(SIM_RANGES).values(
            issuer_nit=NIT,
            software_id=SOFTWARE_ID,
            document_type="01",
            resolution_number=RESOLUTION,
            resolution_date=valid_from,
            prefix=PREFIX,
            from_number=FIRST_NUMBER,
            to_number=LAST_NUMBER,
            valid_from=valid_from,
            valid_to=valid_to,
            technical_key=TECHNICAL_KEY,
        )
    )
    conn.execute(
        sa.insert(SIM_CERTIFICATES).values(fingerprint=fingerprint, issuer_nit=NIT, der=der)
    )
    number = f"{PREFIX}{ISSUED_NUMBER}"
    conn.execute(
        sa.insert(SIM_DOCUMENTS).values(
            document_key=unique_code,
            issuer_nit=NIT,
            document_type="01",
            number=number,
            issue_date=CREATED_AT.date(),
            is_valid=True,
            status_code="00",
            status_description="Procesado Correctamente.",
            status_message=f"La Factura electrónica {number}, ha sido autorizada.",
            error_messages="",
            xml_file_name=f"fv{NIT}00000000001.xml",
            signed_xml=b"<Invoice/>",
            application_response=b"<ApplicationResponse/>",
            received_at=CREATED_AT,
        )
    )
    conn.execute(
        sa.insert(SIM_ACCEPTED_NUMBERS).values(
            duplicate_key=duplicate_key(NIT, "01", number),
            document_key=unique_code,
        )
    )
    return LegacyDatabase(
        url=url,
        secret_key=LEGACY_SECRET_KEY,
        tenant_id=int(tenant_id),
        nit=NIT,
        facepro_token=f"{credential_id}|{secret}",
        document_uuid=document_uuid,
        document_number=number,
        unique_code=unique_code,
        next_number=ISSUED_NUMBER + 1,
    )
