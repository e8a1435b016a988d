"""qdef's built-in renderers, each a package that uses only the plugin API
(:mod:`qdef.rendering`): :mod:`~qdef.renderers.paper` (``markdown``),
:mod:`~qdef.renderers.webform` (``html``) and :mod:`~qdef.renderers.limesurvey`
(``limesurvey``, ``limesurvey-map``). Importing this package imports none of them."""
