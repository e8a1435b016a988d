"""Which questions an XLSForm shows a respondent, decided as ODK decides it: the
form converted by pyxform into an XForm, its ``relevant`` binds evaluated with
elementpath's XPath 1.0 (plus ODK's ``selected``, ``count-selected``, ``if``,
``coalesce``, ``regex``) in document order, a non-relevant node emptied with all
it holds (as ODK submits it). For the corpus round trip (benchmarks/corpus_xlsform.py)."""

from __future__ import annotations

import copy
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from elementpath import XPath1Parser, select

XFORMS = "{http://www.w3.org/2002/xforms}"
JAVAROSA = "{http://openrosa.org/javarosa}"


class _OdkXPath(XPath1Parser):
    symbol_table: ClassVar[dict[str, Any]] = dict(XPath1Parser.symbol_table)


def _string(value: Any) -> str:
    if isinstance(value, list):
        return _string(value[0]) if value else ""
    if isinstance(value, ET.Element):
        return "".join(value.itertext())
    if hasattr(value, "string_value"):
        return str(value.string_value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _truth(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, float):
        return not math.isnan(value) and value != 0
    if isinstance(value, str):
        return value != ""
    return bool(value)


def _odk(name: str, arity: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        token = _OdkXPath.function(name, nargs=arity, sequence_types=("item()*",) * (arity + 1))

        def evaluate(self: Any, context: Any = None) -> Any:
            return function(*(self[i].evaluate(context) for i in range(len(self))))

        token.evaluate = evaluate
        return function

    return register


@_odk("selected", 2)
def _selected(chosen: Any, code: Any) -> bool:
    return _string(code).strip() in _string(chosen).split()


@_odk("count-selected", 1)
def _count_selected(chosen: Any) -> float:
    return float(len(_string(chosen).split()))


@_odk("if", 3)
def _if(condition: Any, then: Any, otherwise: Any) -> Any:
    return then if _truth(condition) else otherwise


@_odk("coalesce", 2)
def _coalesce(first: Any, second: Any) -> str:
    return _string(first) or _string(second)


@_odk("regex", 2)
def _regex(text: Any, pattern: Any) -> bool:
    return re.search(_string(pattern), _string(text)) is not None


_NUMBERS = (int, float, Decimal)


def _number(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, _NUMBERS):
        return float(value)
    text = _string(value).strip()
    if re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", text) is None:
        return math.nan
    return float(text)


_OPERATIONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _compare(symbol: str, left: Any, right: Any) -> bool:
    """XPath 1.0's comparison (section 3.4): a node-set compares each of its nodes'
    string values; with a number, as numbers; = and != of strings as strings, of a
    boolean as booleans; the order comparisons always as numbers. (elementpath's
    XPath 1.0 parser compares a node with a number as XPath 2 does: ``n = 3`` is false
    for ``<n>3</n>``.)"""
    operation = _OPERATIONS[symbol]
    equality = symbol in {"=", "!="}
    if isinstance(left, list) or isinstance(right, list):
        if isinstance(left, bool) or isinstance(right, bool):
            return (
                operation(_truth(left), _truth(right))
                if equality
                else operation(_number(_truth(left)), _number(_truth(right)))
            )
        lefts = [_string(v) for v in left] if isinstance(left, list) else [left]
        rights = [_string(v) for v in right] if isinstance(right, list) else [right]
        return any(_compare(symbol, a, b) for a in lefts for b in rights)
    if equality:
        if isinstance(left, bool) or isinstance(right, bool):
            return operation(_truth(left), _truth(right))
        if isinstance(left, _NUMBERS) or isinstance(right, _NUMBERS):
            return operation(_number(left), _number(right))
        return operation(_string(left), _string(right))
    return operation(_number(left), _number(right))


def _comparison(symbol: str) -> Any:
    base = XPath1Parser.symbol_table[symbol]

    def evaluate(self: Any, context: Any = None) -> bool:
        return _compare(symbol, self[0].evaluate(context), self[1].evaluate(context))

    return type(base.__name__, (base,), {"evaluate": evaluate})


for _symbol in _OPERATIONS:
    _OdkXPath.symbol_table[_symbol] = _comparison(_symbol)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class OriginalForm:
    """An XLSForm as ODK runs it."""

    def __init__(self, path: Path) -> None:
        from pyxform.xls2xform import convert  # noqa: PLC0415

        xml = convert(xlsform=str(path)).xform
        root = ET.fromstring(xml)
        model = next(root.iter(f"{XFORMS}model"))
        primary = next(i for i in model.iter(f"{XFORMS}instance") if "id" not in i.attrib)
        self.instance = next(iter(primary))
        for node in self.instance.iter():  # the instance's default namespace, dropped for XPath
            node.tag = _local(node.tag)
        self.relevance = {
            bind.attrib["nodeset"]: bind.attrib["relevant"]
            for bind in model.iter(f"{XFORMS}bind")
            if "relevant" in bind.attrib
        }
        self.calculations = {
            bind.attrib["nodeset"]: bind.attrib["calculate"]
            for bind in model.iter(f"{XFORMS}bind")
            if "calculate" in bind.attrib
        }
        self.repeats = {r.attrib["nodeset"] for r in root.iter(f"{XFORMS}repeat")}

    def shown(
        self, values: Mapping[str, str | Sequence[str]], repeats: Mapping[str, int]
    ) -> dict[tuple[str, int], bool]:
        """(name, instance 1-based) → relevant, for the answers ``values`` (a repeat's
        questions: a list, one value per instance) and the repeats' instance counts."""
        root = copy.deepcopy(self.instance)
        path = "/" + _local(root.tag)
        self._expand(root, path, values, repeats)
        found: dict[tuple[str, int], bool] = {}
        self._visit(root, root, path, relevant=True, found=found)
        return found

    def _expand(
        self, element: ET.Element, path: str, values: Mapping[str, Any], repeats: Mapping[str, int]
    ) -> None:
        done: set[str] = set()
        for child in list(element):
            child_path = f"{path}/{_local(child.tag)}"
            if child_path in done:
                continue
            if child_path in self.repeats:
                done.add(child_path)
                count = repeats.get(_local(child.tag), 0)
                template = child
                index = list(element).index(child)
                element.remove(child)
                same = [c for c in element if c.tag == template.tag]
                for c in same:
                    element.remove(c)
                for k in range(count):
                    clone = copy.deepcopy(template)
                    clone.attrib.pop(f"{JAVAROSA}template", None)
                    element.insert(index + k, clone)
                    self._fill(clone, values, k)
            else:
                self._fill(child, values, None)
                if len(child):
                    self._expand(child, child_path, values, repeats)

    def _fill(self, element: ET.Element, values: Mapping[str, Any], index: int | None) -> None:
        for node in element.iter():
            if len(node):
                continue
            given = values.get(_local(node.tag))
            if isinstance(given, str):
                node.text = given
            elif given is not None and index is not None and index < len(given):
                node.text = given[index]
            else:
                node.text = None

    def _visit(
        self,
        root: ET.Element,
        element: ET.Element,
        path: str,
        *,
        relevant: bool,
        found: dict[tuple[str, int], bool],
    ) -> None:
        counters: dict[str, int] = {}
        for child in element:
            name = _local(child.tag)
            child_path = f"{path}/{name}"
            shown = relevant
            expression = self.relevance.get(child_path)
            if shown and expression is not None:
                shown = _truth(_evaluate(root, expression, child))
            counters[name] = counters.get(name, 0) + 1
            key = (name, sum(1 for k in found if k[0] == name) + 1)
            found[key] = shown
            if not shown:
                for node in child.iter():
                    node.text = None
            elif child_path in self.calculations:
                child.text = _string(_evaluate(root, self.calculations[child_path], child)) or None
            self._visit(root, child, child_path, relevant=shown, found=found)


def _evaluate(root: ET.Element, expression: str, context: ET.Element) -> Any:
    try:
        result = select(root, expression, parser=_OdkXPath, item=context)
    except Exception:
        return math.nan
    if isinstance(result, list) and len(result) == 1 and not hasattr(result[0], "elem"):
        return result[0]
    return result
