"""Synthetic questionnaires for benchmarks: deterministic, realistic in mix and routing.

``generate(n, seed)`` builds an instrument of ``n`` questions as a plain list of
question dicts (independent of qdef, so that other writers — e.g. an XLSForm
writer for pyxform — can be added beside :func:`to_yaml`); ``synthetic(n, seed)``
is the qdef YAML text of it; ``python benchmarks/synthetic.py N [SEED] > FILE``
writes that text (seed 0 by default).

The mix, exact in every block of 20 questions (types shuffled within the block):

- 40% single choice with 5 options (codes ``"1"`` … ``"5"``);
- 20% multiple choice with 6 options (codes ``"a"`` … ``"f"``; in about a third
  of them the last one is an exclusive "none of these", code ``"none"``);
- 15% text;
- 10% integer numbers with ``min``/``max``;
- 15% matrices of 3–5 rows on a scale of 4 or 5 columns (one matrix = one question).

Routing:

- every 10th question (``q10``, ``q20`` …) has a ``when`` on a choice question
  among the previous 30 (filters are local): ``==``, ``!=``, ``in [...]``,
  ``has``, sometimes ``and`` of two atoms, sometimes a number comparison;
- sections of 20–50 questions; about one section in 8 (never the first) has a
  ``when`` on a choice question among the 30 before it;
- about one single-choice question in 25 has an option (its last, "trifft nicht
  zu") with a ``goto`` 2–15 questions ahead; such questions are ``required``.

The first question is always a single choice, so that ``q10`` has a filter source.

Conditions are kept as small tuples (see :data:`Condition`) and printed by
:func:`condition_source`; a question dict looks like::

    {"id": "q12", "type": "single", "text": "...", "required": False,
     "section": "s1", "section_title": "...", "section_when": None,
     "when": ("==", "q3", "2"),
     "options": [{"code": "1", "label": "..."}, ..., {"code": "5", "label": "...",
                 "goto": "q20"}]}

with ``options`` (single, multiple; ``exclusive`` on a multiple's option),
``kind``/``min``/``max`` (number), ``scale``/``rows`` (matrix).
"""

from __future__ import annotations

import json
import random
from typing import Any

Condition = tuple[Any, ...]
"""``(op, variable, value)`` with op ``==``, ``!=``, ``has``, ``>`` (value a code or a
number), ``("in", variable, (code, ...))``, or ``("and", condition, condition)``."""

Question = dict[str, Any]

MIX: dict[str, int] = {"single": 8, "multiple": 4, "text": 3, "number": 2, "matrix": 3}
"""Question types per block of 20."""
BLOCK = sum(MIX.values())
FILTER_EVERY = 10
WINDOW = 30
SECTION_SIZES = (20, 50)
SECTION_WHEN = 1 / 8
GOTO_RATE = 1 / 25
GOTO_DISTANCE = (2, 15)

_STEMS = (
    "Wie zufrieden sind Sie insgesamt: {}?",
    "Wie beurteilen Sie {}?",
    "Wie wichtig ist Ihnen {}?",
    "Stimmen Sie zu: {} hat sich bewährt.",
    "Wie hat sich {} in den letzten zwei Jahren entwickelt?",
)
_TOPICS = (
    "die Zusammenarbeit mit der Verwaltung",
    "das Angebot im Quartier",
    "die Beteiligung der Bewohnerinnen und Bewohner",
    "die Ausstattung der Einrichtung",
    "die Erreichbarkeit der Angebote",
    "die Finanzierung des Projekts",
    "die Vernetzung der Akteure",
    "die Öffentlichkeitsarbeit im Stadtteil",
)
_LIKERT = ("trifft voll zu", "trifft eher zu", "teils, teils", "trifft eher nicht zu")
_NOT_APPLICABLE = "trifft nicht zu / keine Angabe"
_OFFERS = (
    "Beratung",
    "Sprachkurse",
    "Freizeitangebote",
    "Kinderbetreuung",
    "Nachbarschaftstreffs",
    "Sportangebote",
    "Kulturveranstaltungen",
    "Hausaufgabenhilfe",
)
_SCALE = ("sehr gut", "gut", "befriedigend", "ausreichend", "mangelhaft")
_ROWS = ("Planung", "Umsetzung", "Beteiligung", "Kommunikation", "Verstetigung")
_NUMBERS = (
    ("Wie viele Personen nehmen durchschnittlich pro Woche teil?", 1000),
    ("Wie viele Wochenstunden stehen dafür zur Verfügung?", 168),
    ("Wie viele Kooperationspartner gibt es?", 100),
    ("Wie viele Veranstaltungen fanden im letzten Jahr statt?", 500),
)
_TEXTS = (
    "Bitte beschreiben Sie kurz die wichtigsten Erfahrungen.",
    "Was sollte aus Ihrer Sicht verbessert werden?",
    "Welche weiteren Anmerkungen haben Sie?",
)


def _types(n: int, rnd: random.Random) -> list[str]:
    types: list[str] = []
    while len(types) < n:
        block = [t for t, k in MIX.items() for _ in range(k)]
        rnd.shuffle(block)
        types += block
    if types[0] != "single":  # the first question is a screening single choice
        types[types.index("single")] = types[0]
        types[0] = "single"
    return types[:n]


def _sections(n: int, rnd: random.Random) -> list[int]:
    """Section sizes adding up to ``n``, each 20–50 (or all of a smaller ``n``)."""
    sizes: list[int] = []
    low, high = SECTION_SIZES
    remaining = n
    while remaining > 0:
        size = rnd.randint(low, high)
        if remaining <= high:
            size = remaining
        elif remaining - size < low:
            size = remaining // 2
        sizes.append(size)
        remaining -= size
    return sizes


def _atom(source: Question, rnd: random.Random) -> Condition:
    """A comparison with the answer of ``source`` (a single or multiple choice)."""
    codes = [o["code"] for o in source["options"]]
    if source["type"] == "multiple":
        return ("has", source["id"], rnd.choice(codes))
    form = rnd.random()
    if form < 0.6:
        return ("==", source["id"], rnd.choice(codes[:4]))
    if form < 0.75:
        return ("!=", source["id"], rnd.choice(codes))
    return ("in", source["id"], tuple(sorted(rnd.sample(codes, rnd.randint(2, 3)))))


def _filter(earlier: list[Question], rnd: random.Random) -> Condition | None:
    """A question's ``when`` on the (mostly choice) questions among ``earlier``."""
    choices = [q for q in earlier if q["type"] in ("single", "multiple")]
    numbers = [q for q in earlier if q["type"] == "number"]
    if not choices:
        return None
    form = rnd.random()
    if form < 0.08 and numbers:
        number = rnd.choice(numbers)
        return (">", number["id"], rnd.choice((0, 5, 10, 20)))
    if form < 0.2 and len(choices) >= 2:
        first, second = sorted(rnd.sample(choices, 2), key=lambda q: int(q["id"][1:]))
        return ("and", _atom(first, rnd), _atom(second, rnd))
    return _atom(rnd.choice(choices), rnd)


def _question(position: int, kind: str, rnd: random.Random) -> Question:
    qid = f"q{position}"
    question: Question = {"id": qid, "type": kind, "required": rnd.random() < 0.2}
    topic = rnd.choice(_TOPICS)
    if kind == "single":
        question["text"] = rnd.choice(_STEMS).format(topic)
        labels = [*_LIKERT, _NOT_APPLICABLE]
        question["options"] = [{"code": str(i + 1), "label": t} for i, t in enumerate(labels)]
    elif kind == "multiple":
        question["text"] = f"Welche Angebote betreffen {topic}?"
        offers = rnd.sample(_OFFERS, 6)
        question["options"] = [{"code": "abcdef"[i], "label": t} for i, t in enumerate(offers)]
        if rnd.random() < 1 / 3:
            question["options"][-1] = {
                "code": "none",
                "label": "keines davon",
                "exclusive": True,
            }
    elif kind == "text":
        question["text"] = rnd.choice(_TEXTS)
    elif kind == "number":
        text, high = rnd.choice(_NUMBERS)
        question.update(text=text, kind="integer", min=0, max=high)
    else:
        question["text"] = f"Wie bewerten Sie {topic} in den folgenden Bereichen?"
        width = rnd.choice((4, 5))
        question["scale"] = [{"code": str(i + 1), "label": _SCALE[i]} for i in range(width)]
        rows = rnd.sample(_ROWS, rnd.randint(3, 5))
        question["rows"] = [{"code": f"r{i + 1}", "label": t} for i, t in enumerate(rows)]
    return question


def generate(n: int, seed: int = 0) -> list[Question]:
    """The questions ``q1`` … ``qn`` of a synthetic instrument, in order (see the module)."""
    if n < 1:
        raise ValueError("an instrument needs at least one question")
    rnd = random.Random(f"qdef-synthetic-{n}-{seed}")
    types = _types(n, rnd)
    questions: list[Question] = []
    position = 0
    for index, size in enumerate(_sections(n, rnd)):
        sid = f"s{index + 1}"
        title = f"Teil {index + 1}"
        section_when = None
        if index > 0 and rnd.random() < SECTION_WHEN:
            section_when = _filter([q for q in questions[-WINDOW:] if q["type"] != "number"], rnd)
        for _ in range(size):
            position += 1
            question = _question(position, types[position - 1], rnd)
            question.update(section=sid, section_title=title, section_when=section_when)
            if position % FILTER_EVERY == 0:
                question["when"] = _filter(questions[-WINDOW:], rnd)
            low, high = GOTO_DISTANCE
            if question["type"] == "single" and position + low <= n and rnd.random() < GOTO_RATE:
                target = position + rnd.randint(low, min(high, n - position))
                question["options"][-1]["goto"] = f"q{target}"
                question["required"] = True
            questions.append(question)
    return questions


# ---------------------------------------------------------------------- qdef YAML


def condition_source(condition: Condition) -> str:
    """``condition`` in qdef's condition language."""
    op = condition[0]
    if op == "and":
        return f"{condition_source(condition[1])} and {condition_source(condition[2])}"
    _, variable, value = condition
    if op == "in":
        return f"{variable} in [{', '.join(json.dumps(v) for v in value)}]"
    return f"{variable} {op} {json.dumps(value)}"


def _s(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _flow(item: dict[str, Any]) -> str:
    parts = []
    for key, value in item.items():
        shown = "true" if value is True else _s(value) if isinstance(value, str) else value
        parts.append(f"{key}: {shown}")
    return "{" + ", ".join(parts) + "}"


def to_yaml(
    questions: list[Question], instrument_id: str = "synthetic", title: str = "Synthetic"
) -> str:
    """The qdef YAML text of ``questions`` (consecutive questions of one section grouped)."""
    lines = ["qdef: 1", f"id: {instrument_id}", f"title: {_s(title)}", "language: de", "sections:"]
    section = None
    for q in questions:
        if q["section"] != section:
            section = q["section"]
            lines += [f"  - id: {section}", f"    title: {_s(q['section_title'])}"]
            if q["section_when"] is not None:
                lines.append(f"    when: '{condition_source(q['section_when'])}'")
            lines.append("    questions:")
        lines += [f"      - id: {q['id']}", f"        type: {q['type']}"]
        lines.append(f"        text: {_s(q['text'])}")
        if q["required"]:
            lines.append("        required: true")
        if q.get("when") is not None:
            lines.append(f"        when: '{condition_source(q['when'])}'")
        if q["type"] == "number":
            lines += [f"        kind: {q['kind']}", f"        min: {q['min']}"]
            lines.append(f"        max: {q['max']}")
        for key in ("options", "scale", "rows"):
            if key in q:
                lines.append(f"        {key}:")
                lines += [f"          - {_flow(item)}" for item in q[key]]
    return "\n".join(lines) + "\n"


def synthetic(n: int, seed: int = 0) -> str:
    """The qdef YAML text of a synthetic instrument of ``n`` questions."""
    return to_yaml(generate(n, seed), f"synthetic_{n}_{seed}", f"Synthetic ({n} questions)")


if __name__ == "__main__":
    import sys

    sys.stdout.write(synthetic(*(int(a) for a in sys.argv[1:3])) if sys.argv[1:] else "")
