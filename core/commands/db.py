"""``pasarela db upgrade|current``: apply the packaged migrations, show the revision."""

from __future__ import annotations

import argparse
import sys

from core.contracts import Command
from core.settings import Settings
from core.storage.migrate import current_revision, head_revision, upgrade


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    actions.add_parser("upgrade", help="migrate the database to the latest revision").set_defaults(
        func=handle_upgrade
    )
    actions.add_parser("current", help="show the database revision").set_defaults(
        func=handle_current
    )


COMMAND = Command(name="db", help="database migrations", configure=configure)


def handle_upgrade(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    upgrade(settings.database_url)
    sys.stdout.write(f"database at revision {current_revision(settings.database_url)}\n")
    return 0


def handle_current(args: argparse.Namespace) -> int:
    revision = current_revision(Settings.from_env().database_url)
    sys.stdout.write(f"{revision or 'none'} (head {head_revision()})\n")
    return 0 if revision == head_revision() else 1
