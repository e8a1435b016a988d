"""Reading instrument files: bounded, safe YAML parsing into plain data
(:mod:`~qdef.source.yamldata`), the positions of every key and value
(:mod:`~qdef.source.positions`) and the file loader with its limits
(:mod:`~qdef.source.loader`). Nothing here knows what a question is."""
