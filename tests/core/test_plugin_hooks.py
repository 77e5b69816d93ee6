"""The typed hook facade: plugins' commands and benches on the command line, their validation
problems, and the typed record ``pasarela_document_finished`` receives."""

from __future__ import annotations

import argparse
import json
import sys
import types
from decimal import Decimal

import pytest

from core.api import Command, ConfigurationError, DocumentRecord, Problem, hookimpl
from core.cli import build_parser, main
from core.model import Document, Line, Party, Tax
from core.plugins import build_registry, get_plugin_manager


def greeting(args: argparse.Namespace) -> int:
    sys.stdout.write(f"hola {args.nombre}\n")
    return 0


def configure_greeting(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--nombre", required=True)
    parser.set_defaults(func=greeting)


GREETING = Command(name="saludar", help="saluda", configure=configure_greeting)


def command_plugin(*, commands=(GREETING,), benches=()) -> types.SimpleNamespace:
    @hookimpl
    def pasarela_register_commands(register):
        for command in commands:
            register(command)

    @hookimpl
    def pasarela_register_benches(register):
        for bench in benches:
            register(bench)

    return types.SimpleNamespace(
        pasarela_register_commands=pasarela_register_commands,
        pasarela_register_benches=pasarela_register_benches,
    )


def test_a_plugin_command_is_mounted_and_runs(capsys):
    plugins = get_plugin_manager(extra_plugins=[command_plugin()], env={})
    args = build_parser(plugins).parse_args(["saludar", "--nombre", "Ana"])
    assert args.func(args) == 0
    assert capsys.readouterr().out == "hola Ana\n"
    assert "saludar" in build_registry(plugins).commands


def test_a_plugin_bench_is_mounted_under_bench(capsys):
    bench = Command(name="saludo", help="mide saludos", configure=configure_greeting)
    plugins = get_plugin_manager(extra_plugins=[command_plugin(commands=(), benches=(bench,))])
    args = build_parser(plugins).parse_args(["bench", "saludo", "--nombre", "Eva"])
    assert args.func(args) == 0
    assert capsys.readouterr().out == "hola Eva\n"


@pytest.mark.parametrize("name", ["serve", "saludar"])
def test_a_command_name_taken_twice_is_a_configuration_error(name):
    twin = Command(name=name, help="otra", configure=configure_greeting)
    plugins = get_plugin_manager(
        extra_plugins=[command_plugin(), command_plugin(commands=(twin,))], env={}
    )
    with pytest.raises(ConfigurationError, match=f"duplicate command name '{name}'"):
        build_parser(plugins)


def test_disabled_plugins_add_no_command_nor_bench(monkeypatch, capsys):
    monkeypatch.setenv("PASARELA_DISABLE_PLUGINS", "simulador")
    for argv in (["simulator", "--help"], ["bench", "simulator", "--help"]):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 2
        assert "invalid choice: 'simulator'" in capsys.readouterr().err
    assert main(["plugins", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert "simulador" not in [p["name"] for p in listing["plugins"]]
    assert (listing["commands"], listing["benches"]) == ([], [])


def test_the_simulator_plugin_lists_its_command_and_bench(capsys):
    assert main(["plugins", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    simulador = next(p for p in listing["plugins"] if p["name"] == "simulador")
    assert {"pasarela_register_commands", "pasarela_register_benches"} <= set(simulador["hooks"])
    assert [c["name"] for c in listing["commands"]] == ["simulator"]
    assert [b["name"] for b in listing["benches"]] == ["simulator"]


CUSTOMER = Party(organization_type="2", id_type="13", id_number="71234567", name="X")


class Findings:
    def __init__(self, *problems: Problem) -> None:
        self.problems = list(problems)

    @hookimpl
    def pasarela_validate(self, document, document_type, tenant):  # type: ignore[no-untyped-def]
        return self.problems or None


def test_validate_gathers_every_plugins_problems_in_one_list():
    first = Problem(path="lines[0]", message="uno", rule="X01", severity="warning")
    second = Problem(path="customer", message="dos", rule="X02")
    plugins = get_plugin_manager(
        load_entry_points=False, extra_plugins=[Findings(first), Findings(), Findings(second)]
    )
    document = Document(type_code="01", operation_type="10", customer=CUSTOMER, lines=())
    found = plugins.validate(document, None, None)  # type: ignore[arg-type]
    assert sorted(found, key=lambda p: p.rule) == [first, second]


class Recorder:
    def __init__(self) -> None:
        self.records: list[DocumentRecord] = []

    @hookimpl
    def pasarela_document_finished(self, record: DocumentRecord) -> None:
        self.records.append(record)


RECORDER = Recorder()


@pytest.fixture
def plugin_manager():
    RECORDER.records.clear()
    return get_plugin_manager(extra_plugins=[RECORDER])


async def test_document_finished_receives_the_typed_record(ctx, demo_tenant) -> None:
    tenant = await ctx.tenants.tenant_view(demo_tenant.tenant.id)
    invoice = Document(
        type_code="01",
        operation_type="10",
        customer=CUSTOMER,
        lines=(
            Line(
                description="Producto",
                quantity=Decimal("2"),
                unit_price=Decimal("50000"),
                taxes=(Tax(scheme="01", percent=Decimal("19")),),
            ),
        ),
    )
    record = await ctx.documents.issue(tenant, invoice, dialect="prueba")
    assert record.status == "aceptado"
    assert RECORDER.records == [record]
    (finished,) = RECORDER.records
    assert isinstance(finished, DocumentRecord)
    assert (finished.dialect, finished.payable) == ("prueba", Decimal("119000.00"))
