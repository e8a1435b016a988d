"""Reading a LimeSurvey survey archive (``.lss``) safely into plain records.

The XML is parsed with defusedxml (no DTDs, no entities, no external references);
anything that is not a LimeSurvey survey structure of DBVersion 177 or later is
refused with :class:`~qdef.importing.report.ImportRefused`, naming the file, the
problem and what to do. Both table layouts are read: the 4.x+ one with ``*_l10ns``
tables, and the older one with one row per language (shared/reference:
limesurvey-lss.md §1, §2, §4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from qdef.importing.report import ImportRefused

#: The largest archive read (LimeSurvey's own exports of large surveys stay far below).
MAX_BYTES = 64 * 1024 * 1024
#: The oldest layout read: LimeSurvey 2.05 (DBVersion 177).
MIN_DBVERSION = 177

Row = dict[str, str]


@dataclass
class Answer:
    code: str
    order: int
    scale: int
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class Question:
    qid: int
    parent: int
    gid: int
    type: str
    title: str
    order: int
    mandatory: str
    other: str
    relevance: str
    scale: int
    preg: str
    texts: dict[str, str] = field(default_factory=dict)
    helps: dict[str, str] = field(default_factory=dict)
    subquestions: list[Question] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)
    """attribute -> language ("" if not translated) -> value"""
    defaults: list[tuple[int, int, str, dict[str, str]]] = field(default_factory=list)
    """(scale, sqid, specialtype, language -> value)"""

    def attribute(self, name: str, language: str = "") -> str:
        values = self.attributes.get(name, {})
        return values.get(language) or values.get("") or next(iter(values.values()), "")


@dataclass
class Group:
    gid: int
    order: int
    relevance: str
    randomization: str
    names: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)


@dataclass
class Survey:
    sid: str
    dbversion: int
    languages: list[str]
    titles: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    welcomes: dict[str, str] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)
    conditions: set[int] = field(default_factory=set)
    """qids that have rows in the old ``conditions`` table"""
    sections: list[str] = field(default_factory=list)
    """table sections present (for losses of those not read: quotas, assessments …)"""


def _refuse(path: Path, what: str, todo: str) -> ImportRefused:
    return ImportRefused(f"{path}: {what}; {todo}")


def parse_xml(path: Path) -> Element:
    """The archive's root element, or :class:`ImportRefused`."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _refuse(
                path,
                f"the file has {size} bytes, more than the {MAX_BYTES} an archive may have",
                "export the survey structure (.lss) alone, without responses",
            )
        data = path.read_bytes()
    except OSError as error:
        raise _refuse(path, f"cannot read the file ({error.strerror})", "check the path") from None
    return parse_bytes(data, path)


def parse_bytes(data: bytes, path: Path) -> Element:
    if len(data) > MAX_BYTES:
        raise _refuse(path, "the file is too large", "export the survey structure alone")
    try:
        root: Element = fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException:
        raise _refuse(
            path,
            "the XML declares a document type or entities (refused: entity expansion and "
            "external references are a known attack)",
            "export the survey again from LimeSurvey; its archives never declare any",
        ) from None
    except ParseError as error:
        line, column = error.position
        raise _refuse(
            path,
            f"broken XML at line {line}, column {column + 1}",
            "export the survey again, or repair the file there",
        ) from None
    if root.tag != "document" or (root.findtext("LimeSurveyDocType") or "").strip() != "Survey":
        raise _refuse(
            path,
            "not a LimeSurvey survey structure (expected <document> with "
            "<LimeSurveyDocType>Survey</LimeSurveyDocType>)",
            "export the survey with LimeSurvey's 'Survey structure (.lss)'",
        )
    version = (root.findtext("DBVersion") or "").strip()
    if not version.isdigit() or int(version) < MIN_DBVERSION:
        raise _refuse(
            path,
            f"DBVersion {version or '(none)'} is older than LimeSurvey 2.05 ({MIN_DBVERSION})",
            "import it into a current LimeSurvey and export it again",
        )
    return root


def rows(root: Element, table: str) -> list[Row]:
    section = root.find(table)
    if section is None:
        return []
    found: list[Row] = []
    for row in section.iterfind("rows/row"):
        found.append({child.tag: "".join(child.itertext()) for child in row})
    return found


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int((value or "").strip() or default)
    except ValueError:
        return default


def read_survey(root: Element) -> Survey:
    """The survey's records, from either layout."""
    languages = [(e.text or "").strip() for e in root.iterfind("languages/language")]
    survey_rows = rows(root, "surveys")
    first = survey_rows[0] if survey_rows else {}
    base = (first.get("language") or "").strip() or (languages[0] if languages else "en")
    extra = (first.get("additional_languages") or "").split()
    ordered = [base, *[x for x in [*extra, *languages] if x and x != base]]
    languages = list(dict.fromkeys(ordered))
    survey = Survey(
        sid=(first.get("sid") or "").strip(),
        dbversion=_int(root.findtext("DBVersion")),
        languages=languages,
        sections=[child.tag for child in root],
    )
    for row in rows(root, "surveys_languagesettings"):
        lang = row.get("surveyls_language", base)
        survey.titles[lang] = row.get("surveyls_title", "")
        survey.descriptions[lang] = row.get("surveyls_description", "")
        survey.welcomes[lang] = row.get("surveyls_welcometext", "")
    groups = _groups(root, base)
    questions = _questions(root, base)
    _answers(root, base, questions)
    _attributes(root, base, questions)
    for row in rows(root, "conditions"):
        survey.conditions.add(_int(row.get("qid")))
    for question in sorted(questions.values(), key=lambda q: (q.scale, q.order, q.qid)):
        if question.parent:
            parent = questions.get(question.parent)
            if parent is not None:
                parent.subquestions.append(question)
        else:
            group = groups.get(question.gid)
            if group is not None:
                group.questions.append(question)
    for question in questions.values():
        question.answers.sort(key=lambda a: (a.scale, a.order))
    survey.groups = sorted(groups.values(), key=lambda g: (g.order, g.gid))
    return survey


def _groups(root: Element, base: str) -> dict[int, Group]:
    groups: dict[int, Group] = {}
    for row in rows(root, "groups"):
        gid = _int(row.get("gid"))
        group = groups.get(gid)
        if group is None:
            group = groups[gid] = Group(
                gid,
                _int(row.get("group_order")),
                row.get("grelevance", ""),
                row.get("randomization_group", ""),
            )
        if "language" in row:  # the old layout: one row per language
            group.names[row["language"]] = row.get("group_name", "")
            group.descriptions[row["language"]] = row.get("description", "")
    for row in rows(root, "group_l10ns"):
        group = groups.get(_int(row.get("gid")))
        if group is not None:
            group.names[row.get("language", base)] = row.get("group_name", "")
            group.descriptions[row.get("language", base)] = row.get("description", "")
    return groups


def _questions(root: Element, base: str) -> dict[int, Question]:
    questions: dict[int, Question] = {}
    for table in ("questions", "subquestions"):
        for row in rows(root, table):
            qid = _int(row.get("qid"))
            question = questions.get(qid)
            if question is None:
                question = questions[qid] = Question(
                    qid,
                    _int(row.get("parent_qid")),
                    _int(row.get("gid")),
                    row.get("type", ""),
                    row.get("title", ""),
                    _int(row.get("question_order")),
                    row.get("mandatory", ""),
                    row.get("other", ""),
                    row.get("relevance", ""),
                    _int(row.get("scale_id")),
                    row.get("preg", ""),
                )
            if "language" in row:
                question.texts[row["language"]] = row.get("question", "")
                question.helps[row["language"]] = row.get("help", "")
    for row in rows(root, "question_l10ns"):
        question = questions.get(_int(row.get("qid")))
        if question is not None:
            question.texts[row.get("language", base)] = row.get("question", "")
            question.helps[row.get("language", base)] = row.get("help", "")
    return questions


def _answers(root: Element, base: str, questions: dict[int, Question]) -> None:
    answers: dict[int, tuple[Question, Answer]] = {}
    old_answers: dict[tuple[int, str, int], Answer] = {}
    for row in rows(root, "answers"):
        question = questions.get(_int(row.get("qid")))
        if question is None:
            continue
        code, scale = row.get("code", ""), _int(row.get("scale_id"))
        if "language" in row:
            key = (question.qid, code, scale)
            answer = old_answers.get(key)
            if answer is None:
                answer = old_answers[key] = Answer(code, _int(row.get("sortorder")), scale)
                question.answers.append(answer)
            answer.labels[row["language"]] = row.get("answer", "")
        else:
            answer = Answer(code, _int(row.get("sortorder")), scale)
            question.answers.append(answer)
            answers[_int(row.get("aid"))] = (question, answer)
    for row in rows(root, "answer_l10ns"):
        found = answers.get(_int(row.get("aid")))
        if found is not None:
            found[1].labels[row.get("language", base)] = row.get("answer", "")


def _attributes(root: Element, base: str, questions: dict[int, Question]) -> None:
    for row in rows(root, "question_attributes"):
        question = questions.get(_int(row.get("qid")))
        if question is not None:
            name = row.get("attribute", "")
            question.attributes.setdefault(name, {})[row.get("language") or ""] = row.get(
                "value", ""
            )
    defaults: dict[int, tuple[Question, dict[str, str]]] = {}
    for row in rows(root, "defaultvalues"):
        question = questions.get(_int(row.get("qid")))
        if question is None:
            continue
        values: dict[str, str] = {}
        if "language" in row:
            values[row["language"]] = row.get("defaultvalue", "")
        question.defaults.append(
            (_int(row.get("scale_id")), _int(row.get("sqid")), row.get("specialtype", ""), values)
        )
        defaults[_int(row.get("dvid"))] = (question, values)
    for row in rows(root, "defaultvalue_l10ns"):
        found_default = defaults.get(_int(row.get("dvid")))
        if found_default is not None:
            found_default[1][row.get("language", base)] = row.get("defaultvalue", "")
