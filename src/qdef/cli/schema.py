"""``qdef schema``: print the published JSON Schema of the instrument format, or with
``--responses INSTRUMENT`` the JSON Schema of one response to that instrument."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qdef.cli.common import emit, read_one

if TYPE_CHECKING:
    import argparse


def add_arguments(schema: argparse.ArgumentParser) -> None:
    """The description and arguments of ``qdef schema``, and what runs it."""
    schema.description = (
        "Print the published JSON Schema (Draft 2020-12) of the format; with --responses "
        "INSTRUMENT, the JSON Schema of one response to that instrument (its variables, "
        "codes, bounds and formats, and the routing rules a schema can express)."
    )
    schema.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    schema.add_argument(
        "--responses",
        type=Path,
        metavar="INSTRUMENT",
        dest="file",
        help="print the schema of a response to this instrument instead",
    )
    schema.set_defaults(handler=schema_command)


def schema_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.file is None:
        from qdef.model.schema import published_text  # noqa: PLC0415

        return emit(published_text(), args.output, out, err)
    from qdef.routing.responses_schema import response_schema  # noqa: PLC0415

    result = read_one(args, "schema --responses", out, err, routing=False)
    if isinstance(result, int):
        return result
    assert result.compiled is not None  # read_one returns only valid results
    compiled = result.compiled
    schema = response_schema(compiled.plan, compiled.analysis)
    text = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return emit(text, args.output, out, err)
