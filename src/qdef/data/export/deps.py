"""The libraries an export writes with, imported when first needed.

pyarrow (Arrow tables, Parquet), pandas (DataFrames; pyreadstat writes from them) and
pyreadstat (SPSS ``.sav``, Stata ``.dta``) are the extra ``qdef[data]``: the quickstart
(validate, render) needs none of them, and a missing one is a clear error naming the
extra, not an ``ImportError`` from deep inside. pandas and pyarrow ship no type
information; they are imported as modules (:class:`types.ModuleType`, whose attributes
are ``Any``), so the rest of the export stays checked by ``mypy --strict``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: How to get the libraries (qdef is installed from a checkout: docs/index.md, "Install").
INSTALL = "install qdef with its extra 'data' (pip install '.[data]' in the checkout)"


class MissingLibraryError(ImportError):
    """A library of the extra ``qdef[data]`` is not installed."""


def need(name: str, purpose: str) -> ModuleType:
    """The module ``name`` (``pyarrow.parquet``), or :class:`MissingLibraryError` saying
    what it is needed for and how to install it."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        top = name.partition(".")[0]
        raise MissingLibraryError(
            f"{purpose} needs {top}, which is not installed: {INSTALL}"
        ) from error


__all__ = ["INSTALL", "MissingLibraryError", "need"]
