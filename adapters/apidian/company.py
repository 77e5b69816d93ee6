"""``POST /api/ubl2.1/config/{nit}/{dv?}``: create or update a company and answer its token.

APIDIAN leaves this route open (any caller may create or overwrite any company). Pasarela:

- creating a company needs the operator token (``PASARELA_OPERATOR_TOKEN``), unless the
  operator opened registration (``PASARELA_OPEN_REGISTRATION=1``); otherwise it is APIDIAN's
  403 ``{"code": 403, "status": false, "message": "Access to this route is disabled."}``;
- updating an existing company needs the operator token or that company's own APIDIAN token.

The answer carries a token: a new random one (stored hashed) when the company is created or
the operator calls; the very token presented when the company updates itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, post
from litestar.params import FromPath

from adapters.apidian import catalogs
from adapters.apidian.auth import DIALECT, UBL_PREFIX, Context, token_auth
from adapters.apidian.environments import (
    check_environment_id,
    environment_for,
    environment_id,
)
from adapters.apidian.errors import REGISTRATION_DISABLED, json_response
from adapters.apidian.rules import Rules, decode_object
from core.api import (
    Address,
    AppContext,
    AuthenticationFailed,
    ConfigurationError,
    Contact,
    InvalidRequest,
    NotFound,
    Party,
)

CREATED = "Empresa creada/actualizada con éxito"
DEFAULT_ENVIRONMENT_ID = 2  # APIDIAN creates companies in habilitación
MAIL_FIELDS = ("mail_host", "mail_port", "mail_username", "mail_password", "mail_encryption")
# Laravel's mail_encryption -> core's SMTP security ("tls" is STARTTLS on 587 in Laravel)
SECURITY = {"tls": "starttls", "starttls": "starttls", "ssl": "tls", "": "none", "none": "none"}
NIT_TYPE = "31"
LABEL_LENGTH = 200  # credentials.label
LANGUAGE_ES, COUNTRY_CO, CURRENCY_COP, OPERATION_STANDARD = 79, 46, 35, 10


def refused(message: str = REGISTRATION_DISABLED) -> Response[bytes]:
    return json_response({"code": 403, "status": False, "message": message}, 403)


async def _caller(request: Request[Any, Any, Any], ctx: AppContext) -> tuple[bool, Any, str]:
    """(operator?, the APIDIAN credential's tenant id or ``None``, the token presented)."""
    try:
        token = token_auth.token(request)
    except AuthenticationFailed:
        return False, None, ""
    if ctx.settings.is_operator_token(token):
        return True, None, token
    try:
        auth = await token_auth(request)
    except AuthenticationFailed:
        return False, None, token
    return False, auth.tenant.id, token


@post(
    [f"{UBL_PREFIX}/config/{{nit:str}}", f"{UBL_PREFIX}/config/{{nit:str}}/{{dv:str}}"],
    summary="Crear o actualizar la empresa (responde su token)",
    tags=["APIDIAN"],
)
async def configure_company(
    request: Request[Any, Any, Any],
    ctx: Context,
    nit: FromPath[str],
    dv: FromPath[str | None] = None,
) -> Response[bytes]:
    operator, own_tenant, token = await _caller(request, ctx)
    try:
        existing = await ctx.tenants.get_tenant(nit.strip())
    except NotFound:
        existing = None
    if existing is None and not (operator or ctx.settings.open_registration):
        return refused()
    if existing is not None and not operator and own_tenant != existing.id:
        return refused("La empresa ya existe: para actualizarla envíe su token.")
    data = decode_object(await request.body())
    company = _check(data, nit, dv, ctx)
    party = _party(data, nit, dv or "", existing)
    if existing is None:
        environment = environment_for(ctx, company["type_environment_id"], "type_environment_id")
        record = await ctx.tenants.create_tenant(
            nit=nit, dv=dv or "", party=party, environment=environment
        )
    else:
        record = await ctx.tenants.update_tenant(existing.id, party=party)
    await _configure_mail(ctx, record.id, data)
    if existing is None or operator:
        issued = await ctx.credentials.issue_credential(
            record.id, DIALECT, record.name[:LABEL_LENGTH], scheme="opaco"
        )
        token = issued.token
    body = {
        "success": True,
        "message": CREATED,
        "token": token,
        "company": company_json(record, data),
    }
    return json_response(body)


def _check(data: dict[str, Any], nit: str, dv: str | None, ctx: AppContext) -> dict[str, Any]:
    """ConfigurationRequest's rules; the checked catalog ids."""
    rules = Rules(data)
    rules.nit_and_dv(nit, dv)
    for field, table in (
        ("language_id", "languages"),
        ("tax_id", "taxes"),
        ("type_operation_id", "type_operations"),
        ("country_id", "countries"),
        ("type_currency_id", "type_currencies"),
    ):
        rules.exists(field, table)
    values = {
        field: check_environment_id(rules, field)
        for field in (
            "type_environment_id",
            "payroll_type_environment_id",
            "eqdocs_type_environment_id",
        )
    }
    env_value = values["type_environment_id"]
    for field, table in (
        ("type_document_identification_id", "type_document_identifications"),
        ("type_organization_id", "type_organizations"),
        ("type_regime_id", "type_regimes"),
        ("type_liability_id", "type_liabilities"),
        ("municipality_id", "municipalities"),
    ):
        if rules.required(field):
            rules.exists(field, table)
    for field in ("business_name", "merchant_registration", "address"):
        if rules.required(field):
            rules.string(field)
    if rules.required("phone"):
        rules.digits_between("phone", 7, 10)
    if rules.required("email"):
        rules.email("email")
    rules.string("mail_host")
    for field in MAIL_FIELDS[1:]:
        rules.required_with(field, tuple(f for f in MAIL_FIELDS if f != field))
    rules.numeric("mail_port")
    for field in ("mail_username", "mail_password", "mail_encryption"):
        rules.string(field)
    encryption = str(data.get("mail_encryption") or "").strip().lower()
    if encryption not in SECURITY:
        rules.add("mail_encryption", "mail encryption es inválido.")
    rules.raise_if_any()
    return {"type_environment_id": env_value or DEFAULT_ENVIRONMENT_ID}


def _row(table: str, value: Any) -> catalogs.CatalogRow:
    found = catalogs.row(table, int(value))
    assert found is not None  # checked by _check
    return found


def _party(data: dict[str, Any], nit: str, dv: str, existing: Any) -> Party:
    liability = _row("type_liabilities", data["type_liability_id"])
    if data.get("tax_id") is not None:
        tax = _row("taxes", data["tax_id"]).code
    else:  # APIDIAN: ZZ (no aplica) for R-99-PN, IVA otherwise
        tax = "ZZ" if liability.id == 117 else "01"
    municipality = _row("municipalities", data["municipality_id"])
    previous = existing.party if existing is not None else None
    return Party(
        organization_type=_row("type_organizations", data["type_organization_id"]).code,  # type: ignore[arg-type]
        # DIAN identifies every issuer by its NIT (schemeName 31, with its DV), natural persons
        # included: APIDIAN's type_document_identification_id is kept only for its answers
        id_type=NIT_TYPE,
        id_number=nit.strip(),
        dv=dv.strip() or None,
        name=str(data["business_name"]).strip(),
        trade_name=previous.trade_name if previous else None,
        tax_level_codes=(liability.code,),
        tax_scheme=tax if tax in ("01", "04", "ZA", "ZZ") else "ZZ",
        address=Address(
            municipality_code=municipality.code,
            city_name=municipality.name,
            department_code=municipality.extra.get("department_code") or None,
            department_name=municipality.extra.get("department_name") or None,
            line=str(data["address"]).strip(),
        ),
        contact=Contact(telephone=str(data["phone"]).strip(), email=str(data["email"]).strip()),
        industry_code=previous.industry_code if previous else None,
        commercial_registration=str(data["merchant_registration"]).strip(),
    )


async def _configure_mail(ctx: AppContext, tenant_id: int, data: dict[str, Any]) -> None:
    """The company's SMTP server, when ``mail_*`` came (the password is stored encrypted)."""
    if not data.get("mail_host"):
        return
    encryption = str(data.get("mail_encryption") or "").strip().lower()
    try:
        await ctx.smtp.configure(
            tenant_id,
            host=str(data["mail_host"]).strip(),
            port=int(str(data["mail_port"]).strip()),
            security=SECURITY[encryption],
            user=str(data.get("mail_username") or "").strip() or None,
            password=str(data.get("mail_password") or "") or None,
            from_address=str(data["email"]).strip(),
            deliver_by_default=False,
        )
    except (ConfigurationError, ValueError) as problem:
        raise InvalidRequest({"mail_host": [str(problem)]}) from None


# ------------------------------------------------------------------ company JSON


def laravel_time(moment: dt.datetime | None) -> str | None:
    """A timestamp as Laravel serializes models: UTC, microseconds, ``Z``."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _id_of(table: str, code: str | None) -> int | None:
    return next((r.id for r in catalogs.rows(table) if code and r.code == code), None)


def company_json(record: Any, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """APIDIAN's ``company`` object for a tenant: the ids the request gave, else the ids of
    the tenant's codes in APIDIAN's catalogs."""
    data = data or {}
    party = record.party
    address = party.address or Address()
    contact = party.contact or Contact()
    env_id = environment_id(record.environment)

    def given(field: str, fallback: int | None) -> Any:
        value = data.get(field)
        return int(value) if value is not None and str(value).strip().isdigit() else fallback

    liability = party.tax_level_codes[0] if party.tax_level_codes else None
    return {
        "id": record.id,
        "user_id": record.id,
        "identification_number": record.nit,
        "dv": record.dv,
        "language_id": given("language_id", LANGUAGE_ES),
        "tax_id": given("tax_id", _id_of("taxes", party.tax_scheme)),
        "type_environment_id": env_id,
        "payroll_type_environment_id": env_id,
        "eqdocs_type_environment_id": env_id,
        "type_operation_id": given("type_operation_id", OPERATION_STANDARD),
        "type_document_identification_id": given(
            "type_document_identification_id",
            _id_of("type_document_identifications", party.id_type),
        ),
        "country_id": given("country_id", COUNTRY_CO),
        "type_currency_id": given("type_currency_id", CURRENCY_COP),
        "type_organization_id": given(
            "type_organization_id", _id_of("type_organizations", party.organization_type)
        ),
        "type_regime_id": given("type_regime_id", 1 if party.tax_scheme == "01" else 2),
        "type_liability_id": given("type_liability_id", _id_of("type_liabilities", liability)),
        "municipality_id": given(
            "municipality_id", _id_of("municipalities", address.municipality_code)
        ),
        "merchant_registration": party.commercial_registration,
        "address": address.line,
        "phone": contact.telephone,
        "state": record.status == "activo",
        "created_at": laravel_time(record.created_at),
        "updated_at": laravel_time(record.updated_at),
        "user": {
            "id": record.id,
            "name": party.name,
            "email": contact.email,
            "created_at": laravel_time(record.created_at),
            "updated_at": laravel_time(record.updated_at),
        },
    }
