"""``qdef translate``: an instrument's texts to a PO file and back (docs/translating.md).

``extract`` writes (or updates, as msgmerge does) the PO file of one language;
``merge`` writes its translations back into the instrument's YAML, keeping the
file's comments and layout. An instrument is never changed in place unless
``--in-place`` says so.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qdef.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, read_one

if TYPE_CHECKING:
    from qdef.translate.po import PoFile

#: Standard output, as ``-o`` names it.
STDOUT = "-"
#: The largest PO file qdef reads (as the largest instrument).
MAX_PO_BYTES = 16 * 1024 * 1024
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def add_arguments(translate: argparse.ArgumentParser) -> None:
    """The description, the sub-commands ``extract`` and ``merge``, and what runs them."""
    translate.description = (
        "Translate an instrument with PO files, as translators' tools (Poedit, Weblate, "
        "Lokalize) read and write them: extract its texts, merge the translations back."
    )
    actions = translate.add_subparsers(
        dest="action", metavar="ACTION", parser_class=type(translate)
    )
    actions.required = True
    extract = actions.add_parser(
        "extract",
        help="write every text of an instrument into a PO file for one language",
        description=(
            "Write every text of INSTRUMENT into a PO file for --lang: msgctxt the text's "
            "key path, msgid the text in the instrument's language, msgstr its translation "
            "(if the instrument has one), '#:' the file and line. If the output file exists "
            "it is updated as msgmerge updates one: its translations are kept, those whose "
            "source text changed are marked fuzzy with the previous text ('#| msgid'), and "
            "entries whose text is gone are kept as obsolete ('#~')."
        ),
    )
    extract.add_argument("file", type=Path, metavar="INSTRUMENT")
    extract.add_argument("--lang", required=True, help="the language to translate into (en, fr, …)")
    extract.add_argument(
        "-o",
        "--output",
        metavar="PO",
        help="the PO file to write or update (default: standard output)",
    )
    extract.set_defaults(handler=translate_command)
    merge = actions.add_parser(
        "merge",
        help="write the translations of a PO file back into an instrument",
        description=(
            "Write the translations of PO into INSTRUMENT's YAML, keeping its comments, key "
            "order, quoting and layout; each records the hash of the text it translates. "
            "Fuzzy entries are not merged (they are listed), nor entries whose msgid is no "
            "longer the instrument's text (extract again). qdef never changes its input "
            "unless told: write to -o OUT, or give --in-place."
        ),
    )
    merge.add_argument("file", type=Path, metavar="INSTRUMENT")
    merge.add_argument("po", type=Path, metavar="PO")
    target = merge.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "-o", "--output", metavar="OUT", help="the instrument to write ('-': standard output)"
    )
    target.add_argument(
        "--in-place", action="store_true", help="rewrite INSTRUMENT itself (atomically)"
    )
    merge.add_argument("--lang", help="the PO file's language (default: its 'Language' header)")
    merge.set_defaults(handler=translate_command)


def translate_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``qdef translate extract`` or ``qdef translate merge``, as ``args.action`` says."""
    if args.action == "extract":
        return extract_command(args, out, err)
    return merge_command(args, out, err)


def _fail(err: TextIO, message: str, status: int = EXIT_USAGE) -> int:
    err.write(f"qdef translate: error: {message}\n")
    return status


def _language(lang: str, own: str, err: TextIO) -> int | None:
    if not _LANGUAGE.fullmatch(lang):
        return _fail(err, f"--lang {lang!r} is not a language tag (en, fr, pt-BR, …)")
    if lang == own:
        return _fail(
            err,
            f"{lang} is the instrument's own language; name the language to translate into",
        )
    return None


def _read_po(path: Path, err: TextIO, *, missing_ok: bool) -> PoFile | int | None:
    """The PO file at ``path`` read, None if it does not exist (and ``missing_ok``), or
    the exit code after saying what is wrong."""
    from qdef.translate.po import PoError, parse  # noqa: PLC0415

    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_PO_BYTES + 1)
    except FileNotFoundError:
        if missing_ok:
            return None
        return _fail(err, f"{path}: no such file")
    except OSError as error:
        return _fail(err, f"cannot read {path}: {error.strerror or error}")
    if len(data) > MAX_PO_BYTES:
        return _fail(err, f"{path}: larger than {MAX_PO_BYTES // 2**20} MiB", EXIT_PROBLEMS)
    try:
        return parse(data)
    except PoError as error:
        where = f"{path}:{error.line}" if error.line else str(path)
        err.write(f"{where}: error: {error}; fix the PO file (msgfmt --check {path} shows more)\n")
        return EXIT_PROBLEMS


def _write(target: str, data: bytes, out: TextIO, err: TextIO) -> int:
    from qdef.cli.output import write_atomic  # noqa: PLC0415

    if target == STDOUT:
        out.write(data.decode("utf-8"))
        return EXIT_OK
    try:
        write_atomic(Path(target), data)
    except OSError as error:
        return _fail(err, f"cannot write {target}: {error.strerror or error}")
    return EXIT_OK


def extract_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.translate import extract  # noqa: PLC0415
    from qdef.translate.entries import ContextClashError  # noqa: PLC0415

    if args.output == "":
        return _fail(err, "-o needs a file name, or - for standard output")
    result = read_one(args, "translate extract", out, err, routing=False)
    if isinstance(result, int):
        return result
    compiled = result.compiled
    assert compiled is not None
    refused = _language(args.lang, compiled.instrument.language, err)
    if refused is not None:
        return refused
    target: str = args.output or STDOUT
    old = None
    if target != STDOUT:
        if _same(Path(target), args.file):
            return _fail(err, f"{target} is the instrument itself; name a PO file with -o")
        read = _read_po(Path(target), err, missing_ok=True)
        if isinstance(read, int):
            return read
        old = read
        declared = _po_language(old)
        if declared and declared != args.lang:
            return _fail(
                err,
                f"{target} is a PO file for {declared}, not {args.lang}; name another file",
            )
    reference_dir = Path(target).parent if target != STDOUT else Path.cwd()
    try:
        made = extract(compiled, args.lang, old, reference_dir)
    except ContextClashError as error:
        return _fail(err, str(error), EXIT_PROBLEMS)
    status = _write(target, made.data, out, err)
    if status == EXIT_OK:
        where = "" if target == STDOUT else f" into {target}"
        err.write(
            f"{made.texts} texts{where}: {made.translated} translated, "
            f"{len(made.fuzzy)} fuzzy (to check), {made.texts - made.translated} to translate"
            + (f", {made.obsolete} obsolete" if made.obsolete else "")
            + "\n"
        )
    return status


def merge_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.translate import MergeError, TranslationError, merge  # noqa: PLC0415

    if args.output == "":
        return _fail(err, "-o needs a file name, or - for standard output")
    target: str = str(args.file) if args.in_place else args.output
    if not args.in_place and target != STDOUT and _same(Path(target), args.file):
        return _fail(
            err,
            f"{target} is the instrument itself; qdef never changes its input unless told: "
            "give --in-place, or another file with -o",
        )
    result = read_one(args, "translate merge", out, err, routing=False)
    if isinstance(result, int):
        return result
    compiled = result.compiled
    assert compiled is not None and compiled.document is not None
    po = _read_po(args.po, err, missing_ok=False)
    if isinstance(po, int):
        return po
    assert po is not None
    declared = _po_language(po)
    lang = args.lang or declared
    if not lang:
        return _fail(err, f"{args.po} names no language (no 'Language' header): give --lang")
    if args.lang and declared and declared != args.lang:
        return _fail(err, f"{args.po} is a PO file for {declared}, not {args.lang}")
    refused = _language(lang, compiled.instrument.language, err)
    if refused is not None:
        return refused
    try:
        merged = merge(compiled, compiled.document.text, po, lang)
    except TranslationError as error:
        for line, context, problem in error.problems:
            err.write(f"{args.po}:{line}: error: {context}: {problem}\n")
        err.write(f"{error}; fix them in {args.po} (nothing was written)\n")
        return EXIT_PROBLEMS
    except MergeError as error:
        return _fail(
            err,
            f"{error}. This is a bug in qdef, please report it; nothing was written",
            EXIT_PROBLEMS,
        )
    status = _write(target, merged.text.encode("utf-8"), out, err)
    if status != EXIT_OK:
        return status
    for context in merged.fuzzy:
        err.write(f"{args.po}: fuzzy, not merged (check it, then clear the flag): {context}\n")
    for context in merged.stale:
        err.write(
            f"{args.po}: the instrument's text changed since it was extracted, not merged "
            f"(run qdef translate extract again): {context}\n"
        )
    for context in merged.unknown:
        err.write(f"{args.po}: no such text in the instrument, not merged: {context}\n")
    err.write(
        f"{len(merged.written)} translations written"
        + (f" ({lang} added to translations)" if merged.language_added else "")
        + f", {len(merged.fuzzy)} fuzzy, {len(merged.stale)} outdated, "
        f"{merged.untranslated} untranslated\n"
    )
    return EXIT_OK


def _po_language(po: PoFile | None) -> str | None:
    """The PO file's ``Language`` header as a language tag (Poedit writes ``pt_BR``)."""
    declared = po.field("Language") if po is not None else None
    return declared.replace("_", "-") if declared else None


def _same(a: Path, b: Path) -> bool:
    import os  # noqa: PLC0415

    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()
