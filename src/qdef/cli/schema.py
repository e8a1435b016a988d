"""``qdef schema``: print the published JSON Schema of the instrument format."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qdef.cli.common import emit

if TYPE_CHECKING:
    import argparse


def add_arguments(schema: argparse.ArgumentParser) -> None:
    """The description and arguments of ``qdef schema``, and what runs it."""
    schema.description = "Print the published JSON Schema (Draft 2020-12) of the format."
    schema.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    schema.set_defaults(handler=schema_command)


def schema_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qdef.model.schema import published_text  # noqa: PLC0415

    return emit(published_text(), args.output, out, err)
