"""Generated instruments survive model -> YAML -> model and validate without errors.

Random routing often leaves a question unreachable or a goto without effect;
those are routing warnings (QD6xx), and the only diagnostics allowed here.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given

from qdef.diagnostics import Diagnostic
from qdef.model import Instrument
from qdef.model.dumper import dumps, to_data
from qdef.pipeline import validate_text
from qdef.testing import instruments


def only_routing_warnings(diagnostics: tuple[Diagnostic, ...]) -> bool:
    return all(d.severity == "warning" and d.code.startswith("QD60") for d in diagnostics)


@given(instruments())
def test_generated_instruments_round_trip_through_yaml_and_validate(instrument: Instrument) -> None:
    text = dumps(instrument)
    result = validate_text(text, Path("generated.yaml"))
    assert only_routing_warnings(result.diagnostics), text
    assert result.instrument == instrument


@given(instruments(translations=True))
def test_translated_instruments_round_trip(instrument: Instrument) -> None:
    result = validate_text(dumps(instrument), Path("generated.yaml"))
    assert only_routing_warnings(result.diagnostics)
    assert result.instrument == instrument


def test_round_trip_of_the_real_instrument_keeps_every_field() -> None:
    original = Path(__file__).parents[1] / "instruments" / "investitionspakt.yaml"
    first = validate_text(original.read_text(encoding="utf-8"), original)
    assert first.instrument is not None
    again = validate_text(dumps(first.instrument), original)
    assert again.instrument == first.instrument
    assert to_data(again.instrument) == to_data(first.instrument)


def test_a_changed_instrument_does_not_compare_equal() -> None:
    """The round-trip assertion above would catch a lossy dump."""
    original = Path(__file__).parents[1] / "instruments" / "investitionspakt.yaml"
    instrument = validate_text(original.read_text(encoding="utf-8"), original).instrument
    assert instrument is not None
    data = to_data(instrument)
    data["sections"][0]["questions"][0]["options"][0]["label"] = "Nein!"
    assert Instrument.model_validate(data) != instrument
