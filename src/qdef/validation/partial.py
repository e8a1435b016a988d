"""The structurally valid parts of a document with structural errors.

So that one run of ``qdef validate`` shows every problem, the semantic checks
also run when the structure layer found errors: on a model built from the
parts that are valid. An unknown key, or an optional key whose value is
wrong, is left out, of the instrument, a section or a question alike, and the
rest is checked; a question whose own required keys (``id``, ``type``,
``text``, its options …) are wrong is left out (with its follow-ups), and so
is a section whose own ``id`` or ``questions`` are broken. A required key of
the instrument that is wrong gets a stand-in value. What was left out is
remembered (:class:`Broken`), so that the checks do not report what its
absence causes: a goto to a broken question does not "name no question", a
condition on it names no "unknown variable", numbers are not compared when
questions are missing, nor languages when the instrument's are broken.

Paths of the pruned model are mapped back to the document
(:class:`PrunedLocator`), so that every problem is located in the file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from qdef.diagnostics import Span
from qdef.model import Instrument, Question, Section
from qdef.source.loader import Document
from qdef.source.positions import KeyPath

#: Stand-ins for required keys of the instrument that are wrong or missing.
_STAND_INS: dict[str, Any] = {"qdef": 1, "id": "partial", "title": "?", "language": "und"}


@dataclass(frozen=True, slots=True)
class Broken:
    """What the pruned model lacks: the checks stay quiet about its consequences."""

    names: frozenset[str] = frozenset()
    """Ids of left-out questions, sections and follow-ups."""
    texts: frozenset[KeyPath] = frozenset()
    """Texts replaced by a stand-in (not checked for languages)."""
    languages: bool = True
    """Whether ``language`` and ``translations`` are the document's own."""
    numbering: bool = True
    """Whether every question is there (so display numbers can be compared)."""

    def covers(self, name: str) -> bool:
        """Whether the variable or id ``name`` belongs to something left out."""
        return name in self.names or name.split(".", 1)[0] in self.names


NOTHING_BROKEN = Broken()


@dataclass(slots=True)
class PrunedLocator:
    """Locates paths of the pruned model in the original document."""

    document: Document
    sections: list[int] = field(default_factory=list)
    """Original index of each kept section."""
    questions: list[list[int]] = field(default_factory=list)
    """Original index of each kept question, per kept section."""
    hidden: list[int] = field(default_factory=list)
    """Original index of each kept hidden variable."""

    def original(self, path: KeyPath) -> KeyPath:
        if len(path) >= 2 and path[0] == "hidden" and isinstance(path[1], int):
            return ("hidden", self.hidden[path[1]], *path[2:])
        if len(path) < 2 or path[0] != "sections" or not isinstance(path[1], int):
            return path
        s = path[1]
        mapped: list[str | int] = ["sections", self.sections[s]]
        rest = path[2:]
        if len(rest) >= 2 and rest[0] == "questions" and isinstance(rest[1], int):
            mapped += ["questions", self.questions[s][rest[1]]]
            rest = rest[2:]
        return (*mapped, *rest)

    def locate(self, path: KeyPath, *, key: bool = False) -> Span:
        return self.document.locate(self.original(path), key=key)

    def locate_offset(self, path: KeyPath, offset: int) -> Span:
        return self.document.locate_offset(self.original(path), offset)


@dataclass(frozen=True, slots=True)
class Pruned:
    data: dict[str, Any]
    locator: PrunedLocator
    broken: Broken


def _ids(value: Any) -> Iterator[str]:
    """Every ``id`` inside ``value`` (a question's own and its follow-ups')."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and isinstance(item, str):
                yield item
            else:
                yield from _ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from _ids(item)


def _item(section: dict[str, Any]) -> Iterator[str]:
    """The item of a roster section (``repeat.item``), if it has one."""
    repeat = section.get("repeat")
    if isinstance(repeat, dict) and isinstance(repeat.get("item"), str):
        yield repeat["item"]


@cache
def _question_models() -> dict[str, type[BaseModel]]:
    """Each question type's model, by its ``type`` tag (pydantic names the tag in
    the ``loc`` of an error inside a question)."""
    union = get_args(Question)[0]
    return {
        tag: model
        for model in get_args(union)
        for tag in get_args(model.model_fields["type"].annotation)
    }


def _optional_key(error: ErrorDetails) -> str | None:
    """The key of a question that ``error`` lies in, where leaving that key out
    leaves a valid question: an unknown key, or an optional one."""
    loc = error["loc"]
    if len(loc) < 6 or not isinstance(loc[4], str) or not isinstance(loc[5], str):
        return None
    model, key = _question_models().get(loc[4]), loc[5]
    if model is None:
        return None
    if error["type"] == "extra_forbidden" and len(loc) == 6:
        return key
    field = model.model_fields.get(key)
    return key if field is not None and not field.is_required() else None


@dataclass(slots=True)
class _Faults:
    """Where pydantic's errors lie, sorted by what to do about them."""

    top: dict[str, Any]
    """The instrument's keys, with stand-ins for wrong required ones."""
    sections: set[int] = field(default_factory=set)
    questions: set[tuple[int, int]] = field(default_factory=set)
    question_keys: dict[tuple[int, int], set[str]] = field(default_factory=dict)
    section_keys: dict[int, set[str]] = field(default_factory=dict)
    texts: set[KeyPath] = field(default_factory=set)
    languages: bool = True
    hidden: set[int] = field(default_factory=set)
    """Hidden variables with errors (left out)."""


def _faults(data: dict[str, Any], errors: Sequence[ErrorDetails]) -> _Faults | None:
    faults = _Faults(dict(data))
    for error in errors:
        loc = error["loc"]
        if not loc:
            return None
        key = loc[0]
        if key == "sections":
            if len(loc) < 3 or not isinstance(loc[1], int):
                return None  # 'sections' itself is wrong, or a section is no mapping
            s, section_key = loc[1], str(loc[2])
            if section_key == "questions" and len(loc) >= 4 and isinstance(loc[3], int):
                optional = _optional_key(error)
                if optional is None:
                    faults.questions.add((s, loc[3]))
                else:
                    faults.question_keys.setdefault((s, loc[3]), set()).add(optional)
            elif section_key in ("id", "questions"):
                faults.sections.add(s)
            else:  # an optional key of the section, or an unknown one
                faults.section_keys.setdefault(s, set()).add(section_key)
        elif key == "hidden" and len(loc) >= 2 and isinstance(loc[1], int):
            faults.hidden.add(loc[1])
        elif key in _STAND_INS:
            faults.top[str(key)] = _STAND_INS[str(key)]
            if key == "title":
                faults.texts.add(("title",))
            faults.languages = faults.languages and key != "language"
        else:  # an optional key, or an unknown one
            faults.top.pop(str(key), None)
            faults.languages = faults.languages and key != "translations"
    return faults


def _without(question: Any, keys: set[str]) -> Any:
    if not keys or not isinstance(question, dict):
        return question
    return {k: v for k, v in question.items() if k not in keys}


def prune(document: Document, errors: Sequence[ErrorDetails]) -> Pruned | None:
    """The document's data without the parts ``errors`` (pydantic's) lie in, or None
    when too little is left to check (no sections, or a document that is no mapping)."""
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
        return None
    version = data.get("qdef")
    if isinstance(version, int) and not isinstance(version, bool) and version != 1:
        return None  # another version of the format: its keys may mean something else
    faults = _faults(data, errors)
    if faults is None:
        return None
    names: set[str] = set()
    locator = PrunedLocator(document)
    sections: list[Any] = []
    for s, section in enumerate(data["sections"]):
        if not isinstance(section, dict):
            return None
        questions = section.get("questions")
        kept = [
            q
            for q in range(len(questions) if isinstance(questions, list) else 0)
            if (s, q) not in faults.questions
        ]
        dropped = faults.section_keys.get(s, set())
        if s in faults.sections or not kept or "repeat" in dropped:
            names.update(_item(section))  # the roster's item, left out with its repeat
        if s in faults.sections or not kept:
            names.update(_ids(section))
            continue
        assert isinstance(questions, list)
        names.update(
            qid for q, question in enumerate(questions) if q not in kept for qid in _ids(question)
        )
        copy = {k: v for k, v in section.items() if k in Section.model_fields and k not in dropped}
        copy["questions"] = [
            _without(questions[q], faults.question_keys.get((s, q), set())) for q in kept
        ]
        sections.append(copy)
        locator.sections.append(s)
        locator.questions.append(kept)
    if not sections:
        return None
    top = {k: v for k, v in faults.top.items() if k in Instrument.model_fields}
    top["sections"] = sections
    hidden = top.get("hidden")
    if isinstance(hidden, list) and faults.hidden:
        locator.hidden = [i for i in range(len(hidden)) if i not in faults.hidden]
        names.update(name for i in faults.hidden for name in _ids(hidden[i]))
        top["hidden"] = [hidden[i] for i in locator.hidden]
        if not top["hidden"]:
            del top["hidden"]
    elif isinstance(hidden, list):
        locator.hidden = list(range(len(hidden)))
    numbering = not faults.questions and not faults.sections
    broken = Broken(frozenset(names), frozenset(faults.texts), faults.languages, numbering)
    return Pruned(top, locator, broken)
