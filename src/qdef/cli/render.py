"""``qdef render`` and ``qdef renderers``: the command-line side of the renderer API."""

from __future__ import annotations

import argparse
import json
import os
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qdef.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from qdef.diagnostics import Diagnostic, format_text
from qdef.gcpause import gc_paused

if TYPE_CHECKING:
    from qdef.rendering import Compiled, Renderer, RenderOptions
    from qdef.rendering.registry import Registration

STDOUT = "-"


def _settings(pairs: list[str]) -> dict[str, str] | str:
    """``-O key=value`` pairs as a mapping, or a message saying which one is malformed."""
    settings: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            return f"-O {pair!r}: write options as KEY=VALUE"
        if key.strip() in settings:
            return f"-O {key.strip()!r} is given twice"
        settings[key.strip()] = value
    return settings


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def render_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:  # noqa: PLR0915
    from qdef.cli import read_one  # noqa: PLC0415
    from qdef.rendering import RenderError, options_for  # noqa: PLC0415
    from qdef.rendering.registry import load, lookup  # noqa: PLC0415

    def fail(message: str, status: int = EXIT_USAGE) -> int:
        err.write(f"qdef: error: {message}\n")
        return status

    settings = _settings(args.option)
    if isinstance(settings, str):
        return fail(settings)
    names: list[str] = args.to
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        return fail(f"--to {twice[0]} is given twice; name each renderer once")
    several = len(names) > 1
    try:
        registrations = [lookup(name) for name in names]
    except RenderError as error:
        return fail(str(error))
    if args.output == "":
        return fail("-o needs a file name, or - for standard output")
    if several and args.output == STDOUT:
        return fail(
            "-o - writes one renderer's output to standard output; with several --to, "
            "name a directory with -o DIR (or leave -o out for the current directory)"
        )
    result = read_one(args, "render", out, err, routing=True)
    if isinstance(result, int):
        return result
    instrument = result.instrument
    assert instrument is not None
    from qdef.pipeline.compiled import compile_instrument  # noqa: PLC0415

    # TODO(H1A): result.compiled, once validation returns the Compiled it built
    compiled = compile_instrument(instrument, result.document)
    if result.diagnostics:  # warnings: worth knowing, not a reason to refuse
        err.write(format_text(list(result.diagnostics)))
    jobs: list[_Job] = []
    offered: set[str] = set()
    try:
        for registration in registrations:
            renderer = load(registration)
            declared = renderer.options
            offered.update(declared)
            own = {k: v for k, v in settings.items() if k in declared} if several else settings
            options = options_for(renderer, instrument, args.lang, own)
            jobs.append(_Job(registration, renderer, options, _target(args, renderer, several)))
    except RenderError as error:  # cannot be imported, an unknown option, a language
        return fail(str(error))
    unused = sorted(set(settings) - offered)
    if unused:
        return fail(
            f"none of the renderers {', '.join(names)} has the option {unused[0]!r}; "
            "'qdef renderers' lists each one's options"
        )
    clash = _clash(jobs)
    if clash:
        return fail(clash)
    for job in jobs:
        if job.target is not None and _same_file(job.target, args.file):
            return fail(
                f"{job.target} is the instrument itself; qdef never overwrites its input. "
                "Choose another file with -o"
            )
    rendered: list[str | bytes] = []
    for job in jobs:  # every renderer first: if one fails, nothing is written
        data = _render(job, compiled, args.file, err)
        if isinstance(data, int):
            return data
        rendered.append(data)
    if not several and jobs[0].target is None:
        return _to_stdout(rendered[0], out, err)
    from qdef.cli.output import write_atomic  # noqa: PLC0415

    if several:
        folder = Path(args.output) if args.output else Path()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return fail(f"cannot make the directory {folder}: {error.strerror or error}")
    for job, output in zip(jobs, rendered, strict=True):
        assert job.target is not None
        data = output.encode("utf-8") if isinstance(output, str) else output
        try:
            write_atomic(job.target, data)
        except OSError as error:
            return fail(f"cannot write {job.target}: {error.strerror or error}")
        if not args.quiet:
            err.write(f"qdef: wrote {job.target} ({job.renderer.name}, {len(data):,} bytes)\n")
    return EXIT_OK


@dataclass(frozen=True)
class _Job:
    """One renderer to run: who registered it, the renderer, its options, where to write
    (None: standard output)."""

    registration: Registration
    renderer: Renderer
    options: RenderOptions
    target: Path | None


def _target(args: argparse.Namespace, renderer: Renderer, several: bool) -> Path | None:
    name: str = args.file.stem + renderer.suffix
    output: str | None = args.output
    if several:
        return (Path(output) if output else Path()) / name
    if output == STDOUT:
        return None
    return Path(output) if output else Path(name)


def _clash(jobs: list[_Job]) -> str | None:
    """A message if two renderers would write the same file."""
    seen: dict[Path, str] = {}
    for job in jobs:
        if job.target is None:
            continue
        other = seen.setdefault(job.target, job.renderer.name)
        if other != job.renderer.name:
            return (
                f"{other} and {job.renderer.name} would both write {job.target}; "
                "render them in separate runs, each with its own -o"
            )
    return None


def _render(job: _Job, compiled: Compiled, file: Path, err: TextIO) -> str | bytes | int:
    """The renderer's output, or the exit status after saying why there is none."""
    from qdef.errors import (  # noqa: PLC0415
        LanguageError,
        LocatedRenderError,
        MissingWordingError,
        RenderOptionError,
    )
    from qdef.rendering import RenderError  # noqa: PLC0415

    renderer, registration, document = job.renderer, job.registration, compiled.document
    try:
        with gc_paused():
            rendered = renderer.render(compiled, job.options)
    except RenderOptionError as error:  # an option value the renderer cannot take: usage
        err.write(f"qdef: error: {error}\n")
        return EXIT_USAGE
    except RenderError as error:
        if isinstance(error, LocatedRenderError) and document is not None:  # file:line:col
            span = document.locate_offset(error.path, error.offset)
            column = error.offset if error.excerpt is not None else 0
            found = Diagnostic(error.code, error.message, span, "error", error.excerpt, column)
            err.write(format_text([found]))
            return EXIT_PROBLEMS
        who = repr(renderer.name)
        if registration.distribution != "qdef":  # a plugin's message: say whose
            who += f" of {registration.origin}"
        if isinstance(error, MissingWordingError) and document is not None:
            # every place at its file:line:column, each with its own fix
            err.write(f"qdef: error: cannot render {file} with {who}: {error.message}\n")
            for place in error.places:
                err.write(f"{document.locate(place.path)}: error: {place.sentence()}\n")
            return EXIT_USAGE
        err.write(f"qdef: error: cannot render {file} with {who}: {error}\n")
        return EXIT_USAGE if isinstance(error, LanguageError) else EXIT_PROBLEMS
    except Exception:
        if registration.distribution == "qdef":
            raise  # qdef's own renderer: the internal-error path of the CLI
        err.write(
            f"qdef: error: the renderer {renderer.name!r} of {registration.origin} failed; "
            "this is a bug in that renderer (nothing was written):\n"
        )
        err.write(traceback.format_exc())
        return EXIT_PROBLEMS
    if not isinstance(rendered, str | bytes | bytearray):
        problem = (
            f"the renderer {renderer.name!r} of {registration.origin} returned "
            f"{type(rendered).__name__}, not text or bytes; this is a bug in that renderer "
            "(nothing was written)"
        )
        if registration.distribution == "qdef":
            raise TypeError(problem)
        err.write(f"qdef: error: {problem}\n")
        return EXIT_PROBLEMS
    return rendered if isinstance(rendered, str | bytes) else bytes(rendered)


def _to_stdout(output: str | bytes, out: TextIO, err: TextIO) -> int:
    # The very bytes a file would get (UTF-8, no newline translation), whatever the
    # locale's encoding; a stream without a binary buffer (StringIO) takes text.
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()
        buffer.write(output.encode("utf-8") if isinstance(output, str) else output)
        buffer.flush()
        return EXIT_OK
    if isinstance(output, str):
        out.write(output)
        return EXIT_OK
    err.write("qdef: error: this renderer writes bytes; write them to a file with -o PATH\n")
    return EXIT_USAGE


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
