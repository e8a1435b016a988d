"""The survey's records to qdef's plain data: the document, the symbols its
equations name, and every loss, located (the question kinds: :mod:`.kinds`)."""

from __future__ import annotations

import re
from typing import Any

from qdef.expr.nodes import And, Answered, Arith, Call, Compare, Expr, Has, In, Neg, Or, Ref
from qdef.expr.parser import parse as parse_qdef
from qdef.expr.tokens import ExprSyntaxError
from qdef.importing.limesurvey import script
from qdef.importing.limesurvey.archive import Survey
from qdef.importing.limesurvey.texts import plain, tailor
from qdef.importing.limesurvey.translate import Symbol, Translator, Untranslatable
from qdef.importing.limesurvey.words import word
from qdef.importing.report import ImportResult, KeyPath, LossKind

ID = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
CODE = re.compile(r"[A-Za-z0-9_]{1,64}")
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
RESERVED = {"end", "and", "or", "not", "has", "in", "answered", "true", "false"}
TEXT = dict[str, str]
Data = dict[str, Any]


class Place:
    """Where a question of the source is, for its losses."""

    def __init__(self, code: str | None, where: str) -> None:
        self.code = code
        self.where = where
        self.lost_tags: set[str] = set()
        self.literal: list[str] = []


class Base:
    """What the question kinds use: texts, ids, codes, equations and losses."""

    def __init__(self, survey: Survey, result: ImportResult) -> None:
        self.survey = survey
        self.result = result
        self.languages = [x for x in survey.languages if LANGUAGE.fullmatch(x)]
        for x in survey.languages:
            if x not in self.languages:
                result.lose(
                    f"survey {survey.sid}",
                    "left out",
                    f"the language {x!r}",
                    "it is not a language tag qdef reads (BCP 47); rename it in LimeSurvey",
                )
        if not self.languages:
            self.languages = ["en"]
        self.base = self.languages[0]
        self.ids: set[str] = set()
        self.symbols: dict[str, Symbol] = {}
        self.translator = Translator(self.symbols)
        self.place: Place | None = None
        self.at: KeyPath = ()
        self.conditional = False
        self.last_type = ""
        """the type of the last value translated (num, text, bool …)"""

    # losses -------------------------------------------------------------------

    def lose(self, kind: LossKind, what: str, why: str, at: KeyPath | None = None) -> None:
        """A loss of the current question (or group, or the survey), located."""
        place = self.place
        self.result.lose(
            place.where if place else f"survey {self.survey.sid}",
            kind,
            what,
            why,
            at=self.at if at is None else at,
            question=place.code if place else None,
        )

    # texts --------------------------------------------------------------------

    def text(self, values: TEXT, *, piped: bool = True) -> str | TEXT | None:
        """A text in every language (the base language's where one is missing, as
        LimeSurvey fills it in), or None when it is empty in all of them."""
        found: TEXT = {}
        for language in self.languages:
            source = values.get(language) or ""
            text, lost = plain(source)
            if self.place is not None:
                self.place.lost_tags |= lost
            if piped:
                text, literal = tailor(text, self.pipe)
                if self.place is not None:
                    self.place.literal.extend(literal)
            if text.strip():
                found[language] = text
        if not found:
            return None
        fallback = found.get(self.base) or next(iter(found.values()))
        full = {language: found.get(language, fallback) for language in self.languages}
        return full[self.base] if len(self.languages) == 1 else full

    def same(self, text: str) -> str | TEXT:
        """A text that is the same in every language (a code, a number)."""
        return text if len(self.languages) == 1 else {x: text for x in self.languages}

    def word(self, english: str) -> str | TEXT:
        found: TEXT = {}
        for language in self.languages:
            local = word(english, language)
            if local is None:
                self.lose(
                    "approximated",
                    f"the word {english!r} in {language}",
                    "LimeSurvey shows its own translation, qdef needs the text: the English "
                    "word is written; translate it in the YAML",
                )
                local = english
            found[language] = local
        return found[self.base] if len(self.languages) == 1 else found

    def pipe(self, inner: str) -> str | None:
        """A tailoring ``{…}`` as a qdef piece: a plain variable only."""
        inner = inner.strip()
        if inner.upper().startswith("INSERTANS:"):
            symbol = self.sgqa(inner[len("INSERTANS:") :])
            return None if symbol is None else f"{{{symbol.path}|}}"
        try:
            node = script.parse(inner)
        except script.ScriptError:
            return None
        if not isinstance(node, script.Var):
            return self.piece(node, inner)
        parts = node.name.split(".")
        suffix = parts[1] if len(parts) == 2 else ""
        if len(parts) > 2 or suffix not in ("", "NAOK", "shown", "value"):
            return None
        symbol = self.symbols.get(parts[0]) or self.sgqa(parts[0])
        if symbol is None or symbol.kind not in ("choice", "text", "number", "date"):
            return None
        if symbol.kind == "choice" and suffix != "shown":
            self.lose(
                "approximated",
                f"the tailoring {{{inner}}}",
                "LimeSurvey inserts the answer's code here, qdef's piping its label",
            )
        return f"{{{symbol.path}|}}"

    def piece(self, node: script.Node, inner: str) -> str | None:
        """A tailoring that is an expression: a qdef piece with the same value."""
        translator = self.translator
        translator.notes = []
        translator.current = self.place.code if self.place and self.place.code else ""
        try:
            frag = translator.value(node)
            if frag.type not in ("num", "text", "choice", "number") or frag.type == "lit":
                return None
            parse_qdef(frag.text)
        except (Untranslatable, ExprSyntaxError):
            return None
        for note in translator.notes:
            self.lose("approximated", f"the tailoring {{{inner}}}", note)
        return f"{{{frag.text}|}}"

    def sgqa(self, name: str) -> Symbol | None:
        match = re.fullmatch(r"(\d+)X(\d+)X(\d+)(\w*)", name)
        if match is None:
            return None
        return self.symbols.get(f"qid:{match.group(3)}{match.group(4)}")

    # ids and codes ------------------------------------------------------------

    def new_id(self, wanted: str, what: str) -> str:
        """A qdef id for a LimeSurvey name: kept where valid and free."""
        clean = re.sub(r"[^A-Za-z0-9_]", "", wanted)[:60]
        if not clean or not clean[0].isalpha():
            clean = f"q{clean}"
        if clean.lower() in RESERVED:
            clean = f"{clean}_"
        candidate, n = clean, 1
        while candidate in self.ids:
            n += 1
            candidate = f"{clean}_{n}"
        self.ids.add(candidate)
        if candidate != wanted:
            self.lose(
                "approximated",
                f"the code of {what} {wanted!r}",
                f"it is written {candidate!r}: qdef ids are a letter, then letters, digits "
                "or _, unique, and not a word of the condition language; conditions are "
                "translated with the new name",
            )
        return candidate

    def codes(self, wanted: list[str], what: str) -> list[str]:
        """qdef codes for LimeSurvey's (answer or subquestion) codes of one list."""
        made: list[str] = []
        for code in wanted:
            clean = re.sub(r"[^A-Za-z0-9_]", "_", code)[:60] or "code"
            candidate, n = clean, 1
            while candidate in made:
                n += 1
                candidate = f"{clean}_{n}"
            made.append(candidate)
            if candidate != code:
                self.lose(
                    "approximated",
                    f"the code {code!r} of {what}",
                    f"it is written {candidate!r} (qdef codes are letters, digits and _, "
                    "unique in their list); recode the data accordingly",
                )
        return made

    # equations ----------------------------------------------------------------

    def condition(self, equation: str, what: str) -> str | None:
        """A relevance equation as a qdef condition, or None (always / left out)."""
        text = _unescape(equation).strip()
        if text in ("", "1"):
            return None
        try:
            constant = script.parse(text)
        except script.ScriptError:
            constant = None
        if isinstance(constant, script.Num | script.Str):  # always, or never
            value = constant.text if isinstance(constant, script.Num) else constant.value
            never = value in ("", "0") or (isinstance(constant, script.Num) and float(value) == 0)
            return "false" if never else None
        return self.equation(text, what, condition=True)

    def equation(self, text: str, what: str, *, condition: bool) -> str | None:
        translator = self.translator
        translator.notes = []
        translator.bare = {}
        translator.current = self.place.code if self.place and self.place.code else ""
        try:
            node = script.parse(text)
            if condition:
                result = translator.condition(node)
            else:
                frag = translator.value(node)
                result, self.last_type = frag.text, frag.type
                if frag.type == "lit":
                    self.last_type = "num" if frag.numeric_literal else "text"
            tree = parse_qdef(result)
        except script.ScriptError as error:
            self.lose("left out", what, f"it is not ExpressionScript ({error}); correct it")
            return None
        except Untranslatable as error:
            self.lose(
                "left out",
                what,
                f"{error}: rewrite `{_short(text)}` by hand in qdef's expression language",
            )
            return None
        except ExprSyntaxError as error:  # a defect of the translation: report, never crash
            self.lose("left out", what, f"the translation is not a qdef expression ({error})")
            return None
        if result in ("true",):
            return None
        for path, name in translator.bare.items():
            if not (condition and false_without(tree, path)):
                translator.note(
                    f"{name} has no .NAOK: LimeSurvey makes the whole equation false when it "
                    "was not shown, qdef reads it as unanswered"
                )
        for note in translator.notes:
            self.lose("approximated", what, note)
        return result


#: Functions whose value is there when an argument is absent.
_TOTAL = {"sum", "count", "coalesce", "len", "concat", "selected_count", "if", "min", "max"}


def _uses(expr: Expr, path: str) -> bool:
    """``expr`` is absent when ``path`` is (it uses it outside a total function)."""
    if isinstance(expr, Ref):
        return expr.name == path
    if isinstance(expr, Call):
        return expr.name not in _TOTAL and any(_uses(a, path) for a in expr.args)
    if isinstance(expr, Arith):
        return _uses(expr.left, path) or _uses(expr.right, path)
    if isinstance(expr, Neg):
        return _uses(expr.operand, path)
    return False


def false_without(expr: Expr, path: str) -> bool:
    """The condition is false whenever ``path`` is absent: then LimeSurvey's "NA" of a
    hidden question (the whole equation false) and qdef's absent answer agree."""
    if isinstance(expr, Answered):
        return expr.ref.name == path
    if isinstance(expr, Compare):
        return expr.op != "!=" and (_uses(expr.left, path) or _uses(expr.right, path))
    if isinstance(expr, Has):
        return _uses(expr.left, path)
    if isinstance(expr, In):
        return not expr.negated and _uses(expr.left, path)
    if isinstance(expr, And):
        return any(false_without(e, path) for e in expr.operands)
    if isinstance(expr, Or):
        return all(false_without(e, path) for e in expr.operands)
    return False


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "..."


def _unescape(text: str) -> str:
    """LimeSurvey decodes the HTML of an equation before reading it."""
    import html  # noqa: PLC0415

    return html.unescape(text)
