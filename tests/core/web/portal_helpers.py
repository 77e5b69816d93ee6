"""Signing in to the portal with an HTTP client, as a browser would (CSRF token included)."""

from __future__ import annotations

import re

import httpx

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "una-clave-de-prueba-larga"

# The README's first invoice, in FacEPro's API.
FACTURA = {
    "adquiriente": {
        "tipo_persona": "2",
        "tipo_documento": "13",
        "numero_documento": "71234567",
        "razon_social": "JUAN PEREZ",
        "responsabilidad_fiscal": "R-99-PN",
    },
    "lineas": [
        {"codigo": "P1", "descripcion": "Producto 1", "cantidad": 2, "precio": 50000, "iva_pct": 19}
    ],
}


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


async def sign_in(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD
) -> httpx.Response:
    """GET the sign-in page (its CSRF cookie and token), then POST the form."""
    page = await client.get("/portal/login")
    assert page.status_code == 200
    return await client.post(
        "/portal/login",
        data={"csrf_token": csrf_of(page.text), "email": email, "password": password},
    )


async def form_token(client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    return csrf_of(page.text)
