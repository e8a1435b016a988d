"""What every kind of question shares when it is read: texts, attributes,
conditions, filters, and the symbols its equations name (the kinds: :mod:`.choices`,
:mod:`.inputs`)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from qdef.importing.limesurvey import script
from qdef.importing.limesurvey.archive import Question, Survey
from qdef.importing.limesurvey.build import TEXT, Base, Data
from qdef.importing.limesurvey.translate import Symbol, qdef_number
from qdef.importing.report import ImportResult

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
    "slider_layout",
    "slider_min",
    "slider_max",
    "slider_accuracy",
    "slider_showminmax",
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


def number_in(text: str) -> int | float | None:
    written = _number(text)
    if written is None:
        return None
    return int(written) if re.fullmatch(r"-?\d+", written) else float(written)


def shortened(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= 60 else value[:57] + "..."


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


def unescaped(text: str) -> str:
    import html  # noqa: PLC0415

    return html.unescape(text)


class Questions(Base):
    """The helpers of the question kinds."""

    def __init__(self, survey: Survey, result: ImportResult) -> None:
        super().__init__(survey, result)
        self.ranked: tuple[str, Symbol, bool] | None = None
        self.hidden: list[Data] = []
        """the hidden variables (LimeSurvey's hidden questions)"""
        """an array filter by a ranking or an array, applied after the question"""

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
                f"the attribute {name!r} ({shortened(value)})",
                "qdef has no such setting; set it again in LimeSurvey after rendering, or drop it",
            )
        hidden_kinds = ("computed", "single", "number", "text", "date")
        if q.attribute("hidden") == "1" and out["type"] not in hidden_kinds:
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
        equation = unescaped(q.attribute("em_validation_sq"))
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
