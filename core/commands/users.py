"""``pasarela users create|list|reset-link|deactivate``: portal accounts.

``create --tenant NIT --email E --role administrador|operador`` adds a company's user;
``create --operator --email E`` the gateway's operator. The password is read from
``--password-file``, ``$PASARELA_USER_PASSWORD`` or a prompt (never from the command line).
``reset-link --email E`` prints a one-time link (valid one hour) where the user sets a new
password: the operator's way to reset one.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

import msgspec

from core.commands import run_with_context
from core.context import AppContext
from core.contracts import Command
from core.errors import ConfigurationError, NotFound
from core.tenancy.users import OPERATOR_ROLE, TENANT_ROLES

PASSWORD_ENV = "PASARELA_USER_PASSWORD"


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="users_action", metavar="ACTION", required=True)

    create = actions.add_parser(
        "create",
        help="add a portal user",
        description=f"The password is read from --password-file, ${PASSWORD_ENV} or a prompt.",
        allow_abbrev=False,
    )
    owner = create.add_mutually_exclusive_group(required=True)
    owner.add_argument("--tenant", help="the company's NIT or uuid")
    owner.add_argument("--operator", action="store_true", help="the gateway's operator")
    create.add_argument("--email", required=True)
    create.add_argument("--role", choices=TENANT_ROLES, default="administrador")
    create.add_argument("--password-file", type=Path)
    create.set_defaults(func=handle_create)

    listing = actions.add_parser("list", help="a company's users")
    listing.add_argument("--tenant", required=True, help="NIT or uuid")
    listing.set_defaults(func=handle_list)

    reset = actions.add_parser("reset-link", help="print a one-time password reset link")
    reset.add_argument("--email", required=True)
    reset.set_defaults(func=handle_reset_link)

    deactivate = actions.add_parser("deactivate", help="stop a user from signing in")
    deactivate.add_argument("--email", required=True)
    deactivate.set_defaults(func=handle_deactivate)


COMMAND = Command(name="users", help="portal accounts", configure=configure)


def read_password(path: Path | None) -> str:
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as problem:
            raise ConfigurationError(f"no se pudo leer la contraseña: {problem}") from None
        return lines[0] if lines else ""
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        raise ConfigurationError(f"indique la contraseña con --password-file o ${PASSWORD_ENV}")
    first = getpass.getpass("Contraseña: ")
    if first != getpass.getpass("Repita la contraseña: "):
        raise ConfigurationError("las contraseñas no coinciden")
    return first


def handle_create(args: argparse.Namespace) -> int:
    password = read_password(args.password_file)

    async def work(ctx: AppContext) -> Any:
        return await ctx.users.create_user(
            email=args.email,
            password=password,
            tenant=None if args.operator else args.tenant.strip(),
            role=OPERATOR_ROLE if args.operator else args.role,
        )

    user = run_with_context(work)
    sys.stdout.write(msgspec.json.encode(user).decode() + "\n")
    return 0


def handle_list(args: argparse.Namespace) -> int:
    async def work(ctx: AppContext) -> Any:
        tenant = await ctx.tenants.get_tenant(args.tenant.strip())
        return await ctx.users.list_users(tenant.id)

    users = run_with_context(work)
    sys.stdout.write(msgspec.json.format(msgspec.json.encode(users)).decode() + "\n")
    return 0


def handle_reset_link(args: argparse.Namespace) -> int:
    async def work(ctx: AppContext) -> str:
        issued = await ctx.users.issue_reset_token(args.email)
        if issued is None:
            raise NotFound(f"no hay un usuario activo con el correo {args.email}")
        return f"{ctx.settings.public_url.rstrip('/')}/portal/restablecer/{issued[1]}"

    sys.stdout.write(run_with_context(work) + "\n")
    return 0


def handle_deactivate(args: argparse.Namespace) -> int:
    async def work(ctx: AppContext) -> None:
        user = await ctx.users.find_user(args.email)
        if user is None:
            raise NotFound(f"no hay un usuario con el correo {args.email}")
        await ctx.users.set_active(user.id, False)

    run_with_context(work)
    sys.stdout.write(f"user {args.email} deactivated\n")
    return 0
