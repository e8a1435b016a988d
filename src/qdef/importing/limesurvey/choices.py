"""LimeSurvey's choice questions: lists, multiple choice, arrays, dual scales,
grids and rankings (the inverse of the limesurvey renderer's lowering)."""

from __future__ import annotations

from typing import Any

from qdef.importing.limesurvey.archive import Question
from qdef.importing.limesurvey.build import Data
from qdef.importing.limesurvey.questions import Questions, number_in
from qdef.importing.limesurvey.translate import Symbol

MATRIX = {"F": None, "H": None, "A": 5, "B": 10, "C": "YUN", "E": "ISD"}


SCALE_WORDS = {
    "Y": "Yes",
    "U": "Uncertain",
    "N": "No",
    "I": "Increase",
    "S": "Same",
    "D": "Decrease",
}


class Choices(Questions):
    """Questions whose answers are codes."""

    def single(self, q: Question, out: Data, when: str | None) -> list[Data]:
        out["type"] = "single"
        self._text(q, out)
        out["_when"] = when
        answers = [a for a in q.answers if a.scale == 0]
        options: list[Data] = []
        raw: list[str] = []
        labels: list[Any] = []
        if q.type == "5":
            raw = [str(i) for i in range(1, 6)]
            labels = [self.same(r) for r in raw]
        elif q.type == "Y":
            raw, labels = ["Y", "N"], [self.word("Yes"), self.word("No")]
        elif q.type == "G":
            raw, labels = ["F", "M"], [self.word("Female"), self.word("Male")]
        else:
            raw = [a.code for a in answers]
            labels = [self.text(a.labels) or self.same(a.code) for a in answers]
        codes = self.codes(raw, "an answer")
        for code, label in zip(codes, labels, strict=True):
            options.append({"code": code, "label": label})
        mapping = dict(zip(raw, codes, strict=True))
        extra: list[Data] = []
        if q.other == "Y" and q.type in "L!":
            code = "other" if "other" not in codes else "other_"
            mapping["-oth-"] = code
            follow = self.new_id(f"{q.title}_other", "the other text")
            label = self.attr_text(q, "other_replace_text") or self.word("Other")
            options.append({"code": code, "label": label, "specify": [self._other(q, follow)]})
            self.register(f"{q.title}_other", Symbol("text", follow), q.qid, "other")
        if not options:
            options.append({"code": "none", "label": self.same("(none)")})
            self.lose(
                "approximated", "the answers", "the list has none; a placeholder option is written"
            )
        if q.type == "!":
            out["widget"] = "dropdown"
        self._filter(q, out)
        self._order(q, out)
        out["options"] = options
        default = self._default(q, mapping)
        if default is not None:
            out["default"] = default
        self.register(q.title, Symbol("choice", out["id"], codes=mapping), q.qid)
        if q.type == "O":
            cid = self.new_id(f"{q.title}_comment", "the comment")
            comment: Data = {"id": cid, "type": "text", "text": self.word("Comment"), "long": True}
            if when is not None:
                comment["when"] = when
            extra.append(comment)
            self.register(f"{q.title}_comment", Symbol("text", cid), q.qid, "comment")
            self.lose(
                "approximated",
                "the comment",
                f"qdef has no comment of a whole "
                f"question: it is the text question {cid!r} after it",
            )
        return extra

    def _other(self, q: Question, follow: str) -> Data:
        """The follow-up of an "other" option: required with ``other_comment_mandatory``."""
        if q.attribute("other_comment_mandatory") == "1":
            return {"id": follow, "required": True}
        return {"id": follow}

    def _default(self, q: Question, mapping: dict[str, str]) -> str | None:
        for scale, sqid, special, values in q.defaults:
            value = values.get(self.base) or next(iter(values.values()), "")
            if scale or sqid or special or not value:
                continue
            if value in mapping:
                return mapping[value]
            self.lose(
                "left out",
                f"the default {value!r}",
                "it is not one of the answers (an expression?); set the default by hand",
            )
        return None

    def multiple(self, q: Question, out: Data, when: str | None) -> list[Data]:
        out["type"] = "multiple"
        self._text(q, out)
        out["_when"] = when
        subs = [s for s in q.subquestions if s.scale == 0]
        codes = self.codes([s.title for s in subs], "a subquestion")
        exclusive = {c.strip() for c in q.attribute("exclude_all_others").split(";")}
        options: list[Data] = []
        members: list[str] = []
        symbol_codes: dict[str, str] = {}
        defaults: list[str] = []
        by_sqid = {s.qid: c for s, c in zip(subs, codes, strict=True)}
        for sub, code in zip(subs, codes, strict=True):
            option: Data = {"code": code, "label": self.text(sub.texts) or self.same(sub.title)}
            if sub.title in exclusive:
                option["exclusive"] = True
            self._sq_when(sub, option)
            if q.type == "P":
                follow = self.new_id(f"{q.title}_{sub.title}comment", "the comment")
                option["specify"] = [{"id": follow}]
                self.register(
                    f"{q.title}_{sub.title}comment",
                    Symbol("text", follow),
                    q.qid,
                    f"{sub.title}comment",
                )
                members.append(f"{q.title}_{sub.title}comment")
            options.append(option)
            name = f"{q.title}_{sub.title}"
            self.register(name, Symbol("check", out["id"], code=code), q.qid, sub.title)
            members.append(name)
            symbol_codes[sub.title] = code
        if q.other == "Y":
            options.append(self._multiple_other(q, codes, members))
        if not options:
            options.append({"code": "none", "label": self.same("(none)")})
            self.lose(
                "approximated",
                "the subquestions",
                "there are none; a placeholder option is written",
            )
        for key, attr in (("min_choices", "min_answers"), ("max_choices", "max_answers")):
            value = number_in(q.attribute(attr))
            if isinstance(value, int) and value > 0:
                out[key] = value
            elif q.attribute(attr).strip():
                self.lose(
                    "left out",
                    f"the attribute {attr!r}",
                    "it is not a whole number (an expression?); qdef's bound is a number",
                )
        self._filter(q, out)
        self._order(q, out)
        out["options"] = options
        for scale, sqid, _special, values in q.defaults:
            chosen = values.get(self.base) or ""
            if not scale and sqid in by_sqid and chosen == "Y":
                defaults.append(by_sqid[sqid])
        if defaults:
            out["default"] = defaults
        self.register(
            f"whole:{q.title}",
            Symbol("whole", out["id"], codes=symbol_codes, members=tuple(members), multiple=True),
            q.qid,
            "whole",
        )
        return []

    def _multiple_other(self, q: Question, codes: list[str], members: list[str]) -> Data:
        """LimeSurvey's "other" of a multiple choice is chosen by typing its text: the
        option with its text required (and, for P, its comment)."""
        code = "other" if "other" not in codes else "other_"
        follow = self.new_id(f"{q.title}_other", "the other text")
        label = self.attr_text(q, "other_replace_text") or self.word("Other")
        specify: list[Data] = [{"id": follow, "required": True}]
        self.register(f"{q.title}_other", Symbol("text", follow), q.qid, "other")
        members.append(f"{q.title}_other")
        if q.type == "P":
            comment = self.new_id(f"{q.title}_othercomment", "the comment")
            specify.append({"id": comment})
            self.register(f"{q.title}_othercomment", Symbol("text", comment), q.qid, "othercomment")
            members.append(f"{q.title}_othercomment")
        return {"code": code, "label": label, "specify": specify}

    def matrix(self, q: Question, out: Data, when: str | None) -> list[Data]:
        out["type"] = "matrix"
        self._text(q, out)
        out["_when"] = when
        fixed = MATRIX[q.type]
        if isinstance(fixed, int):
            raw = [str(i) for i in range(1, fixed + 1)]
            labels: list[Any] = [self.same(r) for r in raw]
        elif isinstance(fixed, str):
            raw = list(fixed)
            labels = [self.word(SCALE_WORDS[c]) for c in raw]
        else:
            answers = [a for a in q.answers if a.scale == 0]
            raw = [a.code for a in answers]
            labels = [self.text(a.labels) or self.same(a.code) for a in answers]
        codes = self.codes(raw, "an answer")
        out["scale"] = [{"code": c, "label": label} for c, label in zip(codes, labels, strict=True)]
        if not out["scale"]:
            out["scale"] = [{"code": "none", "label": self.same("(none)")}]
        if q.type == "H":
            self.lose("approximated", "the layout by column", "qdef's matrix has its rows as rows")
        mapping = dict(zip(raw, codes, strict=True))
        rows = self._rows(q, out, 0)
        for sub, code in rows:
            self.register(
                f"{q.title}_{sub.title}",
                Symbol("choice", f"{out['id']}.{code}", codes=mapping),
                q.qid,
                sub.title,
            )
        return []

    def _rows(self, q: Question, out: Data, scale: int) -> list[tuple[Question, str]]:
        subs = [s for s in q.subquestions if s.scale == scale]
        codes = self.codes([s.title for s in subs], "a subquestion")
        rows = []
        for sub, code in zip(subs, codes, strict=True):
            row: Data = {"code": code, "label": self.text(sub.texts) or self.same(sub.title)}
            self._sq_when(sub, row)
            rows.append(row)
        if not rows:
            rows.append({"code": "none", "label": self.same("(none)")})
        self._filter(q, out)
        self._order(q, out)
        out["rows"] = rows
        self.register(
            f"whole:{q.title}",
            Symbol("whole", out["id"], members=tuple(f"{q.title}_{s.title}" for s in subs)),
            q.qid,
            "whole",
        )
        return list(zip(subs, codes, strict=True))

    def dual(self, q: Question, out: Data, when: str | None) -> list[Data]:
        out["type"] = "dualmatrix"
        self._text(q, out)
        out["_when"] = when
        scales = []
        maps = []
        for scale, header in ((0, "dualscale_headerA"), (1, "dualscale_headerB")):
            answers = [a for a in q.answers if a.scale == scale]
            raw = [a.code for a in answers]
            codes = self.codes(raw, f"an answer of scale {scale + 1}")
            label = self.attr_text(q, header) or self.same(f"{scale + 1}")
            columns = [
                {"code": c, "label": self.text(a.labels) or self.same(a.code)}
                for c, a in zip(codes, answers, strict=True)
            ]
            scales.append(
                {
                    "code": f"s{scale}",
                    "label": label,
                    "columns": columns or [{"code": "none", "label": self.same("(none)")}],
                }
            )
            maps.append(dict(zip(raw, codes, strict=True)))
        out["scales"] = scales
        for sub, code in self._rows(q, out, 0):
            for scale in (0, 1):
                self.register(
                    f"{q.title}_{sub.title}_{scale}",
                    Symbol("choice", f"{out['id']}.{code}.s{scale}", codes=maps[scale]),
                    q.qid,
                    f"{sub.title}#{scale}",
                )
        return []

    def grid(self, q: Question, out: Data, when: str | None) -> list[Data]:
        out["type"] = "grid"
        self._text(q, out)
        out["_when"] = when
        columns_src = [s for s in q.subquestions if s.scale == 1]
        codes = self.codes([s.title for s in columns_src], "a subquestion (column)")
        check = q.type == ":" and q.attribute("multiflexible_checkbox") == "1"
        columns = []
        for sub, code in zip(columns_src, codes, strict=True):
            column: Data = {"code": code, "label": self.text(sub.texts) or self.same(sub.title)}
            if q.type == ";":
                column["input"] = "text"
            elif check:
                column["input"] = "check"
            else:
                column["input"] = "number"
                column["kind"] = "decimal"
                for key, attr in (("min", "multiflexible_min"), ("max", "multiflexible_max")):
                    value = number_in(q.attribute(attr))
                    if value is not None and q.attribute("input_boxes") != "1":
                        column[key] = value
            columns.append(column)
        none = {"code": "none", "label": self.same("(none)"), "input": "text"}
        out["columns"] = columns or [none]
        kind = "text" if q.type == ";" else "check" if check else "number"
        for sub, code in self._rows(q, out, 0):
            for col, ccode in zip(columns_src, codes, strict=True):
                if kind == "check":
                    continue  # a check cell is not ExpressionScript's "1" / ""
                self.register(
                    f"{q.title}_{sub.title}_{col.title}",
                    Symbol(kind, f"{out['id']}.{code}.{ccode}"),
                    q.qid,
                    f"{sub.title}_{col.title}",
                )
        return []

    def ranking(self, q: Question, out: Data, when: str | None) -> list[Data]:
        out["type"] = "ranking"
        self._text(q, out)
        out["_when"] = when
        answers = [a for a in q.answers if a.scale == 0]
        raw = [a.code for a in answers]
        codes = self.codes(raw, "an answer")
        options = [
            {"code": c, "label": self.text(a.labels) or self.same(a.code)}
            for c, a in zip(codes, answers, strict=True)
        ]
        while len(options) < 2:
            options.append({"code": f"none{len(options)}", "label": self.same("(none)")})
            self.lose(
                "approximated", "the answers", "a ranking needs two; a placeholder is written"
            )
        top = number_in(q.attribute("max_answers"))
        if isinstance(top, int) and 1 <= top < len(options):
            out["top"] = top
        if q.attribute("min_answers").strip() not in ("", "0"):
            self.lose(
                "approximated",
                "the attribute 'min_answers'",
                "qdef asks for all ranks (top) when required, or any number",
            )
        self._filter(q, out)
        self._order(q, out)
        out["options"] = options
        mapping = dict(zip(raw, codes, strict=True))
        self.register(
            f"whole:{q.title}",
            Symbol("whole", out["id"], codes=mapping, ranking=True),
            q.qid,
            "whole",
        )
        for rank in range(1, len(answers) + 1):
            self.register(
                f"{q.title}_{rank}",
                Symbol("rank", out["id"], codes=mapping, rank=rank),
                q.qid,
                str(rank),
            )
        return []
