"""Draw JSON documents from a JSON Schema (the subset qdef's schema uses).

Written here because hypothesis-jsonschema no longer works with current
hypothesis releases. It reads the schema, not the model, so documents it
draws are an independent witness for the schema/model agreement test.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

_ALPHABET = st.characters(exclude_categories=("Cs",))


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    definitions: dict[str, Any] = schema.get("$defs", {})
    cache: dict[str, st.SearchStrategy[Any]] = {}

    def ref(target: str) -> st.SearchStrategy[Any]:
        name = target.removeprefix("#/$defs/")
        if name not in cache:
            cache[name] = st.deferred(lambda: build(definitions[name]))
        return cache[name]

    def build(node: dict[str, Any]) -> st.SearchStrategy[Any]:
        if "$ref" in node:
            return ref(node["$ref"])
        if "const" in node:
            return st.just(node["const"])
        if "enum" in node:
            return st.sampled_from(node["enum"])
        for key in ("anyOf", "oneOf"):
            if key in node:
                return st.one_of([build(branch) for branch in node[key]])
        kind = node.get("type")
        if kind == "object":
            return obj(node)
        if kind == "array":
            return st.lists(
                build(node.get("items", {})),
                min_size=node.get("minItems", 0),
                max_size=max(node.get("minItems", 0), 3),
            )
        if kind == "string":
            return string(node)
        if kind == "integer":
            return st.integers(node.get("minimum", -1000), node.get("maximum", 1000))
        if kind == "number":
            return st.one_of(
                st.integers(-1000, 1000),
                st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
            )
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        raise AssertionError(f"schema construct not handled by the test strategy: {node}")

    def string(node: dict[str, Any]) -> st.SearchStrategy[str]:
        low, high = node.get("minLength", 0), node.get("maxLength", 40)
        if "pattern" not in node:
            return st.text(alphabet=_ALPHABET, min_size=low, max_size=min(high, low + 12))
        pattern = st.from_regex(node["pattern"], fullmatch=True)
        return pattern.filter(lambda s: low <= len(s) <= high)

    def obj(node: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
        properties: dict[str, Any] = node.get("properties", {})
        required = set(node.get("required", ()))
        if not properties and "patternProperties" in node:
            ((pattern, value),) = node["patternProperties"].items()
            return st.dictionaries(
                st.from_regex(pattern, fullmatch=True),
                build(value),
                min_size=node.get("minProperties", 0),
                max_size=max(node.get("minProperties", 0), 3),
            )

        @st.composite
        def draw_object(draw: st.DrawFn) -> dict[str, Any]:
            result: dict[str, Any] = {}
            for name, sub in properties.items():
                if name in required or draw(st.booleans()):
                    result[name] = draw(build(sub))
            return result

        return draw_object()

    return build(schema)
