"""The validation pipeline: file -> YAML data -> typed model -> semantic checks
-> compiled instrument.

Each stage reports every problem it finds; a stage runs only on what the
previous one accepted: the semantic checks run on the structurally valid parts
of a document with structural errors (:mod:`qdef.validation.partial`), the routing
analysis only on an instrument without errors. Positions are recorded while
parsing and turned into lines and columns only for problems. The cyclic garbage
collector is left as the caller set it (the command line pauses it:
:mod:`qdef.cli.gcpause`).

A valid instrument comes out compiled (:class:`~qdef.pipeline.compiled.Compiled`,
``Result.compiled``): with the symbol table and the parsed conditions of the
semantic checks, and the routing analysis made for the findings; the stages
after validation receive it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qdef.diagnostics import Code, Diagnostic, QdefError, Span, has_errors, sort_diagnostics
from qdef.model import Instrument
from qdef.pipeline.compiled import Compiled, compile_instrument
from qdef.source.loader import DEFAULT_LIMITS, Document, Limits, load_file, parse

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

INSTRUMENT_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Result:
    """What validating one file gave: the compiled instrument (if usable) and all
    diagnostics."""

    path: Path
    compiled: Compiled | None
    """The instrument compiled (None if it has errors): what the later stages receive."""
    diagnostics: tuple[Diagnostic, ...]
    document: Document | None = None
    """The parsed file (for locating further findings); None if it could not be parsed."""

    @property
    def instrument(self) -> Instrument | None:
        """The typed instrument, if usable (``compiled.instrument``)."""
        return None if self.compiled is None else self.compiled.instrument

    @property
    def ok(self) -> bool:
        return self.compiled is not None and not has_errors(self.diagnostics)


def check_document(
    document: Document, *, routing: bool = True
) -> tuple[Compiled | None, list[Diagnostic]]:
    """Structure (schema and model), then semantics, of a parsed document; then, with
    ``routing``, the routing findings (as warnings). The errors found while reading
    it (``document.problems``) come first, and with them there is no instrument."""
    if document.problems:
        _, found = _check_document(document, routing=False)
        return None, [*document.problems, *found]
    return _check_document(document, routing=routing)


def _check_document(
    document: Document, *, routing: bool
) -> tuple[Compiled | None, list[Diagnostic]]:
    from pydantic import ValidationError  # noqa: PLC0415

    from qdef.validation.checks import checked  # noqa: PLC0415

    try:
        instrument = Instrument.model_validate(document.data)
    except ValidationError as error:
        from qdef.validation.modelerrors import diagnostics_for  # noqa: PLC0415

        found = diagnostics_for(error, document)
        return None, found + _check_valid_parts(document, error.errors(include_url=False))
    semantics = checked(instrument, document)
    found = semantics.diagnostics
    if instrument.translations:
        from qdef.validation.translations import outdated  # noqa: PLC0415

        found.extend(outdated(instrument, document))
    if has_errors(found):
        return None, found
    compiled = Compiled(
        instrument, semantics.symbols, document, semantics.conditions, semantics.templates
    )
    if not routing:
        return compiled, found
    from qdef.pipeline.findings import routing_diagnostics  # noqa: PLC0415

    found.extend(routing_diagnostics(compiled, document))
    return compiled, found


def _check_valid_parts(document: Document, errors: Sequence[ErrorDetails]) -> list[Diagnostic]:
    """The semantic problems of the structurally valid parts of a document that has
    structural errors (:mod:`qdef.validation.partial`), so that one run shows every problem."""
    from pydantic import ValidationError  # noqa: PLC0415

    from qdef.validation.checks import check  # noqa: PLC0415
    from qdef.validation.partial import prune  # noqa: PLC0415

    pruned = prune(document, errors)
    if pruned is None:
        return []
    try:
        instrument = Instrument.model_validate(pruned.data)
    except ValidationError:  # a part that is only wrong together with others
        return []
    return check(instrument, pruned.locator, broken=pruned.broken)


def validate_document(document: Document, *, routing: bool = True) -> Result:
    compiled, found = check_document(document, routing=routing)
    return Result(document.path, compiled, tuple(sort_diagnostics(found)), document)


def validate_file(path: Path, limits: Limits = DEFAULT_LIMITS, *, routing: bool = True) -> Result:
    """Validate one file; ``routing=False`` leaves out the routing findings (for
    commands that analyse the routing themselves)."""
    document, problems = load_file(path, limits)
    if document is None:
        return Result(path, None, tuple(problems))
    return validate_document(document, routing=routing)


def validate_text(
    text: str, path: Path = Path("<string>"), limits: Limits = DEFAULT_LIMITS
) -> Result:
    document, problems = parse(text, path, limits)
    if document is None:
        return Result(path, None, tuple(problems))
    return validate_document(document)


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """The instrument files named by ``paths`` (files as given; directories searched
    for ``*.yaml`` / ``*.yml``, hidden ones skipped), and QD0xx usage problems."""
    files: list[Path] = []
    problems: list[Diagnostic] = []
    for path in paths:
        try:
            is_dir = path.is_dir()
            found = sorted(
                p
                for p in (path.rglob("*") if is_dir else ())
                if p.suffix in INSTRUMENT_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            exists = is_dir or path.exists()
        except OSError as error:  # e.g. a name too long for the file system
            reason = error.strerror or str(error)
            problems.append(
                Diagnostic(Code.QD002, f"cannot read this path: {reason}", Span(path, 1, 1))
            )
            continue
        if is_dir:
            if not found:
                problems.append(
                    Diagnostic(
                        Code.QD003,
                        "this directory contains no instrument files (*.yaml, *.yml); "
                        "name the files or a directory that has them",
                        Span(path, 1, 1),
                    )
                )
            files.extend(found)
        elif exists:
            files.append(path)
        else:
            problems.append(
                Diagnostic(
                    Code.QD001, "no such file or directory; check the path", Span(path, 1, 1)
                )
            )
    return list(dict.fromkeys(files)), problems


def validate_paths(
    paths: Sequence[Path], limits: Limits = DEFAULT_LIMITS
) -> tuple[list[Result], list[Diagnostic]]:
    """Validate every instrument under ``paths``; usage problems come separately."""
    files, problems = discover(paths)
    return [validate_file(f, limits) for f in files], problems


def load(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Instrument:
    """Load and validate an instrument; raise :class:`QdefError` with every problem."""
    return compile(path, limits).instrument


def compile(instrument: str | Path | Instrument, limits: Limits = DEFAULT_LIMITS) -> Compiled:
    """The compiled instrument (:class:`~qdef.pipeline.compiled.Compiled`) of the file at
    a path, validated (raise :class:`QdefError` with every problem), or of an
    :class:`~qdef.model.Instrument` built in code (expected to be valid)."""
    if isinstance(instrument, Instrument):
        return compile_instrument(instrument)
    result = validate_file(Path(instrument), limits)
    if result.compiled is None:
        raise QdefError(result.diagnostics)
    return result.compiled


def loads(text: str, path: str | Path = "<string>", limits: Limits = DEFAULT_LIMITS) -> Instrument:
    """Like :func:`load`, for YAML text."""
    result = validate_text(text, Path(path), limits)
    if result.instrument is None:
        raise QdefError(result.diagnostics)
    return result.instrument


def validate(*paths: str | Path) -> list[Diagnostic]:
    """Every problem in the instruments at ``paths`` (files or directories), sorted.

    An empty list means every instrument is valid. Missing paths and
    directories without instruments are reported as QD001 / QD003.
    """
    results, problems = validate_paths([Path(p) for p in paths])
    found = list(problems)
    for result in results:
        found.extend(result.diagnostics)
    return sort_diagnostics(found)
