"""``docs/diagnostics.md``: the registry of codes (``qdef.diagnostics.codes``) with the
explanations and examples written in ``docs_hooks/diagnostics/``.

The sources are the page's parts: ``intro.md`` (reading a diagnostic, errors and
warnings, layers), then one file per hundred of codes (``qd0xx.md`` … ``qd8xx.md``),
each starting with its ``## QDnxx — …`` heading. A code's section starts with a line
``### QD101`` alone; the page gets the heading the registry gives it
(``### QD101 — YAML syntax error``, ``(warning)`` added for a warning), which makes
its anchor (``Code.anchor``). The parts are joined with a ``---`` rule between them.

Every code documented in diagnostics.md (all but the changes ``qdef diff`` reports,
which docs/diff.md lists in one table) must have exactly one section, in the part
of its hundred, in the order of the registry; a heading written out in a source, or
a code the registry lacks, is an error (:class:`PageError`), so the page cannot
drift from the codes qdef has.
"""

from __future__ import annotations

import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "diagnostics"
PARTS = ("intro", *(f"qd{hundred}xx" for hundred in range(9)))
SECTION = re.compile(r"^### (?P<code>QD\S*)(?P<rest>.*)$", re.M)
RULE = "\n---\n\n"


class PageError(Exception):
    """The sources of docs/diagnostics.md and the registry of codes disagree."""


def page(source: Path = SOURCE) -> str:
    """The page, made of the parts in ``source`` and the registry's headings."""
    from qdef.diagnostics import Code  # noqa: PLC0415

    documented = [code for code in Code if code.severity is not None]
    found: list[str] = []
    parts: list[str] = []
    for name in PARTS:
        path = source / f"{name}.md"
        if not path.is_file():
            raise PageError(f"{path} is missing")
        text = path.read_text(encoding="utf-8")

        def heading(match: re.Match[str], part: str = name) -> str:
            code, rest = match["code"], match["rest"]
            where = f"docs_hooks/diagnostics/{part}.md: '### {code}{rest}'"
            if rest:
                raise PageError(f"{where}: write '### {code}' alone; the registry has its title")
            if code not in Code.__members__ or Code[code].severity is None:
                raise PageError(f"{where}: {code} is no code of qdef.diagnostics.codes")
            if part != f"qd{code[2]}xx":
                raise PageError(f"{where}: {code} belongs in qd{code[2]}xx.md")
            found.append(code)
            return f"### {Code[code].heading}"

        parts.append(SECTION.sub(heading, text).strip("\n") + "\n")
    if found != [code.value for code in documented]:
        missing = [code.value for code in documented if code not in found]
        twice = sorted({code for code in found if found.count(code) > 1})
        raise PageError(
            "docs_hooks/diagnostics/ must document each code once, in order: "
            f"missing {missing or 'none'}, twice {twice or 'none'}, found {found}"
        )
    return RULE.join(parts)
