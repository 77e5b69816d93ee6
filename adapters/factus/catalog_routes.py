"""Factus' reference data and the company: ``/v1/municipalities``, ``/v1/countries``,
``/v1/tributes/products``, ``/v1/measurement-units`` (each with its ``name`` filter: a
case- and accent-insensitive substring, as the database's ``LIKE`` matches) and
``/v1/company``. Lists come whole, without pagination, in Factus' envelope."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from litestar import Controller, Request, Response, get

from adapters.factus import catalogs
from adapters.factus.auth import Auth
from adapters.factus.catalogs import CatalogRow
from adapters.factus.errors import json_response
from core.api import AppContext

OK, SUCCESS = "OK", "Solicitud exitosa"
MAX_NAME = 200


def envelope(data: Any) -> dict[str, Any]:
    return {"status": OK, "message": SUCCESS, "data": data}


def folded(text: str) -> str:
    """Lower case without accents (``Bogotá`` matches ``bogota``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_filter(request: Request[Any, Any, Any]) -> str:
    value = request.query_params.get("name") or ""
    return folded(value.strip()[:MAX_NAME])


def listing(
    rows: Iterable[CatalogRow], wanted: str, shape: Callable[[CatalogRow], dict[str, Any]]
) -> Response[bytes]:
    return json_response(envelope([shape(r) for r in rows if wanted in folded(r.name)]))


def iso_utc(moment: dt.datetime | None) -> str | None:
    """``2024-09-10T15:30:26Z``, as Laravel writes timestamps."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def code_name(table: str, code: str | None) -> dict[str, str] | None:
    if code is None:
        return None
    found = catalogs.by_code(table, code)
    return {"code": code, "name": found.name if found else ""}


def company(record: Any) -> dict[str, Any]:
    """``GET /v1/company``'s ``data`` for a tenant (``TenantRecord``)."""
    party = record.party
    natural = party.organization_type == "2"
    address = party.address
    contact = party.contact
    municipality = None
    if address is not None and address.municipality_code:
        found = catalogs.by_code("municipalities_with_department", address.municipality_code)
        department_code = address.department_code or address.municipality_code[:2]
        municipality = {
            "code": address.municipality_code,
            "name": found.name if found else (address.city_name or ""),
            "department": {
                "code": department_code,
                "name": (found.extra.get("department") if found else None)
                or address.department_name
                or "",
            },
        }
    activity: int | str | None = party.industry_code
    if isinstance(activity, str) and activity.isdigit():
        activity = int(activity)
    return {
        "url_logo": None,
        "nit": record.nit,
        "dv": record.dv,
        "company": "" if natural else party.name,
        "trade_name": party.trade_name or "",
        "names": party.name if natural else "",
        "surnames": "",
        "graphic_representation_name": party.name,
        "registration_code": party.commercial_registration or "",
        "economic_activity": activity,
        "phone": contact.telephone if contact else None,
        "email": contact.email if contact else None,
        "address": address.line if address else None,
        "tribute": code_name("customer_tributes", party.tax_scheme),
        "legal_organization": code_name("legal_organizations", party.organization_type),
        "municipality": municipality,
        "responsibilities": [
            code_name("fiscal_responsibilities", code) for code in party.tax_level_codes
        ],
        "created_at": iso_utc(record.created_at),
        "updated_at": iso_utc(record.updated_at),
    }


class CatalogController(Controller):
    path = "/"

    @get("/municipalities", summary="Municipios", sync_to_thread=False)
    def municipalities(self, request: Request, auth: Auth) -> Response[bytes]:
        return listing(
            catalogs.rows("municipalities_with_department"),
            name_filter(request),
            lambda r: {
                "id": r.id,
                "code": r.code,
                "name": r.name,
                "department": r.extra.get("department", ""),
            },
        )

    @get("/countries", summary="Países", sync_to_thread=False)
    def countries(self, request: Request, auth: Auth) -> Response[bytes]:
        return listing(
            catalogs.rows("countries"),
            name_filter(request),
            lambda r: {"id": r.id, "code": r.code, "name": r.name},
        )

    @get("/tributes/products", summary="Tributos de productos", sync_to_thread=False)
    def product_tributes(self, request: Request, auth: Auth) -> Response[bytes]:
        return listing(
            catalogs.rows("product_tributes"),
            name_filter(request),
            lambda r: {
                "id": r.id,
                "code": r.code,
                "name": r.name,
                "description": r.extra.get("description", ""),
            },
        )

    @get("/measurement-units", summary="Unidades de medida", sync_to_thread=False)
    def measurement_units(self, request: Request, auth: Auth) -> Response[bytes]:
        return listing(
            catalogs.rows("unit_measures"),
            name_filter(request),
            lambda r: {"id": r.id, "code": r.code, "name": r.name},
        )

    @get("/company", summary="Empresa")
    async def company(self, request: Request, auth: Auth) -> Response[bytes]:
        ctx: AppContext = request.app.state.ctx
        record = await ctx.tenants.get_tenant(auth.tenant.id)
        return json_response(envelope(company(record)))
