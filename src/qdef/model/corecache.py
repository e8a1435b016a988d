"""The instrument's validator, built once per installation and kept in a cache file.

pydantic builds a model's validator in two steps: Python code works out the
*core schema* (a tree of plain dicts naming the model classes and a few
validator functions) from the classes' annotations, and pydantic-core
compiles it (a millisecond or two). For the instrument's thirty-odd classes
the first step, with pydantic's search for validator plugins, cost about
0.03 s of every ``qdef`` process (``docs/design.md``, "Start-up"). The core schema depends only on
the model's source and on the versions of Python, pydantic and
pydantic-core, so qdef keeps it in a file after the first run and, on
later runs, hands it straight to pydantic-core (:func:`validator`).

The file is JSON, never pickle: loading it runs no code. What it may name
beyond plain data is limited to the model's own classes and the functions
defined in the modules that define them (:func:`decode`); a file naming anything
else is ignored. Its key (:func:`key`) holds the versions and a hash of the
source of every module that defines a model class, so a changed model or a new pydantic
never meets an old file: the key differs, the file is ignored, and a new one
written. A model module edited after this process imported it (an editable
install, a long-running process) keys nothing: this process's classes are not
the source's, so it neither reads nor writes a file (:func:`stamps`).
A missing, unreadable, corrupt or foreign file is the same as none
(the validator is built the ordinary way, and the file rewritten); a file
that another user could have written (not ours, or writable by group or
others) is not read. Writes are atomic (a temporary file renamed over the
old one), so concurrent runs see a whole file or none. The file is safe to
delete at any time; files of other versions, and temporary files of a killed
writer, are deleted once unused for a month (:func:`prune`).

Where: ``$QDEF_CACHE_DIR`` if set (set it empty to keep no cache), else
``$XDG_CACHE_HOME/qdef`` or ``~/.cache/qdef`` (``%LOCALAPPDATA%\\qdef`` on
Windows).

The validator so made is pydantic-core's own, built from the same core
schema pydantic makes (less its ``metadata``, which only the JSON Schema
reads), so it accepts, rejects and reports exactly as pydantic's
(``tests/test_startup.py``). pydantic's validator plugins (entry points of
the group ``pydantic``, which qdef does not use) are not applied to it:
finding them reads the metadata of every installed distribution.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import stat
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic_core import SchemaValidator

    from qdef.model.base import Node

#: The cache file's format; part of the key.
FORMAT = 1
#: The marker of an encoded reference or tuple: ``{"$qdef": [kind, value]}``.
MARKER = "$qdef"
#: Cache files of other versions are deleted when not written for this many days.
PRUNE_DAYS = 30
#: What ``$QDEF_CACHE_DIR`` overrides.
ENVIRONMENT = "QDEF_CACHE_DIR"
#: How the names of the temporary files :func:`store` writes begin.
_TEMPORARY = ".tmp-"


class CacheError(ValueError):
    """A cache file, or a core schema, that cannot be used (the validator is built the
    ordinary way instead)."""


def cache_dir() -> Path | None:
    """Where the cache files are kept, or None for no cache (``QDEF_CACHE_DIR=""``, or
    no home directory to keep it in: no ``$HOME`` and a user the system does not know,
    as in a container run with a made-up user id)."""
    chosen = os.environ.get(ENVIRONMENT)
    if chosen is not None:
        return Path(chosen) if chosen else None
    try:
        if sys.platform == "win32":  # pragma: no cover - not tested on Windows
            base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
            return Path(base) / "qdef"
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    except (RuntimeError, KeyError):  # no home directory
        return None
    return Path(base) / "qdef"


def stamps(model: type[Node]) -> dict[str, tuple[int, int]]:
    """The size and modification time (ns) of every module file :func:`key` hashes, as
    taken when the model is imported: :func:`key` refuses a file that has changed since."""
    stamped = {}
    for name in _model_modules(model):
        path = getattr(sys.modules.get(name), "__file__", None)
        with contextlib.suppress(OSError, TypeError):
            status = os.stat(path)  # type: ignore[arg-type]
            stamped[name] = (status.st_size, status.st_mtime_ns)
    return stamped


def _model_modules(model: type[Node]) -> list[str]:
    """The modules that define ``model`` and every model class (without importing
    :mod:`qdef.model.docs`: this runs as the model is imported; :func:`decode` names
    nothing outside them)."""
    from qdef.model.base import Node  # noqa: PLC0415

    modules = {model.__module__}
    classes: list[type] = [Node]
    while classes:
        cls = classes.pop()
        modules.add(cls.__module__)
        classes.extend(cls.__subclasses__())
    return sorted(modules)


def key(model: type[Node], imported: dict[str, tuple[int, int]] | None = None) -> str:
    """What a cache file for ``model`` must have been made with: the versions of the
    format, qdef, Python, pydantic and pydantic-core, and the size and SHA-256 of every
    module that defines one of the model's classes (one line each). With ``imported``
    (:func:`stamps` taken at import), raises :class:`CacheError` when a module's file
    is not the one imported any more: the classes in memory are not what it says."""
    import hashlib  # noqa: PLC0415 - imported by pydantic already (pydantic.types)

    import pydantic_core  # noqa: PLC0415
    from pydantic.version import VERSION  # noqa: PLC0415

    # The package qdef is imported before any of its modules (its version is there).
    qdef_version = getattr(sys.modules.get("qdef"), "__version__", "")
    parts = [f"format {FORMAT}", f"qdef {qdef_version}", f"python {sys.version}"]
    parts += [f"pydantic {VERSION}", f"pydantic-core {pydantic_core.__version__}"]
    for name in _model_modules(model):
        # a module stamped at import must be unchanged (one defined later is not checked)
        source = _module_bytes(name, None if imported is None else imported.get(name))
        parts.append(f"{name} {len(source)} {hashlib.sha256(source).hexdigest()}")
    return "\n".join(parts)


def _module_bytes(name: str, imported: tuple[int, int] | None) -> bytes:
    path = getattr(sys.modules.get(name), "__file__", None)
    if path is None:
        raise CacheError(f"module {name} has no file to key the cache on")
    with open(path, "rb") as file:
        status = os.fstat(file.fileno())
        if imported is not None and imported != (status.st_size, status.st_mtime_ns):
            raise CacheError(f"{path} has changed since it was imported")
        return file.read()


def path_for(model: type[Node], directory: Path, expected: str) -> Path:
    """The cache file of ``model`` under the key ``expected`` (named after both, so that
    installations of different versions that share a cache directory keep one each)."""
    import hashlib  # noqa: PLC0415

    return directory / f"{_stem(model)}{hashlib.sha256(expected.encode()).hexdigest()[:16]}.json"


def _stem(model: type[Node]) -> str:
    return f"{model.__name__.lower()}-core-schema-"


def prune(model: type[Node], directory: Path, keep: Path, days: float = PRUNE_DAYS) -> None:
    """Delete ``model``'s cache files other than ``keep`` not written for ``days``: those
    of earlier versions (a file in use elsewhere is written again there, if deleted),
    and temporary files a process killed while writing left behind (:func:`store`)."""
    limit = time.time() - days * 86400
    for old in [*directory.glob(f"{_stem(model)}*.json"), *directory.glob(f"{_TEMPORARY}*.json")]:
        with contextlib.suppress(OSError):
            if old != keep and old.stat().st_mtime < limit:
                old.unlink()


# ------------------------------------------------------------------------------ encoding


def encode(node: Any) -> Any:
    """The core schema as JSON data: metadata dropped, classes and functions by name,
    tuples marked. Raises :class:`CacheError` for anything else."""
    if isinstance(node, dict):
        if MARKER in node:
            raise CacheError(f"the core schema uses the key {MARKER!r}")
        is_schema = isinstance(node.get("type"), str)
        result = {}
        for name, value in node.items():
            if not isinstance(name, str):
                raise CacheError(f"a key that is not a string: {name!r}")
            if is_schema and name == "metadata":
                continue
            result[name] = encode(value)
        return result
    if isinstance(node, list):
        return [encode(item) for item in node]
    if isinstance(node, tuple):
        return {MARKER: ["tuple", [encode(item) for item in node]]}
    if node is None or isinstance(node, str | bool | int):
        return node
    if isinstance(node, float):
        if not math.isfinite(node):
            raise CacheError("a number JSON cannot hold")
        return node
    if isinstance(node, type):
        return {MARKER: ["class", _name_of(node)]}
    if callable(node) and getattr(node, "__qualname__", "").isidentifier():
        return {MARKER: ["function", _name_of(node)]}
    raise CacheError(f"cannot keep {type(node).__name__} in the cache")


def _name_of(thing: Any) -> str:
    name = f"{thing.__module__}:{thing.__qualname__}"
    if _resolve(name, function=not isinstance(thing, type)) is not thing:
        raise CacheError(f"{name} cannot be found again by its name")
    return name


def decode(node: Any) -> Any:
    """The core schema from its JSON data (:func:`encode`'s inverse). Raises
    :class:`CacheError` for a name that is not a model class or a function of a model
    module."""
    from qdef.model.base import Node  # noqa: PLC0415

    modules = set(_model_modules(Node))

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if MARKER in node:
                kind, value = _marked(node)
                if kind == "tuple":
                    return tuple(walk(item) for item in value)
                return _resolve(value, function=kind == "function", modules=modules)
            return {name: walk(value) for name, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(node)


def _marked(node: dict[str, Any]) -> tuple[str, Any]:
    marked = node[MARKER]
    if (
        len(node) != 1
        or not isinstance(marked, list)
        or len(marked) != 2
        or marked[0] not in ("tuple", "class", "function")
    ):
        raise CacheError("a malformed reference")
    kind, value = marked
    if kind == "tuple" and not isinstance(value, list):
        raise CacheError("a malformed tuple")
    if kind != "tuple" and not isinstance(value, str):
        raise CacheError("a malformed name")
    return kind, value


def _resolve(name: str, *, function: bool, modules: set[str] | None = None) -> Any:
    """A model class, or a function defined in a module that defines model classes
    (``modules``, if the caller has them), by its name ``module:qualname``; nothing
    else (and no module is imported for it)."""
    from qdef.model.base import Node  # noqa: PLC0415

    if modules is None:
        modules = set(_model_modules(Node))
    module_name, _, qualname = name.partition(":")
    module = sys.modules.get(module_name)
    if module is None or module_name not in modules:
        raise CacheError(f"{name} is not part of the model")
    if not qualname.isidentifier():
        raise CacheError(f"{name} is not a module-level name")
    found = module.__dict__.get(qualname)
    if function:
        ok = (
            callable(found)
            and not isinstance(found, type)
            and getattr(found, "__module__", None) == module_name
        )
    else:
        ok = isinstance(found, type) and issubclass(found, Node)
    if not ok:
        raise CacheError(f"{name} is not a model class or a function of the model")
    return found


# ------------------------------------------------------------------------------ the file


def load(path: Path, expected: str) -> tuple[Any, Any]:
    """The core schema and config kept in ``path`` under the key ``expected``; raises
    :class:`CacheError` (or OSError) when there is no such file, or it cannot be used.
    Only a regular file is read: a pipe or a device in its place (as anyone who can
    write to the directory could put there) neither blocks nor streams forever."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(descriptor, "rb") as file:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise CacheError(f"{path} is not a regular file")
        if hasattr(os, "getuid") and (status.st_uid != os.getuid() or status.st_mode & 0o022):
            raise CacheError(f"{path} may have been written by someone else")
        try:
            kept = json.loads(file.read())
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CacheError(f"{path} is not JSON: {error}") from None
    if not isinstance(kept, dict) or kept.get("key") != expected:
        raise CacheError(f"{path} was made for another version")
    if not isinstance(kept.get("config"), dict) or not isinstance(kept.get("schema"), dict):
        raise CacheError(f"{path} lacks the schema")
    return decode(kept["schema"]), kept["config"]


def store(path: Path, expected: str, schema: Any, config: Any) -> None:
    """Keep the core schema and config in ``path`` under the key ``expected``, atomically
    (raises OSError or :class:`CacheError` when it cannot)."""
    text = json.dumps(
        {"key": expected, "config": encode(config), "schema": encode(schema)},
        separators=(",", ":"),
        sort_keys=True,
    )
    import tempfile  # noqa: PLC0415

    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=_TEMPORARY, suffix=".json")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------------------ the validator


def validator(
    model: type[Node], imported: dict[str, tuple[int, int]] | None = None
) -> SchemaValidator:
    """``model``'s validator: from the cache file when there is a good one, else built
    by pydantic (the model completed as usual) and the cache file (re)written; neither
    read nor written when a model module has changed since ``imported`` (:func:`key`)."""
    from pydantic_core import SchemaValidator  # noqa: PLC0415

    directory = cache_dir()
    expected = path = None
    if directory is not None:
        try:
            expected = key(model, imported)
            path = path_for(model, directory, expected)
            schema, config = load(path, expected)
            return SchemaValidator(schema, config)
        except Exception:
            pass  # build it as pydantic does, and keep it
    model.model_rebuild(force=True)
    built: SchemaValidator = model.__pydantic_validator__  # type: ignore[assignment]
    if expected is not None and path is not None:
        # a read-only home, a full disk: the next run builds it again
        with contextlib.suppress(OSError, CacheError):
            store(path, expected, model.__pydantic_core_schema__, _core_config(model))
            prune(model, path.parent, keep=path)
    return built


def _core_config(model: type[Node]) -> Any:
    """The config pydantic gives the model's validator (as ``complete_model_class`` makes
    it: pydantic has no public way to ask)."""
    try:
        from pydantic._internal._config import ConfigWrapper  # noqa: PLC0415

        return ConfigWrapper(model.model_config, check=False).core_config(title=model.__name__)
    except (ImportError, AttributeError, TypeError) as error:  # another pydantic
        raise CacheError(f"cannot make the config: {error}") from None


class LazyValidator:
    """Stands for a model's ``__pydantic_validator__`` until first used; then puts
    :func:`validator`'s result in its place (as pydantic's own stand-in, for a model
    defined with ``defer_build``, does with one it builds). Made as the model is
    imported, it takes the :func:`stamps` of the model's modules then."""

    __slots__ = ("_imported", "_model")

    def __init__(self, model: type[Node]) -> None:
        self._model = model
        self._imported = stamps(model)

    def __getattr__(self, name: str) -> Any:
        model = self._model
        current = model.__dict__.get("__pydantic_validator__")
        if current is self:
            current = validator(model, self._imported)
            type.__setattr__(model, "__pydantic_validator__", current)
        return getattr(current, name)
