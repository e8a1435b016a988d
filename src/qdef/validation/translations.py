"""Translations made from an older version of their source text (QD411).

``qdef translate merge`` writes a translation with the hash of the source text it
translates (``en: {text: …, source: 1a2b3c4d}``, :func:`qdef.model.texts.source_hash`).
The model hands renderers the text alone, so the hashes are read here from the
document's plain data, at the key path of each text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qdef.diagnostics import Code, Diagnostic
from qdef.model.texts import recorded_source, source_hash, texts

if TYPE_CHECKING:
    from qdef.model import Instrument
    from qdef.source.loader import Document
    from qdef.source.positions import KeyPath


def outdated(instrument: Instrument, document: Document) -> list[Diagnostic]:
    """A warning for each translation whose recorded source hash is not the hash of
    the source-language text it stands beside, in document order."""
    if not instrument.translations:
        return []
    language = instrument.language
    found: list[Diagnostic] = []
    for path, text in texts(instrument):
        if isinstance(text, str) or language not in text:
            continue
        written = at_path(document.data, path)
        if not isinstance(written, dict):
            continue
        now = source_hash(text[language])
        for lang in text:
            recorded = recorded_source(written.get(lang))
            if lang == language or recorded is None or recorded == now:
                continue
            found.append(
                Diagnostic(
                    Code.QD411,
                    f"the '{lang}' translation was made from another version of the "
                    f"{language} text (source {recorded}; the text's is now {now}): check "
                    f"it: qdef translate extract {document.path} --lang {lang} -o "
                    f"{lang}.po marks it fuzzy; then qdef translate merge",
                    document.locate((*path, lang)),
                    "warning",
                )
            )
    return found


def at_path(data: Any, path: KeyPath) -> Any:
    """The plain data at ``path`` (None if the path leads nowhere)."""
    for key in path:
        if isinstance(data, dict) and isinstance(key, str):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
        else:
            return None
    return data
