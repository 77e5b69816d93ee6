"""APIDIAN's configuration routes (``PUT /api/ubl2.1/config/...``), for the token's company.

Each change goes through core's tenancy services, so it reaches the company's environment at
once: the simulator learns a new software, PIN, range or certificate as DIAN's portal would.

- ``software`` (also ``softwareeqdocs``, ``softwaresupportdocument``, ``softwarepayroll``:
  one handler, as in APIDIAN): ``id``/``pin`` for invoices and notes, ``ideqdocs``/
  ``pineqdocs`` for equivalent documents (POS), ``idsupportdocument``/``pinsupportdocument``
  for support documents. Payroll (``idpayroll``) is validated but not kept: Pasarela issues
  no payroll. PINs are never echoed.
- ``certificate``: base64 PKCS#12 and its password; the password is never echoed nor logged.
- ``resolution``: any ``type_document_id`` whose DIAN kind Pasarela issues.
- ``environment``: 1 producción, 2 habilitación, 3 Pasarela's simulator (one per company).
- ``logo``: base64 PNG/JPEG printed on the PDFs.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, put

from adapters.apidian import catalogs
from adapters.apidian.auth import UBL_PREFIX, Context, Tenant, token_router
from adapters.apidian.company import company_json, configure_company, laravel_time
from adapters.apidian.environments import (
    PRODUCTION_ID,
    check_environment_id,
    environment_for,
    environment_id,
)
from adapters.apidian.errors import json_response
from adapters.apidian.resolutions import check_resolution, store_resolution
from adapters.apidian.rules import Rules, decode_object
from core.api import (
    CHANNEL_EQUIVALENT,
    CHANNEL_INVOICES,
    CHANNEL_SUPPORT,
    AppContext,
    CertificateError,
    ConfigurationError,
    InvalidLogo,
    InvalidRequest,
    SwitchRefused,
    TenantView,
    demote,
    promote,
)

MASKED_PIN = "*****"
# body keys of one software: (id, pin, url, channel or None when Pasarela keeps nothing)
SOFTWARE_KEYS = (
    ("id", "pin", "url", CHANNEL_INVOICES),
    ("idpayroll", "pinpayroll", "urlpayroll", None),
    ("ideqdocs", "pineqdocs", "urleqdocs", CHANNEL_EQUIVALENT),
    ("idsupportdocument", "pinsupportdocument", "urlsupportdocument", CHANNEL_SUPPORT),
)
ENVIRONMENT_FIELDS = {
    "type_environment_id": "El ambiente de factura de ventas seleccionado no es válido.",
    "payroll_type_environment_id": "El ambiente de nómina seleccionado no es válido.",
    "eqdocs_type_environment_id": "El ambiente de POS seleccionado no es válido.",
    "support_document_type_environment_id": (
        "El ambiente de documentos soporte seleccionado no es válido."
    ),
    "event_type_environment_id": "El ambiente de eventos RADIAN seleccionado no es válido.",
    "factura_ventas": "El ambiente de factura de ventas seleccionado no es válido.",
    "nomina": "El ambiente de nómina seleccionado no es válido.",
    "pos": "El ambiente de POS seleccionado no es válido.",
    "documentos_soporte": "El ambiente de documentos soporte seleccionado no es válido.",
    "eventos_radian": "El ambiente de eventos RADIAN seleccionado no es válido.",
}
NO_SOFTWARE = "No se ha configurado el software para esta empresa. Configure el software primero."


def _field_errors(errors: dict[str, str]) -> Response[bytes]:
    """APIDIAN's certificate/logo 422: ``errors`` values are strings, not lists."""
    return json_response({"message": next(iter(errors.values())), "errors": errors}, 422)


# ------------------------------------------------------------------------ software


@put(
    ["/software", "/softwarepayroll", "/softwareeqdocs", "/softwaresupportdocument"],
    summary="Software (id y PIN) por canal",
)
async def software(request: Request[Any, Any, Any], ctx: Context, tenant: Tenant) -> Any:
    data = decode_object(await request.body())
    if data.get("identifier_support_document") is not None:
        data.setdefault("idsupportdocument", data["identifier_support_document"])
    if data.get("pin_support_document") is not None:
        data.setdefault("pinsupportdocument", data["pin_support_document"])
    rules = Rules(data)
    for id_key, pin_key, url_key, _ in SOFTWARE_KEYS:
        rules.string(id_key)
        rules.required_with(pin_key, (id_key,))
        rules.digits(pin_key, 5)
        rules.url(url_key)
    rules.raise_if_any()
    for id_key, pin_key, _, channel in SOFTWARE_KEYS:
        software_id, pin = rules.string(id_key), data.get(pin_key)
        if channel is None or (software_id is None and pin is None):
            continue
        try:
            await ctx.tenants.update_tenant(
                tenant.id,
                channel=channel,
                software_id=software_id,
                software_pin=None if pin is None else str(pin).strip(),
            )
        except ConfigurationError as problem:
            raise InvalidRequest({id_key: [str(problem)]}) from None
    record = await ctx.tenants.get_tenant(tenant.id)
    return json_response(
        {
            "success": True,
            "message": "Software creado/actualizado con éxito",
            "software": software_json(ctx, record),
        }
    )


def software_json(ctx: AppContext, record: Any) -> dict[str, Any]:
    """APIDIAN's ``software`` object: identifier/pin/url per channel (PINs masked)."""
    url = soap_url(ctx, record.environment)
    body: dict[str, Any] = {}
    for channel, suffix in (
        (CHANNEL_INVOICES, ""),
        (None, "_payroll"),
        (CHANNEL_EQUIVALENT, "_eqdocs"),
        (CHANNEL_SUPPORT, "_support_document"),
    ):
        found = record.software_for(channel) if channel else None
        body[f"identifier{suffix}"] = found.id if found else None
        body[f"pin{suffix}"] = MASKED_PIN if found else None
        body[f"url{suffix}"] = url if found else None
    body["url_event"] = url
    body["updated_at"] = laravel_time(record.updated_at)
    body["id"] = record.id
    return body


def soap_url(ctx: AppContext, environment_id: str) -> str | None:
    """Where the company's documents go (the simulator's URL when it is the simulator)."""
    environment = ctx.registry.environments.as_mapping().get(environment_id)
    if environment is None:
        return None
    try:
        return str(environment.endpoint(ctx.settings)[0])
    except ValueError:
        return None


# --------------------------------------------------------------------- certificate


@put("/certificate", summary="Certificado de firma (.p12 en base64)")
async def certificate(request: Request[Any, Any, Any], ctx: Context, tenant: Tenant) -> Any:
    data = decode_object(await request.body())
    rules = Rules(data)
    for field in ("certificate", "password"):
        if rules.required(field) and not isinstance(data[field], str):
            rules.add(field, f"El campo {field} debe ser una cadena de caracteres.")
    rules.raise_if_any()
    decoded = Rules(data).base64("certificate")
    if decoded is None:
        return _field_errors({"certificate": "The base64 encoding is not valid."})
    try:
        info = await ctx.certificates.attach_certificate(tenant.id, decoded, data["password"])
    except CertificateError as problem:  # Spanish, and never holds the password
        return _field_errors({"certificate": str(problem), "password": str(problem)})
    record = await ctx.tenants.get_tenant(tenant.id)
    return json_response(
        {
            "success": True,
            "message": "Certificado creado con éxito",
            "certificado": {
                "name": f"{record.nit}{record.dv}.p12",
                "expiration_date": info.not_after.strftime("%Y/%m/%d %H:%M:%S"),
                "subject": info.subject,
                "fingerprint": info.fingerprint,
                "updated_at": laravel_time(record.updated_at),
                "id": record.id,
            },
        }
    )


# ---------------------------------------------------------------------- resolution


@put("/resolution", summary="Resolución de numeración")
async def resolution(request: Request[Any, Any, Any], ctx: Context, tenant: Tenant) -> Any:
    data = decode_object(await request.body())
    checked = check_resolution(ctx, data)
    stored = await store_resolution(ctx, tenant, checked)
    kind_row = catalogs.row("type_documents", checked.type_document_id)
    assert kind_row is not None
    prefix = stored.prefix
    return json_response(
        {
            "success": True,
            "message": "Resolución creada/actualizada con éxito",
            "resolution": {
                "type_document_id": checked.type_document_id,
                "prefix": prefix or None,
                "resolution": stored.resolution_number or None,
                "resolution_date": _iso(stored.resolution_date),
                "technical_key": stored.technical_key,
                "from": stored.from_number,
                "to": stored.to_number,
                "date_from": _iso(checked.date_from),
                "date_to": _iso(checked.date_to),
                "type_environment_id": environment_id(tenant.environment),
                "id": stored.id,
                "number": stored.from_number,
                "next_consecutive": f"{prefix}{stored.from_number}",
                "type_document": {
                    "id": kind_row.id,
                    "name": kind_row.name,
                    "code": kind_row.code,
                    **kind_row.extra,
                },
            },
        }
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


# --------------------------------------------------------------------- environment


@put("/environment", summary="Ambiente: 1 producción, 2 habilitación, 3 simulador")
async def environment(request: Request[Any, Any, Any], ctx: Context, tenant: Tenant) -> Any:
    data = decode_object(await request.body())
    rules = Rules(data)
    given = {
        field: value
        for field, message in ENVIRONMENT_FIELDS.items()
        if (value := check_environment_id(rules, field, message)) is not None
    }
    rules.raise_if_any()
    if not tenant.software:
        return json_response({"success": False, "message": NO_SOFTWARE}, 400)
    if len(set(given.values())) > 1:
        field = next(f for f, v in given.items() if v != next(iter(given.values())))
        raise InvalidRequest(
            {
                field: [
                    "Pasarela usa un solo ambiente para todos los documentos de la empresa: "
                    "envíe el mismo valor en todos los campos."
                ]
            }
        )
    if given:
        field, value = next(iter(given.items()))
        target = environment_for(ctx, value, field)
        production = ctx.registry.environments.get(tenant.environment).production
        if value == PRODUCTION_ID and production is not None:
            target = production  # producción of the company's own habilitación (the simulator's)
        try:
            await switch_environment(ctx, tenant, target)
        except SwitchRefused as refused:
            return json_response({"success": False, "message": _sentence(str(refused))}, 400)
    record = await ctx.tenants.get_tenant(tenant.id)
    return json_response(
        {
            "success": True,
            "message": "Ambiente actualizado con éxito",
            "company": company_json(record),
        }
    )


async def switch_environment(ctx: AppContext, tenant: TenantView, target: str) -> None:
    """Move the company. From habilitación to its producción, and back, this is core's
    promote/demote (the test set must be accepted; the production ranges come from DIAN's
    GetNumberingRange). Any other move takes its resolutions along (APIDIAN's resolutions
    belong to the company, not to an environment): each range not yet in ``target`` is added
    there, numbering on from where it was."""
    source = tenant.environment
    if source == target:
        return
    environments = ctx.registry.environments
    if environments.get(source).production == target:
        await promote(ctx, tenant.id)
        return
    if environments.get(target).production == source:
        await demote(ctx, tenant.id)
        return
    await ctx.tenants.switch_environment(tenant.id, target)
    there = {
        (r.range.document_type, r.range.prefix, r.range.resolution_number)
        for r in await ctx.ranges.list_ranges(tenant.id, target)
    }
    for record in await ctx.ranges.list_ranges(tenant.id, source):
        found = record.range
        if (found.document_type, found.prefix, found.resolution_number) in there:
            continue
        await ctx.ranges.add_resolution(
            tenant.id,
            document_type=found.document_type,
            resolution_number=found.resolution_number,
            resolution_date=found.resolution_date,
            prefix=found.prefix,
            from_number=found.from_number,
            to_number=found.to_number,
            valid_from=found.valid_from,
            valid_to=found.valid_to,
            technical_key=found.technical_key,
            environment=target,
            next_number=min(record.next_number, found.to_number + 1),
        )


# ---------------------------------------------------------------------------- logo


@put("/logo", summary="Logo de la empresa (base64) para el PDF")
async def logo(request: Request[Any, Any, Any], ctx: Context, tenant: Tenant) -> Any:
    data = decode_object(await request.body())
    rules = Rules(data)
    if rules.required("logo"):
        rules.string("logo")
    rules.raise_if_any()
    image = Rules(data).base64("logo")
    if image is None:
        return _field_errors({"logo": "The base64 encoding is not valid."})
    try:
        await ctx.tenants.set_logo(tenant.id, image)
    except InvalidLogo as problem:  # not a PNG/JPEG that can be drawn, or too large
        return _field_errors({"logo": str(problem)})
    return json_response({"success": True, "message": "Logo almacenado con éxito"})


config_router = token_router(
    f"{UBL_PREFIX}/config", [software, certificate, resolution, environment, logo]
)

ROUTE_HANDLERS: list[Any] = [configure_company, config_router]
