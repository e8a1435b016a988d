"""Writing the web form (the ``html`` renderer): one self-contained page.

The page is built from Jinja2 templates with autoescaping (``assets/*.j2``), with
the style sheet and the script of ``assets/`` inlined, so it works from a single
file with the network off. Routing runs in the browser: the page carries the
instrument's routing *program* (the compiled plan of :mod:`qdef.routing.plan`
as JSON: conditions as syntax trees, gotos as positions, each variable with
what checking its answer needs), and ``form.js`` walks it exactly as
:func:`qdef.routing.interpreter` does. Nothing of the instrument is ever evaluated
as code: conditions travel as data, texts as escaped HTML.

Element ids: a question's fieldset is ``q-<id>``; the input of variable ``v``
is ``f-<v>`` (a radio button or multiple-choice box ``f-<v>-<code>``); its
error message ``e-<v>``. Question ids and codes cannot contain ``-``, so these
never collide.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from types import CodeType
from typing import Any, NoReturn

from jinja2 import Environment, StrictUndefined, Template
from markupsafe import Markup, escape

from qdef.expr import (
    And,
    Answered,
    Arith,
    Call,
    Compare,
    Expr,
    Has,
    In,
    Literal,
    Neg,
    Not,
    Or,
    Over,
    Ref,
    format_number,
    resolve,
)
from qdef.model import (
    CheckColumn,
    Computed,
    DateInput,
    DateRangeQuestion,
    Display,
    DualMatrixQuestion,
    GridColumn,
    GridQuestion,
    HiddenChoice,
    HiddenDate,
    HiddenNumber,
    Instrument,
    MatrixQuestion,
    MatrixRow,
    MultipleChoice,
    NumberColumn,
    NumberInput,
    NumberListQuestion,
    NumberQuestion,
    Option,
    Question,
    RankingQuestion,
    ScaleColumn,
    Section,
    SingleChoice,
    TextColumn,
    TextInput,
    TextListQuestion,
)
from qdef.renderers.webform.pipes import Pipes
from qdef.renderers.webform.rosters import (
    Copy,
    copies_of,
    copy_name,
    exists,
    item_value,
    renamed,
    renamed_question,
)
from qdef.rendering import (
    Compiled,
    RenderOptions,
    VarInfo,
    Words,
    choices_hints,
    continue_text,
    exclusive_hint,
    goto_text,
    own_language_name,
    personal_note,
    question_only_if,
    routing_notes,
    section_only_if,
    units_kept,
)
from qdef.routing import Plan, Step, anchored

#: JavaScript holds integers exactly up to this magnitude; larger ones travel as text.
SAFE_INTEGER = 2**53 - 1

#: The catalogue entries the script uses (its messages), sent along in the program.
SCRIPT_MESSAGES = (
    "web_required",
    "web_required_row",
    "web_required_rows",
    "web_required_field",
    "web_required_range",
    "web_integer",
    "web_number",
    "web_min",
    "web_max",
    "web_between",
    "web_date_day",
    "web_date_month",
    "web_date_year",
    "web_date_min",
    "web_date_max",
    "web_date_order",
    "web_too_long",
    "web_min_choices",
    "web_max_choices",
    "web_errors_one",
    "web_errors_many",
    "web_saved",
    "web_answers_file",
    "decimal_separator",
    "date_value_day",
    "date_value_month",
    "date_value_year",
)

#: The messages of issue 19's questions (rankings, dual scales, sliders, steps), sent
#: along only to pages that have them: other pages stay as they were.
NEW_MESSAGES = (
    "web_rank_twice",
    "web_rank_order",
    "web_required_ranking",
    "web_required_cells",
    "web_step",
    "web_slider_empty",
)

#: The messages of text formats and patterns, sent along only to pages that check them.
PATTERN_MESSAGES = ("web_pattern", "web_format_email", "web_format_phone", "web_format_url")


def write(compiled: Compiled, options: RenderOptions) -> str:
    """The page; with more than one language (:mod:`.languages`), the page in
    ``options.lang`` with the others as templates and a switcher."""
    from qdef.renderers.webform.languages import languages  # noqa: PLC0415

    found = languages(compiled, options)
    page = _Page(compiled, options)
    if len(found) > 1:
        pages = {o.lang: page if o.lang == options.lang else _Page(compiled, o) for o in found}
        # each language named in itself, as CLDR names it (its tag where CLDR has none)
        named = [(lang, own_language_name(lang)) for lang in pages]
        page.others = [p for p in pages.values() if p is not page]
        for each in pages.values():
            each.languages = named  # the same switcher in every language, its label translated
        page.translations = [
            (other.lang, Markup(_template(other).render(page=other, part=True)))
            for other in page.others
        ]
    return _template(page).render(page=page, part=False)


class Escaper:
    """MarkupSafe's ``escape``, remembering the text of each string it escaped.

    A page escapes the same strings many times over (a question's id in every
    element id of the question, option codes, the labels of a scale on every
    matrix): each is escaped once and looked up after that. The result is what
    ``escape`` returns, a :class:`~markupsafe.Markup` of the same text; markup
    (``__html__``) is passed through as ``escape`` passes it. ``escaped`` counts
    the strings escaped, for the test that pins that each is escaped once. One per
    page: it holds every distinct text of the page until the page is written.
    """

    __slots__ = ("escaped", "seen")

    def __init__(self) -> None:
        self.seen: dict[str, Markup] = {}
        self.escaped = 0

    def __call__(self, value: object) -> Markup:
        if type(value) is str:  # the common case first, as escape does
            found = self.seen.get(value)
            if found is None:
                self.escaped += 1
                found = self.seen[value] = escape(value)
            return found
        if type(value) is Markup:
            return value
        return escape(value)


#: The page's helpers the template calls as filters (``{{ f | unit }}``): a filter
#: is called directly, a function through Jinja's context (several times slower).
_PAGE_FILTERS = (
    "unit",
    "date_hint",
    "width",
    "input_type",
    "is_long",
    "rows_kind",
    "personal",
    "paragraphs",
    "choices_hints",
    "after_field",
    "choice_input",
    "column_headings",
    "radio_cells",
    "defaulted",
    "whole",
    "number",
    "plain",
    "total_hint",
    "dual_headings",
    "dual_cells",
    "enter",
    "item_text",
)


def _environment(page: _Page | None) -> Environment:
    """An environment whose filters are bound to ``page`` (None: stand-ins, for
    compiling the template once)."""
    env = Environment(
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["described"] = _described
    if page is None:
        for name in ("t", "c", "lines", *_PAGE_FILTERS):
            env.filters[name] = _unbound
    else:
        env.filters["t"] = page.text
        env.filters["c"] = page.chrome
        env.filters["lines"] = functools.partial(_lines, esc=page.escape)
        for name in _PAGE_FILTERS:
            env.filters[name] = getattr(page, name)
    return env


def _unbound(*_args: object) -> NoReturn:
    raise AssertionError("the template was rendered without its page")  # pragma: no cover


@functools.cache
def _code() -> CodeType:
    """``assets/form.html.j2``, compiled once per process."""
    source = (resources.files("qdef.renderers.webform") / "assets" / "form.html.j2").read_text(
        "utf-8"
    )
    code: CodeType = _environment(None).compile(source, "form.html.j2", "form.html.j2")
    return code


def _template(page: _Page) -> Template:
    """The page template with its filters bound to ``page``, and autoescaping done by
    the page's :class:`Escaper` (the compiled template calls ``escape`` from its own
    namespace for every ``{{ … }}``; the escaper gives the same Markup)."""
    env = _environment(page)
    template = env.template_class.from_code(env, _code(), env.make_globals(None))
    namespace = template.root_render_func.__globals__
    assert namespace["escape"] is escape  # what the compiled template escapes with
    namespace["escape"] = page.escape
    return template


def _described(ids: list[str]) -> Markup:
    """`` aria-describedby="…"`` naming the ids given that are not empty, or nothing."""
    named = " ".join(i for i in ids if i)
    return Markup(' aria-describedby="{}"').format(named) if named else Markup("")


@functools.cache
def _asset(name: str) -> str:
    """A file of ``assets/`` to inline; it may not close the element it is put in."""
    text = (resources.files("qdef.renderers.webform") / "assets" / name).read_text(encoding="utf-8")
    if re.search(r"</(script|style)", text, re.IGNORECASE) or "<!--" in text:
        raise ValueError(f"assets/{name} must not contain '</script', '</style' or '<!--'")
    return text


def _lines(text: str, esc: Callable[[object], Markup] = escape) -> Markup:
    """A text as HTML with its line breaks kept (``<br>``); paragraphs (blank lines)
    too, as a double break, for places where no ``<p>`` may stand (a legend). Each
    break is followed by a line break of the source, so that the lines stay apart
    in the text of the page (``textContent``), not only on screen."""
    if text.isprintable():  # no line breaks, and no white space but " ": one line
        return esc(text.strip())
    kind = Markup if isinstance(text, Markup) else str  # a piped text is HTML already
    blocks = [kind(b) for b in re.split(r"\n[ \t]*\n", text.strip()) if b.strip()]
    rendered = [
        Markup("<br>\n").join(esc(line.strip()) for line in block.splitlines() if line.strip())
        for block in blocks
    ]
    return Markup("<br><br>\n").join(rendered)


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a text (blank lines separate them); of a piped text (HTML
    already, see :mod:`.pipes`), as HTML."""
    kind = Markup if isinstance(text, Markup) else str
    return [kind(b.strip()) for b in re.split(r"\n[ \t]*\n", text.strip()) if b.strip()]


def script_json(data: Any) -> Markup:
    """``data`` as JSON that is safe inside a ``<script>`` element: ``<``, ``>``, ``&``
    and the line separators are written as escapes, so no text can end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    for char, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return Markup(text)


# ---------------------------------------------------------------------- the program


def _literal(value: str | int | float | bool) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > SAFE_INTEGER:
        return {"big": str(value)}
    return value


def condition(expr: Expr, copies: Mapping[str, list[Copy]] | None = None) -> list[Any]:
    """An expression as the script's syntax tree (nested lists, first the node's kind);
    an aggregate over a roster (``Over``) once per slot of ``copies`` (:mod:`.rosters`)."""
    if copies is not None:
        return _converted(expr, copies)
    return _converted(expr, {})


class Converter:
    """``condition`` for an instrument with rosters: each expression resolved first
    (``qdef.expr.scope.resolve``: aggregates over a roster become ``Over``, whichever
    way the plan was made), but not over the roster a copy being written belongs to
    (``inside``: its own aggregates are none, a number list's ``sum`` stays a sum)."""

    def __init__(self, plan: Plan, copies: Mapping[str, list[Copy]]) -> None:
        self.copies = copies
        self.roster_of = plan.symbols.roster_of
        self.inside: str | None = None

    def _roster(self, name: str) -> str | None:
        found = self.roster_of(name)
        return None if found == self.inside else found

    def __call__(self, expr: Expr) -> list[Any]:
        return _converted(resolve(expr, self._roster), self.copies)


def _converted(expr: Expr, copies: Mapping[str, list[Copy]]) -> list[Any]:
    condition = functools.partial(_converted, copies=copies)
    match expr:
        case Ref(name=name):
            return ["ref", name]
        case Literal(value=value):
            return ["lit", _literal(value)]
        case Answered(ref=Ref(name=name)):
            return ["answered", name]
        case Compare(op=op, left=left, right=right):
            return ["cmp", op, condition(left), condition(right)]
        case Has(left=left, value=value):
            return ["has", condition(left), condition(value)]
        case In(left=left, values=values, negated=negated):
            return ["in", condition(left), [_literal(v.value) for v in values], negated]
        case Not(operand=operand):
            return ["not", condition(operand)]
        case And(operands=operands):
            return ["and", [condition(o) for o in operands]]
        case Or(operands=operands):
            return ["or", [condition(o) for o in operands]]
        case Arith(op=op, left=left, right=right):
            return ["arith", op, condition(left), condition(right)]
        case Neg(operand=operand):
            return ["neg", condition(operand)]
        case Call(name=name, args=args):
            return ["call", name, [condition(a) for a in args]]
        case Over(func=func, roster=roster, body=body):
            tree = condition(body)
            return [
                "over",
                func,
                [[["answered", c.item], renamed(tree, c.names)] for c in copies[roster]],
            ]
    raise TypeError(f"not an expression node: {expr!r}")  # pragma: no cover


def _shown_default(value: object) -> str:
    """A default as an input holds it: a number in plain digits (never an exponent)."""
    if isinstance(value, float):
        text = repr(value)
        return format(Decimal(text), "f") if "e" in text else text
    return str(value)


def _bound(value: Any) -> Any:
    return None if value is None else _literal(value)


def _rows(instrument: Instrument) -> dict[str, tuple[str, bool]]:
    """Each variable of a matrix or grid row: the row's name (``q.row``) and whether it
    is the row's follow-up. Made in one pass over the rows, so that looking a
    variable up costs the same however many rows its question has."""
    found: dict[str, tuple[str, bool]] = {}
    for _, question in instrument.questions():
        if not isinstance(question, GridQuestion | MatrixQuestion | DualMatrixQuestion):
            continue
        for row in question.rows:
            prefix = f"{question.id}.{row.code}"
            if isinstance(question, MatrixQuestion):
                found[prefix] = (prefix, False)
            elif isinstance(question, DualMatrixQuestion):
                for scale in question.scales:
                    found[f"{prefix}.{scale.code}"] = (prefix, False)
            else:
                for column in question.columns:
                    found[f"{prefix}.{column.code}"] = (prefix, False)
            if row.specify is not None:
                found[row.specify.id] = (prefix, True)
    return found


def _variable(info: VarInfo, rows: dict[str, tuple[str, bool]], pipes: Pipes) -> dict[str, Any]:
    node = info.node
    entry: dict[str, Any] = {"kind": info.kind, "q": info.question}
    if info.codes:
        entry["codes"] = list(info.codes)
    if info.option is not None:
        entry["option"] = info.option
    if info.kind == "choices" and isinstance(node, MultipleChoice):
        entry["exclusive"] = [o.code for o in node.options if o.exclusive]
        entry["minChoices"] = node.min_choices
        entry["maxChoices"] = node.max_choices
    if isinstance(node, NumberInput):
        entry["integer"] = node.kind == "integer"
        entry["min"] = _bound(node.min)
        entry["max"] = _bound(node.max)
        if isinstance(node, NumberQuestion) and node.step is not None:
            entry["step"] = _literal(node.step)  # a data rule: min + k·step (docs/format.md)
    if isinstance(node, RankingQuestion):
        entry["top"] = node.top or len(node.options)
    if isinstance(node, DateInput | DateRangeQuestion):
        entry["precision"] = node.precision
        entry["min"] = node.min
        entry["max"] = node.max
    if isinstance(node, TextInput) and node.max_length is not None:
        entry["maxLength"] = node.max_length
    if isinstance(node, TextInput) and (node.format is not None or node.pattern is not None):
        entry.update(_patterns(node, pipes))
    if getattr(node, "required", False) and info.option is not None:
        entry["required"] = True
    if isinstance(node, CheckColumn) and node.exclusive:
        entry["exclusive"] = True
    row = rows.get(info.name)
    if row is not None:
        entry["row"] = row[0]
        if row[1]:
            entry["specifies"] = True
    return entry


def _patterns(node: TextInput, pipes: Pipes) -> dict[str, Any]:
    """A text input's ``format`` and ``pattern`` as the script checks them: JavaScript
    regular expressions of :mod:`qdef.expr.patterns` (for the ``u`` flag), and the
    pattern's own message (a whole text of the program) if it has one."""
    from qdef.expr import FORMATS, to_javascript  # noqa: PLC0415

    entry: dict[str, Any] = {}
    if node.format is not None:
        entry["format"] = to_javascript(FORMATS[node.format])
        entry["formatName"] = node.format
    if node.pattern is not None:
        entry["pattern"] = to_javascript(node.pattern.regex)
        if node.pattern.message is not None:
            entry["patternText"] = pipes.message(node.pattern.message)
    return entry


def _hidden(instrument: Instrument) -> list[dict[str, Any]]:
    """The hidden variables, with their domains and defaults (set from the URL)."""
    found: list[dict[str, Any]] = []
    for variable in instrument.hidden or ():
        entry: dict[str, Any] = {"name": variable.id, "kind": variable.type}
        if isinstance(variable, HiddenChoice):
            entry["codes"] = [o.code for o in variable.options]
        elif isinstance(variable, HiddenNumber):
            entry["integer"] = variable.kind == "integer"
            entry["min"] = _bound(variable.min)
            entry["max"] = _bound(variable.max)
        elif isinstance(variable, HiddenDate):
            entry["precision"] = variable.precision
            entry["min"] = variable.min
            entry["max"] = variable.max
        entry["default"] = _bound(variable.default)
        found.append(entry)
    return found


def _offer(
    question: Question, conditions: dict[str, Expr], convert: Callable[[Expr], Any] = condition
) -> dict[str, Any] | None:
    """The options (a choice's) or rows (a matrix's, a grid's) a step offers only
    under a condition (a filter, their own ``when``): every code in order, and the
    condition of each that has one. None when every one is always offered."""
    if not conditions:
        return None
    if isinstance(question, SingleChoice | MultipleChoice | RankingQuestion):
        codes = [o.code for o in question.options]
    else:
        assert isinstance(question, MatrixQuestion | GridQuestion | DualMatrixQuestion)
        codes = [r.code for r in question.rows]
    return {"codes": codes, "when": {c: convert(e) for c, e in conditions.items()}}


def _order(question: Question) -> dict[str, Any] | None:
    """A question shown in random order: its items' (rows') codes in written order and
    which are anchored; the page shuffles them with the seed (``form.js``)."""
    if getattr(question, "order", "written") != "random":
        return None
    items: list[Any]
    if isinstance(question, SingleChoice | MultipleChoice | RankingQuestion):
        items = list(question.options)
    else:
        items = list(getattr(question, "rows", ()))
    return {
        "codes": [i.code for i in items],
        "anchored": [anchored(i, question) for i in items],
    }


def _total(question: NumberListQuestion, pipes: Pipes, options: RenderOptions) -> list[Any]:
    """A number list's total as a rule: the condition (SPEC issue 19, 1.2: the sum of
    the fields, blanks 0, ``==`` or ``<=`` the total) and its message's text number."""
    total = question.total
    assert total is not None
    limit = total.equals if total.equals is not None else total.at_most
    assert limit is not None
    op = "==" if total.equals is not None else "<="
    check = Compare(
        op,
        Call("sum", tuple(Ref(f"{question.id}.{f.code}") for f in question.fields)),
        Literal(limit),
    )
    if total.message is not None:
        text = pipes.message(total.message)
    else:
        key = "total_equals_message" if total.equals is not None else "total_at_most_message"
        shown = options.chrome.number(limit)
        text = pipes.message(_braces(options.chrome(key, total=shown)))
    return [pipes.convert(check), text]


def _braces(text: str) -> str:
    """A text of the catalogue as a text of the instrument (braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


def _step_extras(
    question: Question,
    computed: Expr | None,
    option_when: dict[str, Expr],
    rules: tuple[Expr, ...],
    pipes: Pipes,
) -> dict[str, Any]:
    """What a step (its question, and the plan's ``computed``, ``option_when`` and
    ``rules`` of it) has of issues 18 and 19, only what it has: pages without it stay
    as they were."""
    extras: dict[str, Any] = {}
    if isinstance(question, NumberListQuestion) and question.total is not None:
        extras["total"] = _total(question, pipes, pipes.options)
    order = _order(question)
    if order is not None:
        extras["order"] = order
    if computed is not None:
        extras["computed"] = pipes.convert(computed)
    offer = _offer(question, option_when, pipes.convert)
    if offer is not None:
        extras["offer"] = offer
    if rules:
        assert not isinstance(question, Display | Computed)
        extras["rules"] = [
            [pipes.convert(check), pipes.message(rule.message)]
            for check, rule in zip(rules, question.rules or (), strict=True)
        ]
    return extras


def _required(question: Question) -> str | None:
    """How a required question must be answered (docs/responses.md), or None."""
    if isinstance(question, Display | Computed) or not question.required:
        return None
    if isinstance(question, MatrixQuestion):
        return "rows"
    if isinstance(question, GridQuestion):
        return "row"
    if isinstance(question, TextListQuestion | NumberListQuestion):
        return "field"
    if isinstance(question, RankingQuestion):
        return "ranking"
    if isinstance(question, DualMatrixQuestion):
        return "cells"
    if isinstance(question, DateRangeQuestion):
        return "range"
    return "value"


def program(
    compiled: Compiled, options: RenderOptions, pipes: Pipes | None = None
) -> dict[str, Any]:
    """What the script needs to route and check: the plan as data, and its messages;
    with ``pipes``, the texts of the page with pieces (taken last: the page's texts
    are numbered as the page is written)."""
    instrument, plan, numbers = compiled.instrument, compiled.plan, compiled.numbers
    copies = copies_of(plan)
    if pipes is None:
        pipes = Pipes(compiled, options, Converter(plan, copies) if copies else condition)
    rows = _rows(instrument)
    steps = _steps(plan, numbers, copies, pipes)
    variables: dict[str, Any] = {}
    items = {roster.item for roster in plan.rosters.values()}
    for name, info in plan.variables.items():
        if name in items:
            continue
        entry = _variable(info, rows, pipes)
        if info.roster is None:
            variables[name] = entry
            continue
        for copy in copies[info.roster]:
            variables[copy.names[name]] = _copied_variable(entry, copy)
    data: dict[str, Any] = {
        "instrument": instrument.id,
        "version": instrument.version,
        "lang": options.lang,
        "steps": steps,
        "vars": variables,
        "messages": {key: options.chrome(key) for key in SCRIPT_MESSAGES},
    }
    if copies:
        data["rosters"] = [{"id": r.id, "item": r.item} for r in plan.rosters.values()]
        data["copies"] = {
            new: [copy.roster.id, copy.k, old]
            for found in copies.values()
            for copy in found
            for old, new in copy.names.items()
        }
    if instrument.hidden:
        data["hidden"] = _hidden(instrument)
    shuffled = _random_sections(instrument)
    if shuffled or any("order" in s for s in steps):
        data["shuffle"] = shuffled
    if pipes.pieces or pipes.texts:
        data["pieces"] = pipes.pieces
        data["texts"] = pipes.texts
    if any(_is_new(question) for question in (step.question for step in plan.steps)):
        data["messages"] |= {key: options.chrome(key) for key in NEW_MESSAGES}
    if any("format" in v or "pattern" in v for v in data["vars"].values()):
        data["messages"] |= {key: options.chrome(key) for key in PATTERN_MESSAGES}
    return data


def _steps(
    plan: Plan, numbers: Mapping[str, str], copies: Mapping[str, list[Copy]], pipes: Pipes
) -> list[dict[str, Any]]:
    """The program's steps: the plan's, with each roster once per slot (``_layout``),
    gotos and next positions counted on the page's steps."""
    layout = _layout(plan, copies)
    at = {
        (step.position if step else -1, c.k if c else None, c.roster.id if c else None): i
        for i, (step, c) in enumerate(layout)
    }
    starts = {roster.start: roster.id for roster in plan.rosters.values()}

    def target(position: int, copy: Copy | None) -> int:
        if position >= len(plan.steps):
            return len(layout)
        if copy is not None and copy.roster.start <= position < copy.roster.stop:
            return at[(position, copy.k, copy.roster.id)]
        if position in starts:
            return at[(-1, 0, starts[position])]  # the first slot's item
        return at[(position, None, None)]

    convert: Callable[[Expr], Any] = pipes.convert
    steps = []
    for index, (step, copy) in enumerate(layout):
        if step is None:
            assert copy is not None
            steps.append(_item_step(plan, copy, index, convert))
            continue
        question = step.question
        pipes.enter(copy)
        entry = _step_extras(question, step.computed, step.option_when, step.rules, pipes) | {
            "q": question.id,
            "number": numbers.get(question.id),
            "when": None if step.when is None else convert(step.when),
            "gotos": {c: target(t, copy) for c, t in step.option_gotos.items()},
            "next": index + 1 if step.goto is None else target(step.goto, copy),
            "vars": list(step.variables),
            "required": _required(question),
            "parts": list(plan.groups.get(question.id, ())),
        }
        pipes.enter(None)
        steps.append(entry if copy is None else _copied(entry, copy))
    return steps


def _is_new(question: Question) -> bool:
    """Whether the page's script needs the messages of issue 19 for ``question``."""
    if isinstance(question, RankingQuestion | NumberListQuestion | DualMatrixQuestion):
        return True
    return isinstance(question, NumberQuestion) and (
        question.widget == "slider" or question.step is not None
    )


def _layout(plan: Plan, copies: Mapping[str, list[Copy]]) -> list[tuple[Step | None, Copy | None]]:
    """The page's steps: the plan's, a roster's once per slot (:mod:`.rosters`), each
    copy after its item's step (``None``)."""
    found: list[tuple[Step | None, Copy | None]] = []
    position = 0
    while position < len(plan.steps):
        step = plan.steps[position]
        if step.roster is None:
            found.append((step, None))
            position += 1
            continue
        roster = plan.rosters[step.roster]
        for copy in copies[roster.id]:
            found.append((None, copy))
            found.extend((s, copy) for s in plan.steps[roster.start : roster.stop])
        position = roster.stop
    return found


def _item_step(
    plan: Plan, copy: Copy, index: int, convert: Callable[[Expr], list[Any]]
) -> dict[str, Any]:
    """The computed step of a copy's item: there when the section's ``when`` holds and
    the slot has an iteration."""
    roster = copy.roster
    section_when = plan.steps[roster.start].section_when
    there = exists(roster, copy.k)
    when = there if section_when is None else ["and", [convert(section_when), there]]
    return {
        "computed": item_value(roster, copy.k),
        "q": copy.item,
        "number": None,
        "when": when,
        "gotos": {},
        "next": index + 1,
        "vars": [],
        "required": None,
        "parts": [],
    }


def _copied(entry: dict[str, Any], copy: Copy) -> dict[str, Any]:
    """A roster step's program entry as copy ``copy``'s: its names and conditions
    renamed, shown only when the copy's item is there."""
    names = copy.names
    there = ["answered", copy.item]
    when = entry["when"]
    entry["when"] = there if when is None else ["and", [there, renamed(when, names)]]
    entry["q"] = names[entry["q"]]
    entry["vars"] = [names[n] for n in entry["vars"]]
    entry["parts"] = [names[n] for n in entry["parts"]]
    if "computed" in entry:
        entry["computed"] = renamed(entry["computed"], names)
    if "rules" in entry:
        entry["rules"] = [[renamed(c, names), text] for c, text in entry["rules"]]
    if "total" in entry:
        entry["total"] = [renamed(entry["total"][0], names), entry["total"][1]]
    if "offer" in entry:
        offer = entry["offer"]
        offer["when"] = {c: renamed(w, names) for c, w in offer["when"].items()}
    return entry


def _copied_variable(entry: dict[str, Any], copy: Copy) -> dict[str, Any]:
    question = entry["q"]
    found = dict(entry, q=copy.names[question])
    if "row" in found:
        found["row"] = copy_name(found["row"], question, copy.k)
    return found


def _random_sections(instrument: Instrument) -> list[dict[str, Any]]:
    """The sections shown in random order: their id (the shuffle's key), their
    questions' and texts' ids in written order and which keep their place (computed
    values are among them, anchored: the walk's list of entries)."""
    found = []
    for section in instrument.sections:
        if section.order == "random":
            found.append(
                {
                    "id": section.id,
                    "ids": [q.id for q in section.questions],
                    "anchored": [anchored(q, section) for q in section.questions],
                    "computed": [isinstance(q, Computed) for q in section.questions],
                }
            )
    return found


# ---------------------------------------------------------------------- the page


@dataclass(frozen=True, slots=True)
class QuestionView:
    """A question with what the template needs besides the model."""

    question: Question
    number: str | None
    only_if: str | None = None
    after: str | None = None
    option_notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SectionView:
    index: int
    title: str | None
    intro: str | None
    only_if: str | None
    questions: list[QuestionView]
    copy: Copy | None = None
    """A roster's copy (:mod:`.rosters`): written as a fieldset with a legend."""

    @property
    def key(self) -> str:
        """The section's part of element ids: its index, and a copy's slot index."""
        return str(self.index) if self.copy is None else f"{self.index}-{self.copy.k}"


class _Page:
    """The page's content, as the template reads it."""

    def __init__(self, compiled: Compiled, options: RenderOptions) -> None:
        options = units_kept(options)  # numbers kept with their units: docs/renderers.md
        self.compiled = compiled
        self.instrument = compiled.instrument
        self.options = options
        self.lang = options.lang
        self.escape = Escaper()  # the template's autoescaping and the helpers' alike
        self.chrome = options.chrome
        self.copies = copies_of(compiled.plan)
        convert = Converter(compiled.plan, self.copies) if self.copies else condition
        self.pipes = Pipes(compiled, options, convert)
        self.words = Words(compiled, options)
        css, js = _asset("form.css"), _asset("form.js")
        # Our own files, checked by _asset: inserted as they are.
        self.style = Markup(f"<style>{css}</style>")
        self.script = Markup(f"<script>{js}</script>")
        # Only this style sheet and this script may run, and nothing may be fetched:
        # even text that escaped escaping could neither run nor call home.
        self.policy = (
            f"default-src 'none'; style-src '{_sha256(css)}'; script-src '{_sha256(js)}'; "
            "img-src data:; base-uri 'none'; form-action 'none'"
        )
        self.sections = self._sections()
        self.languages: list[tuple[str, str]] = []
        """The switcher's languages (tag, name in itself), in the instrument's order;
        none for a page of one language."""
        self.translations: list[tuple[str, Markup]] = []
        """The page's texts in each other language (the markup of its body)."""
        self.others: list[_Page] = []
        """The pages of the other languages."""

    @functools.cached_property
    def data(self) -> dict[str, Any]:
        """The program as data, taken after the page's texts are written (it numbers
        them as they are written)."""
        return program(self.compiled, self.options, self.pipes)

    @property
    def program(self) -> Markup:
        """The program, taken where the template writes it: after the texts it numbers;
        with other languages, each language's values where the programs differ
        (:func:`.languages.overlay`) and its title."""
        data = self.data
        if self.others:
            from qdef.renderers.webform.languages import overlay  # noqa: PLC0415

            pages = {page.lang: page for page in (self, *self.others)}
            values = overlay({lang: page.data for lang, page in pages.items()})
            data = dict(data)
            data["languages"] = {
                lang: {"title": pages[lang].title, "set": values[lang]}
                for lang, _ in self.languages
            }
        return script_json(data)

    def text(self, text: str | dict[str, str]) -> str:
        """A text in the page's language; one with pieces (piping) as HTML with a span
        for each (:mod:`.pipes`), one with ``{{``/``}}`` with them undone."""
        return self.pipes.markup(self.options.text(text), self.escape)

    def whole(self, text: str | dict[str, str]) -> Markup:
        """`` data-text="k"`` for a text that travels whole (a drop-down's entry), or ""."""
        index = self.pipes.whole(self.options.text(text))
        return Markup("") if index is None else Markup(f' data-text="{index}"')

    def defaulted(self, question: Question, code: str | None = None) -> Markup:
        """`` checked``/`` selected`` for an option chosen in advance (``default``), or
        `` value="…"`` for an input filled in in advance; nothing without a default."""
        default = getattr(question, "default", None)
        if default is None:
            return Markup("")
        if code is not None:
            chosen = default == code or (isinstance(default, list) and code in default)
            return Markup(" checked") if chosen else Markup("")
        return Markup(' value="{}"').format(_shown_default(default))

    def _sections(self) -> list[SectionView]:
        found = routing_notes(self.compiled)
        views: list[SectionView] = []
        for index, section in enumerate(self.instrument.sections):
            if section.repeat is not None:
                for copy in self.copies[section.id]:
                    self.pipes.enter(copy)
                    view = self._section(index, section, found, copy)
                    self.pipes.enter(None)
                    views.append(view)
            else:
                views.append(self._section(index, section, found, None))
        return views

    def _section(self, index: int, section: Section, found: Any, copy: Copy | None) -> SectionView:
        numbers = self.compiled.numbers
        options, words = self.options, self.words
        questions: list[QuestionView] = []
        for question in section.questions:
            if isinstance(question, Computed):
                continue  # never shown: the script computes it (program "computed")
            question_notes = found.questions[question.id]
            after = question_notes.after
            questions.append(
                QuestionView(
                    question if copy is None else renamed_question(question, copy.k),
                    numbers.get(question.id),
                    question_only_if(question, question_notes, words, options),
                    None if after is None else continue_text(after, options),
                    {
                        code: goto_text(destination, options)
                        for code, destination in question_notes.options.items()
                    },
                )
            )
        return SectionView(
            index,
            None if section.title is None else self.text(section.title),
            None if section.intro is None else self.text(section.intro),
            section_only_if(found.sections[index], words, options),
            questions,
            copy,
        )

    def enter(self, section: SectionView) -> str:
        """Written at the start of each section: a copy's texts read the copy's names."""
        self.pipes.enter(section.copy)
        return ""

    def item_text(self, section: SectionView) -> Markup:
        """A copy's item, piped (the legend of a copy of a section without a title)."""
        assert section.copy is not None
        return Markup(self.pipes.markup(f"{{{section.copy.roster.item}}}", self.escape))

    # ------------------------------------------------------------- helpers for the template

    @property
    def title(self) -> str:
        return self.options.text(self.instrument.title)

    @property
    def intro(self) -> list[str]:
        intro = self.instrument.intro
        return [] if intro is None else paragraphs(self.text(intro))

    @property
    def version(self) -> str | None:
        version = self.instrument.version
        return None if version is None else self.chrome("version", version=version)

    def paragraphs(self, text: str | dict[str, str] | None) -> list[str]:
        return [] if text is None else paragraphs(self.text(text))

    def choices_hints(self, question: MultipleChoice) -> list[str]:
        return choices_hints(question, self.options)

    # The lines a page repeats most (a box per option, a cell per row and scale column)
    # are written here rather than in the template: several times faster, and every
    # value goes through the page's escaper exactly as autoescaping would put it through.

    def choice_input(self, option: Option, question: SingleChoice | MultipleChoice) -> Markup:
        """An option's radio button or check box and its label."""
        esc = self.escape
        qid, code = esc(question.id), esc(option.code)
        kind = "radio" if isinstance(question, SingleChoice) else "checkbox"
        label = esc(self.text(option.label))
        exclusive = exclusive_hint(option, self.options)
        if exclusive is not None:
            label = Markup(f'{label} <span class="exclusive">{esc(exclusive)}</span>')
        chosen = self.defaulted(question, option.code)
        return Markup(
            f'<input type="{kind}" id="f-{qid}-{code}" name="{qid}" value="{code}"{chosen}>\n'
            f'<label for="f-{qid}-{code}" id="l-{qid}-{code}">{label}</label>'
        )

    def column_headings(
        self, columns: list[ScaleColumn] | list[GridColumn], question: Question
    ) -> Markup:
        """The heading cells of a matrix's scale or a grid's columns."""
        esc = self.escape
        qid = esc(question.id)
        cells = []
        for column in columns:
            text = esc(self.text(column.label))
            if column.description is not None:
                # On a line of its own, but a word apart in the text read out and copied.
                more = esc(self.text(column.description))
                text = Markup(f'{text} <span class="description">{more}</span>')
            cells.append(f'<th scope="col" id="c-{qid}-{esc(column.code)}">{text}</th>')
        return Markup("\n".join(cells))

    def radio_cells(self, row: MatrixRow, question: MatrixQuestion) -> Markup:
        """A matrix row's radio buttons, one cell (and line) per scale column."""
        esc = self.escape
        qid, name = esc(question.id), esc(f"{question.id}.{row.code}")
        return Markup(
            "".join(
                f'<td><input type="radio" id="f-{name}-{code}" name="{name}" value="{code}" '
                f'aria-labelledby="l-{name} c-{qid}-{code}"></td>\n'
                for code in (esc(column.code) for column in question.scale)
            )
        )

    def dual_headings(self, question: DualMatrixQuestion) -> Markup:
        """The column headings of a dual-scale matrix's scales, one after the other; each
        cell's id names its scale (``c-<q>-<scale>-<code>``): codes repeat across scales."""
        esc = self.escape
        qid = esc(question.id)
        cells = []
        for scale in question.scales:
            sid = esc(scale.code)
            for column in scale.columns:
                text = esc(self.text(column.label))
                if column.description is not None:
                    more = esc(self.text(column.description))
                    text = Markup(f'{text} <span class="description">{more}</span>')
                cells.append(f'<th scope="col" id="c-{qid}-{sid}-{esc(column.code)}">{text}</th>')
        return Markup("".join(cells))

    def dual_cells(self, row: MatrixRow, question: DualMatrixQuestion) -> Markup:
        """A dual-scale matrix row's radio buttons: per scale one group (the variable
        ``<q>.<row>.<scale>``), each named by the row, the scale and the column."""
        esc = self.escape
        qid, row_name = esc(question.id), esc(f"{question.id}.{row.code}")
        cells = []
        for scale in question.scales:
            sid = esc(scale.code)
            name = esc(f"{question.id}.{row.code}.{scale.code}")
            for column in scale.columns:
                code = esc(column.code)
                cells.append(
                    f'<td><input type="radio" id="f-{name}-{code}" name="{name}" value="{code}" '
                    f'aria-labelledby="l-{row_name} g-{qid}-{sid} c-{qid}-{sid}-{code}"></td>\n'
                )
        return Markup("".join(cells))

    def plain(self, value: float) -> str:
        """A number as an attribute holds it (plain digits, a whole number without ".0")."""
        return format_number(value)

    def number(self, value: float) -> str:
        """A number as the respondent reads it (as the page's language writes it)."""
        return self.chrome.number(value)

    def total_hint(self, total: Any) -> str:
        """``(at most 24)``, ``(must add up to 100)``: what a number list's total must be."""
        if total.equals is not None:
            return self.chrome("total_equals", total=self.number(total.equals))
        return self.chrome("total_at_most", total=self.number(total.at_most))

    def is_long(self, field: object) -> bool:
        return isinstance(field, TextInput) and field.long

    def input_type(self, field: object) -> dict[str, str]:
        """The attributes of a one-line input for a text, number or date field."""
        if isinstance(field, NumberInput):
            return {
                "type": "text",
                "inputmode": "numeric" if field.kind == "integer" else "decimal",
                "autocomplete": "off",
            }
        if isinstance(field, DateInput | DateRangeQuestion):
            if field.precision == "day":
                attributes = {"type": "date"}
            elif field.precision == "month":
                attributes = {"type": "month"}
            else:
                attributes = {"type": "text", "inputmode": "numeric", "autocomplete": "off"}
            if field.precision != "year":
                if field.min is not None:
                    attributes["min"] = field.min
                if field.max is not None:
                    attributes["max"] = field.max
            return attributes
        if isinstance(field, TextInput) and field.format is not None:
            # type=email and type=url would strip spaces the answer may hold; the
            # input mode alone brings the right keyboard.
            if field.format == "phone":
                return {"type": "tel", "autocomplete": "tel"}
            return {"type": "text", "inputmode": field.format, "spellcheck": "false"}
        return {"type": "text"}

    def width(self, field: object) -> str:
        """A size class for a one-line input."""
        if isinstance(field, NumberInput):
            return "w-number"
        if isinstance(field, DateInput | DateRangeQuestion):
            return f"w-date-{field.precision}"
        if isinstance(field, TextInput) and field.format is not None:
            return "w-wide"
        if isinstance(field, TextInput) and field.max_length is not None and field.max_length < 12:
            return "w-short"
        return "w-text"

    def unit(self, field: object) -> str | None:
        if isinstance(field, NumberInput) and field.unit is not None:
            return self.text(field.unit)
        return None

    def after_field(self, field: TextInput | NumberInput | DateInput, name: str) -> Markup:
        """The unit, date hint and suffix after an input, each in its own element (the
        input's description points at them). A suffix of punctuation (``.``) follows
        without a space, as on paper."""
        parts: list[Markup] = []
        unit, hint = self.unit(field), self.date_hint(field)
        if unit is not None:
            parts.append(Markup('<span class="unit" id="u-{}">{}</span>').format(name, unit))
        if hint is not None:
            parts.append(Markup('<span class="datehint" id="h-{}">{}</span>').format(name, hint))
        html = Markup(" ").join(parts)
        if field.suffix is not None:
            suffix = self.text(field.suffix)
            element = Markup('<span class="suffix" id="x-{}">{}</span>').format(name, suffix)
            glue = "" if not parts or re.match(r"[.,;:!?)]", suffix) else " "
            html = Markup(glue).join([html, element]) if parts else element
        return html

    def date_hint(self, field: object) -> str | None:
        if isinstance(field, DateInput | DateRangeQuestion):
            return self.chrome(f"date_{field.precision}")
        return None

    def rows_kind(self, column: object) -> str:
        if isinstance(column, CheckColumn):
            return "check"
        if isinstance(column, NumberColumn):
            return "number"
        assert isinstance(column, TextColumn)
        return "text"

    def personal(self, question: Question) -> str | None:
        return personal_note(question, self.words, self.options)
