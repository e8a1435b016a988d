"""qdef's own wording: the catalogues of fixed phrases per language
(:mod:`~qdef.wording.catalog`) and the rule for phrases an author has already
written (:mod:`~qdef.wording.authored`), shared by the semantic checks and the
renderers."""
