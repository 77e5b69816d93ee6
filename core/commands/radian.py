"""``pasarela events`` and ``pasarela received``: RADIAN for operators.

``pasarela received load NIT FILE`` loads an AttachedDocument (or signed invoice) a tenant
received; ``pasarela received list NIT`` lists them with their events. ``pasarela events send
NIT CUFE CODE`` sends an event (030-034) with the same checks the API applies; ``pasarela
events list NIT CUFE`` shows what Pasarela recorded and what DIAN holds. Results are JSON on
stdout; a refusal prints its rule id and Spanish message on stderr and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import msgspec

from core.commands import run_with_context
from core.context import AppContext
from core.contracts import Command
from core.errors import PasarelaError
from core.radian.errors import RadianRefused
from core.radian.records import EventPerson, EventRequest


def _print(value: Any) -> None:
    sys.stdout.write(msgspec.json.format(msgspec.json.encode(value)).decode() + "\n")


def _run(work: Callable[[AppContext], Awaitable[Any]]) -> int:
    try:
        _print(run_with_context(work))
    except RadianRefused as refused:
        sys.stderr.write(f"Regla {refused.rule}: {refused.message}\n")
        return 1
    except PasarelaError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    return 0


def _events(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="events_command", metavar="ACTION", required=True)
    send = actions.add_parser("send", help="send a RADIAN event (030-034) on an invoice")
    send.add_argument("tenant", help="tenant NIT (or uuid)")
    send.add_argument("cufe", help="CUFE of the invoice")
    send.add_argument("code", choices=["030", "031", "032", "033", "034"])
    send.add_argument("--claim-concept", help="031 only: 01, 02, 03 or 04")
    send.add_argument("--person-id-type", default="13", help="DIAN identification type code")
    send.add_argument("--person-id", help="identification of who registers the event")
    send.add_argument("--first-name")
    send.add_argument("--last-name")
    send.add_argument("--job-title")
    send.add_argument("--department")
    send.add_argument("--note")
    send.set_defaults(func=handle_send)
    listing = actions.add_parser("list", help="events on an invoice: recorded and at DIAN")
    listing.add_argument("tenant")
    listing.add_argument("cufe")
    listing.set_defaults(func=handle_list_events)


def _received(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="received_command", metavar="ACTION", required=True)
    load = actions.add_parser("load", help="load an AttachedDocument or signed invoice XML")
    load.add_argument("tenant", help="tenant NIT (or uuid)")
    load.add_argument("file", type=Path)
    load.set_defaults(func=handle_load)
    listing = actions.add_parser("list", help="the tenant's received invoices")
    listing.add_argument("tenant")
    listing.set_defaults(func=handle_list_received)


COMMAND_EVENTS = Command(name="events", help="RADIAN events on invoices", configure=_events)
COMMAND_RECEIVED = Command(
    name="received", help="invoices received from suppliers", configure=_received
)


async def _tenant_id(ctx: AppContext, ref: str) -> int:
    """A tenant named on the command line: NIT (``-DV`` allowed) or uuid."""
    return (await ctx.tenants.get_tenant(ref.strip())).id


def handle_send(args: argparse.Namespace) -> int:
    person = None
    if args.person_id:
        person = EventPerson(
            id_type=args.person_id_type,
            id_number=args.person_id,
            first_name=args.first_name or "",
            last_name=args.last_name or "",
            job_title=args.job_title,
            department=args.department,
        )
    request = EventRequest(
        cufe=args.cufe,
        code=args.code,
        claim_concept=args.claim_concept,
        person=person,
        note=args.note,
    )

    async def work(ctx: AppContext) -> Any:
        return await ctx.events.send(await _tenant_id(ctx, args.tenant), request, dialect="cli")

    return _run(work)


def handle_list_events(args: argparse.Namespace) -> int:
    async def work(ctx: AppContext) -> Any:
        tenant_id = await _tenant_id(ctx, args.tenant)
        return {
            "registrados": await ctx.events.list_for_invoice(tenant_id, args.cufe),
            "dian": await ctx.events.dian_events(tenant_id, args.cufe),
        }

    return _run(work)


def handle_load(args: argparse.Namespace) -> int:
    try:
        xml = args.file.read_bytes()
    except OSError as exc:
        sys.stderr.write(f"no se pudo leer {args.file}: {exc}\n")
        return 2

    async def work(ctx: AppContext) -> Any:
        return await ctx.received.load(await _tenant_id(ctx, args.tenant), xml, dialect="cli")

    return _run(work)


def handle_list_received(args: argparse.Namespace) -> int:
    async def work(ctx: AppContext) -> Any:
        return await ctx.received.list(await _tenant_id(ctx, args.tenant))

    return _run(work)
