"""Registers the Factus API v1 dialect (Halltec's ``/oauth/token`` and ``/v1/...``).

``V1_HANDLERS`` lists the controllers mounted under ``/v1``: each is authenticated by an
OAuth access token (handlers take the ``auth`` / ``tenant`` dependencies of ``auth``) and
counted against the user's rate limit. A module adds its controller with one line there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from litestar import Router

from adapters.factus import document_routes, radian_routes, support_routes
from adapters.factus.auth import DEPENDENCIES, DIALECT, RATE_LIMIT
from adapters.factus.bench import BENCH
from adapters.factus.catalog_routes import CatalogController
from adapters.factus.errors import SHAPE, ErrorBody
from adapters.factus.oauth import complete_credential
from adapters.factus.oauth_routes import issue_token
from adapters.factus.range_routes import NumberingRangeController
from core.api import Dialect, MigrationTree, hookimpl

API_PREFIX = "/v1"

V1_HANDLERS: list[Any] = [
    *document_routes.HANDLERS,
    *support_routes.HANDLERS,
    *radian_routes.HANDLERS,
    CatalogController,
    NumberingRangeController,
]

v1_router = Router(
    API_PREFIX,
    route_handlers=V1_HANDLERS,
    dependencies=DEPENDENCIES,
)

ROUTE_HANDLERS: list[Any] = [issue_token, v1_router]

MIGRATIONS = MigrationTree(name="factus", location="adapters.factus:migrations")


def credentials_for_demo(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    """What ``serve --demo`` writes for Factus: the OAuth client and user to sign in with."""
    details = credential["details"]
    return {key: details[key] for key in ("client_id", "client_secret", "username", "password")}


@hookimpl
def pasarela_register_dialects(register: Callable[[Dialect], None]) -> None:
    register(
        Dialect(
            id=DIALECT,
            title="Factus API v1",
            route_handlers=ROUTE_HANDLERS,
            path_prefix=API_PREFIX,
            errors=SHAPE,
            error_body=ErrorBody,
            credentials_for_demo=credentials_for_demo,
            version="v1",
            token_scheme="oauth",
            bench=BENCH,
            complete_credential=complete_credential,
            rate_limit=RATE_LIMIT,
        )
    )


@hookimpl
def pasarela_register_migrations(register: Callable[[MigrationTree], None]) -> None:
    register(MIGRATIONS)
