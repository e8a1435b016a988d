"""qdef's wording catalogues (docs/languages.md): gettext PO files read with Babel,
plural forms and numbers by CLDR, found beside the instrument, in plugins and in
qdef, a missing message printed in English and reported once (QD830), a broken
catalogue refused at its line (QD831–QD833), ``qdef catalog init`` and ``check``."""

from __future__ import annotations

import importlib
import io
import re
import shutil
import sys
from collections.abc import Iterator
from importlib import resources
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

import qdef
from qdef.cli import main
from qdef.errors import LanguageError, RenderError
from qdef.rendering import registrations
from qdef.wording import sources
from qdef.wording.catalog import CatalogError, catalog, find, languages
from qdef.wording.po import COUNTED_BY, placeholders, plural_rule
from qdef.wording.sources import check, init, template

ROOT = Path(__file__).resolve().parent.parent
SWAHILI = ROOT / "examples" / "swahili" / "maji-na-afya.yaml"
SW_PO = SWAHILI.parent / "wording" / "sw.po"
SHIPPED = ("de", "en", "es", "fr")
#: Every renderer installed (``qdef renderers``).
NAMES = [registration.name for registration in registrations()]


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main([str(a) for a in argv], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def own(lang: str) -> bytes:
    return (resources.files("qdef.wording") / "catalogs" / f"{lang}.po").read_bytes()


# --------------------------------------------------------------------------- shipped


def test_qdef_ships_de_en_fr_es() -> None:
    assert languages() == list(SHIPPED)


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_shipped_catalogue_is_complete_and_right(lang: str) -> None:
    """Every key of the template, translated; the placeholders of each translation
    those of the English; as many plural forms as CLDR gives the language."""
    data = own(lang)
    assert check(data, Path(f"{lang}.po"), lang) == []
    po = read_po(io.BytesIO(data))
    nplurals = plural_rule(lang)
    assert nplurals is not None
    assert po.num_plurals == nplurals[0]
    keys = [m.context for m in po if m.id]
    assert keys == list(template())
    for message in po:
        if not message.id:
            continue
        sources_ = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set().union(*(placeholders(s) or set() for s in sources_))
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(forms), (lang, message.context)
        if isinstance(message.id, tuple):
            assert len(forms) == nplurals[0], (lang, message.context)
            got = set().union(*(placeholders(f) or set() for f in forms))
            counted = COUNTED_BY.get(str(message.context), "count")
            assert counted in wanted, message.context
        else:
            got = placeholders(forms[0]) or set()
        assert got == wanted, (lang, message.context)
        assert ("python-brace-format" in message.flags) == bool(wanted), message.context
        assert message.auto_comments, f"{message.context}: say where it is used"


@pytest.mark.parametrize(
    ("lang", "counts"),
    [
        ("de", {1: "(mindestens 1 Nennung)", 3: "(mindestens 3 Nennungen)"}),
        ("en", {0: "(at least 0 answers)", 1: "(at least 1 answer)", 2: "(at least 2 answers)"}),
        (
            "fr",  # French: 0 and 1 are singular, a million takes "de"
            {
                0: "(au moins 0 réponse)",
                1: "(au moins 1 réponse)",
                2: "(au moins 2 réponses)",
                1_000_000: "(au moins 1\u202f000\u202f000 de réponses)",
            },
        ),
        ("es", {1: "(al menos 1 respuesta)", 0: "(al menos 0 respuestas)"}),
    ],
)
def test_counts_pick_their_plural_form_by_the_languages_rule(
    lang: str, counts: dict[int, str]
) -> None:
    chrome = catalog(lang)
    for count, text in counts.items():
        assert chrome("min_choices", count=count) == text


def test_a_message_counted_by_another_value_uses_it() -> None:
    assert catalog("en")("roster_times", question="question 2", max=1).endswith("(at most 1 time).")
    assert catalog("en")("choices_between", min=1, max=3) == "(at least 1 and at most 3 answers)"


def test_plural_rules_with_many_forms_come_from_cldr(tmp_path: Path) -> None:
    """Russian (3 forms) and Arabic (6): a catalogue with each form marked picks the
    form gettext's rule for the language gives (CLDR's categories, through Babel)."""
    expected = {
        "ru": {1: 0, 21: 0, 2: 1, 4: 1, 22: 1, 5: 2, 11: 2, 12: 2, 100: 2},
        "ar": {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5},
    }
    for lang, forms in expected.items():
        folder = tmp_path / lang
        (folder / "wording").mkdir(parents=True)
        po = read_po(io.BytesIO(init(lang)))
        for message in po:
            if message.context == "min_choices":
                message.string = tuple(f"F{i} {{count}}" for i in range(po.num_plurals))
        out = io.BytesIO()
        write_po(out, po)
        (folder / "wording" / f"{lang}.po").write_bytes(out.getvalue())
        chrome = find(lang, folder / "x.yaml")
        assert chrome is not None and chrome.lang == lang
        for count, index in forms.items():
            assert chrome("min_choices", count=count).startswith(f"F{index} "), (lang, count)


def test_numbers_in_messages_are_written_as_the_locale_writes_them() -> None:
    assert catalog("de").number(1234.5) == "1.234,5"
    assert catalog("en").number(1234.5) == "1,234.5"
    assert catalog("fr").number(-0.25) == "-0,25"
    assert catalog("de").number(0.0000001) == "0,0000001"  # never rounded
    huge = catalog("de").number(1e308)  # every digit, past the decimal module's 28
    assert huge.startswith("100.000.") and huge.replace(".", "") == "1" + "0" * 308
    assert catalog("en").number(5e-324) == "0." + "0" * 323 + "5"
    assert catalog("de")("decimal_separator") == ","
    assert catalog("en")("min_choices", count=1234) == "(at least 1,234 answers)"


NUMBERS = """\
qdef: 1
id: zahlen
title: {de: Zahlen, en: Numbers}
language: de
translations: [en]
sections:
  - id: s1
    questions:
      - {id: betrag, type: number, kind: decimal, text: {de: "Betrag?", en: "Amount?"}}
      - id: mehr
        type: text
        when: betrag > 1234.5
        text: {de: "Warum so viel?", en: "Why so much?"}
"""


def test_a_rendering_writes_numbers_as_its_language(tmp_path: Path) -> None:
    path = tmp_path / "zahlen.yaml"
    path.write_text(NUMBERS, encoding="utf-8")
    german = qdef.render(path, to="markdown")
    english = qdef.render(path, to="markdown", lang="en")
    assert isinstance(german, str) and isinstance(english, str)
    assert "> 1.234,5" in german and "1234" not in german
    assert "> 1,234.5" in english and "1234" not in english


# --------------------------------------------------------------------------- finding


def _beside(tmp_path: Path, lang: str, data: bytes, text: str = NUMBERS) -> Path:
    (tmp_path / "wording").mkdir(exist_ok=True)
    (tmp_path / "wording" / f"{lang}.po").write_bytes(data)
    path = tmp_path / "survey.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _changed(data: bytes, key: str, new: str | None) -> bytes:
    """``data`` with the translation of ``key`` replaced (None: the message removed)."""
    po = read_po(io.BytesIO(data))
    for message in list(po):
        if message.context == key:
            if new is None:
                po.delete(message.id, context=key)
            else:
                message.string = new
    out = io.BytesIO()
    write_po(out, po)
    return out.getvalue()


def test_a_catalogue_beside_the_instrument_comes_before_qdefs(tmp_path: Path) -> None:
    path = _beside(tmp_path, "de", _changed(own("de"), "continue_end", "Schluss."))
    instrument = NUMBERS.replace('text: {de: "Warum', 'goto: end\n        text: {de: "Warum')
    path.write_text(instrument, encoding="utf-8")
    rendered = qdef.render(path, to="markdown")
    assert isinstance(rendered, str) and "Schluss." in rendered
    assert find("de-CH", path) is not None and find("de-CH", path).origin == "beside the instrument"  # type: ignore[union-attr]
    assert find("de").origin == "qdef"  # type: ignore[union-attr]
    assert "sw" not in languages(path) and "de" in languages(path)


def test_a_missing_message_is_printed_in_english_and_reported_once(tmp_path: Path) -> None:
    path = _beside(tmp_path, "de", _changed(own("de"), "only_if", ""))
    status, _, err = run("render", path, "--to", "markdown", "--to", "html", "-o", tmp_path / "o")
    assert status == 0, err
    # only the missing message is English; the rest, and the number, stay German
    assert "*Answer only if Frage 1 > 1.234,5.*" in (tmp_path / "o" / "survey.md").read_text()
    warnings = [line for line in err.splitlines() if "QD830" in line]
    assert len(warnings) == 1, err
    line = _line_of(tmp_path / "wording" / "de.po", 'msgctxt "only_if"') + 1
    assert warnings[0].startswith(f"{tmp_path / 'wording' / 'de.po'}:{line}:1: warning QD830: ")
    assert "'only_if'" in warnings[0] and "'Answer only if {condition}.'" in warnings[0]
    # the same catalogue, complete: nothing to report
    _beside(tmp_path, "de", own("de"))
    status, _, err = run("render", path, "--to", "markdown", "-o", tmp_path / "p.md")
    assert status == 0 and "QD830" not in err


def _line_of(file: Path, text: str) -> int:
    return file.read_text(encoding="utf-8").splitlines().index(text) + 1


@pytest.mark.parametrize(
    ("key", "value", "code", "says"),
    [
        ("goto", "weiter mit {nummer}", "QD832", "the placeholder {nummer}"),
        ("goto", "weiter", "QD832", "leaves out {number}"),
        ("goto", "weiter mit {number.__class__}", "QD832", "braces qdef cannot fill in"),
        ("min_choices", ("{count}",), "QD833", "has msgstr[1] empty; the language has 2"),
        ("multiple", ("a", "b"), "QD833", "needs msgstr, without plural forms"),
    ],
)
def test_a_broken_message_is_refused_at_its_line(
    tmp_path: Path, key: str, value: str | tuple[str, ...], code: str, says: str
) -> None:
    data = own("de")
    if key == "multiple":  # a plural where qdef has none
        text = data.decode()
        text = text.replace(
            'msgid "(multiple answers possible)"\nmsgstr "(Mehrfachnennungen möglich)"',
            'msgid "(multiple answers possible)"\nmsgid_plural "x"\nmsgstr[0] "a"\nmsgstr[1] "b"',
        )
        data = text.encode()
    elif key == "min_choices":
        text = data.decode()
        text = re.sub(
            r'(msgctxt "min_choices"\nmsgid .*\nmsgid_plural .*\n)msgstr\[0\] .*\nmsgstr\[1\] .*\n',
            r'\1msgstr[0] "{count}"\n',
            text,
        )
        data = text.encode()
    else:
        data = _changed(data, key, str(value))
    path = _beside(tmp_path, "de", data)
    status, out, err = run("render", path, "--to", "markdown", "-o", "-")
    assert (status, out) == (1, "")
    po = tmp_path / "wording" / "de.po"
    line = _line_of(po, f'msgctxt "{key}"') + 1
    assert err.startswith(f"{po}:{line}:1: error {code}: "), err
    assert says in err
    with pytest.raises(CatalogError):
        qdef.render(path, to="markdown")


def test_broken_po_syntax_is_refused_at_its_line(tmp_path: Path) -> None:
    text = own("de").decode().replace('msgctxt "goto"\n', 'msgctxt "goto"\nmsgtxt "x"\n')
    path = _beside(tmp_path, "de", text.encode())
    status, _, err = run("render", path, "--to", "html", "-o", "-")
    po = tmp_path / "wording" / "de.po"
    assert status == 1
    line = _line_of(po, 'msgtxt "x"')
    assert err.startswith(f"{po}:{line}:1: error QD831: this is not PO"), err


def test_a_wrong_plural_header_is_refused(tmp_path: Path) -> None:
    text = own("fr").decode().replace("nplurals=3", "nplurals=2")
    path = _beside(tmp_path, "fr", text.encode())
    with pytest.raises(CatalogError) as caught:
        find("fr", path)
    assert caught.value.problems[0].code == "QD833"
    assert "'fr' has 3 (CLDR)" in caught.value.problems[0].message


def test_a_language_without_a_catalogue_names_catalog_init(tmp_path: Path) -> None:
    with pytest.raises(LanguageError, match="add one with 'qdef catalog init nl'"):
        catalog("nl")


# --------------------------------------------------------------------------- plugins


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    sources._plugins.cache_clear()
    yield folder
    sys.modules.pop("fake_wording", None)
    importlib.invalidate_caches()
    sources._plugins.cache_clear()


def _plugin(site: Path, eps: dict[str, str], module: str) -> None:
    info = site / "fake_wording-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-wording\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[qdef.catalogs]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items())
    )
    (site / "fake_wording.py").write_text(module)
    shutil.copy(SW_PO, site / "sw.po")
    importlib.invalidate_caches()
    assert {ep.name for ep in entry_points(group="qdef.catalogs")} >= set(eps)


def test_a_plugin_gives_a_catalogue_as_a_file_or_as_text(site: Path) -> None:
    _plugin(
        site,
        {"sw": "fake_wording:CATALOG", "sw-KE": "fake_wording:TEXT"},
        "import pathlib\nCATALOG = pathlib.Path(__file__).with_name('sw.po')\n"
        "TEXT = CATALOG.read_text(encoding='utf-8').replace('nenda swali', 'nenda kwa swali')\n",
    )
    assert "sw" in languages() and "sw-KE" in languages()
    assert catalog("sw")("goto", number="4") == "nenda swali 4"
    assert catalog("sw-TZ")("goto", number="4") == "nenda swali 4"
    assert catalog("sw-KE")("goto", number="4") == "nenda kwa swali 4"
    assert catalog("sw").origin == "the plugin fake_wording:CATALOG"


def test_a_plugin_of_the_wrong_kind_is_refused(site: Path) -> None:
    _plugin(site, {"sw": "fake_wording:NUMBER"}, "NUMBER = 7\n")
    with pytest.raises(CatalogError, match="must be the PO text"):
        catalog("sw")


# --------------------------------------------------------------------------- the command


def test_catalog_init_writes_every_message_to_translate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status, _, err = run("catalog", "init", "ar")
    assert status == 0, err
    written = (tmp_path / "wording" / "ar.po").read_bytes()
    assert written == init("ar")  # the same bytes every time
    po = read_po(io.BytesIO(written))
    assert po.num_plurals == 6 and str(po.locale) == "ar"
    messages = [m for m in po if m.id]
    assert [m.context for m in messages] == list(template())
    for message in messages:
        english = template()[str(message.context)]
        assert message.id == (list(english.source) if english.plural else english.source) or (
            tuple(message.id) == english.source
        )
        assert not any(message.string if isinstance(message.string, tuple) else [message.string])
        assert message.auto_comments
    assert "'qdef catalog check wording/ar.po'" in err
    status, _, err = run("catalog", "init", "ar")
    assert status == 2 and "exists" in err and "--force" in err
    assert (tmp_path / "wording" / "ar.po").read_bytes() == written
    assert run("catalog", "init", "ar", "--force")[0] == 0
    assert run("catalog", "init", "not a tag")[0] == 2
    status, out, _ = run("catalog", "init", "sw", "-o", "-")
    assert status == 0 and out.encode() == init("sw")


def test_catalog_check_reports_what_is_missing(tmp_path: Path) -> None:
    fresh = tmp_path / "sw.po"
    fresh.write_bytes(init("sw"))
    status, out, _ = run("catalog", "check", fresh)
    assert status == 0
    assert out.count("warning QD830") == 100  # the first 100 of 161, then a count
    assert out.endswith(f"0 errors, {len(template())} warnings in 1 file\n")
    assert run("catalog", "check", fresh, "--strict")[0] == 1
    assert run("catalog", "check", SW_PO) == (0, "0 errors, 0 warnings in 1 file\n", "")
    outdated = tmp_path / "de.po"
    text = own("de").decode().replace('msgid "go to question {number}"', 'msgid "go on"')
    outdated.write_text(text.replace('msgctxt "never"', 'msgctxt "nie"'), encoding="utf-8")
    status, out, _ = run("catalog", "check", outdated)
    assert status == 0
    assert "warning QD835: the English text of 'goto' is now 'go to question {number}'" in out
    assert "warning QD834: qdef has no message 'nie'" in out
    assert "warning QD830: 'never' is not translated" in out


# --------------------------------------------------------------------------- Swahili


@pytest.fixture(scope="module")
def swahili() -> dict[tuple[str, str], str | bytes]:
    """The Swahili example in every renderer qdef has, in Swahili and English."""
    return {
        (name, lang): qdef.render(SWAHILI, to=name, lang=lang)
        for name in NAMES
        for lang in ("sw", "en")
    }


def test_the_swahili_instrument_renders_in_every_renderer(
    swahili: dict[tuple[str, str], str | bytes],
) -> None:
    names = set(NAMES)
    assert {"markdown", "html", "limesurvey", "limesurvey-map", "xlsform", "codebook"} <= names
    for (name, lang), output in swahili.items():
        assert output, (name, lang)
    assert "Toleo 2027" in str(swahili["markdown", "sw"])
    assert "(si zaidi ya majibu 2)" in str(swahili["markdown", "sw"])
    assert "(nenda swali 5)" in str(swahili["markdown", "sw"])
    assert "(at most 2 answers)" in str(swahili["markdown", "en"])
    assert "Hifadhi majibu" in str(swahili["html", "sw"])
    assert 'lang="sw"' in str(swahili["html", "sw"])
    from openpyxl import load_workbook  # noqa: PLC0415

    form = swahili["xlsform", "sw"]
    assert isinstance(form, bytes)
    header = [cell.value for cell in load_workbook(io.BytesIO(form))["survey"][1]]
    assert "label::Kiswahili (sw)" in header and "label::English (en)" in header
    from tests.test_translate_example import shown  # noqa: PLC0415

    for lang, title, question, page in [
        ("sw", "Utafiti wa Maji na Afya ya Kaya", "Jina la mhojiwa ni nani?", "Ukurasa 1 kati ya"),
        ("en", "Household Water and Health Survey", "What is the respondent's name", "Page 1 of"),
    ]:
        assert f"mhojiwa,1,mhojiwa,{question}" in str(swahili["codebook", lang]), lang
        printed = " ".join(shown(swahili["pdf", lang]).split())
        assert title in printed and question in printed and page in printed, lang


def _english_phrases() -> set[str]:
    """Pieces of qdef's English wording (between placeholders) of two words or more."""
    found: set[str] = set()
    for message in template().values():
        texts = message.source if isinstance(message.source, tuple) else (message.source,)
        for text in texts:
            for piece in re.split(r"\{\w+\}", text):
                phrase = piece.strip(" ().:;")
                if " " in phrase and len(phrase) >= 8:
                    found.add(phrase)
    return found


def _visible(html_text: str) -> str:
    from html import unescape  # noqa: PLC0415

    # the page's other languages are inert <template>s (shown only when switched to)
    text = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html_text, flags=re.S)
    messages = re.findall(r'"messages":\s*(\{.*?\})', html_text, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", text)) + " ".join(messages)


def _in_swahili(lss: str) -> str:
    """Every text of the survey's Swahili rows (a row of the .lss names its language)."""
    from html import unescape  # noqa: PLC0415
    from xml.etree import ElementTree  # noqa: PLC0415

    rows = [
        row for row in ElementTree.fromstring(lss).iter("row") if row.findtext("language") == "sw"
    ]
    assert rows
    return unescape(" ".join(child.text or "" for row in rows for child in row))


def test_no_english_wording_leaks_into_the_swahili_rendering(
    swahili: dict[tuple[str, str], str | bytes],
) -> None:
    english = _english_phrases()
    shown = {
        "markdown": str(swahili["markdown", "sw"]).replace("\\", ""),
        "html": _visible(str(swahili["html", "sw"])),
        "limesurvey": _in_swahili(str(swahili["limesurvey", "sw"])),
    }
    for name, text in shown.items():
        assert not sorted(p for p in english if p in text), name
    # and the check can fail: the English rendering has them
    assert any(p in str(swahili["markdown", "en"]) for p in english)


UNTITLED = """\
qdef: 1
id: tarehe
title: {sw: Tarehe, en: Dates}
language: sw
translations: [en]
sections:
  - id: s1
    questions:
      - id: kipindi
        type: daterange
        text: {sw: "Lini?", en: "When?"}
"""


def test_renderers_of_every_language_use_the_catalogue_beside_the_instrument(
    tmp_path: Path,
) -> None:
    """limesurvey and xlsform write every language: Swahili's wording (an untitled
    part's name, a date range's "from" and "to") comes from wording/sw.po too."""
    path = tmp_path / "tarehe.yaml"
    path.write_text(UNTITLED, encoding="utf-8")
    for name in ("limesurvey", "xlsform"):
        with pytest.raises(RenderError, match="'sw'"):
            qdef.render(path, to=name)
    (tmp_path / "wording").mkdir()
    shutil.copy(SW_PO, tmp_path / "wording" / "sw.po")
    lss = qdef.render(path, to="limesurvey")
    assert isinstance(lss, str) and "Sehemu 1" in _in_swahili(lss)
    form = qdef.render(path, to="xlsform")
    assert isinstance(form, bytes)
    from openpyxl import load_workbook  # noqa: PLC0415

    cells = {c.value for row in load_workbook(io.BytesIO(form))["survey"].iter_rows() for c in row}
    assert {"Kuanzia", "hadi", "From", "to"} <= cells
