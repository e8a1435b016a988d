"""The ``xlsform`` renderer: an XLSForm (``.xlsx``) for ODK Collect, Enketo and
KoboToolbox, with qdef's routing as relevance. The class only; the work is in the
modules of this package, lowest first: :mod:`~qdef.renderers.xlsform.xpath`
(expressions as XPath), :mod:`~qdef.renderers.xlsform.texts` (language columns,
escaping, refusals), :mod:`~qdef.renderers.xlsform.base` (the lowering's state:
names, nodes, texts with piped values, choice lists, conditions),
:mod:`~qdef.renderers.xlsform.inputs` and :mod:`~qdef.renderers.xlsform.parts`
(questions of one answer and of several), :mod:`~qdef.renderers.xlsform.survey`
(sections, rosters, the sheets) and :mod:`~qdef.renderers.xlsform.workbook` (the
``.xlsx``, byte for byte the same)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from qdef.rendering import BaseRenderer, RenderOptionError

if TYPE_CHECKING:
    from qdef.rendering import Compiled, RenderOptions


class XlsformRenderer(BaseRenderer):
    """An XLSForm with sheets ``survey``, ``choices`` and ``settings`` that pyxform
    converts without warnings; what XLSForm cannot express is refused."""

    name = "xlsform"
    suffix = ".xlsx"
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    description = "XLSForm (.xlsx) for ODK Collect, Enketo and KoboToolbox, routing as relevance"
    wording = "every"
    """Every language of the instrument is in the form; qdef's wording (a date range's
    "from" and "to", a total's message) is taken where qdef has it."""
    options: ClassVar[dict[str, str]] = {
        "order": "random order XLSForm cannot keep (a section's, anchored options, rows): "
        "refuse (default) or written",
    }

    def render(self, compiled: Compiled, options: RenderOptions) -> bytes:
        from qdef.renderers.xlsform.survey import lower  # noqa: PLC0415
        from qdef.renderers.xlsform.workbook import workbook_bytes  # noqa: PLC0415

        order = str(options.settings.get("order", "refuse"))
        if order not in ("refuse", "written"):
            raise RenderOptionError(f"-O order={order}: use refuse or written")
        sheets = lower(compiled, written_order=order == "written", catalogs=options.catalog_for)
        return workbook_bytes(sheets)
