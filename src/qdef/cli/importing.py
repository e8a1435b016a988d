"""``qdef import``: a LimeSurvey survey archive or an XLSForm as a qdef instrument.

Exit codes: 0 the import is faithful (nothing approximated or left out), 1 something
was approximated or left out, or the written instrument does not validate (it is
written all the same, and the report says what and where), 2 the input cannot be
read (not a survey, broken, hostile, too large) or the output cannot be written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qdef.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE

if TYPE_CHECKING:
    import argparse


def add_arguments(command: argparse.ArgumentParser) -> None:
    """The description and arguments of ``qdef import``, and what runs it."""
    command.description = (
        "Import a LimeSurvey survey archive (.lss) or an XLSForm (.xlsx, .xls) as a qdef "
        "instrument. Everything that cannot be carried over exactly is reported, one "
        "located line each, and written as a comment where it applies. Exit 0: "
        "faithful; 1: something approximated or left out (the instrument is written); "
        "2: the input cannot be read."
    )
    command.add_argument("source", type=Path, metavar="SURVEY", help="a .lss, .xlsx or .xls file")
    command.add_argument(
        "-o", "--output", type=Path, help="write the instrument here (default: standard output)"
    )
    command.add_argument(
        "--schema",
        default=None,
        metavar="REF",
        help="the $schema of the yaml-language-server line (default: qdef-1.schema.json "
        "beside the instrument; 'qdef schema -o qdef-1.schema.json' writes it)",
    )
    command.add_argument(
        "-q", "--quiet", action="store_true", help="print no summary line on standard error"
    )
    command.set_defaults(handler=import_command)


def import_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.cli.output import write_atomic  # noqa: PLC0415
    from qdef.diagnostics import format_text, has_errors  # noqa: PLC0415
    from qdef.importing import ImportRefused, read  # noqa: PLC0415
    from qdef.importing.report import report_lines  # noqa: PLC0415
    from qdef.importing.yamlout import DEFAULT_SCHEMA, dumps  # noqa: PLC0415
    from qdef.pipeline import validate_text  # noqa: PLC0415

    try:
        result = read(args.source)
    except ImportRefused as refusal:
        err.write(f"qdef: error: {refusal}\n")
        return EXIT_USAGE
    except OSError as error:
        err.write(f"qdef: error: cannot read {args.source}: {error.strerror or error}\n")
        return EXIT_USAGE
    text = dumps(result, schema=args.schema or DEFAULT_SCHEMA)
    lines = report_lines(result)
    for line in lines:
        err.write(line + "\n")
    target = args.output if args.output is not None else Path("<output>")
    diagnostics = validate_text(text, target).diagnostics
    invalid = has_errors(diagnostics)
    if invalid:
        err.write(
            f"{args.source}: the written instrument does not validate; its problems, "
            "located in it:\n"
        )
        err.write(format_text([d for d in diagnostics if d.severity == "error"]))
    if args.output is None:
        out.write(text)
    else:
        try:
            write_atomic(args.output, text.encode("utf-8"))
        except OSError as error:
            err.write(f"qdef: error: cannot write {args.output}: {error.strerror or error}\n")
            return EXIT_USAGE
    if not args.quiet:
        counts = result.counts()
        err.write(
            f"{args.source}: {len(result.origins)} questions: {counts['faithful']} faithful, "
            f"{counts['approximated']} approximated, {counts['left out']} left out; "
            f"{len(lines)} report lines"
            + ("; the instrument does not validate" if invalid else "")
            + "\n"
        )
    return EXIT_PROBLEMS if result.losses or invalid else EXIT_OK
