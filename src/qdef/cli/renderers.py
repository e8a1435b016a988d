"""``qdef renderers``: list the installed renderers (entry-point group
``qdef.renderers``) with the options each takes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

from qdef.cli.common import EXIT_OK, EXIT_PROBLEMS

if TYPE_CHECKING:
    import argparse


def add_arguments(renderers: argparse.ArgumentParser) -> None:
    """The description and arguments of ``qdef renderers``, and what runs it."""
    renderers.description = (
        "List the installed renderers (entry-point group qdef.renderers): name, "
        "file suffix, distribution and description, with the options each takes."
    )
    renderers.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output format (default: text)",
    )
    renderers.set_defaults(handler=renderers_command)


def renderers_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Describe every installed renderer. Describing one imports its module (not the
    code it renders with); a renderer that cannot be imported is listed with why."""
    from qdef.rendering import RenderError  # noqa: PLC0415
    from qdef.rendering.registry import (  # noqa: PLC0415
        conflict_message,
        conflicts,
        load,
        registrations,
    )

    rows: list[dict[str, object]] = []
    problems: list[str] = []
    clashes = conflicts()
    for registration in registrations():
        row: dict[str, object] = {
            "name": registration.name,
            "distribution": registration.distribution,
            "version": registration.version,
            "entry_point": registration.value,
        }
        try:
            renderer = load(registration)
        except RenderError as error:
            problems.append(str(error))
            row["error"] = str(error)
        else:
            row["suffix"] = renderer.suffix
            row["media_type"] = renderer.media_type
            row["description"] = renderer.description
            row["options"] = dict(sorted(renderer.options.items()))
        rows.append(row)
    problems.extend(conflict_message(name, regs) for name, regs in sorted(clashes.items()))
    if args.format == "json":
        out.write(json.dumps({"renderers": rows, "problems": problems}, indent=2) + "\n")
    else:
        out.write(_table(rows))
    for problem in problems:
        err.write(f"qdef: error: {problem}\n")
    return EXIT_PROBLEMS if problems else EXIT_OK


def _table(rows: list[dict[str, object]]) -> str:
    header = ("NAME", "SUFFIX", "DISTRIBUTION", "DESCRIPTION")
    lines = [
        (
            str(row["name"]),
            str(row.get("suffix", "?")),
            f"{row['distribution']} {row['version']}".strip(),
            str(row.get("description", "cannot be loaded (see below)")),
        )
        for row in rows
    ]
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(3)]
    text = ""
    for row, cells in zip([None, *rows], [header, *lines], strict=True):
        text += "  ".join(c.ljust(w) for c, w in zip(cells[:3], widths, strict=True))
        text += "  " + cells[3] + "\n"
        options = row.get("options") if row else None
        if isinstance(options, dict) and options:
            width = max(len(str(key)) for key in options)
            for key, help_text in options.items():
                text += f"{'':{widths[0]}}  -O {str(key) + '=…':{width + 2}}  {help_text}\n"
    if not rows:
        text += "(no renderers installed)\n"
    return text
