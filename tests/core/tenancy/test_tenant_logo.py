"""The tenant logo printed on PDFs: stored per tenant, refused when it is not a PNG/JPEG image
that can be drawn or is over 1 MB (service and ``pasarela tenants logo``)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from core.cli import main
from core.errors import InvalidLogo
from core.representation.logo import MAX_LOGO_BYTES
from core.web.context import AppContext
from tests.core.tenancy.conftest import make_tenant


def image_bytes(kind: str, size: tuple[int, int] = (80, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


async def test_a_png_or_jpeg_logo_is_stored_and_replaced(ctx: AppContext) -> None:
    tenant = await make_tenant(ctx)
    assert await ctx.tenants.logo(tenant.id) is None
    png, jpeg = image_bytes("PNG"), image_bytes("JPEG")
    assert await ctx.tenants.set_logo(tenant.id, png) == "image/png"
    assert await ctx.tenants.logo(tenant.id) == png
    assert await ctx.tenants.set_logo(tenant.id, jpeg) == "image/jpeg"
    assert await ctx.tenants.logo(tenant.id) == jpeg
    other = await make_tenant(ctx, nit="900373115")
    assert await ctx.tenants.logo(other.id) is None


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (b"%PDF-1.7 not an image", "El logo no es una imagen PNG ni JPEG."),
        (image_bytes("GIF"), "El logo no es una imagen PNG ni JPEG."),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "El logo está dañado"),
        (b"\xff\xd8\xff" + b"garbage" * 10, "El logo está dañado"),
    ],
)
async def test_a_logo_that_is_not_an_image_is_refused(
    ctx: AppContext, image: bytes, message: str
) -> None:
    tenant = await make_tenant(ctx)
    with pytest.raises(InvalidLogo, match=message):
        await ctx.tenants.set_logo(tenant.id, image)
    assert await ctx.tenants.logo(tenant.id) is None


async def test_a_logo_over_1_mb_is_refused(ctx: AppContext) -> None:
    tenant = await make_tenant(ctx)
    good = image_bytes("PNG")
    await ctx.tenants.set_logo(tenant.id, good)
    too_big = good + b"\x00" * (MAX_LOGO_BYTES + 1 - len(good))
    with pytest.raises(InvalidLogo, match=r"el máximo es 1048576 bytes \(1 MB\)"):
        await ctx.tenants.set_logo(tenant.id, too_big)
    assert await ctx.tenants.logo(tenant.id) == good  # the earlier logo stays


def test_the_logo_command_sets_a_logo_and_refuses_a_bad_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PASARELA_DATABASE_URL", f"sqlite:///{tmp_path / 'logo.db'}")
    monkeypatch.setenv("PASARELA_SECRET_KEY", "clave-logo")
    monkeypatch.setenv("PASARELA_SECRET_KEY_FILE", str(tmp_path / "logo.key"))
    monkeypatch.setenv("PASARELA_SOFTWARE_PIN", "12345")
    assert main(["db", "upgrade"]) == 0
    assert main(["tenants", "create", "--nit", "900373076", "--name", "Andina SAS",
                 "--software-id", "s-1", "--environment", "simulador"]) == 0  # fmt: skip
    logo = tmp_path / "logo.png"
    logo.write_bytes(image_bytes("PNG"))
    capsys.readouterr()
    assert main(["tenants", "logo", "900373076", "--file", str(logo)]) == 0
    assert '"media_type": "image/png"' in capsys.readouterr().out
    text = tmp_path / "logo.txt"
    text.write_text("no soy una imagen")
    assert main(["tenants", "logo", "900373076", "--file", str(text)]) == 1
    assert capsys.readouterr().err == "error: El logo no es una imagen PNG ni JPEG.\n"
    assert main(["tenants", "logo", "900373076", "--file", str(tmp_path / "no.png")]) == 1
    assert "no se pudo leer el logo" in capsys.readouterr().err
