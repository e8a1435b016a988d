"""Reading responses from Parquet in qdef's CSV layout: a column per variable (the
names of docs/data.md, "CSV"), each value as text (a column of another type is read
as its text), ``_id`` naming the response.

Parquet is what a million responses are kept in, and what the SQL engine reads
directly; this reader lets the walk, the reference, read the same file: rows come
from DuckDB in batches (never the whole table), and each becomes a record exactly as
a CSV row does (:func:`qdef.data.csvread.records`). A response is named by its row,
``file:k+1`` for the k-th (as the CSV reader counts the header as line 1).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qdef.data.csvread import records
from qdef.data.records import Record, unreadable
from qdef.routing.plan import Plan

_BATCH = 10_000


def parquet_columns(connection: Any, path: Path) -> list[str]:
    """The column names of the Parquet file ``path``."""
    cursor = connection.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)])
    return [str(row[0]) for row in cursor.fetchall()]


def read_parquet(path: Path, plan: Plan) -> Iterator[Record]:
    """The responses in the Parquet file ``path`` of ``plan``'s instrument."""
    try:
        import duckdb  # noqa: PLC0415
    except ImportError:  # pragma: no cover - the extra 'data'
        yield unreadable(
            str(path),
            "reading Parquet needs DuckDB: install qdef with its extra 'data' "
            "(pip install '.[data]' in the checkout)",
        )
        return
    # DuckDB's progress bar writes to standard output: it would be in the findings
    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    try:
        try:
            header = parquet_columns(connection, path)
            quoted = ", ".join('CAST("' + c.replace('"', '""') + '" AS VARCHAR)' for c in header)
            cursor = connection.execute(f"SELECT {quoted} FROM read_parquet(?)", [str(path)])
        except duckdb.Error as error:
            yield unreadable(str(path), f"cannot read it as Parquet: {error}")
            return

        def rows() -> Iterator[tuple[int, list[str]]]:
            line = 1
            while batch := cursor.fetchmany(_BATCH):
                for values in batch:
                    line += 1
                    yield line, ["" if v is None else str(v) for v in values]

        yield from records(str(path), header, rows(), plan)
    finally:
        connection.close()


__all__ = ["parquet_columns", "read_parquet"]
