"""The model's field documentation (the docstring under each field), read when first needed.

A field's docstring is its documentation: the JSON Schema's ``description``
(:mod:`qdef.model.schema`) and the reminder in a message about the field
(:mod:`qdef.validation.modelerrors`). pydantic can read them itself
(``use_attribute_docstrings``), but does so for every class as it is
defined — locating each class's source costs 0.05 s of a start-up that
needs none of it when a file is valid. :func:`document` reads them instead:
once per process, one parse per module, and only when asked — by the
messages, and before pydantic builds a core schema (the JSON Schema is made
from it), so that the result is the same as pydantic's, description for
description (``tests/test_startup.py``).
"""

from __future__ import annotations

import ast
import inspect
import sys

from pydantic import BaseModel

#: The classes documented so far, and the docstrings read, by module.
_documented: set[type[BaseModel]] = set()
_sources: dict[str, dict[str, dict[str, str]]] = {}


def document(root: type[BaseModel]) -> None:
    """Give every field of ``root`` and its subclasses (the model: :class:`qdef.model.Node`)
    its docstring as ``description`` (each class once per process; a class defined
    later is documented on the next call)."""
    for cls in subclasses(root):
        if cls not in _documented:
            _document(cls, _sources)
            _documented.add(cls)


def subclasses(root: type[BaseModel]) -> list[type[BaseModel]]:
    """``root`` and its subclasses, each after all of its bases."""
    ordered: list[type[BaseModel]] = []
    seen: set[type[BaseModel]] = set()

    def visit(cls: type[BaseModel]) -> None:
        if cls in seen:
            return
        for base in cls.__bases__:
            if isinstance(base, type) and issubclass(base, root):
                visit(base)
        seen.add(cls)
        ordered.append(cls)
        for sub in cls.__subclasses__():
            visit(sub)

    visit(root)
    return ordered


def _document(cls: type[BaseModel], sources: dict[str, dict[str, dict[str, str]]]) -> None:
    """As pydantic's ``use_attribute_docstrings`` does: a field annotated in the class
    takes the docstring below it there; an inherited one keeps the documentation it
    has in the first base (in the order of ``cls.__bases__``) that has the field."""
    module = cls.__module__
    if module not in sources:
        sources[module] = _module_docs(module)
    own = sources[module].get(cls.__qualname__, {})
    annotated = inspect.get_annotations(cls)  # the class's own (only their names count)
    for name, info in cls.model_fields.items():
        if info.description is not None:
            continue
        if name in annotated:
            info.description = own.get(name)
            continue
        for base in cls.__bases__:
            fields = base.model_fields if issubclass(base, BaseModel) else {}
            inherited = fields.get(name)
            if inherited is not None:
                info.description = inherited.description
                break


def _module_docs(module: str) -> dict[str, dict[str, str]]:
    """The field docstrings of the module's top-level classes, by class name."""
    try:
        source = inspect.getsource(sys.modules[module])
    except (KeyError, OSError, TypeError):  # no source (a frozen or stripped install)
        return {}
    docs = {}
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.ClassDef):
            docs[statement.name] = _class_docs(statement)
    return docs


def _class_docs(node: ast.ClassDef) -> dict[str, str]:
    """A string statement right after an annotated name documents that name (as pydantic
    reads it: cleaned with :func:`inspect.cleandoc`, nested classes and functions
    skipped)."""
    docs = {}
    target: str | None = None
    previous: ast.stmt | None = None
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            target = statement.target.id
        elif (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
            and isinstance(previous, ast.AnnAssign)
        ):
            if target:
                docs[target] = inspect.cleandoc(statement.value.value)
            target = None
        previous = statement
    return docs
