"""LimeSurvey's input questions: texts, numbers, number and text lists, dates,
displays and equations."""

from __future__ import annotations

import re

from qdef.importing.limesurvey.archive import Question
from qdef.importing.limesurvey.build import Data
from qdef.importing.limesurvey.questions import Questions, number_in, shortened
from qdef.importing.limesurvey.texts import plain
from qdef.importing.limesurvey.translate import Symbol


class Inputs(Questions):
    """Questions whose answers are typed in, texts and equations."""

    def text_question(self, q: Question, out: Data, when: str | None) -> list[Data]:
        if q.type == "S" and q.attribute("numbers_only") == "1":
            return self.number(q, out, when)  # a short text of numbers only is a number
        out["type"] = "text"
        self._text(q, out)
        out["_when"] = when
        if q.type in "TU":
            out["long"] = True
            rows = number_in(q.attribute("display_rows"))
            if isinstance(rows, int) and 1 <= rows <= 50:
                out["lines"] = rows
        self._input(q, out)
        most = number_in(q.attribute("maximum_chars"))
        if isinstance(most, int) and most >= 1:
            out["max_length"] = most
        self._pattern(q, out)
        self._plain_default(q, out)
        self.register(q.title, Symbol("text", out["id"]), q.qid)
        return []

    def _pattern(self, q: Question, out: Data) -> None:
        preg = q.preg.strip()
        if not preg:
            return
        match = re.fullmatch(r"/(.*)/([a-zA-Z]*)", preg, re.DOTALL)
        if match is None or match.group(2):
            self.lose(
                "left out",
                f"the regular expression {preg!r}",
                "it is not /…/ without flags; write a qdef pattern by hand",
            )
            return
        regex = match.group(1)
        regex = regex.removeprefix("^").removesuffix("$")
        out["pattern"] = {"regex": regex}

    def _input(self, q: Question, out: Data) -> None:
        for key, attr in (("label", "prefix"), ("suffix", "suffix")):
            found = self.attr_text(q, attr)
            if found is not None:
                out[key] = found

    def _plain_default(self, q: Question, out: Data) -> None:
        for scale, sqid, special, values in q.defaults:
            value = values.get(self.base) or ""
            if scale or sqid or special or not value:
                continue
            if "{" in value:
                self.lose(
                    "left out",
                    f"the default {value!r}",
                    "qdef's defaults are constants; compute it with a computed value",
                )
            elif out["type"] == "number":
                number = number_in(value)
                if number is not None:
                    out["default"] = number
            elif out["type"] == "date":
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value[:10]):
                    out["default"] = value[:10]
            else:
                out["default"] = value

    def number(self, q: Question, out: Data, when: str | None) -> list[Data]:
        out["type"] = "number"
        self._text(q, out)
        out["_when"] = when
        out["kind"] = "integer" if q.attribute("num_value_int_only") == "1" else "decimal"
        self._bounds(q, out)
        self._input(q, out)
        self._plain_default(q, out)
        self.register(q.title, Symbol("number", out["id"]), q.qid)
        return []

    def _bounds(self, q: Question, out: Data) -> None:
        for key, attr in (("min", "min_num_value_n"), ("max", "max_num_value_n")):
            raw = q.attribute(attr).strip()
            if not raw:
                continue
            value = number_in(raw)
            if value is None:
                self.lose(
                    "left out",
                    f"the attribute {attr!r} ({shortened(raw)})",
                    "qdef's bounds are numbers; write a rule instead",
                )
            elif out.get("kind") == "integer" and not float(value).is_integer():
                self.lose(
                    "left out",
                    f"the attribute {attr!r} ({raw})",
                    "an integer question's bound must be whole",
                )
            else:
                out[key] = value

    def slider(self, q: Question, out: Data, when: str | None) -> list[Data]:
        """A multiple numerical input of one field shown as a slider: a number with
        ``widget: slider`` (as qdef's renderer writes one)."""
        sub = q.subquestions[0]
        self.number(q, out, when)
        out["widget"] = "slider"
        for key, attr in (
            ("min", "slider_min"),
            ("max", "slider_max"),
            ("step", "slider_accuracy"),
        ):
            value = number_in(q.attribute(attr))
            if value is not None and (key != "step" or value > 0):
                out[key] = value
        if out.get("kind") == "decimal" and "step" not in out:
            out["step"] = 1
        label = self.text(sub.texts)
        if label is not None:
            out["label"] = label
        self.register(f"{q.title}_{sub.title}", Symbol("number", out["id"]), q.qid, sub.title)
        self.symbols.pop(q.title, None)  # its answer is the field's
        return []

    def numbers(self, q: Question, out: Data, when: str | None) -> list[Data]:
        subs = [s for s in q.subquestions if s.scale == 0]
        if q.attribute("slider_layout") == "1" and len(subs) == 1:
            return self.slider(q, out, when)
        if q.attribute("slider_layout") == "1":
            self.lose(
                "approximated",
                "the slider layout",
                "qdef's number lists have input boxes (a slider is a number question's widget)",
            )
        out["type"] = "numbers"
        self._text(q, out)
        self._unfiltered(q)
        out["_when"] = when
        subs = [s for s in q.subquestions if s.scale == 0]
        codes = self.codes([s.title for s in subs], "a subquestion")
        kind = "integer" if q.attribute("num_value_int_only") == "1" else "decimal"
        bounds: Data = {"kind": kind}
        self._bounds(q, bounds)
        fields = []
        for sub, code in zip(subs, codes, strict=True):
            label = self.text(sub.texts) or self.same(sub.title)
            fields.append({"code": code, "label": label, **bounds})
            self.register(
                f"{q.title}_{sub.title}", Symbol("number", f"{out['id']}.{code}"), q.qid, sub.title
            )
        if not fields:
            fields.append({"code": "none", "label": self.same("(none)")})
        out["fields"] = fields
        for key, attr in (("equals", "equals_num_value"), ("at_most", "max_num_value")):
            raw = q.attribute(attr).strip()
            if raw:
                value = number_in(raw)
                if value is None:
                    self.lose("left out", f"the attribute {attr!r}", "qdef's total is a number")
                elif "total" not in out:
                    out["total"] = {key: value}
        self.register(
            f"whole:{q.title}",
            Symbol("whole", out["id"], members=tuple(f"{q.title}_{s.title}" for s in subs)),
            q.qid,
            "whole",
        )
        return []

    def textlist(self, q: Question, out: Data, when: str | None) -> list[Data]:
        out["type"] = "textlist"
        self._text(q, out)
        self._unfiltered(q)
        out["_when"] = when
        subs = [s for s in q.subquestions if s.scale == 0]
        codes = self.codes([s.title for s in subs], "a subquestion")
        fields = []
        for sub, code in zip(subs, codes, strict=True):
            field: Data = {"code": code}
            label = self.text(sub.texts)
            if label is not None:
                field["label"] = label
            fields.append(field)
            self.register(
                f"{q.title}_{sub.title}", Symbol("text", f"{out['id']}.{code}"), q.qid, sub.title
            )
        if not fields:
            fields.append({"code": "none"})
        out["fields"] = fields
        self.register(
            f"whole:{q.title}",
            Symbol("whole", out["id"], members=tuple(f"{q.title}_{s.title}" for s in subs)),
            q.qid,
            "whole",
        )
        return []

    def date(self, q: Question, out: Data, when: str | None) -> list[Data]:
        out["type"] = "date"
        self._text(q, out)
        self._plain_default(q, out)
        out["_when"] = when
        fmt = q.attribute("date_format")
        if re.search(r"[HhMN]{2}|:", fmt or ""):
            self.lose(
                "approximated",
                f"the date format {fmt!r}",
                "qdef's dates have no time of day: only the date is asked",
            )
        for key, attr in (("min", "date_min"), ("max", "date_max")):
            raw = q.attribute(attr).strip()[:10]
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                out[key] = raw
            elif raw:
                self.lose("left out", f"the attribute {attr!r}", "qdef's bounds are dates")
        self.register(q.title, Symbol("date", out["id"]), q.qid)
        return []

    def display(self, q: Question, out: Data, when: str | None) -> list[Data]:
        out["type"] = "display"
        self._text(q, out)
        out["_when"] = when
        return []

    def computed(self, q: Question, out: Data, when: str | None) -> list[Data]:
        out["type"] = "computed"
        source = q.attribute("equation") or q.texts.get(self.base, "")
        text, _ = plain(source)
        text = text.strip()
        if text.startswith("{") and text.endswith("}"):
            text = text[1:-1]
        value = self.equation(text, "the equation", condition=False) if text else None
        if value is None:
            out["type"] = "display"
            out["text"] = self.same(f"({q.title})")
            out["_dropped"] = True
            return []
        out["value"] = value
        out["_when"] = when
        label = self.text(q.texts, piped=False)
        del label
        kind = {"bool": "bool", "num": "number", "number": "number"}.get(self.last_type, "text")
        self.register(q.title, Symbol(kind, out["id"]), q.qid)
        return []
