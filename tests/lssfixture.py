"""Small LimeSurvey archives written for the tests (6.x ``*_l10ns`` layout, or the
2.05 layout with one row per language): the texts are our own."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape


@dataclass
class Q:
    qid: int
    type: str
    title: str
    text: str | dict[str, str] = "A question"
    gid: int = 1
    relevance: str = "1"
    mandatory: str = "N"
    other: str = "N"
    help: str = ""
    subquestions: list[tuple[int, str, str, int, str]] = field(default_factory=list)
    """(qid, code, label, scale, relevance)"""
    answers: list[tuple[str, str, int]] = field(default_factory=list)
    """(code, label, scale)"""
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class G:
    gid: int
    name: str | dict[str, str] = "A group"
    relevance: str = ""


def _row(**columns: object) -> str:
    cells = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in columns.items())
    return f"<row>{cells}</row>"


def _table(name: str, rows: list[str]) -> str:
    return f"<{name}><rows>{''.join(rows)}</rows></{name}>"


def _in(text: str | dict[str, str], language: str) -> str:
    return text if isinstance(text, str) else text.get(language, "")


def archive(
    questions: list[Q],
    *,
    groups: list[G] | None = None,
    languages: tuple[str, ...] = ("en",),
    dbversion: int = 620,
    title: str | dict[str, str] = "A survey",
) -> str:
    groups = groups or [G(1)]
    old = dbversion < 400
    parts = [
        "<?xml version='1.0' encoding='UTF-8'?><document>",
        "<LimeSurveyDocType>Survey</LimeSurveyDocType>",
        f"<DBVersion>{dbversion}</DBVersion>",
        "<languages>" + "".join(f"<language>{x}</language>" for x in languages) + "</languages>",
        _table(
            "surveys",
            [_row(sid=123456, language=languages[0], additional_languages=" ".join(languages[1:]))],
        ),
        _table(
            "surveys_languagesettings",
            [
                _row(surveyls_survey_id=123456, surveyls_language=x, surveyls_title=_in(title, x))
                for x in languages
            ],
        ),
    ]
    if old:
        parts.append(
            _table(
                "groups",
                [
                    _row(
                        gid=g.gid,
                        sid=123456,
                        group_order=i,
                        grelevance=g.relevance,
                        language=x,
                        group_name=_in(g.name, x),
                        description="",
                        randomization_group="",
                    )
                    for i, g in enumerate(groups)
                    for x in languages
                ],
            )
        )
    else:
        parts.append(
            _table(
                "groups",
                [
                    _row(
                        gid=g.gid,
                        sid=123456,
                        group_order=i,
                        grelevance=g.relevance,
                        randomization_group="",
                    )
                    for i, g in enumerate(groups)
                ],
            )
        )
        parts.append(
            _table(
                "group_l10ns",
                [
                    _row(gid=g.gid, language=x, group_name=_in(g.name, x), description="")
                    for g in groups
                    for x in languages
                ],
            )
        )
    qrows, srows, lrows, arows, alrows, attrs = [], [], [], [], [], []
    aid = 0
    for order, q in enumerate(questions):
        common = dict(
            qid=q.qid,
            parent_qid=0,
            sid=123456,
            gid=q.gid,
            type=q.type,
            title=q.title,
            question_order=order,
            mandatory=q.mandatory,
            other=q.other,
            relevance=q.relevance,
            scale_id=0,
        )
        for x in languages if old else languages[:1]:
            if old:
                qrows.append(_row(**common, language=x, question=_in(q.text, x), help=q.help))
            else:
                qrows.append(_row(**common))
        if not old:
            lrows.extend(
                _row(qid=q.qid, language=x, question=_in(q.text, x), help=q.help) for x in languages
            )
        for sorder, (sqid, code, label, scale, relevance) in enumerate(q.subquestions):
            sub = dict(
                qid=sqid,
                parent_qid=q.qid,
                sid=123456,
                gid=q.gid,
                type=q.type,
                title=code,
                question_order=sorder,
                mandatory="",
                other="N",
                relevance=relevance,
                scale_id=scale,
            )
            if old:
                srows.extend(_row(**sub, language=x, question=label, help="") for x in languages)
            else:
                srows.append(_row(**sub))
                lrows.extend(_row(qid=sqid, language=x, question=label) for x in languages)
        for sorder, (code, label, scale) in enumerate(q.answers):
            aid += 1
            if old:
                arows.extend(
                    _row(
                        qid=q.qid,
                        code=code,
                        answer=label,
                        sortorder=sorder,
                        language=x,
                        scale_id=scale,
                    )
                    for x in languages
                )
            else:
                arows.append(_row(aid=aid, qid=q.qid, code=code, sortorder=sorder, scale_id=scale))
                alrows.extend(_row(aid=aid, language=x, answer=label) for x in languages)
        attrs.extend(
            _row(qid=q.qid, attribute=k, value=v, language="") for k, v in q.attributes.items()
        )
    parts.append(_table("questions", qrows))
    parts.append(_table("subquestions", srows))
    if not old:
        parts.append(_table("question_l10ns", lrows))
        parts.append(_table("answer_l10ns", alrows))
    parts.append(_table("answers", arows))
    parts.append(_table("question_attributes", attrs))
    parts.append("</document>")
    return "".join(parts)
