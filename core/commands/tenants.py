"""``pasarela tenants create|list|show|update|certificate|logo|smtp|add-range|retire-range|
promote|demote|check``: companies.

``promote`` moves a company to producción once DIAN accepted its test set (fetching its
production ranges), ``demote`` back to habilitación (``core.habilitacion.switch``); ``check``
prints its readiness (certificate and resolutions' days left, numbers left) and exits 1 when
something blocks issuing.

Output is JSON (``list`` prints a table unless ``--json``). A tenant is named by NIT (with or
without ``-DV``) or uuid. Secrets are never printed, nor taken as arguments (visible in ``ps``
and the shell history): the software PIN and the certificate password come from a file, an
environment variable or a prompt (so does the SMTP password).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from pathlib import Path
from typing import Any

import msgspec

from core.clock import now_bogota
from core.commands import run_with_context
from core.context import AppContext
from core.contracts import CHANNEL_INVOICES, Command
from core.errors import ConfigurationError
from core.habilitacion.switch import demote, promote
from core.tenancy.readiness import Readiness, tenant_readiness
from core.tenancy.records import UNCHANGED
from core.tenancy.smtp import SECURITY_MODES
from core.validation.nit import check_digit

CERTIFICATE_PASSWORD_ENV = "PASARELA_CERTIFICATE_PASSWORD"
SOFTWARE_PIN_ENV = "PASARELA_SOFTWARE_PIN"
SMTP_PASSWORD_ENV = "PASARELA_SMTP_PASSWORD"
PIN_SOURCES = f"--software-pin-file, ${SOFTWARE_PIN_ENV} or an interactive prompt"


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="tenants_action", metavar="ACTION", required=True)

    create = actions.add_parser(
        "create",
        help="register a company",
        description=f"The software PIN is read from {PIN_SOURCES}.",
        allow_abbrev=False,  # --software-pin VALUE must not pass for --software-pin-file
    )
    create.add_argument("--nit", required=True, help="NIT without check digit")
    create.add_argument("--dv", help="check digit (computed when omitted, checked when given)")
    create.add_argument("--name", required=True, help="razón social")
    create.add_argument("--software-id", required=True)
    create.add_argument("--software-pin-file", type=Path, help="file holding the software PIN")
    create.add_argument("--environment", default="habilitacion")
    create.add_argument("--test-set-id")
    create.add_argument("--provider-nit", help="software provider NIT (default: the company)")
    create.add_argument("--provider-dv")
    create.add_argument(
        "--channel",
        default=CHANNEL_INVOICES,
        help="DIAN channel the software is registered for (default: %(default)s)",
    )
    create.add_argument(
        "--permissions",
        type=_permission_list,
        help="comma-separated permission ids (default: every installed document kind's)",
    )
    _add_settings_options(create)
    create.set_defaults(func=handle_create)

    listing = actions.add_parser("list", help="list companies")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=handle_list)

    show = actions.add_parser("show", help="a company with its ranges, credentials and quota")
    show.add_argument("tenant", help="NIT or uuid")
    show.set_defaults(func=handle_show)

    update = actions.add_parser(
        "update",
        help="change permissions, quotas, environment ...",
        description="With --software-pin-file or --new-software-pin the PIN changes, read from "
        f"{PIN_SOURCES}.",
        allow_abbrev=False,
    )
    update.add_argument("tenant", help="NIT or uuid")
    update.add_argument("--name")
    update.add_argument("--environment")
    update.add_argument("--status", choices=("activo", "inactivo"))
    update.add_argument("--software-id")
    update.add_argument("--software-pin-file", type=Path, help="file holding the new PIN")
    update.add_argument(
        "--new-software-pin",
        action="store_true",
        help=f"change the PIN: read from ${SOFTWARE_PIN_ENV} or a prompt",
    )
    update.add_argument("--test-set-id", type=_optional_text)
    update.add_argument(
        "--channel",
        default=CHANNEL_INVOICES,
        help="channel of --software-id/--software-pin/--test-set-id (default: %(default)s)",
    )
    update.add_argument(
        "--grant", action="append", default=[], metavar="PERMISSION", help="grant a permission"
    )
    update.add_argument(
        "--revoke", action="append", default=[], metavar="PERMISSION", help="revoke a permission"
    )
    _add_settings_options(update)
    update.set_defaults(func=handle_update)

    certificate = actions.add_parser(
        "certificate",
        help="attach the signing certificate (PKCS#12)",
        description=f"The password is read from --password-file, ${CERTIFICATE_PASSWORD_ENV} "
        "or an interactive prompt (never from the command line).",
    )
    certificate.add_argument("tenant", help="NIT or uuid")
    certificate.add_argument("--pkcs12", required=True, type=Path, help=".p12/.pfx file")
    certificate.add_argument("--password-file", type=Path)
    certificate.set_defaults(func=handle_certificate)

    logo = actions.add_parser(
        "logo", help="set the logo printed on the company's PDFs (PNG or JPEG, at most 1 MB)"
    )
    logo.add_argument("tenant", help="NIT or uuid")
    logo.add_argument("--file", required=True, type=Path, help="PNG or JPEG image")
    logo.set_defaults(func=handle_logo)

    smtp = actions.add_parser(
        "smtp",
        help="set the SMTP server documents are e-mailed to buyers through",
        description=f"With --user, the password is read from --password-file, "
        f"${SMTP_PASSWORD_ENV} or an interactive prompt (never from the command line).",
        allow_abbrev=False,
    )
    smtp.add_argument("tenant", help="NIT or uuid")
    smtp.add_argument("--host", required=True)
    smtp.add_argument("--port", required=True, type=int)
    smtp.add_argument("--security", required=True, choices=SECURITY_MODES)
    smtp.add_argument("--user", help="SMTP login (omit for a server without authentication)")
    smtp.add_argument("--from", required=True, dest="from_address", help="sender address")
    smtp.add_argument("--password-file", type=Path, help="file holding the SMTP password")
    smtp.add_argument(
        "--deliver-by-default",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="e-mail every accepted document unless the request says otherwise",
    )
    smtp.set_defaults(func=handle_smtp)

    add_range = actions.add_parser("add-range", help="add a DIAN numbering range (resolución)")
    add_range.add_argument("tenant", help="NIT or uuid")
    add_range.add_argument("--type", required=True, dest="document_type", help="01, 91, 92 ...")
    add_range.add_argument("--resolution", required=True)
    add_range.add_argument("--resolution-date", type=dt.date.fromisoformat)
    add_range.add_argument("--prefix", default="")
    add_range.add_argument("--from", required=True, type=int, dest="from_number")
    add_range.add_argument("--to", required=True, type=int, dest="to_number")
    add_range.add_argument("--valid-from", required=True, type=dt.date.fromisoformat)
    add_range.add_argument("--valid-to", required=True, type=dt.date.fromisoformat)
    add_range.add_argument("--technical-key")
    add_range.add_argument("--environment", help="default: the company's environment")
    add_range.add_argument("--next-number", type=int)
    add_range.set_defaults(func=handle_add_range)

    retire = actions.add_parser(
        "retire-range", help="stop numbering from a range (its documents stay)"
    )
    retire.add_argument("tenant", help="NIT or uuid")
    retire.add_argument("range_id", type=int, help="the range id ('tenants show' lists them)")
    retire.set_defaults(func=handle_retire_range)

    promote = actions.add_parser(
        "promote",
        help="move to producción once DIAN accepted the test set (fetches the production ranges)",
    )
    promote.add_argument("tenant", help="NIT or uuid")
    promote.set_defaults(func=handle_promote)

    demote = actions.add_parser("demote", help="move back from producción to habilitación")
    demote.add_argument("tenant", help="NIT or uuid")
    demote.set_defaults(func=handle_demote)

    check = actions.add_parser(
        "check", help="readiness: certificate and resolutions' days left, numbers left per range"
    )
    check.add_argument("tenant", help="NIT or uuid")
    check.set_defaults(func=handle_check)


COMMAND = Command(name="tenants", help="manage issuing companies (tenants)", configure=configure)


def _add_settings_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--monthly-limit",
        type=_optional_int,
        default=UNCHANGED,
        help="documents per month; 'none' removes the limit",
    )
    parser.add_argument(
        "--yearly-limit",
        type=_optional_int,
        default=UNCHANGED,
        help="documents per year; 'none' removes the limit",
    )


def _optional_int(value: str) -> int | None:
    return None if value.lower() in ("none", "") else int(value)


def _optional_text(value: str) -> str | None:
    return None if value.lower() in ("none", "") else value


def _permission_list(value: str) -> list[str]:
    return [p.strip() for p in value.split(",") if p.strip()]


def _permission_changes(args: argparse.Namespace) -> dict[str, bool]:
    changes = dict.fromkeys(args.grant, True)
    changes.update(dict.fromkeys(args.revoke, False))
    return changes


def _tenant_ref(value: str) -> str:
    """A tenant named on the command line: NIT (``-DV`` allowed) or uuid, never a row id."""
    return value.strip()


def _print_json(value: Any) -> None:
    sys.stdout.write(msgspec.json.format(msgspec.json.encode(value)).decode() + "\n")


def handle_create(args: argparse.Namespace) -> int:
    try:
        expected = check_digit(args.nit)
    except ValueError as error:
        raise ConfigurationError(str(error)) from None
    dv = args.dv if args.dv is not None else expected
    if dv != expected:
        raise ConfigurationError(f"el DV de {args.nit} es {expected}, no {dv}")
    software_pin = _software_pin(args.software_pin_file)

    async def work(ctx: AppContext) -> Any:
        limits = {
            key: None if value is UNCHANGED else value
            for key, value in (
                ("monthly_limit", args.monthly_limit),
                ("yearly_limit", args.yearly_limit),
            )
        }
        return await ctx.tenants.create_tenant(
            nit=args.nit,
            dv=dv,
            name=args.name,
            software_id=args.software_id,
            software_pin=software_pin,
            environment=args.environment,
            test_set_id=args.test_set_id,
            provider_nit=args.provider_nit,
            provider_dv=args.provider_dv,
            channel=args.channel,
            permissions=args.permissions,
            **limits,
        )

    _print_json(run_with_context(work))
    return 0


def handle_list(args: argparse.Namespace) -> int:
    async def work(ctx: AppContext) -> Any:
        return await ctx.tenants.list_tenants()

    tenants = run_with_context(work)
    if args.json:
        _print_json(tenants)
        return 0
    rows = [("ID", "NIT", "NAME", "ENVIRONMENT", "STATUS")]
    rows += [(str(t.id), f"{t.nit}-{t.dv}", t.name, t.environment, t.status) for t in tenants]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        sys.stdout.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        sys.stdout.write("\n")
    return 0


def handle_show(args: argparse.Namespace) -> int:
    async def work(ctx: AppContext) -> dict[str, Any]:
        tenant = await ctx.tenants.get_tenant(_tenant_ref(args.tenant))
        return {
            "tenant": tenant,
            "ranges": [
                {
                    **msgspec.to_builtins(r.range),
                    "next_number": r.next_number,
                    "remaining": r.remaining,
                }
                for r in await ctx.ranges.list_ranges(tenant.id)
            ],
            "credentials": await ctx.credentials.list_credentials(tenant.id),
            "quota": await ctx.quotas.quota_status(tenant.id, now_bogota()),
            "readiness": await tenant_readiness(ctx.tenants, ctx.ranges, tenant.id),
        }

    _print_json(run_with_context(work))
    return 0


def handle_update(args: argparse.Namespace) -> int:
    changes_pin = args.software_pin_file is not None or args.new_software_pin
    software_pin = _software_pin(args.software_pin_file) if changes_pin else None

    async def work(ctx: AppContext) -> Any:
        tenant = await ctx.tenants.get_tenant(_tenant_ref(args.tenant))
        if args.environment and args.environment != tenant.environment:
            await ctx.tenants.switch_environment(tenant.id, args.environment)
        return await ctx.tenants.update_tenant(
            tenant.id,
            name=args.name,
            permissions=_permission_changes(args),
            monthly_limit=args.monthly_limit,
            yearly_limit=args.yearly_limit,
            channel=args.channel,
            software_id=args.software_id,
            software_pin=software_pin,
            test_set_id=UNCHANGED if args.test_set_id is None else args.test_set_id,
            status=args.status,
        )

    _print_json(run_with_context(work))
    return 0


def _read_secret(path: Path | None, env_name: str, prompt: str) -> str:
    """A secret from ``path`` (one line), else the variable ``env_name``, else a prompt."""
    if path is not None:
        try:
            return path.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as error:
            raise ConfigurationError(f"no se puede leer {path}: {error.strerror}") from None
    if os.environ.get(env_name) is not None:
        return os.environ[env_name]
    return getpass.getpass(prompt)


def _certificate_password(password_file: Path | None) -> str:
    return _read_secret(password_file, CERTIFICATE_PASSWORD_ENV, "contraseña del certificado: ")


def _software_pin(pin_file: Path | None) -> str:
    pin = _read_secret(pin_file, SOFTWARE_PIN_ENV, "PIN del software: ").strip()
    if not pin:
        raise ConfigurationError("el PIN del software está vacío")
    return pin


def handle_certificate(args: argparse.Namespace) -> int:
    data = args.pkcs12.read_bytes()
    password = _certificate_password(args.password_file)

    async def work(ctx: AppContext) -> Any:
        tenant = await ctx.tenants.get_tenant(_tenant_ref(args.tenant))
        return await ctx.certificates.attach_certificate(tenant.id, data, password)

    _print_json(run_with_context(work))
    return 0


def handle_logo(args: argparse.Namespace) -> int:
    try:
        image = args.file.read_bytes()
    except OSError as error:
        raise ConfigurationError(f"no se pudo leer el logo {args.file}: {error.strerror}") from None

    async def work(ctx: AppContext) -> Any:
        tenant = await ctx.tenants.get_tenant(_tenant_ref(args.tenant))
        media_type = await ctx.tenants.set_logo(tenant.id, image)
        return {"nit": tenant.nit, "logo": {"media_type": media_type, "bytes": len(image)}}

    _print_json(run_with_context(work))
    return 0


def handle_smtp(args: argparse.Namespace) -> int:
    password = None
    if args.user:
        password = _read_secret(args.password_file, SMTP_PASSWORD_ENV, "contraseña SMTP: ")

    async def work(ctx: AppContext) -> Any:
        tenant = await ctx.tenants.get_tenant(_tenant_ref(args.tenant))
        view = await ctx.smtp.configure(
            tenant.id,
            host=args.host,
            port=args.port,
            security=args.security,
            user=args.user,
            password=password,
            from_address=args.from_address,
            deliver_by_default=args.deliver_by_default,
        )
        return {"nit": tenant.nit, "smtp": view}

    _print_json(run_with_context(work))
    return 0


def handle_add_range(args: argparse.Namespace) -> int:
    async def work(ctx: AppContext) -> Any:
        tenant = await ctx.tenants.get_tenant(_tenant_ref(args.tenant))
        return await ctx.ranges.add_resolution(
            tenant.id,
            document_type=args.document_type,
            resolution_number=args.resolution,
            resolution_date=args.resolution_date,
            prefix=args.prefix,
            from_number=args.from_number,
            to_number=args.to_number,
            valid_from=args.valid_from,
            valid_to=args.valid_to,
            technical_key=args.technical_key,
            environment=args.environment,
            next_number=args.next_number,
        )

    _print_json(run_with_context(work))
    return 0


def handle_retire_range(args: argparse.Namespace) -> int:
    async def work(ctx: AppContext) -> Any:
        tenant = await ctx.tenants.get_tenant(_tenant_ref(args.tenant))
        return await ctx.ranges.retire_range(tenant.id, args.range_id)

    _print_json(run_with_context(work))
    return 0


def handle_promote(args: argparse.Namespace) -> int:
    async def work(ctx: AppContext) -> Any:
        return await promote(ctx, _tenant_ref(args.tenant))

    _print_json(run_with_context(work))
    return 0


def handle_demote(args: argparse.Namespace) -> int:
    async def work(ctx: AppContext) -> Any:
        return await demote(ctx, _tenant_ref(args.tenant))

    _print_json(run_with_context(work))
    return 0


def handle_check(args: argparse.Namespace) -> int:
    async def work(ctx: AppContext) -> Readiness:
        return await tenant_readiness(ctx.tenants, ctx.ranges, _tenant_ref(args.tenant))

    readiness = run_with_context(work)
    _print_json(readiness)
    return 0 if readiness.ready else 1
