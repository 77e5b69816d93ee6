"""The portal end to end in a real browser (Playwright driving Debian's Chromium) against
``pasarela serve --demo`` on a real socket with its in-process DIAN simulator.

The company administrator signs in with the account the credentials file names, uploads a
certificate, adds a resolution, generates a FacEPro token (copy button included), the token
issues an invoice through the API, the invoice shows as accepted in the documents list, its
PDF downloads, the token is revoked and the API refuses it. The operator's page is checked
too. Screenshots of the main pages are saved under ``tests/.artifacts/portal`` (gitignored).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from core.demo import DEMO_NAME, DEMO_NIT
from core.signing.testcerts import generate_test_pkcs12
from core.testing import serving_gateway
from tests.core.web.portal_helpers import FACTURA

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / ".artifacts" / "portal"
playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI installs Chromium (.ci/run): /usr/bin/chromium is missing")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield browser
        finally:
            browser.close()


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_tenant_sets_up_issues_downloads_and_revokes_in_the_browser(tmp_path, chromium):
    credentials_path = tmp_path / "credentials.json"
    pkcs12, certificate_password = generate_test_pkcs12(nit=DEMO_NIT, name="Firma Portal")
    (tmp_path / "firma.p12").write_bytes(pkcs12)
    with serving_gateway(tmp_path, "--demo", "--credentials-out", str(credentials_path)) as (
        url,
        _,
    ):
        credentials = json.loads(credentials_path.read_text())
        portal = credentials["portal"]
        assert portal["url"] == f"{url}/portal/login"
        context = chromium.new_context(
            accept_downloads=True, viewport={"width": 1280, "height": 900}
        )
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # the revoke confirmation

        # every page but the sign-in one sends a visitor without a session there
        page.goto(f"{url}/portal/documentos")
        assert page.url == portal["url"]
        shoot(page, "01-login")
        page.get_by_label("Correo electrónico").fill(portal["email"])
        page.get_by_label("Contraseña").fill(portal["password"])
        page.get_by_role("button", name="Entrar").click()
        page.wait_for_url(f"{url}/portal")
        assert DEMO_NAME in page.inner_text("h1")
        shoot(page, "02-inicio")

        # the certificate: subject and expiry shown, the password never again
        page.get_by_role("link", name="Certificado").click()
        page.get_by_label("Archivo PKCS#12 (.p12 o .pfx)").set_input_files(
            str(tmp_path / "firma.p12")
        )
        page.get_by_label("Contraseña del certificado").fill(certificate_password)
        page.get_by_role("button", name="Cargar certificado").click()
        page.wait_for_selector("text=Certificado cargado")
        assert "CN=Firma Portal" in page.inner_text("#certificate-subject")
        assert page.inner_text("#certificate-expiry").strip()
        assert certificate_password not in page.content()
        shoot(page, "03-certificado")

        # a resolution, added by hand with its technical key
        page.get_by_role("link", name="Configuración DIAN").click()
        page.get_by_label("Tipo de documento").select_option("01")
        page.get_by_label("Número de resolución").fill("18764000001234")
        page.get_by_label("Fecha de resolución").fill("2026-01-15")
        page.get_by_label("Prefijo", exact=True).fill("PORT")
        page.get_by_label("Desde", exact=True).fill("1")
        page.get_by_label("Hasta", exact=True).fill("5000")
        page.get_by_label("Vigente desde").fill("2026-01-15")
        page.get_by_label("Vigente hasta").fill("2028-01-15")
        page.get_by_label("Clave técnica").fill("fc8eac422eba16e22ffd8c6f94b3f40a6e38162c")
        page.get_by_role("button", name="Agregar resolución").click()
        page.wait_for_selector("text=Resolución agregada")
        added = page.locator("#ranges tbody tr", has_text="18764000001234")
        assert "PORT" in added.inner_text() and "1–5000" in added.inner_text()
        shoot(page, "04-configuracion-dian")
        page.goto(f"{url}/portal/ambiente")
        assert "habilitación" in page.inner_text("#environment")
        shoot(page, "05-ambiente")

        # a FacEPro token: shown once, copied with the button
        page.get_by_role("link", name="Tokens API").click()
        page.get_by_label("API", exact=True).select_option("facepro")
        page.get_by_label("Descripción").fill("navegador")
        page.get_by_role("button", name="Generar token").click()
        token = page.inner_text("#token").strip()
        assert "|" in token
        page.get_by_role("button", name="Copiar").click()
        page.wait_for_selector("button.copy:has-text('Copiado')")
        assert page.evaluate("navigator.clipboard.readText()") == token
        shoot(page, "06-token-generado")
        page.get_by_role("link", name="Tokens API").click()
        assert token not in page.content()  # only that once

        # the token works with the API: an invoice, accepted by the simulator
        api = f"{url}/api/v1"
        headers = {"Authorization": f"Bearer {token}"}
        issued = httpx.post(f"{api}/documentos", json=FACTURA, headers=headers, timeout=60)
        assert issued.status_code == 201, issued.text
        number = issued.json()["data"]["numero_completo"]
        assert issued.json()["data"]["estado"] == "aceptado"

        # ... listed as accepted; its PDF downloads
        page.get_by_role("link", name="Documentos").click()
        page.get_by_label("Estado", exact=True).select_option("aceptado")
        page.get_by_role("button", name="Filtrar").click()
        row = page.locator("#documents tbody tr", has_text=number)
        assert "aceptado" in row.inner_text()
        shoot(page, "07-documentos")
        row.get_by_role("link", name=number).click()
        assert page.inner_text("#document-status") == "aceptado"
        shoot(page, "08-documento")
        with page.expect_download() as downloading:
            page.get_by_role("link", name="PDF").click()
        pdf = Path(downloading.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF-")

        # revoked in the portal, refused by the API
        page.get_by_role("link", name="Tokens API").click()
        credential_row = page.locator("tbody tr", has_text="navegador")
        credential_row.get_by_role("button", name="Revocar").click()
        page.wait_for_selector("text=revocada")
        assert "revocado" in page.locator("tbody tr", has_text="navegador").inner_text()
        refused = httpx.get(f"{api}/me", headers=headers, timeout=30)
        assert refused.status_code == 401
        shoot(page, "09-token-revocado")

        # the operator sees every tenant's readiness
        operator = context.browser.new_context(viewport={"width": 1280, "height": 900})
        operator_page = operator.new_page()
        operator_page.goto(portal["url"])
        operator_page.get_by_label("Correo electrónico").fill(credentials["operator"]["email"])
        operator_page.get_by_label("Contraseña").fill(credentials["operator"]["password"])
        operator_page.get_by_role("button", name="Entrar").click()
        operator_page.wait_for_url(f"{url}/portal/operador")
        assert DEMO_NIT in operator_page.inner_text("#tenants")
        shoot(operator_page, "10-operador")
        operator.close()
        context.close()
