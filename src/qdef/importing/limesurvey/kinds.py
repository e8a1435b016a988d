"""LimeSurvey's question types as qdef questions (the inverse of the limesurvey
renderer's lowering: src/qdef/renderers/limesurvey/)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from qdef.importing.limesurvey import script
from qdef.importing.limesurvey.archive import Question, Survey
from qdef.importing.limesurvey.build import TEXT, Base, Data, Place
from qdef.importing.limesurvey.translate import Symbol, qdef_number
from qdef.importing.report import ImportResult

SINGLE = set("L!O5YGI")
MATRIX = {"F": None, "H": None, "A": 5, "B": 10, "C": "YUN", "E": "ISD"}
SCALE_WORDS = {
    "Y": "Yes",
    "U": "Uncertain",
    "N": "No",
    "I": "Increase",
    "S": "Same",
    "D": "Decrease",
}
#: Attributes read (per type the reading decides what they mean).
READ = {
    "hidden",
    "random_order",
    "answer_order",
    "min_answers",
    "max_answers",
    "other_replace_text",
    "exclude_all_others",
    "min_num_value_n",
    "max_num_value_n",
    "num_value_int_only",
    "prefix",
    "suffix",
    "maximum_chars",
    "display_rows",
    "array_filter",
    "array_filter_exclude",
    "em_validation_q",
    "em_validation_q_tip",
    "em_validation_sq",
    "em_validation_sq_tip",
    "dualscale_headerA",
    "dualscale_headerB",
    "multiflexible_checkbox",
    "multiflexible_min",
    "multiflexible_max",
    "input_boxes",
    "equals_num_value",
    "max_num_value",
    "date_min",
    "date_max",
    "dropdown_dates",
    "date_format",
    "equation",
    "other_comment_mandatory",
    "numbers_only",
    "value_range_allows_missing",
}
#: Attributes at LimeSurvey's own default value (nothing to carry over).
DEFAULT_VALUES = {
    "time_limit_action": "1",
    "statistics_showgraph": "1",
    "statistics_showmap": "1",
    "location_mapheight": "300",
    "location_mapwidth": "500",
    "location_mapzoom": "11",
    "other_position": "end",
}
#: Values that are an attribute's default (written by LimeSurvey's exports).
DEFAULTS = {"", "0", "N", "default", "normal"}


def _number(text: str) -> str | None:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return qdef_number(value) if value.is_finite() else None


def _num(text: str) -> int | float | None:
    written = _number(text)
    if written is None:
        return None
    return int(written) if re.fullmatch(r"-?\d+", written) else float(written)


class Builder(Base):
    def __init__(self, survey: Survey, result: ImportResult) -> None:
        super().__init__(survey, result)
        self.ranked: tuple[str, Symbol, bool] | None = None

    # the document ---------------------------------------------------------------

    def document(self) -> Data:
        survey = self.survey
        title = self.text(survey.titles, piped=False) or f"LimeSurvey survey {survey.sid}"
        doc: Data = {
            "qdef": 1,
            "id": f"limesurvey-{survey.sid or 'survey'}",
            "title": title,
            "language": self.base,
        }
        if len(self.languages) > 1:
            doc["translations"] = self.languages[1:]
        intro = self.text(
            {
                k: "\n".join(
                    x for x in (survey.descriptions.get(k, ""), survey.welcomes.get(k, "")) if x
                )
                for k in self.languages
            }
        )
        if intro is not None:
            doc["intro"] = intro
        sections: list[Data] = []
        doc["sections"] = sections
        for name in ("quota", "assessments"):
            if name in survey.sections:
                self.lose(
                    "left out",
                    f"the {name}",
                    "qdef has no " + name + "; keep them in "
                    "LimeSurvey or compute them after the survey",
                )
        self.translator.later = {q.title for g in survey.groups for q in g.questions}
        for group in survey.groups:
            section_at = ("sections", len(sections))
            where = f"group {_plain_name(group.names.get(self.base, ''))} (gid {group.gid})"
            section: Data = {"id": self._section_id(group.gid)}
            self.place, self.at = Place(None, where), section_at
            gtitle = self.text(group.names)
            if gtitle is not None:
                section["title"] = gtitle
            gintro = self.text(group.descriptions)
            if gintro is not None:
                section["intro"] = gintro
            when = self.condition(group.relevance, "the group's relevance equation")
            self._formatting()
            if when is not None:
                section["when"] = when
            if group.randomization:
                self.result.lose(
                    where,
                    "left out",
                    f"the randomization group {group.randomization!r}",
                    "qdef shuffles questions within a section (order: random), not groups",
                    at=section_at,
                )
            questions: list[Data] = []
            section["questions"] = questions
            self.conditional = when is not None
            for question in group.questions:
                self.question(question, questions, (*section_at, "questions"))
            self.place, self.at = Place(None, where), section_at
            if questions:
                sections.append(section)
            else:
                self.result.lose(
                    where, "left out", "the group", "it has no question qdef can carry", at=()
                )
                self.ids.discard(section["id"])
        if not sections:
            sections.append(
                {
                    "id": "empty",
                    "questions": [
                        {"id": "empty_note", "type": "display", "text": self.same("(empty survey)")}
                    ],
                }
            )
            self.result.lose(
                f"survey {survey.sid}",
                "approximated",
                "the survey",
                "it has no question qdef can carry; a placeholder text is written",
            )
        return doc

    def _section_id(self, gid: int) -> str:
        candidate = f"g{gid}"
        while candidate in self.ids:
            candidate += "_"
        self.ids.add(candidate)
        return candidate

    def _formatting(self) -> None:
        place = self.place
        if place is None:
            return
        if place.lost_tags:
            self.lose(
                "approximated",
                "the formatting (" + ", ".join(sorted(place.lost_tags)) + ")",
                "qdef's texts are plain text: the words are kept",
            )
        for literal in dict.fromkeys(place.literal):
            self.lose(
                "approximated",
                f"the tailoring {{{literal}}}",
                "it is not a plain "
                "variable qdef can pipe: written as literal text; rewrite it as a "
                "qdef piece ({question|fallback}) or a computed value",
            )
        place.lost_tags, place.literal = set(), []

    # one question ---------------------------------------------------------------

    def question(self, q: Question, into: list[Data], at: tuple[Any, ...]) -> None:
        self.place = Place(q.title, f"question {q.title} (qid {q.qid})")
        self.translator.later.discard(q.title)
        self.at = (*at, len(into))
        handler = HANDLERS.get(q.type)
        if handler is None:
            what = "a file upload" if q.type == "|" else f"type {q.type!r}"
            self.lose(
                "left out",
                f"the question ({what})",
                "qdef has no such question; collect it another way",
                at=at[:2],
            )
            self.result.origins.append(_origin(q, None))
            return
        if q.type == "I":
            self.lose(
                "left out",
                "the question (a language switch)",
                "qdef chooses the language when rendering, not by a question",
                at=at[:2],
            )
            self.result.origins.append(_origin(q, None))
            return
        out: Data = {"id": self.new_id(q.title, "the question")}
        out["type"] = "display"
        when = self.condition(q.relevance, "the relevance equation")
        if q.qid in self.survey.conditions and not q.relevance.strip("1 "):
            self.lose(
                "left out",
                "the conditions",
                "this question's old-style conditions "
                "are not in its relevance equation; open and save the survey in "
                "LimeSurvey (it converts them), then export it again",
            )
        self.ranked = None
        extra = handler(self, q, out, when)
        if self.ranked is not None:
            self._by_source(out, *self.ranked)
        if out.pop("_dropped", False):
            self.ids.discard(out["id"])
            self.result.origins.append(_origin(q, None))
            self._formatting()
            return
        if out["type"] not in ("display", "computed"):
            self._common(q, out)
        self._attributes(q, out)
        given = [v for *_, values in q.defaults for v in values.values() if v.strip()]
        if given and "default" not in out:
            self.lose(
                "left out",
                f"the default answer {_short(given[0])!r}",
                "qdef has no default for this kind of question, or it is an "
                "expression; set it by hand where qdef has one",
            )
        self.result.origins.append(_origin(q, self.at))
        self.result.note(self.at, f"LimeSurvey {q.title}, qid {q.qid}, type {q.type}")
        into.append(_ordered(out))
        self._formatting()
        for more in extra:  # a separate comment question (type O)
            into.append(more)
        self.place = None

    def _text(self, q: Question, out: Data) -> None:
        text = self.text(q.texts)
        if text is None:
            text = self.same(f"({q.title})")
            self.lose(
                "approximated",
                "the question text",
                "it is empty; qdef needs one: the code is written in its place",
            )
        out["text"] = text
        helptext = self.text(q.helps)
        if helptext is not None:
            out["help"] = helptext

    def _common(self, q: Question, out: Data) -> None:
        if q.mandatory in ("Y", "S"):
            out["required"] = True
            if q.mandatory == "S":
                self.lose(
                    "approximated",
                    "soft mandatory",
                    "qdef's required cannot be overridden by the respondent",
                )

    def _attributes(self, q: Question, out: Data) -> None:
        for name, values in q.attributes.items():
            if name in READ or all(
                v.strip() in DEFAULTS or DEFAULT_VALUES.get(name) == v.strip()
                for v in values.values()
            ):
                continue
            value = next(iter(values.values()))
            self.lose(
                "left out",
                f"the attribute {name!r} ({_short(value)})",
                "qdef has no such setting; set it again in LimeSurvey after rendering, or drop it",
            )
        if q.attribute("hidden") == "1" and out["type"] not in ("computed",):
            self.lose(
                "approximated",
                "the attribute 'hidden'",
                "qdef shows the question; "
                "make it a hidden variable (hidden:) or a computed value by hand",
            )
        tip = self.attr_text(q, "em_validation_q_tip")
        if q.attribute("em_validation_q") and out["type"] not in ("display", "computed"):
            check = self.condition(q.attribute("em_validation_q"), "the validation equation")
            if check is not None:
                message = tip or self.same("The answer is not valid.")
                if not tip:
                    self.lose(
                        "approximated",
                        "the validation message",
                        "LimeSurvey's validation has no tip; an English message is written",
                    )
                out["rules"] = [{"check": check, "message": message}]
        if q.attribute("em_validation_sq").strip() and out["type"] not in ("display", "computed"):
            self._sq_validation(q, out)

    def _sq_validation(self, q: Question, out: Data) -> None:
        """``em_validation_sq``: the equation for each part (``this``), all of them."""
        whole = self.symbols.get(f"whole:{q.title}")
        parts = [m for m in whole.members if not m.endswith("comment")] if whole else []
        equation = _unescape(q.attribute("em_validation_sq"))
        try:
            tree = script.parse(equation)
        except script.ScriptError as error:
            self.lose(
                "left out",
                "the subquestion validation",
                f"it is not ExpressionScript ({error}); correct it",
            )
            return
        if not parts:
            self.lose("left out", "the subquestion validation", "the question has no parts")
            return
        combined: script.Node = _this(tree, parts[0])
        for name in parts[1:]:
            combined = script.Binary("and", combined, _this(tree, name))
        check = self.condition(script.show(combined), "the subquestion validation")
        if check is None:
            return
        message = self.attr_text(q, "em_validation_sq_tip")
        if message is None:
            message = self.same("The answer is not valid.")
            self.lose(
                "approximated",
                "the subquestion validation's message",
                "LimeSurvey's validation has no tip; an English message is written",
            )
        out.setdefault("rules", []).append({"check": check, "message": message})

    def attr_text(self, q: Question, name: str) -> str | TEXT | None:
        """A translated attribute's text (an untranslated one in every language)."""
        values = q.attributes.get(name)
        if not values:
            return None
        return self.text({x: values.get(x) or values.get("", "") for x in self.languages})

    def _order(self, q: Question, out: Data) -> None:
        if q.attribute("random_order") == "1" or q.attribute("answer_order") == "random":
            out["order"] = "random"
        elif q.attribute("answer_order") not in ("", "normal"):
            self.lose(
                "approximated",
                f"the answer order {q.attribute('answer_order')!r}",
                "qdef keeps the written order or shuffles (order: random)",
            )

    def _filter(self, q: Question, out: Data) -> None:
        for name, key in (("array_filter", "chosen_in"), ("array_filter_exclude", "not_chosen_in")):
            value = q.attribute(name).strip()
            if not value:
                continue
            sources = [s for s in value.split(";") if s.strip()]
            symbol = self.symbols.get(f"whole:{sources[0].strip()}")
            arrays = symbol is not None and not symbol.multiple
            if symbol is not None and (symbol.ranking or arrays) and "filter" not in out:
                self.ranked = (sources[0].strip(), symbol, key == "not_chosen_in")
                continue
            if symbol is None or not symbol.multiple:
                self.lose(
                    "left out",
                    f"the {name} {value!r}",
                    "qdef filters by an earlier multiple choice only",
                )
                continue
            if "filter" in out:
                self.lose("left out", f"the {name} {value!r}", "qdef has one filter")
                continue
            out["filter"] = {key: symbol.path}
            if len(sources) > 1:
                self.lose(
                    "approximated",
                    f"the {name} {value!r}",
                    f"qdef filters by one question: only {sources[0]!r} is kept",
                )

    def _by_source(self, out: Data, source: str, symbol: Symbol, exclude: bool) -> None:
        """LimeSurvey's array filter by a ranking (the items ranked) or by an array (the
        rows answered there): each item's own condition."""
        what = f"the array filter by {source!r}"
        if out["type"] in ("single", "ranking"):
            self.lose(
                "left out",
                what,
                "qdef filters options by an earlier multiple choice; LimeSurvey's "
                "answer options cannot have conditions of their own",
            )
            return
        items = out.get("options") or out.get("rows") or []
        tests: list[tuple[Data, str]] = []
        for item in items:
            part = self.symbols.get(f"{source}_{item['code']}")
            if symbol.ranking and item["code"] in symbol.codes.values():
                tests.append((item, f'{symbol.path} has "{item["code"]}"'))
            elif part is not None and part.kind in ("choice", "text", "number", "date"):
                tests.append((item, f"answered({part.path})"))
        if not tests:
            self.lose(
                "left out",
                what,
                "qdef filters by the options of an earlier question; "
                "this source has no part of the same code",
            )
            return
        for item, offered in tests:
            test = f"not {offered}" if exclude else offered
            item["when"] = f"({item['when']}) and {test}" if "when" in item else test
        if not symbol.ranking:
            self.lose(
                "approximated",
                what,
                "qdef has no filter by an array: each row is "
                "offered when the source's row of the same code is answered",
            )
        covered = {id(item) for item, _ in tests}
        unfiltered = [item["code"] for item in items if id(item) not in covered]
        if unfiltered:
            self.lose(
                "approximated",
                f"{what} on {', '.join(map(repr, unfiltered))}",
                "the source has no option of that code (an 'other'?): qdef offers it always",
            )

    def _unfiltered(self, q: Question) -> None:
        """Number and text lists: qdef's fields have no filter and no condition."""
        for name in ("array_filter", "array_filter_exclude"):
            if q.attribute(name).strip():
                self.lose(
                    "left out",
                    f"the {name} {q.attribute(name).strip()!r}",
                    "qdef's number and text lists show every field; split the list "
                    "into questions with conditions if the filter matters",
                )
        for sub in q.subquestions:
            if sub.relevance.strip() not in ("", "1"):
                self.lose(
                    "left out",
                    f"the relevance of {sub.title!r}",
                    "qdef's number and text lists show every field",
                )

    def _sq_when(self, sub: Question, item: Data) -> None:
        if sub.relevance.strip() not in ("", "1"):
            when = self.condition(sub.relevance, f"the relevance of {sub.title!r}")
            if when is not None:
                item["when"] = when

    def register(self, name: str, symbol: Symbol, qid: int, sub: str = "") -> None:
        symbol.conditional = self.conditional or symbol.conditional
        self.symbols[name] = symbol
        self.symbols[f"qid:{qid}{sub}"] = symbol

    # kinds ------------------------------------------------------------------------

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
            code = "other" if "other" not in codes else "other_"
            follow = self.new_id(f"{q.title}_other", "the other text")
            label = self.attr_text(q, "other_replace_text") or self.word("Other")
            options.append({"code": code, "label": label, "specify": [self._other(q, follow)]})
            self.register(f"{q.title}_other", Symbol("text", follow), q.qid, "other")
            members.append(f"{q.title}_other")
            self.lose(
                "approximated",
                "the other option",
                "LimeSurvey's 'other' is chosen by "
                f"typing its text; qdef's is the option {code!r} with the text as its "
                "follow-up",
            )
        if not options:
            options.append({"code": "none", "label": self.same("(none)")})
            self.lose(
                "approximated",
                "the subquestions",
                "there are none; a placeholder option is written",
            )
        for key, attr in (("min_choices", "min_answers"), ("max_choices", "max_answers")):
            value = _num(q.attribute(attr))
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

    def text_question(self, q: Question, out: Data, when: str | None) -> list[Data]:
        if q.type == "S" and q.attribute("numbers_only") == "1":
            return self.number(q, out, when)  # a short text of numbers only is a number
        out["type"] = "text"
        self._text(q, out)
        out["_when"] = when
        if q.type in "TU":
            out["long"] = True
            rows = _num(q.attribute("display_rows"))
            if isinstance(rows, int) and 1 <= rows <= 50:
                out["lines"] = rows
        self._input(q, out)
        most = _num(q.attribute("maximum_chars"))
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
                number = _num(value)
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
            value = _num(raw)
            if value is None:
                self.lose(
                    "left out",
                    f"the attribute {attr!r} ({_short(raw)})",
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

    def numbers(self, q: Question, out: Data, when: str | None) -> list[Data]:
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
                value = _num(raw)
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
                    value = _num(q.attribute(attr))
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
        top = _num(q.attribute("max_answers"))
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
        self.register(
            q.title, Symbol("number" if _numeric_text(value) else "text", out["id"]), q.qid
        )
        return []


FIRST = ("id", "type", "value", "text", "help", "label", "required", "when")


def _ordered(out: Data) -> Data:
    """The keys in the order docs/format.md writes them: id, type, the texts, required,
    when, then the kind's own keys."""
    when = out.pop("_when", None)
    if when is not None:
        out["when"] = when
    ordered = {k: out[k] for k in FIRST if k in out}
    ordered.update((k, v) for k, v in out.items() if k not in ordered)
    return ordered


def _this(node: script.Node, name: str) -> script.Node:
    """The equation with ``this`` as the part ``name``."""
    if isinstance(node, script.Var):
        head, _, rest = node.name.partition(".")
        if head == "this":
            return script.Var(f"{name}.{rest or 'NAOK'}")
        return node
    if isinstance(node, script.Call):
        return script.Call(node.function, tuple(_this(a, name) for a in node.args))
    if isinstance(node, script.Unary):
        return script.Unary(node.op, _this(node.operand, name))
    if isinstance(node, script.Binary):
        return script.Binary(node.op, _this(node.left, name), _this(node.right, name))
    return node


def _unescape(text: str) -> str:
    import html  # noqa: PLC0415

    return html.unescape(text)


def _numeric_text(value: str) -> bool:
    return not value.startswith('"') and not value.startswith("concat(")


def _plain_name(name: str) -> str:
    text, _ = plain(name)
    return text.replace("\n", " ")[:60] or "(unnamed)"


def _short(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= 60 else value[:57] + "..."


def _origin(q: Question, at: tuple[Any, ...] | None) -> Any:
    from qdef.importing.report import Origin  # noqa: PLC0415

    return Origin(q.title, f"question {q.title} (qid {q.qid})", at)


from qdef.importing.limesurvey.texts import plain  # noqa: E402

HANDLERS: dict[str, Any] = {
    **{t: Builder.single for t in SINGLE},
    "M": Builder.multiple,
    "P": Builder.multiple,
    "S": Builder.text_question,
    "T": Builder.text_question,
    "U": Builder.text_question,
    "N": Builder.number,
    "K": Builder.numbers,
    "Q": Builder.textlist,
    "D": Builder.date,
    **{t: Builder.matrix for t in MATRIX},
    "1": Builder.dual,
    ":": Builder.grid,
    ";": Builder.grid,
    "R": Builder.ranking,
    "X": Builder.display,
    "*": Builder.computed,
}
