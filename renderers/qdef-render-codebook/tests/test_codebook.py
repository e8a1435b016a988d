"""The codebook renderers as users meet them: installed, listed, and run on the
Investitionspakt instrument (run after ``pip install ./renderers/qdef-render-codebook``)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
import qdef
from qdef.cli import main
from qdef.rendering import get_renderer, registrations, render
from qdef.routing import as_plan

INSTRUMENT = Path(__file__).resolve().parents[3] / "instruments" / "investitionspakt.yaml"
SCALE = (
    "1 = Überwiegend (50 % und mehr); 2 = Teilweise (25 bis unter 50 %); "
    "3 = Selten (10 bis unter 25 %); 4 = eher nicht (unter 10 %)"
)


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def codebook() -> dict[str, dict[str, str]]:
    """The Investitionspakt codebook (CSV, German), by variable."""
    text = render(INSTRUMENT, "codebook")
    assert isinstance(text, str)
    return {row["Variable"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}


# ------------------------------------------------------------------ discovery


def test_both_renderers_are_registered_by_the_distribution() -> None:
    found = {r.name: r for r in registrations() if r.distribution == "qdef-render-codebook"}
    assert set(found) == {"codebook", "codebook-md"}
    assert found["codebook"].value == "qdef_render_codebook:CodebookRenderer"
    assert found["codebook-md"].value == "qdef_render_codebook:CodebookMarkdownRenderer"
    assert {r.version for r in found.values()} == {"0.1.0"}


def test_the_renderers_describe_themselves() -> None:
    csv_renderer, md_renderer = get_renderer("codebook"), get_renderer("codebook-md")
    assert (csv_renderer.suffix, csv_renderer.media_type) == (".csv", "text/csv; charset=utf-8")
    assert (md_renderer.suffix, md_renderer.media_type) == (
        ".md",
        "text/markdown; charset=utf-8",
    )
    assert set(getattr(csv_renderer, "options", {})) == {
        "delimiter",
        "bom",
        "formula_guard",
        "limesurvey",
    }
    assert set(getattr(md_renderer, "options", {})) == {"limesurvey"}


def test_qdef_renderers_lists_them() -> None:
    status, out, err = cli("renderers")
    assert status == 0, err
    lines = {line.split()[0]: line for line in out.splitlines() if line and line[0] != " "}
    for name, suffix in (("codebook", ".csv"), ("codebook-md", ".md")):
        line = lines[name]
        assert suffix in line.split()
        assert "qdef-render-codebook 0.1.0" in line
        assert "codebook / data dictionary" in line
    assert "-O delimiter=" in out


def test_qdef_render_writes_the_csv(tmp_path: Path) -> None:
    target = tmp_path / "c.csv"
    status, _, err = cli("render", str(INSTRUMENT), "--to", "codebook", "-o", str(target))
    assert status == 0, err
    data = target.read_bytes()
    assert data.startswith(b"Variable,Frage-Nr.,Frage-ID,Bezeichnung,")
    assert data.count(b"\r\n") == len(as_plan(qdef.load(INSTRUMENT)).variables) + 1
    assert "Überwiegend".encode() in data  # UTF-8


def test_qdef_render_writes_the_markdown(tmp_path: Path) -> None:
    target = tmp_path / "c.md"
    status, _, err = cli("render", str(INSTRUMENT), "--to", "codebook-md", "-o", str(target))
    assert status == 0, err
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Befragung zum Einsatz eines Integrationsmanagements")
    assert "– Codebuch\n" in text.splitlines(keepends=True)[0]


def test_qdef_render_refuses_a_bad_delimiter(tmp_path: Path) -> None:
    target = tmp_path / "c.csv"
    status, _, err = cli(
        "render", str(INSTRUMENT), "--to", "codebook", "-O", "delimiter=x", "-o", str(target)
    )
    assert status != 0
    assert "delimiter" in err
    assert "'x'" in err
    assert not target.exists()


def test_the_entry_point_module_is_light() -> None:
    """``qdef renderers`` imports the module to describe the renderers: it must not pull
    in qdef's model, routing, or the plugin's own rendering code."""
    code = (
        "import sys, qdef_render_codebook\n"
        "heavy = sorted(m for m in sys.modules if m == 'qdef' or m.startswith('qdef.')"
        " or m.startswith('qdef_render_codebook.') or m.startswith('pydantic'))\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


# ------------------------------------------------------------------ the Investitionspakt


def test_every_variable_once_in_sequence_order(codebook: dict[str, dict[str, str]]) -> None:
    text = render(INSTRUMENT, "codebook")
    assert isinstance(text, str)
    names = [row["Variable"] for row in csv.DictReader(io.StringIO(text, newline=""))]
    assert names == list(as_plan(qdef.load(INSTRUMENT)).variables)
    assert len(names) == len(set(names)) == 91


def test_a_single_choice(codebook: dict[str, dict[str, str]]) -> None:
    row = codebook["im_eingesetzt"]
    assert row["Frage-Nr."] == "1"
    assert row["Frage-ID"] == "im_eingesetzt"
    assert row["Bezeichnung"].startswith("Wurde in Ihrer Kommune ein Integrationsmanagement")
    assert row["Typ"] == "Einfachauswahl"
    assert row["Werte"] == "nein = Nein; ja = Ja"
    assert row["gefragt, wenn"] == "true"
    assert row["Pflicht"] == "ja"
    assert row["personenbezogen"] == "nein"


def test_an_option_follow_up(codebook: dict[str, dict[str, str]]) -> None:
    row = codebook["gruende_kein_im_foerderprogramm"]
    assert row["Frage-Nr."] == "2"
    assert row["Frage-ID"] == "gruende_kein_im"
    assert row["gefragt, wenn"] == (
        'im_eingesetzt != "ja" and gruende_kein_im == "andere_foerderung"'
    )
    assert row["Typ"] == "Text"
    assert row["Bezeichnung"].endswith(
        "– Ein Integrationsmanagement wird über andere Förderung/Finanzierung abgedeckt "
        "(z.B. Quartiersmanagement Soziale Stadt) – Wenn ja, bitte Förderprogramm nennen"
    )
    assert codebook["gruende_kein_im_sonstiges"]["Bezeichnung"].endswith(
        "– Sonstiges (bitte nennen)"
    )


def test_a_follow_up_of_a_multiple_choice(codebook: dict[str, dict[str, str]]) -> None:
    row = codebook["ansiedlung_freier_traeger"]
    assert row["gefragt, wenn"] == 'im_eingesetzt == "ja" and ansiedlung has "freier_traeger"'
    values = codebook["ansiedlung"]["Werte"]
    assert values.startswith("Liste der gewählten Codes: freier_traeger = Freier Träger; ")
    assert codebook["ansiedlung"]["Typ"] == "Mehrfachauswahl"


def test_a_matrix_row(codebook: dict[str, dict[str, str]]) -> None:
    row = codebook["schwerpunkte.vernetzung"]
    assert row["Frage-Nr."] == "13"
    assert row["Bezeichnung"] == (
        "Wo liegen aus Ihrer Sicht die Schwerpunkte des Integrationsmanagements? "
        "– Vernetzung der Akteur/-innen im Quartier"
    )
    assert row["Typ"] == "Einfachauswahl"
    assert row["Werte"] == SCALE
    assert row["gefragt, wenn"] == 'im_eingesetzt == "ja"'
    specify = codebook["schwerpunkte_sonstiges"]
    assert specify["Typ"] == "Text"
    assert specify["Bezeichnung"].endswith("– Sonstiges (bitte nennen)")


def test_a_grid_cell(codebook: dict[str, dict[str, str]]) -> None:
    row = codebook["aufgaben_zustaendigkeit.beteiligung.nicht_erforderlich"]
    assert row["Frage-Nr."] == "4"
    assert row["Typ"] == "Kontrollkästchen"
    assert row["Werte"] == "true = angekreuzt"
    assert row["Bezeichnung"].endswith(
        "– Beteiligung und Aktivierung der Bewohnerinnen und Bewohner im Stadtteil/im Quartier"
        " – Nicht erforderlich"
    )
    assert row["gefragt, wenn"] == 'im_eingesetzt != "ja"'
    assert codebook["aufgaben_zustaendigkeit.beteiligung.erfolgt_durch"]["Typ"] == "Text"
    assert "aufgaben_zustaendigkeit_sonstiges" in codebook


def test_a_date_range(codebook: dict[str, dict[str, str]]) -> None:
    start, end = codebook["finanzierungszeitraum.from"], codebook["finanzierungszeitraum.to"]
    assert start["Typ"] == end["Typ"] == "Datum (monatsgenau)"
    assert start["Werte"] == "JJJJ-MM"
    assert start["Bezeichnung"].endswith("– Von")
    assert end["Bezeichnung"].endswith("– bis")


def test_a_number(codebook: dict[str, dict[str, str]]) -> None:
    row = codebook["wochenstunden"]
    assert row["Typ"] == "Zahl (Dezimalzahl)"
    assert row["Werte"] == "0–168"
    assert row["Einheit"] == "Stunden pro Woche"
    qm = codebook["eigene_raeume_qm"]
    assert (qm["Werte"], qm["Einheit"]) == ("≥ 0", "qm")
    assert qm["gefragt, wenn"] == 'im_eingesetzt == "ja" and eigene_raeume == "ja"'


def test_personal_data(codebook: dict[str, dict[str, str]]) -> None:
    for name in ("kontakt_name", "kontakt_email", "kontakt_telefon"):
        assert codebook[name]["personenbezogen"] == "ja"
        assert codebook[name]["gefragt, wenn"] == 'interesse_gespraech == "ja"'
    assert codebook["kontakt_email"]["Typ"] == "Text (E-Mail)"
    personal = {name for name, row in codebook.items() if row["personenbezogen"] == "ja"}
    assert personal == {"kontakt_name", "kontakt_email", "kontakt_telefon"}


def test_a_text_list_field(codebook: dict[str, dict[str, str]]) -> None:
    row = codebook["gruende_keine_fortsetzung.1"]
    assert row["Frage-Nr."] == "21"
    assert row["gefragt, wenn"] == 'im_eingesetzt == "ja" and fortsetzung_geplant == "nein"'
    assert row["Bezeichnung"].endswith("entschieden? – 1.")
    assert row["Pflicht"] == "nein"


def test_required(codebook: dict[str, dict[str, str]]) -> None:
    required = {name for name, row in codebook.items() if row["Pflicht"] == "ja"}
    assert required == {"im_eingesetzt", "fortsetzung_geplant"}


def test_the_limesurvey_column_gives_each_variable_its_limesurvey_name_and_codes() -> None:
    import csv  # noqa: PLC0415
    import io  # noqa: PLC0415
    import json  # noqa: PLC0415

    instrument = qdef.load(INSTRUMENT)
    text = str(qdef.render(instrument, "codebook", limesurvey="true"))
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][-1] == "LimeSurvey"
    cells = {row[0]: row[-1] for row in table[1:]}
    mapping = json.loads(str(qdef.render(instrument, "limesurvey-map")))
    assert set(cells) == set(mapping["variables"])
    assert cells["wochenstunden"] == "wochenstunden"
    assert cells["gruende_kein_im"].startswith("gruendekeinim: nicht_bekannt=nbeka; ")
    assert cells["gruende_kein_im_sonstiges"] == "gruendekeinim_other"
    assert cells["umsetzungsphase"].startswith("vor=umsetzungsphase_vor; ")
    markdown = str(qdef.render(instrument, "codebook-md", limesurvey="true"))
    assert "| LimeSurvey |" in markdown
    assert "LimeSurvey" not in str(qdef.render(instrument, "codebook"))


def test_the_limesurvey_column_needs_no_wording_in_any_language() -> None:
    """The LimeSurvey codes come from qdef's lowering without its wording: a
    translation qdef has no wording for (Swahili), with an untitled section whose
    LimeSurvey group name would need some, still gets its codebook in German."""
    instrument = qdef.loads(
        "qdef: 1\nid: t\ntitle: {de: T, sw: T}\nlanguage: de\ntranslations: [sw]\n"
        "sections:\n  - id: s\n    questions:\n"
        "      - {id: q1, type: text, text: {de: Frage, sw: Swali}}\n"
    )
    text = str(render(instrument, "codebook", lang="de", limesurvey="true"))
    assert "q1" in text.splitlines()[1]


# ------------------------------------------------------------------ too entangled


@pytest.mark.parametrize("failure", [qdef.routing.Budget, RecursionError])
def test_routing_too_entangled_to_analyse_is_a_render_error(
    failure: type[Exception], monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/plugins.md: the analysis raises ``Budget`` (or ``RecursionError``) where the
    routing is too entangled; the codebook says so as a RenderError, never a crash."""
    from qdef.rendering import RenderError  # noqa: PLC0415
    from qdef.routing import analysis  # noqa: PLC0415

    def refuse(plan: object, **_: object) -> None:
        raise failure("too entangled")

    monkeypatch.setattr(analysis, "analyse_plan", refuse)
    compiled = qdef.compile(INSTRUMENT)
    with pytest.raises(RenderError, match="too entangled"):
        render(compiled, "codebook")
