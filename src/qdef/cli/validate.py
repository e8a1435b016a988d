"""``qdef validate``: check instruments and report every problem with file:line:column."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from qdef.cli.common import report, report_arguments

if TYPE_CHECKING:
    import argparse

    from qdef.diagnostics import Diagnostic


def add_arguments(validate: argparse.ArgumentParser) -> None:
    """The description and arguments of ``qdef validate``, and what runs it."""
    validate.description = (
        "Check instrument files (and every *.yaml / *.yml under directories). "
        "Reports all problems of all files at once."
    )
    report_arguments(validate)
    validate.set_defaults(handler=validate_command)


def validate_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.pipeline import validate_paths  # noqa: PLC0415

    results, usage = validate_paths(args.paths)
    diagnostics: list[Diagnostic] = list(usage)
    for result in results:
        diagnostics.extend(result.diagnostics)
    return report(diagnostics, len(results), args, out, err)
