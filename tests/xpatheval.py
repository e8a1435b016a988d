"""An XForm evaluated for a respondent: relevance, calculations and constraints, as
ODK evaluates them, for tests.

pyxform turns an XLSForm into an XForm (XML); this module reads that XForm and
answers what Collect or Enketo would decide for a respondent's answers, without
either: which questions are relevant, what each calculation holds, which
constraints fail. It is meant for any XLSForm — qdef's renderings and forms
written by hand — so it knows only the XForm, not qdef.

Use::

    form = XForm(xml_text)                        # the XForm pyxform wrote
    filled = form.fill({"q1": "ja", "q2": "a b"}, repeats={"persons": 3})
    filled.relevant("q3")                         # first (or only) instance
    filled.relevant("age", 2)                     # in the 2nd repeat instance (1-based)
    filled.value("computed")                      # "" when not relevant
    filled.failed()                               # [(name, index)] of failing constraints

Values are given by the node's *name* (the XLSForm ``name``, unique in a form): a
select_multiple as its codes separated by spaces, a date as ``YYYY-MM-DD``, an
``acknowledge`` as ``OK``. Inside a repeat, give a list, the k-th value for the k-th
instance. A repeat gets the number of instances ``repeats`` says, else its
``jr:count`` evaluated on the answers.

Semantics (ODK's, "XForms spec" and JavaRosa):

- nodes are visited in document order; a node is relevant when its parent is and
  its bind's ``relevant`` holds; a node that is not relevant is emptied with all it
  holds (what ODK submits: a non-relevant node counts as empty in every later
  expression);
- a ``calculate`` is evaluated where its node stands (empty when not relevant);
- a ``constraint`` is checked on a relevant node that has a value (ODK does not
  check empty answers).

The XPath engine is elementpath's XPath 1.0 parser (XPath 1.0 comparisons: a
string compared with ``<`` becomes a number; NaN compares false; ``!=`` of a
NaN is true) with ODK's functions added: ``selected``, ``count-selected``,
``if``, ``coalesce``, ``substr``, ``regex``, ``decimal-date-time``, ``min``,
``max``, ``int``, ``abs``, and ``position(node)`` (the node's 1-based index
among its same-named siblings, as ``position(..)`` in a repeat).
"""

from __future__ import annotations

import copy
import datetime
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar

from elementpath import XPath1Parser, select

XF = "{http://www.w3.org/2002/xforms}"
JR = "{http://openrosa.org/javarosa}"


class ODKParser(XPath1Parser):
    """XPath 1.0 with ODK's functions (registered below)."""

    symbol_table: ClassVar[dict[str, Any]] = dict(XPath1Parser.symbol_table)


def _text(value: Any) -> str:
    """XPath's ``string()`` of a value (a node-set: its first node's)."""
    if isinstance(value, list):
        return _text(value[0]) if value else ""
    if isinstance(value, ET.Element):
        return "".join(value.itertext())
    if hasattr(value, "string_value"):
        return str(value.string_value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _NUMBERS):
        number = float(value)
        if math.isnan(number):
            return "NaN"
        if math.isinf(number):
            return "Infinity" if number > 0 else "-Infinity"
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value)


_NUMBERS = (int, float, Decimal)


def _number(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, _NUMBERS):
        return float(value)
    text = _text(value).strip()
    if re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", text) is None:
        return math.nan
    return float(text)


def _nodes(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _function(
    name: str, nargs: int | tuple[int, int | None]
) -> Callable[[Callable[..., Any]], Any]:
    """Register ``name`` with ODKParser: its arguments evaluated, then passed on."""
    count = nargs if isinstance(nargs, int) else (nargs[1] or nargs[0])

    def register(implementation: Callable[..., Any]) -> Any:
        token = ODKParser.function(
            name, nargs=nargs, sequence_types=("item()*",) * (max(count, 1) + 1)
        )

        def evaluate(self: Any, context: Any = None) -> Any:
            return implementation(*(self[i].evaluate(context) for i in range(len(self))))

        token.evaluate = evaluate
        return implementation

    return register


@_function("selected", 2)
def _selected(chosen: Any, code: Any) -> bool:
    return _text(code) in _text(chosen).split()


@_function("count-selected", 1)
def _count_selected(chosen: Any) -> float:
    return float(len(_text(chosen).split()))


@_function("if", 3)
def _if(condition: Any, then: Any, otherwise: Any) -> Any:
    if isinstance(condition, list) and len(condition) == 1 and isinstance(condition[0], bool):
        condition = condition[0]
    return then if truth(condition) else otherwise


@_function("coalesce", 2)
def _coalesce(first: Any, second: Any) -> str:
    return _text(first) or _text(second)


@_function("substr", (2, 3))
def _substr(text: Any, start: Any, end: Any = None) -> str:
    value = _text(text)
    begin = int(_number(start))
    return value[begin:] if end is None else value[begin : int(_number(end))]


@_function("regex", 2)
def _regex(text: Any, pattern: Any) -> bool:
    return re.search(_text(pattern), _text(text)) is not None


@_function("decimal-date-time", 1)
def _decimal_date_time(value: Any) -> float:
    text = _text(value)
    try:
        day = datetime.date.fromisoformat(text[:10])
    except ValueError:
        return math.nan
    return float((day - datetime.date(1970, 1, 1)).days)


def _extreme(pick: Callable[[Sequence[float]], float]) -> Callable[..., float]:
    def extreme(*args: Any) -> float:
        values = [_number(n) for arg in args for n in _nodes(arg)]
        if not values or any(math.isnan(v) for v in values):
            return math.nan
        return pick(values)

    return extreme


_function("min", (1, None))(_extreme(min))
_function("max", (1, None))(_extreme(max))


@_function("int", 1)
def _int(value: Any) -> float:
    number = _number(value)
    return number if math.isnan(number) or math.isinf(number) else float(math.trunc(number))


@_function("abs", 1)
def _abs(value: Any) -> float:
    return abs(_number(value))


@_function("odk-position", 1)
def _position(node: Any) -> float:
    (found,) = _nodes(node)
    element = found if isinstance(found, ET.Element) else found.elem
    parent = _PARENTS[id(element)]
    same = [child for child in parent if child.tag == element.tag]
    return float(same.index(element) + 1)


_PARENTS: dict[int, ET.Element] = {}
"""Element -> its parent, for ``position(node)`` (ElementTree keeps no parents)."""


def evaluate(
    root: ET.Element,
    expression: str,
    context: ET.Element,
    parser: type[XPath1Parser] = ODKParser,
) -> Any:
    """``expression`` on the instance ``root`` with ``context`` as the context node."""
    source = re.sub(r"\bposition\(\s*\.\.\s*\)", "odk-position(..)", expression)
    result = select(root, source, parser=parser, item=context)
    if isinstance(result, list) and len(result) == 1 and not isinstance(result[0], ET.Element):
        return result[0]
    return result


def truth(value: Any) -> bool:
    """XPath's ``boolean()``."""
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, float):
        return not math.isnan(value) and value != 0
    if isinstance(value, str):
        return value != ""
    return bool(value)


class XForm:
    """An XForm's primary instance, binds and repeats."""

    def __init__(self, xml: str | bytes) -> None:
        document = ET.fromstring(xml)
        model = next(document.iter(f"{XF}model"))
        primary = next(i for i in model.iter(f"{XF}instance") if "id" not in i.attrib)
        self.instance = next(iter(primary))
        self.binds: dict[str, dict[str, str]] = {
            b.attrib["nodeset"]: dict(b.attrib) for b in model.iter(f"{XF}bind")
        }
        self.counts = {
            r.attrib["nodeset"]: r.attrib.get(f"{JR}count", "")
            for r in document.iter(f"{XF}repeat")
        }

    def fill(
        self,
        values: Mapping[str, str | Sequence[str]],
        repeats: Mapping[str, int] | None = None,
    ) -> Filled:
        """The instance for ``values`` (by node name), evaluated (see the module)."""
        root = copy.deepcopy(self.instance)
        _strip(root)
        self._instantiate(root, "/" + _local(root.tag), values, repeats or {})
        return Filled(self, root)

    def _instantiate(
        self,
        element: ET.Element,
        path: str,
        values: Mapping[str, str | Sequence[str]],
        repeats: Mapping[str, int],
    ) -> None:
        done: set[str] = set()
        for child in list(element):
            child_path = f"{path}/{_local(child.tag)}"
            if child_path in self.counts:
                # pyxform writes a template and a first instance: both give way to
                # the instances asked for, made from the template
                position = list(element).index(child)
                element.remove(child)
                if child_path in done or f"{JR}template" not in child.attrib:
                    continue
                done.add(child_path)
                count = repeats.get(_local(child.tag))
                if count is None:
                    expression = self.counts[child_path].strip()
                    # pyxform puts a count into a calculated node of its own
                    expression = self.binds.get(expression, {}).get("calculate", expression)
                    count = int(_number(evaluate(element, expression, element)))
                for k in range(count):
                    clone = copy.deepcopy(child)
                    clone.attrib.pop(f"{JR}template", None)
                    element.insert(position + k, clone)
                    self._fill_in(clone, child_path, values, k)
            else:
                self._fill_in(child, child_path, values, None)

    def _fill_in(
        self,
        element: ET.Element,
        path: str,
        values: Mapping[str, str | Sequence[str]],
        index: int | None,
    ) -> None:
        name = _local(element.tag)
        if len(element) == 0 and name in values:
            given = values[name]
            if isinstance(given, str):
                element.text = given
            elif index is not None and index < len(given):
                element.text = given[index]
        for child in list(element):
            child_path = f"{path}/{_local(child.tag)}"
            if child_path in self.counts:
                raise NotImplementedError("nested repeats")
            self._fill_in(child, child_path, values, index)


class Filled:
    """An instance evaluated for one respondent."""

    def __init__(self, form: XForm, root: ET.Element) -> None:
        self.form = form
        self.root = root
        self.relevance: dict[tuple[str, int], bool] = {}
        self.elements: dict[tuple[str, int], ET.Element] = {}
        self.paths: dict[tuple[str, int], str] = {}
        _PARENTS.clear()
        for parent in root.iter():
            for child in parent:
                _PARENTS[id(child)] = parent
        self._visit(root, "/" + _local(root.tag), True)

    def _visit(self, element: ET.Element, path: str, parent_relevant: bool) -> None:
        for child in element:
            name = _local(child.tag)
            child_path = f"{path}/{name}"
            index = 1 + sum(1 for key in self.elements if key[0] == name)
            key = (name, index)
            bind = self.form.binds.get(child_path, {})
            relevant = parent_relevant
            if relevant and "relevant" in bind:
                relevant = truth(evaluate(self.root, bind["relevant"], child))
            self.relevance[key] = relevant
            self.elements[key] = child
            self.paths[key] = child_path
            if not relevant:
                for inner in child.iter():
                    inner.text = None
            elif "calculate" in bind:
                child.text = _text(evaluate(self.root, bind["calculate"], child)) or None
                if child.text == "NaN":
                    child.text = "NaN"
            self._visit(child, child_path, relevant)

    def relevant(self, name: str, index: int = 1) -> bool:
        return self.relevance[(name, index)]

    def value(self, name: str, index: int = 1) -> str:
        return self.elements[(name, index)].text or ""

    def instances(self, name: str) -> int:
        return sum(1 for key in self.elements if key[0] == name)

    def failed(self) -> list[tuple[str, int]]:
        """The relevant, answered nodes whose constraint does not hold."""
        found = []
        for key, element in self.elements.items():
            constraint = self.form.binds.get(self.paths[key], {}).get("constraint")
            if constraint is None or not self.relevance[key] or not (element.text or ""):
                continue
            if not truth(evaluate(self.root, constraint, element)):
                found.append(key)
        return found


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _strip(element: ET.Element) -> None:
    """Drop the namespace of the instance's elements (pyxform writes the XForms
    namespace as the default), so that XPath names match without prefixes."""
    for inner in element.iter():
        inner.tag = _local(inner.tag)
