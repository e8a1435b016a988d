"""The routing graph of an instrument, as Mermaid or Graphviz DOT text.

Nodes: a start node, every question in sequence order (label: display number
and id, displays by id alone), an end node. Questions that are shown on no
walk are drawn in their own style ("unreachable") and have no edges.

Edges are "shown next" edges, computed from the precise diagrams of the
analysis, so an edge no respondent can take is left out: from each question
that can be shown, every flow out of it (each routing option, and the
default continuation: the question's ``goto`` or the next question) is
followed over the questions it may pass unshown to the question actually
shown next, or to the end.

- An edge taken because of an option's goto is labelled with the option
  codes, ``= ja`` (several codes: ``= a, b``); the default continuation is
  unlabelled. Where both lead to the same question the edge is unlabelled.
- An edge that exists only because questions in between were not shown
  (their condition did not hold) is dashed.

A roster's questions are drawn in a box (a Mermaid subgraph, a DOT cluster) titled
with what its block is repeated for (``× each person of question 1 'names' (at most
3)``); its edges are those of one iteration, as the analysis sees it.

The output is deterministic: nodes in sequence order, edges by source, then
target, solid before dashed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from qdef.routing.analysis import Analysis
from qdef.routing.dd import FALSE
from qdef.routing.pathtext import repeated_for
from qdef.routing.plan import Roster

GraphFormat = Literal["mermaid", "dot"]

_START = -1


@dataclass(frozen=True, slots=True)
class Edge:
    """From ``source`` to ``target`` (positions; -1 is the start, ``plan.end`` the end)."""

    source: int
    target: int
    codes: tuple[str, ...]
    """The option codes whose goto causes the edge; empty for the default continuation."""
    passed: bool
    """True when the edge exists only because questions in between were not shown."""

    @property
    def label(self) -> str:
        return "= " + ", ".join(self.codes) if self.codes else ""


@dataclass(frozen=True, slots=True)
class Node:
    position: int
    question: str
    label: str
    reachable: bool


def _shown_next(analysis: Analysis, target: int, arriving: int) -> list[tuple[int, bool]]:
    """Where a flow arriving at ``target`` is next shown: (position or end, whether
    questions were passed unshown on the way)."""
    computing = analysis.computing  # computed values are no questions passed
    return [
        (at, any(p not in computing for p in range(target, at)))
        for at, _ in analysis.shown_next({target: arriving})
    ]


def edges(analysis: Analysis) -> list[Edge]:
    """The edges of the routing graph, sorted by source, target, solid before dashed."""
    plan = analysis.plan
    # (source, target, passed) -> (option codes, whether the default flow leads there too)
    found: dict[tuple[int, int, bool], tuple[list[str], bool]] = {}

    def add(source: int, target: int, passed: bool, code: str | None) -> None:
        codes = found.setdefault((source, target, passed), ([], False))[0]
        if code is None:
            found[(source, target, passed)] = (codes, True)
        elif code not in codes:
            codes.append(code)

    for target, passed in _shown_next(analysis, 0, analysis.arrive[0]):
        add(_START, target, passed, None)
    for step in plan.steps:
        i = step.position
        shown = analysis.reach[i]
        if shown == FALSE or i in analysis.computing:  # a computed value is no stop
            continue
        for code, target, arriving in analysis.leave(step, shown):
            for shown_at, passed in _shown_next(analysis, target, arriving):
                add(i, shown_at, passed, code)
    return [
        Edge(source, target, () if default else tuple(codes), passed)
        for (source, target, passed), (codes, default) in sorted(found.items())
    ]


def nodes(analysis: Analysis) -> list[Node]:
    """Every question in sequence order, with its label and whether it can be shown."""
    numbers = analysis.plan.numbers
    result: list[Node] = []
    for step in analysis.plan.steps:
        if step.position in analysis.computing:
            continue  # never shown: not a stop on any path
        qid = step.question.id
        number = numbers.get(qid)
        label = f"{number} {qid}" if number is not None else qid
        result.append(Node(step.position, qid, label, analysis.reach[step.position] != FALSE))
    return result


def _roster_of(analysis: Analysis, node: Node) -> str | None:
    roster: str | None = getattr(analysis.plan.steps[node.position], "roster", None)
    return roster


def _in_rosters(analysis: Analysis) -> Iterator[tuple[Node, Roster | None, bool]]:
    """Every node, with the roster whose block it opens (or None) and whether the block
    of the node before it closes here: a roster's questions are drawn in a box titled
    with what the block is repeated for (its edges are those of one iteration)."""
    previous: str | None = None
    for node in nodes(analysis):
        roster = _roster_of(analysis, node)
        changed = roster != previous
        opened = analysis.plan.rosters[roster] if changed and roster is not None else None
        yield node, opened, changed and previous is not None
        previous = roster


# --------------------------------------------------------------------------- mermaid

#: Characters Mermaid would read as syntax (or as a directive, a markdown string, an
#: entity), written as Mermaid entity codes.
_MERMAID_ENTITIES = {
    "#": "#35;",
    '"': "#quot;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "|": "#124;",
    "%": "#37;",
    "`": "#96;",
    "\\": "#92;",
}


def mermaid_text(text: str) -> str:
    """``text`` for a double-quoted Mermaid label (without the quotes)."""
    out: list[str] = []
    for char in text:
        if char in _MERMAID_ENTITIES:
            out.append(_MERMAID_ENTITIES[char])
        elif char.isspace() or not char.isprintable():
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def _mermaid(analysis: Analysis) -> str:
    end = analysis.plan.end
    ids = {node.position: f"q_{node.question}" for node in nodes(analysis)}
    ids[_START] = "start"
    ids[end] = "stop"
    lines = ["flowchart TD", '    start(["start"])']
    unreachable: list[str] = []
    for node, opened, closed in _in_rosters(analysis):
        if closed:
            lines.append("    end")
        if opened is not None:
            title = mermaid_text(f"× {repeated_for(analysis.plan, opened)}")
            lines.append(f'    subgraph r_{opened.id}["{title}"]')
        indent = "        " if _roster_of(analysis, node) else "    "
        lines.append(f'{indent}{ids[node.position]}["{mermaid_text(node.label)}"]')
        if not node.reachable:
            unreachable.append(ids[node.position])
    if any(_roster_of(analysis, node) for node in nodes(analysis)[-1:]):
        lines.append("    end")
    lines.append('    stop(["end"])')
    for edge in edges(analysis):
        arrow = "-.->" if edge.passed else "-->"
        label = f'|"{mermaid_text(edge.label)}"|' if edge.label else ""
        lines.append(f"    {ids[edge.source]} {arrow}{label} {ids[edge.target]}")
    if unreachable:
        lines.append(
            "    classDef unreachable fill:#eeeeee,stroke:#cc0000,"
            "stroke-dasharray:5 3,color:#777777"
        )
        lines.append(f"    class {','.join(unreachable)} unreachable")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- dot


def dot_string(text: str) -> str:
    """``text`` as a double-quoted DOT string (a literal: no escape sequences)."""
    cleaned = "".join(c if c.isprintable() and not c.isspace() else " " for c in text)
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot(analysis: Analysis) -> str:
    end = analysis.plan.end
    ids = {node.position: dot_string(f"q_{node.question}") for node in nodes(analysis)}
    ids[_START] = '"start"'
    ids[end] = '"end"'
    lines = [
        f"digraph {dot_string(analysis.plan.instrument.id)} {{",
        '    node [shape=box, fontname="sans-serif"];',
        '    edge [fontname="sans-serif"];',
        '    "start" [label="start", shape=oval];',
    ]
    for node, opened, closed in _in_rosters(analysis):
        if closed:
            lines.append("    }")
        if opened is not None:
            label = dot_string(f"× {repeated_for(analysis.plan, opened)}")
            lines.append(f"    subgraph {dot_string('cluster_' + opened.id)} {{")
            lines.append(f"        label={label};")
        indent = "        " if _roster_of(analysis, node) else "    "
        style = (
            ""
            if node.reachable
            else ', style="dashed,filled", fillcolor="#eeeeee", color="#cc0000", '
            'fontcolor="#777777", class="unreachable"'
        )
        lines.append(f"{indent}{ids[node.position]} [label={dot_string(node.label)}{style}];")
    if any(_roster_of(analysis, node) for node in nodes(analysis)[-1:]):
        lines.append("    }")
    lines.append('    "end" [label="end", shape=oval];')
    for edge in edges(analysis):
        attributes = []
        if edge.label:
            attributes.append(f"label={dot_string(edge.label)}")
        if edge.passed:
            attributes.append("style=dashed")
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"    {ids[edge.source]} -> {ids[edge.target]}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def graph(analysis: Analysis, fmt: GraphFormat) -> str:
    """The routing graph of ``analysis`` as Mermaid (``flowchart``) or DOT text."""
    if fmt == "mermaid":
        return _mermaid(analysis)
    if fmt == "dot":
        return _dot(analysis)
    raise ValueError(f"unknown graph format {fmt!r}; use 'mermaid' or 'dot'")


__all__ = ["Edge", "GraphFormat", "Node", "dot_string", "edges", "graph", "mermaid_text", "nodes"]
