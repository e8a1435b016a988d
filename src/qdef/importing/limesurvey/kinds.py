"""LimeSurvey's survey as a qdef instrument: sections, questions of every kind
(:mod:`.choices`, :mod:`.inputs`), their losses and the notes pointing at the source."""

from __future__ import annotations

from typing import Any

from qdef.importing.limesurvey.archive import Question
from qdef.importing.limesurvey.build import Data, Place
from qdef.importing.limesurvey.choices import MATRIX, Choices
from qdef.importing.limesurvey.inputs import Inputs
from qdef.importing.limesurvey.questions import shortened
from qdef.importing.limesurvey.texts import plain
from qdef.importing.report import Origin

SINGLE = set("L!O5YGI")


class Builder(Choices, Inputs):
    """The instrument of one survey."""

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
                self.result.note(section_at, f"LimeSurvey {where}")
            else:
                self.result.lose(
                    where, "left out", "the group", "it has no question qdef can carry", at=()
                )
                self.ids.discard(section["id"])
                losses = self.result.losses
                for index, loss in enumerate(losses):  # the group is not written: the top
                    if loss.at[:2] == section_at:
                        losses[index] = type(loss)(
                            loss.where, loss.kind, loss.what, loss.why, (), loss.question
                        )
        if self.hidden:
            doc = {k: v for k, v in doc.items() if k != "sections"}
            doc["hidden"] = self.hidden
            doc["sections"] = sections
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

    def _hidden(self, q: Question, out: Data) -> None:
        """A hidden question (never shown; set by a default or a URL parameter) as a
        hidden variable of the instrument."""
        at = ("hidden", len(self.hidden))
        entry: Data = {"id": out["id"], "type": HIDDEN[out["type"]]}
        if "text" in out:
            entry["label"] = out["text"]
        if "options" in out:
            entry["options"] = [{"code": o["code"], "label": o["label"]} for o in out["options"]]
        entry.update((k, out[k]) for k in HIDDEN_KEYS if k in out and k != "options")
        dropped = [k for k in ("when", "rules", "pattern", "filter", "max_length") if k in out]
        if dropped:
            self.lose(
                "left out",
                f"the {', '.join(dropped)} of the hidden question",
                "qdef's hidden variables are set from outside: they have none",
                at=at,
            )
        losses = self.result.losses
        for index, loss in enumerate(losses):  # the question's losses go with the variable
            if loss.question == q.title and loss.at == self.at:
                losses[index] = type(loss)(loss.where, loss.kind, loss.what, loss.why, at, q.title)
        self.hidden.append(entry)
        self.result.origins.append(_origin(q, at))
        self.result.note(at, f"LimeSurvey {q.title}, qid {q.qid}, type {q.type} (hidden)")
        self.at = at
        self._formatting()
        self.place = None

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

    def question(self, q: Question, into: list[Data], at: tuple[Any, ...]) -> None:
        """One question of the source, appended to ``into`` (with its losses). A defect
        of the importer leaves the question out with a loss: never a traceback."""
        size, origins, ids = len(into), len(self.result.origins), set(self.ids)
        try:
            self._question(q, into, at)
        except Exception as error:  # an importer defect, reported as a loss
            del into[size:]
            del self.result.origins[origins:]
            self.ids = ids
            for index in range(size, size + 3):
                self.result.notes.pop((*at, index), None)
            self.place = Place(q.title, f"question {q.title} (qid {q.qid})")
            self.lose(
                "left out",
                "the question",
                f"the importer failed on it ({type(error).__name__}: {error}); please report "
                "this with the archive",
                at=at[:2],
            )
            self.result.origins.append(_origin(q, None))
            self.place = None

    def _question(self, q: Question, into: list[Data], at: tuple[Any, ...]) -> None:
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
            losses = self.result.losses
            for index, loss in enumerate(losses):  # not written: its losses at its section
                if loss.at == self.at:
                    losses[index] = type(loss)(
                        loss.where, loss.kind, loss.what, loss.why, at[:2], loss.question
                    )
            self.at = at[:2]
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
                f"the default answer {shortened(given[0])!r}",
                "qdef has no default for this kind of question, or it is an "
                "expression; set it by hand where qdef has one",
            )
        if q.attribute("hidden") == "1" and out["type"] in HIDDEN and not extra:
            self._hidden(q, out)
            return
        self.result.origins.append(_origin(q, self.at))
        self.result.note(self.at, f"LimeSurvey {q.title}, qid {q.qid}, type {q.type}")
        into.append(_ordered(out))
        self._formatting()
        for more in extra:  # a separate comment question (type O)
            into.append(more)
        self.place = None


FIRST = ("id", "type", "value", "text", "help", "label", "required", "when")
#: qdef's question types of LimeSurvey's hidden questions that are hidden variables.
HIDDEN = {"single": "choice", "number": "number", "text": "text", "date": "date"}
#: The keys a hidden variable keeps of its question's.
HIDDEN_KEYS = ("options", "kind", "min", "max", "precision", "default")


def _ordered(out: Data) -> Data:
    """The keys in the order docs/format.md writes them: id, type, the texts, required,
    when, then the kind's own keys."""
    when = out.pop("_when", None)
    if when is not None:
        out["when"] = when
    ordered = {k: out[k] for k in FIRST if k in out}
    ordered.update((k, v) for k, v in out.items() if k not in ordered)
    return ordered


def _plain_name(name: str) -> str:
    text, _ = plain(name)
    return text.replace("\n", " ")[:60] or "(unnamed)"


def _origin(q: Question, at: tuple[Any, ...] | None) -> Any:

    return Origin(q.title, f"question {q.title} (qid {q.qid})", at)


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
