"""``qdef render`` and ``qdef renderers``: the command-line side of the renderer API."""

from __future__ import annotations

import argparse
import json
import os
import traceback
from pathlib import Path
from typing import TextIO

from qdef.diagnostics import format_text

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
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
    from qdef.renderers import RenderError, options_for  # noqa: PLC0415
    from qdef.renderers.errors import RenderOptionError  # noqa: PLC0415
    from qdef.renderers.registry import load, lookup  # noqa: PLC0415

    def fail(message: str, status: int = EXIT_USAGE) -> int:
        err.write(f"qdef: error: {message}\n")
        return status

    settings = _settings(args.option)
    if isinstance(settings, str):
        return fail(settings)
    try:
        registration = lookup(args.to)
    except RenderError as error:
        return fail(str(error))
    result = read_one(args, "render", out, err, routing=True)
    if isinstance(result, int):
        return result
    assert result.instrument is not None
    if result.diagnostics:  # warnings: worth knowing, not a reason to refuse
        err.write(format_text(list(result.diagnostics)))
    try:
        renderer = load(registration)
        options = options_for(renderer, result.instrument, args.lang, settings)
    except RenderError as error:  # cannot be imported, an unknown option, a language
        return fail(str(error))
    if args.output == "":
        return fail("-o needs a file name, or - for standard output")
    target: Path | None = None
    if args.output != STDOUT:
        target = Path(args.output) if args.output else Path(args.file.stem + renderer.suffix)
        if _same_file(target, args.file):
            return fail(
                f"{target} is the instrument itself; qdef never overwrites its input. "
                "Choose another file with -o"
            )
    try:
        rendered = renderer.render(result.instrument, options)
    except RenderOptionError as error:  # an option value the renderer cannot take: usage
        return fail(str(error))
    except RenderError as error:
        who = repr(renderer.name)
        if registration.distribution != "qdef":  # a plugin's message: say whose
            who += f" of {registration.origin}"
        return fail(f"cannot render {args.file} with {who}: {error}", EXIT_PROBLEMS)
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
        return fail(problem, EXIT_PROBLEMS)
    data = rendered.encode("utf-8") if isinstance(rendered, str) else bytes(rendered)
    if target is None:
        # The very bytes a file would get (UTF-8, no newline translation), whatever the
        # locale's encoding; a stream without a binary buffer (StringIO) takes text.
        buffer = getattr(out, "buffer", None)
        if buffer is not None:
            out.flush()
            buffer.write(data)
            buffer.flush()
        elif isinstance(rendered, str):
            out.write(rendered)
        else:
            return fail("this renderer writes bytes; write them to a file with -o PATH")
        return EXIT_OK
    from qdef.output import write_atomic  # noqa: PLC0415

    try:
        write_atomic(target, data)
    except OSError as error:
        return fail(f"cannot write {target}: {error.strerror or error}")
    if not args.quiet:
        err.write(f"qdef: wrote {target} ({renderer.name}, {len(data):,} bytes)\n")
    return EXIT_OK


def renderers_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Describe every installed renderer. Describing one imports its module (not the
    code it renders with); a renderer that cannot be imported is listed with why."""
    from qdef.renderers import RenderError  # noqa: PLC0415
    from qdef.renderers.registry import (  # noqa: PLC0415
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
            row["options"] = dict(sorted((getattr(renderer, "options", None) or {}).items()))
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
