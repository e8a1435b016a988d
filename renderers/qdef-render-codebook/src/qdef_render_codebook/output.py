"""Writing the codebook: CSV (``codebook``) and Markdown (``codebook-md``).

CSV follows RFC 4180: records end with ``\\r\\n``, fields with the delimiter,
a quote or a line break are quoted (quotes doubled); line breaks inside a
field stay as the instrument has them. Cells a spreadsheet would read as a
formula are defused (see :func:`guard`). Markdown is a title, a one-line
summary and one GFM table; every cell is escaped with
:func:`qdef.rendering.markdown.inline`, so instrument text shows literally and
never breaks the table. Both are functions of the instrument and the options
alone: no timestamps, no environment.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from qdef.rendering import Compiled, RenderOptionError, RenderOptions
from qdef.rendering.markdown import at_line_start, inline

from qdef_render_codebook.table import SEPARATOR, Row, rows, uses_issue18, uses_issue19
from qdef_render_codebook.wording import headers, wording_for

#: The record separator of RFC 4180.
LINE_END = "\r\n"
#: Accepted values of the ``delimiter`` option and the delimiter each means.
DELIMITERS = {
    ",": ",",
    "comma": ",",
    ";": ";",
    "semicolon": ";",
    "\t": "\t",
    "\\t": "\t",
    "tab": "\t",
}
#: Cells starting with one of these get a leading ``'`` (the formula guard). ``'``
#: itself is included so that the guard can always be undone: drop one leading ``'``.
FORMULA_START = frozenset("=+-@\t\r'")
BOM = "\ufeff"


def delimiter(options: RenderOptions) -> str:
    """The field delimiter the ``delimiter`` option asks for (default ``,``)."""
    value = str(options.settings.get("delimiter", ","))
    found = DELIMITERS.get(value) or DELIMITERS.get(value.strip().lower())
    if found is None:
        raise RenderOptionError(
            f"option 'delimiter' takes ',' (the default), ';' or a tab ('\\t' or 'tab'), "
            f"not {value!r}"
        )
    return found


def guard(cell: str) -> str:
    """``cell`` made safe to open in a spreadsheet: a cell that starts with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return (which spreadsheets may read as a formula),
    or with ``'``, gets a leading ``'``."""
    return "'" + cell if cell[:1] in FORMULA_START else cell


def cells(
    row: Row, words: Mapping[str, str], *, extended: bool = False, issue19: bool = False
) -> list[str]:
    """The cells of ``row``, in column order (with ``extended``: those of
    :data:`~qdef_render_codebook.wording.EXTENDED` too; with ``issue19`` those and
    :data:`~qdef_render_codebook.wording.ISSUE19`)."""
    more = [row.source, row.depends_on, row.checks] if extended or issue19 else []
    if issue19:
        more += [row.roster, row.notes]
    return [
        row.variable,
        row.number,
        row.question,
        row.label,
        row.type,
        row.values,
        row.unit,
        row.asked_when,
        words["yes"] if row.required else words["no"],
        words["yes"] if row.personal else words["no"],
        *more,
    ]


def limesurvey_cells(compiled: Compiled, options: RenderOptions) -> dict[str, str] | None:
    """With the ``limesurvey`` option: for each variable, where qdef's ``limesurvey``
    renderer puts it (the ExpressionScript variable; for choices, each qdef code with
    its LimeSurvey code or box variable). None without the option."""
    if not options.flag("limesurvey"):
        return None
    from qdef.renderers.limesurvey import code_map  # noqa: PLC0415

    found: dict[str, str] = {}
    for name, slot in code_map(compiled)["variables"].items():
        pairs = slot.get("answers") or slot.get("options")
        if pairs is None:
            found[name] = slot["variable"]
        elif "answers" in slot:
            codes = SEPARATOR.join(f"{code}={ls}" for code, ls in pairs.items())
            found[name] = f"{slot['variable']}: {codes}"
        else:
            found[name] = SEPARATOR.join(f"{code}={ls}" for code, ls in pairs.items())
    return found


def _columns(compiled: Compiled) -> tuple[bool, bool]:
    """Whether the codebook has the columns of issue 18, and those of issue 19."""
    issue19 = uses_issue19(compiled)
    return issue19 or uses_issue18(compiled), issue19


def _header(
    words: Mapping[str, str], extra: dict[str, str] | None, extended: tuple[bool, bool]
) -> list[str]:
    listed = headers(words, extended=extended[0], issue19=extended[1])
    return listed + (["LimeSurvey"] if extra is not None else [])


def _cells(
    row: Row, words: Mapping[str, str], extra: dict[str, str] | None, extended: tuple[bool, bool]
) -> list[str]:
    listed = cells(row, words, extended=extended[0], issue19=extended[1])
    return listed + ([extra.get(row.variable, "")] if extra is not None else [])


def write_csv(compiled: Compiled, options: RenderOptions) -> str:
    """The codebook as CSV text: a header row, then one row per variable."""
    separator = delimiter(options)
    guarded = options.flag("formula_guard", default=True)
    words = wording_for(options.lang)
    buffer = io.StringIO(newline="")
    writer = csv.writer(
        buffer, delimiter=separator, lineterminator=LINE_END, quoting=csv.QUOTE_MINIMAL
    )
    extra = limesurvey_cells(compiled, options)
    extended = _columns(compiled)
    writer.writerow(_header(words, extra, extended))
    for row in rows(compiled, options):
        record = _cells(row, words, extra, extended)
        writer.writerow([guard(cell) for cell in record] if guarded else record)
    text = buffer.getvalue()
    return BOM + text if options.flag("bom") else text


def _table_line(row: Sequence[str]) -> str:
    return "| " + " | ".join(inline(cell) for cell in row) + " |"


def write_markdown(compiled: Compiled, options: RenderOptions) -> str:
    """The codebook as Markdown: a title, a summary line and one table."""
    instrument = compiled.instrument
    words = wording_for(options.lang)
    found = rows(compiled, options)
    title = words["title"].format(title=options.text(instrument.title))
    version = (
        words["summary_version"].format(version=instrument.version) if instrument.version else ""
    )
    summary = words["summary"].format(id=instrument.id, version=version, count=len(found))
    extra = limesurvey_cells(compiled, options)
    extended = _columns(compiled)
    header = _header(words, extra, extended)
    lines = [
        "# " + inline(title),
        "",
        at_line_start(inline(summary)),
        "",
        _table_line(header),
        "| " + " | ".join("---" for _ in header) + " |",
        *(_table_line(_cells(row, words, extra, extended)) for row in found),
    ]
    return "\n".join(lines) + "\n"
