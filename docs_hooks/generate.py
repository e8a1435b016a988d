"""The generated parts of ``docs/``, committed so that the pages read the same on
GitHub as in the site, and checked so that they never go stale.

- ``docs/format-reference.md``: the format reference, from the published JSON Schema
  (``format_reference.py``);
- ``docs/diagnostics.md``: every diagnostic code, from the registry
  (``src/qdef/diagnostics/codes.py``) and the explanations in ``docs_hooks/diagnostics/``
  (``diagnostics_page.py``);
- ``docs/investitionspakt.md``: the blocks between ``<!-- qdef:NAME -->`` and
  ``<!-- /qdef:NAME -->`` (downloads, routes, paper questionnaire), and the files it
  offers for download in ``docs/investitionspakt/`` (``investitionspakt_page.py``);
- every page's ``<!-- qdef:include PATH -->`` block: the file ``docs/PATH`` in a
  fenced code block (the GitHub workflow example), as GitHub shows no include.

Regenerate them after changing the schema, the codes, the instrument, a renderer or an
included file (the test suite and ``mkdocs build`` fail until then)::

    .venv/bin/python docs_hooks/generate.py           # rewrite what is stale
    .venv/bin/python docs_hooks/generate.py --check   # list it, exit 1 if any
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import diagnostics_page
import investitionspakt_page as investitionspakt
from format_reference import reference_page

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path("docs/format-reference.md")
DIAGNOSTICS = Path("docs/diagnostics.md")
PAGE = Path("docs/investitionspakt.md")
COMMAND = ".venv/bin/python docs_hooks/generate.py"
NOTICE = (
    "<!-- Generated from the JSON Schema (src/qdef/model/schema) by docs_hooks/generate.py;\n"
    f"     do not edit: run {COMMAND} -->\n"
)
DIAGNOSTICS_NOTICE = (
    "<!-- Generated from the registry of codes (src/qdef/diagnostics/codes.py) and\n"
    "     docs_hooks/diagnostics/ by docs_hooks/generate.py;\n"
    f"     do not edit: edit those, then run {COMMAND} -->\n"
)
INCLUDE = re.compile(
    r"^<!-- qdef:include (?P<path>\S+) -->\n.*?^<!-- /qdef:include -->$", re.S | re.M
)
LANGUAGES = {".yml": "yaml", ".yaml": "yaml", ".json": "json", ".toml": "toml"}


def include(page: str, docs: Path) -> str:
    """``page`` with each include block holding its file, fenced."""

    def block(match: re.Match[str]) -> str:
        path = match.group("path")
        text = (docs / path).read_text(encoding="utf-8")
        fence = "```"
        while fence in text:
            fence += "`"
        language = LANGUAGES.get(Path(path).suffix, "")
        return (
            f"<!-- qdef:include {path} -->\n{fence}{language}\n{text}"
            f"{'' if text.endswith(chr(10)) else chr(10)}{fence}\n<!-- /qdef:include -->"
        )

    return INCLUDE.sub(block, page)


def generated(root: Path = ROOT) -> dict[Path, str | bytes]:
    """Every generated file under ``root`` (relative path -> its content as it must be)."""
    from qdef.model.schema import published  # noqa: PLC0415

    files: dict[Path, str | bytes] = {
        REFERENCE: NOTICE + reference_page(published()),
        DIAGNOSTICS: DIAGNOSTICS_NOTICE
        + diagnostics_page.page(root / "docs_hooks" / "diagnostics"),
    }
    parts = investitionspakt.outputs(root)
    for site_path, content in parts.files.items():
        files[Path("docs") / site_path] = content
    for page in sorted((root / "docs").glob("*.md")):
        relative = page.relative_to(root)
        text = page.read_text(encoding="utf-8")
        if relative == PAGE:
            files[relative] = investitionspakt.fill(include(text, root / "docs"), parts)
        elif relative not in files and INCLUDE.search(text):
            files[relative] = include(text, root / "docs")
    return files


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def stale(root: Path = ROOT, files: dict[Path, str | bytes] | None = None) -> list[Path]:
    """The generated files under ``root`` that are missing or differ from what they
    must be."""
    files = generated(root) if files is None else files
    return [
        path
        for path, content in files.items()
        if not (root / path).is_file() or (root / path).read_bytes() != _bytes(content)
    ]


def main(argv: list[str]) -> int:
    check = argv == ["--check"]
    if argv and not check:
        print("usage: python docs_hooks/generate.py [--check]", file=sys.stderr)
        return 2
    files = generated()
    outdated = stale(ROOT, files)
    for path in outdated:
        if check:
            print(f"{path} is out of date; run {COMMAND}", file=sys.stderr)
        else:
            (ROOT / path).parent.mkdir(parents=True, exist_ok=True)
            (ROOT / path).write_bytes(_bytes(files[path]))
            print(f"wrote {path}")
    return 1 if check and outdated else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
