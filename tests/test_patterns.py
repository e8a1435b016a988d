"""Patterns (qdef.expr.patterns): the subset, its refusals, the translators, FORMATS."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qdef.expr import patterns
from qdef.expr.patterns import (
    FORMATS,
    PatternError,
    check_pattern,
    matches,
    to_javascript,
    to_pcre,
    to_python,
)


@pytest.mark.parametrize(
    ("regex", "python", "javascript", "pcre"),
    [
        ("[0-9]{5}", r"\A(?:[0-9]{5})\Z", r"^(?:[0-9]{5})$", r"/^(?:[0-9]{5})\z/u"),
        ("^a.c$", r"\A(?:a[^\x0a\x0d]c)\Z", r"^(?:a[^\u{a}\u{d}]c)$", r"/^(?:a[^\x{a}\x{d}]c)\z/u"),
        (r"\d+\w?\s*", r"\A(?:[0-9]+[0-9A-Z_a-z]?[\x09\x0a\x0d ]*)\Z", None, None),
        (r"(ab|c)+", r"\A(?:(?:ab|c)+)\Z", None, None),
        (r"a/b[/\-]", r"\A(?:a\/b[\-\/])\Z", r"^(?:a\/b[\-\/])$", r"/^(?:a\/b[\-\/])\z/u"),
        ("grün|ß{2,}", r"\A(?:grün|ß{2,})\Z", None, None),
        (r"[a-c&&~~]", r"\A(?:[\&a-c\~])\Z", r"^(?:[&a-c~])$", None),
    ],
)
def test_translations(regex: str, python: str, javascript: str | None, pcre: str | None) -> None:
    assert check_pattern(regex) == []
    assert to_python(regex) == python
    if javascript is not None:
        assert to_javascript(regex) == javascript
    if pcre is not None:
        assert to_pcre(regex) == pcre


@pytest.mark.parametrize(
    ("regex", "code", "offset", "message"),
    [
        # the backtracking rule
        ("(a+)+", "QD523", 4, "can also begin the next repetition"),
        ("(a|a)*", "QD523", 5, "two alternatives"),
        ("(a|ab)*", "QD523", 6, "two alternatives"),
        (r"(\d*)*", "QD523", 5, "can match an empty text"),
        ("(a?){5}", "QD523", 4, "can match an empty text"),
        (r"(\d{1,3})+", "QD523", 9, "can also begin the next repetition"),
        ("((a|b)+)*", "QD523", 8, "can also begin"),
        ("(x?a+)+", "QD523", 6, "can also begin"),
        (r"(a+b?)+", "QD523", 6, "can also begin"),
        # features that are not supported
        (r"(a)\1", "QD522", 3, "backreferences"),
        ("(?=a)a", "QD522", 0, "lookahead"),
        ("(?<!a)b", "QD522", 0, "lookbehind"),
        ("(?P<n>a)", "QD522", 0, "named groups"),
        ("(?<n>a)", "QD522", 0, "named groups"),
        ("(?i)a", "QD522", 0, "flags"),
        ("a+?", "QD522", 2, "lazy quantifiers"),
        ("a*+", "QD522", 2, "possessive quantifiers"),
        (r"\p{L}+", "QD522", 0, "Unicode classes"),
        (r"\bword", "QD522", 0, "word boundaries"),
        # syntax
        ("*a", "QD521", 0, "repeats nothing"),
        ("a|+", "QD521", 2, "repeats nothing"),
        ("(a", "QD521", 0, "never closed"),
        ("a)", "QD521", 1, "unmatched ')'"),
        ("[a-", "QD521", 0, "never closed"),
        ("[]a]", "QD521", 1, "cannot start with ']'"),
        ("[z-a]", "QD521", 1, "goes backwards"),
        (r"[\d-z]", "QD521", 1, "a range goes from one character"),
        ("[[a]", "QD521", 1, r"write \[ for a literal '['"),
        ("a}", "QD521", 1, r"write \} for a literal '}'"),
        ("a{x}", "QD521", 1, r"write \{ for a literal '{'"),
        ("a**", "QD521", 2, "a quantifier cannot follow a quantifier"),
        ("a^b", "QD521", 1, "'^' only at the very start"),
        ("a$b", "QD521", 1, "'$' only at the very end"),
        ("a\\", "QD521", 1, "a '\\' at the end"),
        (r"\q", "QD521", 0, "unknown escape"),
        (r"[^\s\S]", "QD521", 0, "matches no character"),
        # bounds
        ("a{1001}", "QD524", 1, "at most 1000"),
        ("a{2,1}", "QD524", 1, "write the smaller number first"),
        ("a{99999999999999999999}", "QD524", 1, "at most 1000"),
    ],
)
def test_refusals(regex: str, code: str, offset: int, message: str) -> None:
    (problem,) = check_pattern(regex)
    assert (problem.code, problem.offset) == (code, offset), problem.message
    assert message in problem.message
    with pytest.raises(PatternError):
        to_python(regex)
    with pytest.raises(PatternError):
        matches(regex, "a")


@pytest.mark.parametrize(
    "regex",
    [
        r"([a-z]+\.)+",
        r"(\.[a-z]+)*",
        r"(\d{2})+",
        "(ab?)*",
        "(x(a+))+",
        "(a|b)*c",
        r"[A-Z]{2}[0-9]{2}( ?[0-9]{4}){4}( ?[0-9]{2})?",  # an IBAN
        r"\(?[0-9]+\)?",
        "",
        "^$",
        r"a\$",
        r"\^\*",
    ],
)
def test_accepted(regex: str) -> None:
    assert check_pattern(regex) == []
    re.compile(to_python(regex))


FORMAT_CASES = {
    "email": (
        ["a@example.org", "first.last+tag@sub.example.co.uk", "ü@bücher.de"],
        ["a@b", "a@@b.c", "a b@c.d", "@c.de", "a@.de", "a@b..de", "a@b.de\n", ""],
    ),
    "phone": (
        ["+49 (0)30 123456-7", "030/123 456", "0301234", "(030) 1234", "1"],
        ["", "+", "030-", "abc", "+49 30 12x", "030 1234\n"],
    ),
    "url": (
        ["https://example.org", "http://a.b/c?d=e#f", "https://bücher.de/ä"],
        ["example.org", "ftp://a.b", "https://localhost", "https://a b.de", "https://a.b/ c"],
    ),
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_formats_are_in_the_subset_and_check_what_they_say(name: str) -> None:
    regex = FORMATS[name]
    assert check_pattern(regex) == []
    good, bad = FORMAT_CASES[name]
    assert [text for text in good if not matches(regex, text)] == []
    assert [text for text in bad if matches(regex, text)] == []


# ----------------------------------------------------------------- generated patterns

LETTERS = "ab1.-"


def _atom(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        children.map(lambda inner: f"({inner})"),
        st.tuples(children, children).map(lambda pair: f"{pair[0]}|{pair[1]}"),
        st.tuples(children, children).map("".join),
        st.tuples(children.map(lambda inner: f"({inner})"), QUANTIFIERS).map("".join),
    )


QUANTIFIERS = st.sampled_from(["?", "*", "+", "{2}", "{1,3}", "{2,}", "{0,2}"])
LEAVES = st.one_of(
    st.sampled_from(
        ["a", "b", "1", r"\.", "-", ".", r"\d", r"\w", r"\s", "[ab]", "[^a]", "[a-c1]"]
    ),
    st.tuples(st.sampled_from(["a", "b", r"\d", "[ab]", "."]), QUANTIFIERS).map("".join),
)
REGEXES = st.recursive(LEAVES, _atom, max_leaves=6)
SUBJECTS = st.text(alphabet="ab1.- \t\n2c", max_size=8)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(REGEXES, st.data())
def test_accepted_patterns_match_as_python_reads_them(regex: str, data: st.DataObject) -> None:
    """Every accepted pattern compiles in Python (without warnings) and matches exactly
    the texts Python's own reading of it (ASCII classes, whole-text match) matches."""
    if check_pattern(regex):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiled = re.compile(to_python(regex))
    original = re.compile(regex, re.ASCII)
    samples = data.draw(st.lists(SUBJECTS, max_size=5))
    samples.append(data.draw(st.from_regex(compiled)))
    for text in samples:
        expected = original.fullmatch(text) is not None
        assert matches(regex, text) is expected, (regex, text)
        assert (compiled.search(text) is not None) is expected


def test_the_refusal_check_is_linear() -> None:
    """The rule looks at each node of the pattern once: the steps grow with the pattern's
    length, not faster (counted, not timed), also for nested repetitions that a naive
    check would revisit at every level."""

    def steps(regex: str) -> int:
        return patterns._tree(regex)[2]

    for unit in ["(a|b)*c", r"([a-z]+\.)+x", "((ab)+c)*d", "[a-z]?"]:
        small, large = steps(unit * 10), steps(unit * 1000)
        assert 0 < large <= 100 * small + 100, unit
    nested = "a"
    for _ in range(16):  # (b(b(…)c|d)*c|d)*: each level's alternatives checked once
        nested = f"(b{nested}c|d)*"
    assert check_pattern(nested) == []
    assert steps(nested) <= 8 * 16 + 8


def test_deep_nesting_is_refused_not_a_crash() -> None:
    (problem,) = check_pattern("(" * 60 + "a" + ")" * 60)
    assert problem.code == "QD521" and "nest" in problem.message


# ----------------------------------------------------------------- JavaScript

NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_javascript_reads_the_translations_alike() -> None:
    """The JavaScript translation (flag u) matches what Python's does, on patterns with
    each construct and on texts around them (one run of node for all)."""
    regexes = [
        *FORMATS.values(),
        "[0-9]{5}",
        r"a.c",
        r"\d+\w?\s*",
        r"(ab|c)+",
        r"a/b[/\-]",
        "grün|ß{2,}",
        r"[a-c&~]",
        r"[^a]x",
        r"[\s\S]",
        r"(\.[a-z]+)*",
        "\U0001f600+",
        r"\+?[0-9]",
    ]
    texts = [
        "",
        "a",
        "abc",
        "a\nc",
        "a\rc",
        "a\u2028c",
        "12345",
        "1234\n",
        "ab c",
        "abcab",
        "a/b-",
        "grün",
        "ßßß",
        "&",
        "~",
        "bx",
        "ax",
        "\U0001f600\U0001f600",
        ".x.yz",
        "+1",
        "a@b.de",
        "https://a.b/c",
        "+49 (0)30 12",
    ]
    cases = [[to_javascript(regex), text] for regex in regexes for text in texts]
    script = (
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        f"console.log(JSON.stringify(cases.map(([s, t]) => new RegExp(s, "
        f"'{patterns.JAVASCRIPT_FLAGS}').test(t))));"
    )
    assert NODE is not None
    done = subprocess.run(
        [NODE, "-e", script], input=json.dumps(cases), capture_output=True, text=True, check=True
    )
    found = json.loads(done.stdout)
    expected = [matches(regex, text) for regex in regexes for text in texts]
    assert found == expected
