"""The survey, choices and settings sheets of an XLSForm, built into a qdef
instrument (plain data), with a located loss for everything not carried over
exactly.

Groups become sections (qdef's sections do not nest: a nested group's relevance
joins its questions' ``when``), repeats become rosters, ``relevant`` becomes
``when``, ``constraint`` rules, ``calculation`` computed values and
``choice_filter`` the options' ``when``. Every expression is translated by
:mod:`.translate`; the document is then validated (:mod:`.fixing`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from qdef.importing.report import ImportResult, KeyPath, Loss, Origin
from qdef.importing.xlsform import translate as tr
from qdef.importing.xlsform.columns import (
    Column,
    language_tag,
    question_type,
)
from qdef.importing.xlsform.fixing import Fixes
from qdef.importing.xlsform.reading import Sheet
from qdef.importing.xlsform.sheets import (
    CODE,
    RESERVED,
    SURVEY_KNOWN,
    VAR_KINDS,
    Choice,
    Row,
    copy_row,
    escape,
    subject,
    table,
)


class Builder:
    def __init__(self, result: ImportResult, sheets: dict[str, Sheet], stem: str) -> None:
        self.result = result
        self.sheets = sheets
        self.stem = stem
        self.fixes = Fixes()
        self.ids: set[str] = set()
        self.variables: dict[str, tr.Var] = {}
        self.left_out: dict[str, str] = {}
        self.notes: set[str] = set()
        self.codes_of: dict[int, dict[str, str]] = {}
        """The choice name → option code of each select row (by the row's id())."""
        self.sections: list[dict[str, Any]] = []
        self.hidden: list[dict[str, Any]] = []
        self.choices: dict[str, list[Choice]] = {}
        self.choice_columns: set[str] = set()
        self.languages: list[str | None] = []
        self.main: str | None = None
        self.tags: dict[str | None, str] = {}
        self.filled: dict[str, int] = {}
        self.settings: dict[str, str] = {}
        self.origin_anchors: list[tuple[Origin, object | None]] = []
        self.note_anchors: list[tuple[object, str]] = []
        self.loss_anchors: dict[int, object] = {}
        self.orphans: dict[str, object] = {}
        """A question left out → the section it would have been in (for its losses)."""

    def anchor_loss(self, index: int, node: object) -> None:
        """Place the loss ``index`` at ``node`` (a section) once the document is final."""
        self.loss_anchors.setdefault(index, node)

    def anchor_origin(self, origin: Origin, entry: object | None) -> None:
        self.origin_anchors.append((origin, entry))

    def anchor_note(self, entry: object, text: str) -> None:
        self.note_anchors.append((entry, text))

    def finish(self, document: dict[str, Any]) -> None:
        """Key paths for the origins, losses and notes, now that the document is final."""
        paths: dict[int, KeyPath] = {}

        def walk(node: Any, path: KeyPath) -> None:
            paths[id(node)] = path
            if isinstance(node, dict):
                for key, value in node.items():
                    if isinstance(value, (dict, list)):
                        walk(value, (*path, key))
            elif isinstance(node, list):
                for index, value in enumerate(node):
                    if isinstance(value, (dict, list)):
                        walk(value, (*path, index))

        walk(document, ())
        for index, node in self.loss_anchors.items():
            loss = self.result.losses[index]
            if not loss.at and id(node) in paths:
                self.result.losses[index] = replace(loss, at=paths[id(node)])
        origins: list[Origin] = []
        by_name: dict[str, KeyPath] = {}
        for origin, entry in self.origin_anchors:
            at = paths.get(id(entry)) if entry is not None else None
            origins.append(Origin(origin.code, origin.where, at))
            if at is not None:
                by_name.setdefault(origin.code, at)
        self.result.origins = origins
        unique: dict[tuple[str, str, str, str | None], Loss] = {}
        for loss in self.result.losses:
            unique.setdefault((loss.where, loss.kind, loss.what, loss.question), loss)
        self.result.losses = list(unique.values())
        for name, node in self.orphans.items():
            if name not in by_name and id(node) in paths:
                by_name[name] = paths[id(node)]
        self.result.losses = [
            replace(loss, at=by_name[loss.question])
            if not loss.at and loss.question is not None and loss.question in by_name
            else loss
            for loss in self.result.losses
        ]
        for entry, text in self.note_anchors:
            at = paths.get(id(entry))
            if at is not None:
                self.result.note(at, text)

    # --- texts ---------------------------------------------------------------

    def _gather_languages(self, *tables: dict[int, Column]) -> None:
        seen: list[str | None] = []
        for columns in tables:
            for col in columns.values():
                if col.key in {"label", "hint", "constraint_message", "required_message"} and (
                    col.language not in seen
                ):
                    seen.append(col.language)
        settings = self.settings.get("default_language", "")
        named = [name for name in seen if name is not None]
        if settings and settings in named:
            self.main = settings
        elif not named:
            self.main = None
        elif None in seen and not settings:
            self.main = named[0]  # texts without a language are taken to be in it
        else:
            self.main = named[0]
        for name in [self.main, *seen]:
            if name in self.tags or (name is None and self.main is not None):
                continue
            tag = (
                language_tag(name)
                if name is not None
                else (language_tag(settings) if settings else None)
            )
            if tag is None:
                if name is None or name == self.main:
                    tag = "en"
                    self.result.lose(
                        "settings sheet",
                        "approximated",
                        "the language of the texts",
                        f"the form does not say which language {subject(name)} in; "
                        "qdef assumes English (en): correct `language:` if it is another",
                    )
                else:
                    self.result.lose(
                        "survey sheet",
                        "left out",
                        f"the texts in the language {name!r}",
                        "the language name is not one qdef knows; write it as 'Name (tag)', "
                        "e.g. 'label::Chinese (zh)', and import again",
                    )
                    continue
            if tag in self.tags.values():
                if name is not None and name != self.main:
                    self.result.lose(
                        "survey sheet",
                        "left out",
                        f"the texts in the language {name!r}",
                        f"it has the same language tag ({tag}) as another language of the form",
                    )
                continue
            self.tags[name] = tag
            self.languages.append(name)

    @property
    def main_tag(self) -> str:
        return self.tags.get(self.main, "en")

    def text(
        self,
        texts: dict[str | None, str],
        *,
        piped: bool = True,
        raw: bool = False,
        row: Row | None = None,
        question: str | None = None,
    ) -> Any:
        """A text in qdef's form: a string, or a mapping over all languages; None if empty."""
        main = texts.get(self.main, "").strip() or texts.get(None, "").strip()
        if not main:
            main = next((value.strip() for value in texts.values() if value.strip()), "")
            if main:
                self.filled[self.main_tag] = self.filled.get(self.main_tag, 0) + 1
        if not main:
            return None
        pipe: Callable[[str], str] = (
            (lambda value: value)  # a text qdef never pipes (a hidden value's label)
            if raw
            else (lambda value: self.piped(value, row, question))
            if piped
            else escape
        )
        if len(self.languages) == 1:
            return pipe(main)
        mapping: dict[str, str] = {}
        for name in self.languages:
            value = texts.get(name, "").strip() if name != self.main else main
            if not value:
                value = main
                self.filled[self.tags[name]] = self.filled.get(self.tags[name], 0) + 1
            mapping[self.tags[name]] = pipe(value)
        return mapping

    def plain(self, value: str) -> Any:
        """The same text in every language (a generated text)."""
        if len(self.languages) == 1:
            return value
        return {self.tags[name]: value for name in self.languages}

    def piped(self, value: str, row: Row | None, question: str | None) -> str:
        parts: list[str] = []
        position = 0
        for found in re.finditer(r"\$\{\s*([^}\s]+)\s*\}", value):
            parts.append(escape(value[position : found.start()]))
            var = self.variables.get(found.group(1))
            if var is None and found.group(1) in self.notes:
                pass  # a note's value is always empty in ODK
            elif var is None:
                parts.append(escape(found.group(0)))
                if row is not None:
                    self.result.lose(
                        f"survey sheet, row {row.number}",
                        "approximated",
                        f"the value of {found.group(0)} in a text",
                        "it is not a question of the instrument: the text shows it as written",
                        question=question,
                    )
            else:
                parts.append(f"{{{var.id}|}}")
            position = found.end()
        parts.append(escape(value[position:]))
        return "".join(parts)

    # --- names -----------------------------------------------------------------

    def new_id(self, name: str, where: str, *, question: str | None, at: KeyPath = ()) -> str:
        base = re.sub(r"[^A-Za-z0-9_]", "_", name)
        if not base or not base[0].isalpha():
            base = f"q{base}" if base else "q"
        base = base[:60]
        if base in RESERVED:
            base = f"{base}_"
        candidate, n = base, 2
        while candidate in self.ids:
            candidate, n = f"{base[:56]}_{n}", n + 1
        self.ids.add(candidate)
        if candidate != name:
            self.result.lose(
                where,
                "approximated",
                f"the name {name!r}",
                f"it is not a qdef id (a letter, then letters, digits or _; unique; at most 64 "
                f"characters): it is {candidate!r} in the instrument and in its data",
                at=at,
                question=question,
            )
        return candidate

    def _unnamed(self, kind: str) -> str:
        """A section id for a group without a name (pyxform refuses one; qdef needs an
        id, unique as every id): ``group``, ``group_2`` …"""
        candidate, n = kind, 2
        while candidate in self.ids:
            candidate, n = f"{kind}_{n}", n + 1
        self.ids.add(candidate)
        return candidate

    # --- sheets -----------------------------------------------------------------

    def prepare(self) -> list[Row]:
        """Settings, languages, choices, and the survey's rows with their qdef
        variables declared: ready for the walk (:mod:`.questions`)."""
        self.settings = self._settings()
        survey_rows, survey_columns = table(self.sheets["survey"])
        choice_rows, choice_columns = (
            ([], {}) if "choices" not in self.sheets else table(self.sheets["choices"])
        )
        self._gather_languages(survey_columns, choice_columns)
        self._choices(choice_rows, choice_columns)
        rows = self._loops(self._rows(survey_rows, survey_columns))
        self._declare(rows)
        return rows

    def _settings(self) -> dict[str, str]:
        sheet = self.sheets.get("settings")
        if sheet is None:
            return {}
        data, columns = table(sheet)
        values: dict[str, str] = {}
        if data:
            _, cells = data[0]
            for index, col in columns.items():
                if index < len(cells) and cells[index].strip():
                    values[col.key] = cells[index].strip()
        return values

    def _rows(self, data: list[tuple[int, list[str]]], columns: dict[int, Column]) -> list[Row]:
        rows: list[Row] = []
        unknown: dict[str, int] = {}
        for number, cells in data:
            row = Row(number, {}, {})
            for index, col in columns.items():
                if index >= len(cells) or not cells[index].strip():
                    continue
                if col.key in {
                    "label",
                    "hint",
                    "constraint_message",
                    "required_message",
                    "guidance_hint",
                }:
                    row.texts.setdefault(col.key, {})[col.language] = cells[index]
                elif col.key == "media":
                    row.cells["media"] = cells[index]
                else:
                    row.cells[col.key] = cells[index]
                    if col.key not in SURVEY_KNOWN:
                        unknown.setdefault(col.key, number)
            if row.get("type") or row.cells.get("name"):
                rows.append(row)
        for key, number in unknown.items():
            self.result.lose(
                f"survey sheet, row {number}, column {key}",
                "left out",
                f"the column {key!r}",
                "qdef has no equivalent of this column; "
                "carry its content over by hand if it matters",
            )
        return rows

    def _loops(self, rows: list[Row]) -> list[Row]:
        """``begin loop over LIST``: the questions once per choice of the list, as pyxform
        does (a group per choice), named ``NAME_CHOICE``, ``%(label)s`` the choice's label."""
        out: list[Row] = []
        index = 0
        while index < len(rows):
            row = rows[index]
            qtype = question_type(row.get("type"))
            index += 1
            if qtype.base != "begin_loop":
                out.append(row)
                continue
            depth, end = 1, index
            while end < len(rows) and depth:
                base = question_type(rows[end].get("type")).base
                depth += {"begin_loop": 1, "end_loop": -1}.get(base, 0)
                end += 1
            body = rows[index : end - 1 if depth == 0 else end]
            choices = self.choices.get(qtype.list_name or "", [])
            if not choices or any(question_type(r.get("type")).base == "begin_loop" for r in body):
                out.append(row)  # left out by the walk, with its reason
                continue
            index = end
            loop = row.get("name")
            out.append(copy_row(row, type="begin group"))
            for choice in choices:
                group = copy_row(
                    row, type="begin group", name=f"{loop}_{choice.name}", texts=choice.texts
                )
                group.cells["_loop"] = loop
                out.append(group)
                for inner in body:
                    copy = copy_row(inner, label_of=choice.texts)
                    if inner.get("name") and question_type(inner.get("type")).base not in {
                        "begin_group",
                        "end_group",
                    }:
                        copy.cells["name"] = f"{inner.get('name')}_{choice.name}"
                        self.result.lose(
                            f"survey sheet, row {inner.number}",
                            "approximated",
                            f"the question {inner.get('name')!r} of the loop {loop!r}",
                            "qdef has no loop over a choice list: the question is asked once per "
                            f"choice, this one for {choice.name!r} as {copy.cells['name']!r}",
                            question=copy.cells["name"],
                        )
                    out.append(copy)
                out.append(copy_row(row, type="end group"))
            out.append(copy_row(row, type="end group"))
        return out

    def _choices(self, data: list[tuple[int, list[str]]], columns: dict[int, Column]) -> None:
        for number, cells in data:
            values: dict[str, str] = {}
            texts: dict[str | None, str] = {}
            for index, col in columns.items():
                if index >= len(cells) or not cells[index].strip():
                    continue
                if col.key == "label":
                    texts[col.language] = cells[index]
                elif col.key not in {"media", "hint"}:
                    values[col.key] = cells[index].strip()
            list_name, name = values.get("list_name", ""), values.get("name", "")
            if not list_name or not name:
                continue
            self.choices.setdefault(list_name, []).append(Choice(number, name, name, texts, values))

    def _declare(self, rows: list[Row]) -> None:
        """The qdef variable of every question, before any expression is translated
        (an expression may name a later question: qdef's validation says so)."""
        for row in rows:
            qtype = question_type(row.get("type"))
            name = row.get("name")
            if not name:
                if qtype.base in {"begin_group", "begin_repeat", "begin_loop"}:
                    row.cells["_id"] = self._unnamed(qtype.base.removeprefix("begin_"))
                continue
            where = f"survey sheet, row {row.number}, column name"
            kind = VAR_KINDS.get(qtype.base)
            if qtype.base in {"begin_group", "begin_repeat", "begin_loop"}:
                row.cells["_id"] = self.new_id(name, where, question=None)
                continue
            if qtype.base == "note":
                self.notes.add(name)
            if kind is None:
                continue
            qid = self.new_id(name, where, question=name)
            row.cells["_id"] = qid
            codes = None
            if qtype.list_name is not None:
                codes = self._codes(qtype.list_name, row, name)
                if qtype.or_other:
                    codes = {**codes, "other": "other"}
            if codes is not None:
                self.codes_of[id(row)] = codes
            self.variables.setdefault(name, tr.Var(qid, kind, codes))  # a repeated name: the first

    def _codes(self, list_name: str, row: Row, question: str) -> dict[str, str]:
        codes: dict[str, str] = {}
        taken: set[str] = set()
        for choice in self.choices.get(list_name, []):
            if choice.name in codes:
                continue
            code = choice.name
            if not CODE.match(code) or code in taken:
                code = re.sub(r"[^A-Za-z0-9_]", "_", code)[:60] or "option"
                base, n = code, 2
                while code in taken:
                    code, n = f"{base}_{n}", n + 1
                self.result.lose(
                    f"choices sheet, row {choice.number}",
                    "approximated",
                    f"the choice name {choice.name!r} (list {list_name})",
                    "it is not a qdef code (letters, digits or _): "
                    f"it is {code!r} in the instrument "
                    "and in its data",
                    question=question,
                )
            taken.add(code)
            codes[choice.name] = code
        return codes

    def document(self) -> dict[str, Any]:
        settings = self.settings
        title = (
            settings.get("form_title")
            or settings.get("title")
            or settings.get("form_id")
            or self.stem
        )
        raw_id = settings.get("form_id") or settings.get("id_string") or self.stem
        instrument_id = re.sub(r"[^A-Za-z0-9_.-]", "_", raw_id).lstrip("_.-")[:100] or "xlsform"
        if instrument_id != raw_id:
            self.result.lose(
                "settings sheet",
                "approximated",
                f"the form id {raw_id!r}",
                f"it is not a qdef instrument id: it is {instrument_id!r}",
            )
        document: dict[str, Any] = {"qdef": 1, "id": instrument_id}
        if settings.get("version"):
            document["version"] = settings["version"]
        document["title"] = self.plain(escape(title).replace("{{", "{").replace("}}", "}"))
        document["language"] = self.main_tag
        if len(self.languages) > 1:
            document["translations"] = [
                self.tags[name] for name in self.languages if name != self.main
            ]
        if self.hidden:
            document["hidden"] = self.hidden
        document["sections"] = self.sections
        for key, value in settings.items():
            if key in {
                "form_title",
                "title",
                "form_id",
                "id_string",
                "version",
                "default_language",
            }:
                continue
            self.result.lose(
                "settings sheet",
                "left out",
                f"the setting {key} ({value[:40]!r})",
                "qdef has no such setting; the survey platform may have its own",
            )
        for tag, count in self.filled.items():
            self.result.lose(
                "survey sheet",
                "approximated",
                f"{count} texts without a translation into {tag}",
                "the form gives them only in the main language; "
                "qdef shows that text there too: translate them",
            )
        self.placeholder()
        return document

    def placeholder(self) -> None:
        """Drop the sections left without questions; a note if none is left (qdef
        needs a section with a question)."""
        self.sections[:] = [section for section in self.sections if section["questions"]]
        if not self.sections:
            self.sections.append(
                {
                    "id": self.new_id("empty", "survey sheet", question=None),
                    "questions": [
                        {
                            "id": self.new_id("empty_note", "survey sheet", question=None),
                            "type": "display",
                            "text": self.plain("(This form has no questions qdef can ask.)"),
                        }
                    ],
                }
            )
            self.result.lose(
                "survey sheet",
                "left out",
                "every question",
                "none of the form's questions could be carried over; "
                "the instrument has a note instead",
            )
