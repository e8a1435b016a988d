"""Validating a parsed document: the typed model's errors as located diagnostics
(:mod:`~qdef.validation.modelerrors`), the semantic checks
(:mod:`~qdef.validation.checks`) and the checks on the valid parts of a document
with structural errors (:mod:`~qdef.validation.partial`). Nothing here knows about
routing analysis or rendering: :mod:`qdef.pipeline` runs the stages in order."""
