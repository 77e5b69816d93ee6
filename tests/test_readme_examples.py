"""The README's shell examples run as pasted.

A newcomer copies the quick start and the FacEPro tour into a terminal; a placeholder there
(``TOKEN='1|...'``, ``{...}``, ``<tracking_id>``) fails on the first try. Every block marked
``<!-- readme-test: NAME -->`` is run here with bash, verbatim, against a real gateway started
with the arguments of the README's own ``pasarela serve`` line (the demo tenant, SQLite and the
in-process DIAN simulator), from the directory where that command wrote ``credentials.json``.

Only two things differ from a user's terminal: the gateway listens on a free port instead of
8000 (the README's ``http://127.0.0.1:8000`` is pointed at it), and ``curl`` fails on an HTTP
error status (``--fail-with-body``) under ``set -euo pipefail``, so every step must succeed.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.testing import serving_gateway

README = Path(__file__).resolve().parent.parent / "README.md"
README_BASE_URL = "http://127.0.0.1:8000"
BLOCK = re.compile(r"<!-- readme-test: (?P<name>[\w-]+) -->\n```bash\n(?P<body>.*?)\n```", re.S)
HARNESS = 'set -euo pipefail\ncurl() { command curl --fail-with-body "$@"; }\n'
SCRIPT_TIMEOUT_S = 120


def readme_blocks(name: str) -> list[str]:
    """The bash blocks marked ``name``, in README order (one terminal session runs them all)."""
    blocks = [
        match["body"]
        for match in BLOCK.finditer(README.read_text(encoding="utf-8"))
        if match["name"] == name
    ]
    assert blocks, f"README has no block marked <!-- readme-test: {name} -->"
    return blocks


def serve_arguments() -> list[str]:
    """The arguments after ``pasarela serve`` in the README's set-up command."""
    (block,) = readme_blocks("serve")
    match = re.search(r"pasarela serve ([^&|;\n]*)", block)
    assert match, block
    return shlex.split(match[1])


class Gateway:
    """The served gateway: its base URL, the directory it runs in and its environment."""

    def __init__(self, base_url: str, directory: Path) -> None:
        self.base_url = base_url
        self.directory = directory
        # serving_gateway's database and key, so a ``pasarela`` command sees the gateway's data
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PASARELA_")} | {
            "PASARELA_DATABASE_URL": f"sqlite:///{directory / 'serve.db'}",
            "PASARELA_SECRET_KEY_FILE": str(directory / "serve.key"),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }

    def run(self, name: str, *, keep: tuple[str, ...] = ()) -> tuple[str, dict[str, str]]:
        """Run the blocks marked ``name`` in one bash; return stdout and the shell variables
        named in ``keep`` as the blocks left them."""
        script = "\n".join(readme_blocks(name)).replace(README_BASE_URL, self.base_url)
        report = "".join(f'printf "%s\\0" "${variable}"\n' for variable in keep)
        result = subprocess.run(
            ["bash", "-c", f"{HARNESS}{script}\n{{ :\n{report}}} >kept.bin\n"],
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=SCRIPT_TIMEOUT_S,
        )
        assert result.returncode == 0, (
            f"README block '{name}' failed (exit {result.returncode})\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
        values = (self.directory / "kept.bin").read_text(encoding="utf-8").split("\0")
        return result.stdout, dict(zip(keep, values, strict=False))

    def token(self) -> str:
        credentials = json.loads((self.directory / "credentials.json").read_text("utf-8"))
        return credentials["facepro"]["token"]

    def get(self, path: str) -> httpx.Response:
        response = httpx.get(
            f"{self.base_url}/api/v1{path}",
            headers={"Authorization": f"Bearer {self.token()}"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return response


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    directory = tmp_path_factory.mktemp("readme")
    with serving_gateway(directory, *serve_arguments()) as (base_url, _process):
        yield Gateway(base_url, directory)


def test_the_readme_starts_the_demo_gateway_with_a_credentials_file() -> None:
    assert serve_arguments() == ["--demo", "--credentials-out", "credentials.json"]


def test_quick_start_issues_an_accepted_invoice_and_downloads_its_xml(gateway: Gateway) -> None:
    _, kept = gateway.run("quickstart", keep=("FACTURA", "TRACKING_ID"))

    invoice = json.loads(kept["FACTURA"])["data"]
    assert invoice["estado"] == "aceptado", invoice
    assert invoice["tipo_documento"] == "factura"
    assert kept["TRACKING_ID"] == invoice["tracking_id"]
    xml = (gateway.directory / "factura.xml").read_text(encoding="utf-8")
    assert invoice["cufe"] in xml and invoice["numero_completo"] in xml


def test_facepro_tour_issues_an_invoice_and_notes_that_reference_it(gateway: Gateway) -> None:
    _, kept = gateway.run("facepro", keep=("FACTURA", "NUMERO", "CUFE", "FECHA"))

    invoice = json.loads(kept["FACTURA"])["data"]
    assert invoice["estado"] == "aceptado", invoice
    assert invoice["totales"] == {"subtotal": 122500, "iva": 23275, "total": 145775}
    assert kept["NUMERO"] == invoice["numero_completo"]
    assert kept["CUFE"] == invoice["cufe"] and len(kept["CUFE"]) == 96
    assert kept["FECHA"] == invoice["fecha_emision"][:10]
    xml = (gateway.directory / "factura.xml").read_text(encoding="utf-8")
    assert invoice["cufe"] in xml

    documents = gateway.get("/documentos?per_page=100").json()["data"]
    notes = {d["tipo_documento"]: d for d in documents if d["tipo_documento"] != "factura"}
    assert sorted(notes) == ["nota_credito", "nota_debito"]
    for note in notes.values():
        # accepted by the simulator, which rejects a note whose CUFE reference it does not know
        assert note["estado"] == "aceptado", note
        note_xml = gateway.get(f"/documentos/{note['tracking_id']}/xml").text
        assert invoice["cufe"] in note_xml and invoice["numero_completo"] in note_xml
    assert notes["nota_credito"]["totales"]["total"] == 59500
    assert notes["nota_debito"]["totales"]["total"] == 5000


def test_apidian_example_issues_an_invoice_the_simulator_accepts(gateway: Gateway) -> None:
    stdout, _ = gateway.run("apidian")

    message, is_valid, cufe = stdout.strip().splitlines()[-1].rsplit(" ", 2)
    assert message == "AttachedDocument #SETP990004321 generada con éxito"
    assert is_valid == "true"
    assert len(cufe) == 96


def test_apidian_support_document_example_is_accepted(gateway: Gateway) -> None:
    stdout, _ = gateway.run("apidian-soporte")

    message, is_valid, cuds = stdout.strip().splitlines()[-1].rsplit(" ", 2)
    assert message == "AttachedDocument #SEDS984000021 generada con éxito"
    assert is_valid == "true"
    assert len(cuds) == 96


def json_values(text: str) -> list[Any]:
    """The JSON values written one after another in ``text``."""
    decoder, values, at = json.JSONDecoder(), [], 0
    while at < len(text):
        value, at = decoder.raw_decode(text, at)
        values.append(value)
    return values


def test_factus_example_issues_a_bill_and_a_credit_note_on_it(gateway: Gateway) -> None:
    stdout, kept = gateway.run("factus", keep=("BILL", "BILL_ID", "NUMBER"))

    bill = json.loads(kept["BILL"])
    assert bill["status"] == "Created", bill
    assert bill["data"]["bill"]["status"] == 1  # validated by the simulator
    assert bill["data"]["bill"]["total"] == "80000.00"
    assert kept["NUMBER"] == bill["data"]["bill"]["number"]
    assert (gateway.directory / "factura.pdf").read_bytes().startswith(b"%PDF")
    *_, note = json_values(stdout.strip().splitlines()[-1])  # curl prints no newline
    assert note["status"] == "Created", note
    assert note["data"]["credit_note"]["status"] == 1
    assert note["data"]["credit_note"]["bill_id"] == int(kept["BILL_ID"])


def test_document_render_writes_the_signed_xml_of_the_canonical_example(
    gateway: Gateway,
) -> None:
    stdout, _ = gateway.run("render")

    summary = json.loads(stdout)
    assert summary["valid"] is True, summary["problems"]
    assert summary["document_type"] == "01"
    xml = (gateway.directory / "out" / summary["xml"]).read_text(encoding="utf-8")
    assert summary["unique_code"] in xml
