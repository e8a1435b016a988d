"""Where wording catalogues come from, in the order they are looked for.

1. Beside the instrument: ``wording/<lang>.po`` in the folder of its YAML file (a
   team's own catalogue, or its corrections of qdef's).
2. Plugins: the entry-point group ``qdef.catalogs``, each entry point named by its
   language tag (``sw``); its value is an importable object that is the catalogue: a
   path or resource (``importlib.resources.files(...) / "sw.po"``, a ``Path``) or
   the PO text itself (``str`` or ``bytes``). See docs/plugins.md.
3. qdef's own: ``catalogs/<lang>.po`` in this package.

Within each place the exact tag is looked for first, then the primary language, so
a team's ``de.po`` is used for ``de-CH`` before qdef's ``de``. A catalogue that
cannot be used (its syntax, placeholders or plural forms) raises
:class:`CatalogError` with every problem at its line.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from qdef.diagnostics import Diagnostic, Span, format_text
from qdef.errors import RenderError
from qdef.wording.lookup import Catalog
from qdef.wording.po import Message, Parsed, plural_function, plural_rule, read
from qdef.wording.po import template as po_template

#: The entry-point group of catalogue plugins.
GROUP = "qdef.catalogs"

#: The folder beside an instrument that holds its team's catalogues.
FOLDER = "wording"

#: The largest catalogue qdef reads (qdef's own are some 40 kB).
MAX_BYTES = 4 * 1024 * 1024


class CatalogError(RenderError):
    """A catalogue that cannot be used: ``problems`` says where and why."""

    def __init__(self, problems: list[Diagnostic]) -> None:
        super().__init__(format_text(problems).rstrip("\n"))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Found:
    """A catalogue file before it is read: its tag, where it is from, how to read it."""

    lang: str
    origin: str
    """In words: ``beside the instrument``, ``the plugin sw (qdef_sw:CATALOG)``, ``qdef``."""
    file: Path
    """The file (or, for a plugin's text, the entry point) that problems are reported at."""
    value: object
    """A path, a resource, or the PO text itself; for a plugin, its entry point."""
    plugin: bool = False
    """Whether ``value`` is a plugin's entry point (loaded when the catalogue is used)."""

    def data(self) -> bytes:
        value = self.value
        if isinstance(value, bytes):
            return value
        if isinstance(value, str):
            return value.encode("utf-8")
        if isinstance(value, os.PathLike | resources.abc.Traversable):
            path = value if isinstance(value, resources.abc.Traversable) else Path(value)
            with path.open("rb") as handle:
                data: bytes = handle.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise CatalogError(
                    [_problem(self.file, f"the catalogue is larger than {MAX_BYTES:,} bytes")]
                )
            return data
        raise CatalogError(
            [
                _problem(
                    self.file,
                    f"the plugin's object is a {type(value).__name__}; it must be the PO "
                    "text (str or bytes) or the path of a PO file (see docs/plugins.md)",
                )
            ]
        )


def _problem(file: Path, message: str) -> Diagnostic:
    from qdef.diagnostics import Code  # noqa: PLC0415

    return Diagnostic(Code.QD831, message, Span(file, 1, 1))


def _builtin() -> dict[str, Found]:
    folder = resources.files("qdef.wording") / "catalogs"
    return {
        entry.name.removesuffix(".po").lower(): Found(
            entry.name.removesuffix(".po"),
            "qdef",
            Path("qdef/wording/catalogs") / entry.name,
            entry,
        )
        for entry in folder.iterdir()
        if entry.name.endswith(".po")
    }


@functools.cache
def _plugins() -> dict[str, Found]:
    from importlib.metadata import entry_points  # noqa: PLC0415 - only when asked

    found: dict[str, Found] = {}
    for point in entry_points(group=GROUP):
        tag = point.name.lower()
        if tag in found:
            other = found[tag].origin
            raise CatalogError(
                [
                    _problem(
                        Path(point.value),
                        f"two plugins give a catalogue for {point.name!r}: {other} and "
                        f"{point.value}; uninstall one of them",
                    )
                ]
            )
        found[tag] = Found(
            point.name, f"the plugin {point.value}", Path(point.value), point, plugin=True
        )
    return found


def _beside(source: Path | None) -> dict[str, Found]:
    if source is None:
        return {}
    folder = source.parent / FOLDER
    try:
        files = sorted(folder.iterdir())
    except OSError:
        return {}
    return {
        path.stem.lower(): Found(path.stem, "beside the instrument", path, path)
        for path in files
        if path.suffix == ".po" and path.is_file()
    }


def _places(source: Path | None, plugins: bool = True) -> Iterator[dict[str, Found]]:
    yield _beside(source)
    if plugins:
        yield _plugins()
    yield _builtin()


def available(source: Path | None = None) -> list[str]:
    """Every language tag there is a catalogue for, sorted."""
    tags: set[str] = set()
    for place in _places(source):
        tags.update(found.lang for found in place.values())
    return sorted(tags)


def locate(lang: str, source: Path | None = None, *, plugins: bool = True) -> Catalog | None:
    """The catalogue for ``lang``, looked for beside ``source``, in plugins (unless
    ``plugins`` is false: validation looks at qdef's own only, to start fast), in qdef."""
    wanted = lang.lower()
    for place in _places(source, plugins):
        for tag in dict.fromkeys((wanted, wanted.split("-")[0])):
            if tag in place:
                return load(place[tag])
    return None


def load(found: Found) -> Catalog:
    """The catalogue ``found``, ready to use: a fresh :class:`Catalog` (its own record
    of fallbacks) over the messages, which are read and checked once per content."""
    if found.plugin:  # the object its entry point names
        try:
            value = found.value.load()  # type: ignore[attr-defined]
        except Exception as error:
            raise CatalogError(
                [_problem(found.file, f"cannot import the catalogue plugin: {error}")]
            ) from error
        found = Found(found.lang, found.origin, found.file, value)
    parsed = _parsed(found.data(), found.file, found.lang, found.origin == "qdef")
    if parsed.errors:
        raise CatalogError(parsed.errors)
    own = found.origin == "qdef"
    english = None if own and found.lang == "en" else english_catalog
    return catalog_of(parsed, found, english, own)


def catalog_of(
    parsed: Parsed, found: Found, english: Callable[[], Catalog] | None, own: bool
) -> Catalog:
    """The :class:`Catalog` of ``parsed``: its texts, with ``english`` (loaded when first
    needed) for what it lacks. Messages qdef does not have are left out (qdef's own
    catalogues have none: the tests check them, so that rendering need not)."""
    messages = [m for m in parsed.messages.values() if m.forms and (own or m.key in template())]
    return Catalog(
        found.lang,
        {m.key: m.forms[-1] for m in messages},
        plurals={m.key: m.forms for m in messages if m.plural},
        plural=plural_function(parsed.plural_expr),
        fallback=english,
        origin=found.origin,
        file=found.file,
        lines={m.key: m.line for m in parsed.messages.values()},
    )


@functools.lru_cache(maxsize=32)
def _parsed(data: bytes, file: Path, lang: str, own: bool) -> Parsed:
    """The catalogue read, and checked against the template unless it is qdef's own
    (tests/test_wording_catalogs.py checks those; validating and rendering in German
    then read one file, not two)."""
    return read(data, file, lang, None if own else template())


@functools.cache
def template() -> dict[str, Message]:
    """qdef's messages (its English catalogue): every key, its English text, where it
    is used. Every catalogue is checked against it; ``qdef catalog init`` writes it."""
    found = _builtin()["en"]
    parsed = _parsed(found.data(), found.file, "en", True)
    if parsed.errors:  # qdef's own file: a bug, caught by the tests
        raise CatalogError(parsed.errors)
    return parsed.messages


def english_catalog() -> Catalog:
    """qdef's English catalogue: the fallback of every other."""
    return load(_builtin()["en"])


def rule(lang: str) -> tuple[int, str]:
    """The plural forms of ``lang`` (CLDR through Babel; two, as English, if unknown)."""
    return plural_rule(lang) or (2, "(n != 1)")


def init(lang: str) -> bytes:
    """A new catalogue for ``lang``: every message of qdef with its English text and
    where it is used, the translations empty, and the language's plural forms (what
    ``qdef catalog init`` writes)."""
    return po_template(lang, template())


def check(data: bytes, file: Path, lang: str) -> list[Diagnostic]:
    """Every problem of the catalogue ``data`` (the file ``file``) for ``lang``: its
    errors (QD831–QD833), the messages qdef does not have or whose English changed
    (QD834, QD835), and each message it lacks (QD830), in the file's order."""
    from qdef.diagnostics import Code  # noqa: PLC0415

    parsed = read(data, file, lang, template())
    if any(d.code == Code.QD831 and not parsed.messages for d in parsed.errors):
        return parsed.problems
    lacking = [
        Diagnostic(
            Code.QD830,
            f"{key!r} is not translated: {_english(message)} is printed instead; write its msgstr",
            Span(file, parsed.messages[key].line if key in parsed.messages else 1, 1),
            "warning",
        )
        for key, message in template().items()
        if key not in parsed.messages or not parsed.messages[key].forms
    ]
    return sorted([*parsed.problems, *lacking], key=lambda d: d.span.line if d.span else 0)


def _english(message: Message) -> str:
    source = message.source
    return repr(source[1] if isinstance(source, tuple) else source)
