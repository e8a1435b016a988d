"""What the commands of the ``qdef`` command line share: exit codes, the argument
helpers several commands take, reading the one instrument a command names, and
reporting diagnostics as ``qdef validate`` does.

Exit codes: 0 clean (warnings allowed), 1 problems found in an instrument,
2 usage or I/O error (unknown option, missing path, unreadable file).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qdef.diagnostics import (
    Code,
    Diagnostic,
    Span,
    format_github,
    format_json,
    format_text,
    has_errors,
    sort_diagnostics,
    summary,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from qdef.pipeline import Result

    #: What runs a command: ``handler(args, out, err)``, returning the exit code.
    Handler = Callable[[argparse.Namespace, TextIO, TextIO], int]

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
#: QD0xx (paths) and the I/O code QD002 are usage errors, not instrument problems.
USAGE_CODES = frozenset({Code.QD001, Code.QD002, Code.QD003})
#: The exit status after Ctrl-C: 128 + SIGINT, as the shell reports it.
EXIT_INTERRUPTED = 130
#: The exit status after a closed pipe: 128 + SIGPIPE, as the shell reports a Unix
#: tool that SIGPIPE ended (``cat big | head``).
EXIT_BROKEN_PIPE = 141


#: The codes ``--translations error`` makes errors: a text not translated into a
#: declared language (QD410), a translation of an older source text (QD411).
TRANSLATION_CODES = frozenset({Code.QD410, Code.QD411})


def translations_argument(command: argparse.ArgumentParser) -> None:
    """``--translations warning|error``, as ``validate``, ``check`` and ``render`` take it."""
    command.add_argument(
        "--translations",
        choices=("warning", "error"),
        default="warning",
        help="how a missing or outdated translation (QD410, QD411) is reported: warning "
        "(default), or error, so that CI fails until every text is translated",
    )


def translation_severity(
    diagnostics: Sequence[Diagnostic], args: argparse.Namespace
) -> list[Diagnostic]:
    """``diagnostics`` with QD410 and QD411 made errors if ``--translations error``."""
    if getattr(args, "translations", "warning") != "error":
        return list(diagnostics)
    return [
        dataclasses.replace(d, severity="error") if d.code in TRANSLATION_CODES else d
        for d in diagnostics
    ]


def report_arguments(command: argparse.ArgumentParser) -> None:
    """PATH…, --format, --quiet and --translations, as ``validate`` and ``check`` take
    them."""
    command.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    command.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text (default), json, or github (workflow annotations)",
    )
    command.add_argument(
        "--quiet", "-q", action="store_true", help="do not print the summary line on stderr"
    )
    translations_argument(command)


def count_argument(minimum: int) -> type[int]:
    """An argparse ``type``: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {value}")
        return value

    parse.__name__ = "number"  # argparse names the type in its messages
    return parse  # type: ignore[return-value]


def report(
    diagnostics: list[Diagnostic], files: int, args: argparse.Namespace, out: TextIO, err: TextIO
) -> int:
    """Print ``diagnostics`` as ``validate`` does (in ``args.format``, the summary line
    on ``err`` unless ``args.quiet``); the exit code they call for."""
    diagnostics = sort_diagnostics(translation_severity(diagnostics, args))
    fmt = getattr(args, "format", "text")
    if fmt == "json":
        out.write(format_json(diagnostics, files))
    elif fmt == "github":
        out.write(format_github(diagnostics))
    else:
        out.write(format_text(diagnostics))
    if not getattr(args, "quiet", False):
        err.write(summary(diagnostics, files) + "\n")
    if any(d.code in USAGE_CODES for d in diagnostics):
        return EXIT_USAGE
    return EXIT_PROBLEMS if has_errors(diagnostics) else EXIT_OK


def read_one(
    args: argparse.Namespace, command: str, out: TextIO, err: TextIO, *, routing: bool
) -> Result | int:
    """Validate the one instrument file ``args.file`` for ``command``: the result if it
    is valid (warnings allowed), else the exit code, its problems printed as
    ``qdef validate`` prints them."""
    from qdef.pipeline import validate_file  # noqa: PLC0415

    is_dir = False
    with contextlib.suppress(OSError):  # reading it will say what is wrong
        is_dir = args.file.is_dir()
    if is_dir:
        problem = Diagnostic(
            Code.QD002,
            f"this is a directory; qdef {command} reads one instrument file, name it",
            Span(args.file, 1, 1),
        )
        return report([problem], 0, args, out, err)
    result = validate_file(args.file, routing=routing)
    if getattr(args, "translations", "warning") == "error":
        result = dataclasses.replace(
            result, diagnostics=tuple(translation_severity(result.diagnostics, args))
        )
    if result.instrument is None or has_errors(result.diagnostics):
        usage = any(d.code in USAGE_CODES for d in result.diagnostics)  # not read: no file
        return report(list(result.diagnostics), 0 if usage else 1, args, out, err)
    return result


def emit(text: str, output: Path | None, out: TextIO, err: TextIO) -> int:
    """Write ``text`` to ``output`` atomically, or to ``out``."""
    from qdef.cli.output import write_atomic  # noqa: PLC0415

    if output is None:
        out.write(text)
        return EXIT_OK
    try:
        write_atomic(output, text.encode("utf-8"))
    except OSError as error:
        err.write(f"qdef: error: cannot write {output}: {error.strerror or error}\n")
        return EXIT_USAGE
    return EXIT_OK
