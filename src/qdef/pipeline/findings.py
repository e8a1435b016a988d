"""Routing findings as located diagnostics (for ``qdef validate`` and ``qdef check``)."""

from __future__ import annotations

from qdef.diagnostics import Code, Diagnostic, Severity
from qdef.pipeline.compiled import Compiled
from qdef.routing.dd import Budget
from qdef.routing.verdicts import Finding
from qdef.validation.checks import Locator

#: In ``qdef validate`` every finding is a warning: the instrument is well formed and
#: can be rendered. ``qdef check`` judges routing, and an unreachable question fails it.
VALIDATE_SEVERITY: dict[str, Severity] = {
    "unreachable": "warning",
    "always-true": "warning",
    "dead-goto": "warning",
    "unknown": "warning",
    "not-analysed": "warning",
    "undecided": "warning",
    "unoffered": "warning",
    "unmeetable": "warning",
    "piped-absent": "warning",
}
CHECK_SEVERITY: dict[str, Severity] = {
    **VALIDATE_SEVERITY,
    "unreachable": "error",
    "unoffered": "error",
    "piped-absent": "error",
}

#: Too entangled to analyse within the diagram budget.
TOO_COMPLEX = Code.QD605


def finding_diagnostic(
    finding: Finding, locator: Locator, severity: dict[str, Severity] = VALIDATE_SEVERITY
) -> Diagnostic:
    return Diagnostic(
        finding.code, finding.message, locator.locate(finding.path), severity[finding.kind]
    )


def routing_diagnostics(
    compiled: Compiled, locator: Locator, severity: dict[str, Severity] = VALIDATE_SEVERITY
) -> list[Diagnostic]:
    """The routing findings of a valid instrument (its analysis, ``compiled.analysis``,
    made here if it was not yet), located through ``locator``."""
    try:
        found = compiled.analysis.findings()
    except (Budget, RecursionError):
        return [
            Diagnostic(
                TOO_COMPLEX,
                "the routing of this instrument is too entangled for qdef to analyse "
                "within its memory bounds; no routing findings were computed. Simplify "
                "conditions that combine many earlier answers",
                locator.locate(("sections",), key=True),
                "warning",
            )
        ]
    return [finding_diagnostic(f, locator, severity) for f in found]
