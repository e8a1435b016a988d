"""``qdef data check``: check collected responses against their instrument.

The command line side of :mod:`qdef.data`: it validates the instrument, computes
what the library must not import itself (the ``limesurvey-map`` comes from the
renderer registry, or from ``--map``), streams each response through the checker,
and prints the findings as they come. Exit codes: 0 no findings, 1 findings,
2 usage or a path that cannot be read (an invalid instrument: its problems, as
``qdef validate`` prints them, with 1).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from qdef.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, read_one

if TYPE_CHECKING:
    from qdef.pipeline.compiled import Compiled


def add_arguments(data: argparse.ArgumentParser) -> None:
    """The description, the sub-command ``check`` and its arguments, and what runs it."""
    from qdef.data import FORMATS  # noqa: PLC0415

    data.description = "Work with response data collected with an instrument."
    actions = data.add_subparsers(dest="action", metavar="ACTION", parser_class=type(data))
    actions.required = True
    check = actions.add_parser(
        "check",
        help="check responses against the instrument's routing and rules",
        description=(
            "Check each response in RESPONSES (files or directories) against INSTRUMENT: "
            "every value valid for its variable, nothing answered off the respondent's "
            "path (the reference walk decides), required answers on the path present, "
            "follow-ups only with their option, no unknown columns. Each finding names "
            "the response, the variable, a stable code (D101 …; docs/data.md) and the "
            "reason; a summary per question follows. Exit 0: no findings, 1: findings, "
            "2: usage or unreadable input."
        ),
    )
    check.add_argument("file", type=Path, metavar="INSTRUMENT", help="the instrument file")
    check.add_argument(
        "responses", nargs="+", type=Path, metavar="RESPONSES", help="files or directories"
    )
    check.add_argument(
        "--from",
        dest="source",
        choices=tuple(FORMATS),
        help="the format of RESPONSES (default: by suffix and header): "
        + "; ".join(f"{name}: {words}" for name, words in FORMATS.items()),
    )
    check.add_argument(
        "--map",
        type=Path,
        metavar="MAP",
        help="the limesurvey-map (JSON) of the survey the LimeSurvey export comes from "
        "(default: rendered from INSTRUMENT)",
    )
    check.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default="text",
        help="text (default), json, or csv (findings only)",
    )
    check.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="do not print the summary line and the engine's notes on stderr",
    )
    check.add_argument(
        "--engine",
        choices=("duckdb", "python"),
        help="duckdb: the checks as SQL on DuckDB over CSV and Parquet, the walk for what "
        "SQL does not express (said on stderr); python: the walk, response by response "
        "(default: duckdb when every input is CSV or Parquet and every question compiles)",
    )
    check.set_defaults(handler=data_command)
    sql = actions.add_parser(
        "sql",
        help="print the checks as an SQL query, to run where the data is",
        description=(
            "Print the checks of INSTRUMENT as one SQL query over a table of responses in "
            "qdef's CSV layout (a text column per variable, _id), giving one row per "
            "finding: _row, _id, variable, code, value (docs/data.md, 'Running the SQL "
            "elsewhere'). Questions the SQL does not express are named in a comment."
        ),
    )
    sql.add_argument("file", type=Path, metavar="INSTRUMENT", help="the instrument file")
    sql.add_argument(
        "--dialect",
        choices=("duckdb", "sqlite", "postgresql", "trino", "spark"),
        default="duckdb",
        help="the engine's spelling (default: duckdb)",
    )
    sql.add_argument("--table", default="responses", help="the table (default: responses)")
    sql.add_argument(
        "--summary",
        action="store_true",
        help="print the query counting responses and per question on path and answered instead",
    )
    sql.set_defaults(handler=data_command)
    _add_export(actions, FORMATS)


def _add_export(actions: Any, sources: dict[str, str]) -> None:
    """The sub-command ``export`` (docs/data.md, "Exporting a labelled dataset")."""
    export = actions.add_parser(
        "export",
        help="export responses as a labelled dataset (CSV, Parquet, SPSS, Stata)",
        description=(
            "Export the responses in RESPONSES as a dataset of INSTRUMENT: one row per "
            "response, one column per variable, named and labelled as the codebook; each "
            "roster a long table in a file beside it (NAME.<roster>.<suffix>). SPSS and "
            "Stata files have value labels and missing values that tell 'not asked' "
            "from 'not answered' (the reference walk decides). Exit 0: written, 1: "
            "written, but responses or values that do not fit were left out, 2: usage, "
            "unreadable input, or qdef's extra 'data' is not installed."
        ),
    )
    export.add_argument("file", type=Path, metavar="INSTRUMENT", help="the instrument file")
    export.add_argument(
        "responses", nargs="+", type=Path, metavar="RESPONSES", help="files or directories"
    )
    export.add_argument(
        "--to",
        dest="target",
        required=True,
        choices=("csv", "parquet", "sav", "dta"),
        help="csv, parquet, sav (SPSS) or dta (Stata 15 and later)",
    )
    export.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="PATH",
        help="the main file (default: the instrument's name with the format's suffix); "
        "rosters go beside it",
    )
    export.add_argument("--from", dest="source", choices=tuple(sources), help="as for check")
    export.add_argument("--map", type=Path, metavar="MAP", help="as for check")
    export.add_argument(
        "--lang", metavar="LANG", help="the language of the labels (default: the instrument's)"
    )
    export.add_argument("--quiet", "-q", action="store_true", help="no summary on stderr")
    export.set_defaults(handler=export_command)


def data_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``qdef data ACTION``: ``check`` and ``sql``."""
    from qdef.data import Checker, read  # noqa: PLC0415
    from qdef.data.readers import detect  # noqa: PLC0415
    from qdef.data.report import summary_line, writer  # noqa: PLC0415

    if args.action == "sql":
        return _sql(args, out, err)
    missing = [path for path in args.responses if not path.exists()]
    for path in missing:
        err.write(f"qdef: error: cannot read {path}: no such file or directory\n")
    if missing:
        return EXIT_USAGE
    result = read_one(args, "data check", out, err, routing=False)
    if isinstance(result, int):
        return result
    assert result.compiled is not None  # read_one returns only valid results
    compiled = result.compiled
    formats = [args.source or detect(path) for path in args.responses]
    mapping: dict[str, Any] | None = None
    if "limesurvey" in formats:
        loaded = _mapping(args.map, compiled, err)
        if isinstance(loaded, int):
            return loaded
        mapping = loaded
    report = writer(args.format, out)
    engine = _engine(args.engine, formats, compiled, err, quiet=args.quiet)
    if isinstance(engine, int):
        return engine
    if engine is not None:
        for path, fmt in zip(args.responses, formats, strict=True):
            for found in engine.check_file_batches(path, fmt):
                report.batch(found)
        for note in [] if args.quiet else engine.notes:
            err.write(f"qdef: note: {note}\n")
        summary = engine.summary
    else:
        checker = Checker(compiled.plan, reaching=_reaching(compiled))
        progress = _Progress(err)
        for path, fmt in zip(args.responses, formats, strict=True):
            for record in read(path, compiled.plan, format=fmt, mapping=mapping):
                for finding in checker.check(record):
                    report.finding(finding)
                progress.tick(checker.summary.responses, checker.summary.findings)
        progress.done()
        summary = checker.summary
    report.close(summary)
    if not args.quiet:
        err.write(f"qdef: {summary_line(summary)}\n")
    return EXIT_PROBLEMS if summary.findings else EXIT_OK


def export_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``qdef data export``: read every response, then write the dataset's files."""
    from qdef.cli.output import write_atomic  # noqa: PLC0415
    from qdef.data import read  # noqa: PLC0415
    from qdef.data.export import FORMATS, MissingLibraryError, collect  # noqa: PLC0415
    from qdef.data.readers import detect  # noqa: PLC0415

    missing = [path for path in args.responses if not path.exists()]
    for path in missing:
        err.write(f"qdef: error: cannot read {path}: no such file or directory\n")
    if missing:
        return EXIT_USAGE
    result = read_one(args, "data export", out, err, routing=False)
    if isinstance(result, int):
        return result
    assert result.compiled is not None  # read_one returns only valid results
    compiled = result.compiled
    if args.lang is not None and args.lang not in _languages(compiled):
        known = ", ".join(_languages(compiled))
        err.write(f"qdef: error: the instrument has no language {args.lang!r}; it has {known}\n")
        return EXIT_USAGE
    formats = [args.source or detect(path) for path in args.responses]
    mapping: dict[str, Any] | None = None
    if "limesurvey" in formats:
        loaded = _mapping(args.map, compiled, err)
        if isinstance(loaded, int):
            return loaded
        mapping = loaded
    records = (
        record
        for path, fmt in zip(args.responses, formats, strict=True)
        for record in read(path, compiled.plan, format=fmt, mapping=mapping)
    )
    suffix = FORMATS[args.target]
    main = args.output or Path(args.file.stem + suffix)
    try:
        dataset = collect(compiled, records, lang=args.lang)
        files = dataset.encode(args.target)
    except MissingLibraryError as error:
        err.write(f"qdef: error: {error}\n")
        return EXIT_USAGE
    written: list[Path] = []
    # the rosters' files first: a main file written means its long tables are there too
    for table, data in sorted(files.items(), key=lambda item: item[0] == ""):
        path = (
            main
            if not table
            else main.with_name(f"{main.name.removesuffix(suffix)}.{table}{suffix}")
        )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
        except OSError as error:
            err.write(f"qdef: error: cannot write {path}: {error.strerror or error}\n")
            return EXIT_USAGE
        written.append(path)
    written.sort(key=lambda path: path != main)  # said main file first
    counts = dataset.counts
    if not args.quiet:
        left = ""
        if counts.unreadable or counts.dropped:
            left = (
                f"; left out: {_count(counts.unreadable, 'unreadable response')}, "
                f"{_count(counts.dropped, 'invalid value')} (qdef data check says which)"
            )
        names = ", ".join(str(path) for path in written)
        err.write(f"qdef: {_count(counts.responses, 'response')} exported to {names}{left}\n")
    return EXIT_PROBLEMS if counts.unreadable or counts.dropped else EXIT_OK


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _languages(compiled: Compiled) -> list[str]:
    instrument = compiled.instrument
    return [instrument.language, *(instrument.translations or ())]


def _engine(
    chosen: str | None, formats: list[str], compiled: Compiled, err: TextIO, *, quiet: bool
) -> Any:
    """The SQL engine for ``--engine duckdb`` (or by default when every input is CSV or
    Parquet and every question compiles), None for the walk, or an exit status."""
    from qdef.data.sql import SQL_FORMATS, SqlEngine  # noqa: PLC0415

    if chosen == "python":
        return None
    readable = all(fmt in SQL_FORMATS for fmt in formats)
    # JSON Lines only when asked for: the SQL reads a line only when its values read
    # as text cells alike, the walk all others (docs/data.md)
    if chosen is None and not all(fmt in ("csv", "parquet") for fmt in formats):
        return None
    if not readable:
        other = sorted({fmt for fmt in formats if fmt not in SQL_FORMATS})
        err.write(
            "qdef: error: the duckdb engine reads CSV, Parquet and JSON Lines, not "
            f"{', '.join(other)}: use --engine python\n"
        )
        return EXIT_USAGE
    try:
        import duckdb  # noqa: F401, PLC0415
    except ImportError:  # pragma: no cover - the extra 'data'
        if chosen is None:
            return None
        err.write(
            "qdef: error: the duckdb engine needs DuckDB: install qdef with its extra "
            "'data' (pip install '.[data]' in the checkout)\n"
        )
        return EXIT_USAGE
    engine = SqlEngine(compiled, reaching=_reaching(compiled))
    if engine.fallback and chosen is None:
        return None
    for question, why in () if quiet else engine.fallback.items():
        err.write(f"qdef: note: the walk checks {question!r}, not the SQL: {why}\n")
    return engine


def _sql(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``qdef data sql``: the query, with what it leaves to the walk as comments."""
    from qdef.data.sql import DIALECTS, compile_checks  # noqa: PLC0415
    from qdef.data.sql.engine import reaching_conditions  # noqa: PLC0415

    result = read_one(args, "data sql", out, err, routing=False)
    if isinstance(result, int):
        return result
    assert result.compiled is not None  # read_one returns only valid results
    dialect = DIALECTS[args.dialect]
    checks = compile_checks(
        result.compiled.plan,
        reaching_conditions(result.compiled),
        dialect,
        source=dialect.ident(args.table),
        row="ROW_NUMBER() OVER ()",
    )
    lines = [f"-- qdef data check of {result.compiled.plan.instrument.id} as SQL ({dialect.name})"]
    lines += [
        f"-- not checked here (qdef's walk checks it): {q}: {why}"
        for q, why in checks.fallback.items()
    ]
    query = checks.summary_query() if args.summary else checks.findings_query()
    out.write("\n".join(lines) + "\n" + query + ";\n")
    return EXIT_OK


def _mapping(path: Path | None, compiled: Compiled, err: TextIO) -> dict[str, Any] | int:
    """The ``limesurvey-map``: read from ``path``, or rendered from the instrument (the
    registry's renderer: :mod:`qdef.data` may not import a renderer)."""
    if path is not None:
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) else str(error)
            err.write(f"qdef: error: cannot read the mapping {path}: {reason or error}\n")
            return EXIT_USAGE
        if not isinstance(loaded, dict) or not isinstance(loaded.get("variables"), dict):
            err.write(f"qdef: error: {path} is not a limesurvey-map (no 'variables')\n")
            return EXIT_USAGE
        return loaded
    from qdef.rendering import RenderError, render  # noqa: PLC0415

    try:
        text = render(compiled, "limesurvey-map")
    except RenderError as error:
        err.write(f"qdef: error: cannot map the instrument to LimeSurvey: {error}\n")
        return EXIT_USAGE
    mapping: dict[str, Any] = json.loads(text)
    return mapping


def _reaching(compiled: Compiled) -> Any:
    """Each question's reaching condition, worked out when a finding first needs it
    (the routing analysis is not run when nothing is off the path)."""
    from qdef.routing import Budget  # noqa: PLC0415

    @functools.cache
    def reaching(question: str) -> str | None:
        try:
            return compiled.analysis.reaching_source(question)
        except Budget:
            return None

    return reaching


class _Progress:
    """Rows read and findings so far, on an interactive terminal (never in CI)."""

    def __init__(self, err: TextIO) -> None:
        isatty = getattr(err, "isatty", None)
        self.err = err
        self.on = bool(isatty and isatty()) and not os.environ.get("CI")
        self.last = float("-inf")  # the first response read shows it
        self.shown = False

    def tick(self, responses: int, findings: int) -> None:
        if not self.on:
            return
        now = time.monotonic()
        if now - self.last < 0.2:
            return
        self.last = now
        self.shown = True
        self.err.write(f"\rqdef: {responses:,} responses read, {findings:,} findings so far")
        self.err.flush()

    def done(self) -> None:
        if self.shown:
            self.err.write("\r\033[K")
