"""The checks of one instrument as one SQL query over a table of responses.

The table has a row per response and a column per variable, every value as text
(qdef's CSV layout, docs/data.md), and optionally ``_id``. The query is a chain of
common table expressions, each a plain ``SELECT *, … FROM`` the one before, so that
no engine has to see an expression twice:

1. ``src``: each variable's cell, an empty text as no answer (``NULLIF``), as
   ``r<i>``, and the row's number and id;
2. ``val``: each value's check (:func:`~qdef.data.sql.values.value_code`), ``c<i>``:
   the code of what is wrong, NULL when valid;
3. ``s1``, ``s2``, …: whether each question is shown (``s<position>``), its reaching
   condition on the *kept* answers of the questions before it (a layer per depth of
   that dependency, so a condition reads only columns of earlier layers);
4. ``chk``: a column ``f<j>`` per finding slot — a variable's value (D2xx), its
   routing (D301 off the path, D303 follow-up without its option, D302 required and
   missing: at most one of them holds), a rule between answers (D204) — holding the
   code or NULL;
5. ``bad``: the rows with a finding (few, on clean data), then one row per finding:
   ``(_row, _id, variable, code, value)``, the value being the raw text for the
   reason.

:func:`summary_query` counts, over the same chain, the responses and per question
how many had it on the path and answered it. :meth:`SqlChecks.stream_query` (DuckDB)
gives both in one scan: the counts as bits of each row, the findings as lists.

A question the SQL does not express (in a roster, with options offered by a
condition, with rules or a total, a computed value, or a reaching condition outside
:mod:`.conditions`' subset, or one that depends on such a question) is not in the
query: :attr:`SqlChecks.fallback` names it with why, and the engine leaves it to
the walk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from qdef.data.codes import DataCode
from qdef.data.sql.conditions import TRUE, UnsupportedError, condition_sql
from qdef.data.sql.dialect import Dialect
from qdef.data.sql.required import cross, required, valid
from qdef.data.sql.values import has_code, value_code
from qdef.expr.nodes import Expr, Ref
from qdef.expr.nodes import walk as nodes
from qdef.routing.plan import Plan, Step, VarInfo

#: The codes the SQL reports for the questions it checks; the walk reports the rest.
SQL_CODES = frozenset(
    {DataCode.D201, DataCode.D202, DataCode.D203, DataCode.D204}
    | {DataCode.D301, DataCode.D302, DataCode.D303}
)
#: Questions per column of :meth:`SqlChecks.stream_query`'s summary bits (two bits
#: each, in a signed 64-bit integer).
SIGNATURE = 31


@dataclass(frozen=True, slots=True)
class Slot:
    """One place a finding can be: a column ``f<index>`` of ``chk``."""

    index: int
    variable: str
    """The finding's variable (a question's id for a rule between answers or a required
    list; ``q.row`` for a matrix's row)."""
    question: str
    raw: str | None
    """The variable whose text the reason quotes (None: none)."""
    expr: str
    guard: str = ""
    """What holds wherever :attr:`expr` is not NULL (and rarely elsewhere), cheaper to
    run on every row (:meth:`SqlChecks.stream_query`); empty: the question's shared
    part alone (:attr:`SqlChecks.guards`)."""


@dataclass(slots=True)
class SqlChecks:
    """The checks of an instrument in SQL: which questions, which slots, the query."""

    plan: Plan
    dialect: Dialect
    questions: list[str] = field(default_factory=list)
    """The questions the query checks, in order."""
    fallback: dict[str, str] = field(default_factory=dict)
    """Question -> why the walk checks it instead."""
    slots: list[Slot] = field(default_factory=list)
    chain: str = ""
    """The common table expressions, ``src`` … ``chk``."""
    base: str = ""
    """The common table expressions before ``chk``: ``src`` … the last ``s<depth>``."""
    last: str = "val"
    """The last of :attr:`base`."""
    guards: list[str] = field(default_factory=list)
    """Tests that together hold for every row with a finding (and for few others):
    the slots' own and, per question, an answer given where it is not shown."""
    index: dict[str, int] = field(default_factory=dict)
    """Variable -> its number i (columns ``r<i>``, ``c<i>``)."""
    carry: list[str] = field(default_factory=list)
    """Columns of the source the chain carries as they are (``_walk``, ``_line`` of
    JSON Lines: :mod:`.jsonlines`)."""

    def findings_query(self) -> str:
        """One row per finding: ``(_row, _id, variable, code, value)``, by row."""
        if not self.slots:
            return (
                f"WITH {self.chain} SELECT _row, _id, _row AS variable, _row AS code, "
                "_row AS value FROM chk WHERE 1 = 0"
            )
        d = self.dialect
        some = f"_blank = 0 AND ({any_set([f'f{s.index}' for s in self.slots])})"
        columns = ", ".join(
            ["_row", "_id", *(f"f{s.index}" for s in self.slots), *self._raw_columns()]
        )
        found = "\nUNION ALL ".join(
            f"SELECT _row, _id, {s.index} AS k, {d.lit(s.variable)} AS variable, "
            f"f{s.index} AS code, {s.raw or 'CAST(NULL AS VARCHAR)'} AS value "
            f"FROM bad WHERE f{s.index} IS NOT NULL"
            for s in self.slots
        )
        materialized = "MATERIALIZED " if d.materialized else ""
        return (
            f"WITH {self.chain},\n"
            f"bad AS {materialized}(SELECT {columns} FROM chk WHERE {some})\n"
            f"SELECT _row, _id, variable, code, value FROM (\n{found}\n) AS found\n"
            f"ORDER BY _row, k"
        )

    def stream_query(self, breaks: bool = False) -> str:
        """One pass over the rows (DuckDB, fetched as Arrow batches): a row per row
        read, in the order read, with the summary's counts as bits —
        ``_sig<j>``: for the questions ``31 j … 31 j + 30`` of :attr:`questions`, bit
        ``2 n`` on the path, ``2 n + 1`` on it and answered (-1: a row whose every cell
        is empty, no response) — and, for a row that may have a finding, ``_id``,
        ``_codes`` (the code of each slot of :attr:`slots`, in order, NULL where none)
        and ``_raws`` (the texts of :meth:`raw_columns`, then a NULL); NULL for the
        others. With ``_walk`` carried (JSON Lines), a row flagged so is neither
        counted nor checked: ``_wline`` holds its line for the walk. ``breaks``: also
        ``_nl``, the line breaks in the row's free texts (:meth:`breaks_sql`).

        The slots are worked out only on the rows :attr:`guards` pick (a ``CASE``
        runs its branch on the rows its test selects): on clean data few, where
        every slot on every row is most of the work. A picked row may have no finding
        after all (its list all NULL). The checks are the chain's, in the portable
        subset; only the shape of the output (lists) and the count of line breaks are
        DuckDB's: one scan gives both the summary and the findings, where
        :meth:`summary_query` and :meth:`findings_query` scan twice."""
        walk = "_walk" in self.carry
        skip = "_blank = 1 OR _walk" if walk else "_blank = 1"
        parts: list[str] = []
        for start in range(0, max(len(self.questions), 1), SIGNATURE):
            bits: list[str] = []
            for n, qid in enumerate(self.questions[start : start + SIGNATURE]):
                step = self.plan.steps[self.plan.position_of(qid)]
                shown = shown_column(step)
                bits.append(f"CASE WHEN {shown} THEN {1 << (2 * n)} ELSE 0 END")
                bits.append(
                    f"CASE WHEN ({shown}) AND ({self.answered_shown(step)}) "
                    f"THEN {1 << (2 * n + 1)} ELSE 0 END"
                )
            total = " + ".join(bits) or "0"
            parts.append(
                f"CASE WHEN {skip} THEN -1 ELSE CAST({total} AS BIGINT) END AS _sig{len(parts)}"
            )
        if walk:
            parts.append("CASE WHEN _walk THEN _line ELSE NULL END AS _wline")
        if breaks:
            parts.append(f"{self.breaks_sql()} AS _nl")
        if not self.slots:
            parts += ["CAST(NULL AS VARCHAR) AS _id", "CAST(NULL AS VARCHAR[]) AS _codes"]
            parts.append("CAST(NULL AS VARCHAR[]) AS _raws")
            return f"WITH {self.base}\nSELECT {', '.join(parts)} FROM {self.last}"
        some = f"_blank = 0 AND ({' OR '.join(f'({g})' for g in self.guards)})"
        if walk:
            some = f"NOT _walk AND {some}"
        codes = ", ".join(s.expr for s in self.slots)
        raws = ", ".join([*self.raw_columns(), "CAST(NULL AS VARCHAR)"])
        parts += [
            "CASE WHEN _bad THEN _id ELSE NULL END AS _id",
            f"CASE WHEN _bad THEN [{codes}] ELSE NULL END AS _codes",
            f"CASE WHEN _bad THEN [{raws}] ELSE NULL END AS _raws",
        ]
        return (
            f"WITH {self.base},\nfin AS (SELECT *, {some} AS _bad FROM {self.last})\n"
            f"SELECT {', '.join(parts)} FROM fin"
        )

    def breaks_sql(self) -> str:
        """How many line ends the row's free texts hold, as Python's CSV reader counts
        them (a line feed, a carriage return, the two together: one), as an integer:
        where a CSV file's rows start (a row with a line break in a cell spans lines).
        Only the free texts are counted, where breaks belong: the engine checks the
        total against the file's lines, and finds the lines another way where they
        differ."""

        def count(text: str, of: str) -> str:
            return f"(length({text}) - length(replace({text}, {of}, '')))"

        texts = [
            f"r{i}" for name, i in self.index.items() if self.plan.variables[name].kind == "text"
        ]
        if not texts:
            return "CAST(0 AS INTEGER)"
        counts = [
            f"CASE WHEN contains({r}, chr(10)) OR contains({r}, chr(13)) THEN "
            f"{count(r, 'chr(10)')} + {count(r, 'chr(13)')} - "
            f"{count(r, 'chr(13) || chr(10)')} // 2 ELSE 0 END"
            for r in texts
        ]
        # the texts of a row together first: few rows have a break, each cell is costly
        row = f"concat({', '.join(texts)})"
        some = f"contains({row}, chr(10)) OR contains({row}, chr(13))"
        return f"CAST(CASE WHEN {some} THEN {' + '.join(counts)} ELSE 0 END AS INTEGER)"

    def raw_columns(self) -> list[str]:
        """The columns ``r<i>`` whose texts the reasons quote, in order."""
        return self._raw_columns()

    def _raw_columns(self) -> list[str]:
        return sorted({s.raw for s in self.slots if s.raw}, key=lambda r: int(r[1:]))

    def summary_query(self) -> str:
        """One row: the number of responses, then per question of :attr:`questions`
        how many had it on the path and how many of those answered it, then the rows
        read (with those whose every cell is empty)."""
        parts = ["SUM(CASE WHEN _blank = 0 THEN 1 ELSE 0 END)"]
        for qid in self.questions:
            step = self.plan.steps[self.plan.position_of(qid)]
            shown = shown_column(step)
            answered = " OR ".join(f"({self.answered(name)})" for name in step.variables) or "1 = 0"
            parts.append(f"SUM(CASE WHEN _blank = 0 AND {shown} THEN 1 ELSE 0 END)")
            parts.append(
                f"SUM(CASE WHEN _blank = 0 AND ({shown}) AND ({answered}) THEN 1 ELSE 0 END)"
            )
        parts.append("COUNT(*)")  # the rows read, those with every cell empty too
        return f"WITH {self.chain}\nSELECT {', '.join(parts)} FROM chk"

    def answered_shown(self, step: Step) -> str:
        """Whether any variable of ``step`` counts as answered, where the question is
        shown: :meth:`answered` with "shown" taken out — a value given, and if it is
        valid, a box ticked and a follow-up's option chosen; the plain ones tested at
        once (``COALESCE``)."""
        plain: list[str] = []
        other: list[str] = []
        for name in step.variables:
            info = self.plan.variables[name]
            i = self.index[name]
            if info.kind != "check" and info.option is None:
                plain.append(f"r{i}")
                continue
            extra = []
            if info.kind == "check":
                extra.append(f"LOWER(TRIM(r{i})) IN ('true', '1')")
            if info.option is not None:
                extra.append(self.chosen(info))
            other.append(f"(r{i} IS NOT NULL AND (c{i} IS NOT NULL OR ({' AND '.join(extra)})))")
        tests = [any_set(plain)] if plain else []
        return " OR ".join([*tests, *other]) or "1 = 0"

    def answered(self, name: str) -> str:
        """Kept (in the walk's response) or given but invalid (counts as answered)."""
        i = self.index[name]
        return f"({self.kept(name)}) OR (r{i} IS NOT NULL AND c{i} IS NOT NULL)"

    def kept(self, name: str) -> str:
        """Whether the walk keeps the variable's value: its question shown, the value
        valid, a check box ticked, a follow-up's option chosen."""
        info = self.plan.variables[name]
        i = self.index[name]
        step = self.plan.steps[info.position]
        test = f"{shown_column(step)} AND r{i} IS NOT NULL AND c{i} IS NULL"
        if info.kind == "check":
            test += f" AND LOWER(TRIM(r{i})) IN ('true', '1')"
        if info.option is not None:
            test += f" AND {self.chosen(info)}"
        return test

    def chosen(self, info: VarInfo) -> str:
        """Whether the follow-up's option is chosen (a valid answer of its question)."""
        parent = self.index[info.question]
        assert info.option is not None
        raw = f"r{parent}"
        if self.plan.variables[info.question].kind == "choice":
            match = f"{raw} = {self.dialect.lit(info.option)}"
        else:
            match = has_code(self.dialect, raw, info.option)
        return f"{raw} IS NOT NULL AND c{parent} IS NULL AND {match}"


def any_set(columns: list[str], width: int = 50) -> str:
    """Whether any of ``columns`` is not NULL: ``COALESCE`` of up to ``width`` at a time
    (one function over many columns is cheaper to run than as many ``IS NOT NULL``
    tests; SQLite allows only so many arguments, and wants two at least)."""
    parts = []
    for start in range(0, len(columns), width):
        chunk = columns[start : start + width]
        parts.append(
            f"COALESCE({', '.join(chunk)}) IS NOT NULL"
            if len(chunk) > 1
            else f"{chunk[0]} IS NOT NULL"
        )
    return " OR ".join(parts) or "1 = 0"


def _none_set(columns: list[str]) -> str:
    """Whether each of ``columns`` is NULL (a ``COALESCE`` at a time: SQLite allows
    only so many arguments)."""
    return " AND ".join(
        f"COALESCE({', '.join(columns[at : at + 50])}, NULL) IS NULL"
        for at in range(0, len(columns), 50)
    )


def shown_column(step: Step) -> str:
    return f"s{step.position}"


def compile_checks(
    plan: Plan,
    reaching: dict[str, Expr],
    dialect: Dialect,
    *,
    source: str,
    row: str,
    columns: Iterable[str] | None = None,
    carry: Iterable[str] = (),
) -> SqlChecks:
    """The checks of ``plan`` over the relation ``source`` (a table name or a table
    function), numbering rows with the expression ``row``. ``reaching``: question ->
    its reaching condition (``Analysis.reaching``). ``columns``: the columns the data
    has (None: all of the instrument's variables and ``_id``)."""
    checks = SqlChecks(plan, dialect)
    listed = None if columns is None else list(columns)
    present = None if listed is None else set(listed)
    names = [name for name, info in plan.variables.items() if info.roster is None]
    checks.index = {name: i for i, name in enumerate(names)}
    owned = _owned(plan, reaching, dialect, checks)
    d = dialect

    def raw(name: str) -> str:
        if present is not None and name not in present:
            return "CAST(NULL AS VARCHAR)"
        return f"NULLIF({d.ident(name)}, '')"

    ident = "_id" if present is None or "_id" in present else None
    src = [f"{row} AS _row", f"{raw(ident) if ident else 'CAST(NULL AS VARCHAR)'} AS _id"]
    src += [f"{d.ident(column)} AS {column}" for column in carry]
    checks.carry = list(carry)
    src += [f"{raw(name)} AS r{checks.index[name]}" for name in names]
    val = [
        f"{value_code(d, plan.variables[n], f'r{checks.index[n]}')} AS c{checks.index[n]}"
        for n in names
    ]
    # a row whose every cell is empty is no response (the CSV reader skips it): it is
    # numbered, then left out; the variables' cells are tested as r<i> (in ``val``),
    # the others' (``_xblank``) where they are read
    cells = listed if listed is not None else ["_id", *names]
    given = [f"r{checks.index[c]}" for c in cells if c in checks.index]
    given += ["_id"] if "_id" in cells else []
    other = [c for c in cells if c not in checks.index and c != "_id"]
    blank = [_none_set(given[at : at + 50]) for at in range(0, len(given), 50)]
    if other:
        src.append(f"CASE WHEN {_none_set([raw(c) for c in other])} THEN 1 ELSE 0 END AS _xblank")
        blank = [*[c for c in blank if c], "_xblank = 1"]
    test = " AND ".join(c for c in blank if c) or "1 = 0"
    val.append(f"CASE WHEN {test} THEN 1 ELSE 0 END AS _blank")
    ctes = [
        f"src AS (SELECT {', '.join(src)} FROM {source})",
        f"val AS (SELECT *, {', '.join(val)} FROM src)",
    ]
    previous = "val"
    for depth, layer in enumerate(owned, start=1):
        shown = ", ".join(f"({condition}) AS s{position}" for position, condition in layer)
        ctes.append(f"s{depth} AS (SELECT *, {shown} FROM {previous})")
        previous = f"s{depth}"
    slots = _slots(checks)
    checks.slots = slots
    checks.guards = _guards(checks)
    checks.base, checks.last = ",\n".join(ctes), previous
    found = [f"{s.expr} AS f{s.index}" for s in slots] or ["NULL AS f_none"]
    ctes.append(f"chk AS (SELECT *, {', '.join(found)} FROM {previous})")
    checks.chain = ",\n".join(ctes)
    return checks


def _owned(
    plan: Plan, reaching: dict[str, Expr], d: Dialect, checks: SqlChecks
) -> list[list[tuple[int, str]]]:
    """The questions the SQL checks, as layers of (position, shown condition); the
    others go to ``checks.fallback``."""
    depth: dict[int, int] = {}
    layers: list[list[tuple[int, str]]] = []

    def kept(name: str) -> tuple[str, str]:
        info = plan.variables[name]
        if info.position not in depth:
            question = plan.steps[info.position].question.id
            raise UnsupportedError(f"it depends on {question!r}, which the walk checks")
        return checks.kept(name), f"r{checks.index[name]}"

    for step in plan.steps:
        if not step.variables:
            continue
        qid = step.question.id
        reason = _why_not(step)
        condition = TRUE
        if reason is None and qid not in reaching:
            reason = "its reaching condition is not known (beyond the analysis's budget)"
        if reason is None:
            try:
                condition = condition_sql(d, plan, reaching[qid], kept)
            except UnsupportedError as error:
                reason = f"its reaching condition: {error}"
        if reason is not None:
            checks.fallback[qid] = reason
            continue
        used = {
            plan.variables[n.name].position
            for n in nodes(reaching[qid])
            if isinstance(n, Ref) and n.name in plan.variables
        }
        used |= {
            plan.variables[part].position
            for n in nodes(reaching[qid])
            if isinstance(n, Ref)
            for part in plan.parts(n.name)
        }
        level = 1 + max((depth[p] for p in used if p in depth), default=0)
        depth[step.position] = level
        while len(layers) < level:
            layers.append([])
        layers[level - 1].append((step.position, condition))
        checks.questions.append(qid)
    return layers


def _why_not(step: Step) -> str | None:
    if step.roster is not None:
        return f"it is in the roster {step.roster!r}"
    if step.option_when:
        return "its options or rows are offered by a condition"
    if step.rules or step.total is not None:
        return "it has rules"
    return None


def _slots(checks: SqlChecks) -> list[Slot]:
    plan = checks.plan
    slots: list[Slot] = []

    def add(variable: str, question: str, raw: str | None, expr: str, guard: str) -> None:
        slots.append(Slot(len(slots), variable, question, raw, expr, guard))

    for qid in checks.questions:
        step = plan.steps[plan.position_of(qid)]
        # a variable's value (D2xx) and its routing (D30x) in one slot: a routing
        # finding needs a valid value (or none, for D302), so at most one holds
        for name in step.variables:
            i = checks.index[name]
            route, guard = _route(checks, step, name)
            add(name, qid, f"r{i}", f"COALESCE(c{i}, {route})", guard)
        for variable, expr in cross(checks, step):
            add(variable, qid, None, expr, f"({expr}) IS NOT NULL")
        for variable, expr in required(checks, step):
            add(variable, qid, None, expr, f"({expr}) IS NOT NULL")
    return slots


def _guards(checks: SqlChecks) -> list[str]:
    """:attr:`SqlChecks.guards`: a value that is not valid (any ``c<i>``), per question
    an answer given where it is not shown (D301, ticked or not), and the slots' own."""
    plan = checks.plan
    owned = [n for q in checks.questions for n in plan.steps[plan.position_of(q)].variables]
    guards = [any_set([f"c{checks.index[name]}" for name in owned])] if owned else []
    for qid in checks.questions:
        step = plan.steps[plan.position_of(qid)]
        given = [f"r{checks.index[name]}" for name in step.variables]
        if given:
            guards.append(f"NOT ({shown_column(step)}) AND ({any_set(given)})")
    guards += [s.guard for s in checks.slots if s.guard]
    return guards


def _route(checks: SqlChecks, step: Step, name: str) -> tuple[str, str]:
    """D301 (a valid answer, its question not shown), D303 (shown, a follow-up whose
    option is not chosen), D302 (a required follow-up of the chosen option missing);
    and what holds wherever D303 or D302 does (D301: :func:`_guards`, per question),
    each test run only on the rows it concerns."""
    info = checks.plan.variables[name]
    i = checks.index[name]
    shown = shown_column(step)
    answer = valid(checks, name)
    if info.kind == "check":
        answer += f" AND LOWER(TRIM(r{i})) IN ('true', '1')"  # an unticked box: none
    branches = [f"WHEN ({answer}) AND NOT ({shown}) THEN 'D301'"]
    guards: list[str] = []
    if info.option is not None:
        chosen = checks.chosen(info)
        branches.append(f"WHEN ({answer}) AND NOT ({chosen}) THEN 'D303'")
        guards.append(f"CASE WHEN r{i} IS NOT NULL THEN NOT ({chosen}) ELSE 1 = 0 END")
        if getattr(info.node, "required", False):
            missing = f"NOT ({checks.answered(name)})"
            branches.append(f"WHEN {shown} AND ({chosen}) AND {missing} THEN 'D302'")
            guards.append(f"CASE WHEN {shown} THEN ({chosen}) AND {missing} ELSE 1 = 0 END")
    route = f"CASE {' '.join(branches)} ELSE NULL END"
    return route, " OR ".join(f"({g})" for g in guards)


__all__ = ["SQL_CODES", "Slot", "SqlChecks", "compile_checks"]
