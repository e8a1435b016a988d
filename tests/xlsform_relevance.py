"""Which questions an XLSForm shows a respondent, decided as ODK decides it: the
form converted by pyxform into an XForm, its ``relevant`` binds evaluated with
elementpath's XPath 1.0 with ODK's functions and XPath 1.0's comparisons
(tests/xpatheval.py) in document order, a non-relevant node emptied with all
it holds (as ODK submits it). For the corpus round trip (benchmarks/corpus_xlsform.py)."""

from __future__ import annotations

import copy
import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from elementpath import XPath1Parser

from tests.xpatheval import _NUMBERS, ODKParser, _number, _text, evaluate, truth

XFORMS = "{http://www.w3.org/2002/xforms}"
JAVAROSA = "{http://openrosa.org/javarosa}"


def _string(value: Any) -> str:
    return _text(value)


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
    for ``<n>3</n>``; ODK's JavaRosa, as XPath 1.0, finds it true.)"""
    operation = _OPERATIONS[symbol]
    equality = symbol in {"=", "!="}
    if isinstance(left, list) or isinstance(right, list):
        if isinstance(left, bool) or isinstance(right, bool):
            if equality:
                return operation(truth(left), truth(right))
            return operation(_number(truth(left)), _number(truth(right)))
        lefts = [_text(v) for v in left] if isinstance(left, list) else [left]
        rights = [_text(v) for v in right] if isinstance(right, list) else [right]
        return any(_compare(symbol, a, b) for a in lefts for b in rights)
    if equality:
        if isinstance(left, bool) or isinstance(right, bool):
            return operation(truth(left), truth(right))
        if isinstance(left, _NUMBERS) or isinstance(right, _NUMBERS):
            return operation(_number(left), _number(right))
        return operation(_text(left), _text(right))
    return operation(_number(left), _number(right))


def _comparison(symbol: str) -> Any:
    base = XPath1Parser.symbol_table[symbol]

    def evaluate(self: Any, context: Any = None) -> bool:
        return _compare(symbol, self[0].evaluate(context), self[1].evaluate(context))

    return type(base.__name__, (base,), {"evaluate": evaluate})


class ComparingParser(ODKParser):  # elementpath: one parser class per module
    """ODKParser with XPath 1.0's comparisons (:func:`_compare`), for forms written by
    others (tests/xlsform_relevance.py), which compare nodes with numbers. The
    ``xlsform`` renderer writes ``number(…)`` wherever it compares numbers, so its
    tests run on ODKParser as it is."""

    symbol_table: ClassVar[dict[str, Any]] = dict(ODKParser.symbol_table)


for _symbol in _OPERATIONS:
    ComparingParser.symbol_table[_symbol] = _comparison(_symbol)


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
                shown = truth(_evaluate(root, expression, child))
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
    """The expression's value, NaN where the evaluator lacks what it uses (a function
    ODK has and tests/xpatheval.py does not)."""
    try:
        return evaluate(root, expression, context, ComparingParser)
    except Exception:
        return math.nan
