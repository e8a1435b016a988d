"""``qdef data export`` on the command line: the files it writes (a roster's long
table beside the main one), its exit codes, and the error that names the extra
``qdef[data]`` when a library is missing (docs/cli.md, docs/data.md)."""

from __future__ import annotations

import importlib
import io
import json
from pathlib import Path
from types import ModuleType

import pyreadstat
import pytest

from qdef.cli import main
from qdef.data.export import deps

ROOT = Path(__file__).parents[1]
INVESTITIONSPAKT = ROOT / "instruments" / "investitionspakt.yaml"
ROSTER = ROOT / "instruments" / "household-roster.yaml"
LIMESURVEY = ROOT / "tests" / "cases" / "data" / "investitionspakt-limesurvey.csv"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_a_limesurvey_export_to_spss(tmp_path: Path) -> None:
    target = tmp_path / "out" / "ip.sav"
    code, out, err = run(
        "data", "export", str(INVESTITIONSPAKT), str(LIMESURVEY), "--to", "sav", "-o", str(target)
    )
    # response 3 holds 200 weekly hours (more than 168): left out, and said so
    assert code == 1, err
    assert out == ""
    assert err == (
        f"qdef: 4 responses exported to {target}; left out: 0 unreadable responses, "
        "1 invalid value (qdef data check says which)\n"
    )
    frame, meta = pyreadstat.read_sav(str(target), user_missing=True)
    assert frame["qdef_id"].tolist() == ["1", "2", "3", "4"]
    by_id = dict(zip(frame["qdef_id"], frame["wochenstunden"], strict=True))
    assert by_id["2"] == 20
    assert meta.variable_value_labels["wochenstunden"][by_id["3"]] == "not answered"
    assert meta.variable_value_labels["wochenstunden"][by_id["1"]] == "not asked"
    labels = meta.variable_value_labels["im_eingesetzt"]
    assert labels[frame["im_eingesetzt"][0]] == "Nein"


def test_rosters_go_beside_the_main_file(tmp_path: Path) -> None:
    responses = tmp_path / "responses.jsonl"
    response = {
        "members.p1": "Anna",
        "members.p2": "Ben",
        "persons": [{"person": "Anna", "age": 34}, {"person": "Ben", "age": 7}],
    }
    responses.write_text(json.dumps(response) + "\n", encoding="utf-8")
    code, _, err = run(
        "data",
        "export",
        str(ROSTER),
        str(responses),
        "--to",
        "csv",
        "-o",
        str(tmp_path / "hh.csv"),
        "-q",
    )
    assert code == 0, err
    assert err == ""
    assert sorted(p.name for p in tmp_path.glob("hh*.csv")) == [
        "hh.csv",
        "hh.persons.csv",
        "hh.vehicle_use.csv",
    ]
    persons = (tmp_path / "hh.persons.csv").read_text(encoding="utf-8").splitlines()
    assert persons[0].startswith("_id,_k,person,age,")
    assert persons[1].startswith(f"{responses}:1,1,Anna,34,")
    assert persons[2].startswith(f"{responses}:1,2,Ben,7,")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    code, _, err = run(
        "data", "export", str(INVESTITIONSPAKT), str(tmp_path / "nothing.csv"), "--to", "dta"
    )
    assert code == 2
    assert "cannot read" in err
    code, _, err = run(
        "data", "export", str(INVESTITIONSPAKT), str(LIMESURVEY), "--to", "dta", "--lang", "xx"
    )
    assert code == 2
    assert "no language 'xx'" in err


def test_a_missing_library_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = importlib.import_module

    def without_pyreadstat(name: str, package: str | None = None) -> ModuleType:
        if name.partition(".")[0] == "pyreadstat":
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real(name, package)

    monkeypatch.setattr(deps.importlib, "import_module", without_pyreadstat)
    target = tmp_path / "x.sav"
    code, _, err = run(
        "data", "export", str(INVESTITIONSPAKT), str(LIMESURVEY), "--to", "sav", "-o", str(target)
    )
    assert code == 2
    assert err == (
        "qdef: error: An SPSS file needs pyreadstat, which is not installed: "
        "install qdef with its extra 'data' (pip install '.[data]' in the checkout)\n"
    )
    assert not target.exists()


@pytest.mark.parametrize(("page", "target"), [("data.md", "ip.sav"), ("cli.md", "ip.dta")])
def test_the_docs_examples_print_what_the_command_prints(
    page: str, target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    command = next(
        line
        for line in text.splitlines()
        if line.startswith("$ qdef data export") and target in line
    )
    printed = text.split(command + "\n", 1)[1].split("\n", 1)[0]
    (tmp_path / "instruments").mkdir()
    (tmp_path / "instruments" / INVESTITIONSPAKT.name).write_bytes(INVESTITIONSPAKT.read_bytes())
    (tmp_path / "results-survey123456.csv").write_bytes(LIMESURVEY.read_bytes())
    monkeypatch.chdir(tmp_path)
    code, _, err = run(*command.split()[2:])
    assert code == 1
    assert err == printed + "\n"
    assert (tmp_path / target).exists()
