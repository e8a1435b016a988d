"""Running the SQL checks: on DuckDB directly over a CSV or Parquet file, or on any
connection holding a ``responses`` table (SQLite in the tests), with the walk for
what the SQL leaves to it.

The query (:mod:`.query`) reports, for the questions it checks, the findings coded
in :data:`~qdef.data.sql.query.SQL_CODES`; the walk (:class:`~qdef.data.Checker`)
stays the reference for everything else — questions in rosters, with options offered
by a condition, with rules, computed values, hidden variables, and rows the SQL
engine cannot read. When an instrument needs it, the walk runs over every response
beside the query, and of its findings only those the SQL does not make are kept:
slower, never silent (:attr:`SqlEngine.fallback` says which questions, and why).

On DuckDB a file is read once (:meth:`~qdef.data.sql.query.SqlChecks.stream_query`):
a row per row read, in the order read, the summary's counts as bits and a row's
findings as lists, fetched as Arrow batches (:class:`_Stream`) — the rows never become
Python objects, the findings do a batch at a time (:class:`~qdef.data.FindingBatch`).
Memory is one batch and DuckDB's own, and for a CSV file the findings until the last
row is read (a row's line is known then). JSON Lines are read by the same query as
text cells where a cell stands for the value (:mod:`.jsonlines`), each other line by
the walk. On another connection (SQLite in the tests) the portable two queries run:
the summary's, then the findings'.
"""

from __future__ import annotations

import collections
import csv
import importlib
import itertools
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import Full, Queue
from typing import TYPE_CHECKING, Any

from qdef.data.checker import Checker, Summary, new_summary
from qdef.data.codes import DataCode, Finding, FindingBatch
from qdef.data.csvread import delimiter, header_problems
from qdef.data.jsonread import line_record
from qdef.data.parquetread import parquet_columns
from qdef.data.readers import read
from qdef.data.records import Record
from qdef.data.sql.dialect import DIALECTS
from qdef.data.sql.jsonlines import jsonl_source
from qdef.data.sql.query import SIGNATURE, SQL_CODES, SqlChecks, compile_checks
from qdef.data.sql.reasons import reason_of
from qdef.routing import Budget
from qdef.routing.plan import Plan

if TYPE_CHECKING:
    from qdef.pipeline.compiled import Compiled

#: The formats the SQL engine reads itself (JSON Lines only when asked for: ``--engine
#: duckdb``).
SQL_FORMATS = ("csv", "parquet", "jsonl")
#: A row of the findings: (row, id, variable, code, the text the reason quotes); from
#: :class:`_Stream` also (row, None, "", None, the line) for a line the walk reads.
_Row = tuple[int, str | None, str, str | None, str | None]


@dataclass(slots=True)
class _Found:
    """The findings of a batch of rows (Arrow arrays; None where it has none)."""

    rows: Any
    """The number of each row with a finding, in order."""
    idents: Any
    """Its ``_id``."""
    k: Any
    """Per finding, by row and slot: which of those rows."""
    slot: Any
    """Its slot (:attr:`SqlChecks.slots`)."""
    code: Any
    text: Any
    """The text its reason quotes, or NULL."""
    walked: list[tuple[int, str]]
    """The lines of the batch that the walk reads instead: (row, line)."""


_BATCH = 10_000
#: How many reasons are kept for reuse (a bound: memory stays flat on any data).
_REASONS = 65_536
_NONE = object()


class SqlUnavailableError(RuntimeError):
    """DuckDB is not installed, or cannot read the file: the walk checks instead."""


def duckdb_module() -> Any:
    """DuckDB, or :class:`SqlUnavailableError` saying how to get it."""
    try:
        import duckdb  # noqa: PLC0415
    except ImportError as error:  # pragma: no cover - the extra 'data'
        raise SqlUnavailableError(
            "the SQL engine needs DuckDB: install qdef with its extra 'data' "
            "(pip install '.[data]' in the checkout)"
        ) from error
    return duckdb


def reaching_conditions(compiled: Compiled) -> dict[str, Any]:
    """Question -> its reaching condition, for every question with answers whose
    condition the routing analysis works out within its budget (the others are left
    out, and so left to the walk)."""
    try:
        analysis = compiled.analysis
    except (Budget, RecursionError):
        return {}
    found: dict[str, Any] = {}
    for step in compiled.plan.steps:
        if step.variables:
            try:
                found[step.question.id] = analysis.reaching(step.question.id)
            except Budget:
                continue
    return found


@dataclass(slots=True)
class _Source:
    sql: str
    header: list[str]
    row: str = "ROW_NUMBER() OVER ()"
    """The row's number: Parquet's own (read in parallel), else counted in order."""


class SqlEngine:
    """The checks of one instrument in SQL, run file by file, counting as it goes
    (``summary``: the same counts as the walk's :class:`~qdef.data.Summary`)."""

    def __init__(
        self,
        compiled: Compiled,
        reaching: Callable[[str], str | None] | None = None,
    ) -> None:
        self.compiled = compiled
        self.plan: Plan = compiled.plan
        self.conditions = reaching_conditions(compiled)
        self.reaching = reaching
        self._sql = new_summary(self.plan)
        """What the query counted: the responses of files it checked alone, the rows
        with findings of every file it checked, and its questions' counts."""
        self._codes: dict[str, int] = {}
        self._questions: dict[str, str | None] = {}
        self._reasons: dict[tuple[str, str, str | None], str] = {}
        probe = compile_checks(
            self.plan, self.conditions, DIALECTS["duckdb"], source="responses", row="1"
        )
        self.fallback: dict[str, str] = dict(probe.fallback)
        """Question -> why the walk checks it (the same for every file)."""
        self.owned = set(probe.questions)
        self.checker = Checker(self.plan, reaching)
        """The walk beside the query (its questions, the responses and unreadable rows)."""
        self.walker = Checker(self.plan, reaching)
        """The walk of files the query cannot read (everything of them)."""
        self._prewalked = 0
        """Findings on their way from :meth:`_walk_line`, counted already."""
        self.notes: list[str] = []
        """What the engine could not do itself, in words (a file left to the walk)."""
        self._streams: list[_Stream] = []
        """The one passes over the file being checked (closed with its connection)."""

    def checks(
        self, source: str, row: str, columns: list[str] | None, dialect: str = "duckdb"
    ) -> SqlChecks:
        return compile_checks(
            self.plan, self.conditions, DIALECTS[dialect], source=source, row=row, columns=columns
        )

    # DuckDB over a file

    def check_file(self, path: Path, fmt: str) -> Iterator[Finding]:
        """Every finding of the responses in ``path`` (``csv``, ``parquet``, ``jsonl``)."""
        for found in self._check(path, fmt):
            if isinstance(found, FindingBatch):
                yield from found
            else:
                yield found

    def check_file_batches(self, path: Path, fmt: str) -> Iterator[FindingBatch]:
        """The same findings as :meth:`check_file`, a batch at a time (the SQL's as
        columns, without a :class:`~qdef.data.Finding` each)."""
        pending: list[Finding] = []
        for found in self._check(path, fmt):
            if isinstance(found, FindingBatch):
                if pending:
                    yield FindingBatch.of(pending)
                    pending = []
                yield found
            else:
                pending.append(found)
                if len(pending) >= _BATCH:
                    yield FindingBatch.of(pending)
                    pending = []
        if pending:
            yield FindingBatch.of(pending)

    def _check(self, path: Path, fmt: str) -> Iterator[Finding | FindingBatch]:
        duckdb = duckdb_module()
        # DuckDB's progress bar writes to standard output: it would be in the findings
        connection = duckdb.connect()
        connection.execute("SET enable_progress_bar = false")
        connection.execute("SET preserve_insertion_order = true")  # rows numbered as read
        try:
            if fmt == "jsonl":
                yield from self.check_jsonl(connection, path)
                return
            source = self._source(connection, path, fmt)
            yield from self._connection(
                connection, source.sql, source.row, source.header, path=path, fmt=fmt, stream=True
            )
        finally:
            for stream in self._streams:  # their reading threads stopped first
                stream.close()
            self._streams.clear()
            connection.close()

    def _source(self, connection: Any, path: Path, fmt: str) -> _Source:
        name = str(path)
        quoted = DIALECTS["duckdb"].lit(name)
        if fmt == "parquet":
            header = parquet_columns(connection, path)
            d = DIALECTS["duckdb"]
            casts = ", ".join(f"CAST({d.ident(c)} AS VARCHAR) AS {d.ident(c)}" for c in header)
            table = f"read_parquet({quoted}, file_row_number = true)"
            sql = f"(SELECT file_row_number + 1 AS qdef_row_, {casts} FROM {table}) AS responses"
            return _Source(sql, header, "qdef_row_")
        with path.open("rb") as file:  # the header only: the rest may not be UTF-8
            first = file.readline().decode("utf-8-sig", errors="replace").rstrip("\r\n")
        header = next(csv.reader([first], delimiter=delimiter(first)), [])
        d = DIALECTS["duckdb"]
        sep = d.lit(delimiter(first))
        types = ", ".join(f"{d.lit(column)}: 'VARCHAR'" for column in header)
        sql = (
            f"read_csv({quoted}, header = true, delim = {sep}, quote = '\"', "
            f"escape = '\"', auto_detect = false, columns = {{{types}}})"
        )
        return _Source(sql, header)

    def check_connection(
        self,
        connection: Any,
        source: str,
        row: str,
        header: list[str],
        *,
        path: Path,
        fmt: str,
        dialect: str = "duckdb",
    ) -> Iterator[Finding]:
        """The findings of the rows of ``source`` on ``connection`` (a DB-API
        connection: DuckDB's or sqlite3's), which were read from ``path``: the portable
        two queries (:meth:`SqlChecks.summary_query`, :meth:`SqlChecks.findings_query`)."""
        for found in self._connection(
            connection, source, row, header, path=path, fmt=fmt, dialect=dialect
        ):
            if isinstance(found, FindingBatch):  # pragma: no cover - streamed only
                yield from found
            else:
                yield found

    def _connection(
        self,
        connection: Any,
        source: str,
        row: str,
        header: list[str],
        *,
        path: Path,
        fmt: str,
        dialect: str = "duckdb",
        stream: bool = False,
    ) -> Iterator[Finding | FindingBatch]:
        """:meth:`check_connection`; ``stream``: DuckDB's one pass instead
        (:meth:`SqlChecks.stream_query`, fetched as Arrow batches)."""
        name = str(path)
        _, problems = header_problems(header, self.plan)
        twice = any(code == DataCode.D401 for _, code, _ in problems)
        if twice or not header:
            yield from self._walk_only(path, fmt)
            return
        checks = self.checks(source, "0" if stream else row, header, dialect)
        walk_too = bool(self.fallback) or self._walk_columns(header)
        variables = [slot.variable for slot in checks.slots]
        made: list[FindingBatch] = []
        before = self._sql.with_findings
        try:
            if stream:
                passed = _Stream(connection, checks, breaks=fmt == "csv")
                self._streams.append(passed)
                batches: Iterator[_Found] = iter(passed.columns())
                if fmt == "csv":  # a row's line is sure when every row is read: held
                    ends, held, made = self._csv_pass(path, passed, batches, variables, walk_too)
                    batches = iter(held)
                    counts = passed.counts()
                else:  # the query runs: errors now (Parquet's cells are text: none later)
                    ahead = next(batches, None)
                    batches = itertools.chain([] if ahead is None else [ahead], batches)
            else:
                counts = connection.execute(checks.summary_query()).fetchone()
        except Exception as error:  # the engine's own error type: DuckDB's, sqlite3's
            self._sql.with_findings = before  # of rows made before the error: walked now
            self.notes.append(
                f"{name}: the SQL engine cannot read it ({_first_line(error)}); the walk checked it"
            )
            yield from self._walk_only(path, fmt)
            return
        sql_rows = _rows(batches, variables) if stream else self._sql_rows(connection, checks)
        yield from self._header_findings(name, problems)
        lines = None
        if fmt == "csv" and counts is not None and not walk_too:
            read = int(counts[-1] or 0)
            if stream and ends.result() != read + 1 + passed.breaks:  # made again
                self._sql.with_findings = before
                again = _line_shifts(path, read)  # blank lines, breaks in other cells
                made = list(self._sql_batches(batches, name, again, variables))
            elif not stream and _line_ends(path) != read + 1:
                lines = _line_shifts(path, read)
        if walk_too:
            yield from self._counted(self._merge(sql_rows, path, fmt, header))
        elif stream:
            for found in (
                made if fmt == "csv" else self._sql_batches(batches, name, None, variables)
            ):
                self._count_batch(found)
                yield found
        else:
            yield from self._counted(self._sql_only(sql_rows, name, lines))
        if stream and fmt != "csv":
            counts = passed.counts()
        self._add_counts(checks, counts, alone=not walk_too)

    def _header_findings(
        self, name: str, problems: list[tuple[str, DataCode, str]]
    ) -> Iterator[Finding]:
        if problems:
            header_record = Record(f"{name}:1", None, {}, problems, readable=False, header=True)
            for finding in self.checker.check(header_record):
                self._count(finding)
                yield finding

    def _csv_pass(
        self,
        path: Path,
        passed: _Stream,
        batches: Iterator[_Found],
        variables: list[str],
        walk_too: bool,
    ) -> tuple[Future[int], list[_Found], list[FindingBatch]]:
        """The query's batches of a CSV file, held (a row's line is sure only when the
        last row is read) and, unless the walk checks beside, their findings made as
        they come on the lines the breaks in the free texts give; the file's lines
        counted beside the query, to tell whether those are the lines."""
        counting = ThreadPoolExecutor(1, "qdef-lines")
        ends = counting.submit(_line_ends, path)
        counting.shutdown(wait=False)
        held: list[_Found] = []
        kept = _kept(batches, held)
        if walk_too:
            collections.deque(kept, maxlen=0)
            return ends, held, []
        lines = (passed.starts, passed.shifts)
        return ends, held, list(self._sql_batches(kept, str(path), lines, variables))

    def _sql_batches(
        self,
        batches: Iterator[_Found],
        name: str,
        lines: tuple[array[int], array[int]] | None,
        variables: list[str],
    ) -> Iterator[FindingBatch]:
        """The query's findings as :meth:`_sql_only` makes them, a batch of rows at a
        time and as columns (no row's findings span two batches): where and which
        response once per row, the reason once per distinct (variable, code, text)."""
        pa, pc = _arrow("pyarrow"), _arrow("pyarrow.compute")
        starts, shifts = lines if lines is not None else (array("q", [1]), array("q", [1]))
        at = 0  # (the lines may grow as the batches come: _Stream's)
        members = DataCode.__members__
        for found in batches:
            if found.rows is None:
                continue
            rows: list[int] = found.rows.to_pylist()
            wheres: list[str] = []
            bound = len(starts)
            for row in rows:
                while at + 1 < bound and starts[at + 1] <= row:
                    at += 1
                wheres.append(f"{name}:{row + shifts[at]}")
            responses = [i or w for i, w in zip(found.idents.to_pylist(), wheres, strict=True)]
            self._sql.with_findings += len(rows)
            text = pc.if_else(
                pc.is_null(found.text),
                _scalar("\x00"),
                pc.binary_join_element_wise(_scalar("v"), found.text, _scalar("")),
            )
            slot = pc.cast(found.slot, pa.string())
            key = pc.binary_join_element_wise(slot, found.code, text, _scalar("\x1f"))
            keys = pc.dictionary_encode(key)
            distinct = [_unkey(variables, item) for item in keys.dictionary.to_pylist()]
            reasons = [self.reason(*item) for item in distinct]
            index = keys.indices.to_pylist()
            ks = found.k.to_pylist()
            yield FindingBatch(
                list(map(responses.__getitem__, ks)),
                list(map(wheres.__getitem__, ks)),
                [variables[i] for i in found.slot.to_pylist()],
                [members[code] for code in found.code.to_pylist()],
                list(map(reasons.__getitem__, index)),
            )

    def _count_batch(self, found: FindingBatch) -> None:
        """:meth:`_counted` for a batch of the query's findings."""
        codes = self._codes
        for code, count in Counter(found.code).items():
            codes[code] = codes.get(code, 0) + count
        off_path = DataCode.D301
        away = Counter(v for v, c in zip(found.variable, found.code, strict=True) if c is off_path)
        for variable, count in away.items():
            question = self._question(variable)
            if question in self.owned:
                self._sql.questions[question].off_path += count

    def _counted(self, found: Iterator[Finding]) -> Iterator[Finding]:
        """``found``, counted by code (and the SQL's questions' answers off the path);
        the findings of lines the walk reads alone (JSON Lines) are its own to count."""
        codes = self._codes
        off_path = DataCode.D301
        for finding in found:
            if self._prewalked:  # counted by the walk that found it
                self._prewalked -= 1
            else:
                code = finding.code
                codes[code] = codes.get(code, 0) + 1
                if code is off_path:
                    question = self._question(finding.variable)
                    if question in self.owned:
                        self._sql.questions[question].off_path += 1
            yield finding

    def _walk_columns(self, header: list[str]) -> bool:
        """Whether the data has columns only the walk checks (computed values, hidden
        variables, rosters)."""
        plan = self.plan
        columns, _ = header_problems(header, plan)
        return any(
            (column is not None and column.name not in self.plan.variables) or column.roster
            for column in columns
            if column is not None
        )

    def _sql_rows(self, connection: Any, checks: SqlChecks) -> Iterator[_Row]:
        cursor = connection.execute(checks.findings_query())
        while True:
            batch = cursor.fetchmany(_BATCH)
            if not batch:
                return
            yield from batch  # (int, text or None, text, text, text or None) as they come

    def _sql_only(
        self,
        rows: Iterator[_Row],
        name: str,
        lines: tuple[array[int], array[int]] | None,
    ) -> Iterator[Finding]:
        """The query's findings; ``lines``: where a row is not on line row + 1, the
        rows from which the shift from row to line changes, and the shifts."""
        last = None
        where = ""
        starts, shifts = lines if lines is not None else (array("q", [1]), array("q", [1]))
        at, bound = 0, len(starts)
        reason = self.reason
        codes = DataCode.__members__
        for row, ident, variable, code, value in rows:
            if row != last:
                while at + 1 < bound and starts[at + 1] <= row:
                    at += 1
                where = f"{name}:{row + shifts[at]}"
                last = row
                if code is not None:
                    self._sql.with_findings += 1
            if code is None:  # a line the walk reads (JSON Lines)
                yield from self._walk_line(where, value or "", first=row == 1)
                continue
            yield Finding(
                ident or where, where, variable, codes[code], reason(variable, code, value)
            )

    def _merge(
        self,
        rows: Iterator[_Row],
        path: Path,
        fmt: str,
        header: list[str],
    ) -> Iterator[Finding]:
        """The walk over every response beside the query: the SQL's findings of row k
        with those of the walk the SQL does not make, for the k-th response."""
        pending = next(rows, None)
        k = 0
        for record in self._records(path, fmt):
            if record.header:
                continue
            k += 1
            found = [f for f in self.checker.check(record) if not self._covered(f)]
            while pending is not None and pending[0] == k:
                _, _, variable, code, value = pending
                assert code is not None  # lines to walk: JSON Lines, never merged
                found.append(
                    Finding(
                        record.response,
                        record.where,
                        variable,
                        DataCode[code],
                        self.reason(variable, code, value),
                    )
                )
                pending = next(rows, None)
            if found:
                self._sql.with_findings += 1
            yield from found

    def _records(self, path: Path, fmt: str) -> Iterator[Record]:
        return read(path, self.plan, format=fmt)

    def _walk_line(self, where: str, line: str, *, first: bool) -> Iterator[Finding]:
        """A line of JSON Lines the query leaves to the walk, read as the JSON reader
        reads it."""
        if first:
            line = line.removeprefix("\ufeff")
        if not line.strip():  # white space the SQL engine does not count as such
            return
        found = self.walker.check(line_record(where, line))
        for finding in found:
            self._count(finding)
        self._prewalked += len(found)
        yield from found

    # JSON Lines

    def check_jsonl(self, connection: Any, path: Path) -> Iterator[Finding]:
        """The findings of a JSON Lines file: the lines whose values read as text cells
        alike (:mod:`.jsonlines`) by the query, the others by the walk."""
        name = str(path)
        why = _jsonl_walked(path) or (
            "questions the walk checks are asked of every line" if self.fallback else None
        )
        if why is not None:
            self.notes.append(f"{name}: the walk checked it ({why})")
            yield from self._walk_only(path, "jsonl")
            return
        d = DIALECTS["duckdb"]
        plan = self.plan
        names = [
            n
            for n, info in plan.variables.items()
            if info.roster is None and info.question in self.owned
        ]
        source = jsonl_source(d, name, plan, names)
        checks = compile_checks(
            plan,
            self.conditions,
            d,
            source=source,
            row="0",
            columns=["_id", *names, "_line"],
            carry=["_walk", "_line"],
        )
        try:
            passed = _Stream(connection, checks)
            self._streams.append(passed)
            held = list(passed.rows())  # every line read before the first finding
        except Exception as error:  # DuckDB's own error types
            self.notes.append(
                f"{name}: the SQL engine cannot read it ({_first_line(error)}); the walk checked it"
            )
            yield from self._walk_only(path, "jsonl")
            return
        lines = (array("q", [1]), array("q", [0]))  # each line a row, blank ones too
        yield from self._counted(self._sql_only(iter(held), name, lines))
        self._add_counts(checks, passed.counts(), alone=True)

    def _walk_only(self, path: Path, fmt: str) -> Iterator[Finding]:
        """A file the query cannot read as columns (a column twice, no header): the
        walk checks all of it."""
        for record in self._records(path, fmt):
            found = self.walker.check(record)
            for finding in found:
                self._count(finding)
            yield from found

    def _covered(self, finding: Finding) -> bool:
        """Whether the SQL makes this finding (its question checked by the query, its
        code one the query gives)."""
        return finding.code in SQL_CODES and self._question(finding.variable) in self.owned

    def _question(self, label: str) -> str | None:
        found = self._questions.get(label, _NONE)
        if found is _NONE:
            found = self._questions[label] = self._question_of(label)
        return found  # type: ignore[return-value]

    def _question_of(self, label: str) -> str | None:
        plan = self.plan
        info = plan.variables.get(label)
        if info is not None:
            return info.question
        head = label
        while head:
            if head in plan.symbols.positions:
                return head
            head = head.rpartition(".")[0]
        return None

    def _count(self, finding: Finding) -> None:
        self._codes[finding.code] = self._codes.get(finding.code, 0) + 1

    def _add_counts(self, checks: SqlChecks, counts: Any, alone: bool) -> None:
        """The summary query's counts of one file (``alone``: no walk beside it)."""
        if counts is None:
            return
        total, *per, _ = counts
        if alone:
            self._sql.responses += int(total or 0)
        for i, question in enumerate(checks.questions):
            on_path, answered = int(per[2 * i] or 0), int(per[2 * i + 1] or 0)
            counts_of = self._sql.questions[question]
            counts_of.on_path += on_path
            counts_of.answered += answered
            counts_of.missing += on_path - answered

    @property
    def summary(self) -> Summary:
        """The counts so far, as the walk would have counted them: the query's for its
        questions, the walk's for the others and for the files it read alone."""
        beside, alone, sql = self.checker.summary, self.walker.summary, self._sql
        found = new_summary(self.plan)
        found.responses = sql.responses + beside.responses + alone.responses
        found.unreadable = beside.unreadable + alone.unreadable
        found.with_findings = sql.with_findings + alone.with_findings
        found.codes = dict(self._codes)
        for question, counts in found.questions.items():
            ours = sql.questions[question] if question in self.owned else beside.questions[question]
            for part in (ours, alone.questions[question]):
                counts.on_path += part.on_path
                counts.answered += part.answered
                counts.missing += part.missing
                counts.off_path += part.off_path
        return found

    # reasons

    def reason(self, variable: str, code: str, value: str | None) -> str:
        """The reason of a finding of the SQL, in the walk's words where it has them
        (kept for the values seen most: collected data repeat their values, and the
        words depend on nothing else)."""
        key = (variable, code, value)
        found = self._reasons.get(key)
        if found is None:
            found = self._reason(variable, code, value)
            if len(self._reasons) >= _REASONS:
                self._reasons.clear()
            self._reasons[key] = found
        return found

    def _reason(self, variable: str, code: str, value: str | None) -> str:
        return reason_of(self.plan, self.reaching, variable, code, value)


def _rows(batches: Iterator[_Found], variables: list[str]) -> Iterator[_Row]:
    """The findings of :meth:`_Stream.columns`, one (or a line to walk) each, by row."""
    pc = _arrow("pyarrow.compute")
    for batch in batches:
        found: Iterator[_Row] = iter(())
        if batch.rows is not None:
            found = zip(
                pc.take(batch.rows, batch.k).to_pylist(),
                pc.take(batch.idents, batch.k).to_pylist(),
                [variables[i] for i in batch.slot.to_pylist()],
                batch.code.to_pylist(),
                batch.text.to_pylist(),
                strict=True,
            )
        if batch.walked:  # in the order of the rows (a line walked: no finding of the SQL)
            lines: list[_Row] = [(row, None, "", None, text) for row, text in batch.walked]
            yield from sorted([*found, *lines], key=lambda item: item[0])
        else:
            yield from found


def _kept(batches: Iterator[_Found], held: list[_Found]) -> Iterator[_Found]:
    """``batches``, each put into ``held`` as it passes."""
    for batch in batches:
        held.append(batch)
        yield batch


def _unkey(variables: list[str], key: str) -> tuple[str, str, str | None]:
    """(variable, code, text) of a key of :meth:`SqlEngine._sql_batches`: the slot, the
    code and ``v`` + the text (``\\x00``: none), joined by ``\\x1f``."""
    slot, code, text = key.split("\x1f", 2)
    return variables[int(slot)], code, None if text == "\x00" else text[1:]


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _jsonl_walked(path: Path) -> str | None:
    """Why the SQL engine cannot read a JSON Lines file line for line as the JSON reader
    does, or None: a carriage return alone (a line end to Python, not to DuckDB), the
    byte 1 (DuckDB's column separator for the lines)."""
    previous = b""
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            if b"\x01" in block:
                return "a byte 1 in its text"
            joined = previous + block  # a carriage return at the end: counted once
            if joined.count(b"\r") - joined.count(b"\r\n") - joined.endswith(b"\r"):
                return "a carriage return without a line feed"
            previous = block[-1:]
    if previous == b"\r":
        return "a carriage return without a line feed"
    return None


def _arrow(name: str) -> Any:
    """pyarrow (DuckDB's Arrow output needs it: the same extra 'data'), untyped."""
    return importlib.import_module(name)


class _Stream:
    """DuckDB's one pass over a file (:meth:`SqlChecks.stream_query`): the rows with
    findings as ``(row, id, variable, code, raw text)``, by row and slot, and at the
    end the summary query's counts (:meth:`counts`), from Arrow batches — the rows
    never become Python objects, only the findings do."""

    def __init__(self, connection: Any, checks: SqlChecks, breaks: bool = False) -> None:
        self.checks = checks
        self.connection = connection
        self.counting = breaks
        """Whether the query counts the line breaks in each row's free texts."""
        self.breaks = 0
        """The line breaks in the free texts of the rows read so far."""
        self.starts, self.shifts = array("q", [1]), array("q", [1])
        """Where a row is on line row + shift if no cell but a free text holds a line
        break (the engine checks that): the rows from which the shift changes, and the
        shifts (:func:`_line_shifts`' form)."""
        self.read = 0
        """The rows read (those whose every cell is empty too)."""
        self.signatures: dict[tuple[int, ...], int] = {}
        """The summary bits of each row (:meth:`SqlChecks.stream_query`) -> how many
        rows have them."""
        self.width = len(checks.slots)
        pa = _arrow("pyarrow")
        raws = {column: i for i, column in enumerate(checks.raw_columns())}
        self.variables = [s.variable for s in checks.slots]
        self.raws = len(raws) + 1  # the last: NULL, for the slots that quote no text
        raw_of = array(
            "q", [raws.get(s.raw, len(raws)) if s.raw else len(raws) for s in checks.slots]
        )
        # from its buffer, as _scalar makes one: pa.array() would import pandas
        self.raw_of = pa.Array.from_buffers(pa.int64(), len(raw_of), [None, pa.py_buffer(raw_of)])
        self.done = False
        self.walk = "_walk" in checks.carry
        self._batches: Generator[Any, None, None] | None = None

    def rows(self) -> Iterator[_Row]:
        """The findings of the query by row, and (``code`` None, ``value`` the line)
        each line that the walk reads instead (JSON Lines)."""
        return _rows(self.columns(), self.variables)

    def columns(self) -> Iterator[_Found]:
        """Per batch of rows: the findings of the query as Arrow arrays, and the lines
        the walk reads instead."""
        pc = _arrow("pyarrow.compute")
        query = self.checks.stream_query(breaks=self.counting)
        reader = self.connection.sql(query).to_arrow_reader(_BATCH * 10)
        signature = [f"_sig{j}" for j in range(max(1, -(-len(self.checks.questions) // SIGNATURE)))]
        signatures = self.signatures
        self._batches = _ahead(iter(reader))
        for batch in self._batches:
            offset = self.read
            self.read += batch.num_rows
            for key, count in _patterns([batch.column(name) for name in signature]):
                signatures[key] = signatures.get(key, 0) + count
            if self.counting:
                self._count_breaks(batch.column("_nl"), offset)
            walked: list[tuple[int, str]] = []
            if self.walk:
                lines = batch.column("_wline")
                at = pc.indices_nonzero(pc.is_valid(lines))
                if len(at):
                    texts = pc.take(lines, at).to_pylist()
                    walked = list(
                        zip(pc.add(at, _scalar(offset + 1)).to_pylist(), texts, strict=True)
                    )
            codes = batch.column("_codes")
            bad = pc.is_valid(codes)
            if not pc.any(bad).as_py():
                yield _Found(None, None, None, None, None, None, walked)
                continue
            picked = pc.indices_nonzero(bad)  # the rows the query looked at closely
            flat = pc.list_flatten(codes)  # a row not picked has no list
            at = pc.indices_nonzero(pc.is_valid(flat))
            if not len(at):  # picked, and no finding after all
                yield _Found(None, None, None, None, None, None, walked)
                continue
            j = pc.divide(at, _scalar(self.width))  # the picked row
            slot = pc.subtract(at, pc.multiply(j, _scalar(self.width)))
            raw = pc.add(pc.multiply(j, _scalar(self.raws)), pc.take(self.raw_of, slot))
            texts = pc.take(pc.list_flatten(batch.column("_raws")), raw)
            # the rows with a finding, and each finding's among them (j ascends: the
            # dictionary's order is the rows')
            found = pc.dictionary_encode(j)
            where = pc.take(picked, found.dictionary)
            yield _Found(
                pc.add(where, _scalar(offset + 1)),
                pc.take(batch.column("_id"), where),
                found.indices,
                slot,
                pc.take(flat, at),
                texts,
                walked,
            )
        self.done = True

    def close(self) -> None:
        """Stop reading (the thread that reads ahead stops after its batch)."""
        if self._batches is not None:
            self._batches.close()

    def _count_breaks(self, breaks: Any, offset: int) -> None:
        """The shifts from row to line past the rows of a batch whose free texts hold
        line breaks (``offset``: the rows read before it)."""
        pc = _arrow("pyarrow.compute")
        at = pc.indices_nonzero(breaks)
        if not len(at):
            return
        before = self.breaks + 1
        self.starts.extend(pc.add(at, _scalar(offset + 2)).to_pylist())  # the row after each
        self.shifts.extend(
            pc.add(pc.cumulative_sum(pc.take(breaks, at)), _scalar(before)).to_pylist()
        )
        self.breaks = self.shifts[-1] - 1

    def counts(self) -> tuple[int, ...]:
        """The summary query's row (:meth:`SqlChecks.summary_query`), from the bits."""
        assert self.done, "the counts come when every row is read"
        questions = len(self.checks.questions)
        responses = 0
        per = [0] * (2 * questions)
        for key, count in self.signatures.items():
            if key and key[0] == -1:
                continue
            responses += count
            for n in range(questions):
                bits = key[n // SIGNATURE] >> (2 * (n % SIGNATURE))
                per[2 * n] += count * (bits & 1)
                per[2 * n + 1] += count * ((bits >> 1) & 1)
        return (responses, *per, self.read)


def _scalar(value: int | str) -> Any:
    """An Arrow scalar made from its buffers: pyarrow's own conversion of a Python
    value imports pandas (a third of a second, where the whole check of a million rows
    takes two) to ask whether it is one of its types."""
    pa = _arrow("pyarrow")
    if isinstance(value, int):
        data = pa.py_buffer(array("q", [value]))
        return pa.Array.from_buffers(pa.int64(), 1, [None, data])[0]
    text = value.encode()
    ends = pa.py_buffer(array("i", [0, len(text)]))
    return pa.Array.from_buffers(pa.string(), 1, [None, ends, pa.py_buffer(text)])[0]


def _patterns(columns: list[Any]) -> list[tuple[tuple[int, ...], int]]:
    """The distinct rows of ``columns`` (Arrow arrays of 64-bit integers: a batch's
    summary bits) and how often each is there. Counted by Arrow's ``value_counts``
    (a table's ``group_by`` would import pandas: a third of a second); several
    columns as one text each."""
    pc = _arrow("pyarrow.compute")
    if len(columns) == 1:
        found = pc.value_counts(columns[0])
        return [
            ((int(key),), int(count))
            for key, count in zip(
                found.field("values").to_pylist(), found.field("counts").to_pylist(), strict=True
            )
        ]
    pa = _arrow("pyarrow")
    texts = [pc.cast(column, pa.string()) for column in columns]
    found = pc.value_counts(pc.binary_join_element_wise(*texts, _scalar(",")))
    return [
        (tuple(int(part) for part in key.split(",")), int(count))
        for key, count in zip(
            found.field("values").to_pylist(), found.field("counts").to_pylist(), strict=True
        )
    ]


def _ahead(batches: Iterator[Any], depth: int = 2) -> Generator[Any, None, None]:
    """``batches``, read by a thread of their own up to ``depth`` ahead: DuckDB works
    out the next batches (its reading lets the GIL go) while this thread looks at the
    last one. Its errors are raised here; closed early, the thread stops after the
    batch it is reading."""
    queue: Queue[tuple[int, Any]] = Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[int, Any]) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.05)
            except Full:
                continue
            return True
        return False

    def run() -> None:
        try:
            for batch in batches:
                if not put((0, batch)):
                    return
        except BaseException as error:  # raised again in the reader's thread
            put((2, error))
            return
        put((1, None))

    thread = threading.Thread(target=run, name="qdef-sql-batches", daemon=True)
    thread.start()
    try:
        while True:
            kind, item = queue.get()
            if kind == 1:
                return
            if kind == 2:
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def _line_ends(path: Path) -> int:
    """The lines of a file as the CSV reader counts them (a line feed, a carriage
    return, the two together end one; a last line without its end counts), read in
    blocks."""
    feeds, returns, pairs, last = 0, 0, 0, b"\n"
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            feeds += block.count(b"\n")
            returns += block.count(b"\r")
            pairs += block.count(b"\r\n") + (last == b"\r" and block[:1] == b"\n")
            last = block[-1:]
    return feeds + returns - pairs + (last not in (b"\n", b"\r"))


def _line_shifts(path: Path, rows: int) -> tuple[array[int], array[int]]:
    """Where the rows the SQL engine numbers (blank lines are none) are not on line
    row + 1: the rows from which the shift to the line changes, and the shifts, as the
    CSV reader names rows. Counted from the quotes of each line (a line with an odd
    number of them opens or closes a quoted cell; a carriage return not before a line
    feed ends a line too, as Python reads them): the CSV reader's own count
    (:func:`_row_lines`) only when that does not come to ``rows``, the rows the SQL
    engine read (a quote inside an unquoted cell)."""
    starts, shifts = array("q", [1]), array("q", [1])
    row, line, inside, pending, shift = 0, 1, False, b"", 1
    with path.open("rb") as file:
        file.readline()  # the header
        while True:
            block = file.read(1 << 20)
            parts = (pending + block).split(b"\n")
            pending = parts.pop() if block else b""
            for text in parts:
                line += 1
                if not inside and text not in (b"", b"\r"):
                    row += 1
                    if line - row != shift:
                        shift = line - row
                        starts.append(row)
                        shifts.append(shift)
                if text.count(b'"') % 2:
                    inside = not inside
                if b"\r" in text:  # a line end of its own to the CSV reader, but in \r\n
                    line += text.count(b"\r") - text.endswith(b"\r")
            if not block:
                break
    if row == rows:
        return starts, shifts
    starts, shifts, shift = array("q", [1]), array("q", [1]), 1
    for row, line in _row_lines(path):
        if line - row != shift:
            shift = line - row
            starts.append(row)
            shifts.append(shift)
    return starts, shifts


def _row_lines(path: Path) -> Iterator[tuple[int, int]]:
    """Each row the SQL engine numbers (blank lines are none) with the line it starts
    on, as the CSV reader names rows."""
    with path.open(encoding="utf-8-sig", newline="", errors="replace") as file:
        first = file.readline()
        reader = csv.reader(file, delimiter=delimiter(first))
        row, line = 0, 2
        for cells in reader:
            if cells:
                row += 1
                yield row, line
            line = reader.line_num + 2


__all__ = [
    "SQL_FORMATS",
    "SqlEngine",
    "SqlUnavailableError",
    "duckdb_module",
    "reaching_conditions",
]
