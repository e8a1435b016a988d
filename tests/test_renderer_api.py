"""The renderer API: discovery through entry points, errors that say what to do,
options, languages and the chrome catalogues.

Plugins are fake distributions written to ``tmp_path`` (a ``*.dist-info`` folder
with ``entry_points.txt`` next to the plugin's module) and put on ``sys.path``,
exactly as an installed distribution is found. Each plugin module records its
import in a marker file, so that tests can prove what was *not* imported.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping
from importlib.metadata import entry_points
from io import StringIO
from pathlib import Path

import pytest

import qdef
from qdef.cli import main
from qdef.model import Instrument
from qdef.pipeline import loads
from qdef.rendering import (
    GROUP,
    Catalog,
    LanguageError,
    RendererConflictError,
    RendererLoadError,
    RenderError,
    RenderOptionError,
    RenderOptions,
    UnknownRendererError,
    catalog,
    compile_instrument,
    get_renderer,
    options_for,
    registrations,
)
from qdef.rendering.registry import lookup, names
from qdef.wording.catalog import languages

ROOT = Path(__file__).parents[1]
INSTRUMENT = ROOT / "instruments" / "investitionspakt.yaml"

MINIMAL = (
    "qdef: 1\nid: t\ntitle: T\nlanguage: {language}\nsections:\n"
    "  - id: s\n    questions:\n"
    "      - {{id: q1, type: single, text: Frage, "
    "options: [{{code: ja, label: Ja}}, {{code: nein, label: Nein}}]}}\n"
)

TRANSLATED = """\
qdef: 1
id: raeume
title:
  de: Eigene Räume
  en: Rooms of its own
language: de
translations: [en]
sections:
  - id: s1
    questions:
      - id: nutzung
        type: multiple
        text:
          de: Wofür werden die Räume genutzt?
          en: What are the rooms used for?
        options:
          - {code: beratung, label: {de: Beratung, en: Counselling}}
          - {code: treffen, label: {de: Treffen, en: Meetings}}
"""

#: The fake plugins' modules. Each appends its name to ``imported.log`` when imported.
MARK = (
    "import pathlib\n"
    "with open(pathlib.Path(__file__).with_name('imported.log'), 'a') as _log:\n"
    "    _log.write(__name__ + '\\n')\n"
)

SHOUT = MARK + textwrap.dedent(
    """
    class ShoutRenderer:
        name = "shout"
        suffix = ".txt"
        media_type = "text/plain; charset=utf-8"
        description = "the title, upper-cased"
        options = {"bang": "end with an exclamation mark (true/false)"}
        wording = "lang"

        def render(self, compiled, options):
            title = options.text(compiled.instrument.title).upper()
            return title + ("!" if options.flag("bang") else "") + "\\n"
    """
)

CLASH = MARK + textwrap.dedent(
    """
    from qdef.rendering import BaseRenderer

    class ClashRenderer(BaseRenderer):
        name = "markdown"
        suffix = ".md"
        media_type = "text/markdown"
        description = "another markdown"

        def render(self, compiled, options):
            return "clash\\n"
    """
)

BOOM = MARK + "raise RuntimeError('the plugin is broken')\n"

PARTIAL = MARK + textwrap.dedent(
    """
    from qdef.rendering import BaseRenderer

    class NoSuffix(BaseRenderer):
        name = "nosuffix"
        media_type = "text/plain"
        description = "lacks its suffix"

        def render(self, compiled, options):
            return "x"

    class Misnamed(BaseRenderer):
        name = "other"
        suffix = ".txt"
        media_type = "text/plain"
        description = "calls itself other"

        def render(self, compiled, options):
            return "x"

    class Crash(BaseRenderer):
        name = "crash"
        suffix = ".txt"
        media_type = "text/plain"
        description = "fails when rendering"

        def render(self, compiled, options):
            raise ValueError("the crash renderer always fails")

    class Nothing(BaseRenderer):
        name = "nothing"
        suffix = ".txt"
        media_type = "text/plain"
        description = "returns None"

        def render(self, compiled, options):
            return None

    class Refuse(BaseRenderer):
        name = "refuse"
        suffix = ".txt"
        media_type = "text/plain"
        description = "refuses every instrument"

        def render(self, compiled, options):
            from qdef.rendering import RenderError

            raise RenderError("this renderer needs a codebook section")

    class Raw(BaseRenderer):
        name = "raw"
        suffix = ".bin"
        media_type = "application/octet-stream"
        description = "bytes"

        def render(self, compiled, options):
            return b"\\x00\\xffraw\\n"

    class Undeclared:
        name = "undeclared"
        suffix = ".txt"
        media_type = "text/plain"
        description = "declares neither options nor wording"

        def render(self, compiled, options):
            return "x"

    class BadWording(BaseRenderer):
        name = "badwording"
        suffix = ".txt"
        media_type = "text/plain"
        description = "an unknown wording"
        wording = "sometimes"

        def render(self, compiled, options):
            return "x"

    class Old:
        name = "old"
        suffix = ".txt"
        media_type = "text/plain"
        description = "written for the protocol that passed the instrument itself"
        options = {}
        wording = "lang"

        def render(self, instrument, options):
            return options.text(instrument.title) + "\\n"

    class OldOutline:
        name = "oldoutline"
        suffix = ".txt"
        media_type = "text/plain; charset=utf-8"
        description = "the first protocol's docs' example: options, no wording"
        options = {"ids": "print question ids (true/false, default true)"}

        def render(self, instrument, options):
            return options.text(instrument.title) + "\\n"

    class Typo(BaseRenderer):
        name = "typo"
        suffix = ".txt"
        media_type = "text/plain"
        description = "asks the compiled instrument for what it does not have"

        def render(self, compiled, options):
            return compiled.numbrs

    class BadOptions(BaseRenderer):
        name = "badoptions"
        suffix = ".txt"
        media_type = "text/plain"
        description = "options without help"
        options = ["colour"]

        def render(self, compiled, options):
            return "x"
    """
)


class Plugins:
    """Fake distributions in one folder on ``sys.path``."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.modules: set[str] = set()

    def add(
        self,
        dist: str,
        eps: Mapping[str, str],
        modules: Mapping[str, str],
        version: str = "1.0",
    ) -> None:
        info = self.site / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
        )
        (info / "entry_points.txt").write_text(
            f"[{GROUP}]\n" + "".join(f"{name} = {value}\n" for name, value in eps.items()),
            encoding="utf-8",
        )
        for module, source in modules.items():
            (self.site / f"{module}.py").write_text(source, encoding="utf-8")
            self.modules.add(module)
        importlib.invalidate_caches()
        seen = {(ep.name, ep.value) for ep in entry_points(group=GROUP)}
        assert set(eps.items()) <= seen, "importlib.metadata does not see the fake distribution"

    def imported(self) -> list[str]:
        log = self.site / "imported.log"
        return log.read_text(encoding="utf-8").split() if log.exists() else []


@pytest.fixture
def plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Plugins]:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    found = Plugins(site)
    yield found
    for module in found.modules:
        sys.modules.pop(module, None)
    importlib.invalidate_caches()


@pytest.fixture
def shout(plugins: Plugins) -> Plugins:
    plugins.add("fake-renderer-dist", {"shout": "fake_shout:ShoutRenderer"}, {"fake_shout": SHOUT})
    return plugins


@pytest.fixture
def clash(shout: Plugins) -> Plugins:
    shout.add("markdown-clash", {"markdown": "fake_clash:ClashRenderer"}, {"fake_clash": CLASH})
    return shout


@pytest.fixture
def broken(shout: Plugins) -> Plugins:
    shout.add(
        "broken-plugins",
        {
            "boom": "fake_boom:Boom",
            "nosuffix": "fake_partial:NoSuffix",
            "misnamed": "fake_partial:Misnamed",
            "crash": "fake_partial:Crash",
            "raw": "fake_partial:Raw",
            "refuse": "fake_partial:Refuse",
            "nothing": "fake_partial:Nothing",
            "undeclared": "fake_partial:Undeclared",
            "badwording": "fake_partial:BadWording",
            "badoptions": "fake_partial:BadOptions",
            "old": "fake_partial:Old",
            "typo": "fake_partial:Typo",
            "oldoutline": "fake_partial:OldOutline",
        },
        {"fake_boom": BOOM, "fake_partial": PARTIAL},
        version="0.3",
    )
    return shout


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    status = main([str(a) for a in argv], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def minimal(language: str = "de") -> Instrument:
    return loads(MINIMAL.format(language=language))


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- discovery


def test_qdef_registers_its_own_renderer_as_an_entry_point() -> None:
    (markdown,) = [r for r in registrations() if r.name == "markdown"]
    assert markdown.distribution == "qdef"
    assert markdown.version == qdef.__version__
    assert markdown.value == "qdef.renderers.paper:MarkdownRenderer"
    renderer = get_renderer("markdown")
    assert (renderer.name, renderer.suffix) == ("markdown", ".md")
    assert renderer.media_type.startswith("text/markdown")
    assert renderer.description and "\n" not in renderer.description


def test_a_plugin_is_found_without_importing_it(shout: Plugins) -> None:
    found = {r.name: r for r in registrations()}
    assert found["shout"].distribution == "fake-renderer-dist"
    assert found["shout"].version == "1.0"
    assert found["shout"].value == "fake_shout:ShoutRenderer"
    assert "shout" in names()
    assert lookup("shout").distribution == "fake-renderer-dist"
    get_renderer("markdown")  # another renderer, loaded
    assert shout.imported() == []
    assert "fake_shout" not in sys.modules


def test_a_plugin_renders_through_the_library(shout: Plugins) -> None:
    assert qdef.render(minimal(), to="shout") == "T\n"
    assert qdef.render(minimal(), to="shout", bang="yes") == "T!\n"
    assert shout.imported() == ["fake_shout"]


def test_the_library_renders_a_file_path() -> None:
    text = qdef.render(INSTRUMENT, to="markdown")
    assert isinstance(text, str)
    assert text.startswith("# Befragung zum Einsatz eines Integrationsmanagements")
    assert qdef.render(str(INSTRUMENT), to="markdown") == text


def test_qdef_renderers_lists_a_plugin(shout: Plugins) -> None:
    status, out, err = run("renderers")
    assert status == 0, err
    assert err == ""
    (line,) = [line for line in out.splitlines() if line.startswith("shout ")]
    assert ".txt" in line
    assert "fake-renderer-dist 1.0" in line
    assert "the title, upper-cased" in line
    assert "-O bang=" in out
    assert re.search(r"^markdown +\.md +qdef ", out, re.MULTILINE)


def test_qdef_renders_with_a_plugin_on_the_command_line(
    shout: Plugins, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write(tmp_path, "umfrage.yaml", MINIMAL.format(language="de"))
    monkeypatch.chdir(tmp_path)
    status, _out, err = run("render", source, "--to", "shout", "-O", "bang=true")
    assert status == 0, err
    assert (tmp_path / "umfrage.txt").read_text(encoding="utf-8") == "T!\n"


# --------------------------------------------------------------------------- clashes


def test_a_name_registered_twice_is_an_error_naming_both(clash: Plugins) -> None:
    with pytest.raises(RendererConflictError) as raised:
        get_renderer("markdown")
    message = str(raised.value)
    assert "'markdown'" in message
    assert "qdef 0.1.0" in message
    assert "markdown-clash 1.0" in message
    assert "uninstall" in message
    assert "fake_clash" not in clash.imported()  # refused before anything is imported
    with pytest.raises(RendererConflictError):
        qdef.render(minimal(), to="markdown")


def test_render_refuses_a_clashing_name(clash: Plugins, tmp_path: Path) -> None:
    source = write(tmp_path, "t.yaml", MINIMAL.format(language="de"))
    status, _out, err = run("render", source, "--to", "markdown", "-o", tmp_path / "t.md")
    assert status == 2
    assert "qdef 0.1.0" in err and "markdown-clash 1.0" in err
    assert not (tmp_path / "t.md").exists()


def test_renderers_reports_a_clash_and_fails(clash: Plugins) -> None:
    status, out, err = run("renderers")
    assert status == 1
    assert "shout" in out
    assert "the renderer name 'markdown' is registered more than once" in err
    assert "qdef 0.1.0 (qdef.renderers.paper:MarkdownRenderer)" in err
    assert "markdown-clash 1.0 (fake_clash:ClashRenderer)" in err


def test_a_name_that_does_not_clash_still_renders(clash: Plugins, tmp_path: Path) -> None:
    source = write(tmp_path, "t.yaml", MINIMAL.format(language="de"))
    status, out, err = run("render", source, "--to", "shout", "-o", "-")
    assert (status, out) == (0, "T\n"), err
    assert qdef.render(minimal(), to="shout") == "T\n"


# --------------------------------------------------------------------------- unknown names


def test_an_unknown_name_lists_the_installed_renderers(shout: Plugins) -> None:
    with pytest.raises(UnknownRendererError) as raised:
        get_renderer("latex")
    message = str(raised.value)
    assert "'latex'" in message
    listed = re.search(r"installed renderers: (.*?)\. ", message)
    assert listed is not None, message
    assert listed.group(1).split(", ") == names()  # sorted, each once
    assert {"markdown", "shout"} <= set(names())
    assert "qdef renderers" in message
    assert shout.imported() == []


def test_render_with_an_unknown_name_exits_2(tmp_path: Path) -> None:
    source = write(tmp_path, "t.yaml", MINIMAL.format(language="de"))
    status, out, err = run("render", source, "--to", "latex")
    assert status == 2
    assert out == ""
    assert "no renderer is called 'latex'" in err
    assert "markdown" in err


# --------------------------------------------------------------------------- broken plugins


def test_a_plugin_that_cannot_be_imported_names_its_distribution(broken: Plugins) -> None:
    with pytest.raises(RendererLoadError) as raised:
        get_renderer("boom")
    message = str(raised.value)
    assert "broken-plugins 0.3" in message
    assert "RuntimeError: the plugin is broken" in message


def test_a_class_without_a_suffix_is_not_a_renderer(broken: Plugins) -> None:
    with pytest.raises(RendererLoadError, match=r"is not a renderer: it lacks suffix$"):
        get_renderer("nosuffix")


def test_options_and_wording_are_part_of_the_protocol(broken: Plugins) -> None:
    with pytest.raises(RendererLoadError) as raised:
        get_renderer("undeclared")
    assert "it lacks options, wording (subclass qdef.rendering.BaseRenderer" in str(raised.value)
    with pytest.raises(RendererLoadError, match=r"its wording is 'sometimes', not one of 'lang'"):
        get_renderer("badwording")
    with pytest.raises(RendererLoadError, match=r"its options must map each option's name"):
        get_renderer("badoptions")
    shout = get_renderer("shout")  # declared without the base class
    assert (dict(shout.options), shout.wording) == (
        {"bang": "end with an exclamation mark (true/false)"},
        "lang",
    )
    assert (dict(get_renderer("raw").options), get_renderer("raw").wording) == ({}, "lang")


def test_an_entry_point_name_must_be_the_renderers_name(broken: Plugins) -> None:
    with pytest.raises(RendererLoadError) as raised:
        get_renderer("misnamed")
    assert "calls itself 'other'" in str(raised.value)
    assert "broken-plugins" in str(raised.value)


def test_renderers_lists_the_others_when_plugins_are_broken(broken: Plugins) -> None:
    status, out, err = run("renderers")
    assert status == 1
    listed = {line.split()[0] for line in out.splitlines()[1:] if not line.startswith(" ")}
    assert {"markdown", "shout", "crash", "boom", "nosuffix", "misnamed"} <= listed
    assert re.search(r"^markdown +\.md ", out, re.MULTILINE)
    assert re.search(r"^boom +\? .*cannot be loaded", out, re.MULTILINE)
    assert "RuntimeError: the plugin is broken" in err
    assert "it lacks suffix" in err
    assert "calls itself 'other'" in err
    # JSON too: the same rows, the problems listed.
    status, out, err = run("renderers", "--format", "json")
    assert status == 1
    data = json.loads(out)
    rows = {row["name"]: row for row in data["renderers"]}
    assert rows["shout"]["suffix"] == ".txt"
    assert "error" in rows["boom"] and "suffix" not in rows["boom"]
    problems = "\n".join(data["problems"])
    for expected in ("RuntimeError: the plugin is broken", "lacks suffix", "itself 'other'"):
        assert expected in problems
    assert "'shout'" not in problems and "'markdown'" not in problems


def test_a_broken_plugin_does_not_stop_others_from_rendering(
    broken: Plugins, tmp_path: Path
) -> None:
    source = write(tmp_path, "t.yaml", MINIMAL.format(language="de"))
    assert run("render", source, "--to", "shout", "-o", "-")[:2] == (0, "T\n")
    status, _out, err = run("render", source, "--to", "boom", "-o", "-")
    assert status == 2
    assert "broken-plugins 0.3" in err


def test_a_plugin_that_fails_to_render_writes_nothing(broken: Plugins, tmp_path: Path) -> None:
    source = write(tmp_path, "t.yaml", MINIMAL.format(language="de"))
    target = write(tmp_path, "out.txt", "before\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    status, out, err = run("render", source, "--to", "crash", "-o", target)
    assert (status, out) == (1, "")
    assert "broken-plugins 0.3" in err
    assert "bug in that renderer" in err
    assert "ValueError: the crash renderer always fails" in err
    assert "internal error" not in err  # the plugin's bug, not qdef's
    assert target.read_text(encoding="utf-8") == "before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    status, _out, err = run("render", source, "--to", "crash", "-o", tmp_path / "new.txt")
    assert status == 1
    assert not (tmp_path / "new.txt").exists()


def test_a_plugin_written_for_the_old_protocol_is_told_apart_from_a_bug(
    broken: Plugins, tmp_path: Path
) -> None:
    # render(instrument, options) of the first protocol, given the compiled instrument:
    # the user is told what is wrong (and whose it is), not shown a traceback as a bug.
    source = write(tmp_path, "t.yaml", MINIMAL.format(language="de"))
    status, out, err = run("render", source, "--to", "old", "-o", tmp_path / "t.txt")
    assert (status, out) == (1, "")
    assert f"cannot render {source} with 'old' of broken-plugins 0.3" in err
    assert "written for an older qdef" in err
    assert "compiled.instrument" in err
    assert "bug in that renderer" not in err and "Traceback" not in err
    assert not (tmp_path / "t.txt").exists()
    # The first protocol's options and wording were optional: a plugin made from its docs
    # (options declared, wording not) is refused when loaded, saying so.
    with pytest.raises(RendererLoadError) as refused:
        get_renderer("oldoutline")
    assert "it lacks wording (subclass qdef.rendering.BaseRenderer" in str(refused.value)
    assert "written for an older qdef" in str(refused.value)
    status, _out, err = run("render", source, "--to", "oldoutline", "-o", tmp_path / "t.txt")
    assert status == 2
    assert "written for an older qdef" in err
    with pytest.raises(RendererLoadError, match="written for an older qdef") as raised:
        qdef.render(minimal(), to="old")
    assert isinstance(raised.value.__cause__, AttributeError)
    # Any other AttributeError of a plugin is still its bug.
    with pytest.raises(AttributeError):
        qdef.render(minimal(), to="typo")
    status, _out, err = run("render", source, "--to", "typo", "-o", tmp_path / "t.txt")
    assert status == 1
    assert "bug in that renderer" in err and "'numbrs'" in err


def test_a_plugin_that_refuses_says_why_and_whose_it_is(broken: Plugins, tmp_path: Path) -> None:
    source = write(tmp_path, "t.yaml", MINIMAL.format(language="de"))
    target = write(tmp_path, "t.txt", "before\n")
    status, out, err = run("render", source, "--to", "refuse", "-o", target)
    assert (status, out) == (1, "")
    assert f"cannot render {source} with 'refuse' of broken-plugins 0.3" in err
    assert "this renderer needs a codebook section" in err
    assert target.read_text(encoding="utf-8") == "before\n"
    with pytest.raises(RenderError, match="needs a codebook section"):
        qdef.render(minimal(), to="refuse")


def test_a_plugin_that_returns_neither_text_nor_bytes_writes_nothing(
    broken: Plugins, tmp_path: Path
) -> None:
    source = write(tmp_path, "t.yaml", MINIMAL.format(language="de"))
    status, out, err = run("render", source, "--to", "nothing", "-o", tmp_path / "t.txt")
    assert (status, out) == (1, "")
    assert "'nothing' of broken-plugins 0.3" in err
    assert "returned NoneType, not text or bytes" in err
    assert not (tmp_path / "t.txt").exists()


def test_a_renderer_returning_bytes_is_written_as_they_are(broken: Plugins, tmp_path: Path) -> None:
    source = write(tmp_path, "t.yaml", MINIMAL.format(language="de"))
    status, out, err = run("render", source, "--to", "raw", "-o", tmp_path / "t.bin")
    assert status == 0, err
    assert (tmp_path / "t.bin").read_bytes() == b"\x00\xffraw\n"
    # Bytes cannot go to a text stream without a binary buffer: refused, not misdirected.
    status, out, err = run("render", source, "--to", "raw", "-o", "-")
    assert (status, out) == (2, "")
    assert "-o PATH" in err
    # The real standard output takes them.
    done = subprocess.run(
        [sys.executable, "-m", "qdef", "render", str(source), "--to", "raw", "-o", "-"],
        capture_output=True,
        # the qdef under test (this tree's src, whatever the environment installed)
        env={**_env(), "PYTHONPATH": os.pathsep.join([str(broken.site), str(ROOT / "src")])},
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, b"\x00\xffraw\n"), done.stderr


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


# --------------------------------------------------------------------------- options


def test_an_unknown_option_is_refused_with_the_options_there_are(
    shout: Plugins, tmp_path: Path
) -> None:
    source = write(tmp_path, "t.yaml", MINIMAL.format(language="de"))
    status, out, err = run("render", source, "--to", "shout", "-O", "colour=red", "-o", "-")
    assert (status, out) == (2, "")
    assert "no option 'colour'" in err
    assert "its options: bang" in err
    status, out, err = run("render", source, "--to", "markdown", "-O", "toc=yes", "-o", "-")
    assert (status, out) == (2, "")
    assert "'markdown' has no option 'toc'; it takes no options" in err
    with pytest.raises(RenderOptionError, match="its options: bang"):
        qdef.render(minimal(), to="shout", colour="red")


@pytest.mark.parametrize("option", ["foo", "=x", " =x"])
def test_a_malformed_option_is_a_usage_error(option: str, tmp_path: Path) -> None:
    source = write(tmp_path, "t.yaml", MINIMAL.format(language="de"))
    status, out, err = run("render", source, "--to", "markdown", "-O", option, "-o", "-")
    assert (status, out) == (2, "")
    assert "KEY=VALUE" in err


def test_an_option_given_twice_is_refused(shout: Plugins, tmp_path: Path) -> None:
    source = write(tmp_path, "t.yaml", MINIMAL.format(language="de"))
    status, out, err = run(
        "render", source, "--to", "shout", "-O", "bang=yes", "-O", "bang=no", "-o", "-"
    )
    assert (status, out) == (2, "")
    assert "given twice" in err


def test_a_bad_option_value_is_a_usage_error(shout: Plugins, tmp_path: Path) -> None:
    source = write(tmp_path, "t.yaml", MINIMAL.format(language="de"))
    status, out, err = run("render", source, "--to", "shout", "-O", "bang=maybe", "-o", "-")
    assert (status, out) == (2, "")
    assert "'bang' takes true or false, not 'maybe'" in err


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        ("true", True),
        ("YES", True),
        (" 1 ", True),
        ("on", True),
        ("false", False),
        ("No", False),
        ("0", False),
        ("off", False),
    ],
)
def test_flag_reads_yes_and_no(value: object, expected: bool) -> None:
    options = RenderOptions("de", catalog("de"), {"flag": value})
    assert options.flag("flag") is expected


def test_flag_defaults_and_refuses_other_values() -> None:
    options = RenderOptions("de", catalog("de"), {"bad": "maybe", "empty": ""})
    assert options.flag("missing") is False
    assert options.flag("missing", default=True) is True
    for name in ("bad", "empty"):
        with pytest.raises(RenderOptionError, match=f"option '{name}' takes true or false"):
            options.flag(name)


def test_text_picks_the_language() -> None:
    english = RenderOptions("en", catalog("en"))
    german = RenderOptions("de", catalog("de"))
    both = {"de": "Ja", "en": "Yes"}
    assert english.text(both) == "Yes"
    assert german.text(both) == "Ja"
    assert english.text("plain") == "plain"
    # A mapping with the instrument's own language only (allowed without translations).
    assert english.text({"de": "Nur deutsch"}) == "Nur deutsch"
    assert german.chrome.lang == "de"
    assert german.chrome.entries == catalog("de").entries


# --------------------------------------------------------------------------- languages


def test_lang_renders_the_translation_with_its_chrome(tmp_path: Path) -> None:
    source = write(tmp_path, "raeume.yaml", TRANSLATED)
    status, english, err = run("render", source, "--to", "markdown", "--lang", "en", "-o", "-")
    assert status == 0, err
    assert english.startswith("# Rooms of its own\n")
    assert "What are the rooms used for?" in english
    assert "Counselling" in english and "Meetings" in english
    assert "(multiple answers possible)" in english
    assert "Mehrfachnennungen" not in english
    assert "Beratung" not in english
    status, german, err = run("render", source, "--to", "markdown", "-o", "-")
    assert status == 0, err
    assert german.startswith("# Eigene Räume\n")
    assert "(Mehrfachnennungen möglich)" in german
    assert "multiple answers" not in german
    # The library agrees, and takes the tag in any case.
    assert qdef.render(source, to="markdown", lang="EN") == english


def test_a_language_the_instrument_lacks_is_refused(tmp_path: Path) -> None:
    source = write(tmp_path, "raeume.yaml", TRANSLATED)
    status, out, err = run("render", source, "--to", "markdown", "--lang", "fr", "-o", "-")
    assert (status, out) == (2, "")
    assert "texts in de, en, not in 'fr'" in err
    assert "--lang de or --lang en" in err
    with pytest.raises(LanguageError):
        qdef.render(source, to="markdown", lang="fr")


def test_a_language_qdef_has_no_wording_for_is_refused(tmp_path: Path) -> None:
    source = write(tmp_path, "nl.yaml", MINIMAL.format(language="nl"))
    target = tmp_path / "nl.md"
    status, _out, err = run("render", source, "--to", "markdown", "-o", target)
    assert status == 2
    assert "no wording for the language 'nl' (it has de, en, es, fr;" in err
    assert "add one with 'qdef catalog init nl', see docs/languages.md" in err
    # a fix the author can carry out (not: edit the installed qdef)
    assert "translate the instrument into de or en or es or fr (translations: [de]" in err
    assert "and render with --lang de" in err
    assert "catalogs/" not in err
    assert not target.exists()
    with pytest.raises(LanguageError, match="it has de, en, es, fr"):
        qdef.render(minimal("nl"), to="markdown")


def test_a_regional_tag_uses_its_languages_catalogue() -> None:
    austrian = qdef.render(loads(re.sub(r"\bde\b", "de-AT", TRANSLATED)), to="markdown")
    assert isinstance(austrian, str)
    assert "(Mehrfachnennungen möglich)" in austrian
    assert "Eigene Räume" in austrian
    english = qdef.render(
        loads(re.sub(r"\ben\b", "en-GB", TRANSLATED)), to="markdown", lang="en-gb"
    )
    assert isinstance(english, str)
    assert "(multiple answers possible)" in english


# --------------------------------------------------------------------------- catalogues


def test_qdef_has_german_and_english_wording() -> None:
    assert {"de", "en"} <= set(languages())
    assert languages() == sorted(languages())


def test_the_catalogues_have_the_same_keys_and_placeholders() -> None:
    german, english = catalog("de"), catalog("en")
    assert sorted(german.entries) == sorted(english.entries)
    for key in german.entries:
        assert german.placeholders(key) == english.placeholders(key), key


#: Prefixed to every catalogue text: Markdown syntax of every kind, between markers.
HOSTILE = "⟦*_`[x](y)|<b>~~#&amp;\\⟧ "


@pytest.mark.parametrize(
    "case",
    [*sorted((ROOT / "tests" / "cases" / "render").glob("*.yaml")), INSTRUMENT],
    ids=lambda path: path.stem,
)
def test_catalogue_texts_are_escaped_like_any_other_text(case: Path) -> None:
    """The catalogues are plain text: whatever they contain shows literally."""
    from markdown_it import MarkdownIt  # noqa: PLC0415

    from qdef.renderers.paper import MarkdownRenderer  # noqa: PLC0415

    instrument = qdef.load(case)
    renderer = MarkdownRenderer()
    options = options_for(renderer, instrument)
    hostile = Catalog(
        options.chrome.lang,
        {key: HOSTILE + text for key, text in options.chrome.entries.items()},
    )
    text = renderer.render(
        compile_instrument(instrument), dataclasses.replace(options, chrome=hostile)
    )
    html = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(text)
    shown = "⟦*_`[x](y)|&lt;b&gt;~~#&amp;amp;\\⟧"
    assert text.count("⟦") == html.count(shown)
    if case == INSTRUMENT:  # routing notes, hints, the personal-data note
        assert html.count(shown) >= 8
    assert "<b>" not in html and "<a " not in html and "<code>" not in html


def test_a_catalogue_is_chosen_by_language_tag() -> None:
    assert catalog("de-AT").lang == "de"
    assert catalog("DE").lang == "de"
    assert catalog("en-GB").lang == "en"
    assert catalog("de")("goto", number="7") == "weiter mit Frage 7"
    assert catalog("en")("goto", number="7") == "go to question 7"
    assert catalog("fr-CA").lang == "fr"
    with pytest.raises(LanguageError, match="it has de, en, es, fr"):
        catalog("nl-BE")
    with pytest.raises(KeyError, match="no entry 'nonsense'"):
        catalog("de")("nonsense")


# --------------------------------------------------------------------------- errors


def test_render_errors_are_one_family() -> None:
    for error in (
        UnknownRendererError,
        RendererConflictError,
        RendererLoadError,
        RenderOptionError,
        LanguageError,
    ):
        assert issubclass(error, RenderError)
    assert issubclass(RenderError, Exception)


# --------------------------------------------------------------------------- lightness


def _modules_after(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert isinstance(found, list)
    return found


def test_listing_renderers_imports_no_renderer() -> None:
    found = _modules_after(
        "import json, sys, qdef.rendering as r; r.registrations(); r.registry.names(); "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('qdef.'))))"
    )
    assert "qdef.rendering.registry" in found, "the probe did not see the registry"
    renderers = [m for m in found if m == "qdef.renderers" or m.startswith("qdef.renderers.")]
    assert renderers == []
    for module in (
        "qdef.rendering.markdown",
        "qdef.rendering.words",
        "qdef.rendering.notes",
        "qdef.rendering.phrases",
        "qdef.rendering.spacing",
        "qdef.pipeline",
        "qdef.routing",
        "qdef.model",
    ):
        assert module not in found


def test_qdef_renderers_imports_no_rendering_code() -> None:
    found = _modules_after(
        "import io, json, sys; from qdef.cli import main; "
        "assert main(['renderers'], io.StringIO(), io.StringIO()) == 0; "
        "print(json.dumps(sorted(sys.modules)))"
    )
    for described in ("paper", "webform", "limesurvey"):
        assert f"qdef.renderers.{described}" in found  # described, so imported …
    for module in (
        "qdef.routing",
        "qdef.renderers.paper.writer",
        "qdef.rendering.words",
        "qdef.renderers.webform.writer",
        "qdef.renderers.limesurvey.codes",
        "qdef.renderers.limesurvey.expressions",
        "qdef.renderers.limesurvey.survey",
        "qdef.renderers.limesurvey.questions",
        "qdef.renderers.limesurvey.arrays",
        "qdef.renderers.limesurvey.lowering",
        "qdef.renderers.limesurvey.writer",
        "jinja2",
        "markupsafe",
    ):
        assert module not in found  # … but nothing they render with
