"""The sheets as an ``.xlsx``, byte for byte the same for the same sheets.

openpyxl stamps the current time into the document properties
(``docProps/core.xml``) and every zip entry; here the properties carry
:data:`FIXED_TIME`, and the archive openpyxl wrote is rewritten entry by entry, in
its own order, with that time and fixed attributes.
"""

from __future__ import annotations

import datetime
import io
import zipfile

from qdef.renderers.xlsform.survey import Sheets, iter_rows

FIXED_TIME = datetime.datetime(2024, 1, 1, 0, 0, 0)
"""The creation and modification time of every workbook (and of its zip entries)."""


def workbook_bytes(sheets: Sheets) -> bytes:
    """The ``.xlsx`` of ``sheets``: ``survey``, ``choices`` and ``settings``, header first."""
    from openpyxl import Workbook  # type: ignore[import-untyped]  # noqa: PLC0415

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, header, rows in iter_rows(sheets):
        sheet = workbook.create_sheet(name)
        for r, row in enumerate([header, *rows], 1):
            for c, value in enumerate(row, 1):
                if value:
                    cell = sheet.cell(r, c, value)
                    # a text that starts with "=" is text, not a formula
                    cell.data_type = "s"
    workbook.properties.creator = "qdef"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    written = io.BytesIO()
    workbook.save(written)
    return _fixed(written.getvalue())


def _fixed(archive: bytes) -> bytes:
    """``archive`` rewritten with fixed entry times and attributes; ``save`` sets the
    properties' modification time to now, so ``docProps/core.xml`` is rewritten too."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _core(data)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, data)
    return out.getvalue()


def _core(data: bytes) -> bytes:
    """The document properties with :data:`FIXED_TIME` as the modification time."""
    import re  # noqa: PLC0415

    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(
        rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data
    )
