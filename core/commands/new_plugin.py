"""``pasarela plugins new NAME --out DIR``: write a vendor's plugin package from the template.

The template is package data under ``plugin_template/`` (``*.tmpl`` files, rendered with
``string.Template``): a pip-installable package with a dialect ``NAME`` under ``/NAME``, a
migration tree creating one table, a command, a bench scenario and its own tests. A file's
path in the output is its template path without ``.tmpl``, the ``package`` directory taking
the plugin's name. Placeholders (``$name``, ``$title``, ``$prefix``, ``$table``, ``$command``,
``$distribution``, ``$pasarela_version``, ``$date``) are listed in ``template_values``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import keyword
import re
from collections.abc import Iterator
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Template

import core
from core.errors import ConfigurationError

TEMPLATE = files("core.commands").joinpath("plugin_template")
TEMPLATE_SUFFIX = ".tmpl"
PACKAGE_DIRECTORY = "package"
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
# The first revision id, "<name>_0001", must fit alembic's 32-character version column.
MAX_NAME_LENGTH = 24


def check_name(name: str) -> None:
    """A plugin name is a lowercase Python identifier (the package, dialect, migration tree
    and entry point are all named after it) that no installed module already takes."""
    if not NAME_PATTERN.match(name) or keyword.iskeyword(name):
        raise ConfigurationError(
            f"invalid plugin name {name!r}: use a lowercase Python identifier "
            "(a letter, then letters, digits or '_'), e.g. 'acme'"
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ConfigurationError(
            f"invalid plugin name {name!r}: at most {MAX_NAME_LENGTH} characters"
        )
    if importlib.util.find_spec(name) is not None:
        raise ConfigurationError(
            f"invalid plugin name {name!r}: a module of that name is already installed"
        )


def template_values(name: str) -> dict[str, str]:
    """What the placeholders of the template stand for, for the plugin ``name``."""
    return {
        "name": name,
        "title": name.replace("_", " ").title(),
        "prefix": f"/{name}",
        "table": f"{name}_notes",
        "command": f"{name.replace('_', '-')}-notes",
        "distribution": f"pasarela-{name.replace('_', '-')}",
        "pasarela_version": core.__version__,
        "date": dt.date.today().isoformat(),
    }


def template_files(
    root: Traversable = TEMPLATE, parts: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Traversable]]:
    """(relative path parts, file) of every template file, in a stable order."""
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            yield from template_files(entry, (*parts, entry.name))
        elif entry.name.endswith(TEMPLATE_SUFFIX):
            yield (*parts, entry.name), entry


def render_plugin(name: str) -> dict[Path, str]:
    """The generated package as relative path -> text."""
    check_name(name)
    values = template_values(name)
    rendered: dict[Path, str] = {}
    for parts, source in template_files():
        target = [name if part == PACKAGE_DIRECTORY else part for part in parts[:-1]]
        target.append(parts[-1].removesuffix(TEMPLATE_SUFFIX))
        rendered[Path(*target)] = Template(source.read_text(encoding="utf-8")).substitute(values)
    return rendered


def write_plugin(name: str, out: Path) -> list[Path]:
    """Write the package for plugin ``name`` into ``out`` (created if missing; an existing
    directory must be empty, so nothing of the user's is overwritten). Returns the files."""
    files_by_path = render_plugin(name)
    if out.exists() and not out.is_dir():
        raise ConfigurationError(f"{out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()):
        raise ConfigurationError(
            f"{out} is not empty: choose a new or empty directory (nothing was written)"
        )
    written = []
    for relative, text in files_by_path.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
