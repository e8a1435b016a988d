"""``qdef catalog``: qdef's own wording in a new language. ``init LANG`` writes a
catalogue to translate (a PO file with every message), ``check FILE`` reports what a
catalogue lacks or gets wrong (docs/languages.md)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qdef.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from qdef.diagnostics import format_text

if TYPE_CHECKING:
    import argparse

#: A BCP 47 tag as instruments write it (``language:`` in docs/format.md).
TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def add_arguments(catalog: argparse.ArgumentParser) -> None:
    """The description, the sub-commands ``init`` and ``check``, and what runs them."""
    catalog.description = (
        "qdef's own wording (hints, routing notes, buttons, messages) in a language: "
        "a gettext PO file per language. 'init' writes one to translate, 'check' "
        "reports what one lacks or gets wrong. Put it beside the instrument as "
        "wording/LANG.po, or ship it as a plugin (docs/languages.md)."
    )
    actions = catalog.add_subparsers(dest="action", metavar="ACTION", parser_class=type(catalog))
    actions.required = True
    init = actions.add_parser(
        "init",
        help="write a catalogue for LANG to translate",
        description=(
            "Write a PO file for LANG with every message of qdef: msgctxt is the "
            "message's key, msgid its English text, msgstr empty (to translate), a "
            "comment says where it is printed; the header has the language's plural "
            "forms (CLDR). Written atomically; an existing file is kept unless --force."
        ),
    )
    init.add_argument("lang", metavar="LANG", help="the language tag (BCP 47): sw, pt-BR, …")
    init.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where to write (default: wording/LANG.po, the folder qdef looks in beside "
        "an instrument); - for standard output",
    )
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    check = actions.add_parser(
        "check",
        help="report the messages a catalogue lacks, and its errors",
        description=(
            "Check the catalogue FILE against qdef's messages: its syntax, each "
            "translation's {placeholders} and plural forms (errors), messages qdef does "
            "not have or whose English text changed, and each message not translated "
            "(warnings, printed in English when rendering). Exit 1 on errors (with "
            "--strict, on warnings too)."
        ),
    )
    check.add_argument("file", type=Path, metavar="FILE", help="the PO file")
    check.add_argument(
        "--lang", metavar="LANG", help="its language (default: the file's name, sw.po: sw)"
    )
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    catalog.set_defaults(handler=catalog_command)


def catalog_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.action == "init":
        return _init(args, out, err)
    return _check(args, out, err)


def _init(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.cli.output import write_atomic  # noqa: PLC0415
    from qdef.wording.sources import init  # noqa: PLC0415

    lang: str = args.lang
    if not TAG.fullmatch(lang):
        err.write(
            f"qdef: error: {lang!r} is not a language tag; write one as instruments do "
            "(BCP 47: sw, pt-BR)\n"
        )
        return EXIT_USAGE
    data = init(lang)
    if args.output == "-":
        out.write(data.decode("utf-8"))
        return EXIT_OK
    target = Path(args.output) if args.output else Path("wording") / f"{lang}.po"
    if target.exists() and not args.force:
        err.write(
            f"qdef: error: {target} exists; qdef keeps it (it may hold translations). "
            "Check it with 'qdef catalog check', or overwrite it with --force\n"
        )
        return EXIT_USAGE
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
    except OSError as error:
        err.write(f"qdef: error: cannot write {target}: {error.strerror or error}\n")
        return EXIT_USAGE
    err.write(
        f"qdef: wrote {target} ({lang}): translate each msgstr, then run "
        f"'qdef catalog check {target}'\n"
    )
    return EXIT_OK


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.diagnostics import Code, Diagnostic, Span, summary  # noqa: PLC0415
    from qdef.wording.sources import MAX_BYTES, check  # noqa: PLC0415

    file: Path = args.file
    lang: str = args.lang or file.stem
    if not TAG.fullmatch(lang):
        err.write(f"qdef: error: {file.name!r} does not name a language; give it with --lang\n")
        return EXIT_USAGE
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        problem = Diagnostic(
            Code.QD002, f"cannot read the file: {error.strerror or error}", Span(file, 1, 1)
        )
        err.write(format_text([problem]))
        return EXIT_USAGE
    if len(data) > MAX_BYTES:
        err.write(f"qdef: error: {file} is larger than {MAX_BYTES:,} bytes; not a catalogue\n")
        return EXIT_USAGE
    problems = check(data, file, lang)
    out.write(format_text(problems))
    out.write(summary(problems, 1) + "\n")
    failed = any(d.is_error for d in problems) or (args.strict and bool(problems))
    return EXIT_PROBLEMS if failed else EXIT_OK
