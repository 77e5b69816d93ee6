"""``pasarela credentials create|import|revoke|list``: API credentials, one dialect each.

``create`` prints the token on stdout and nowhere else, once: only its hash is stored.
``import`` keeps a token a migrating client already has from its former provider (read from a
file, or ``-`` for stdin, so it never shows in the process list); only its hash is stored.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import msgspec

from core.commands import run_with_context
from core.context import AppContext
from core.contracts import Command
from core.demo import issue_for_dialect
from core.errors import ConfigurationError


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="credentials_action", metavar="ACTION", required=True)

    create = actions.add_parser("create", help="issue a credential and print its token once")
    create.add_argument("--dialect", required=True, help="dialect id (see `pasarela plugins`)")
    create.add_argument("--tenant", required=True, help="NIT or uuid")
    create.add_argument("--label")
    create.set_defaults(func=handle_create)

    importing = actions.add_parser(
        "import", help="keep a token the client already has (scheme opaco); stores its hash"
    )
    importing.add_argument("--dialect", required=True, help="dialect id (see `pasarela plugins`)")
    importing.add_argument("--tenant", required=True, help="NIT or uuid")
    importing.add_argument(
        "--token-file", required=True, help="file holding the token (first line), or - for stdin"
    )
    importing.add_argument("--label")
    importing.set_defaults(func=handle_import)

    revoke = actions.add_parser("revoke", help="revoke a credential by id")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(func=handle_revoke)

    listing = actions.add_parser("list", help="a tenant's credentials (no secrets)")
    listing.add_argument("--tenant", required=True, help="NIT or uuid")
    listing.set_defaults(func=handle_list)


COMMAND = Command(name="credentials", help="issue and revoke API credentials", configure=configure)


def handle_create(args: argparse.Namespace) -> int:
    async def work(ctx: AppContext) -> Any:
        dialect = ctx.registry.dialects.get(args.dialect)  # NotFound for one nobody installed
        tenant = await ctx.tenants.get_tenant(args.tenant.strip())
        return await issue_for_dialect(ctx, tenant.id, dialect, args.label)

    issued = run_with_context(work)
    if issued.details:  # the dialect's clients configure several values: one JSON object
        sys.stderr.write(
            f"credential {issued.id} for dialect {issued.dialect}; "
            "these values are shown only this time\n"
        )
        sys.stdout.write(msgspec.json.encode(issued.details).decode() + "\n")
        return 0
    sys.stderr.write(
        f"credential {issued.id} for dialect {issued.dialect}; the token is shown only this time\n"
    )
    sys.stdout.write(issued.token + "\n")
    return 0


def handle_import(args: argparse.Namespace) -> int:
    try:
        if args.token_file == "-":
            text = sys.stdin.read()
        else:
            text = Path(args.token_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        reason = getattr(problem, "strerror", None) or problem
        raise ConfigurationError(f"no se pudo leer el token: {reason}") from None
    lines = text.strip().splitlines()
    token = lines[0].strip() if lines else ""

    async def work(ctx: AppContext) -> Any:
        dialect = ctx.registry.dialects.get(args.dialect)  # NotFound for one nobody installed
        tenant = await ctx.tenants.get_tenant(args.tenant.strip())
        return await ctx.credentials.import_token(tenant.id, dialect.id, token, args.label)

    imported = run_with_context(work)
    sys.stdout.write(
        f"credential {imported.id} for dialect {imported.dialect}: the imported token works "
        "from now on (only its hash is stored)\n"
    )
    return 0


def handle_revoke(args: argparse.Namespace) -> int:
    async def work(ctx: AppContext) -> None:
        await ctx.credentials.revoke_credential(args.id)

    run_with_context(work)
    sys.stdout.write(f"credential {args.id} revoked\n")
    return 0


def handle_list(args: argparse.Namespace) -> int:
    async def work(ctx: AppContext) -> Any:
        tenant = await ctx.tenants.get_tenant(args.tenant.strip())
        return await ctx.credentials.list_credentials(tenant.id)

    credentials = run_with_context(work)
    sys.stdout.write(msgspec.json.format(msgspec.json.encode(credentials)).decode() + "\n")
    return 0
