"""``qdef render``: the command-line side of the renderer API (``qdef renderers`` lists
the renderers)."""

from __future__ import annotations

import argparse
import os
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qdef.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    read_one,
    translations_argument,
)
from qdef.diagnostics import Diagnostic, format_text

if TYPE_CHECKING:
    from qdef.rendering import Compiled, Renderer, RenderOptions
    from qdef.rendering.registry import Registration

STDOUT = "-"


def add_arguments(render: argparse.ArgumentParser) -> None:
    """The description and arguments of ``qdef render``, and what runs it."""
    render.description = (
        "Validate FILE, then render it with the renderer NAME and write the "
        "result atomically: to PATH, to stdout with '-o -', or by default to the file's "
        "name with the renderer's suffix in the current directory. With several --to, "
        "FILE is validated once and each result is written into the directory PATH "
        "(default: the current directory) under FILE's name with that renderer's suffix; "
        "if any renderer fails, nothing is written. An invalid instrument is refused "
        "with the messages of 'qdef validate'; its warnings are printed."
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
        "translations; also picks the wording qdef adds (docs/languages.md)",
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
    translations_argument(render)
    render.set_defaults(handler=render_command)


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
    from qdef.rendering import RenderError, options_for  # noqa: PLC0415
    from qdef.rendering.registry import load, lookup  # noqa: PLC0415
    from qdef.wording.catalog import CatalogError  # noqa: PLC0415

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
    compiled = result.compiled  # what validation built: its conditions, its analysis
    assert compiled is not None
    instrument = compiled.instrument
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
            options = options_for(renderer, instrument, args.lang, own, source=args.file)
            jobs.append(_Job(registration, renderer, options, _target(args, renderer, several)))
    except CatalogError as error:  # a wording catalogue that cannot be used: its lines
        err.write(format_text(error.problems))
        return EXIT_PROBLEMS
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
    err.write(format_text(_fallbacks(jobs)))  # messages printed in English, each once
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


def _fallbacks(jobs: list[_Job]) -> list[Diagnostic]:
    """A warning (QD830) for each message a catalogue lacked and that was printed in
    English instead, once per catalogue and message, at the catalogue's file."""
    from qdef.diagnostics import Code, Span  # noqa: PLC0415

    seen: dict[tuple[str, str], Diagnostic] = {}
    for job in jobs:
        for found in job.options.catalogs():
            for key in found.fallbacks:
                if found.file is None or (str(found.file), key) in seen:
                    continue
                english = found.fallback.template(key) if found.fallback else ""
                seen[str(found.file), key] = Diagnostic(
                    Code.QD830,
                    f"the {found.lang!r} catalogue has no translation of {key!r}, so it "
                    f"was printed in English ({english!r}); translate it in this file "
                    f"('qdef catalog check {found.file}' lists every message it lacks)",
                    Span(found.file, found.lines.get(key, 1), 1),
                    "warning",
                )
    return list(seen.values())


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
    from qdef.rendering.protocol import OLD_PROTOCOL, written_for_instruments  # noqa: PLC0415
    from qdef.wording.catalog import CatalogError  # noqa: PLC0415

    renderer, registration, document = job.renderer, job.registration, compiled.document
    try:
        rendered = renderer.render(compiled, job.options)
    except RenderOptionError as error:  # an option value the renderer cannot take: usage
        err.write(f"qdef: error: {error}\n")
        return EXIT_USAGE
    except RenderError as error:
        if isinstance(error, CatalogError):  # a catalogue of another language: its lines
            err.write(format_text(error.problems))
            return EXIT_PROBLEMS
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
    except Exception as error:
        if registration.distribution == "qdef":
            raise  # qdef's own renderer: the internal-error path of the CLI
        if written_for_instruments(error, compiled):  # not a bug: made for an older qdef
            err.write(
                f"qdef: error: cannot render {file} with {renderer.name!r} of "
                f"{registration.origin}: {OLD_PROTOCOL}\n"
            )
            return EXIT_PROBLEMS
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
