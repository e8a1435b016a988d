"""The SQL engine of ``qdef data check``: the instrument's reaching conditions and
value rules compiled into one SQL query (:mod:`.query`, in the portable subset of
:mod:`.dialect`), run on DuckDB over CSV or Parquet (:mod:`.engine`), with the walk
as the reference for what SQL does not express (docs/data.md, "The SQL engine")."""

from __future__ import annotations

from qdef.data.sql.dialect import DIALECTS, Dialect
from qdef.data.sql.engine import SQL_FORMATS, SqlEngine, SqlUnavailableError
from qdef.data.sql.query import SQL_CODES, SqlChecks, compile_checks

__all__ = [
    "DIALECTS",
    "SQL_CODES",
    "SQL_FORMATS",
    "Dialect",
    "SqlChecks",
    "SqlEngine",
    "SqlUnavailableError",
    "compile_checks",
]
