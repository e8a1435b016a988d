"""Every language of the instrument in one web form (docs/webform.md, "Languages").

The page is written once per language, each time exactly as a page of that one
language would be (its texts, qdef's wording from that language's catalogue, its
numbering of piped texts). The language shown first is the page; the others travel
as inert ``<template>`` elements of the same markup, whose texts the script copies
into the page when the respondent switches (``form.js``, "Languages"): the inputs,
and so the answers and the routing, are never touched. What the script needs in
each language — its messages, the piped texts' pieces and whole texts, and the
numbers by which the steps name their messages — differs between the languages'
programs only in a few places: :func:`overlay` finds them, and the program carries
each language's values there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from qdef.errors import LanguageError, RenderOptionError
from qdef.rendering import Compiled, RenderOptions, options_for

#: ``-O languages=…``: every language with a switcher (the default), or one.
MODES = ("all", "one")


def languages(compiled: Compiled, options: RenderOptions) -> list[RenderOptions]:
    """The options of each language the page carries, in the instrument's order (its
    language, then its translations): with ``-O languages=one`` only the language
    rendered. A language qdef has no wording for is left out (the page prints
    qdef's wording; docs/webform.md says so)."""
    mode = str(options.settings.get("languages", "all"))
    if mode not in MODES:
        raise RenderOptionError(f"-O languages={mode}: use all or one")
    if mode == "one":
        return [options]
    from qdef.renderers.webform import HtmlRenderer  # noqa: PLC0415

    instrument = compiled.instrument
    found: list[RenderOptions] = []
    for lang in (instrument.language, *instrument.translations):
        if lang == options.lang:
            found.append(options)
            continue
        try:
            found.append(options_for(HtmlRenderer(), instrument, lang, options.settings))
        except LanguageError:
            continue
    return found


def overlay(programs: Mapping[str, Mapping[str, Any]]) -> dict[str, list[list[Any]]]:
    """For each language, its program's values at the places where the languages'
    programs differ: ``[path, value]`` pairs, a path being the keys and indices from
    the program's top. A place is as deep as the programs agree in shape (a list of
    another length is replaced whole, a key one program lacks is None there), and no
    place lies inside another."""
    first = next(iter(programs.values()))
    found: set[tuple[str | int, ...]] = set()
    for program in programs.values():
        found.update(_differences(first, program, ()))
    places = sorted(
        (path for path in found if not any(path[:k] in found for k in range(len(path)))),
        key=lambda path: [(isinstance(key, int), key) for key in path],
    )
    return {
        lang: [[list(path), _at(program, path)] for path in places]
        for lang, program in programs.items()
    }


def _differences(a: Any, b: Any, path: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a.keys() | b.keys():
            if key in a and key in b:
                yield from _differences(a[key], b[key], (*path, key))
            else:
                yield (*path, key)  # there in one language only: None in the other
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _differences(x, y, (*path, index))
    elif type(a) is not type(b) or a != b:
        yield path


def _at(program: Mapping[str, Any], path: tuple[str | int, ...]) -> Any:
    found: Any = program
    for key in path:
        if isinstance(found, dict) and key not in found:
            return None
        found = found[key]
    return found
