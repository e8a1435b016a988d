"""Finding renderers: the entry-point group ``qdef.renderers``.

qdef's own renderers are registered in its ``pyproject.toml`` exactly like
renderers that other distributions publish. Listing registrations imports
nothing; a renderer's module is imported only when it is asked for (by
name, or to describe it). A name registered by two distributions is never
resolved silently: asking for it is an error naming both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import cast

from qdef.errors import (
    RendererConflictError,
    RendererLoadError,
    UnknownRendererError,
)
from qdef.rendering.protocol import ATTRIBUTES, WORDINGS, Renderer

GROUP = "qdef.renderers"


@dataclass(frozen=True, slots=True)
class Registration:
    """One entry point of the group: a name, what it points to, who registers it."""

    name: str
    value: str
    """``module:attribute``."""
    distribution: str
    """The registering distribution's name (``qdef``), or ``?`` if unknown."""
    version: str
    entry_point: EntryPoint

    @property
    def origin(self) -> str:
        """``qdef 0.1.0 (qdef.renderers.paper:MarkdownRenderer)``."""
        version = f" {self.version}" if self.version else ""
        return f"{self.distribution}{version} ({self.value})"


def registrations() -> list[Registration]:
    """Every registration of the group, sorted by name then distribution. Imports nothing."""
    found: dict[tuple[str, str, str], Registration] = {}
    for ep in entry_points(group=GROUP):
        dist = ep.dist
        # Metadata can be incomplete (a broken or half-written install): never None.
        name = (dist.name if dist is not None else None) or "?"
        version = (dist.version if dist is not None else None) or ""
        # The same distribution seen twice on sys.path is one registration.
        found.setdefault(
            (ep.name, name, ep.value), Registration(ep.name, ep.value, name, version, ep)
        )
    return sorted(found.values(), key=lambda r: (r.name, r.distribution, r.value))


def names() -> list[str]:
    """The installed renderer names, sorted (each once, even if registered twice)."""
    return sorted({r.name for r in registrations()})


def conflicts() -> dict[str, list[Registration]]:
    """Names registered more than once, with their registrations."""
    by_name: dict[str, list[Registration]] = {}
    for registration in registrations():
        by_name.setdefault(registration.name, []).append(registration)
    return {name: regs for name, regs in by_name.items() if len(regs) > 1}


def conflict_message(name: str, regs: list[Registration]) -> str:
    return (
        f"the renderer name {name!r} is registered more than once: by "
        + " and by ".join(r.origin for r in regs)
        + "; uninstall one of these distributions, or rename its entry point"
    )


def lookup(name: str) -> Registration:
    """The one registration of ``name``; errors name the installed renderers, or
    both registrations of a clashing name."""
    regs = [r for r in registrations() if r.name == name]
    if not regs:
        installed = names()
        listing = ", ".join(installed) if installed else "none (is qdef installed?)"
        raise UnknownRendererError(
            f"no renderer is called {name!r}; installed renderers: {listing}. "
            "'qdef renderers' describes them"
        )
    if len(regs) > 1:
        raise RendererConflictError(conflict_message(name, regs))
    return regs[0]


def load(registration: Registration) -> Renderer:
    """Import the renderer of ``registration`` and make one, checked against the
    protocol: its metadata, ``render``, ``options`` (names to help texts) and
    ``wording`` (one of :data:`~qdef.rendering.protocol.WORDINGS`)."""
    where = f"the renderer {registration.name!r} of {registration.origin}"
    try:
        target = registration.entry_point.load()
    except Exception as error:  # an import error in a plugin is the plugin's
        raise RendererLoadError(
            f"{where} cannot be imported: {type(error).__name__}: {error}"
        ) from error
    try:
        renderer = target() if isinstance(target, type) else target
    except Exception as error:
        raise RendererLoadError(
            f"{where} cannot be created: {type(error).__name__}: {error}"
        ) from error
    missing = [a for a in ATTRIBUTES if not isinstance(getattr(renderer, a, None), str)]
    if not callable(getattr(renderer, "render", None)):
        missing.append("render()")
    missing.extend(a for a in ("options", "wording") if not hasattr(renderer, a))
    if missing:
        raise RendererLoadError(
            f"{where} is not a renderer: it lacks {', '.join(missing)}"
            + (
                " (subclass qdef.rendering.BaseRenderer for the defaults of options and wording)"
                if {"options", "wording"} & set(missing)
                else ""
            )
            + (
                "; if it was written for an older qdef, where both were optional and render "
                "was given the instrument itself, upgrade its distribution"
                if set(missing) <= {"options", "wording"}
                else ""
            )
        )
    problem = _declared_problem(renderer.options, renderer.wording)
    if problem:
        raise RendererLoadError(f"{where} is not a renderer: {problem}")
    if renderer.name != registration.name:
        raise RendererLoadError(
            f"{where} calls itself {renderer.name!r}; its entry point and its name must agree"
        )
    return cast(Renderer, renderer)


def _declared_problem(options: object, wording: object) -> str | None:
    """What is wrong with a renderer's ``options`` and ``wording``, if anything."""
    if not isinstance(options, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in options.items()
    ):
        return "its options must map each option's name to one line of help (str to str)"
    if wording not in WORDINGS:
        return f"its wording is {wording!r}, not one of {', '.join(map(repr, WORDINGS))}"
    return None


def get_renderer(name: str) -> Renderer:
    """The installed renderer called ``name``."""
    return load(lookup(name))
