"""``qdef paths``: count, list or draw the distinct paths through an instrument."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qdef.cli.common import EXIT_PROBLEMS, EXIT_USAGE, count_argument, emit, read_one
from qdef.diagnostics import visible

if TYPE_CHECKING:
    import argparse

    from qdef.routing import Analysis

#: Default number of paths ``--list`` prints.
DEFAULT_LIMIT = 1000


def add_arguments(paths: argparse.ArgumentParser) -> None:
    """The description and arguments of ``qdef paths``, and what runs it."""
    paths.description = (
        "Validate FILE, then print the number of distinct paths through it "
        "(respondents who are shown the same questions in the same order take the same "
        "path); with --list the paths themselves, with --graph the routing graph."
    )
    paths.add_argument("file", type=Path, metavar="FILE", help="the instrument file")
    shown = paths.add_mutually_exclusive_group()
    shown.add_argument(
        "--list",
        action="store_true",
        help="list the paths, one a line, as question numbers, runs of three or more as a "
        "range: 1, 7–18, 19, 20, 22",
    )
    shown.add_argument(
        "--graph",
        choices=("mermaid", "dot"),
        help="print the routing graph as a Mermaid flowchart or a Graphviz DOT digraph",
    )
    paths.add_argument(
        "--limit",
        type=count_argument(1),
        metavar="N",
        help=f"list at most N paths (default {DEFAULT_LIMIT}); implies --list",
    )
    paths.add_argument(
        "--ids", action="store_true", help="list question ids instead of numbers; implies --list"
    )
    paths.add_argument(
        "-o", "--output", type=Path, metavar="PATH", help="write to this file instead of stdout"
    )
    paths.set_defaults(handler=paths_command)


def paths_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.routing import Budget  # noqa: PLC0415

    if args.graph is not None and (args.ids or args.limit is not None):
        err.write("qdef: error: --graph cannot be combined with --ids or --limit\n")
        return EXIT_USAGE
    result = read_one(args, "paths", out, err, routing=False)
    if isinstance(result, int):
        return result
    assert result.compiled is not None  # read_one returns only valid instruments
    note = ""  # for stderr, after the output
    try:
        analysis = result.compiled.analysis
        if args.graph is not None:
            from qdef.routing.graph import graph  # noqa: PLC0415

            text = graph(analysis, args.graph)
        elif args.list or args.ids or args.limit is not None:
            text, note = _list_paths(analysis, args)
        else:
            text = _count_text(analysis) + "\n"
    except Budget:  # diagram operations are iterative: only the memory bound stops them
        err.write(
            f"qdef: error: the routing of {args.file} is too entangled for qdef to analyse "
            "within its memory bounds; simplify conditions that combine many earlier answers\n"
        )
        return EXIT_PROBLEMS
    status = emit(text, args.output, out, err)
    err.write(note)
    return status


def _count_text(analysis: Analysis) -> str:
    from qdef.routing import count_paths  # noqa: PLC0415

    count = count_paths(analysis)
    noun = "path" if count.count == 1 and count.exact else "paths"
    reason = f" ({count.reason})" if not count.exact and count.reason else ""
    note = f"; {count.note}" if count.note else ""
    return f"{count} {noun}{reason}{note}"


def _list_paths(analysis: Analysis, args: argparse.Namespace) -> tuple[str, str]:
    """The listed paths, and a note for stderr if the list was cut."""
    from qdef.routing import format_path, paths  # noqa: PLC0415
    from qdef.routing.pathtext import format_ids  # noqa: PLC0415

    limit = DEFAULT_LIMIT if args.limit is None else args.limit
    listed = list(paths(analysis, limit + 1))
    note = ""
    if len(listed) > limit:
        listed = listed[:limit]
        note = (
            f"qdef: listed the first {limit} of {_count_text(analysis)}; "
            "raise --limit to list more\n"
        )
    if args.ids:
        lines = [format_ids(analysis, path) for path in listed]
    else:  # question numbers are texts: invisible characters in them are shown escaped
        lines = [visible(format_path(analysis, path)) for path in listed]
    return "".join(line + "\n" for line in lines), note
