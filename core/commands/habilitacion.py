"""``pasarela habilitacion run|status NIT``: DIAN's test set, sent and followed from the CLI.

``run`` sends what the tenant's test set still lacks (``core.habilitacion.runner``), shows
progress as DIAN decides, ends with a table per kind and exits 0 only once DIAN accepted the
set (2 while it is in process or has rejections, 1 on an error). ``status`` shows where the
tenant stands without sending anything. Progress goes to stderr, the table (or ``--json``) to
stdout.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

import msgspec
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from core.commands import run_with_context
from core.context import AppContext
from core.contracts import Command
from core.habilitacion.composition import DEFAULT_COMPOSITION, parse_composition, plan_composition
from core.habilitacion.runner import PollPolicy, run_test_set
from core.habilitacion.test_set import SetStanding, standing
from core.model import DocumentRecord
from core.model.status import DocumentStatus

EXIT_NOT_ACCEPTED = 2
VERDICTS = {
    "aceptado": "ACEPTADO",
    "en_proceso": "en proceso (aún no aceptado)",
    "sin_enviar": "sin documentos enviados",
}


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="habilitacion_action", metavar="ACTION", required=True)
    run = actions.add_parser(
        "run",
        help="send the tenant's DIAN test set and follow it to DIAN's verdict (resumable)",
        description="Exits 0 once DIAN accepted the set, 2 while it is not accepted yet.",
    )
    run.add_argument("tenant", help="NIT or uuid")
    run.add_argument("--test-set-id", help="DIAN's TestSetId (stored with the tenant's software)")
    _add_composition(run)
    run.add_argument(
        "--timeout", type=float, default=600.0, help="seconds to keep polling GetStatusZip"
    )
    run.add_argument("--json", action="store_true", help="print the outcome as JSON")
    run.set_defaults(func=handle_run)

    status = actions.add_parser("status", help="where the tenant stands in habilitación")
    status.add_argument("tenant", help="NIT or uuid")
    _add_composition(status)
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=handle_status)


def _add_composition(parser: argparse.ArgumentParser) -> None:
    default = ",".join(f"{code}:{count}" for code, count in DEFAULT_COMPOSITION.items())
    parser.add_argument(
        "--kinds",
        type=lambda text: [c.strip() for c in text.split(",") if c.strip()],
        help="only these document kinds, e.g. 01,91,92 (default: those the tenant may issue)",
    )
    parser.add_argument(
        "--set",
        dest="composition",
        type=parse_composition,
        help=f"documents per kind in the set (default: {default})",
    )


COMMAND = Command(
    name="habilitacion",
    help="DIAN habilitación: send the test set and follow it (run), see where a tenant stands",
    configure=configure,
)


class ProgressDisplay:
    """The runner's progress as a rich bar (accepted documents of the set) and one line per
    document DIAN decided."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.bar = Progress(
            TextColumn("[bold]Set de pruebas"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=console,
        )
        self.task = self.bar.add_task("set", total=None, detail="")

    def __enter__(self) -> ProgressDisplay:
        self.bar.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.bar.stop()

    def planned(self, required: Mapping[str, int], accepted: Mapping[str, int]) -> None:
        done = sum(min(accepted.get(code, 0), n) for code, n in required.items())
        self.bar.update(self.task, total=sum(required.values()), completed=done)

    def sent(self, record: DocumentRecord) -> None:
        self.bar.update(self.task, detail=f"enviado {record.full_number} ({record.type_code})")

    def decided(self, record: DocumentRecord) -> None:
        if record.status == DocumentStatus.ACCEPTED:
            self.bar.advance(self.task)
            self.console.print(f"  [green]aceptado[/] {record.full_number} ({record.type_code})")
        else:
            said = "; ".join(record.dian_errors) or record.dian_message or record.last_error
            self.console.print(
                f"  [red]{record.status}[/] {record.full_number} ({record.type_code}): {said}"
            )


def handle_run(args: argparse.Namespace) -> int:
    console = Console(stderr=True)

    async def work(ctx: AppContext) -> SetStanding:
        with ProgressDisplay(console) as display:
            return await run_test_set(
                ctx,
                args.tenant.strip(),
                test_set_id=args.test_set_id,
                composition=args.composition,
                kinds=args.kinds,
                poll=PollPolicy(timeout_s=args.timeout),
                progress=display,
            )

    outcome = run_with_context(work)
    _print(outcome, args.json)
    return 0 if outcome.accepted else EXIT_NOT_ACCEPTED


def handle_status(args: argparse.Namespace) -> int:
    async def work(ctx: AppContext) -> SetStanding:
        record = await ctx.tenants.get_tenant(args.tenant.strip())
        required = plan_composition(
            ctx.registry.document_types.as_mapping(),
            record.permissions,
            composition=args.composition,
            only=args.kinds,
        )
        return await standing(ctx, record.id, required)

    outcome = run_with_context(work)
    _print(outcome, args.json)
    return 0 if outcome.accepted else EXIT_NOT_ACCEPTED


def _print(outcome: SetStanding, as_json: bool) -> None:
    if as_json:
        body = {**msgspec.to_builtins(outcome), "accepted": outcome.accepted}
        sys.stdout.write(msgspec.json.format(msgspec.json.encode(body)).decode() + "\n")
        return
    console = Console(highlight=False)
    if not console.is_terminal:  # piped or captured: no 80-column wrapping
        console = Console(highlight=False, width=160)
    console.print(
        f"Empresa {outcome.nit} · ambiente {outcome.environment} · set de pruebas "
        f"{outcome.test_set_id or '(sin TestSetId)'}"
    )
    table = Table(title="Set de pruebas por tipo de documento")
    for column in ("Tipo", "Documento", "Requeridos", "Enviados", "Aceptados", "Rechazados"):
        table.add_column(column, justify="left" if column in ("Tipo", "Documento") else "right")
    table.add_column("Pendientes", justify="right")
    for kind in outcome.kinds:
        table.add_row(
            kind.code,
            kind.title,
            str(kind.required),
            str(kind.sent),
            str(kind.accepted),
            str(kind.rejected),
            str(kind.pending),
        )
    console.print(table)
    for kind in outcome.kinds:
        for message in kind.messages:
            console.print(f"[red]rechazo[/] {kind.code} {message}")
    for problem in outcome.problems:
        console.print(f"[red]problema[/] {problem}")
    console.print(f"Estado en la DIAN: [bold]{VERDICTS[outcome.verdict]}[/]")
    if outcome.dian_message:
        console.print(outcome.dian_message)
    if outcome.accepted:
        console.print(f"Siguiente paso: pasarela tenants promote {outcome.nit}")
