"""qdef: questionnaire definitions as typed YAML, validated, analysed and rendered.

>>> from qdef import load
>>> instrument = load("instruments/investitionspakt.yaml")  # doctest: +SKIP

The names below are the public API. They are imported lazily, so that
``import qdef`` stays cheap (no pydantic, ruamel or jsonschema until used).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from qdef.diagnostics import Diagnostic, QdefError, Span
    from qdef.model import Instrument
    from qdef.model.schema import json_schema
    from qdef.pipeline import compile, load, loads, validate
    from qdef.pipeline.compiled import Compiled
    from qdef.rendering import render
    from qdef.source.loader import Limits

_EXPORTS = {
    "compile": "qdef.pipeline",
    "Compiled": "qdef.pipeline.compiled",
    "load": "qdef.pipeline",
    "loads": "qdef.pipeline",
    "validate": "qdef.pipeline",
    "json_schema": "qdef.model.schema",
    "Limits": "qdef.source.loader",
    "render": "qdef.rendering",
    "Instrument": "qdef.model",
    "Diagnostic": "qdef.diagnostics",
    "QdefError": "qdef.diagnostics",
    "Span": "qdef.diagnostics",
}

__all__ = [
    "Compiled",
    "Diagnostic",
    "Instrument",
    "Limits",
    "QdefError",
    "Span",
    "__version__",
    "compile",
    "json_schema",
    "load",
    "loads",
    "render",
    "validate",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qdef' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
