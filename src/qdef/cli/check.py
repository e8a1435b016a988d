"""``qdef check``: validate instruments, then check their routing — the routing
findings (a question shown on no walk is an error) and the routing properties tested
on generated answers and respondents (QD610 with a minimal counterexample)."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

from qdef.cli.common import (
    EXIT_USAGE,
    count_argument,
    report,
    report_arguments,
    translation_severity,
)
from qdef.diagnostics import Code, Diagnostic, Span, has_errors

if TYPE_CHECKING:
    import argparse

    from qdef.pipeline import Result
    from qdef.routing import Analysis
    from qdef.validation.checks import Locator

#: A routing property that fails in ``qdef check``.
PROPERTY_FAILURE = Code.QD610
#: Default number of answer sets ``qdef check`` tries.
DEFAULT_EXAMPLES = 200


def add_arguments(check: argparse.ArgumentParser) -> None:
    """The description and arguments of ``qdef check``, and what runs it."""
    check.description = (
        "Validate instrument files (and every *.yaml / *.yml under directories), "
        "then check their routing: the routing findings of 'qdef validate', with a question "
        "shown on no walk (QD601) as an error, and the routing properties tested on "
        "generated answers and respondents (questions shown in order and only when their "
        "conditions hold, only answers of shown questions kept, reaching conditions right, "
        "respondents' answers valid). A failing property (QD610) comes with a minimal "
        "counterexample."
    )
    report_arguments(check)
    check.add_argument(
        "--examples",
        type=count_argument(1),
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
    # hypothesis leaves garbage in cycles (frames, exceptions): with the collector
    # paused, qdef check of 1,000 questions grew from 0.37 to 0.66 GB, no faster
    check.set_defaults(handler=check_command, pause_collector=False)


def check_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
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
            found = translation_severity(result.diagnostics, args)  # --translations error
            diagnostics.extend(found)
            if result.ok and not has_errors(found):
                diagnostics.extend(_check_routing(result, args.examples, args.seed))
    return report(diagnostics, len(files), args, out, err)


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

    document, compiled = result.document, result.compiled
    if document is None or compiled is None:  # not a valid file: nothing to check
        return []
    try:
        checked = check_routing(compiled, max_examples=examples, seed=seed)
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
    found = [finding_diagnostic(f, document, CHECK_SEVERITY) for f in checked.findings]
    for failure in checked.failures:
        counterexample = json.dumps(
            failure.answers,
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            default=str,
        )
        where = _question_span(checked.analysis, failure.question, document)
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
