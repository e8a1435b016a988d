"""Testing instruments with hypothesis (public API; needs ``hypothesis``).

- :func:`instruments` — random valid instruments, for testing renderers and tools
  (with ``features=FEATURES``: hidden and computed variables, piping, filters,
  rules, patterns, defaults too; with ``features=FEATURES19``: rankings, number
  lists, dual-scale matrices, sliders, buttons, random order and rosters;
  ``ALL_FEATURES``: both);
- :func:`answers` — any answer set an instrument accepts (types, codes, bounds,
  exclusivity, patterns), unanswered questions included;
- :func:`respondents` — the responses of respondents who walk the instrument:
  only shown questions answered, follow-ups only for chosen options, only offered
  options, rules and totals met, a record per roster iteration, ``_order`` now and
  then;
- :func:`attempts` — respondents who also give what the walk must drop or replace
  (answers of options not offered, hidden values outside their domain) and may
  break rules, with the response and rule failures the walk must produce;
- :func:`check_routing` / :func:`assert_routing` — the standard routing
  properties on any instrument, with a minimal counterexample on failure.

A routing test for your own instrument::

    from qdef.testing import assert_routing

    def test_routing():
        assert_routing("instruments/my-survey.yaml")
"""

try:
    import hypothesis  # noqa: F401
except ImportError as missing:  # pragma: no cover - depends on the environment
    raise ImportError(
        "qdef.testing needs hypothesis, a dependency of qdef; reinstall qdef to get it"
    ) from missing

from qdef.testing.answer_gen import Attempt, answers, attempts, respondents
from qdef.testing.instrument_gen import (
    ALL_FEATURES,
    FEATURES,
    FEATURES19,
    codes,
    instruments,
    literal,
    plain_text,
    regexes,
)
from qdef.testing.properties import (
    PropertyFailure,
    RoutingReport,
    assert_routing,
    check_routing,
)

__all__ = [
    "ALL_FEATURES",
    "FEATURES",
    "FEATURES19",
    "Attempt",
    "PropertyFailure",
    "RoutingReport",
    "answers",
    "assert_routing",
    "attempts",
    "check_routing",
    "codes",
    "instruments",
    "literal",
    "plain_text",
    "regexes",
    "respondents",
]
