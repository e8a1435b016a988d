"""Translations written back into an instrument's YAML, its layout kept.

ruamel.yaml's round-trip mode reads the file into mappings and lists that
remember their comments, key order, quoting, flow or block style and the folds
of block scalars, and writes them back the same way; only the texts given a
translation change. The indentation is the file's own (guessed from it). A text
written as a plain string becomes a mapping with the instrument's language and
the translation; a translation is written with the hash of its source text:

```yaml
title:
  de: Eigene Räume
  en: {text: Rooms of its own, source: "5e1f0c2a"}
```

in a block mapping, and the same inline in a flow mapping (``{de: …, en: {…}}``).
A source written as a block scalar (``>-``) gets its translation in the same
style, folded at about the same width.
"""

from __future__ import annotations

import copy
import io
import re
from typing import TYPE_CHECKING, Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
)

if TYPE_CHECKING:
    from qdef.source.positions import KeyPath

#: Long enough that ruamel never wraps a line it writes again.
_NO_WRAP = 1 << 16
#: How long the lines of a folded translation are, at most (without indentation).
FOLD_WIDTH = 72


class Layout:
    """An instrument's YAML as ruamel's round-trip mode holds it, ready to be
    changed and written back."""

    def __init__(self, text: str) -> None:
        sequence, offset = _indents(text)
        self.yaml = YAML(typ="rt")
        self.yaml.preserve_quotes = True
        self.yaml.width = _NO_WRAP
        self.yaml.brace_single_entry_mapping_in_flow_sequence = True
        self.yaml.allow_unicode = True
        mapping = sequence - offset if sequence > offset else sequence
        self.yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        self.root: Any = self.yaml.load(text)

    def dumps(self) -> str:
        out = io.StringIO()
        self.yaml.dump(self.root, out)
        return out.getvalue()

    def at(self, path: KeyPath) -> Any:
        node = self.root
        for key in path:
            node = node[key]
        return node

    def set_translation(
        self, path: KeyPath, source_lang: str, lang: str, text: str, source: str
    ) -> None:
        """Make ``text`` the ``lang`` translation of the text at ``path``, recording the
        hash ``source`` of the text it translates."""
        parent = self.at(path[:-1])
        key = path[-1]
        node = parent[key]
        if isinstance(node, CommentedMap):
            original = node.get(source_lang)
            flow = bool(node.fa.flow_style())
            if lang in node and not flow:  # a translation replaced: what followed it stays
                taken = _take_trailing(node, lang)
                node[lang] = _translation(text, source, original, flow=flow)
                value = node[lang]
                if value.fa.flow_style():
                    token, eol, rest = taken
                    _put(node, lang, token, (eol or "\n") + rest)
                else:
                    _attach_trailing(value, taken, list(value)[-1])
            elif not flow and lang not in node and node:
                # what followed the last entry (blank lines, comments) follows the new one
                last = list(node)[-1]
                taken = _take_trailing(node, last)
                node[lang] = _translation(text, source, original, flow=flow)
                _attach_trailing(node, taken, last)
            else:
                node[lang] = _translation(text, source, original, flow=flow)
            return
        flow = _flow(parent)
        mapping = CommentedMap()
        mapping[source_lang] = node
        mapping[lang] = _translation(text, source, node, flow=flow)
        if flow:
            mapping.fa.set_flow_style()
        else:
            mapping.fa.set_block_style()
        if flow or not isinstance(parent, CommentedMap):
            parent[key] = mapping
            return
        taken = _take_trailing(parent, key)
        parent[key] = mapping
        _attach_trailing(mapping, taken, source_lang)

    def set_source(self, path: KeyPath, lang: str, source: str) -> bool:
        """Record ``source`` as the hash of the text the ``lang`` translation at ``path``
        translates (it was checked, and is right for the text as it is now)."""
        written = self.at(path).get(lang)
        if isinstance(written, CommentedMap) and "source" in written:
            written["source"] = DoubleQuotedScalarString(source)
            return True
        return False

    def add_language(self, lang: str) -> bool:
        """List ``lang`` in ``translations`` (made after ``language`` if missing); False
        if it is listed already."""
        listed = self.root.get("translations")
        if isinstance(listed, CommentedSeq):
            if lang in listed:
                return False
            listed.append(lang)
            return True
        new = CommentedSeq([lang])
        new.fa.set_flow_style()
        keys = list(self.root)
        where = keys.index("language") + 1 if "language" in keys else len(keys)
        self.root.insert(where, "translations", new)
        return True


def _block(value: Any) -> bool:
    return isinstance(value, FoldedScalarString | LiteralScalarString)


def _take_trailing(mapping: CommentedMap, key: Any) -> tuple[Any, str, str]:
    """What ruamel keeps after the value of ``key`` (an end-of-line comment, then blank
    lines and comment lines), taken away: the token, the end of the value's line (for a
    value that is not a block scalar: its comment and line break), and the rest."""
    slots = mapping.ca.items.get(key)
    if not slots or len(slots) < 3 or slots[2] is None:
        return None, "", ""
    token = slots[2]
    slots[2] = None
    value: str = token.value
    if _block(mapping[key]):
        return token, "", value
    eol, newline, rest = value.partition("\n")
    return token, eol + newline, rest


def _put(mapping: CommentedMap, key: Any, token: Any, value: str) -> None:
    """Make ``value`` what follows the value of ``key`` (a copy of ``token``, which
    ruamel places by its column); nothing if there was nothing."""
    if not value or token is None:
        return
    made = copy.copy(token)
    made.value = value
    mapping.ca.items.setdefault(key, [None, None, None, None])[2] = made


def _attach_trailing(mapping: CommentedMap, taken: tuple[Any, str, str], eol_key: Any) -> None:
    """Put what :func:`_take_trailing` took back into the block mapping ``mapping``
    that now holds the text: the end-of-line comment after the value of ``eol_key``,
    the rest after its last line (inside a block mapping: after its last entry)."""
    token, eol, rest = taken
    if token is None:
        return
    holder, key = mapping, list(mapping)[-1]
    while isinstance(holder[key], CommentedMap) and holder[key] and not _flow(holder[key]):
        holder, key = holder[key], list(holder[key])[-1]
    comment = eol if "#" in eol else ""
    if comment and (holder is not mapping or key != eol_key):
        _put(mapping, eol_key, token, comment)
        comment = ""
    if _block(holder[key]):  # a block scalar ends with its line: nothing may follow on it
        if comment:
            _put(mapping, eol_key, token, comment)  # (only if eol_key is not the block's)
        _put(holder, key, token, rest)
    else:
        _put(holder, key, token, (comment or "\n") + rest if comment or rest else "")


#: Texts written without quotes in a flow mapping: words, spaces and a few punctuation
#: marks that mean nothing there, not starting or ending with a space, and not a number,
#: true/false, yes/no, on/off or null to YAML 1.2 or 1.1 (ruamel would write more plain,
#: but readers differ on them).
_PLAIN = re.compile(r"[^\W\d_][\w .()/%–—-]*", re.UNICODE)
_NOT_TEXT = re.compile(r"(?i)(true|false|yes|no|on|off|y|n|null|~|[-+]?(\.?[0-9].*|\.inf|\.nan))")


def _plain_safe(text: str) -> bool:
    return (
        _PLAIN.fullmatch(text) is not None
        and not text.endswith((" ", "-"))
        and _NOT_TEXT.fullmatch(text) is None
    )


def _indents(text: str) -> tuple[int, int]:
    """How the file indents a block sequence under a key: the column of an item's
    content and of its dash, relative to the key (``sections:`` / ``  - id: …``: 4
    and 2). Read from the first such sequence (as ruamel's own guess does, without
    loading the file a second time); 2 and 0 if there is none."""
    key_indent: int | None = None
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        spaces = len(line) - len(stripped)
        if stripped.startswith("- ") and key_indent is not None and spaces >= key_indent:
            content = len(stripped) - len(stripped[1:].lstrip(" ")) + spaces
            return content - key_indent, spaces - key_indent
        bare_key = stripped.rstrip().endswith(":") and not stripped.startswith("- ")
        key_indent = spaces if bare_key else None
    return 2, 0


def _flow(node: Any) -> bool:
    return isinstance(node, CommentedMap | CommentedSeq) and bool(node.fa.flow_style())


def _translation(text: str, source: str, original: Any, *, flow: bool) -> CommentedMap:
    """``{text: …, source: "…"}``: inline (flow style), or, for a source written as a
    block scalar in a block mapping, as a block mapping with the text in its style."""
    value = CommentedMap()
    block = not flow and isinstance(original, FoldedScalarString | LiteralScalarString)
    if block and isinstance(original, LiteralScalarString):
        value["text"] = LiteralScalarString(text)
    elif block and "\n" not in text:
        value["text"] = _folded(text, _width(original))
    else:
        value["text"] = text if _plain_safe(text) else DoubleQuotedScalarString(text)
        block = False
    value["source"] = DoubleQuotedScalarString(source)
    if block:
        value.fa.set_block_style()
    else:
        value.fa.set_flow_style()
    return value


def _width(original: Any) -> int:
    """How long the lines of the folded ``original`` are, at most (or :data:`FOLD_WIDTH`)."""
    positions = getattr(original, "fold_pos", None)
    if not isinstance(original, FoldedScalarString) or not positions:
        return FOLD_WIDTH
    starts = [0, *(p + 1 for p in positions)]
    ends = [*positions, len(original)]
    longest: int = max(end - start for start, end in zip(starts, ends, strict=True))
    return max(FOLD_WIDTH // 2, longest)


def _folded(text: str, width: int = FOLD_WIDTH) -> FoldedScalarString:
    """``text`` as a folded block scalar, its lines at most ``width`` long where a single
    space between words allows a break."""
    folded = FoldedScalarString(text)
    positions: list[int] = []
    start = 0
    last_space = -1
    for i, char in enumerate(text):
        if char == " " and 0 < i < len(text) - 1 and text[i - 1] != " " and text[i + 1] != " ":
            last_space = i
        if i - start >= width and last_space > start:
            positions.append(last_space)
            start = last_space + 1
    folded.fold_pos = positions
    made: FoldedScalarString = folded
    return made
