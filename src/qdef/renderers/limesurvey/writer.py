"""Writing a lowered survey (:mod:`~qdef.renderers.limesurvey.survey`, made by
:mod:`~qdef.renderers.limesurvey.lowering`) as a LimeSurvey 6 ``.lss`` file.

The 4.x+ layout with ``*_l10ns`` tables (shared/reference: limesurvey-lss.md
§1, §4): relevance only, no ``conditions``. Every value is CDATA, with
``]]>`` split across two sections. Texts are HTML for LimeSurvey: the
instrument's text is escaped (``<`` ``&`` quotes), line breaks become
``<br>``, and ``{`` ``}`` are written as character references, because
LimeSurvey reads braces in texts as expressions. Ids are local and small:
the importer renumbers them.
"""

from __future__ import annotations

import functools
import html
import re
import zlib
from collections.abc import Callable, Iterable, Mapping

from qdef.errors import RenderError
from qdef.expr import Piece, has_braces, parse_template
from qdef.model import Instrument
from qdef.renderers.limesurvey.survey import LsQuestion, Survey, Text, pick
from qdef.rendering import keep_units

DB_VERSION = "620"
#: Characters XML 1.0 cannot hold at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cdata(value: str) -> str:
    """``value`` as CDATA; a ``]]>`` inside is split over two sections."""
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@functools.lru_cache(maxsize=4096)
def html_text(text: str) -> str:
    """Instrument text as LimeSurvey shows it: HTML-escaped, line breaks kept, braces
    inert (LimeSurvey would read ``{…}`` as an expression)."""
    # only the source's layout is stripped: a no-break space (a title of one) is text
    escaped = html.escape(keep_units(text.strip(_LAYOUT)), quote=True)  # docs/renderers.md
    escaped = escaped.replace("{", "&#123;").replace("}", "&#125;")
    # A line of the source after each break: lines stay apart in the text, not only on screen.
    return "<br>\n".join(line.strip(_LAYOUT) for line in escaped.splitlines())


#: The white space of a YAML source's layout (not the no-break spaces of a text).
_LAYOUT = " \t\n\r"


def survey_id(instrument: Instrument) -> int:
    """A desired survey id from the instrument id (LimeSurvey picks another if taken)."""
    return 100000 + zlib.crc32(instrument.id.encode("utf-8")) % 900000


class _Table:
    """One table of the document, each row written as it is added."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.fields: str | None = None  # the first row's column names
        self.rows: list[str] = []

    def add(self, *columns: tuple[str, str | None]) -> None:
        if self.fields is None:
            self.fields = "".join([f"<fieldname>{name}</fieldname>" for name, _ in columns])
        self.rows.append(
            "   <row>"
            + "".join(
                [  # the hot loop of the writer: cdata() inlined
                    f"<{name}><![CDATA[{value.replace(']]>', ']]]]><![CDATA[>')}]]></{name}>"
                    if value
                    else f"<{name}/>"
                    for name, value in columns
                    if value is not None
                ]
            )
            + "</row>"
        )

    def xml(self) -> str:
        if not self.rows:
            return ""
        return "\n".join(
            [
                f" <{self.name}>",
                f"  <fields>{self.fields}</fields>",
                "  <rows>",
                *self.rows,
                "  </rows>",
                f" </{self.name}>",
            ]
        )


class _Writer:
    def __init__(
        self,
        instrument: Instrument,
        survey: Survey,
        decimal_comma: Mapping[str, bool],
        date_formats: Mapping[str, str | None],
    ):
        self.instrument = instrument
        self.survey = survey
        self.piece: Callable[[Piece, str], str] | None = None  # the question's own piping
        self.languages = [instrument.language, *instrument.translations]
        self.sid = str(survey_id(instrument))
        self.decimal_comma = decimal_comma
        """Per language: a decimal comma (else point); a language left out keeps
        LimeSurvey's default."""
        self.date_formats = date_formats
        """Per language: ``surveyls_dateformat`` (None: LimeSurvey's default)."""
        self.tables = {
            name: _Table(name)
            for name in (
                "answers",
                "answer_l10ns",
                "defaultvalues",
                "defaultvalue_l10ns",
                "groups",
                "group_l10ns",
                "questions",
                "subquestions",
                "question_l10ns",
                "question_attributes",
                "surveys",
                "surveys_languagesettings",
            )
        }
        self.qid = 0
        self.aid = 0
        self.dvid = 0

    def text(self, value: Text | None, lang: str, where: str, *, piped: bool = True) -> str:
        """A text as LimeSurvey's HTML; a ``piped`` one (every text but the title and
        the labels of hidden and computed values) is a template: ``{{``/``}}`` are
        literal braces, and each piece becomes an expression (``Survey.piece``)."""
        if value is None:
            return ""
        plain = pick(value, lang, self.languages[0])
        if _NOT_XML.search(plain):
            raise RenderError(
                f"{where}: the text holds a control character that XML cannot carry; "
                "remove it from the instrument"
            )
        piece = self.piece or self.survey.piece
        if not piped or not has_braces(plain) or piece is None:
            return html_text(plain)
        template = parse_template(plain)  # valid: validation parsed it
        # each piece marked by a private character, so that the text around it is
        # escaped as any text, and the expression put in its place afterwards
        marked = "".join(
            p if isinstance(p, str) else f"\ue000{i}\ue001" for i, p in enumerate(template.pieces)
        )
        shown = html_text(marked)
        for index, part in enumerate(template.pieces):
            if isinstance(part, Piece):
                shown = shown.replace(f"\ue000{index}\ue001", piece(part, lang))
        return shown

    def l10n(
        self,
        table: str,
        key: tuple[str, str],
        columns: Iterable[tuple[str, Text | None]],
        where: str,
        *,
        piped: bool = True,
    ) -> None:
        for lang in self.languages:
            self.tables[table].add(
                key,
                ("language", lang),
                *((name, self.text(v, lang, where, piped=piped)) for name, v in columns),
            )

    def document(self) -> str:
        instrument = self.instrument
        base, *more = self.languages
        self.tables["surveys"].add(
            ("sid", self.sid),
            ("language", base),
            ("additional_languages", " ".join(more)),
            ("format", "G"),
            ("anonymized", "N"),
            ("datestamp", "N"),
            ("showwelcome", "Y"),
            ("showprogress", "Y"),
            ("allowprev", "Y"),
            ("questionindex", "0"),
            ("shownoanswer", "N"),
        )
        for lang in self.languages:
            self.tables["surveys_languagesettings"].add(
                ("surveyls_survey_id", self.sid),
                ("surveyls_language", lang),
                ("surveyls_title", self.text(instrument.title, lang, "the title", piped=False)),
                ("surveyls_welcometext", self.text(instrument.intro, lang, "the intro")),
                (
                    "surveyls_numberformat",
                    None
                    if lang not in self.decimal_comma
                    else ("1" if self.decimal_comma[lang] else "0"),
                ),
                ("surveyls_dateformat", self.date_formats.get(lang)),
            )
        for order, group in enumerate(self.survey.groups):
            gid = str(order + 1)
            self.tables["groups"].add(
                ("gid", gid),
                ("sid", self.sid),
                ("group_order", str(order)),
                ("randomization_group", ""),
                ("grelevance", group.relevance),
            )
            self.piece = group.piece  # a roster's copy pipes its own item
            self.l10n(
                "group_l10ns",
                ("gid", gid),
                (("group_name", group.name), ("description", group.description)),
                f"section {order + 1}",
            )
            for position, question in enumerate(group.questions):
                self.question(question, gid, position)
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            "<document>",
            " <LimeSurveyDocType>Survey</LimeSurveyDocType>",
            f" <DBVersion>{DB_VERSION}</DBVersion>",
            " <languages>"
            + "".join(f"<language>{lang}</language>" for lang in self.languages)
            + "</languages>",
        ]
        parts += [t.xml() for t in self.tables.values() if t.rows]
        parts.append("</document>")
        return "\n".join(parts) + "\n"

    def question(self, question: LsQuestion, gid: str, position: int) -> None:
        self.piece = question.piece  # a roster's copy pipes its own item and answers
        self.qid += 1
        qid = str(self.qid)
        where = f"question {question.code} ({question.source})"
        self.tables["questions"].add(
            ("qid", qid),
            ("parent_qid", "0"),
            ("sid", self.sid),
            ("gid", gid),
            ("type", question.type),
            ("title", question.code),
            ("question_order", str(position)),
            ("mandatory", "Y" if question.mandatory else "N"),
            ("other", "Y" if question.other else "N"),
            ("relevance", question.relevance),
            ("scale_id", "0"),
            ("same_default", "0"),
            ("encrypted", "N"),
            *((("question_theme_name", question.theme),) if question.theme else ()),
        )
        self.l10n(
            "question_l10ns",
            ("qid", qid),
            (("question", question.text), ("help", question.help)),
            where,
            piped=question.role not in ("computed", "hidden"),
        )
        sqids: dict[str, str] = {}
        for order, sub in enumerate(question.subquestions):
            self.qid += 1
            sqid = str(self.qid)
            if sub.scale == 0:
                sqids[sub.code] = sqid
            self.tables["subquestions"].add(
                ("qid", sqid),
                ("parent_qid", qid),
                ("sid", self.sid),
                ("gid", gid),
                ("type", question.type),
                ("title", sub.code),
                ("question_order", str(order)),
                ("mandatory", "N"),
                ("other", "N"),
                ("relevance", sub.relevance),
                ("scale_id", str(sub.scale)),
                ("same_default", "0"),
                ("encrypted", "N"),
            )
            self.l10n("question_l10ns", ("qid", sqid), (("question", sub.label),), where)
        for order, answer in enumerate(question.answers):
            self.aid += 1
            aid = str(self.aid)
            self.tables["answers"].add(
                ("aid", aid),
                ("qid", qid),
                ("code", answer.code),
                ("sortorder", str(order)),
                ("assessment_value", "0"),
                ("scale_id", str(answer.scale)),
            )
            self.l10n("answer_l10ns", ("aid", aid), (("answer", answer.label),), where)
        for sub_code, value in question.defaults:
            self.dvid += 1
            dvid = str(self.dvid)
            self.tables["defaultvalues"].add(
                ("dvid", dvid),
                ("qid", qid),
                ("scale_id", "0"),
                ("sqid", "0" if sub_code is None else sqids[sub_code]),
                ("specialtype", ""),
            )
            for lang in self.languages:
                self.tables["defaultvalue_l10ns"].add(
                    ("dvid", dvid), ("language", lang), ("defaultvalue", value)
                )
        for attribute in question.attributes:
            if attribute.i18n:
                for lang in self.languages:
                    self.tables["question_attributes"].add(
                        ("qid", qid),
                        ("attribute", attribute.name),
                        ("value", self.text(attribute.value, lang, where)),
                        ("language", lang),
                    )
            else:
                assert isinstance(attribute.value, str)
                self.tables["question_attributes"].add(
                    ("qid", qid), ("attribute", attribute.name), ("value", attribute.value)
                )


def write(
    instrument: Instrument,
    survey: Survey,
    decimal_comma: Mapping[str, bool],
    date_formats: Mapping[str, str | None] | None = None,
) -> str:
    return _Writer(instrument, survey, decimal_comma, date_formats or {}).document()
