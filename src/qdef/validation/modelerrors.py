"""Structural validation: the typed model, reported in qdef's own words.

The pydantic model accepts exactly what the published JSON Schema accepts
(``tests/test_schema.py`` proves it), so validating with pydantic *is*
validating against the schema — at pydantic-core speed. Only when a document
is rejected do we turn pydantic's errors into diagnostics: messages keyed on
the error ``type`` (never on pydantic's wording), located through the one
source map, with "did you mean" for misspelt keys and types.

Codes: QD201 unknown key, QD202 missing key, QD203 wrong type, QD204 value
not allowed, QD205 wrong form (pattern), QD206 out of bounds, QD207 unknown
or missing type of a union, QD299 anything else pydantic reports.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from qdef.diagnostics import Code, Diagnostic
from qdef.model import Instrument, Node
from qdef.model.base import (
    CODE_PATTERN,
    DATE_PATTERN,
    ID_PATTERN,
    INSTRUMENT_ID_PATTERN,
    LANGUAGE_PATTERN,
    VISIBLE_PATTERN,
)
from qdef.model.docs import document
from qdef.source.loader import Document
from qdef.source.positions import KeyPath

_PATTERN_HELP = {
    ID_PATTERN: "an id is a letter followed by letters, digits or '_' (e.g. q1, q12_b)",
    CODE_PATTERN: "a code is made of letters, digits or '_' (e.g. 1, 2, a_1)",
    LANGUAGE_PATTERN: "a language is a BCP 47 tag such as de, en or en-GB",
    INSTRUMENT_ID_PATTERN: "an instrument id is made of letters, digits, '_', '-' or '.'",
    DATE_PATTERN: "a date is written YYYY, YYYY-MM or YYYY-MM-DD",
    VISIBLE_PATTERN: "it holds only white space; write the text",
}

#: How alike an unknown key must be to a known one for "did you mean" (``farbe`` is not ``label``).
_KEY_CUTOFF = 0.7
#: A mapping with more unknown keys than this gets no "did you mean": they are not
#: typos, and comparing tens of thousands of them would cost more than the rest of
#: validation together.
_SUGGEST_UP_TO = 50

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


@dataclass(frozen=True, slots=True)
class _Resolved:
    """A pydantic ``loc`` turned into a path in the document."""

    path: KeyPath
    owner: type[BaseModel] | None  # the model class whose field the path ends in
    field: str | None
    union_at: tuple[int, ...]  # path lengths where plain (non-discriminated) unions were entered
    at_key: bool  # the problem is a mapping key, not its value
    tp: Any = None  # the type the path ends at (for a union: the union)
    field_end: int = 0  # path length just after ``field``: what follows is inside its value

    def subject(self) -> str:
        """How messages name the value: ``'label'``, ``item 2 of 'options'``."""
        if self.field is None:
            return "the file"
        rest = self.path[self.field_end :] if self.field_end else ()
        if len(rest) == 1 and isinstance(rest[0], int):
            return f"item {rest[0] + 1} of '{self.field}'"
        if len(rest) == 1 and not self.at_key:
            return f"the '{rest[0]}' entry of '{self.field}'"
        return f"'{self.field}'"


def _unwrap(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _members(tp: Any) -> list[Any]:
    tp = _unwrap(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [m for m in typing.get_args(tp) if m is not type(None)]
    return [tp]


def _tag_of(member: Any, field: str) -> str | None:
    member = _unwrap(member)
    if isinstance(member, type) and issubclass(member, BaseModel):
        info = member.model_fields.get(field)
        if info is not None and typing.get_origin(info.annotation) is typing.Literal:
            return str(typing.get_args(info.annotation)[0])
    return None


def _discriminator(members: list[Any]) -> str | None:
    """The tag field shared by every member of a discriminated union."""
    models = [_unwrap(m) for m in members]
    if len(models) < 2 or not all(isinstance(m, type) and issubclass(m, BaseModel) for m in models):
        return None
    for field in ("type", "input"):
        if all(_tag_of(m, field) is not None for m in models):
            return field
    return None


def _union_member_name(member: Any) -> str:
    member = _unwrap(member)
    origin = typing.get_origin(member)
    return (origin or member).__name__ if hasattr(origin or member, "__name__") else str(member)


#: Where a walk through the model stands: the path so far, the type reached, and
#: ``owner``, ``field``, ``union_at`` and ``field_end`` as in :class:`_Resolved`.
_State = tuple[
    tuple[str | int, ...], Any, "type[BaseModel] | None", str | None, tuple[int, ...], int
]


def resolve(
    loc: Sequence[int | str],
    root: type[BaseModel] = Instrument,
    memo: dict[tuple[int | str, ...], _State | _Resolved] | None = None,
) -> _Resolved:
    """Walk ``loc`` through the model's types, dropping union tags from the path.

    With ``memo`` (one per validation error), the walk up to the last item of
    ``loc`` is remembered: the 60,000 unknown keys of one mapping are resolved
    with one walk, not 60,000.
    """
    items = tuple(loc)
    parent = items[:-1]
    reached = memo.get(parent) if memo is not None else None
    if reached is None:
        reached = _walk(((), root, root, None, (), 0), parent)
        if memo is not None:
            memo[parent] = reached
    last = items[len(parent) :]
    if not isinstance(reached, _Resolved):
        path, tp, owner, field, union_at, field_end = reached
        model = isinstance(tp, type) and issubclass(tp, BaseModel)
        if model and len(last) == 1 and last[0] != "[key]":  # a field (or an unknown key)
            name = str(last[0])
            info = tp.model_fields.get(name)
            annotation = info.annotation if info is not None else None
            return _Resolved((*path, last[0]), tp, name, union_at, False, annotation, len(path) + 1)
        reached = _walk(reached, last)
    if isinstance(reached, _Resolved):
        return reached
    path, tp, owner, field, union_at, field_end = reached
    return _Resolved(path, owner, field, union_at, False, tp, field_end)


def _walk(state: _State, items: Sequence[int | str]) -> _State | _Resolved:
    path, tp, owner, field, union_at, field_end = state
    for item in items:
        if item == "[key]":  # pydantic's marker for a problem with a mapping key
            return _Resolved(path, owner, field, union_at, True, tp, field_end)
        members = _members(tp)
        if len(members) > 1:
            tag_field = _discriminator(members)
            if tag_field is not None:
                chosen = [m for m in members if _tag_of(m, tag_field) == item]
                if chosen:
                    tp = chosen[0]
                    continue
                return _Resolved(path, owner, field, union_at, False, tp, field_end)
            # a plain union: pydantic names the member it tried (``str``, ``dict[...]``)
            if not union_at or union_at[-1] != len(path):
                union_at = (*union_at, len(path))
            name = str(item).split("[")[0]
            chosen = [m for m in members if _union_member_name(m) == name]
            tp = chosen[0] if chosen else None
            continue
        tp = _unwrap(members[0]) if members else None
        origin = typing.get_origin(tp)
        path = (*path, item)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            owner, field = tp, str(item)
            field_end = len(path)
            info = tp.model_fields.get(str(item))
            tp = info.annotation if info is not None else None
        elif origin is list:
            tp = typing.get_args(tp)[0]
        elif origin is dict:
            tp = typing.get_args(tp)[1]
        else:
            tp = None
    return path, tp, owner, field, union_at, field_end


# --------------------------------------------------------------------------- messages


def describe_value(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _field_help(owner: type[BaseModel] | None, field: str | None) -> str:
    if owner is None or field is None:
        return ""
    document(Node)  # the docstrings are read when first needed (qdef.model.docs)
    info = owner.model_fields.get(field)
    if info is None or not info.description:
        return ""
    # a docstring over several lines is one line in a message
    return f" ({field}: {' '.join(info.description.split()).replace('``', '`')})"


def _where(owner: type[BaseModel] | None) -> str:
    return owner.noun if owner is not None and issubclass(owner, Node) else "this mapping"


def _quote_hint(value: Any, expected: str, *, top: bool = False, optional: bool = True) -> str:
    text = expected.startswith("text")  # also "text (or a mapping from language to text)"
    if text and isinstance(value, int | float | bool):
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        return f'; put it in quotes: "{shown}"'
    if text and value is None:
        return "; write the text" + (", or remove the key" if optional else "")
    if expected in ("a number", "a whole number") and isinstance(value, str):
        return "; write it without quotes"
    if expected == "true or false" and isinstance(value, str):
        return "; write true or false, without quotes"
    if expected == "a list" and isinstance(value, dict):
        return "; list items start with '- '"
    if expected == "a mapping" and top:
        return "; start it with 'qdef: 1', then id, title, language and sections"
    return ""


def _message(error: ErrorDetails, resolved: _Resolved) -> tuple[Code, str]:
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    value = error.get("input")
    field = resolved.field
    subject = resolved.subject()
    owner = resolved.owner
    help_text = _field_help(owner, field)
    if kind in _EXPECTED:
        expected = _EXPECTED[kind]
        return Code.QD203, (
            f"{subject} must be {expected}, not {describe_value(value)}"
            f"{_quote_hint(value, expected, top=field is None, optional=_optional(owner, field))}"
            f"{help_text}"
        )
    if kind == "literal_error":
        allowed = ctx.get("expected", "")
        return Code.QD204, f"{subject} cannot be {describe_value(value)}; use {allowed}{help_text}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        rule = _PATTERN_HELP.get(pattern, f"it must match {pattern}")
        if resolved.at_key:
            return Code.QD205, f"'{field}' has the key {value!r}, which is not allowed: {rule}"
        suggestion = _suggest(str(value), pattern)
        fix = f"; perhaps '{suggestion}'" if suggestion else ""
        return Code.QD205, f"{subject} cannot be {value!r}: {rule}{fix}"
    if kind in ("string_too_short", "too_short"):
        optional = _optional(owner, field)
        if kind == "too_short":
            least = ctx.get("min_length", 1)
            item = "entry" if ctx.get("field_type") == "Dictionary" else "item"
            fix = f"add at least {least} {item}{'' if least == 1 else 's'}"
            fix += ", or remove the key" if optional else ""
            actual = ctx.get("actual_length", 0)
            what = "is empty" if not actual else f"has only {actual}"
            return Code.QD206, f"'{field}' {what}; {fix}{help_text}"
        fix = "give it a value" + (", or remove the key" if optional else "")
        return Code.QD206, f"{subject} is empty; {fix}{help_text}"
    if kind in ("string_too_long", "too_long"):
        limit = ctx.get("max_length")
        unit = "characters" if kind == "string_too_long" else "items"
        return Code.QD206, f"{subject} is too long; shorten it to at most {limit} {unit}{help_text}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = {
            "greater_than_equal": ">=",
            "less_than_equal": "<=",
            "greater_than": ">",
            "less_than": "<",
        }[kind]
        limit = next(iter(ctx.values()), "")
        return Code.QD206, f"{subject} must be {bound} {limit}, not {value}{help_text}"
    if kind == "int_parsing_size":
        return Code.QD206, f"{subject} is far too large a number; write a smaller one{help_text}"
    return Code.QD299, f"'{field}': {error['msg']}{help_text}"


def _optional(owner: type[BaseModel] | None, field: str | None) -> bool:
    info = owner.model_fields.get(field) if owner is not None and field is not None else None
    return info is None or not info.is_required()


_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def _suggest(value: str, pattern: str) -> str | None:
    """A close value that fits an id or code pattern (``kita-träger`` -> ``kita_traeger``)."""
    if pattern not in (ID_PATTERN, CODE_PATTERN):
        return None
    fixed = re.sub(r"[^A-Za-z0-9_]+", "_", value.translate(_TRANSLITERATION)).strip("_")
    if pattern == ID_PATTERN and fixed and not fixed[0].isalpha():
        fixed = "q" + fixed if fixed[0].isdigit() else fixed.lstrip("_0123456789")
    if not fixed or len(fixed) > 64 or not re.fullmatch(pattern, fixed):
        return None
    return fixed


def _either(expected: set[str]) -> str:
    """One description for the members of a plain union."""
    if expected == {"a whole number", "a number"}:
        return "a number"
    if expected == {"text", "a mapping"}:
        return "text (or a mapping from language to text)"
    return " or ".join(sorted(expected))


def _merge_unions(
    raw: list[ErrorDetails],
    resolved: list[_Resolved],
    level: int,
    skip: set[int],
    document: Document,
) -> list[Diagnostic]:
    """The errors reached through the ``level``-th plain union of their path: the
    mismatches of every member merged into one, or dropped (into ``skip``) for the
    deeper errors of the member that fits."""
    by_path: dict[KeyPath, list[int]] = defaultdict(list)
    for index, r in enumerate(resolved):
        if len(r.union_at) > level and index not in skip:
            by_path[r.path[: r.union_at[level]]].append(index)
    merged: list[Diagnostic] = []
    for path, indexes in by_path.items():
        if len(indexes) < 2:
            continue
        deep = [
            i
            for i in indexes
            if len(resolved[i].path) > len(path) or raw[i]["type"] not in _EXPECTED
        ]
        if deep:
            skip.update(i for i in indexes if i not in deep)
            continue
        skip.update(indexes)
        first = indexes[0]
        expected = _either({_EXPECTED[raw[i]["type"]] for i in indexes})
        if any("Translation" in raw[i]["loc"] for i in indexes):  # a translation's text
            expected = "text (or a mapping of the text and its source: {text: …, source: …})"
        value = raw[first].get("input")
        r = resolved[first]
        merged.append(
            Diagnostic(
                Code.QD203,
                f"{r.subject()} must be {expected}, not {describe_value(value)}"
                f"{_quote_hint(value, expected, optional=_optional(r.owner, r.field))}"
                f"{_field_help(r.owner, r.field)}",
                document.locate(path),
            )
        )
    return merged


def _keys_of(owner: type[BaseModel] | None) -> list[str]:
    return list(owner.model_fields) if owner is not None else []


def diagnostics_for(error: ValidationError, document: Document) -> list[Diagnostic]:
    """Every problem pydantic found, located and worded for people."""
    raw = error.errors(include_url=False)
    memo: dict[tuple[int | str, ...], _State | _Resolved] = {}
    resolved = [resolve(e["loc"], memo=memo) for e in raw]
    # Errors reached through a plain union (text or mapping; int or float) come
    # once per member: keep the deepest ones, or merge type mismatches into one.
    # A union inside a union (a translation: text, or text with its source) is sorted
    # out after the outer one, among the errors the outer one kept.
    skip: set[int] = set()
    merged: list[Diagnostic] = []
    for level in range(max((len(r.union_at) for r in resolved), default=0)):
        merged.extend(_merge_unions(raw, resolved, level, skip, document))

    results: list[Diagnostic] = list(merged)
    extras: dict[KeyPath, list[str]] = defaultdict(list)  # unknown keys, by mapping
    for parent, extra in _extras(raw, resolved):
        extras[parent].append(str(extra))
    for index, (e, r) in enumerate(zip(raw, resolved, strict=True)):
        if index in skip:
            continue
        kind = e["type"]
        if kind == "extra_forbidden":
            unknown = str(r.path[-1]) if r.path else ""
            allowed = _keys_of(r.owner)
            close = (
                difflib.get_close_matches(unknown, allowed, n=1, cutoff=_KEY_CUTOFF)
                if len(extras[r.path[:-1]]) <= _SUGGEST_UP_TO
                else []
            )
            hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
            results.append(
                Diagnostic(
                    Code.QD201,
                    f"unknown key '{unknown}' in {_where(r.owner)}; {hint}",
                    document.locate(r.path, key=True),
                )
            )
        elif kind == "missing":
            parent, key = r.path[:-1], r.path[-1]
            unknown_here = extras.get(parent, [])
            misspelt = len(unknown_here) <= _SUGGEST_UP_TO and any(
                difflib.get_close_matches(extra, [str(key)], n=1, cutoff=_KEY_CUTOFF)
                for extra in unknown_here
            )
            if misspelt:
                continue  # the unknown-key message already says "did you mean"
            results.append(
                Diagnostic(
                    Code.QD202,
                    f"{_where(r.owner)} needs the key '{key}'{_field_help(r.owner, str(key))}",
                    document.locate(parent),
                )
            )
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            results.append(_union_tag(e, r, document))
        else:
            code, message = _message(e, r)
            results.append(Diagnostic(code, message, document.locate(r.path, key=r.at_key)))
    return results


def _extras(raw: list[ErrorDetails], resolved: list[_Resolved]) -> list[tuple[KeyPath, str | int]]:
    return [
        (r.path[:-1], r.path[-1])
        for e, r in zip(raw, resolved, strict=True)
        if e["type"] == "extra_forbidden" and r.path
    ]


def _union_tag(error: ErrorDetails, resolved: _Resolved, document: Document) -> Diagnostic:
    field = _discriminator(_members(resolved.tp)) or "type"
    expected = [t for m in _members(resolved.tp) if (t := _tag_of(m, field)) is not None]
    value = error.get("input")
    if error["type"] == "union_tag_invalid" or (isinstance(value, dict) and field in value):
        tag = str(value.get(field) if isinstance(value, dict) else "")
        hint = _type_hint(tag, expected)
        return Diagnostic(
            Code.QD207,
            f"unknown {field} '{tag}'; {hint}{field} is one of: {', '.join(expected)}",
            document.locate((*resolved.path, field)),
        )
    if not isinstance(value, dict):
        return Diagnostic(
            Code.QD203,
            f"expected a mapping here, not {describe_value(value)}",
            document.locate(resolved.path),
        )
    choices = ", ".join(expected) if expected else "see the format reference"
    return Diagnostic(
        Code.QD207,
        f"add '{field}:' to say what this is ({choices})",
        document.locate(resolved.path),
    )


#: How alike an unknown type must be to a known one for "did you mean" (``singel`` is
#: ``single``; ``file`` is not).
_TYPE_CUTOFF = 0.65

_NO_UPLOADS = "qdef has no uploads or captures (files, images, signatures, barcodes)"
_COMPUTED = "use 'computed' with a 'value' expression (a value calculated from earlier answers)"
_HIDDEN = (
    "declare it under 'hidden:' at the top of the instrument (a value set from outside, "
    "such as a URL parameter, or its default)"
)
_NO_AUTOMATIC = "qdef has no automatic values (times, devices, users); leave them out"
_REPEATS = (
    "use a section with 'repeat' (a roster: its questions asked once for each option chosen "
    "in an earlier 'multiple', each entry of a 'textlist', or a number of times)"
)
_SINGLE = "use 'single' (one option of several)"
_MULTIPLE = "use 'multiple' (any number of options)"
_TEXT = "use 'text' ('long: true' for several lines)"

#: Question types of other tools (XLSForm, LimeSurvey, SurveyJS) and what qdef has
#: instead; looked up by :func:`_tool_key` (``text_area``, ``TextArea`` and
#: ``text-area`` are one type).
_OTHER_TOOLS: dict[str, str] = {
    **dict.fromkeys(("rank", "rank_order", "sort", "sortable"), "use 'ranking'"),
    **dict.fromkeys(
        ("slider", "range"), "use 'number' with 'widget: slider' (and its 'min' and 'max')"
    ),
    **dict.fromkeys(
        ("rating", "scale", "rating_scale", "likert_scale", "opinion_scale", "nps"),
        "use 'single' with the points of the scale as ordered options ('widget: buttons' "
        "shows them in a row; 'matrix' for several items on one scale)",
    ),
    **dict.fromkeys(
        (
            "file",
            "file_upload",
            "upload",
            "image",
            "photo",
            "audio",
            "video",
            "background_audio",
            "signature",
            "signaturepad",
            "barcode",
            "imagepicker",
        ),
        _NO_UPLOADS,
    ),
    **dict.fromkeys(("calculate", "calculation", "expression", "equation"), _COMPUTED),
    **dict.fromkeys(("hidden",), _HIDDEN),
    **dict.fromkeys(("start", "end", "today", "deviceid", "username", "audit"), _NO_AUTOMATIC),
    **dict.fromkeys(
        ("note", "html", "boilerplate", "info", "label", "description", "text_display"),
        "use 'display' for text without an answer",
    ),
    **dict.fromkeys(
        ("geopoint", "geotrace", "geoshape", "location", "map"),
        "qdef has no location questions; ask for an address with 'text' or 'textlist'",
    ),
    **dict.fromkeys(
        ("integer", "int", "decimal", "float", "numeric", "numerical"),
        "use 'number' ('kind: integer' or 'kind: decimal')",
    ),
    **dict.fromkeys(
        ("select_one", "radio", "radiogroup", "list", "choice", "gender", "yes_no", "yesno"),
        _SINGLE,
    ),
    **dict.fromkeys(
        ("dropdown", "select", "list_dropdown"), "use 'single' with 'widget: dropdown'"
    ),
    **dict.fromkeys(
        ("boolean", "bool", "checkbox_single", "acknowledge"),
        "use 'single' with two options (or a 'check' column of a 'grid')",
    ),
    **dict.fromkeys(
        ("select_multiple", "checkbox", "checkboxes", "tagbox", "multiple_choice"), _MULTIPLE
    ),
    **dict.fromkeys(
        (
            "comment",
            "textarea",
            "string",
            "short_text",
            "long_text",
            "huge_text",
            "free_text",
            "open",
        ),
        _TEXT,
    ),
    **dict.fromkeys(("email", "phone", "tel", "url"), "use 'text' with 'format:'"),
    **dict.fromkeys(("multipletext", "multiple_text", "multiple_short_text"), "use 'textlist'"),
    **dict.fromkeys(
        ("multiple_numeric", "multiple_numerical", "number_list", "numberlist", "numeric_list"),
        "use 'numbers' (labelled numbers, optionally with a 'total')",
    ),
    **dict.fromkeys(
        ("dual_scale", "dualscale", "array_dual_scale", "dual_matrix"),
        "use 'dualmatrix' (rows answered on two scales)",
    ),
    **dict.fromkeys(
        ("array", "likert", "matrix_single", "matrixdropdown", "array_numbers", "array_texts"),
        "use 'matrix' (rows on one scale) or 'grid' (rows × columns of inputs)",
    ),
    **dict.fromkeys(
        ("matrixdynamic", "paneldynamic", "repeat", "begin_repeat", "loop", "roster"), _REPEATS
    ),
    **dict.fromkeys(
        ("time", "datetime", "timestamp"),
        "qdef has no time of day; use 'date' (at day, month or year precision)",
    ),
    **dict.fromkeys(
        ("group", "begin_group", "panel", "page", "section", "question_group"),
        "questions are grouped in the instrument's 'sections', not by a type",
    ),
}


def _tool_key(tag: str) -> str:
    """A type name without case, spaces, '_' or '-': ``text_area`` -> ``textarea``."""
    return re.sub(r"[\s_-]+", "", tag.lower())


_OTHER_TOOLS_BY_KEY: dict[str, str] = {_tool_key(tag): hint for tag, hint in _OTHER_TOOLS.items()}


def _type_hint(tag: str, expected: list[str]) -> str:
    """What to write instead of the unknown ``tag``: a close known type, or, for a
    question, what qdef has instead of another tool's type (or that it has none)."""
    other = _tool_key(tag)
    if "display" in expected and other in _OTHER_TOOLS_BY_KEY:  # the types of a question
        return f"{_OTHER_TOOLS_BY_KEY[other]}; "
    close = difflib.get_close_matches(tag.lower(), expected, n=1, cutoff=_TYPE_CUTOFF)
    return f"did you mean '{close[0]}'? " if close else ""
