"""``pasarela db upgrade|current``: apply core's and every installed plugin's migrations, show
the revisions."""

from __future__ import annotations

import argparse
import sys

from core.contracts import Command
from core.plugins import build_registry, get_plugin_manager
from core.settings import Settings
from core.storage.migrate import current_revisions, head_revisions, pending_revisions, upgrade


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    actions.add_parser(
        "upgrade", help="migrate the database to the latest revision of every plugin's tree"
    ).set_defaults(func=handle_upgrade)
    actions.add_parser("current", help="show the database revisions").set_defaults(
        func=handle_current
    )


COMMAND = Command(name="db", help="database migrations", configure=configure)


def handle_upgrade(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    upgrade(
        settings.database_url,
        build_registry(get_plugin_manager(env=settings.plugin_selection)).migrations,
    )
    revisions = " ".join(current_revisions(settings.database_url))
    sys.stdout.write(f"database at revisions {revisions}\n")
    return 0


def handle_current(args: argparse.Namespace) -> int:
    """Exit 1 when some tree's head is not applied yet (``db upgrade`` would change it)."""
    settings = Settings.from_env()
    database_url = settings.database_url
    trees = build_registry(get_plugin_manager(env=settings.plugin_selection)).migrations
    revisions = current_revisions(database_url)
    heads = head_revisions(trees)
    pending = pending_revisions(database_url, trees)
    sys.stdout.write(
        f"{' '.join(revisions) or 'none'} (heads {' '.join(heads)}; "
        f"pending {' '.join(pending) or 'none'})\n"
    )
    return 1 if pending else 0
