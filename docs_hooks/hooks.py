"""MkDocs hooks (mkdocs.yml ``hooks:``) that generate qdef's pages at build time.

- ``format-reference.md``: the format reference, from the published JSON Schema
  (``qdef.schema.published()``; see ``format_reference.py``).
- ``investitionspakt.md``: its markers are filled with the instrument's paper
  questionnaire and routes, and the web form, LimeSurvey survey, code mapping,
  codebook and the instrument itself are added to the site as downloads
  (see ``investitionspakt_page.py``).

Generated pages and files exist only in the built site, never in ``docs/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import investitionspakt_page as investitionspakt
from format_reference import SchemaReferenceError, reference_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

REFERENCE = "format-reference.md"
PAGE = "investitionspakt.md"

_parts: dict[str, investitionspakt.Outputs] = {}


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_files(files: Files, config: MkDocsConfig) -> Files:
    from qdef import QdefError  # noqa: PLC0415
    from qdef.schema import published  # noqa: PLC0415

    parts_folder = investitionspakt.FOLDER
    generated = [REFERENCE, *(f"{parts_folder}/{d[1]}" for d in investitionspakt.DOWNLOADS)]
    for name in generated:
        if files.get_file_from_path(name) is not None:
            raise PluginError(f"docs/{name} is generated when the site is built; remove the file")
    try:
        files.append(File.generated(config, REFERENCE, content=reference_page(published())))
        parts = investitionspakt.outputs(_root(config))
    except (SchemaReferenceError, investitionspakt.PageError) as error:
        raise PluginError(str(error)) from error
    except QdefError as error:
        raise PluginError(f"{investitionspakt.INSTRUMENT} is not valid: {error}") from error
    for path, content in parts.files.items():
        files.append(File.generated(config, path, content=content))
    _parts[PAGE] = parts
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **_: Any) -> str:
    if page.file.src_uri != PAGE:
        return markdown
    try:
        return investitionspakt.fill(markdown, _parts[PAGE])
    except investitionspakt.PageError as error:
        raise PluginError(f"docs/{PAGE}: {error}") from error
