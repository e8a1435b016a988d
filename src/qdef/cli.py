"""The ``qdef`` command line: ``validate`` and ``schema`` (more commands arrive with
routing and renderers).

Exit codes: 0 clean (warnings allowed), 1 problems found in an instrument,
2 usage or I/O error (unknown option, missing path, unreadable file).
Bad input never produces a traceback; a bug in qdef does, and says so.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from qdef import __version__
from qdef.diagnostics import (
    Diagnostic,
    format_github,
    format_json,
    format_text,
    has_errors,
    sort_diagnostics,
    summary,
)

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
#: QD0xx (paths) and the I/O code QD002 are usage errors, not instrument problems.
_USAGE_CODES = frozenset({"QD001", "QD002", "QD003"})


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"qdef: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="qdef",
        description="Questionnaire definitions: validate, analyse and render instruments.",
    )
    parser.add_argument("--version", action="version", version=f"qdef {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    validate = commands.add_parser(
        "validate",
        help="check instruments and report every problem with file:line:column",
        description="Check instrument files (and every *.yaml / *.yml under directories). "
        "Reports all problems of all files at once.",
    )
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    validate.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text (default), json, or github (workflow annotations)",
    )
    validate.add_argument(
        "--quiet", "-q", action="store_true", help="do not print the summary line on stderr"
    )

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of the instrument format",
        description="Print the published JSON Schema (Draft 2020-12) of the format.",
    )
    schema.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    return parser


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.pipeline import validate_paths  # noqa: PLC0415

    results, usage = validate_paths(args.paths)
    diagnostics: list[Diagnostic] = list(usage)
    for result in results:
        diagnostics.extend(result.diagnostics)
    diagnostics = sort_diagnostics(diagnostics)
    if args.format == "json":
        out.write(format_json(diagnostics, len(results)))
    elif args.format == "github":
        out.write(format_github(diagnostics))
    else:
        out.write(format_text(diagnostics))
    if not args.quiet:
        err.write(summary(diagnostics, len(results)) + "\n")
    if any(d.code in _USAGE_CODES for d in diagnostics):
        return EXIT_USAGE
    return EXIT_PROBLEMS if has_errors(diagnostics) else EXIT_OK


def _schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.output import write_atomic  # noqa: PLC0415
    from qdef.schema import published_text  # noqa: PLC0415

    text = published_text()
    if args.output is None:
        out.write(text)
        return EXIT_OK
    try:
        write_atomic(args.output, text.encode("utf-8"))
    except OSError as error:
        err.write(f"qdef: error: cannot write {args.output}: {error.strerror or error}\n")
        return EXIT_USAGE
    return EXIT_OK


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line; returns the exit code (the console script exits with it).

    Everything is written to ``out`` and ``err`` (default: stdout and stderr),
    including argparse's usage errors, help and version.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = _parser().parse_args(argv)
    except SystemExit as stop:  # --help, --version, or a usage error (exit code 2)
        if stop.code is None:
            return EXIT_OK
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    handlers = {"validate": _validate, "schema": _schema}
    try:
        return handlers[args.command](args, out, err)
    except KeyboardInterrupt:
        err.write("qdef: interrupted\n")
        return 130
    except Exception:
        err.write(
            "qdef: internal error: this is a bug in qdef, not a problem of your input; "
            "please report it with the traceback below\n"
        )
        raise


def run() -> None:
    sys.exit(main())
