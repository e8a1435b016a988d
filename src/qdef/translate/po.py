"""PO files of an instrument's translations: made from its texts, updated as
``msgmerge`` updates them, read back for ``qdef translate merge``.

Babel reads and writes the entries (escaping, wrapping, flags, obsolete entries).
qdef writes the header itself — no creation date, no tool version — so that the
same instrument and PO file give the same bytes, and keeps what a translator's
tool (Poedit, Weblate) added to it. Babel reads the previous source text of a
fuzzy entry (``#| msgid``) as comments; :func:`_previous` takes it back out.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, escape, read_po, unescape, write_po

if TYPE_CHECKING:
    from collections.abc import Sequence

    from qdef.translate.entries import Entry

#: The width at which long strings are wrapped, as xgettext wraps them.
WIDTH = 79
#: The flag of an entry whose translation has to be checked.
FUZZY = "fuzzy"
#: What qdef sets in the header; any other field already there is kept.
_OWN_FIELDS = (
    "Project-Id-Version",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "X-Source-Language",
)
_QUOTED = re.compile(r'^"(.*)"$')


class PoError(ValueError):
    """A PO file qdef cannot read; ``line`` is 1-based (0: the file as a whole)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class PoFile:
    """A PO file as read: its header (comment lines and fields) and its entries."""

    comments: tuple[str, ...]
    """The header's comment lines, as written (with their ``#``)."""
    fields: tuple[tuple[str, str], ...]
    """The header's fields, in order."""
    catalog: Catalog
    """The entries (obsolete ones in ``catalog.obsolete``); each message's
    ``previous_id`` holds the previous source text of a fuzzy entry."""

    def field(self, name: str) -> str | None:
        for key, value in self.fields:
            if key.lower() == name.lower():
                return value
        return None

    def by_context(self) -> dict[str, Message]:
        """The current entries by context (entries without one are not qdef's)."""
        return {m.context: m for m in self.catalog if m.id and m.context is not None}


def parse(data: bytes) -> PoFile:
    """A PO file's bytes (UTF-8) read; :class:`PoError` says what is wrong and where."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PoError("the file is not UTF-8; save it as UTF-8", line) from None
    text = text.removeprefix("\ufeff")
    comments, fields = _header(text)
    try:
        catalog = read_po(io.StringIO(text), abort_invalid=True)
    except PoFileError as error:
        what = str(error).rsplit(" on ", 1)[0]
        raise PoError(f"{what}: {error.line}", error.lineno + 1) from None
    for message in [*catalog, *catalog.obsolete.values()]:
        _previous(message)
    return PoFile(comments, fields, catalog)


def _header(text: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The comment lines and fields of the header entry (``msgid ""``), read as written."""
    comments: list[str] = []
    lines = iter(text.splitlines())
    for line in lines:
        if line.startswith("#"):
            comments.append(line)
            continue
        if line.strip() != 'msgid ""':
            return (), ()  # no header entry first
        break
    else:
        return (), ()
    value: list[str] = []
    in_msgstr = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("msgstr"):
            in_msgstr = True
            stripped = stripped[len("msgstr") :].strip()
        found = _QUOTED.match(stripped)
        if not found:
            break
        if in_msgstr:
            value.append(unescape(stripped))
    fields = []
    for raw in "".join(value).split("\n"):
        name, colon, content = raw.partition(":")
        if colon and name.strip():
            fields.append((name.strip(), content.strip()))
    return tuple(comments), tuple(fields)


def _previous(message: Message) -> None:
    """Babel reads ``#| msgid "…"`` as user comments: make them the ``previous_id``."""
    previous: list[str] = []
    kept: list[str] = []
    active = False
    for comment in message.user_comments:
        if comment.startswith("|"):
            body = comment[1:].strip()
            if body.startswith("msgid "):
                active = True
                body = body[len("msgid ") :].strip()
            elif body.startswith(("msgctxt ", "msgid_plural ")):
                active = False
                continue
            if active and _QUOTED.match(body):
                previous.append(unescape(body))
            continue
        kept.append(comment)
    message.user_comments = kept
    message.previous_id = ["".join(previous)] if previous else []


def dumps(po: PoFile) -> bytes:
    """The PO file's bytes: the header, then every entry in the catalog's order, then
    the obsolete entries (Babel writes them, the previous source texts included)."""
    out = io.StringIO()
    for line in po.comments:
        out.write(line + "\n")
    out.write('msgid ""\nmsgstr ""\n')
    for name, value in po.fields:
        out.write(f"{escape(f'{name}: {value}' + chr(10))}\n")
    out.write("\n")
    body = io.BytesIO()
    write_po(body, po.catalog, width=WIDTH, omit_header=True, include_previous=True)
    return out.getvalue().encode("utf-8") + body.getvalue().rstrip(b"\n") + b"\n"


def header_fields(
    old: Sequence[tuple[str, str]], project: str, lang: str, source_lang: str
) -> tuple[tuple[str, str], ...]:
    """qdef's header fields, then those of ``old`` that are not qdef's (a translator's
    name, a tool's, the plural forms), in their order."""
    own = {
        "Project-Id-Version": project,
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Source-Language": source_lang,
    }
    lowered = {name.lower() for name in _OWN_FIELDS}
    return (
        *own.items(),
        *((name, value) for name, value in old if name.lower() not in lowered),
    )


def update(entries: Sequence[Entry], old: PoFile | None, reference: str) -> Catalog:
    """The entries as a catalog, updated from ``old`` as msgmerge updates a PO file
    from a new template.

    - An entry takes the instrument's translation, or, where the instrument has
      none, the one ``old`` has (a translation not merged yet is kept).
    - An entry whose source text is not the one ``old`` has for its context is
      fuzzy, with the old source text kept (``#| msgid``) for the translator to
      compare; so is one whose translation records another source (QD411).
    - A fuzzy entry of ``old`` stays fuzzy until a translator clears the flag.
    - Entries of ``old`` whose context is gone become obsolete (``#~``), and an
      obsolete entry whose context is back is used again.
    """
    catalog = Catalog(fuzzy=False)
    before: dict[str, Message] = {}
    if old is not None:
        before = {m.context: m for m in old.catalog.obsolete.values() if m.context is not None}
        before.update(old.by_context())
    for entry in entries:
        was = before.pop(entry.context, None)
        string = entry.translation or (was.string if was is not None else "") or ""
        fuzzy = entry.outdated
        previous: list[str] = []
        comments: list[str] = []
        if was is not None:
            if was.id != entry.source:
                fuzzy = True
                previous = list(was.previous_id) or [str(was.id)]
            elif was.fuzzy:
                fuzzy = True
                previous = list(was.previous_id)
            comments = list(was.user_comments)
        if entry.outdated:
            comments_auto = [
                "The source text changed since this was translated: check the translation."
            ]
        else:
            comments_auto = []
        catalog.add(
            entry.source,
            string if isinstance(string, str) else str(string),
            locations=[(reference, entry.line)],
            flags=[FUZZY] if fuzzy and string else [],
            auto_comments=comments_auto,
            user_comments=comments,
            previous_id=previous if fuzzy and string else [],
            context=entry.context,
        )
    for context, message in before.items():  # in the old file's order
        message.locations = []
        catalog.obsolete[(str(message.id), context)] = message
    return catalog
