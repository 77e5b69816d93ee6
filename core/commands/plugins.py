"""``pasarela plugins``: installed plugins and what they registered (table or ``--json``);
``pasarela plugins new NAME --out DIR`` writes a new plugin package to start from
(``core.commands.new_plugin``).

The listing honours ``PASARELA_DISABLE_PLUGINS`` / ``PASARELA_PLUGINS`` like every command.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import msgspec

from core.commands.new_plugin import write_plugin
from core.contracts import Command
from core.inventory import Installation, describe_installation
from core.plugins import build_registry, get_plugin_manager


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the listing as JSON")
    parser.set_defaults(func=handle)
    actions = parser.add_subparsers(dest="plugins_action", metavar="ACTION")
    new = actions.add_parser(
        "new",
        help="write a new plugin package (dialect, migration, command, bench, tests)",
        description="Write a pip-installable plugin package named NAME into DIR.",
    )
    new.add_argument("name", metavar="NAME", help="plugin name: a lowercase Python identifier")
    new.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="new or empty directory"
    )
    new.set_defaults(func=handle_new)


COMMAND = Command(
    name="plugins", help="list installed plugins, or write a new one", configure=configure
)


def handle(args: argparse.Namespace) -> int:
    pm = get_plugin_manager()
    installation = describe_installation(pm, build_registry(pm))
    if args.json:
        sys.stdout.write(msgspec.json.format(msgspec.json.encode(installation)).decode() + "\n")
    else:
        sys.stdout.write(render_table(installation))
    return 0


def handle_new(args: argparse.Namespace) -> int:
    written = write_plugin(args.name, args.out)
    for path in written:
        sys.stdout.write(f"{path}\n")
    sys.stdout.write(
        f"\nplugin {args.name!r} written to {args.out}: install it with "
        f"`pip install -e '{args.out}[test]'`, then run its tests with "
        f"`python -m pytest` inside {args.out}\n"
    )
    return 0


def render_table(installation: Installation) -> str:
    rows = [("PLUGIN", "DISTRIBUTION", "VERSION", "HOOKS")]
    rows += [
        (p.name, p.distribution or "-", p.version or "-", ", ".join(p.hooks))
        for p in installation.plugins
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row[:3], widths, strict=True)) + "  " + row[3]
        for row in rows
    ]
    lines.append("")
    lines.append("dialects:       " + (", ".join(d.id for d in installation.dialects) or "-"))
    lines.append("environments:   " + (", ".join(e.id for e in installation.environments) or "-"))
    lines.append(
        "document types: " + (", ".join(t.code for t in installation.document_types) or "-")
    )
    lines.append("commands:       " + (", ".join(c.name for c in installation.commands) or "-"))
    lines.append("benches:        " + (", ".join(b.name for b in installation.benches) or "-"))
    return "\n".join(line.rstrip() for line in lines) + "\n"
