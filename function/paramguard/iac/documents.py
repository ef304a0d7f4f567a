"""JSON and CloudFormation YAML read into dicts and lists that remember where each key was.

JSON is read with the standard library's own scanners (json.decoder.scanstring and the
decoder's raw_decode for scalars), so what is accepted is exactly what json.loads accepts;
YAML with a SafeLoader subclass that knows CloudFormation's short-form intrinsic tags.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import yaml


class Located(dict[str, Any]):
    """A mapping that remembers its own position and each key's (1-based line, column)."""

    line: int = 0
    column: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.positions: dict[str, tuple[int, int]] = {}
        self.end_line = 0

    def position(self, key: str) -> tuple[int, int]:
        """Where key was written, or where the mapping starts when it was not."""
        return self.positions.get(key, (self.line, self.column))


class DocumentError(ValueError):
    """A document that is not valid JSON or YAML; line and column say where."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_SCANSTRING: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_MAX_DEPTH = 200  # each level takes two Python frames; real templates nest under 30


class _JsonReader:
    def __init__(self, text: str) -> None:
        self.text = text
        # Offsets of line starts, for turning an offset into (line, column).
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def where(self, offset: int) -> tuple[int, int]:
        import bisect

        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def fail(self, message: str, offset: int) -> DocumentError:
        line, column = self.where(offset)
        message = message.removesuffix(" at")  # json's "Invalid control character at"
        return DocumentError(f"{message} at line {line} column {column}", line, column)

    def skip(self, offset: int) -> int:
        match = _WHITESPACE.match(self.text, offset)
        return match.end() if match else offset

    def value(self, offset: int, depth: int) -> tuple[Any, int]:
        if depth > _MAX_DEPTH:
            raise self.fail("nesting too deep", offset)
        offset = self.skip(offset)
        char = self.text[offset : offset + 1]
        if char == "{":
            return self.mapping(offset, depth)
        if char == "[":
            return self.sequence(offset, depth)
        if char == '"':
            return self.string(offset)
        try:
            return _DECODER.raw_decode(self.text, offset)
        except json.JSONDecodeError as exc:
            raise self.fail(f"expected a JSON value ({exc.msg})", exc.pos) from None

    def string(self, offset: int) -> tuple[str, int]:
        try:
            return _SCANSTRING(self.text, offset + 1, True)
        except json.JSONDecodeError as exc:
            raise self.fail(exc.msg, exc.pos) from None

    def mapping(self, offset: int, depth: int) -> tuple[Located, int]:
        result = Located()
        result.line, result.column = self.where(offset)
        offset = self.skip(offset + 1)
        if self.text[offset : offset + 1] == "}":
            result.end_line = self.where(offset)[0]
            return result, offset + 1
        while True:
            offset = self.skip(offset)
            if self.text[offset : offset + 1] != '"':
                raise self.fail("expected a property name in double quotes", offset)
            key_at = offset
            key, offset = self.string(offset)
            offset = self.skip(offset)
            if self.text[offset : offset + 1] != ":":
                raise self.fail("expected ':'", offset)
            value, offset = self.value(offset + 1, depth + 1)
            result[key] = value
            result.positions[key] = self.where(key_at)
            offset = self.skip(offset)
            char = self.text[offset : offset + 1]
            if char == "}":
                result.end_line = self.where(offset)[0]
                return result, offset + 1
            if char != ",":
                raise self.fail("expected ',' or '}'", offset)
            offset += 1

    def sequence(self, offset: int, depth: int) -> tuple[list[Any], int]:
        items: list[Any] = []
        offset = self.skip(offset + 1)
        if self.text[offset : offset + 1] == "]":
            return items, offset + 1
        while True:
            value, offset = self.value(offset, depth + 1)
            items.append(value)
            offset = self.skip(offset)
            char = self.text[offset : offset + 1]
            if char == "]":
                return items, offset + 1
            if char != ",":
                raise self.fail("expected ',' or ']'", offset)
            offset += 1


def load_json(text: str) -> Any:
    """Parse JSON text into Located mappings and lists; raise DocumentError if it is not JSON."""
    reader = _JsonReader(text)
    try:
        value, offset = reader.value(0, 0)
    except RecursionError:
        raise DocumentError("nesting too deep") from None
    offset = reader.skip(offset)
    if offset != len(text):
        raise reader.fail("extra data after the JSON value", offset)
    return value


# CloudFormation's short-form intrinsic functions and the long form each one stands for.
_FUNCTIONS = (
    "And",
    "Base64",
    "Cidr",
    "Contains",
    "EachMemberEquals",
    "EachMemberIn",
    "Equals",
    "FindInMap",
    "ForEach",
    "GetAZs",
    "GetAtt",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "RefAll",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
    "ValueOf",
    "ValueOfAll",
)
CFN_TAGS = {f"!{name}": f"Fn::{name}" for name in _FUNCTIONS} | {
    "!Ref": "Ref",
    "!Condition": "Condition",
}


class CloudFormationLoader(yaml.SafeLoader):  # type: ignore[misc]
    """SafeLoader that reads CloudFormation short-form tags and keeps key positions."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.unknown_tags: list[tuple[str, int, int]] = []  # (tag, line, column) per document


def _construct_tag(loader: CloudFormationLoader, suffix: str, node: yaml.Node) -> Located:
    name = CFN_TAGS[f"!{suffix}"]
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if name == "Fn::GetAtt" and isinstance(value, str):
            value = value.split(".", 1)  # !GetAtt Resource.Attribute
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    result = Located()
    result.line, result.column = node.start_mark.line + 1, node.start_mark.column + 1
    result.end_line = node.end_mark.line + 1
    result[name] = value
    result.positions[name] = (result.line, result.column)
    return result


def _construct_unknown_tag(loader: CloudFormationLoader, suffix: str, node: yaml.Node) -> Located:
    """A tag of another YAML dialect (Ansible's !vault, GitLab's !reference): kept as an
    opaque {"!tag": value} and noted, so a file that is no template is not a problem, and a
    template that uses one is reported (CloudFormation would refuse it)."""
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    loader.unknown_tags.append((f"!{suffix}", line, column))
    result = Located()
    result.line, result.column, result.end_line = line, column, node.end_mark.line + 1
    result[f"!{suffix}"] = value
    result.positions[f"!{suffix}"] = (line, column)
    return result


def _construct_mapping(loader: CloudFormationLoader, node: yaml.MappingNode) -> Located:
    result = Located()
    result.line, result.column = node.start_mark.line + 1, node.start_mark.column + 1
    result.end_line = node.end_mark.line + 1
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)  # CloudFormation keys are strings; YAML may read 1 or true
        result[key] = loader.construct_object(value_node, deep=True)
        result.positions[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    return result


def _known_tag(loader: CloudFormationLoader, suffix: str, node: yaml.Node) -> Any:
    if f"!{suffix}" in CFN_TAGS:
        return _construct_tag(loader, suffix, node)
    return _construct_unknown_tag(loader, suffix, node)


CloudFormationLoader.add_multi_constructor("!", _known_tag)
CloudFormationLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


Tags = list[tuple[str, int, int]]


def load_yaml(text: str) -> tuple[list[Any], list[tuple[int, int]], list[Tags]]:
    """Parse the documents of a YAML stream (a template is one; a `---` stream may hold one
    among others); also return the (first, last) lines of scalars that span several lines
    (block scalars), whose lines are never comments, and each document's tags that are not
    CloudFormation's.
    """
    loader = CloudFormationLoader(text)
    try:
        documents: list[Any] = []
        spans: list[tuple[int, int]] = []
        unknown: list[Tags] = []
        while loader.check_node():
            node = loader.get_node()
            _multiline_scalars(node, spans)
            loader.unknown_tags = []
            documents.append(loader.construct_document(node))
            unknown.append(loader.unknown_tags)
        return documents, spans, unknown
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        problem = exc.problem or exc.context or "invalid YAML"
        location = f" at line {where[0]} column {where[1]}" if where[0] else ""
        raise DocumentError(f"{problem}{location}", *where) from None
    except yaml.YAMLError as exc:
        raise DocumentError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise DocumentError("nesting too deep") from None
    finally:
        loader.dispose()


def _multiline_scalars(node: Any, spans: list[tuple[int, int]]) -> None:
    stack = [node]
    seen: set[int] = set()  # aliases share nodes: visit each once (no billion laughs)
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.ScalarNode):
            if current.end_mark.line > current.start_mark.line:
                spans.append((current.start_mark.line + 1, current.end_mark.line + 1))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
