"""The documentation site (mkdocs.yml) builds with ``--strict`` and covers issue 8's
topics; its generated pages are complete: the format reference documents every key
of the JSON Schema, and the Investitionspakt page holds what qdef renders."""

from __future__ import annotations

import copy
import html
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from qdef import load
from qdef.model.schema import published
from qdef.rendering import render

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
INVESTITIONSPAKT = ROOT / "instruments" / "investitionspakt.yaml"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)


def _hook_module(name: str) -> ModuleType:
    """A module of docs_hooks/, loaded as MkDocs loads hooks (by path)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "docs_hooks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


format_reference = _hook_module("format_reference")
investitionspakt_page = _hook_module("investitionspakt_page")


# --------------------------------------------------------------------- getting started


def _quickstart_commands(text: str) -> list[str]:
    """The ``bash dev.sh …`` commands of the fenced blocks in ``text``, in order."""
    commands = []
    for _, body in FENCE.findall(text):
        for line in body.splitlines():
            command = line.removeprefix("$ ").strip()
            if command.startswith("bash dev.sh"):
                commands.append(command)
    return commands


def test_getting_started_shows_the_readme_quickstart_commands_which_dev_sh_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    page = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    dev_sh = (ROOT / "dev.sh").read_text(encoding="utf-8")
    in_readme = _quickstart_commands(quickstart)
    assert in_readme == ["bash dev.sh run", "bash dev.sh test"]
    assert _quickstart_commands(page) == in_readme
    cases = re.findall(r"^    (\w+)\)$", dev_sh, re.M)
    assert [f"bash dev.sh {case}" for case in cases] == in_readme
    header = re.findall(r"^#   (bash dev\.sh \w+)", dev_sh, re.M)
    assert header == in_readme


# --------------------------------------------------------------------- format reference


def _documented(page: str) -> dict[str, dict[str, str]]:
    """Per object type (by its anchor), its key -> table row, read from the page."""
    found: dict[str, dict[str, str]] = {}
    for section in re.split(r"^## ", page, flags=re.M)[1:]:
        heading = section.splitlines()[0]
        assert re.fullmatch(r"\w+", heading), heading  # a plain heading: the same anchor everywhere
        rows = re.findall(r"^\| `([^`]+)` \|(.*)$", section, re.M)
        found[heading.lower()] = dict(rows)
    return found


def _constraints(node: Any) -> list[str]:
    """Every value in a property's schema that the reference must show: patterns,
    lengths, bounds, sizes, enum members, constants, referenced types."""
    shown: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("pattern", "const") or key.startswith(("min", "max", "exclusive")):
                shown.append(str(value))
            elif key == "enum":
                shown += [str(v) for v in value]
            elif key == "$ref":
                shown.append(value.rsplit("/", 1)[1])
            elif key == "patternProperties":
                shown += list(value)
                shown += [c for sub in value.values() for c in _constraints(sub)]
            elif key not in ("description", "default", "title", "discriminator"):
                shown += _constraints(value)
    elif isinstance(node, list):
        shown += [c for item in node for c in _constraints(item)]
    return shown


def _object_types(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"Instrument": schema, **schema["$defs"]}


def _check_reference(schema: dict[str, Any], page: str) -> list[str]:
    """What the page fails to document of the schema (empty: everything is there)."""
    problems = []
    documented = _documented(page)
    for name, node in _object_types(schema).items():
        rows = documented.get(name.lower())
        if rows is None:
            problems.append(f"{name}: no section")
            continue
        required = set(node.get("required", ()))
        for key, sub in node["properties"].items():
            row = rows.get(key)
            if row is None:
                problems.append(f"{name}.{key}: no row")
                continue
            cells = [c.strip() for c in row.strip().strip("|").split(" | ")]
            is_required = cells[1] == "**required**"
            if is_required != (key in required):
                problems.append(f"{name}.{key}: required is {cells[1]}")
            default = sub.get("default")
            if default is not None and str(default).lower() not in cells[2].lower():
                problems.append(f"{name}.{key}: default {default!r} missing")
            if "description" in sub and " ".join(sub["description"].split()) not in row:
                problems.append(f"{name}.{key}: description missing")
            problems += [
                f"{name}.{key}: {value!r} missing"
                for value in _constraints(sub)
                if value not in row
            ]
    return problems


def test_the_format_reference_documents_every_key_of_every_object_type() -> None:
    schema = published()
    page = format_reference.reference_page(schema)
    assert _check_reference(schema, page) == []
    documented = _documented(page)
    assert len(documented) == len(schema["$defs"]) + 1
    assert sum(len(rows) for rows in documented.values()) == sum(
        len(node["properties"]) for node in _object_types(schema).values()
    )


def test_the_reference_check_notices_a_missing_row_or_constraint() -> None:
    schema = published()
    page = format_reference.reference_page(schema)
    row = next(line for line in page.splitlines() if line.startswith("| `widget` |"))
    assert _check_reference(schema, page.replace(row + "\n", "")) == ["SingleChoice.widget: no row"]
    assert "dropdown" in row
    without_enum_member = page.replace(row, row.replace("`dropdown`", "`other`"))
    assert _check_reference(schema, without_enum_member) == [
        "SingleChoice.widget: 'dropdown' missing"
    ]


def test_the_reference_follows_the_schema_not_a_list_of_keys() -> None:
    schema = copy.deepcopy(published())
    schema["$defs"]["Section"]["properties"]["probe"] = {
        "description": "A key only this test has.",
        "default": 3,
        "anyOf": [{"type": "integer", "minimum": 1, "maximum": 9}, {"type": "null"}],
    }
    schema["$defs"]["Probe"] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"code": {"type": "string", "pattern": "^p$"}},
        "required": ["code"],
    }
    page = format_reference.reference_page(schema)
    assert _check_reference(schema, page) == []
    assert "| `probe` | integer or null | optional | `3` | ≥ 1 and ≤ 9 |" in page
    assert "\n## Probe\n" in page


def test_a_schema_keyword_the_reference_cannot_show_stops_the_build() -> None:
    schema = copy.deepcopy(published())
    schema["$defs"]["Section"]["properties"]["id"]["format"] = "uuid"
    with pytest.raises(format_reference.SchemaReferenceError, match=r"Section\.id.*format"):
        format_reference.reference_page(schema)


# --------------------------------------------------------------------- Investitionspakt


def test_demote_moves_headings_down_but_not_inside_code() -> None:
    text = "# Title\n\n## Part\n\n```\n# comment\n```\n###### Deep\n#hashtag\n"
    assert investitionspakt_page.demote(text, 2) == (
        "### Title\n\n#### Part\n\n```\n# comment\n```\n###### Deep\n#hashtag\n"
    )


def test_the_paper_is_made_to_mean_to_python_markdown_what_it_means_in_commonmark() -> None:
    paper = "○ Ja\n\n- Bitte begründen:\n\n  \\______\n\n  \\______\n\n- Name: ______\n\n○ Nein\n"
    assert investitionspakt_page.for_python_markdown(paper) == (
        "○ Ja\n\n- Bitte begründen:\n\n    \\______\n\n    \\______\n\n- Name: ______\n\n○ Nein\n"
    )


def test_the_page_needs_each_marker_once_and_filling_it_again_changes_nothing() -> None:
    parts = investitionspakt_page.outputs(ROOT)
    page = (DOCS / "investitionspakt.md").read_text(encoding="utf-8")
    bare = re.sub(r"(<!-- qdef:(\w+) -->\n).*?<!-- /qdef:\2 -->\n", r"\1", page, flags=re.S)
    assert "<!-- /qdef:" not in bare
    filled = investitionspakt_page.fill(bare, parts)
    assert filled == page  # as committed
    assert investitionspakt_page.fill(filled, parts) == filled
    assert parts.paths in filled and parts.paper in filled and parts.downloads in filled
    with pytest.raises(investitionspakt_page.PageError, match="qdef:paths"):
        investitionspakt_page.fill(bare.replace("<!-- qdef:paths -->", ""), parts)


# --------------------------------------------------------------------- the built site

#: Issue 8's topics (and the pages that were there before), as built pages.
TOPICS = {
    "getting started": "getting-started/index.html",
    "the instrument format": "format/index.html",
    "the format reference": "format-reference/index.html",
    "routing semantics": "routing/index.html",
    "the CLI reference": "cli/index.html",
    "testing with qdef.testing": "testing/index.html",
    "writing a renderer plugin": "plugins/index.html",
    "the LimeSurvey mapping": "limesurvey/index.html",
    "the response JSON format": "responses/index.html",
    "the Investitionspakt instrument": "investitionspakt/index.html",
    "qdef diff": "diff/index.html",
    "pre-commit": "pre-commit/index.html",
    "the GitHub workflow": "github-workflow/index.html",
    "user guide": "index.html",
    "diagnostics": "diagnostics/index.html",
    "renderers": "renderers/index.html",
    "web form": "webform/index.html",
    "design": "design/index.html",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once with ``mkdocs build --strict`` (about a second)."""
    pytest.importorskip("mkdocs", reason="the docs extra is not installed")
    directory = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(directory)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return directory


@pytest.mark.parametrize(("topic", "built"), TOPICS.items())
def test_the_site_has_a_page_for_every_topic(site: Path, topic: str, built: str) -> None:
    assert (site / built).is_file(), topic


def test_every_page_of_docs_is_in_the_site(site: Path) -> None:
    for page in DOCS.glob("*.md"):
        built = "index.html" if page.stem == "index" else f"{page.stem}/index.html"
        assert (site / built).is_file(), page.name


def _text(page: Path) -> str:
    """The page's HTML with tags removed and entities decoded, for looking up text."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def test_the_built_reference_has_every_object_type_and_key(site: Path) -> None:
    built = (site / "format-reference" / "index.html").read_text(encoding="utf-8")
    for name, node in _object_types(published()).items():
        section = built.split(f'id="{name.lower()}"', 1)
        assert len(section) == 2, name
        body = section[1].split("<h2", 1)[0]
        for key in node["properties"]:
            assert f"<td><code>{key}</code></td>" in body, f"{name}.{key}"


def test_the_investitionspakt_page_holds_its_rendered_outputs(site: Path) -> None:
    instrument = load(INVESTITIONSPAKT)
    folder = site / "investitionspakt"
    for renderer, name in (
        ("html", "investitionspakt.html"),
        ("limesurvey", "investitionspakt.lss"),
        ("limesurvey-map", "investitionspakt.map.json"),
        ("codebook", "investitionspakt-codebook.csv"),
    ):
        expected = render(instrument, renderer)
        if isinstance(expected, str):
            expected = expected.encode("utf-8")
        assert (folder / name).read_bytes() == expected, name
    assert (folder / "investitionspakt.yaml").read_bytes() == INVESTITIONSPAKT.read_bytes()
    page = (folder / "index.html").read_text(encoding="utf-8")
    for name in ("investitionspakt.html", "investitionspakt.lss", "investitionspakt.map.json"):
        assert f'href="{name}"' in page, name
    assert 'href="investitionspakt-codebook.csv"' in page
    assert 'src="../img/investitionspakt-html.png"' in page
    text = _text(folder / "index.html")
    assert "1, 2–6, 22\n1, 7–18, 19, 20, 22\n1, 7–18, 21, 22" in text
    paper = render(instrument, "markdown")
    assert isinstance(paper, str)
    assert "(weiter mit Frage 7)" in paper
    for line in ("Ja (weiter mit Frage 7)", "Weiter mit Frage 22", "Stunden pro Woche"):
        assert line in text, line
    # the paper's headings sit below the page's own (h1 title, h2 parts)
    assert page.count("<h1") == 1
    assert re.search(r"<h3 id=\"[^\"]+\">Befragung zum Einsatz", page)
    assert '<div class="qdef-paper">' in page
    # options are paragraphs (no bullet beside the box); follow-ups a list under their
    # option; ruled lines paragraphs of underscores, no rules (CommonMark's reading)
    followup = r"abgedeckt \(z\.B\. [^<]*</p>\s*<ul>\s*<li>Wenn ja, bitte Förderprogramm"
    assert re.search(followup, page)
    ruled = r"<p>_{60}</p>\s*"
    assert re.search(rf"<p>○ Ja, weil :</p>\s*({ruled}){{3}}<p>○ Nein, weil:", page)
    paper_part = page[page.index('<div class="qdef-paper">') :]
    assert "<hr" not in paper_part
    assert not re.search(r"<li>\s*(<p>)?\s*[○☐]", paper_part)
    assert page.count("<table") == 2  # questions 4 and 13


def test_the_workflow_page_includes_the_example_file(site: Path) -> None:
    text = _text(site / "github-workflow" / "index.html")
    workflow = (DOCS / "examples" / "qdef-instruments.yml").read_text(encoding="utf-8")
    for line in workflow.splitlines():
        assert line in text, line
    assert "--8<--" not in text


# --------------------------------------------------------------------- on GitHub


def test_the_generated_parts_of_docs_are_committed_and_up_to_date() -> None:
    # GitHub shows docs/ as committed: a generated page must be there, and current.
    generate = _hook_module("generate")
    files = generate.generated(ROOT)
    assert Path("docs/format-reference.md") in files
    assert Path("docs/diagnostics.md") in files
    assert Path("docs/investitionspakt.md") in files
    assert Path("docs/github-workflow.md") in files
    assert generate.stale(ROOT, files) == [], f"run {generate.COMMAND}"


def test_the_staleness_check_notices_a_changed_page(tmp_path: Path) -> None:
    generate = _hook_module("generate")
    files = generate.generated(ROOT)
    for path, content in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(content.encode() if isinstance(content, str) else content)
    assert generate.stale(tmp_path, files) == []
    (tmp_path / "docs/format-reference.md").write_text("# Format reference\n", encoding="utf-8")
    (tmp_path / "docs/investitionspakt/investitionspakt.lss").unlink()
    assert generate.stale(tmp_path, files) == [
        Path("docs/format-reference.md"),
        Path("docs/investitionspakt/investitionspakt.lss"),
    ]


def _nav_pages(nav: Any) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in _nav_pages(value)]
    return [page for item in nav for page in _nav_pages(item)]


def test_every_page_of_the_site_is_a_file_in_docs() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = re.search(r"^nav:\n(.*)", config, re.S | re.M)
    assert nav is not None
    pages = re.findall(r":\s+([\w./-]+\.md)$", nav.group(1), re.M)
    assert "format-reference.md" in pages
    for page in pages:
        assert (DOCS / page).is_file(), page


def test_no_page_shows_an_include_marker_or_an_empty_placeholder() -> None:
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        assert "--8<--" not in text, page.name  # shown as it is on GitHub
        for name in re.findall(r"<!-- qdef:([\w-]+)[^>]*-->", text):
            block = re.search(rf"<!-- qdef:{name}[^>]*-->\n(.*?)<!-- /qdef:{name} -->", text, re.S)
            assert block is not None and block.group(1).strip(), f"{page.name}: {name}"
    workflow = (DOCS / "github-workflow.md").read_text(encoding="utf-8")
    example = (DOCS / "examples" / "qdef-instruments.yml").read_text(encoding="utf-8")
    assert f"```yaml\n{example}```\n" in workflow


def test_the_readme_layout_names_every_package_of_qdef() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    packages = sorted(
        p.name for p in (ROOT / "src" / "qdef").iterdir() if (p / "__init__.py").is_file()
    )
    assert "diff" in packages
    for package in packages:
        assert f"`{package}/`" in layout, package


def test_the_plugin_guide_names_every_built_in_renderer() -> None:
    import tomllib  # noqa: PLC0415

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    built_in = project["entry-points"]["qdef.renderers"]
    guide = (DOCS / "plugins.md").read_text(encoding="utf-8")
    own = guide.split("qdef's own names are", 1)[1].split(".\n", 1)[0]
    assert sorted(re.findall(r"`([\w-]+)`", own)) == sorted(built_in)


def test_the_limesurvey_page_lists_every_reserved_code() -> None:
    from qdef.renderers.limesurvey import codes as ls  # noqa: PLC0415

    page = (DOCS / "limesurvey.md").read_text(encoding="utf-8")
    codes = page.split("| code | LimeSurvey requires | qdef writes |", 1)[1].split("\n\n", 1)[0]
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r"^\| (question|subquestion|answer) \| ([^|]*) \|", codes, re.M)
    }

    def reserved(cell: str) -> set[str]:
        listed = cell.split(" not ", 1)[1] if " not " in cell else ""
        return set(re.findall(r"`(\w+)`", listed))

    question = {code.lower() for code in reserved(rows["question"])}
    assert question == set(ls.RESERVED) | set(ls.RESERVED_EXACT)
    assert reserved(rows["subquestion"]) == set(ls.SUBQUESTION_FORBIDDEN) | set(ls.RESERVED_EXACT)
    assert reserved(rows["answer"]) == set(ls.RESERVED_EXACT)
