"""The Investitionspakt page's generated parts: the instrument rendered by qdef itself.

``outputs(root)`` renders ``instruments/investitionspakt.yaml`` with the library
(``qdef.load``, ``qdef.rendering.render``): the files offered for download (web
form, LimeSurvey survey and its code mapping, codebook, the instrument itself),
the paper questionnaire to include in the page (headings demoted, and made to read
in Python-Markdown as in CommonMark), and the routes as
``qdef paths --list`` prints them. ``fill(page, outputs)`` puts them in place of
the page's markers (between ``<!-- qdef:NAME -->`` and ``<!-- /qdef:NAME -->``);
a marker missing from the page is an error. ``generate.py`` writes the results into
``docs/``, where they are committed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

INSTRUMENT = Path("instruments/investitionspakt.yaml")
#: Where the downloads go in the site (beside the page, which is investitionspakt.md).
FOLDER = "investitionspakt"
#: (renderer, file name, what it is): the files offered for download, in order.
DOWNLOADS = (
    ("html", "investitionspakt.html", "the web form (opens in the browser, works offline)"),
    ("limesurvey", "investitionspakt.lss", "the LimeSurvey 6 survey, to import"),
    ("limesurvey-map", "investitionspakt.map.json", "its mapping of qdef ids to LimeSurvey codes"),
    ("codebook", "investitionspakt-codebook.csv", "the codebook, one row per variable (CSV)"),
)
MARKERS = ("downloads", "paper", "paths")
PLUGIN_HINT = "the codebook is a plugin: pip install ./renderers/qdef-render-codebook"
HEADING = re.compile(r"^(#{1,6})(?=[ \t]|$)")
INDENT = re.compile(r"^( +)(?=\S)")
FENCE = re.compile(r"^(```|~~~)")


class PageError(Exception):
    """The page or the instrument is not as this module needs it; the message says why."""


@dataclass(frozen=True, slots=True)
class Outputs:
    files: dict[str, str | bytes]  # site path -> content
    downloads: str  # Markdown list of links to ``files``
    paper: str  # the paper questionnaire, headings demoted, ready to include
    paths: str  # the page's block showing ``qdef paths --list``


def marker(name: str) -> str:
    return f"<!-- qdef:{name} -->"


def demote(markdown: str, levels: int) -> str:
    """``markdown`` with every ATX heading ``levels`` deeper (at most ``######``),
    so that an included document nests under the page's own headings."""

    def deeper(match: re.Match[str]) -> str:
        return "#" * min(6, len(match.group(1)) + levels)

    return _outside_fences(markdown, lambda line: HEADING.sub(deeper, line, count=1))


def for_python_markdown(markdown: str) -> str:
    """CommonMark ``markdown`` (the paper questionnaire) made to mean the same to
    Python-Markdown, which MkDocs uses: a list item's content, indented by two
    spaces in CommonMark (the ruled lines under a follow-up's label), by four."""
    return _outside_fences(markdown, lambda line: INDENT.sub(r"\1\1", line, count=1))


def _outside_fences(markdown: str, change: Callable[[str], str]) -> str:
    out, fenced = [], False
    for line in markdown.splitlines(keepends=True):
        if FENCE.match(line):
            fenced = not fenced
        out.append(line if fenced else change(line))
    return "".join(out)


def _routes(path: Path) -> str:
    from qdef.cli import main  # noqa: PLC0415

    out, err = io.StringIO(), io.StringIO()
    if main(["paths", str(path), "--list"], out, err) != 0:
        raise PageError(f"qdef paths {path} --list failed: {err.getvalue().strip()}")
    return out.getvalue()


def outputs(root: Path) -> Outputs:
    """Render the instrument under ``root`` (the repository) for the page."""
    from qdef import load  # noqa: PLC0415
    from qdef.rendering import RenderError, render  # noqa: PLC0415

    path = root / INSTRUMENT
    instrument = load(path)
    files: dict[str, str | bytes] = {
        f"{FOLDER}/{INSTRUMENT.name}": path.read_text(encoding="utf-8")
    }
    links = [f"- [`{INSTRUMENT.name}`]({FOLDER}/{INSTRUMENT.name}) — the instrument (YAML)"]
    for renderer, name, what in DOWNLOADS:
        try:
            files[f"{FOLDER}/{name}"] = render(instrument, renderer)
        except RenderError as error:
            hint = f" ({PLUGIN_HINT})" if renderer == "codebook" else ""
            message = f"cannot render {INSTRUMENT} with {renderer!r}: {error}{hint}"
            raise PageError(message) from error
        links.append(f"- [`{name}`]({FOLDER}/{name}) — {what} (`qdef render … --to {renderer}`)")
    paper = render(instrument, "markdown")
    assert isinstance(paper, str)
    routes = _routes(path)
    shown = f"```console\n$ qdef paths {INSTRUMENT.as_posix()} --list\n{routes}```\n"
    included = for_python_markdown(demote(paper, 2))
    return Outputs(
        files=files,
        downloads="\n".join(links) + "\n",
        paper=f'<div class="qdef-paper" markdown>\n\n{included}\n</div>\n',
        paths=shown,
    )


def end_marker(name: str) -> str:
    return f"<!-- /qdef:{name} -->"


def fill(page: str, parts: Outputs) -> str:
    """The page with the block between each pair of markers replaced by the generated
    part (committed that way, so that the page reads the same on GitHub); a marker
    without its end marker gets one."""
    for name in MARKERS:
        start, end = marker(name), end_marker(name)
        if page.count(start) != 1 or page.count(end) > 1:
            raise PageError(f"the page must hold the marker {start} exactly once")
        before, after = page.split(start, 1)
        if end in after:
            if end in before:
                raise PageError(f"{end} comes before {start}")
            after = after.split(end, 1)[1]
        page = f"{before}{start}\n\n{getattr(parts, name)}\n{end}{after}"
    return page
