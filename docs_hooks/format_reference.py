"""The format reference page, generated from the published JSON Schema.

``reference_page(schema)`` turns the schema into Markdown: one section per object
type (the instrument itself, then every definition in ``$defs``, in the order a
reader meets them), and per type a table of its keys with their type, whether
they are required, their default, the values allowed (const, enum, pattern,
lengths, bounds, sizes) and the schema's description. Nothing is written twice:
the page is rebuilt from the schema on every site build, and a schema keyword
this module has no rule for stops the build instead of being left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

ROOT = "Instrument"
REF_PREFIX = "#/$defs/"

#: Keywords of a property's schema that say what it is documented as (not its value).
_ANNOTATIONS = {"description", "default", "title"}


class SchemaReferenceError(Exception):
    """The schema uses something this generator cannot document; extend it."""


@dataclass(frozen=True, slots=True)
class Row:
    """One key of an object type, as the reference shows it."""

    key: str
    type: str
    required: bool
    default: str
    allowed: str
    description: str


@dataclass(frozen=True, slots=True)
class ObjectType:
    """An object of the format: the instrument, or a definition of the schema."""

    name: str
    description: str
    tag: str  # e.g. "type: single" for a member of a tagged union, else ""
    rows: tuple[Row, ...]


def anchor(name: str) -> str:
    return name.lower()


def code(value: str) -> str:
    """``value`` as a Markdown code span, whatever backticks it holds."""
    fence = "`"
    while fence in value:
        fence += "`"
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _literal(value: Any) -> str:
    """A value as YAML users write it: `single`, `1`, `false`, `[]`."""
    if isinstance(value, str):
        return code(value)
    return code(json.dumps(value, ensure_ascii=False))


def _ref_name(ref: str) -> str:
    if not ref.startswith(REF_PREFIX):
        raise SchemaReferenceError(f"cannot document the reference {ref!r}")
    return ref[len(REF_PREFIX) :]


def _link(name: str) -> str:
    return f"[{name}](#{anchor(name)})"


@dataclass(frozen=True, slots=True)
class _Shape:
    type: str
    allowed: tuple[str, ...]


_HANDLED = {
    "$ref",
    "type",
    "const",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "items",
    "anyOf",
    "oneOf",
    "discriminator",
    "patternProperties",
    "additionalProperties",
    "minProperties",
    "maxProperties",
}


_UNITS = {"character": "characters", "item": "items", "entry": "entries"}


def _range(low: Any, high: Any, unit: str) -> list[str]:
    """`1–64 characters`, `at least 1 item`, `at most 3 entries` …"""
    plural = _UNITS[unit]
    if low is not None and high is not None:
        return [f"{low}–{high} {plural}"]
    for words, value in (("at least", low), ("at most", high)):
        if value is not None:
            return [f"{words} {value} {unit if value == 1 else plural}"]
    return []


def _bounds(node: dict[str, Any]) -> list[str]:
    parts = []
    for keyword, sign in (
        ("minimum", "≥"),
        ("exclusiveMinimum", ">"),
        ("maximum", "≤"),
        ("exclusiveMaximum", "<"),
    ):
        if keyword in node:
            parts.append(f"{sign} {node[keyword]}")
    return [" and ".join(parts)] if parts else []


def _shape(node: dict[str, Any], where: str) -> _Shape:
    """What a (sub)schema allows: its type in words and the constraints on it."""
    unknown = set(node) - _HANDLED - _ANNOTATIONS
    if unknown:
        raise SchemaReferenceError(
            f"{where}: no rule to document {', '.join(sorted(unknown))}; "
            "extend docs_hooks/format_reference.py"
        )
    if "properties" in node:
        raise SchemaReferenceError(f"{where}: an inline object type; give it a definition")
    if "$ref" in node:
        return _Shape(_link(_ref_name(node["$ref"])), ())
    alternatives = node.get("anyOf") or node.get("oneOf")
    if alternatives is not None:
        return _alternatives(node, alternatives, where)
    if "const" in node:
        return _Shape(_literal(node["const"]), ())
    kind = node.get("type")
    allowed: list[str] = []
    if "enum" in node:
        allowed.append("one of " + ", ".join(_literal(v) for v in node["enum"]))
    if kind == "string":
        allowed += _range(node.get("minLength"), node.get("maxLength"), "character")
        if "pattern" in node:
            allowed.append("matches " + code(node["pattern"]))
        return _Shape("string", tuple(allowed))
    if kind in ("integer", "number"):
        return _Shape(kind, tuple(allowed + _bounds(node)))
    if kind in ("boolean", "null"):
        return _Shape(kind, tuple(allowed))
    if kind == "array":
        items = _shape(node.get("items", {}), f"{where}[]")
        allowed += _range(node.get("minItems"), node.get("maxItems"), "item")
        if node.get("uniqueItems"):
            allowed.append("no item twice")
        if items.allowed:
            allowed.append("each item: " + ", ".join(items.allowed))
        if items.type.startswith("one of"):
            return _Shape(f"list, each item {items.type}", tuple(allowed))
        inner = f"({items.type})" if " or " in items.type else items.type
        return _Shape(f"list of {inner}", tuple(allowed))
    if kind == "object":
        return _mapping(node, where)
    raise SchemaReferenceError(f"{where}: cannot document the type {kind!r}")


def _alternatives(node: dict[str, Any], alternatives: list[Any], where: str) -> _Shape:
    shapes = [_shape(alt, f"{where}|{i}") for i, alt in enumerate(alternatives)]
    discriminator = node.get("discriminator")
    if discriminator is not None:
        tag_of = {_ref_name(ref): tag for tag, ref in discriminator["mapping"].items()}
        names = [s.type for s in shapes]
        if sorted(tag_of) != sorted(_ref_name(alt.get("$ref", "")) for alt in alternatives):
            raise SchemaReferenceError(f"{where}: the discriminator does not match the types")
        tags = ", ".join(
            f"{code(tag_of[_ref_name(alt['$ref'])])} → {name}"
            for alt, name in zip(alternatives, names, strict=True)
        )
        return _Shape(f"one of, by {code(discriminator['propertyName'])}: {tags}", ())
    shown = [s for s in shapes if s.type != "null"]
    nullable = len(shown) < len(shapes)
    kind = " or ".join(s.type for s in shown) + (" or null" if nullable else "")
    allowed: list[str] = []
    for shape in shown:
        if not shape.allowed:
            continue
        prefix = f"{shape.type}: " if len(shown) > 1 else ""
        allowed.append(prefix + ", ".join(shape.allowed))
    return _Shape(kind, tuple(allowed))


def _mapping(node: dict[str, Any], where: str) -> _Shape:
    extra = node.get("additionalProperties", True)
    patterns = node.get("patternProperties", {})
    if extra is not False and not isinstance(extra, bool):
        raise SchemaReferenceError(f"{where}: cannot document additionalProperties schemas")
    if len(patterns) != 1 or extra is not False:
        raise SchemaReferenceError(f"{where}: only mappings with one key pattern are documented")
    ((pattern, values),) = patterns.items()
    value = _shape(values, f"{where}{{}}")
    allowed = [f"keys match {code(pattern)}"]
    allowed += _range(node.get("minProperties"), node.get("maxProperties"), "entry")
    if value.allowed:
        allowed.append("each value: " + ", ".join(value.allowed))
    return _Shape(f"mapping of {value.type}", tuple(allowed))


def _row(key: str, node: dict[str, Any], required: bool, where: str) -> Row:
    shape = _shape(node, where)
    default = "—"
    if "default" in node and node["default"] is not None:
        default = _literal(node["default"])
    return Row(
        key=key,
        type=shape.type,
        required=required,
        default=default,
        allowed="; ".join(shape.allowed) or "—",
        description=node.get("description", "—"),
    )


_OBJECT_KEYWORDS = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "description",
    "title",
}


def _object_type(name: str, node: dict[str, Any]) -> ObjectType:
    unknown = set(node) - _OBJECT_KEYWORDS
    if unknown:
        raise SchemaReferenceError(
            f"{name}: no rule to document {', '.join(sorted(unknown))}; "
            "extend docs_hooks/format_reference.py"
        )
    if node.get("type") != "object" or "properties" not in node:
        raise SchemaReferenceError(f"{name}: only object types can be documented")
    if node.get("additionalProperties") is not False:
        raise SchemaReferenceError(f"{name}: cannot document an object open to other keys")
    required = set(node.get("required", ()))
    rows = tuple(
        _row(key, sub, key in required, f"{name}.{key}")
        for key, sub in sorted(node["properties"].items(), key=lambda kv: _order(kv, required))
    )
    tag = ""
    for key, sub in node["properties"].items():
        if "const" in sub and key in required and isinstance(sub["const"], str):
            tag = f"{key}: {sub['const']}"
    return ObjectType(name, node.get("description", ""), tag, rows)


def _order(item: tuple[str, Any], required: set[str]) -> tuple[int, str]:
    """Required keys first, then the others, each alphabetically."""
    return (0 if item[0] in required else 1, item[0])


def _references(node: Any) -> list[str]:
    """The definitions a (sub)schema names, in document order."""
    if isinstance(node, dict):
        found = [_ref_name(node["$ref"])] if "$ref" in node else []
        for key, value in node.items():
            if key != "discriminator":
                found += _references(value)
        return found
    if isinstance(node, list):
        return [name for item in node for name in _references(item)]
    return []


def object_types(schema: dict[str, Any]) -> list[ObjectType]:
    """The instrument, then every definition in the order a reader meets them
    (breadth first from the instrument; unreferenced definitions last, by name)."""
    definitions: dict[str, Any] = schema.get("$defs", {})
    root = {k: v for k, v in schema.items() if k not in ("$defs", "$schema", "$id", "title")}
    order: list[str] = []
    queue = _references(schema.get("properties", {}))
    while queue:
        name = queue.pop(0)
        if name in order:
            continue
        if name not in definitions:
            raise SchemaReferenceError(f"the schema names {name!r} but does not define it")
        order.append(name)
        queue += _references(definitions[name].get("properties", {}))
    order += sorted(set(definitions) - set(order))
    return [_object_type(ROOT, root)] + [_object_type(n, definitions[n]) for n in order]


def _cell(text: str) -> str:
    """Text for a table cell: no line breaks, and a | outside code spans escaped."""
    text = " ".join(text.split())
    out, in_code = [], False
    for char in text:
        if char == "`":
            in_code = not in_code
        out.append("\\|" if char == "|" and not in_code else char)
    return "".join(out)


def table(kind: ObjectType) -> str:
    lines = [
        "| Key | Type | Required | Default | Allowed values | Description |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in kind.rows:
        cells = (
            code(row.key),
            row.type,
            "**required**" if row.required else "optional",
            row.default,
            row.allowed,
            row.description,
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def reference_page(schema: dict[str, Any]) -> str:
    """The Markdown of the format reference page."""
    kinds = object_types(schema)
    out = [
        "# Format reference",
        "",
        "Every key of the qdef instrument format, generated from its JSON Schema "
        f"({code(str(schema.get('$id', '')))}, {code(str(schema.get('$schema', '')))}) "
        "by `docs_hooks/generate.py` — the same schema `qdef schema` prints and editors "
        "use for completion. The [format guide](format.md) explains the keys with "
        "examples; [diagnostics](diagnostics.md) lists what `qdef validate` "
        "reports beyond the schema (semantic checks and conditions).",
        "",
        "A key that is not listed is an error (QD201). *Allowed values* are the "
        "schema's own constraints: a pattern is a regular expression the whole value "
        "must match; a *mapping* is a text given per language (see "
        "[texts and translations](format.md#texts-and-translations)).",
        "",
        "Object types: " + " · ".join(_link(k.name) for k in kinds),
        "",
    ]
    for kind in kinds:
        # A plain heading: its anchor is the lowercased name on GitHub and in the site.
        out += [f"## {kind.name}", ""]
        if kind.tag:
            out += [f"With {code(kind.tag)}.", ""]
        if kind.description:
            out += [kind.description, ""]
        out += [table(kind), ""]
    return "\n".join(out)
