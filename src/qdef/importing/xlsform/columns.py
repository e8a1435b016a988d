"""The vocabulary of XLSForm sheets: column headers (with their aliases and
``::language`` suffixes), question types (with pyxform's aliases), language names
and cell values as text."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from qdef.importing.xlsform.reading import Cell

#: Columns whose cells are texts in a language (``label::English (en)``).
TRANSLATABLE = {"label", "hint", "guidance_hint", "constraint_message", "required_message", "media"}
MEDIA = {"image", "audio", "video", "big_image"}

_ALIASES = {
    "jr:constraintmsg": "constraint_message",
    "constraintmsg": "constraint_message",
    "constraint_msg": "constraint_message",
    "jr:requiredmsg": "required_message",
    "requiredmsg": "required_message",
    "required_msg": "required_message",
    "calculate": "calculation",
    "readonly": "read_only",
    "jr:count": "repeat_count",
    "list_name": "list_name",
    "list name": "list_name",
    "appearance": "appearance",
    "jr:preload": "preload",
    "jr:preloadparams": "preload_params",
    "choice_filter": "choice_filter",
    "noappbutton": "no_app_button",
}


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    """The column's meaning: ``label``, ``relevant``, ``constraint_message`` …"""
    language: str | None
    """The language name after ``::`` (``English (en)``), or None."""


def column(header: Cell) -> Column | None:
    text = cell_text(header).strip()
    if not text:
        return None
    lowered = text.lower()
    for prefix in ("bind::", "bind:", "control::", "control:", "body::", "body:"):
        if lowered.startswith(prefix):
            text, lowered = text[len(prefix) :], lowered[len(prefix) :]
            break
    if lowered in _ALIASES:
        return Column(_ALIASES[lowered], None)
    if lowered.startswith("media::") or lowered.startswith("media:"):
        return Column("media", text.split(":")[-1].strip() or None)
    base, separator, language = text.partition("::")
    if not separator:
        base, separator, language = text.partition(":")
    key = _normal(base)
    key = _ALIASES.get(key, key)
    if separator and (key in TRANSLATABLE or key in MEDIA):
        if key in MEDIA:
            return Column("media", language.strip() or None)
        return Column(key, language.strip() or None)
    if separator:
        return Column(_normal(text), None)
    if key in MEDIA:
        return Column("media", None)
    return Column(key, None)


def _normal(text: str) -> str:
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def cell_text(cell: Cell) -> str:
    """A cell as XLSForm reads it: numbers without a useless ``.0``, dates in ISO form."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, dt.datetime):
        if cell.time() == dt.time(0, 0):
            return cell.date().isoformat()
        return cell.isoformat(timespec="minutes")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, dt.time):
        return cell.strftime("%H:%M")
    return str(cell)


_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_LANGUAGE_NAMES = {
    "english": "en",
    "french": "fr",
    "français": "fr",
    "spanish": "es",
    "español": "es",
    "german": "de",
    "deutsch": "de",
    "portuguese": "pt",
    "português": "pt",
    "arabic": "ar",
    "chinese": "zh",
    "hindi": "hi",
    "swahili": "sw",
    "kiswahili": "sw",
    "russian": "ru",
    "italian": "it",
    "dutch": "nl",
    "japanese": "ja",
    "korean": "ko",
    "turkish": "tr",
    "polish": "pl",
    "ukrainian": "uk",
    "bengali": "bn",
    "urdu": "ur",
    "indonesian": "id",
    "vietnamese": "vi",
    "thai": "th",
    "amharic": "am",
    "hausa": "ha",
    "yoruba": "yo",
    "igbo": "ig",
    "somali": "so",
    "nepali": "ne",
    "persian": "fa",
    "farsi": "fa",
    "greek": "el",
    "hebrew": "he",
    "czech": "cs",
    "romanian": "ro",
    "hungarian": "hu",
    "swedish": "sv",
    "danish": "da",
    "norwegian": "no",
    "finnish": "fi",
    "burmese": "my",
    "khmer": "km",
    "lao": "lo",
    "tagalog": "tl",
    "malay": "ms",
    "zulu": "zu",
    "xhosa": "xh",
}


def language_tag(name: str) -> str | None:
    """The BCP 47 tag of an XLSForm language name: ``English (en)`` → ``en``,
    ``english`` → ``en``, ``fr`` → ``fr``; None when it cannot be known."""
    found = re.search(r"\(([^()]*)\)\s*$", name)
    if found and _TAG.match(found.group(1).strip()):
        return found.group(1).strip()
    plain = name.strip()
    if plain.lower() in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[plain.lower()]
    if (_TAG.match(plain) and len(plain) <= 3) or (_TAG.match(plain) and "-" in plain):
        return plain.lower() if len(plain) <= 3 else plain
    return None


@dataclass(frozen=True, slots=True)
class QType:
    """A question type, with pyxform's aliases resolved."""

    base: str
    """``text``, ``integer``, ``select_one``, ``begin_group``, ``geopoint`` …"""
    list_name: str | None = None
    or_other: bool = False


_SELECT = re.compile(
    r"(?P<kind>select_one_from_file|select_multiple_from_file|select_one_external|"
    r"select one from|select all that apply from|select all that apply|select_one|select one|"
    r"select1|select_multiple|select multiple|rank)\s+(?P<list>\S+)"
    r"(?P<other>\s+or_other|\s+or\s+specify\s+other)?",
    re.IGNORECASE,
)
_SELECT_KINDS = {
    "select one from": "select_one",
    "select_one": "select_one",
    "select one": "select_one",
    "select1": "select_one",
    "select all that apply from": "select_multiple",
    "select all that apply": "select_multiple",
    "select_multiple": "select_multiple",
    "select multiple": "select_multiple",
    "rank": "rank",
    "select_one_from_file": "select_one_from_file",
    "select_multiple_from_file": "select_multiple_from_file",
    "select_one_external": "select_one_external",
}
_SIMPLE = {
    "text": "text",
    "string": "text",
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "datetime": "datetime",
    "note": "note",
    "calculate": "calculate",
    "hidden": "hidden",
    "acknowledge": "acknowledge",
    "trigger": "acknowledge",
    "range": "range",
    "barcode": "barcode",
    "phone number": "phone",
    "begin group": "begin_group",
    "begin_group": "begin_group",
    "end group": "end_group",
    "end_group": "end_group",
    "begin repeat": "begin_repeat",
    "begin_repeat": "begin_repeat",
    "end repeat": "end_repeat",
    "end_repeat": "end_repeat",
    "end loop": "end_loop",
    "end_loop": "end_loop",
    "email": "metadata",
}
METADATA = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "uri:deviceid",
    "uri:subscriberid",
    "uri:simserial",
    "uri:phonenumber",
    "uri:username",
    "uri:email",
    "start-geopoint",
    "imei",
    "instanceid",
}


def question_type(text: str) -> QType:
    plain = " ".join(text.split())
    lowered = plain.lower()
    if lowered in METADATA:
        return QType("metadata")
    if lowered in _SIMPLE:
        return QType(_SIMPLE[lowered])
    loop = re.fullmatch(r"begin[ _]loop over (\S+)", plain, re.IGNORECASE)
    if loop:
        return QType("begin_loop", loop.group(1))
    found = _SELECT.fullmatch(plain)
    if found:
        kind = _SELECT_KINDS[found.group("kind").lower()]
        return QType(kind, found.group("list"), bool(found.group("other")))
    return QType(lowered)
