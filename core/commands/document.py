"""``pasarela document render``: a canonical JSON document → signed XML, ZIP, its CUFE/CUDE and
its graphic representation (PDF).

Nothing is sent and no number is spent: the tenant, its certificate and its numbering range are
read from the database, the number is the one in the JSON or else a *preview* of the range's
next number. Useful to inspect exactly what the gateway would send for a payload.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import msgspec

from core.clock import now_bogota
from core.context import AppContext
from core.contracts import Command
from core.errors import PasarelaError
from core.model import Document, NumberingRange, Problem
from core.pipeline import issue_facts, prepare_document, validate_document
from core.representation.pdf import pdf_file_name, render_pdf
from core.representation.pdfs import prepared_representation
from core.settings import Settings
from core.signing.certificates import load_pkcs12
from core.tenancy.ranges import NumberingRanges


def configure(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="document_command", metavar="ACTION", required=True)
    render = commands.add_parser(
        "render",
        help="render a canonical JSON document to signed XML + ZIP + PDF (nothing is sent)",
    )
    render.add_argument("canonical", type=Path, help="canonical document JSON file")
    render.add_argument("--tenant", required=True, help="tenant NIT (or id / uuid)")
    render.add_argument("--out", required=True, type=Path, help="output directory")
    render.add_argument(
        "--no-validate",
        action="store_true",
        help="render even when pre-flight finds errors (they are still printed)",
    )
    render.set_defaults(func=handle_render)


COMMAND = Command(name="document", help="work with canonical documents", configure=configure)


def handle_render(args: argparse.Namespace) -> int:
    try:
        document = msgspec.json.decode(args.canonical.read_bytes(), type=Document)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError) as exc:
        sys.stderr.write(f"documento canónico inválido: {exc}\n")
        return 2
    try:
        summary = asyncio.run(
            render_document(
                Settings.from_env(), document, args.tenant, args.out, validate=not args.no_validate
            )
        )
    except PasarelaError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return 0 if "xml" in summary else 1


async def render_document(
    settings: Settings, document: Document, tenant_ref: str, out: Path, *, validate: bool = True
) -> dict[str, Any]:
    """Render ``document`` for the tenant; write ``<name>.xml``, ``z<name>.zip``, the PDF
    (``<number>.pdf``) and ``<name>.json`` (code, pre-hash, names) into ``out``; return that
    JSON summary.

    With pre-flight errors and ``validate`` true nothing is written (``valid`` is false).
    """
    ctx = AppContext.create(settings)
    pm, registry, tenants = ctx.plugin_manager, ctx.registry, ctx.tenants
    try:
        record = await tenants.get_tenant(_tenant_ref(tenant_ref))
        tenant = await tenants.tenant_view(record.id)
        document_type = registry.document_types.get(document.type_code)
        now = now_bogota()
        facts = issue_facts(document, now)
        document = facts.document
        numbering_range = await ctx.ranges.active_range(
            tenant.id, document_type.range_type, tenant.environment, facts.issued_at.date()
        )
        if document.number is None:
            document = msgspec.structs.replace(
                document,
                prefix=numbering_range.prefix,
                number=await _next_number(ctx.ranges, tenant.id, numbering_range),
            )
        problems = validate_document(
            document,
            document_type=document_type,
            tenant=tenant,
            numbering_range=numbering_range,
            plugin_manager=pm,
            now=now,
            totals=facts.totals,
        )
        errors = [p for p in problems if p.severity == "error"]
        summary: dict[str, Any] = {
            "valid": not errors,
            "problems": [_problem(p) for p in problems],
        }
        if errors and validate:
            return summary
        pkcs12, password = await ctx.certificates.load_certificate(tenant.id)
        prepared = prepare_document(
            document,
            document_type=document_type,
            tenant=tenant,
            numbering_range=numbering_range,
            environment=registry.environments.get(tenant.environment),
            identity=load_pkcs12(pkcs12, password),
            plugin_manager=pm,
            issued_at=facts.issued_at,
            totals=facts.totals,
        )
        pdf = render_pdf(
            prepared_representation(
                prepared,
                registry=registry,
                tenant=tenant,
                numbering_range=numbering_range,
                environment_id=tenant.environment,
                logo=await tenants.logo(tenant.id),
            )
        )
    finally:
        await ctx.close()
    out.mkdir(parents=True, exist_ok=True)
    (out / prepared.xml_name).write_bytes(prepared.xml)
    (out / prepared.zip_name).write_bytes(prepared.zip)
    pdf_name = pdf_file_name(prepared.number)
    (out / pdf_name).write_bytes(pdf)
    summary.update(
        {
            "number": prepared.number,
            "document_type": document_type.code,
            "unique_code_type": document_type.unique_code,
            "unique_code": prepared.unique_code,
            "prehash": prepared.prehash,
            "qr_url": prepared.qr_url,
            "software_security_code": prepared.software_security_code,
            "issued_at": prepared.issued_at.isoformat(),
            "xml": prepared.xml_name,
            "zip": prepared.zip_name,
            "pdf": pdf_name,
        }
    )
    json_name = prepared.xml_name.removesuffix(".xml") + ".json"
    (out / json_name).write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    summary["json"] = json_name
    return summary


async def _next_number(ranges: NumberingRanges, tenant_id: int, rng: NumberingRange) -> int:
    """The number the range would hand out next, read without consuming it."""
    for record in await ranges.list_ranges(tenant_id, rng.environment):
        if record.range.id == rng.id:
            return record.next_number
    return rng.from_number


def _tenant_ref(ref: str) -> int | str:
    return int(ref) if ref.isdigit() and len(ref) < 7 else ref


def _problem(problem: Problem) -> dict[str, Any]:
    return msgspec.to_builtins(problem)
