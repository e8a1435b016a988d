"""Testing instruments with hypothesis (public API; needs ``hypothesis``).

- :func:`instruments` — random valid instruments, for testing renderers and tools;
- :func:`answers` — any answer set an instrument accepts (types, codes, bounds,
  exclusivity), unanswered questions included;
- :func:`respondents` — the responses of respondents who walk the instrument:
  only shown questions answered, follow-ups only for chosen options;
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

from qdef.testing.answer_gen import answers, respondents
from qdef.testing.instrument_gen import codes, instruments, plain_text
from qdef.testing.properties import (
    PropertyFailure,
    RoutingReport,
    assert_routing,
    check_routing,
)

__all__ = [
    "PropertyFailure",
    "RoutingReport",
    "answers",
    "assert_routing",
    "check_routing",
    "codes",
    "instruments",
    "plain_text",
    "respondents",
]
