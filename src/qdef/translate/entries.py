"""The translatable texts of an instrument, each with a context that names it.

A context is the text's key path written with ids and codes where the path
passes through a list whose items have them: ``title``,
``sections/ohne_im/title``, ``questions/im_eingesetzt/text``,
``questions/gruende_kein_im/options/nicht_bekannt/label``,
``questions/zufrieden/rules/0/message`` (a rule has neither, so its index). A
question's context starts at the question (``questions/ID``), not at its section:
moving a question to another section keeps its contexts, and so its
translations in a PO file. Ids are unique in an instrument and codes within their
list, so contexts are unique too (:func:`entries` checks it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qdef.model.texts import recorded_source, source_hash, texts
from qdef.validation.translations import at_path

if TYPE_CHECKING:
    from qdef.model import Instrument
    from qdef.source.loader import Document
    from qdef.source.positions import KeyPath


@dataclass(frozen=True, slots=True)
class Entry:
    """One translatable text of an instrument, and its translation into one language."""

    context: str
    """What names the text in a PO file (``msgctxt``): ``questions/q7/options/ja/label``."""
    path: KeyPath
    """The text's key path in the instrument (without the language)."""
    source: str
    """The text in the instrument's own language (``msgid``)."""
    translation: str | None
    """Its translation into the language asked for, if the instrument has one."""
    recorded: str | None
    """The source hash the translation records (``{text: …, source: HASH}``), if any."""
    line: int
    """The line of the source text in the instrument file."""

    @property
    def outdated(self) -> bool:
        """Whether the translation records a source other than the text's current one."""
        return self.recorded is not None and self.recorded != source_hash(self.source)


class ContextClashError(ValueError):
    """Two texts would have the same context (only in an instrument with errors)."""


def translatable(instrument: Instrument, document: Document, lang: str) -> list[Entry]:
    """Every text of ``instrument`` (valid, read from ``document``) with its
    translation into ``lang``, in document order."""
    found: list[Entry] = []
    seen: dict[str, KeyPath] = {}
    source_lang = instrument.language
    for path, text in texts(instrument):
        if isinstance(text, str):
            source, translation, recorded, at = text, None, None, path
        else:
            if source_lang not in text:  # QD309: an error, so not a valid instrument
                continue
            source, translation = text[source_lang], text.get(lang)
            written = at_path(document.data, (*path, lang))
            recorded = recorded_source(written)
            at = (*path, source_lang)
        name = context(instrument, path)
        if name in seen:
            raise ContextClashError(f"the texts at {seen[name]} and {path} are both named {name}")
        seen[name] = path
        found.append(Entry(name, path, source, translation, recorded, document.locate(at).line))
    return found


def context(instrument: Instrument, path: KeyPath) -> str:
    """The context of the text at ``path``: its key path with ids and codes for the
    items of lists, starting at the innermost question."""
    parts: list[str] = []
    node: Any = instrument
    for key in path:
        if isinstance(key, int):
            node = node[key]
            name = _name(node)
            if parts and parts[-1] == "questions" and name is not None:
                parts = ["questions"]  # a question's texts are named from the question
            parts.append(name if name is not None else str(key))
        else:
            node = getattr(node, key)
            parts.append(key)
    return "/".join(parts)


def _name(item: Any) -> str | None:
    """The id or code of a list's item, if it has one."""
    for attribute in ("id", "code"):
        value = getattr(item, attribute, None)
        if isinstance(value, str):
            return value
    return None
