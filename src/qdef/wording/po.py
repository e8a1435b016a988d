"""Wording catalogues as gettext PO files, read and written with Babel.

One message per key: ``msgctxt`` is the key (the stable id renderers ask for),
``msgid`` the English text (the source), ``msgstr`` the translation; a message with
a count has ``msgid_plural`` and one ``msgstr[n]`` per plural form of the language
(CLDR's rules, through Babel). ``#.`` says where the message is printed, ``#,
python-brace-format`` marks one with ``{placeholders}``. qdef's English catalogue
(``catalogs/en.po``) is the template every other catalogue is checked against
(:func:`read`) and :func:`template` writes for a new language.

Problems are :class:`~qdef.diagnostics.Diagnostic` values at the file's line:
QD831 (the file cannot be read as a catalogue), QD832 (placeholders), QD833 (plural
forms) are errors, which refuse the file; QD834 (a message qdef does not have) and
QD835 (a message whose English source changed) are warnings of ``qdef catalog
check``. QD830, a message the file lacks, is reported where the message is printed
(:class:`~qdef.wording.catalog.Catalog`).
"""

from __future__ import annotations

import io
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from qdef.diagnostics import Code, Diagnostic, Span

#: Keys whose plural form follows another value than ``count``.
COUNTED_BY: Mapping[str, str] = {
    "choices_between": "max",
    "roster_times": "max",
    "lss_rank_all": "top",
}

#: Where to look for what to do about a catalogue's problem.
FIX = "see docs/languages.md; 'qdef catalog check FILE' lists every problem"


@dataclass(frozen=True, slots=True)
class Message:
    """One message of a catalogue: its key, English source, and translation (one form,
    or one per plural form), where it is used, and its line in the file."""

    key: str
    source: str | tuple[str, str]
    """The English text (``msgid``); with a plural, the singular and plural."""
    forms: tuple[str, ...]
    """The translation: one text, or one per plural form; empty when untranslated."""
    comment: str = ""
    line: int = 0

    @property
    def plural(self) -> bool:
        return isinstance(self.source, tuple)


@dataclass(frozen=True, slots=True)
class Parsed:
    """A catalogue as read: its language, plural rule, messages and problems."""

    lang: str
    nplurals: int
    plural_expr: str
    messages: dict[str, Message]
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.problems if d.is_error]


def placeholders(text: str) -> set[str] | None:
    """The ``{names}`` of ``text``, or None if it is not a plain brace format: every
    field a bare name (no index, attribute, conversion or format spec)."""
    names: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            return None
        names.add(name)
    return names


def plural_rule(lang: str) -> tuple[int, str] | None:
    """The number of plural forms and the gettext expression for ``lang``, from CLDR
    through Babel; None for a language Babel does not know."""
    from babel import Locale, UnknownLocaleError  # noqa: PLC0415
    from babel.messages.plurals import get_plural  # noqa: PLC0415

    try:
        Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None
    rule = get_plural(lang.replace("-", "_"))
    return rule.num_plurals, rule.plural_expr


def plural_function(expr: str) -> Callable[[int], int]:
    """The gettext plural expression as a function (the standard library's parser,
    which accepts only C's arithmetic and comparisons)."""
    import gettext  # noqa: PLC0415

    return gettext.c2py(expr)


def read(data: bytes, file: Path, lang: str, template: Mapping[str, Message] | None) -> Parsed:
    """The catalogue in ``data`` (the file ``file``, for ``lang``), checked against
    ``template`` (qdef's English messages; None when reading the template itself)."""
    from babel.messages.pofile import PoFileError, read_po  # noqa: PLC0415

    def at(line: int, code: Code, message: str, severity: str = "error") -> Diagnostic:
        return Diagnostic(code, message, Span(file, max(line, 1), 1), severity)  # type: ignore[arg-type]

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return _broken(lang, at(line, Code.QD831, "the file is not UTF-8; save it as UTF-8"))
    rule = plural_rule(lang)
    declared = re.search(r"^\"Plural-Forms:.*?nplurals\s*=\s*(\d+)", text, re.MULTILINE)
    if rule is not None and declared is not None and int(declared.group(1)) != rule[0]:
        nplurals, expr = rule
        return _broken(
            lang,
            at(
                text.count("\n", 0, declared.start()) + 1,
                Code.QD833,
                f"the header says {declared.group(1)} plural forms, but {lang!r} has "
                f"{nplurals} (CLDR); write 'Plural-Forms: nplurals={nplurals}; "
                f"plural={expr};' and one msgstr[n] per form",
            ),
        )
    try:
        po = read_po(io.StringIO(text), abort_invalid=True, charset="utf-8")
    except PoFileError as error:
        said = re.sub(r" on \d+$", "", str(error))  # Babel's line, counted from 0
        return _broken(
            lang,
            at(
                error.lineno + 1,
                Code.QD831,
                f"this is not PO syntax ({said}); write msgctxt, msgid and msgstr lines "
                f"as 'qdef catalog init {lang}' does",
            ),
        )
    problems: list[Diagnostic] = []
    if rule is not None:
        nplurals, expr = rule
    elif declared is not None:
        nplurals, expr = po.num_plurals, po.plural_expr
    else:
        nplurals, expr = 2, "(n != 1)"
    messages: dict[str, Message] = {}
    for entry in po:
        if not entry.id:
            continue  # the header
        line = int(entry.lineno or 1)
        key = entry.context
        if not key:
            problems.append(
                at(
                    line,
                    Code.QD831,
                    "this message has no msgctxt; every message of a wording catalogue is "
                    "named by its msgctxt (the key, as 'qdef catalog init' writes it)",
                )
            )
            continue
        if key in messages:
            problems.append(at(line, Code.QD831, f"the message {key!r} is given twice"))
            continue
        ident = entry.id
        source: str | tuple[str, str] = (
            (str(ident[0]), str(ident[1])) if isinstance(ident, tuple | list) else str(ident)
        )
        raw = entry.string
        forms = tuple(str(s) for s in raw) if isinstance(raw, tuple) else (str(raw),)
        if isinstance(raw, tuple) and any(forms) and not all(forms):
            empty = forms.index("")
            problems.append(
                at(
                    line,
                    Code.QD833,
                    f"{key!r} has msgstr[{empty}] empty; the language has {nplurals} plural "
                    f"forms: write msgstr[0] to msgstr[{nplurals - 1}]",
                )
            )
        translated = not entry.fuzzy and all(forms)
        messages[key] = Message(
            key,
            source,
            forms if translated else (),
            "\n".join(entry.auto_comments),
            line,
        )
    if template is not None:
        for message in messages.values():
            problems.extend(_check(message, template.get(message.key), nplurals, at))
    return Parsed(lang, nplurals, expr, messages, problems)


def _broken(lang: str, problem: Diagnostic) -> Parsed:
    return Parsed(lang, 2, "(n != 1)", {}, [problem])


def _check(
    message: Message,
    model: Message | None,
    nplurals: int,
    at: Callable[..., Diagnostic],
) -> list[Diagnostic]:
    """The problems of one message against qdef's (``model``)."""
    key, line = message.key, message.line
    if model is None:
        return [
            at(
                line,
                Code.QD834,
                f"qdef has no message {key!r}; remove it, or check the key for a typo "
                "('qdef catalog init' lists every key)",
                "warning",
            )
        ]
    problems: list[Diagnostic] = []
    if message.source != model.source:
        problems.append(
            at(
                line,
                Code.QD835,
                f"the English text of {key!r} is now {_shown(model.source)}; check the "
                "translation against it, then copy it into msgid",
                "warning",
            )
        )
    if model.plural != message.plural:
        want = "msgid_plural and msgstr[0] …" if model.plural else "msgstr, without plural forms"
        return [
            *problems,
            at(line, Code.QD833, f"{key!r} needs {want}, as in 'qdef catalog init'"),
        ]
    if not message.forms:
        return problems
    if model.plural and len(message.forms) != nplurals:
        problems.append(
            at(
                line,
                Code.QD833,
                f"{key!r} has {len(message.forms)} plural forms, but the language has "
                f"{nplurals}; write msgstr[0] to msgstr[{nplurals - 1}]",
            )
        )
    wanted = set()
    for text in model.source if isinstance(model.source, tuple) else (model.source,):
        wanted |= placeholders(text) or set()
    found: set[str] = set()
    for text in message.forms:
        names = placeholders(text)
        if names is None:
            problems.append(
                at(
                    line,
                    Code.QD832,
                    f"the translation of {key!r} has braces qdef cannot fill in: write "
                    "each placeholder as {name} (one of "
                    f"{_names(wanted)}) and a literal brace as {{{{ or }}}}",
                )
            )
            return problems
        found |= names
        extra = names - wanted
        if extra:
            problems.append(
                at(
                    line,
                    Code.QD832,
                    f"the translation of {key!r} has the placeholder "
                    f"{_names(extra)}, which qdef does not fill in; use {_names(wanted)}",
                )
            )
            return problems
    missing = wanted - found
    if missing:
        problems.append(
            at(
                line,
                Code.QD832,
                f"the translation of {key!r} leaves out {_names(missing)}; keep every "
                f"placeholder of the English text ({_names(wanted)})",
            )
        )
    return problems


def _names(names: set[str]) -> str:
    return ", ".join("{" + name + "}" for name in sorted(names)) or "no placeholder"


def _shown(source: str | tuple[str, str]) -> str:
    return repr(source[1] if isinstance(source, tuple) else source)


def header(lang: str, nplurals: int, expr: str, comment: str) -> str:
    """The header entry of a catalogue for ``lang`` (without dates: the same bytes
    every time)."""
    return (
        f"# {comment}\n"
        'msgid ""\n'
        'msgstr ""\n'
        '"Project-Id-Version: qdef\\n"\n'
        f'"Language: {lang}\\n"\n'
        '"MIME-Version: 1.0\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Content-Transfer-Encoding: 8bit\\n"\n'
        f'"Plural-Forms: nplurals={nplurals}; plural={expr};\\n"\n\n'
    )


def template(lang: str, messages: Mapping[str, Message]) -> bytes:
    """A catalogue for ``lang`` with every one of ``messages`` (qdef's English) and
    empty translations: what ``qdef catalog init`` writes."""
    from babel.messages.catalog import Catalog  # noqa: PLC0415
    from babel.messages.pofile import write_po  # noqa: PLC0415

    rule = plural_rule(lang)
    nplurals, expr = rule if rule is not None else (2, "(n != 1)")
    po = Catalog(locale=None, project="qdef", fuzzy=False)
    po._num_plurals = nplurals  # type: ignore[assignment]  # Babel: from the locale
    for message in messages.values():
        empty: str | tuple[str, ...] = ("",) * nplurals if message.plural else ""
        braces = any(
            placeholders(text)
            for text in (message.source if isinstance(message.source, tuple) else (message.source,))
        )
        po.add(
            message.source,
            empty,
            context=message.key,
            auto_comments=message.comment.splitlines(),
            flags=["python-brace-format"] if braces else [],
        )
    out = io.BytesIO()
    write_po(out, po, omit_header=True, width=0)
    comment = (
        f"qdef's own wording in {lang}: translate each msgstr (see docs/languages.md), "
        "then check with 'qdef catalog check'."
    )
    body = out.getvalue().decode("utf-8").lstrip("\n")
    return (header(lang, nplurals, expr, comment) + body).encode("utf-8")
