"""JSON Lines as a table of text cells for the checks (DuckDB only).

The checks read qdef's CSV layout: a column per variable, each value as text
(:mod:`.query`). A JSON value says more than a text: ``"3"`` is not ``3``, a key can
be there twice, a line may not be JSON at all. So each line is read whole
(``read_csv`` with one column, no quoting: a line per row, the blank ones NULL) and
parsed once per row by DuckDB's JSON functions; a value becomes a cell only where the
text stands for exactly the value the walk reads (docs/data.md, "JSON Lines on
DuckDB"):

- a choice, a text, a date: a non-empty JSON string;
- a check box: ``true`` or ``false``;
- a number: a JSON integer; for a decimal question also a plain decimal (``25.5``);
- a multiple choice or a ranking: a non-empty array of strings of printable ASCII
  without spaces (joined by a space, as the CSV writes them);
- ``_id``: a string or an integer.

Any other line — not JSON, not an object, a key twice, a key the query does not check
(an unknown key, a computed value, a roster), or a value of another shape (``"3"``
for a number, ``null``, ``""``, ``20.0`` for a whole number) — is flagged ``_walk``:
the engine gives that line to the walk, which reads it as the JSON reader does, so
its findings are the walk's own (D401, D202, D101 …).
"""

from __future__ import annotations

from qdef.data.sql.dialect import Dialect
from qdef.routing.plan import Plan, VarInfo

#: A multiple choice's codes that read alike as JSON strings and as a CSV cell split
#: at white space: printable ASCII, no space.
_CODE = "[!-~]+"
_DECIMAL = "-?[0-9]+[.][0-9]+"


def jsonl_source(d: Dialect, path: str, plan: Plan, names: list[str]) -> str:
    """The relation of one JSON Lines file: ``_line`` (the line's text, NULL when it
    is blank), ``_walk`` (whether the walk reads the line instead), ``_id`` and a text
    column per variable of ``names`` (the variables the query checks)."""
    line = "_line"
    paths = [f"$.{_key(name)}" for name in names]
    listed = "[" + ", ".join(d.lit(p) for p in paths) + "]"
    ok = "_ok"
    types = f"CASE WHEN {ok} THEN json_type({line}, {listed}) ELSE NULL END"
    texts = f"CASE WHEN {ok} THEN json_extract_string({line}, {listed}) ELSE NULL END"
    ident_path = d.lit("$._id")
    parts = [
        f"{line}",
        ok,
        f"CASE WHEN {ok} THEN json_type({line}, {ident_path}) ELSE NULL END AS _idt",
        f"CASE WHEN {ok} THEN json_extract_string({line}, {ident_path}) ELSE NULL END AS _ids",
        f"CASE WHEN {ok} THEN json_keys({line}) ELSE NULL END AS _keys",
        f"{types} AS _t",
        f"{texts} AS _s",
    ]
    for i, name in enumerate(names):
        if plan.variables[name].kind in ("choices", "ranking"):
            items = d.lit(f"$.{_key(name)}[*]")
            parts.append(f"CASE WHEN {ok} THEN json_type({line}, {items}) ELSE NULL END AS _e{i}")
            parts.append(
                f"CASE WHEN {ok} THEN json_extract_string({line}, {items}) ELSE NULL END AS _x{i}"
            )
    known = "[" + ", ".join(d.lit(n) for n in ["_id", *names]) + "]"
    cells = [_cell(d, plan.variables[name], i) for i, name in enumerate(names)]
    faithful = [
        "_ok",
        "len(_keys) = len(list_distinct(_keys))",
        f"list_has_all({known}, _keys)",
        "(_idt IS NULL OR _idt IN ('VARCHAR', 'BIGINT', 'UBIGINT'))",
        *(f"(_t[{i + 1}] IS NULL OR {cell[1]})" for i, cell in enumerate(cells)),
    ]
    walk = f"{line} IS NOT NULL AND NOT COALESCE({' AND '.join(faithful)}, 1 = 0)"
    columns = [
        line,
        f"{walk} AS _walk",
        "CASE WHEN _idt IN ('VARCHAR', 'BIGINT', 'UBIGINT') THEN _ids ELSE NULL END AS _id",
        *(
            f"CASE WHEN {cell[1]} THEN {cell[0]} ELSE NULL END AS {d.ident(name)}"
            for name, cell in zip(names, cells, strict=True)
        ),
    ]
    lines = (
        f"read_csv({d.lit(path)}, columns = {{'_line': 'VARCHAR'}}, header = false, "
        "delim = chr(1), quote = '', escape = '', auto_detect = false)"
    )
    return (
        f"(SELECT {', '.join(columns)} FROM (SELECT {', '.join(parts)} FROM "
        "(SELECT _line, CASE WHEN json_valid(_line) THEN json_type(_line) = 'OBJECT' "
        f"ELSE 1 = 0 END AS {ok} FROM {lines}) AS parsed) AS typed) AS responses"
    )


def _key(name: str) -> str:
    """A JSON path step for the key ``name`` (quoted: ids hold dots)."""
    return '"' + name + '"'


def _cell(d: Dialect, info: VarInfo, i: int) -> tuple[str, str]:
    """(the cell's text, whether the JSON value stands for it) of the i-th variable."""
    t, s = f"_t[{i + 1}]", f"_s[{i + 1}]"
    kind = info.kind
    if kind == "check":
        return s, f"{t} = 'BOOLEAN'"
    if kind == "number":
        whole = f"{t} IN ('BIGINT', 'UBIGINT')"
        if getattr(info.node, "kind", "decimal") == "integer":
            return s, whole
        return s, f"({whole} OR ({t} = 'DOUBLE' AND regexp_full_match({s}, {d.lit(_DECIMAL)})))"
    if kind in ("choices", "ranking"):
        items = f"_x{i}"
        strings = (
            f"len(_e{i}) > 0 AND list_bool_and(list_transform(_e{i}, lambda e: e = 'VARCHAR'))"
        )
        code = f"regexp_full_match(c, {d.lit(_CODE)})"
        codes = f"list_bool_and(list_transform({items}, lambda c: {code}))"
        return (
            f"array_to_string({items}, ' ')",
            f"({t} = 'ARRAY' AND {strings} AND {codes})",
        )
    return s, f"({t} = 'VARCHAR' AND {s} <> '')"


__all__ = ["jsonl_source"]
