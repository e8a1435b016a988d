"""Writing the paper questionnaire in Markdown (the ``markdown`` renderer).

Layout, for each question: its only-if note, ``**7.** text hint``, the help,
the answer area (options as a list with ○ or ☐, blanks, matrix tables), the
personal-data note and the continue note. A conditional part (a section or
question with a ``when``) is a block quote from its only-if note to its end, so
that where it stops is plain on paper. Everything the instrument says is
escaped (:mod:`qdef.rendering.markdown`); everything qdef adds comes from the
chrome catalogue. The output is a function of the instrument and the
options alone: the same input gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from qdef.expr import Expr, parse
from qdef.model import (
    CheckColumn,
    Computed,
    DateInput,
    DateQuestion,
    DateRangeQuestion,
    Display,
    DualMatrixQuestion,
    GridQuestion,
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
    Repeat,
    Section,
    SingleChoice,
    TextColumn,
    TextFollowup,
    TextInput,
    TextListQuestion,
    TextQuestion,
)
from qdef.renderers.paper.blocks import Block, Group, Kind, markdown
from qdef.rendering import (
    Compiled,
    Destination,
    Notes,
    QuestionNotes,
    RenderOptions,
    Words,
    choices_hints,
    continue_text,
    exclusive_hint,
    goto_text,
    label_text,
    personal_note,
    question_only_if,
    routing_notes,
    section_only_if,
    units_kept,
)
from qdef.rendering.markdown import (
    LINE_WIDTH,
    at_line_start,
    blank,
    heading,
    inline,
    join,
    own_line,
    paragraphs,
    ruled_lines,
    table,
)

SINGLE, MULTIPLE = "○", "☐"
#: Between the options of ``widget: buttons`` (em spaces: HTML does not fold them).
BUTTON_GAP = "\u2003\u2003"
#: The blank to write a rank in.
RANK_WIDTH = 4
#: The most intervals a slider's line is divided into (and its width in characters).
SLIDER_TICKS, SLIDER_WIDTH = 10, 40
#: Default number of ruled lines for long text.
LONG_LINES = 3
#: Blank widths by kind of answer.
TEXT_WIDTH, FORMAT_WIDTH, GRID_TEXT_WIDTH = 30, 40, 20
DATE_WIDTH = {"day": 12, "month": 9, "year": 6}


def write(compiled: Compiled, options: RenderOptions) -> str:
    return "\n\n".join(markdown(structure(compiled, options))) + "\n"


def structure(compiled: Compiled, options: RenderOptions) -> list[Block]:
    """The paper questionnaire as Markdown blocks in groups (:mod:`.blocks`): what
    :func:`write` prints as Markdown and the ``pdf`` renderer as HTML."""
    return _Paper(compiled, options).document()


class _Paper:
    def __init__(self, compiled: Compiled, options: RenderOptions) -> None:
        options = units_kept(options)  # numbers kept with their units: docs/renderers.md
        self.compiled = compiled
        self.instrument = compiled.instrument
        self.options = options
        self.chrome = options.chrome
        self.notes: Notes = routing_notes(compiled)
        self.words = Words(compiled, options)
        # Every text as shown, piped values as placeholders ("[Antwort auf Frage 3]").
        self.text: Callable[[str | Mapping[str, str]], str] = self.words.text
        #: Inside a roster printed as repeated blocks: the numbers of its questions (a
        #: note sending a respondent past them goes on with the next entry).
        self.roster_numbers: frozenset[str] | None = None
        #: The questions by id (a roster's source among them).
        self.sources = {q.id: q for _, q in self.instrument.questions()}
        self.blocks: list[Block] = []
        #: The key path of the question being written.
        self.path: tuple[str | int, ...] = ()

    # ------------------------------------------------------------------ document

    def document(self) -> list[Block]:
        instrument = self.instrument
        self.blocks.append(_line("#", heading(inline(self.text(instrument.title)))))
        if instrument.version is not None:
            self.blocks.append(
                "*" + inline(self.chrome("version", version=instrument.version)) + "*"
            )
        if instrument.intro is not None:
            self.blocks.extend(paragraphs(self.text(instrument.intro)))
        numbers = self.compiled.numbers
        for index, section in enumerate(instrument.sections):
            self.path = ("sections", index)
            if section.intro is None and all(isinstance(q, Computed) for q in section.questions):
                continue  # nothing in it is shown: no heading with nothing under it
            with self.group("section"):
                if section.repeat is not None:
                    self.roster(index, section)
                    continue
                if section.title is not None:
                    self.blocks.append(_line("##", heading(inline(self.text(section.title)))))
                outer = self.opening(index, section)
                for position, question in enumerate(section.questions):
                    if isinstance(question, Computed):  # never shown: nothing on paper
                        continue
                    self.path = ("sections", index, "questions", position)
                    self.question(question, numbers.get(question.id))
                self.end_part(outer)
        return self.blocks

    def opening(self, index: int, section: Section) -> list[Block] | None:
        """A section's only-if note, which opens its conditional part, and its intro.
        Returns what :meth:`end_part` closes the part with."""
        note = section_only_if(self.notes.sections[index], self.words, self.options)
        outer = self.begin_part(note is not None)
        if note is not None:
            self.blocks.append(_emphasis(note))
        if section.intro is not None:
            self.blocks.extend(paragraphs(self.text(section.intro)))
        return outer

    @contextmanager
    def group(self, kind: Kind) -> Iterator[None]:
        """Collect the blocks written inside the ``with`` into a group of ``kind``."""
        outer, self.blocks = self.blocks, []
        try:
            yield
        finally:
            outer.append(Group(kind, self.blocks))
            self.blocks = outer

    # ------------------------------------------------------------------ rosters

    def roster(self, index: int, section: Section) -> None:
        """A roster: its heading, condition, intro and which entries it is filled in for;
        then a table with a column per entry when every question in it is short (one
        line, no notes of its own but a condition), else one block per entry, as many as
        there can be (paper cannot know how many a respondent has)."""
        repeat = section.repeat
        assert repeat is not None
        slots = self.slots(repeat)
        shown = [(p, q) for p, q in enumerate(section.questions) if not isinstance(q, Computed)]
        table = all(self.fits_table(q) for _, q in shown)
        title = section.title
        if title is not None and table:  # the item: the column's entry
            column = {repeat.item: self.chrome("roster_column")}
            shown_title = self.words.piped(self.options.text(title), column)
            self.blocks.append(_line("##", heading(inline(shown_title))))
        elif title is not None and not self.pipes(title, repeat.item):  # else: in each block
            self.blocks.append(_line("##", heading(inline(self.text(title)))))
        outer = self.opening(index, section)
        source = self.words.roster_source(section.id)
        if repeat.times is not None:
            instruction = self.chrome("roster_times", question=source, max=len(slots))
        elif self.words.item_kind(section.id) == "choice":
            instruction = self.chrome("roster_for_each_chosen", question=source)
        else:
            instruction = self.chrome("roster_for_each_named", question=source)
        if table:
            instruction = join(instruction, self.chrome("roster_table"))
        self.blocks.append(_emphasis(instruction))
        if table:
            self.roster_table(index, shown, repeat.item, slots)
        else:
            self.roster_blocks(index, section, shown, repeat.item, slots)
        self.end_part(outer)

    def pipes(self, text: str | Mapping[str, str], item: str) -> bool:
        """Whether ``text`` pipes a roster's ``item``."""
        shown = self.options.text(text)
        return self.words.piped(shown) != self.words.piped(shown, {item: "\0"})

    def slots(self, repeat: Repeat) -> list[tuple[str, str]]:
        """Every entry a roster can have, in order: its head (a column's, or a block's
        without a title) and what the item stands for in that entry's texts."""
        if repeat.times is not None:
            assert repeat.max is not None  # validation: times needs max
            return [
                (self.chrome("roster_slot", number=k), str(k)) for k in range(1, repeat.max + 1)
            ]
        source = self.sources.get(repeat.for_each or "")
        if isinstance(source, MultipleChoice):
            return [(self.text(o.label), self.text(o.label)) for o in source.options]
        assert isinstance(source, TextListQuestion)  # validation: a text list, else
        return [
            (
                self.chrome("roster_slot", number=k),
                self.chrome("pipe_answer", subject=self.words.subject(f"{source.id}.{f.code}")),
            )
            for k, f in enumerate(source.fields, 1)
        ]

    def fits_table(self, question: Question) -> bool:
        """Whether a question of a roster fits a table row: a single choice without
        follow-ups, a number asked with a box, a date, a short text; with no help, rule,
        personal-data or routing note (a condition goes into the row's label)."""
        if isinstance(question, SingleChoice):
            short = not any(option.specify for option in question.options)
        elif isinstance(question, NumberQuestion):
            short = question.widget == "input"
        elif isinstance(question, TextQuestion):
            short = not question.long
        else:
            short = isinstance(question, DateQuestion)
        if not short or isinstance(question, Display | Computed):
            return False
        notes = self.notes.questions[question.id]
        return (
            question.help is None
            and not self.check_notes(question)
            and personal_note(question, self.words, self.options) is None
            and self.offered_note(question) is None
            and not notes.options
            and notes.after is None
        )

    def roster_table(
        self,
        index: int,
        shown: Sequence[tuple[int, Question]],
        item: str,
        slots: list[tuple[str, str]],
    ) -> None:
        """The roster as one table: a row per question, a column per entry (the item
        piped as the column's entry)."""
        numbers = self.compiled.numbers
        column = {item: self.chrome("roster_column")}
        words, text_of = self.words, self.options.text

        def text(given: str | Mapping[str, str]) -> str:
            return words.piped(text_of(given), column)

        header = [""] + [inline(head) for head, _ in slots]
        rows: list[list[str]] = []
        for position, question in shown:
            assert not isinstance(question, Display | Computed)
            self.path = ("sections", index, "questions", position)
            label = inline(text(question.text))
            if question.hint is not None:
                label = join(label, inline(text(question.hint)))
            number = numbers.get(question.id)
            if number is not None:
                label = _line(f"**{inline(number)}.**", label)
            only_if = self.notes.questions[question.id].only_if
            if only_if is not None:
                condition = self.words.describe(only_if)
                label = join(label, inline(self.chrome("option_only_if", condition=condition)))
            if isinstance(question, SingleChoice):
                cell = " ".join(
                    _line(SINGLE, inline(text(option.label))) for option in question.options
                )
            else:
                assert isinstance(question, TextQuestion | NumberQuestion | DateQuestion)
                (cell,) = self.field_lines(question, "", one_line=True)
            rows.append([label] + [cell] * len(slots))
        self.blocks.append("\n".join(table(header, rows, [False] * (len(slots) + 1))))

    def roster_blocks(
        self,
        index: int,
        section: Section,
        shown: Sequence[tuple[int, Question]],
        item: str,
        slots: list[tuple[str, str]],
    ) -> None:
        numbers = self.compiled.numbers
        self.roster_numbers = frozenset(numbers[q.id] for _, q in shown if q.id in numbers)
        words, text_of = self.words, self.options.text
        try:
            for head, value in slots:
                slot = {item: value}

                def text(given: str | Mapping[str, str], slot: dict[str, str] = slot) -> str:
                    return words.piped(text_of(given), slot)

                self.text = text
                title = text(section.title) if section.title is not None else head
                self.blocks.append(_line("###", heading(inline(title))))
                for position, question in shown:
                    self.path = ("sections", index, "questions", position)
                    self.question(question, numbers.get(question.id))
        finally:
            self.text = words.text
            self.roster_numbers = None

    def route(self, destination: Destination, *, beside: bool) -> str:
        """Where to go on (an option's note beside it, else a note after a question);
        inside a roster's block, a destination past the roster's questions is the next
        entry, and after the last one that destination."""
        inside = self.roster_numbers
        if inside is None or destination.number in inside:
            if beside:
                return goto_text(destination, self.options)
            return continue_text(destination, self.options)
        prefix = "roster_goto" if beside else "roster_continue"
        if destination.number is None:
            return self.chrome(f"{prefix}_end")
        return self.chrome(prefix, number=destination.number)

    def begin_part(self, conditional: bool) -> list[Block] | None:
        """Start a conditional part (a section or question with a ``when``): its blocks
        are collected apart and printed as a quote, so that a bar in the margin shows
        where it begins and ends. Returns the blocks to go back to (None: not one)."""
        if not conditional:
            return None
        outer, self.blocks = self.blocks, []
        return outer

    def end_part(self, outer: list[Block] | None) -> None:
        if outer is None:
            return
        outer.append(Group("part", self.blocks))
        self.blocks = outer

    # ------------------------------------------------------------------ questions

    def question(self, question: Question, number: str | None) -> None:
        notes = self.notes.questions[question.id]
        only_if = question_only_if(question, notes, self.words, self.options)
        with self.group("question"):
            outer = self.begin_part(only_if is not None)
            if only_if is not None:
                self.blocks.append(_emphasis(only_if))
            self.question_body(question, number, notes)
            self.end_part(outer)

    def question_body(self, question: Question, number: str | None, notes: QuestionNotes) -> None:
        if isinstance(question, Computed):  # never shown (skipped before): nothing to write
            return
        texts = paragraphs(self.text(question.text))
        if isinstance(question, Display):
            self.blocks.extend(texts)
            if question.help is not None:
                self.blocks.extend(
                    _emphasis(p, escaped=True) for p in paragraphs(self.text(question.help))
                )
            self.after(notes)
            return
        # A text of nothing but Unicode spaces (valid: only ASCII blanks are refused)
        # shows as nothing; the question keeps its number.
        texts = texts or [""]
        last = texts[-1]
        if question.hint is not None:
            last = join(last, inline(self.text(question.hint)))
        if isinstance(question, MultipleChoice):
            last = join(last, *(_emphasis(h) for h in choices_hints(question, self.options)))
        texts[-1] = last
        if number is not None:
            texts[0] = _line(f"**{inline(number)}.**", texts[0])
        self.blocks.extend(texts)
        if question.help is not None:
            self.blocks.extend(
                _emphasis(p, escaped=True) for p in paragraphs(self.text(question.help))
            )
        offered = self.offered_note(question)
        if offered is not None:
            self.blocks.append(_emphasis(offered))
        self.answers(question, notes)
        self.blocks.extend(_emphasis(note) for note in self.check_notes(question))
        personal = personal_note(question, self.words, self.options)
        if personal is not None:
            self.blocks.append(_emphasis(personal))
        self.after(notes)

    def after(self, notes: QuestionNotes) -> None:
        if notes.after is not None:
            self.blocks.append("**→ " + inline(self.route(notes.after, beside=False)) + "**")

    def answers(self, question: Question, notes: QuestionNotes) -> None:
        if isinstance(question, SingleChoice) and question.widget == "buttons":
            self.blocks.extend(self.buttons(question, notes))
        elif isinstance(question, SingleChoice | MultipleChoice):
            self.blocks.extend(self.options_list(question, notes))
        elif isinstance(question, NumberQuestion) and question.widget == "slider":
            self.blocks.extend(self.slider(question))
        elif isinstance(question, TextQuestion | NumberQuestion | DateQuestion):
            self.blocks.extend(self.field_blocks(question))
        elif isinstance(question, DateRangeQuestion):
            self.blocks.append(self.date_range(question))
        elif isinstance(question, TextListQuestion):
            for field in question.fields:
                self.blocks.extend(self.field_blocks(field))
        elif isinstance(question, MatrixQuestion):
            self.blocks.append("\n".join(self.matrix(question)))
        elif isinstance(question, GridQuestion):
            self.blocks.append("\n".join(self.grid(question)))
        elif isinstance(question, RankingQuestion):
            self.blocks.extend(self.ranking(question))
        elif isinstance(question, NumberListQuestion):
            self.blocks.extend(self.number_list(question))
        elif isinstance(question, DualMatrixQuestion):
            self.blocks.append("\n".join(self.dual_matrix(question)))

    # ------------------------------------------------------------------ filters and rules

    def condition(self, path: tuple[str | int, ...], source: str) -> Expr:
        """The parsed condition at ``path`` (below the current question) of ``source``."""
        full = self.path + path
        return self.compiled.condition(full) or parse(source)

    def only_if(self, path: tuple[str | int, ...], source: str | None) -> str | None:
        """``(nur wenn …)`` beside an option or row with its own condition."""
        if source is None:
            return None
        condition = self.words.describe(self.condition(path, source))
        return inline(self.chrome("option_only_if", condition=condition))

    def offered_note(self, question: Question) -> str | None:
        """Which options (rows) may be chosen (filled in), for a question with a filter,
        and that the question is skipped when none may be: a routing fact (the question
        is not shown then)."""
        if not isinstance(question, _FILTERED):
            return None
        choices = isinstance(question, SingleChoice | MultipleChoice | RankingQuestion)
        parts: list[str] = []
        kind = "options" if choices else "rows"
        chosen = question.filter
        if chosen is not None:
            source = chosen.chosen_in or chosen.not_chosen_in or ""
            which = "chosen" if chosen.chosen_in is not None else "not_chosen"
            parts.append(
                self.chrome(f"filter_{kind}_{which}", question=self.words.question(source))
            )
        if isinstance(question, SingleChoice | MultipleChoice | RankingQuestion):
            whens = [option.when for option in question.options]
        else:
            whens = [row.when for row in question.rows]
        if chosen is not None or all(when is not None for when in whens):
            parts.append(self.chrome("skip_no_option" if choices else "skip_no_row"))
        return " ".join(parts) or None

    def check_notes(self, question: Question) -> list[str]:
        """The messages of the question's rules, its total's and its inputs' patterns, as notes
        (``Hinweis: Die Summe muss 100 % ergeben.``): a pattern without a message
        says nothing a respondent could read, so it is not printed."""
        if isinstance(question, Display | Computed):
            return []
        messages = [self.text(rule.message) for rule in question.rules or ()]
        total = question.total if isinstance(question, NumberListQuestion) else None
        if total is not None and total.message is not None:  # else the total line says it
            messages.append(self.text(total.message))
        messages.extend(
            self.text(i.pattern.message)
            for i in _text_inputs(question)
            if i.pattern is not None and i.pattern.message is not None
        )
        notes: list[str] = []
        for message in messages:
            note = self.chrome("rule_note", message=message)
            if note not in notes:
                notes.append(note)
        return notes

    # ------------------------------------------------------------------ options

    def buttons(self, question: SingleChoice, notes: QuestionNotes) -> list[str]:
        """``widget: buttons``: the options in one row (``○ 1   ○ 2   ○ 3``), each with
        its condition and route beside it. Options with follow-ups need lines of their own:
        then they are a list as usual."""
        if any(option.specify for option in question.options):
            return self.options_list(question, notes)
        cells: list[str] = []
        for index, option in enumerate(question.options):
            cell = _line(SINGLE, inline(self.text(option.label)))
            cell = join(cell, self.only_if(("options", index, "when"), option.when))
            if option.code in notes.options:
                cell = join(cell, inline(self.route(notes.options[option.code], beside=True)))
            cells.append(cell)
        # Em spaces: HTML keeps them (it folds only ASCII blanks), so the row stays spaced.
        return [BUTTON_GAP.join(cells)]

    def ranking(self, question: RankingQuestion) -> list[str]:
        """The instruction (number from 1 to k) and a paragraph per item with a blank to
        write the rank in, in the written order (paper cannot shuffle)."""
        count = len(question.options)
        top = question.top if question.top is not None and question.top < count else None
        if top is None:
            instruction = self.chrome("ranking_all", count=count)
        else:
            instruction = self.chrome("ranking_top", count=top)
        lines = []
        for index, option in enumerate(question.options):
            head = join(blank(RANK_WIDTH), inline(self.text(option.label)))
            lines.append(join(head, self.only_if(("options", index, "when"), option.when)))
        return [_emphasis(instruction), *lines]

    def number_list(self, question: NumberListQuestion) -> list[str]:
        """A paragraph per field (label, blank, unit), then the total line with its rule."""
        lines = [block for field in question.fields for block in self.field_blocks(field)]
        total = question.total
        if total is None:
            return lines
        label = self.text(total.label) if total.label is not None else self.chrome("total_label")
        units = {self.text(f.unit) if f.unit is not None else None for f in question.fields}
        unit = inline(units.pop()) if len(units) == 1 and None not in units else None
        width = max(_number_width(f) for f in question.fields)
        if total.equals is not None:
            rule = self.chrome("total_equals", total=self.words.number(total.equals))
        else:
            assert total.at_most is not None  # validation: exactly one of them
            rule = self.chrome("total_at_most", total=self.words.number(total.at_most))
        head = f"**{at_line_start(inline(label_text(label)))}**"
        lines.append(join(head, blank(width), unit, inline(rule)))
        return lines

    def options_list(
        self, question: SingleChoice | MultipleChoice, notes: QuestionNotes
    ) -> list[str]:
        """A paragraph per option, its box (○ or ☐) first — not a list item, whose
        bullet would be a second marker — and its follow-ups' blocks below it."""
        box = SINGLE if isinstance(question, SingleChoice) else MULTIPLE
        lines: list[str] = []
        for index, option in enumerate(question.options):
            head = _line(box, inline(self.text(option.label)))
            head = join(head, self.only_if(("options", index, "when"), option.when))
            exclusive = exclusive_hint(option, self.options)
            if exclusive is not None:
                head = join(head, inline(exclusive))
            inline_parts, below = self.followups(option)
            head = join(head, *inline_parts)
            if option.code in notes.options:
                head = join(head, inline(self.route(notes.options[option.code], beside=True)))
            lines.append(head)
            lines.extend(below)
        return lines

    def followups(self, option: Option) -> tuple[list[str], list[str]]:
        """The follow-ups of ``option``: parts for its own line, and blocks below it.

        A follow-up whose label ends with a colon is a prompt ("Name:") and gets a
        line of its own (an item of a loose list under the option, a paragraph with a
        paragraph's room above it), as does everything after it; long text gets ruled
        lines (paragraphs; inside the item of its label, if it has one)."""
        beside: list[str] = []
        below: list[str] = []
        own_lines = False
        for followup in option.specify or ():
            label = self.text(followup.label) if followup.label else None
            own_lines = own_lines or (label is not None and label.rstrip().endswith(":"))
            if isinstance(followup, TextFollowup) and followup.long:
                # Ruled lines under the option, or under the follow-up's own label
                # (indented into that item, so they belong to it).
                indent = ""
                if label is not None and inline(label):
                    below.append("- " + at_line_start(inline(label)))
                    indent = "  "
                below.extend(ruled_lines(followup.lines or LONG_LINES, indent))
                own_lines = True
                continue
            (line,) = self.field_lines(followup, "")
            if own_lines:
                below.append("- " + own_line(line))
            else:
                beside.append(line)
        return beside, below

    # ------------------------------------------------------------------ blanks

    def field_lines(
        self, field: TextInput | NumberInput | DateInput, indent: str, *, one_line: bool = False
    ) -> list[str]:
        """A label, a blank sized for the answer, unit, date hint and suffix; long text
        gets ruled lines below, unless the field must fit on ``one_line`` (a table cell)."""
        label = inline(self.text(field.label)) if field.label is not None else None
        suffix = inline(self.text(field.suffix)) if field.suffix is not None else None
        if isinstance(field, TextInput) and field.long and not one_line:
            lines = [indent + at_line_start(join(label, suffix))] if label or suffix else []
            return lines + ruled_lines(field.lines or LONG_LINES, indent)
        line = join(label, self.blank_for(field), *self.after_blank(field), suffix)
        return [indent + (at_line_start(line) if label else line)]

    def field_blocks(self, field: TextInput | NumberInput | DateInput) -> list[str]:
        """:meth:`field_lines` as blocks, each a paragraph of its own (a line of nothing
        but a blank escaped, so that it is not read as a rule)."""
        return [own_line(line) for line in self.field_lines(field, "")]

    def blank_for(self, field: TextInput | NumberInput | DateInput) -> str:
        if isinstance(field, NumberInput):
            return blank(_number_width(field))
        if isinstance(field, DateInput):
            return blank(DATE_WIDTH[field.precision])
        if field.format is not None:
            return blank(FORMAT_WIDTH if field.format != "phone" else GRID_TEXT_WIDTH)
        if field.max_length is not None:
            return blank(min(max(field.max_length, 10), LINE_WIDTH))
        return blank(TEXT_WIDTH)

    def after_blank(self, field: TextInput | NumberInput | DateInput) -> list[str]:
        if isinstance(field, NumberQuestion) and field.step is not None:  # a data rule
            step = inline(self.chrome("step_hint", step=self.words.number(_whole(field.step))))
            unit = [inline(self.text(field.unit))] if field.unit is not None else []
            return [*unit, step]
        if isinstance(field, NumberInput) and field.unit is not None:
            return [inline(self.text(field.unit))]
        if isinstance(field, DateInput):
            return [inline(self.chrome(f"date_{field.precision}"))]
        return []

    def slider(self, question: NumberQuestion) -> list[str]:
        """``widget: slider``: a line from ``min`` to ``max`` with ticks at the steps
        (at most :data:`SLIDER_TICKS` intervals; none between when the steps do not divide
        the line evenly), to mark with a cross; the unit after ``max``."""
        low, high = question.min, question.max
        assert low is not None and high is not None  # validation: a slider needs both
        intervals = _slider_intervals(high - low, question.step or 1)
        dash = "─" * max(SLIDER_WIDTH // intervals, 2)
        line = "├" + "┼".join([dash] * intervals) + "┤"
        label = inline(self.text(question.label)) if question.label is not None else None
        suffix = inline(self.text(question.suffix)) if question.suffix is not None else None
        ends = [inline(self.words.number(low)), line, inline(self.words.number(high))]
        text = join(label, *ends, *self.after_blank(question), suffix)
        return [at_line_start(text), _emphasis(self.chrome("slider_hint"))]

    def date_range(self, question: DateRangeQuestion) -> str:
        hint = inline(self.chrome(f"date_{question.precision}"))
        width = DATE_WIDTH[question.precision]
        start = (
            inline(self.text(question.from_label))
            if question.from_label
            else inline(self.chrome("date_from"))
        )
        end = (
            inline(self.text(question.to_label))
            if question.to_label
            else inline(self.chrome("date_to"))
        )
        return at_line_start(join(start, blank(width), hint, end, blank(width), hint))

    # ------------------------------------------------------------------ tables

    def row_label(self, row: MatrixRow, index: int) -> str:
        label = join(inline(self.text(row.label)), self.only_if(("rows", index, "when"), row.when))
        if row.specify is None:
            return label
        (line,) = self.field_lines(row.specify, "", one_line=True)
        return join(label, line)

    def matrix(self, question: MatrixQuestion) -> list[str]:
        header = [""] + [
            inline(
                join(self.text(c.label), f"({self.text(c.description)})" if c.description else None)
            )
            for c in question.scale
        ]
        rows = [
            [self.row_label(row, i)] + [SINGLE] * len(question.scale)
            for i, row in enumerate(question.rows)
        ]
        return table(header, rows, [False] + [True] * len(question.scale))

    def dual_matrix(self, question: DualMatrixQuestion) -> list[str]:
        """ONE table for both scales. GFM tables have one header row and no spanning
        cells, so the header row names each scale over its first column (the scale's other
        columns under an empty head), and the first row, in bold, the columns."""
        header = [""]
        columns = [""]
        for scale in question.scales:
            for index, column in enumerate(scale.columns):
                header.append(f"**{inline(self.text(scale.label))}**" if index == 0 else "")
                label = join(
                    self.text(column.label),
                    f"({self.text(column.description)})" if column.description else None,
                )
                columns.append(f"*{inline(label)}*" if inline(label) else "")
        width = sum(len(scale.columns) for scale in question.scales)
        rows = [columns] + [
            [self.row_label(row, i)] + [SINGLE] * width for i, row in enumerate(question.rows)
        ]
        return table(header, rows, [False] + [True] * width)

    def grid(self, question: GridQuestion) -> list[str]:
        header = [""] + [
            inline(
                join(self.text(c.label), f"({self.text(c.description)})" if c.description else None)
            )
            for c in question.columns
        ]
        cells: list[str] = []
        for column in question.columns:
            if isinstance(column, CheckColumn):
                cells.append(MULTIPLE)
            elif isinstance(column, NumberColumn):
                cells.append(join(blank(_number_width(column)), *self.after_blank(column)))
            else:
                cells.append(blank(GRID_TEXT_WIDTH))
        rows = [[self.row_label(row, i), *cells] for i, row in enumerate(question.rows)]
        centred = [False] + [isinstance(c, CheckColumn) for c in question.columns]
        return table(header, rows, centred)


_FILTERED = (
    SingleChoice
    | MultipleChoice
    | MatrixQuestion
    | GridQuestion
    | RankingQuestion
    | DualMatrixQuestion
)


def _text_inputs(question: Question) -> list[TextInput]:
    """Every text input of ``question``: itself, its fields, follow-ups and columns."""
    found: list[TextInput] = []
    if isinstance(question, TextInput):
        found.append(question)
    if isinstance(question, TextListQuestion):
        found.extend(question.fields)
    if isinstance(question, SingleChoice | MultipleChoice):
        found.extend(
            f
            for option in question.options
            for f in option.specify or ()
            if isinstance(f, TextFollowup)
        )
    if isinstance(question, MatrixQuestion | GridQuestion | DualMatrixQuestion):
        found.extend(row.specify for row in question.rows if row.specify is not None)
    if isinstance(question, GridQuestion):
        found.extend(c for c in question.columns if isinstance(c, TextColumn))
    return found


def _whole(value: float) -> float:
    """A number given as a decimal (a step is one) without a needless ``.0``."""
    return int(value) if value.is_integer() else value


def _slider_intervals(span: float, step: float) -> int:
    """How many intervals a slider's line shows: one per step when there are at most
    :data:`SLIDER_TICKS`, else the most up to that which divides the steps evenly."""
    steps = span / step
    whole = round(steps)
    if whole < 1 or abs(steps - whole) > 1e-9 * max(whole, 1):
        return 1
    return max(k for k in range(1, min(whole, SLIDER_TICKS) + 1) if whole % k == 0)


def _number_width(field: NumberInput) -> int:
    bounds = [b for b in (field.min, field.max) if b is not None]
    digits = max((len(str(int(abs(b)))) + (1 if b < 0 else 0) for b in bounds), default=4)
    width = 2 * digits + (3 if field.kind == "decimal" else 0)
    return min(max(width, 6), 20)


def _line(start: str, rest: str) -> str:
    """``start`` and ``rest`` separated by a space, or ``start`` alone when ``rest`` is
    empty (no trailing space)."""
    return f"{start} {rest}" if rest else start


def _emphasis(text: str, *, escaped: bool = False) -> str:
    """``text`` in italics (escaped unless it already is)."""
    return "*" + (text if escaped else inline(text)) + "*"
