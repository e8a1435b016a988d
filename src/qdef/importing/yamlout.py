"""An imported instrument as readable YAML: block style, the schema line, comments.

The text is what a person would have written: block style, keys in the order
docs/format.md writes them (``id``/``code``, then ``type``/``input``, then the
rest as the importer gave them), the ``# yaml-language-server: $schema=…`` line
first, and before each node a comment saying where in the source it came from
and what of the source is approximated or missing there — the same lines as the
import report, so that a reviewer reading the instrument sees them in place.

ruamel.yaml's round-trip emitter writes it (it quotes every string that needs
quoting, so an author's ``#`` or ``: `` in a text stays text); this module only
builds its commented tree and says at which column each comment goes.
"""

from __future__ import annotations

import io
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from qdef.importing.report import ImportResult, KeyPath, Loss, report_lines

#: The schema line's default target: the schema kept beside the instrument
#: (``qdef schema -o qdef-1.schema.json``, docs/format.md "Files").
DEFAULT_SCHEMA = "qdef-1.schema.json"

#: Keys written first in every mapping, in this order (as qdef's own dumper does).
HEAD = ("qdef", "id", "code", "type", "input")

WIDTH = 100
MAPPING_INDENT = 2
SEQUENCE_INDENT = 4
SEQUENCE_OFFSET = 2


def loss_comment(loss: Loss) -> str:
    """The comment a loss leaves where it happened."""
    return f"{loss.kind}: {loss.where}: {loss.what}: {loss.why}"


def comments(result: ImportResult) -> dict[KeyPath, list[str]]:
    """Every comment, by the key path of the node it stands before: the source
    notes first, then the losses (each at the nearest node that exists)."""
    placed: dict[KeyPath, list[str]] = {}
    for path, lines in result.notes.items():
        placed.setdefault(_anchor(result.document, path), []).extend(lines)
    for loss in result.losses:
        placed.setdefault(_anchor(result.document, loss.at), []).append(loss_comment(loss))
    return placed


def _anchor(document: Any, path: KeyPath) -> KeyPath:
    """Where a comment meant for ``path`` can stand: the nearest existing node, and
    for the first key of a list item, the item itself (a comment cannot stand
    between an item's dash and its first key)."""
    path = nearest(document, path)
    if len(path) >= 2 and isinstance(path[-1], str) and isinstance(path[-2], int):
        item = document
        for step in path[:-1]:
            item = item[step]
        if _ordered(item)[0] == path[-1]:
            return path[:-1]
    return path


def nearest(document: Any, path: KeyPath) -> KeyPath:
    """The longest prefix of ``path`` that names a node of ``document``."""
    node, found = document, 0
    for step in path:
        in_mapping = isinstance(node, Mapping) and isinstance(step, str) and step in node
        in_list = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if not (in_mapping or in_list):
            break
        node = node[step]
        found += 1
    return path[:found]


def dumps(result: ImportResult, *, schema: str = DEFAULT_SCHEMA) -> str:
    """The instrument of ``result`` as YAML text, with its schema line and comments."""
    from ruamel.yaml import YAML  # noqa: PLC0415

    placed = comments(result)
    tree = _commented(result.document, (), placed, column=0)
    header = [f"yaml-language-server: $schema={schema}", *_header(result, placed.get((), []))]
    tree.yaml_set_start_comment("\n".join(header))
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = WIDTH
    yaml.indent(mapping=MAPPING_INDENT, sequence=SEQUENCE_INDENT, offset=SEQUENCE_OFFSET)
    stream = io.StringIO()
    yaml.dump(tree, stream)
    return stream.getvalue()


def _header(result: ImportResult, top: list[str]) -> list[str]:
    """The lines after the schema line: where the instrument came from, its counts,
    and the comments about the survey as a whole (``top``)."""
    kind = {"limesurvey": "a LimeSurvey survey archive", "xlsform": "an XLSForm"}[result.kind]
    counts = result.counts()
    lines = [
        "",
        f"Imported by qdef import from {kind}: {_one_line(result.source)}",
        f"Questions: {counts['faithful']} faithful, {counts['approximated']} approximated, "
        f"{counts['left out']} left out; {len(report_lines(result))} report lines, each also "
        "written as a comment where it applies.",
    ]
    return _wrapped([*lines, *top])


def _commented(
    node: Any, path: KeyPath, placed: Mapping[KeyPath, list[str]], *, column: int
) -> Any:
    """ruamel's commented containers for ``node``; ``column`` is where its keys (a
    mapping) or its dashes (a sequence) start."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq  # noqa: PLC0415

    if isinstance(node, Mapping):
        mapping = CommentedMap()
        for key in _ordered(node):
            value = node[key]
            inner = column + (MAPPING_INDENT if isinstance(value, Mapping) else SEQUENCE_OFFSET)
            mapping[key] = _commented(value, (*path, key), placed, column=inner)
            lines = placed.get((*path, key))
            if lines and (*path, key) != ():
                mapping.yaml_set_comment_before_after_key(
                    key, before="\n".join(_wrapped(lines, column)), indent=column
                )
        return mapping
    if isinstance(node, list):
        sequence = CommentedSeq()
        for index, item in enumerate(node):
            # An item's keys start after its dash: "- " at column, keys at column + 2.
            sequence.append(_commented(item, (*path, index), placed, column=column + 2))
            lines = placed.get((*path, index))
            if lines:
                sequence.yaml_set_comment_before_after_key(
                    index, before="\n".join(_wrapped(lines, column)), indent=column
                )
        return sequence
    if isinstance(node, str) and _literal_block(node):
        from ruamel.yaml.scalarstring import LiteralScalarString  # noqa: PLC0415

        return LiteralScalarString(node)
    return node


def _literal_block(text: str) -> bool:
    """A text of several lines reads best as a literal block (``|``), as an author
    writes it — where the block gives back exactly the text: no spaces that YAML
    would take for indentation or trailing whitespace, nothing but printable
    characters and line breaks, no blank line at the end."""
    if "\n" not in text or text != text.strip(" \n") or text.endswith("\n"):
        return False
    lines = text.split("\n")
    return all(
        line == line.rstrip(" ") and (line.isprintable() or line == "") and "\t" not in line
        for line in lines
    ) and not any(line.startswith(" ") for line in lines)


def _ordered(mapping: Mapping[str, Any]) -> list[str]:
    head = [key for key in HEAD if key in mapping]
    return [*head, *(key for key in mapping if key not in HEAD)]


def _wrapped(lines: Iterable[str], column: int = 0) -> list[str]:
    """Comment lines (at ``column``) at most ``WIDTH`` wide where words allow, one
    source line never running into the next (continuations indented)."""
    out: list[str] = []
    for line in lines:
        out.extend(
            textwrap.wrap(
                _one_line(line),
                width=max(WIDTH - column - 2, 40),
                subsequent_indent="  ",
                break_long_words=False,
                break_on_hyphens=False,
            )
            or [""]
        )
    return out


def _one_line(text: str) -> str:
    """A comment line: line breaks and tabs as spaces, other characters that YAML does
    not allow in a comment (controls, surrogates, U+FEFF) as visible escapes — a line
    break would end the comment and start YAML."""
    return "".join(_comment_char(char) for char in text)


def _comment_char(char: str) -> str:
    if char in "\t\n\r\x85\u2028\u2029":
        return " "
    if unicodedata.category(char) in ("Cc", "Cs") or char in "\ufeff\ufffe\uffff":
        return f"\\u{ord(char):04x}"
    return char
