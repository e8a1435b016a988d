"""The published JSON Schema (Draft 2020-12) of the qdef format, generated from the model.

The committed file ``qdef-1.schema.json`` beside this module is what editors
and other tools use; ``tests/test_schema.py`` fails when it is stale.
Regenerate it with ``qdef schema -o src/qdef/model/schema/qdef-1.schema.json``.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

SCHEMA_ID = "urn:qdef:schema:qdef-1"
SCHEMA_FILE = "qdef-1.schema.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _clean(node: Any, *, in_properties: bool = False) -> Any:
    """Drop pydantic's per-field titles, close language mappings, tidy docs."""
    if isinstance(node, list):
        return [_clean(item) for item in node]
    if not isinstance(node, dict):
        return node.replace("``", "`") if isinstance(node, str) else node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key == "title" and in_properties:
            continue
        if key == "properties" and isinstance(value, dict):
            result[key] = {name: _clean(sub, in_properties=True) for name, sub in value.items()}
        else:
            result[key] = _clean(value)
    if "patternProperties" in result and "properties" not in result:
        # pydantic checks mapping keys against the pattern; say so in the schema too
        result.setdefault("additionalProperties", False)
    return result


def generate() -> dict[str, Any]:
    """The JSON Schema of the format, as a dict (deterministic)."""
    from qdef.model import Instrument  # noqa: PLC0415

    raw = Instrument.model_json_schema(mode="validation")
    schema = _clean(raw)
    head = {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "qdef instrument (format version 1)",
        "description": (
            "A questionnaire definition: metadata, sections, questions, options, matrices "
            "and skip logic. See docs/format.md."
        ),
    }
    body = {k: v for k, v in schema.items() if k not in ("title", "description")}
    return {**head, **body}


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def published_text() -> str:
    """The committed schema file's text."""
    return (resources.files(__package__) / SCHEMA_FILE).read_text(encoding="utf-8")


def published() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(published_text())
    return result


def validator(schema: dict[str, Any] | None = None) -> Any:
    """A jsonschema Draft 2020-12 validator for the published schema.

    JSON Schema patterns are ECMA-262 regular expressions, where ``$`` matches
    only at the very end. Python's ``re`` also lets ``$`` match before a final
    newline, so the ``pattern`` keyword here anchors with ``\\Z`` instead: the
    standard's meaning, and the one the model (pydantic's Rust regex) has.
    """
    import re  # noqa: PLC0415

    import jsonschema  # noqa: PLC0415
    from jsonschema import ValidationError  # noqa: PLC0415

    def pattern(_validator: Any, regex: str, instance: Any, _schema: Any) -> Any:
        if not isinstance(instance, str):
            return
        anchored = (
            regex[:-1] + r"\Z" if regex.endswith("$") and not regex.endswith("\\$") else regex
        )
        if re.search(anchored, instance) is None:
            yield ValidationError(f"{instance!r} does not match {regex!r}")

    base = jsonschema.Draft202012Validator
    cls = jsonschema.validators.extend(base, {"pattern": pattern})  # type: ignore[no-untyped-call]
    return cls(schema if schema is not None else published())


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of the instrument format."""
    return published()
