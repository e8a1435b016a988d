"""Translating an instrument with the tools translators use: PO files.

``extract`` writes every text of an instrument into a PO file for one language
(context: the text's key path, :mod:`.entries`; reference: file:line; the
instrument's translations as they are), updating a PO file that exists as
msgmerge does (:func:`qdef.translate.po.update`). ``merge`` writes the PO file's
translations back into the instrument's YAML (:mod:`.yamlmerge`), each with the
hash of the source text it translates, so that ``qdef validate`` can tell when a
source text has changed since (QD411). See docs/translating.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qdef.model.texts import source_hash
from qdef.translate.entries import Entry, translatable
from qdef.translate.po import PoError, PoFile, dumps, header_fields, update
from qdef.translate.yamlmerge import Layout

if TYPE_CHECKING:
    from qdef.pipeline.compiled import Compiled

__all__ = [
    "Extracted",
    "MergeError",
    "Merged",
    "PoError",
    "TranslationError",
    "extract",
    "merge",
]


class MergeError(RuntimeError):
    """What merge wrote does not read back as the instrument with its translations (a
    bug in qdef: nothing is written)."""


class TranslationError(ValueError):
    """Translations that would make the instrument invalid (a ``{`` that pipes nothing,
    a variable that does not exist): nothing is written."""

    def __init__(self, problems: list[tuple[int, str, str]]) -> None:
        super().__init__(f"{len(problems)} translations would make the instrument invalid")
        self.problems = problems
        """(line in the PO file, context, what is wrong) of each."""


@dataclass(frozen=True, slots=True)
class Extracted:
    """What :func:`extract` made: the PO file's bytes, and what it found."""

    data: bytes
    texts: int
    translated: int
    fuzzy: list[str] = field(default_factory=list)
    """Contexts of the entries marked fuzzy (their source text changed)."""
    obsolete: int = 0


@dataclass(frozen=True, slots=True)
class Merged:
    """What :func:`merge` made: the instrument's new text, and what it did."""

    text: str
    written: list[str] = field(default_factory=list)
    """Contexts whose translation was written (new, changed, or its source confirmed)."""
    fuzzy: list[str] = field(default_factory=list)
    """Contexts of fuzzy entries: not merged (a translator has to check them)."""
    stale: list[str] = field(default_factory=list)
    """Contexts whose msgid is not the instrument's source text any more: not merged
    (extract again, so that the entry is marked fuzzy with the new text)."""
    unknown: list[str] = field(default_factory=list)
    """Contexts of the PO file that name no text of the instrument."""
    untranslated: int = 0
    language_added: bool = False


def extract(
    compiled: Compiled, lang: str, old: PoFile | None, reference_dir: Path | None = None
) -> Extracted:
    """The PO file for ``lang`` of the valid instrument ``compiled`` (read from a
    file), updated from ``old`` if there is one. ``#:`` references name the
    instrument relative to ``reference_dir`` (the PO file's folder)."""
    document = compiled.document
    if document is None:
        raise ValueError("extract needs an instrument read from a file")
    instrument = compiled.instrument
    found = translatable(instrument, document, lang)
    catalog = update(found, old, _reference(document.path, reference_dir))
    project = f"{instrument.id} {instrument.version}" if instrument.version else instrument.id
    comments = old.comments if old is not None and old.comments else _comments(instrument.id)
    fields = header_fields(
        old.fields if old is not None else (), project, lang, instrument.language
    )
    data = dumps(PoFile(comments, fields, catalog))
    fuzzy = [m.context for m in catalog if m.id and m.fuzzy and m.context is not None]
    translated = sum(1 for m in catalog if m.id and m.string)
    return Extracted(data, len(found), translated, fuzzy, len(catalog.obsolete))


def _comments(instrument_id: str) -> tuple[str, ...]:
    return (
        f"# Translation of the instrument {instrument_id}.",
        "# Made by qdef translate extract: translate each msgstr, then write the",
        "# translations back with qdef translate merge (docs/translating.md).",
    )


def _reference(path: Path, reference_dir: Path | None) -> str:
    if reference_dir is None:
        return path.as_posix()
    try:
        return Path(os.path.relpath(path.resolve(), reference_dir.resolve())).as_posix()
    except ValueError:  # another drive (Windows)
        return path.as_posix()


def merge(compiled: Compiled, text: str, po: PoFile, lang: str) -> Merged:
    """The instrument's YAML ``text`` with the translations of ``po`` into ``lang``.

    Written: each entry that is not fuzzy, has a translation, and whose ``msgid``
    is the instrument's source text as it is now, where the instrument's
    translation differs (or records another source: the translator kept it). The
    result is read back: :class:`TranslationError` names the PO entries whose
    translations would make the instrument invalid (nothing is written then).
    """
    document = compiled.document
    if document is None:
        raise ValueError("merge needs an instrument read from a file")
    instrument = compiled.instrument
    messages = po.by_context()
    layout: Layout | None = None  # read only if there is something to write
    fuzzy: list[str] = []
    stale: list[str] = []
    written: list[Entry] = []
    untranslated = 0
    for entry in translatable(instrument, document, lang):
        message = messages.pop(entry.context, None)
        if message is None or not message.string:
            untranslated += entry.translation is None
            continue
        if message.fuzzy:
            fuzzy.append(entry.context)
            continue
        if message.id != entry.source:
            stale.append(entry.context)
            continue
        string = str(message.string)
        now = source_hash(entry.source)
        if entry.translation == string and entry.recorded in (None, now):
            continue  # as it is (a translation written without a hash keeps none)
        layout = layout or Layout(text)
        if entry.translation == string:
            layout.set_source(entry.path, lang, now)  # kept by the translator: checked
        else:
            layout.set_translation(entry.path, instrument.language, lang, string, now)
        written.append(entry)
    if layout is None:
        return Merged(text, [], fuzzy, stale, sorted(messages), untranslated, False)
    added = layout.add_language(lang)
    new_text = layout.dumps()
    _check(new_text, document.path, lang, po, written)
    return Merged(
        new_text,
        [e.context for e in written],
        fuzzy,
        stale,
        sorted(messages),
        untranslated,
        added,
    )


def _check(text: str, path: Path, lang: str, po: PoFile, written: list[Entry]) -> None:
    """Read the merged instrument back: valid, and every text written as it was meant."""
    from qdef.pipeline import validate_document  # noqa: PLC0415
    from qdef.source.loader import parse  # noqa: PLC0415

    document, _ = parse(text, path)
    if document is None:
        raise MergeError("the merged instrument is not YAML qdef reads")
    result = validate_document(document, routing=False)
    messages = po.by_context()
    if result.compiled is None or not result.ok:
        # each error at (or after) the line of a text written, before the next: its entry
        starts = sorted((document.locate((*e.path, lang)).line, e.context) for e in written)
        found: list[tuple[int, str, str]] = []
        for problem in result.diagnostics:
            if problem.severity != "error":
                continue
            line = problem.span.line if problem.span else 0
            before = [context for start, context in starts if start <= line]
            if not before:
                raise MergeError(f"the merged instrument does not validate: {problem.message}")
            message = messages[before[-1]]
            found.append((message.lineno or 0, before[-1], problem.message))
        raise TranslationError(found)
    assert result.document is not None
    wanted = {e.context: messages[e.context].string for e in written}
    for entry in translatable(result.compiled.instrument, result.document, lang):
        if entry.context in wanted and entry.translation != wanted[entry.context]:
            raise MergeError(f"{entry.context}: the merged text does not read back as written")
