"""``pasarela schema canonical``: the JSON Schema of the canonical document."""

from __future__ import annotations

import argparse
import sys

import msgspec

from core.contracts import Command
from core.model import Document


def configure(parser: argparse.ArgumentParser) -> None:
    schemas = parser.add_subparsers(dest="schema", metavar="SCHEMA", required=True)
    canonical = schemas.add_parser("canonical", help="the canonical Document (core.model)")
    canonical.set_defaults(func=handle_canonical)


COMMAND = Command(name="schema", help="print JSON Schemas", configure=configure)


def handle_canonical(args: argparse.Namespace) -> int:
    schema = msgspec.json.encode(msgspec.json.schema(Document))
    sys.stdout.write(msgspec.json.format(schema).decode() + "\n")
    return 0
