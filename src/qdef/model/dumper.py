"""Writing an instrument back as YAML: keys in model order, defaults left out."""

from __future__ import annotations

import io
from typing import Any

from qdef.model import Instrument


def to_data(instrument: Instrument) -> dict[str, Any]:
    """Plain data (JSON-compatible) of an instrument, without default values."""
    data: dict[str, Any] = instrument.model_dump(mode="json", exclude_defaults=True)
    data["qdef"] = instrument.qdef  # the format version is always written
    ordered: dict[str, Any] = _tags_first({"qdef": data.pop("qdef"), **data})
    return ordered


def _tags_first(node: Any) -> Any:
    """Put ``id``/``code`` and then ``type``/``input`` first, as people write them."""
    if isinstance(node, list):
        return [_tags_first(item) for item in node]
    if not isinstance(node, dict):
        return node
    head = [k for k in ("qdef", "id", "code", "type", "input") if k in node]
    return {k: _tags_first(node[k]) for k in [*head, *(k for k in node if k not in head)]}


def dumps(instrument: Instrument) -> str:
    """YAML text that :func:`qdef.loads` reads back as an equal instrument."""
    from ruamel.yaml import YAML  # noqa: PLC0415

    yaml = YAML(typ="safe", pure=False)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 100
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    stream = io.StringIO()
    yaml.dump(to_data(instrument), stream)
    return stream.getvalue()
