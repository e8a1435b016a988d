"""The dataset as Arrow tables, pandas DataFrames, Parquet and CSV.

These keep qdef's own values: a code is the qdef code (``ja``), a multiple choice's
and a ranking's codes are separated by spaces (as in qdef's CSV), numbers are numbers,
dates ISO text, check cells and truth values true/false. "Not asked" and "not
answered" are both null here (an empty cell in CSV): Arrow, pandas and CSV have one
missing value; the SPSS and Stata files keep the two apart (:mod:`.stats`), and so
does :attr:`Dataset.rows` for a program.

In Arrow a coded column is dictionary-encoded with every code of the variable in
option order (also those nobody chose), so its categories are complete; each field
carries its variable label and value labels as metadata (``qdef:label``,
``qdef:values``: JSON). In pandas a coded column is a ``Categorical`` whose categories
are the value labels, in option order, as analysts expect from a labelled dataset;
``DataFrame.attrs["qdef"]`` keeps, per column, the variable label and the codes.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from typing import Any

from qdef.data.export.cells import Missing
from qdef.data.export.columns import Column
from qdef.data.export.deps import need

#: The id column of every table, and the iteration column of a roster's long table.
ID, ITERATION = "_id", "_k"


def _arrow_type(pa: Any, column: Column) -> Any:
    kind = column.kind
    if kind == "code":
        return pa.dictionary(pa.int32(), pa.string())
    if kind in ("rank", "integer"):
        return pa.int64()
    if kind == "number":
        return pa.float64()
    if kind in ("check", "truth"):
        return pa.bool_()
    return pa.string()


def _plain(value: Any) -> Any:
    return None if isinstance(value, Missing) else value


def arrow_table(columns: Sequence[Column], rows: Sequence[Sequence[Any]], roster: bool) -> Any:
    """An Arrow table of ``rows`` (each: the id, for a roster the iteration, then a cell
    per column)."""
    pa = need("pyarrow", "an Arrow table")
    fields = [pa.field(ID, pa.string(), nullable=False)]
    arrays = [pa.array([row[0] for row in rows], pa.string())]
    if roster:
        fields.append(pa.field(ITERATION, pa.int64(), nullable=False))
        arrays.append(pa.array([row[1] for row in rows], pa.int64()))
    offset = 2 if roster else 1
    for i, column in enumerate(columns):
        cells = [_plain(row[offset + i]) for row in rows]
        metadata = {"qdef:label": column.label}
        if column.kind == "code":
            codes = [code for code, _ in column.values]
            index = {code: n for n, code in enumerate(codes)}
            unknown = [c for c in cells if c is not None and c not in index]
            codes.extend(dict.fromkeys(unknown))  # a hidden roster item outside: kept
            index = {code: n for n, code in enumerate(codes)}
            indices = pa.array([None if c is None else index[c] for c in cells], pa.int32())
            array = pa.DictionaryArray.from_arrays(indices, pa.array(codes, pa.string()))
            metadata["qdef:values"] = json.dumps(dict(column.values), ensure_ascii=False)
        elif column.kind == "number":
            array = pa.array([None if c is None else float(c) for c in cells], pa.float64())
        else:
            array = pa.array(cells, _arrow_type(pa, column))
        fields.append(pa.field(column.name, array.type, metadata=metadata))
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def categories(column: Column) -> list[str]:
    """The value labels of a coded column as unique pandas categories, in option order:
    a label that two options share is told apart by its code in brackets."""
    labels = [label for _, label in column.values]
    return [
        label if labels.count(label) == 1 else f"{label} [{code}]" for code, label in column.values
    ]


def pandas_frame(columns: Sequence[Column], rows: Sequence[Sequence[Any]], roster: bool) -> Any:
    """A pandas DataFrame of ``rows``: coded columns are categoricals of their labels."""
    pd = need("pandas", "a pandas DataFrame")
    offset = 2 if roster else 1
    data: dict[str, Any] = {ID: pd.array([row[0] for row in rows], dtype="string")}
    if roster:
        data[ITERATION] = pd.array([row[1] for row in rows], dtype="Int64")
    attrs: dict[str, dict[str, Any]] = {}
    for i, column in enumerate(columns):
        cells = [_plain(row[offset + i]) for row in rows]
        attrs[column.name] = {"label": column.label}
        if column.kind == "code":
            named = dict(zip((code for code, _ in column.values), categories(column), strict=True))
            shown = [None if c is None else named.get(c, c) for c in cells]
            known = list(named.values())
            known += [c for c in dict.fromkeys(shown) if c is not None and c not in known]
            data[column.name] = pd.Categorical(shown, categories=known)
            attrs[column.name]["codes"] = dict(named)
        elif column.kind in ("rank", "integer"):
            data[column.name] = pd.array(cells, dtype="Int64")
        elif column.kind == "number":
            data[column.name] = pd.array(
                [math.nan if c is None else float(c) for c in cells], dtype="float64"
            )
        elif column.kind in ("check", "truth"):
            data[column.name] = pd.array(cells, dtype="boolean")
        else:
            data[column.name] = pd.array(cells, dtype="string")
    frame = pd.DataFrame(data)
    frame.attrs["qdef"] = attrs
    return frame


def parquet_bytes(table: Any) -> bytes:
    """``table`` as Parquet: the same bytes for the same table (no timestamps)."""
    pa = need("pyarrow", "Parquet")
    pq = need("pyarrow.parquet", "Parquet")
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def _text(value: Any) -> str:
    if isinstance(value, Missing) or value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value)) + ".0"
    return str(value)


def csv_text(columns: Sequence[Column], rows: Sequence[Sequence[Any]], roster: bool) -> str:
    """``rows`` as CSV (RFC 4180: comma, ``\\r\\n``, quotes where needed, UTF-8): the
    header of qdef's variable names, the values as qdef's CSV writes them."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([ID, *([ITERATION] if roster else []), *(c.name for c in columns)])
    for row in rows:
        writer.writerow([_text(value) for value in row])
    return buffer.getvalue()


__all__ = [
    "ID",
    "ITERATION",
    "arrow_table",
    "categories",
    "csv_text",
    "pandas_frame",
    "parquet_bytes",
]
