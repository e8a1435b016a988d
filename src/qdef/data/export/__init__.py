"""Exporting responses as a labelled dataset: Arrow, pandas, CSV, Parquet, SPSS, Stata.

One row per response and one column per variable of the response format
(docs/responses.md), named and labelled as the codebook names and labels them; each
roster a long table beside it (one row per response and iteration). Whether a
variable without a value was *not asked* or *asked and not answered* is decided by the
reference walk of the response (:mod:`.cells`), and the SPSS and Stata files keep the
two apart with their own missing values (:mod:`.stats`).

::

    import qdef
    from qdef.data import read
    from qdef.data.export import collect

    compiled = qdef.compile("instruments/investitionspakt.yaml")
    data = collect(compiled, read(Path("antworten/"), compiled.plan))
    frame = data.to_pandas()            # categoricals of the value labels
    table = data.to_arrow()             # dictionary columns of the codes
    files = data.encode("sav")          # {"": main file, "personen": roster} as bytes

pyarrow, pandas and pyreadstat are the extra ``qdef[data]``; they are imported only
when a table or a file is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from qdef.data.export.cells import NOT_ANSWERED, NOT_ASKED, Cells, Missing, Row, rows
from qdef.data.export.columns import Column, Layout, layout
from qdef.data.export.deps import INSTALL, MissingLibraryError
from qdef.data.records import Record
from qdef.pipeline.compiled import Compiled

#: The formats :meth:`Dataset.encode` writes, with their file suffixes.
FORMATS = {"csv": ".csv", "parquet": ".parquet", "sav": ".sav", "dta": ".dta"}


@dataclass(slots=True)
class Dataset:
    """The responses of one instrument as tables: the main one and one per roster."""

    title: str
    layout: Layout
    rows: list[Row]
    """Each response's cells: values, or :class:`Missing` where there is none."""
    counts: Cells

    def columns(self, roster: str | None = None) -> tuple[Column, ...]:
        """The columns of the main table, or of ``roster``'s long table."""
        return self.layout.main if roster is None else self.layout.rosters[roster]

    def table_rows(self, roster: str | None = None) -> list[list[Any]]:
        """The rows of a table: the id (for a roster the iteration's number), then a
        cell per column."""
        if roster is None:
            return [[row.id, *row.cells] for row in self.rows]
        return [[row.id, *cells] for row in self.rows for cells in row.rosters.get(roster, [])]

    def to_arrow(self, roster: str | None = None) -> Any:
        """A ``pyarrow.Table`` of the main table, or of ``roster``'s long table."""
        from qdef.data.export.frames import arrow_table  # noqa: PLC0415

        return arrow_table(self.columns(roster), self.table_rows(roster), roster is not None)

    def to_pandas(self, roster: str | None = None) -> Any:
        """A ``pandas.DataFrame`` of the main table, or of ``roster``'s long table."""
        from qdef.data.export.frames import pandas_frame  # noqa: PLC0415

        return pandas_frame(self.columns(roster), self.table_rows(roster), roster is not None)

    def encode(self, format: str) -> dict[str, bytes]:
        """The files of the dataset in ``format`` (a key of :data:`FORMATS`): ``""`` the
        main table, each roster's id its long table."""
        tables: list[str | None] = [None, *self.layout.rosters]
        return {table or "": self._encode(format, table) for table in tables}

    def _encode(self, format: str, roster: str | None) -> bytes:
        from qdef.data.export import frames, stats  # noqa: PLC0415

        columns, found = self.columns(roster), self.table_rows(roster)
        long = roster is not None
        if format == "csv":
            return frames.csv_text(columns, found, long).encode("utf-8")
        if format == "parquet":
            return frames.parquet_bytes(frames.arrow_table(columns, found, long))
        title = self.title if roster is None else f"{self.title}: {roster}"
        if format == "sav":
            return stats.sav_bytes(columns, found, long, title)
        if format == "dta":
            return stats.dta_bytes(columns, found, long, title)
        raise ValueError(f"unknown format {format!r}; known: {', '.join(FORMATS)}")


def collect(
    compiled: Compiled,
    responses: Iterable[Record | Mapping[str, Any]],
    *,
    lang: str | None = None,
) -> Dataset:
    """The dataset of ``responses`` (records as :func:`qdef.data.read` yields them, or
    responses as mappings), labelled in ``lang`` (default: the instrument's language).
    Responses that could not be read are skipped and counted (``counts.unreadable``)."""
    columns = layout(compiled, lang)
    counts = Cells()
    found = list(rows(compiled.plan, columns, responses, counts))
    title = compiled.instrument.title
    text = title if isinstance(title, str) else next(iter(title.values()), "")
    if not isinstance(title, str) and lang is not None and lang in title:
        text = title[lang]
    return Dataset(text.strip(), columns, found, counts)


def to_arrow(
    compiled: Compiled,
    responses: Iterable[Record | Mapping[str, Any]],
    *,
    roster: str | None = None,
    lang: str | None = None,
) -> Any:
    """The main table (or ``roster``'s long table) of ``responses`` as a pyarrow Table."""
    return collect(compiled, responses, lang=lang).to_arrow(roster)


def to_pandas(
    compiled: Compiled,
    responses: Iterable[Record | Mapping[str, Any]],
    *,
    roster: str | None = None,
    lang: str | None = None,
) -> Any:
    """The main table (or ``roster``'s long table) of ``responses`` as a pandas
    DataFrame with categorical columns of the value labels."""
    return collect(compiled, responses, lang=lang).to_pandas(roster)


__all__ = [
    "FORMATS",
    "INSTALL",
    "NOT_ANSWERED",
    "NOT_ASKED",
    "Column",
    "Dataset",
    "Missing",
    "MissingLibraryError",
    "collect",
    "layout",
    "to_arrow",
    "to_pandas",
]
