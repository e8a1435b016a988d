"""The ``qdef`` command line: ``validate``, ``check``, ``paths``, ``render``,
``renderers``, ``schema`` and ``diff``.

Exit codes: 0 clean (warnings allowed), 1 problems found in an instrument,
2 usage or I/O error (unknown option, missing path, unreadable file).
Bad input never produces a traceback; a bug in qdef does, and says so.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO, cast

from qdef import __version__
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
    visible,
)
from qdef.gcpause import gc_paused

if TYPE_CHECKING:
    from qdef.pipeline import Result
    from qdef.routing import Analysis
    from qdef.validation.checks import Locator

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
#: QD0xx (paths) and the I/O code QD002 are usage errors, not instrument problems.
USAGE_CODES = frozenset({Code.QD001, Code.QD002, Code.QD003})
#: A routing property that fails in ``qdef check``.
PROPERTY_FAILURE = Code.QD610
#: Default number of answer sets ``qdef check`` tries, and of paths ``--list`` prints.
DEFAULT_EXAMPLES, DEFAULT_LIMIT = 200, 1000
#: What ``qdef diff --fail-on`` takes: the kinds of :mod:`qdef.diff`, harmless first.
DIFF_KINDS = ("wording", "additive", "routing", "check", "breaking", "never")


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
    _report_arguments(validate)

    check = commands.add_parser(
        "check",
        help="validate instruments and check their routing (unreachable questions fail)",
        description="Validate instrument files (and every *.yaml / *.yml under directories), "
        "then check their routing: the routing findings of 'qdef validate', with a question "
        "shown on no walk (QD601) as an error, and the routing properties tested on "
        "generated answers and respondents (questions shown in order and only when their "
        "conditions hold, only answers of shown questions kept, reaching conditions right, "
        "respondents' answers valid). A failing property (QD610) comes with a minimal "
        "counterexample.",
    )
    _report_arguments(check)
    check.add_argument(
        "--examples",
        type=_count_argument(1),
        default=DEFAULT_EXAMPLES,
        metavar="N",
        help="how many generated answer sets, and as many respondents, to try per "
        f"instrument (default {DEFAULT_EXAMPLES})",
    )
    check.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="S",
        help="seed of the generated examples (default 0; the same seed, the same examples)",
    )

    paths = commands.add_parser(
        "paths",
        help="count, list or draw the distinct paths through an instrument",
        description="Validate FILE, then print the number of distinct paths through it "
        "(respondents who are shown the same questions in the same order take the same "
        "path); with --list the paths themselves, with --graph the routing graph.",
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
        type=_count_argument(1),
        metavar="N",
        help=f"list at most N paths (default {DEFAULT_LIMIT}); implies --list",
    )
    paths.add_argument(
        "--ids", action="store_true", help="list question ids instead of numbers; implies --list"
    )
    paths.add_argument(
        "-o", "--output", type=Path, metavar="PATH", help="write to this file instead of stdout"
    )

    render = commands.add_parser(
        "render",
        help="render an instrument with a renderer (markdown, …; see 'qdef renderers')",
        description="Validate FILE, then render it with the renderer NAME and write the "
        "result atomically: to PATH, to stdout with '-o -', or by default to the file's "
        "name with the renderer's suffix in the current directory. With several --to, "
        "FILE is validated once and each result is written into the directory PATH "
        "(default: the current directory) under FILE's name with that renderer's suffix; "
        "if any renderer fails, nothing is written. An invalid instrument is refused "
        "with the messages of 'qdef validate'; its warnings are printed.",
    )
    render.add_argument("file", type=Path, metavar="FILE", help="the instrument file")
    render.add_argument(
        "--to",
        required=True,
        action="append",
        metavar="NAME",
        help="the renderer ('qdef renderers' lists them); repeat it to render several at once",
    )
    render.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="where to write: a file, or - for stdout (default: FILE's name with the "
        "renderer's suffix, in the current directory); with several --to, a directory "
        "(created if missing)",
    )
    render.add_argument(
        "--lang",
        metavar="LANG",
        help="the language to render: the instrument's language (default) or one of its "
        "translations; also picks the wording qdef adds (de, en)",
    )
    render.add_argument(
        "-O",
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an option of the renderer (repeatable); 'qdef renderers' lists them. With "
        "several --to, each renderer takes the options it declares",
    )
    render.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing on success, warnings aside"
    )

    renderers = commands.add_parser(
        "renderers",
        help="list the installed renderers",
        description="List the installed renderers (entry-point group qdef.renderers): name, "
        "file suffix, distribution and description, with the options each takes.",
    )
    renderers.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output format (default: text)",
    )

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of the instrument format",
        description="Print the published JSON Schema (Draft 2020-12) of the format.",
    )
    schema.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")

    diff = commands.add_parser(
        "diff",
        help="classify the changes between two versions of an instrument (breaking, …)",
        usage="qdef diff [options] OLD NEW\n       qdef diff [options] --base GITREF PATH...",
        description="Compare two versions of an instrument, matching questions by id and "
        "options, rows, columns and fields by code, and classify every change by what it "
        "means for data already collected: wording < additive < routing < check < "
        "breaking. With --base, each file is compared with its version in the git commit "
        "GITREF (read with git cat-file; the working tree is not touched); a directory "
        "stands for every instrument under it now or in GITREF. Fails (exit 1) when a "
        "change at or above --fail-on is found that no acceptance file accepts.",
    )
    diff.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="OLD and NEW; with --base, the files or directories to compare with GITREF",
    )
    diff.add_argument(
        "--base", metavar="GITREF", help="compare each PATH with its version in this commit"
    )
    diff.add_argument(
        "--fail-on",
        choices=DIFF_KINDS,
        default="breaking",
        help="exit 1 when a change of this kind or a worse one is found (default: "
        "breaking); never: always exit 0 when both versions are valid",
    )
    diff.add_argument(
        "--format",
        choices=("text", "json", "github", "accept"),
        default="text",
        help="text (default), json, github (workflow annotations), or accept (the "
        "acceptance entries of the check changes not yet accepted)",
    )
    diff.add_argument(
        "--accept",
        action="append",
        type=Path,
        metavar="FILE",
        help="read accepted changes from FILE (repeatable) instead of the "
        ".qdef-accept.yaml beside each instrument",
    )
    diff.add_argument(
        "--quiet", "-q", action="store_true", help="do not print the summary line on stderr"
    )
    return parser


def _report_arguments(command: argparse.ArgumentParser) -> None:
    """PATH…, --format and --quiet, as ``validate`` and ``check`` take them."""
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


def _count_argument(minimum: int) -> type[int]:
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


def _report(
    diagnostics: list[Diagnostic], files: int, args: argparse.Namespace, out: TextIO, err: TextIO
) -> int:
    """Print ``diagnostics`` as ``validate`` does; the exit code they call for."""
    diagnostics = sort_diagnostics(diagnostics)
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


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.pipeline import validate_paths  # noqa: PLC0415

    results, usage = validate_paths(args.paths)
    diagnostics: list[Diagnostic] = list(usage)
    for result in results:
        diagnostics.extend(result.diagnostics)
    return _report(diagnostics, len(results), args, out, err)


def _emit(text: str, output: Path | None, out: TextIO, err: TextIO) -> int:
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


# --------------------------------------------------------------------------- check


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:  # hypothesis is a dependency of qdef, but an installation can be broken
        import qdef.testing  # noqa: PLC0415, F401
    except ImportError as missing:
        err.write(f"qdef: error: qdef check cannot run: {missing}\n")
        return EXIT_USAGE
    from qdef.pipeline import discover, validate_file  # noqa: PLC0415

    files, usage = discover(args.paths)
    diagnostics: list[Diagnostic] = list(usage)
    with _hypothesis_storage():
        for path in files:
            result = validate_file(path, routing=False)
            diagnostics.extend(result.diagnostics)
            if result.ok:
                diagnostics.extend(_check_routing(result, args.examples, args.seed))
    return _report(diagnostics, len(files), args, out, err)


@contextlib.contextmanager
def _hypothesis_storage() -> Iterator[None]:
    """Where hypothesis keeps its caches (Unicode tables, constants; the example
    database is off) while ``qdef check`` runs: a temporary directory, removed
    afterwards, not a ``.hypothesis/`` folder in the user's current directory.
    ``HYPOTHESIS_STORAGE_DIRECTORY``, where set, is left to hypothesis."""
    from hypothesis import configuration  # noqa: PLC0415

    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        yield
        return
    previous = vars(configuration).get("__hypothesis_home_directory")
    with tempfile.TemporaryDirectory(prefix="qdef-check-") as directory:
        configuration.set_hypothesis_home_dir(directory)
        try:
            yield
        finally:
            configuration.set_hypothesis_home_dir(previous)


def _check_routing(result: Result, examples: int, seed: int) -> list[Diagnostic]:
    """The routing diagnostics of a valid file: findings (an unreachable question is an
    error) and failing properties (QD610)."""
    from qdef.pipeline.findings import (  # noqa: PLC0415
        CHECK_SEVERITY,
        TOO_COMPLEX,
        finding_diagnostic,
    )
    from qdef.routing import Budget  # noqa: PLC0415
    from qdef.testing import check_routing  # noqa: PLC0415

    document, instrument = result.document, result.instrument
    if document is None or instrument is None:  # not a valid file: nothing to check
        return []
    try:
        report = check_routing(instrument, max_examples=examples, seed=seed)
    except (Budget, RecursionError):
        return [
            Diagnostic(
                TOO_COMPLEX,
                "the routing of this instrument is too entangled for qdef to analyse "
                "within its memory bounds, so it could not be checked. Simplify "
                "conditions that combine many earlier answers",
                document.locate(("sections",), key=True),
            )
        ]
    found = [finding_diagnostic(f, document, CHECK_SEVERITY) for f in report.findings]
    for failure in report.failures:
        counterexample = json.dumps(
            failure.answers,
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            default=str,
        )
        where = _question_span(report.analysis, failure.question, document)
        found.append(
            Diagnostic(
                PROPERTY_FAILURE,
                f"routing property '{failure.name}' fails: {failure.message}; "
                f"counterexample: {counterexample}",
                where or Span(document.path, 1, 1),
            )
        )
    return found


def _question_span(analysis: Analysis, question: str | None, locator: Locator) -> Span | None:
    """Where the ``id`` of ``question`` is, or None."""
    if question is None:
        return None
    try:
        position = analysis.plan.position_of(question)
    except KeyError:
        return None
    return locator.locate((*analysis.plan.steps[position].entry.path, "id"))


# --------------------------------------------------------------------------- paths


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
        return _report([problem], 0, args, out, err)
    result = validate_file(args.file, routing=routing)
    if result.instrument is None or has_errors(result.diagnostics):
        usage = any(d.code in USAGE_CODES for d in result.diagnostics)  # not read: no file
        return _report(list(result.diagnostics), 0 if usage else 1, args, out, err)
    return result


def _paths(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.routing import Budget, analyse  # noqa: PLC0415

    if args.graph is not None and (args.ids or args.limit is not None):
        err.write("qdef: error: --graph cannot be combined with --ids or --limit\n")
        return EXIT_USAGE
    result = read_one(args, "paths", out, err, routing=False)
    if isinstance(result, int):
        return result
    assert result.instrument is not None  # read_one returns only valid instruments
    note = ""  # for stderr, after the output
    try:
        with gc_paused():  # as when qdef validate analyses the routing (qdef.gcpause)
            analysis = analyse(result.instrument)
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
    status = _emit(text, args.output, out, err)
    err.write(note)
    return status


def _count_text(analysis: Analysis) -> str:
    from qdef.routing import count_paths  # noqa: PLC0415

    count = count_paths(analysis)
    noun = "path" if count.count == 1 and count.exact else "paths"
    reason = f" ({count.reason})" if not count.exact and count.reason else ""
    return f"{count} {noun}{reason}"


def _list_paths(analysis: Analysis, args: argparse.Namespace) -> tuple[str, str]:
    """The listed paths, and a note for stderr if the list was cut."""
    from qdef.routing import paths  # noqa: PLC0415

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
        lines = [", ".join(path) for path in listed]
    else:  # question numbers are texts: invisible characters in them are shown escaped
        lines = [visible(format_path(analysis, path)) for path in listed]
    return "".join(line + "\n" for line in lines), note


_WHOLE = re.compile(r"[0-9]+")


def format_path(analysis: Analysis, path: Sequence[str]) -> str:
    """A path as question numbers (displays by id), as a paper questionnaire writes
    routes: ``1, 2–6, 22`` and ``1, 7–18, 19, 20, 22``.

    Consecutive whole numbers form a run; a run ends where the path leaves a
    section and after a question whose options route (where paths part), and
    a run of three or more is written as a range with an en dash.
    """
    plan = analysis.plan
    numbers = plan.instrument.numbers()
    parts: list[str] = []
    run: list[str] = []  # numbers of the current run
    previous: tuple[int, int] | None = None  # (section, number) the run may continue from

    def close() -> None:
        if len(run) >= 3:
            parts.append(f"{run[0]}–{run[-1]}")
        else:
            parts.extend(run)
        run.clear()

    for question in path:
        number = numbers.get(question)
        step = plan.steps[plan.position_of(question)]
        if number is None or not _WHOLE.fullmatch(number):
            close()
            parts.append(number or question)
            previous = None
            continue
        here = (step.entry.section_index, int(number))
        if previous != (here[0], here[1] - 1):
            close()
        run.append(number)
        previous = None if step.option_gotos else here  # paths part here: end the run
    close()
    return ", ".join(parts)


# --------------------------------------------------------------------------- render


def _render(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.cli.render import render_command  # noqa: PLC0415

    return render_command(args, out, err)


def _renderers(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.cli.render import renderers_command  # noqa: PLC0415

    return renderers_command(args, out, err)


def _schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.model.schema import published_text  # noqa: PLC0415

    return _emit(published_text(), args.output, out, err)


def _diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.cli.diff import diff_command  # noqa: PLC0415

    return diff_command(args, out, err)


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
    handlers = {
        "validate": _validate,
        "check": _check,
        "paths": _paths,
        "render": _render,
        "renderers": _renderers,
        "schema": _schema,
        "diff": _diff,
    }
    try:
        return handlers[args.command](args, out, err)
    except KeyboardInterrupt:
        err.write("qdef: interrupted\n")
        return 130
    except OutputError:
        raise  # standard output failed: main says so
    except Exception:
        err.write(
            "qdef: internal error: this is a bug in qdef, not a problem of your input; "
            "please report it with the traceback below\n"
        )
        raise


#: The exit status after a closed pipe: 128 + SIGPIPE, as the shell reports a Unix
#: tool that SIGPIPE ended (``cat big | head``).
EXIT_BROKEN_PIPE = 141


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

    The interpreter is not torn down: after a large instrument, freeing its
    objects one by one at exit costs about 0.1 s (5,000 questions), and the
    operating system takes the memory back at once. Output is flushed first
    (:func:`main` has flushed standard output and reported a failure there);
    qdef registers no exit handlers, and every file it writes is closed (and
    renamed into place) before :func:`main` returns.
    """
    status = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # said already, or nowhere to say
            stream.flush()
    os._exit(status)
