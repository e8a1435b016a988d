"""The ``qdef`` command line: ``validate``, ``check``, ``paths``, ``render``,
``renderers``, ``schema``, ``diff``, ``import``, ``data``, ``translate`` and ``catalog``,
one module each (its description, its arguments and what it does), imported only when
its command runs;
:mod:`qdef.cli.common` holds what they share (reading, reporting, exit codes).

Exit codes: 0 clean (warnings allowed), 1 problems found in an instrument,
2 usage or I/O error (unknown option, missing path, unreadable file).
Bad input never produces a traceback; a bug in qdef does, and says so.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast

from qdef import __version__
from qdef.cli.common import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from qdef.cli.gcpause import gc_paused

if TYPE_CHECKING:
    from qdef.cli.common import Handler

#: The commands, in the order ``qdef --help`` lists them, each with what it lists
#: for it; the rest of a command is in its module ``qdef.cli.NAME``:
#: ``add_arguments(parser)`` (description, arguments, handler) and the handler.
COMMANDS = {
    "validate": "check instruments and report every problem with file:line:column",
    "check": "validate instruments and check their routing (unreachable questions fail)",
    "paths": "count, list or draw the distinct paths through an instrument",
    "render": "render an instrument with a renderer (markdown, …; see 'qdef renderers')",
    "renderers": "list the installed renderers",
    "schema": "print the JSON Schema of the instrument format",
    "diff": "classify the changes between two versions of an instrument (breaking, …)",
    "import": "import a LimeSurvey survey (.lss) or an XLSForm (.xlsx, .xls) as an instrument",
    "data": "check collected responses against an instrument (data check)",
    "translate": "extract an instrument's texts to a PO file, merge translations back",
    "catalog": "qdef's own wording in a new language: write (init) or check a catalogue",
}

#: A command whose module is not named as it is (``import`` is a Python keyword).
MODULES = {"import": "importing"}


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
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, action=_Commands
    )
    commands.required = True
    for name, summary in COMMANDS.items():
        commands.add_parser(name, help=summary)
    return parser


def _command_parser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The parser of the command ``name``, its module imported and its arguments added
    (once)."""
    if parser.get_default("handler") is None:
        importlib.import_module(f"qdef.cli.{MODULES.get(name, name)}").add_arguments(parser)
    return parser


class _Commands(argparse._SubParsersAction):  # type: ignore[type-arg]
    """The subcommands, each completed by its module when it is the one given: a run
    of qdef imports the command it runs, not all of them."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        name = values[0]
        if name in self._name_parser_map:  # else argparse says which commands there are
            _command_parser(self._name_parser_map[name], name)
        super().__call__(parser, namespace, values, option_string)


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line; returns the exit code (the console script exits with it).

    Everything is written to ``out`` and ``err`` (default: stdout and stderr),
    including argparse's usage errors, help and version. Where ``out`` cannot be
    written (a full disk: exit 2, saying so; a closed pipe, as with ``| head``:
    exit 141 quietly, as Unix tools do), that is the user's setting, not a bug.
    """
    from qdef.cli.output import GuardedOutput, OutputError  # noqa: PLC0415

    err = err or sys.stderr
    guarded = cast(TextIO, GuardedOutput(out or sys.stdout))
    try:
        status = _main(argv, guarded, err)
        guarded.flush()  # buffered output fails here, if anywhere
    except OutputError as failure:
        return _output_failed(failure.error, err)
    return status


def _main(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    from qdef.cli.output import OutputError  # noqa: PLC0415

    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = _parser().parse_args(argv)
    except SystemExit as stop:  # --help, --version, or a usage error (exit code 2)
        if stop.code is None:
            return EXIT_OK
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    handler: Handler = args.handler
    # The one place qdef pauses the collector (qdef.cli.gcpause); a command that
    # makes garbage in cycles (qdef check: hypothesis) runs with it.
    pause = args.pause_collector if "pause_collector" in args else True
    try:
        with gc_paused() if pause else contextlib.nullcontext():
            return handler(args, out, err)
    except KeyboardInterrupt:
        err.write("qdef: interrupted\n")
        return EXIT_INTERRUPTED
    except OutputError:
        raise  # standard output failed: main says so
    except Exception:
        err.write(
            "qdef: internal error: this is a bug in qdef, not a problem of your input; "
            "please report it with the traceback below\n"
        )
        raise


def _output_failed(error: OSError, err: TextIO) -> int:
    """The exit status when standard output cannot be written, after saying why (a
    closed pipe is not worth a word: the reader has all it wanted)."""
    if isinstance(error, BrokenPipeError):
        return EXIT_BROKEN_PIPE
    with contextlib.suppress(OSError, ValueError):
        err.write(f"qdef: error: cannot write to standard output: {error.strerror or error}\n")
    return EXIT_USAGE


def run() -> NoReturn:
    """The console script (and ``python -m qdef``): exit with :func:`main`'s code.

    The interpreter exits normally: exit handlers run, and standard output and
    error are flushed (where that fails, :func:`main` has said so already, or there
    is nowhere to say it: the stream is pointed at ``os.devnull``, so that the exit
    status stays :func:`main`'s, without a second complaint). Before that,
    :func:`gc.freeze` takes every object out of the collector's reach: tearing
    down the interpreter otherwise runs full collections over everything still
    alive (pydantic's validators, the instrument, …), which costs far more than
    the freeing itself: 0.03 s after ``qdef validate`` of a small instrument and
    0.25 s after rendering 5,000 questions, against 0.004 s and 0.02 s frozen.
    What is still alive is freed as usual (reference counting), cycles by the
    operating system taking the memory back.
    """
    status = main()
    for stream in (sys.stdout, sys.stderr):
        _flush_or_drop(stream)
    gc.freeze()
    sys.exit(status)


def _flush_or_drop(stream: TextIO) -> None:
    """Flush ``stream``; if that fails, point its file descriptor at ``os.devnull``, so
    that the interpreter's own flush at exit has nothing left to fail on (which would
    print "Exception ignored" and make the exit status 120)."""
    try:
        stream.flush()
    except (OSError, ValueError):  # said already, or nowhere to say
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, stream.fileno())
            finally:
                os.close(devnull)
