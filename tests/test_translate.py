"""Translating instruments with PO files: ``qdef translate extract`` and ``merge``,
the source hashes, the completeness check (QD410, QD411) and ``qdef diff``'s QD777.

docs/translating.md is the workflow these tests hold to; the English
Investitionspakt (examples/investitionspakt-en) was made with these tools.
"""

from __future__ import annotations

import io
import typing
from pathlib import Path
from types import NoneType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qdef.cli import main
from qdef.diagnostics import Code
from qdef.model import Node, Text
from qdef.model.base import Translation
from qdef.model.texts import _TEXT_FIELDS, source_hash, texts
from qdef.pipeline import validate_file, validate_text
from qdef.rendering import render
from qdef.rendering.protocol import RenderOptions
from qdef.rendering.registry import names
from qdef.translate import TranslationError, extract, merge
from qdef.translate.entries import translatable
from qdef.translate.po import PoError, parse
from qdef.translate.yamlmerge import Layout
from qdef.wording.catalog import catalog

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "investitionspakt-en"
ENGLISH = EXAMPLE / "investitionspakt.yaml"
GERMAN = ROOT / "instruments" / "investitionspakt.yaml"
INSTRUMENTS = sorted((ROOT / "instruments").glob("*.yaml"))
#: Instruments with many kinds of text: the render cases, the shipped instruments.
FEATURES = sorted((ROOT / "tests" / "cases" / "render").glob("*.yaml")) + INSTRUMENTS


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


def compiled(path: Path) -> Any:
    result = validate_file(path, routing=False)
    assert result.ok, result.diagnostics
    return result.compiled


def po_entries(data: bytes) -> dict[str, Any]:
    return parse(data).by_context()


# --------------------------------------------------------------------- every text


def _mentions_text(annotation: Any) -> bool:
    """Whether a field's type holds a text (a translation mapping's values are Text's)."""
    if annotation is Translation:
        return True
    return any(_mentions_text(arg) for arg in typing.get_args(annotation))


def _is_text(annotation: Any) -> bool:
    """Whether a field's type is exactly Text, or Text | None."""
    members = set(typing.get_args(annotation)) - {NoneType}
    return members == set(typing.get_args(Text))


def _node_classes() -> list[type[Node]]:
    found: list[type[Node]] = []
    todo = [Node]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in found:
                found.append(sub)
                todo.append(sub)
    return found


def test_every_text_field_of_the_model_is_a_translatable_text() -> None:
    """The walk of the texts (qdef.model.texts) goes by field names: every field that
    holds a text has one of them, and every field so named is a text."""
    classes = [c for c in _node_classes() if c is not Translation]
    assert len(classes) > 30
    for cls in classes:
        for name, info in cls.model_fields.items():
            holds_text = _mentions_text(info.annotation)
            assert holds_text == (name in _TEXT_FIELDS), f"{cls.__name__}.{name}"
            if holds_text:
                assert _is_text(info.annotation), f"{cls.__name__}.{name}: not Text"


def _text_nodes(node: Any, path: tuple[str | int, ...]) -> list[tuple[str | int, ...]]:
    """Every text in a loaded instrument, found by walking every field of every node and
    picking the values whose field is typed Text (independent of qdef.model.texts)."""
    found: list[tuple[str | int, ...]] = []
    if isinstance(node, list):
        for i, item in enumerate(node):
            found += _text_nodes(item, (*path, i))
    elif isinstance(node, Node):
        for name, info in type(node).model_fields.items():
            value = getattr(node, name)
            if value is None:
                continue
            if _is_text(info.annotation):
                found.append((*path, name))
            else:
                found += _text_nodes(value, (*path, name))
    return found


@pytest.mark.parametrize("path", FEATURES, ids=lambda p: p.stem)
def test_extract_misses_no_text(path: Path, tmp_path: Path) -> None:
    result = compiled(path)
    wanted = _text_nodes(result.instrument, ())
    assert wanted, "the walk finds texts"
    found = translatable(result.instrument, result.document, "xx")
    assert sorted(e.path for e in found) == sorted(wanted)  # (the walks' orders differ)
    made = extract(result, "xx", None, path.parent)
    contexts = po_entries(made.data)
    assert len(contexts) == len(wanted)  # each text its own, unique, context
    assert {m.id for m in contexts.values()} == {e.source for e in found}


def test_contexts_name_texts_by_ids_and_codes() -> None:
    contexts = po_entries((EXAMPLE / "en.po").read_bytes())
    assert contexts["title"].id.startswith("Befragung zum Einsatz")
    assert contexts["questions/im_eingesetzt/options/ja/label"].id == "Ja"
    assert contexts["sections/ohne_im/title"].string.startswith("Questions for municipalities")
    assert (
        contexts[
            "questions/gruende_kein_im/options/sonstiges/specify/gruende_kein_im_sonstiges/suffix"
        ].id
        == "(bitte nennen)"
    )
    assert contexts["questions/aufgaben_zustaendigkeit/rows/vernetzung/label"].id.startswith(
        "Vernetzung"
    )
    assert "questions/schwerpunkte/scale/4/description" in contexts


def test_references_give_the_file_and_line_of_the_source_text() -> None:
    text = (EXAMPLE / "en.po").read_text(encoding="utf-8")
    lines = ENGLISH.read_text(encoding="utf-8").splitlines()
    catalog_ = parse((EXAMPLE / "en.po").read_bytes()).catalog
    checked = 0
    for message in catalog_:
        if not message.id:
            continue
        ((file, line),) = message.locations
        assert file == "investitionspakt.yaml"
        source_line = lines[line - 1]
        first_word = str(message.id).split()[0]
        assert first_word in source_line or source_line.rstrip().endswith((">-", "|")), (
            message.context,
            source_line,
        )
        checked += 1
    assert checked == 132
    assert "#: investitionspakt.yaml:" in text


# --------------------------------------------------------------------- msgmerge


FLOW = """\
qdef: 1
id: kurz
title: Kurz
language: de
sections:
  - id: s1
    questions:
      - id: q1
        type: single
        text: Wie geht es?  # a comment
        options:
          - {code: gut, label: Gut}
          - {code: schlecht, label: Schlecht}
      - id: q2
        type: text
        text: Warum?
"""


def _extract(path: Path, po: Path, lang: str = "en") -> str:
    code, _, err = run("translate", "extract", path, "--lang", lang, "-o", po)
    assert code == 0, err
    return po.read_text(encoding="utf-8")


def test_extract_updates_a_po_file_as_msgmerge_does(tmp_path: Path) -> None:
    source = tmp_path / "kurz.yaml"
    source.write_text(FLOW, "utf-8")
    po = tmp_path / "en.po"
    first = _extract(source, po)
    assert first.count("msgctxt") == 5
    # a translator translates two entries, and adds a name to the header
    first = first.replace('msgid "Gut"\nmsgstr ""', 'msgid "Gut"\nmsgstr "Good"')
    first = first.replace('msgid "Warum?"\nmsgstr ""', 'msgid "Warum?"\nmsgstr "Why?"')
    first = first.replace(
        '"X-Source-Language: de\\n"\n', '"X-Source-Language: de\\n"\n"Last-Translator: A. B.\\n"\n'
    )
    po.write_text(first, "utf-8")
    # the source changes: one text reworded, one question gone
    source.write_text(FLOW.replace("label: Gut}", "label: Sehr gut}").split("      - id: q2")[0])
    second = _extract(source, po)
    assert '#, fuzzy\n#| msgid "Gut"\nmsgctxt "questions/q1/options/gut/label"\n' in second
    assert 'msgid "Sehr gut"\nmsgstr "Good"' in second
    assert '#~ msgctxt "questions/q2/text"\n#~ msgid "Warum?"\n#~ msgstr "Why?"' in second
    assert '"Last-Translator: A. B.\\n"' in second
    # extracting again changes nothing; the question back revives its translation
    assert _extract(source, po) == second
    source.write_text(FLOW.replace("label: Gut}", "label: Sehr gut}"), "utf-8")
    third = _extract(source, po)
    assert "#~" not in third
    assert 'msgctxt "questions/q2/text"\nmsgid "Warum?"\nmsgstr "Why?"' in third


def test_extract_writes_the_same_bytes_every_time(tmp_path: Path) -> None:
    made = [extract(compiled(ENGLISH), "en", None, EXAMPLE).data for _ in range(2)]
    assert made[0] == made[1]
    assert b"POT-Creation-Date" not in made[0] and b"Generated-By" not in made[0]


def test_merge_writes_into_flow_and_block_texts_and_declares_the_language(
    tmp_path: Path,
) -> None:
    source = tmp_path / "kurz.yaml"
    source.write_text(FLOW, "utf-8")
    po = tmp_path / "en.po"
    text = _extract(source, po)
    for de, en in [("Kurz", "Short"), ("Wie geht es?", "How are you?"), ("Gut", "Good")]:
        text = text.replace(f'msgid "{de}"\nmsgstr ""', f'msgid "{de}"\nmsgstr "{en}"')
    po.write_text(text, "utf-8")
    code, _, err = run("translate", "merge", source, po, "-o", tmp_path / "out.yaml")
    assert code == 0, err
    assert (
        "3 translations written (en added to translations), 0 fuzzy, 0 outdated, 2 untranslated"
        in err
    )
    out = (tmp_path / "out.yaml").read_text(encoding="utf-8")
    assert out == (
        FLOW.replace(
            "title: Kurz\nlanguage: de\n",
            "title:\n  de: Kurz\n"
            f'  en: {{text: Short, source: "{source_hash("Kurz")}"}}\n'
            "language: de\ntranslations: [en]\n",
        )
        .replace(
            "        text: Wie geht es?  # a comment\n",
            "        text:\n          de: Wie geht es?  # a comment\n"
            f'          en: {{text: "How are you?", source: "{source_hash("Wie geht es?")}"}}\n',
        )
        .replace(
            "label: Gut}",
            f'label: {{de: Gut, en: {{text: Good, source: "{source_hash("Gut")}"}}}}}}',
        )
    )
    result = validate_text(out, tmp_path / "out.yaml")
    assert result.ok
    assert {d.code for d in result.diagnostics} == {Code.QD410}  # two texts untranslated


@settings(max_examples=25)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1))
def test_any_translation_is_written_safely_and_reads_back(translation: str) -> None:
    """Quotes, colons, braces, '#', '&', '*', leading dashes: the merged YAML reads back as
    exactly the translation (merge checks it, and refuses to write otherwise)."""
    if not translation.strip(" \t\n\r") or "\r" in translation:
        return
    text = FLOW
    result = validate_text(text, Path("kurz.yaml"))
    assert result.compiled is not None
    po = extract(result.compiled, "en", None)
    data = po.data.decode("utf-8").replace('msgid "Warum?"\nmsgstr ""', "").encode()
    parsed = parse(data)
    for message in parsed.catalog:
        if message.context == "questions/q2/text":
            message.string = translation
    parsed.catalog.add("Warum?", translation, context="questions/q2/text")
    try:
        merged = merge(result.compiled, text, parsed, "en")
    except TranslationError as refused:  # a '{' that pipes nothing: the translator's
        ((_, context, _),) = refused.problems
        assert context == "questions/q2/text"
        return
    back = validate_text(merged.text, Path("kurz.yaml"))
    assert back.ok
    assert back.instrument is not None
    question = back.instrument.sections[0].questions[1]
    assert question.text == {"de": "Warum?", "en": translation}


# --------------------------------------------------------------------- refusals


def test_a_translation_that_breaks_the_instrument_is_refused_with_its_po_line(
    tmp_path: Path,
) -> None:
    source = tmp_path / "kurz.yaml"
    source.write_text(FLOW, "utf-8")
    po = tmp_path / "en.po"
    text = _extract(source, po)
    text = text.replace('msgid "Gut"\nmsgstr ""', 'msgid "Gut"\nmsgstr "Good"')
    text = text.replace('msgid "Warum?"\nmsgstr ""', 'msgid "Warum?"\nmsgstr "Why {q1?"')
    po.write_text(text, "utf-8")
    line = text.splitlines().index('msgid "Warum?"') + 1  # the entry's msgid
    code, _, err = run("translate", "merge", source, po, "-o", tmp_path / "out.yaml")
    assert code == 1
    assert err.startswith(f"{po}:{line}: error: questions/q2/text: ")
    assert "fix them in" in err and "nothing was written" in err
    assert not (tmp_path / "out.yaml").exists()


def test_merge_never_changes_its_input_unless_told(tmp_path: Path) -> None:
    source = tmp_path / "kurz.yaml"
    source.write_text(FLOW, "utf-8")
    _extract(source, tmp_path / "en.po")
    code, _, err = run("translate", "merge", source, tmp_path / "en.po")
    assert code == 2 and "one of the arguments -o/--output --in-place is required" in err
    code, _, err = run("translate", "merge", source, tmp_path / "en.po", "-o", source)
    assert code == 2 and "qdef never changes its input unless told" in err
    assert source.read_text(encoding="utf-8") == FLOW


def test_a_broken_po_file_is_reported_with_its_line(tmp_path: Path) -> None:
    source = tmp_path / "kurz.yaml"
    source.write_text(FLOW, "utf-8")
    po = tmp_path / "en.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\nmsgctxt "title"\nmsgid "Kurz"\nmsgtr "Short"\n',
        "utf-8",
    )
    code, _, err = run("translate", "merge", source, po, "-o", tmp_path / "out.yaml")
    assert code == 1
    assert err.startswith(f"{po}:7: error:")
    assert "Traceback" not in err
    with pytest.raises(PoError):
        parse(b"\xff\xfe")


def test_extract_refuses_the_instruments_own_language_and_a_po_of_another(
    tmp_path: Path,
) -> None:
    source = tmp_path / "kurz.yaml"
    source.write_text(FLOW, "utf-8")
    code, _, err = run("translate", "extract", source, "--lang", "de")
    assert code == 2 and "is the instrument's own language" in err
    _extract(source, tmp_path / "fr.po", "fr")
    code, _, err = run("translate", "extract", source, "--lang", "en", "-o", tmp_path / "fr.po")
    assert code == 2 and "is a PO file for fr, not en" in err


# --------------------------------------------------------------------- the model and renderers


MISSING = """\
qdef: 1
id: teils
title: {de: Teils, en: Partly}
language: de
translations: [en]
sections:
  - id: s1
    questions:
      - id: q1
        type: single
        text: {en: "How are you?", de: "Wie geht es?"}
        options:
          - {code: gut, label: {de: Gut, en: Good}}
          - {code: schlecht, label: Schlecht}
      - id: q2
        type: text
        text: {de: "Warum?"}
"""


def test_a_missing_translation_is_a_warning_and_renders_in_the_source_language() -> None:
    result = validate_text(MISSING, Path("teils.yaml"))
    assert result.ok
    assert [(d.code, d.severity, d.span.line if d.span else 0) for d in result.diagnostics] == [
        (Code.QD410, "warning", 14),
        (Code.QD410, "warning", 17),
    ]
    assert result.compiled is not None
    for name in names():
        for lang in ("de", "en"):
            render(result.compiled, name, lang=lang)  # no renderer fails on it
    markdown = render(result.compiled, "markdown", lang="en")
    assert isinstance(markdown, str)
    assert "How are you?" in markdown and "Schlecht" in markdown and "Warum?" in markdown


def test_render_options_fall_back_to_the_instruments_own_language() -> None:
    options = RenderOptions("en", catalog("en"), {}, fallback="de")
    assert options.text({"fr": "Bonjour", "de": "Hallo"}) == "Hallo"
    assert options.text({"de": "Hallo", "en": "Hello"}) == "Hello"
    assert options.text("Hallo") == "Hallo"


def test_the_model_hands_on_a_translation_with_its_source_as_plain_text() -> None:
    result = validate_text(ENGLISH.read_text(encoding="utf-8"), ENGLISH)
    assert result.instrument is not None
    for _, text in texts(result.instrument):
        assert isinstance(text, dict)
        assert all(isinstance(value, str) for value in text.values())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('{text: Title, sorce: "0123abcd"}', "unknown key 'sorce' in a translation"),
        ("{text: Title}", "a translation needs the key 'source'"),
        ("{text: Title, source: 12345678}", "'source' must be text, not the number 12345678"),
        ('{text: Title, source: "XYZ"}', "'source' cannot be 'XYZ'"),
        ("5", "must be text (or a mapping of the text and its source"),
    ],
)
def test_a_wrong_translation_mapping_gets_one_clear_error(value: str, message: str) -> None:
    text = MISSING.replace("title: {de: Teils, en: Partly}", f"title: {{de: Teils, en: {value}}}")
    result = validate_text(text, Path("teils.yaml"))
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert len(errors) == 1, errors
    assert message in errors[0].message
    assert errors[0].span is not None and errors[0].span.line == 3


def test_translations_error_makes_missing_translations_fail_validate_and_render(
    tmp_path: Path,
) -> None:
    path = tmp_path / "teils.yaml"
    path.write_text(MISSING, "utf-8")
    assert run("validate", "-q", path)[0] == 0
    code, out, _ = run("validate", "-q", "--translations", "error", path)
    assert code == 1 and out.count("error QD410") == 2
    assert run("check", "-q", "--examples", "1", "--translations", "error", path)[0] == 1
    code, out, _ = run(
        "render", path, "--to", "markdown", "-o", tmp_path / "x.md", "--translations", "error"
    )
    assert code == 1 and "error QD410" in out
    assert not (tmp_path / "x.md").exists()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (  # a folded text: the blank line after it stays after the translation
            "a: >-\n  foo bar\n\nd: 1\n",
            'a:\n  de: >-\n    foo bar\n  en:\n    text: >-\n      Foo two\n    source: "87654321"'
            "\n\nd: 1\n",
        ),
        (  # a comment on the text's line stays on its line; the comment below, below
            "a: foo  # c\n\n# x\nd: 1\n",
            'a:\n  de: foo # c\n  en: {text: Foo two, source: "87654321"}\n\n# x\nd: 1\n',
        ),
        (  # a translation replaced where it is, what followed it kept
            "a:\n  de: >-\n    foo bar\n  en: Foo\n\nd: 1\n",
            'a:\n  de: >-\n    foo bar\n  en:\n    text: >-\n      Foo two\n    source: "87654321"'
            "\n\nd: 1\n",
        ),
        (  # in a flow mapping, flow
            "s:\n  - {a: foo}  # c\n\n  - {a: x}\n",
            's:\n  - {a: {de: foo, en: {text: Foo two, source: "87654321"}}} # c\n\n  - {a: x}\n',
        ),
    ],
)
def test_a_translation_keeps_the_comments_and_blank_lines_around_its_text(
    before: str, after: str
) -> None:
    layout = Layout(before)
    path = ("s", 0, "a") if before.startswith("s:") else ("a",)
    layout.set_translation(path, "de", "en", "Foo two", "87654321")
    assert layout.dumps() == after


THREE = """\
qdef: 1
id: drei
title: {de: Drei, fr: Trois, en: Three}
language: de
translations: [fr, en]
sections:
  - id: s1
    title: {de: Teil, fr: Partie, en: Part}
    questions:
      - id: q1
        type: text
        text: {fr: Bonjour, de: Hallo}
"""


def test_every_renderer_falls_back_to_the_source_not_to_another_translation() -> None:
    """The English of q1 is missing, and French is written first: English shows German."""
    result = validate_text(THREE, Path("drei.yaml"))
    assert result.ok and [d.code for d in result.diagnostics] == [Code.QD410]
    assert result.compiled is not None
    markdown = render(result.compiled, "markdown", lang="en")
    assert isinstance(markdown, str) and "Hallo" in markdown and "Bonjour" not in markdown
    lss = render(result.compiled, "limesurvey")
    assert isinstance(lss, str)
    assert lss.count("Hallo") == 2 and lss.count("Bonjour") == 1  # de, en; fr
    openpyxl = pytest.importorskip("openpyxl")
    xlsx = render(result.compiled, "xlsform")
    assert isinstance(xlsx, bytes)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["survey"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    (row,) = [r for r in rows if r[header.index("name")] == "q1"]
    labels = {h: row[i] for i, h in enumerate(header) if str(h).startswith("label::")}
    assert sorted(labels.values()) == ["1. Bonjour", "1. Hallo", "1. Hallo"], labels


def test_a_language_header_as_poedit_writes_it_is_read_as_a_tag(tmp_path: Path) -> None:
    """Poedit writes ``Language: pt_BR``; qdef's tag is ``pt-BR``. --lang must agree."""
    source = tmp_path / "kurz.yaml"
    source.write_text(FLOW, "utf-8")
    po = tmp_path / "pt.po"
    text = _extract(source, po, "pt-BR").replace('"Language: pt-BR\\n"', '"Language: pt_BR\\n"')
    po.write_text(text.replace('msgid "Kurz"\nmsgstr ""', 'msgid "Kurz"\nmsgstr "Curto"'), "utf-8")
    code, _, err = run("translate", "merge", source, po, "-o", tmp_path / "out.yaml")
    assert code == 0, err
    assert "translations: [pt-BR]" in (tmp_path / "out.yaml").read_text(encoding="utf-8")
    code, _, err = run("translate", "merge", source, po, "--lang", "fr", "-o", tmp_path / "x.yaml")
    assert code == 2 and "is a PO file for pt-BR, not fr" in err
