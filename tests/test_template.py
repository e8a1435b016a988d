"""Piping syntax (qdef.expr.template): pieces, braces, fallbacks, offsets, errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdef.expr import Ref, parse
from qdef.expr.template import (
    Piece,
    Template,
    TemplateSyntaxError,
    has_braces,
    parse_template,
)


def test_plain_text_is_one_string() -> None:
    template = parse_template("How many people live here?")
    assert template.plain
    assert template.pieces == ("How many people live here?",)
    assert template.text == "How many people live here?"


def test_an_empty_text_has_no_pieces() -> None:
    assert parse_template("").pieces == ()
    assert parse_template("").plain


def test_doubled_braces_are_literal_braces() -> None:
    template = parse_template("a {{b}} c }}{{")
    assert template.plain
    assert template.text == "a {b} c }{"
    assert parse_template("{{q1}}").text == "{q1}"


def test_pieces_with_offsets() -> None:
    text = "How many of the {members} are {age|older} than {{18}}?"
    template = parse_template(text)
    assert not template.plain
    first, second = (p for p in template.pieces if isinstance(p, Piece))
    assert template.pieces[0] == "How many of the "
    assert (first.source, first.fallback, first.start, first.end) == ("members", None, 16, 25)
    assert text[first.start : first.end] == "{members}"
    assert first.expr == Ref("members")
    assert text[first.source_start :].startswith("members")
    assert (second.source, second.fallback) == ("age", "older")
    assert text[second.start : second.end] == "{age|older}"
    assert template.pieces[-1] == " than {18}?"


def test_expression_offsets_are_relative_to_the_source() -> None:
    text = "Total: { sum(a, b) * 2 }."
    (piece,) = [p for p in parse_template(text).pieces if isinstance(p, Piece)]
    assert piece.source == " sum(a, b) * 2 "
    ref = piece.expr.left.args[1]  # type: ignore[union-attr]
    assert isinstance(ref, Ref) and ref.name == "b"
    assert text[piece.source_start + ref.start : piece.source_start + ref.end] == "b"


def test_an_empty_fallback_inserts_nothing() -> None:
    (piece,) = parse_template("{first_name|}").pieces
    assert isinstance(piece, Piece)
    assert piece.fallback == ""


def test_a_bar_or_brace_inside_a_string_of_the_expression_does_not_end_it() -> None:
    text = """{if(a > 1, "x|y", '}')|none}"""
    (piece,) = parse_template(text).pieces
    assert isinstance(piece, Piece)
    assert piece.source == """if(a > 1, "x|y", '}')"""
    assert piece.fallback == "none"
    assert piece.end == len(text)
    escaped = r'{concat(a, "\"|}")}'
    (piece,) = parse_template(escaped).pieces
    assert isinstance(piece, Piece) and piece.end == len(escaped)


def test_fill_inserts_values_and_fallbacks() -> None:
    template = parse_template("Hello {name|you}, {age} {{x}}{gone}!")
    values = {"name": "<b>{Ann}</b>", "age": None, "gone": None}

    def show(piece: Piece) -> str | None:
        assert isinstance(piece.expr, Ref)
        return values[piece.expr.name]

    assert template.fill(show) == "Hello <b>{Ann}</b>,  {x}!"
    values["name"] = None
    values["age"] = "42"
    assert template.fill(show) == "Hello you, 42 {x}!"


def test_has_braces() -> None:
    assert has_braces("a {b}") and has_braces("}}") and not has_braces("plain text")


@pytest.mark.parametrize(
    ("text", "code", "offset", "message"),
    [
        ("a } b", "QD516", 2, "a lone '}'; write '}}'"),
        ("a { b", "QD516", 2, "'{' is never closed"),
        ("a {b|c", "QD516", 2, "'{' is never closed; end the text after '|'"),
        ("{a {b}}", "QD516", 3, "'{' inside an inserted value"),
        ("x {} y", "QD517", 2, "empty '{}'"),
        ("x { |fallback} y", "QD517", 2, "empty '{}'"),
        ("{a|b{c}}", "QD518", 4, "the text after '|' is shown as it stands"),
        ("{a || b}", "QD518", 3, "'||' is not an operator"),
        ("Sie: {a = 1}", "QD501", 8, "unknown operator '='"),
        ("{summ(a)}", "QD511", 1, "unknown function 'summ'"),
        ("{if(a)}", "QD512", 1, "if() takes 3 arguments"),
        ('{a == "x}', "QD516", 0, "'{' is never closed"),
        ("{{ {a +} }}", "QD501", 7, "expected a value after '+'"),
    ],
)
def test_template_errors_are_located(text: str, code: str, offset: int, message: str) -> None:
    with pytest.raises(TemplateSyntaxError) as info:
        parse_template(text)
    assert (info.value.code, info.value.offset) == (code, offset)
    assert message in info.value.message


@given(st.text(alphabet="ab{}|\"' ", max_size=16))
def test_any_text_parses_or_fails_with_a_located_error(text: str) -> None:
    try:
        template = parse_template(text)
    except TemplateSyntaxError as error:
        assert 0 <= error.offset <= len(text)
        assert error.message
        return
    assert isinstance(template, Template)
    for piece in template.pieces:
        if isinstance(piece, Piece):
            assert text[piece.start] == "{" and text[piece.end - 1] == "}"
            assert text[piece.source_start : piece.source_start + len(piece.source)] == (
                piece.source
            )
            assert parse(piece.source) == piece.expr


literal_text = st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=10)


@given(st.lists(st.one_of(literal_text, st.sampled_from(["{{", "}}"])), max_size=6))
def test_text_without_pieces_round_trips(parts: list[str]) -> None:
    text = "".join(parts)
    template = parse_template(text)
    assert template.plain
    assert template.text == text.replace("{{", "{").replace("}}", "}")
