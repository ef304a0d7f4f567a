"""Terraform: aws_ssm_parameter resources in .tf and .tf.json modules, and plan/state JSON."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .documents import DocumentError, Located, load_json
from .model import Parameter, Problem, Resolved, Suppression
from .resolve import (
    JsonValue,
    Scope,
    Unknown,
    branches,
    evaluate,
    references,
    to_resolved,
    type_defaults,
    with_defaults,
)

RESOURCE_TYPE = "aws_ssm_parameter"
MAX_INSTANCES = 10_000  # per resource: for_each over a literal map this big is not real code
MAX_PARAMETERS = 50_000  # per module instance: a small file can for_each 100 resources over 8k keys
SUPPRESS = "paramguard:ignore"

# Attributes whose value is a secret by construction: a String parameter set from one holds
# a generated password or key in plain text (what value inspection would find after the write).
SECRET_ATTRIBUTES: dict[str, frozenset[str]] = {
    "random_password": frozenset({"result", "bcrypt_hash"}),
    "tls_private_key": frozenset(
        {"private_key_pem", "private_key_openssh", "private_key_pem_pkcs8"}
    ),
    "aws_iam_access_key": frozenset({"secret", "ses_smtp_password_v4"}),
    "aws_secretsmanager_secret_version": frozenset({"secret_string", "secret_binary"}),
    "aws_cognito_user_pool_client": frozenset({"client_secret"}),
    "aws_iam_service_specific_credential": frozenset({"service_password"}),
    "aws_api_gateway_api_key": frozenset({"value"}),
    "aws_appsync_api_key": frozenset({"key"}),
    "aws_iot_certificate": frozenset({"private_key"}),
    "aws_lightsail_key_pair": frozenset({"private_key"}),
}


def suppression_in(comment: str, line: int) -> Suppression | None:
    """The suppression a comment holds (`# paramguard:ignore <reason>`, also // and /* */)."""
    text = comment.strip()
    for marker in ("#", "//", "/*"):
        if text.startswith(marker):
            text = text[len(marker) :].strip()
    text = text.removesuffix("*/").strip()
    if not text.lower().startswith(SUPPRESS):
        return None
    rest = text[len(SUPPRESS) :]
    if rest and not rest[0].isspace() and rest[0] not in ":-":
        return None  # paramguard:ignored, paramguard:ignore-foo: not ours
    return Suppression(rest.lstrip(":- \t").strip(), line)


def secret_source(paths: Sequence[str]) -> str | None:
    """The first reference that makes a value a secret by construction.

    A variable declared sensitive is not one: people mark user names and hosts sensitive
    too, and the function's value inspection would judge what it holds, not the declaration.
    """
    for path in paths:
        parts = path.split(".")
        if parts[0] == "data":
            parts = parts[1:]
        if len(parts) >= 3 and parts[2] in SECRET_ATTRIBUTES.get(parts[0], frozenset()):
            return path
    return None


@dataclass
class Module:
    """The files of one directory, read: what resolution and the resources need."""

    variables: dict[str, Any] = field(default_factory=dict)  # defaults, then tfvars over them
    defaults: dict[str, Any] = field(default_factory=dict)  # defaults only
    locals: dict[str, Any] = field(default_factory=dict)
    resources: list[_Resource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    calls: list[_CallSite] = field(default_factory=list)
    types: dict[str, Any] = field(default_factory=dict)  # optional() defaults of variable types

    def scope_variables(self, variables: Mapping[str, Any]) -> dict[str, Any]:
        """Variable values with the optional attribute defaults of their types filled in."""
        return {k: with_defaults(self.types.get(k), v) for k, v in variables.items()}


@dataclass
class _CallSite:
    """A `module` block as written."""

    label: str
    attributes: dict[str, Any]
    file: str
    line: int


@dataclass(frozen=True)
class ModuleCall:
    """A call of a module in a local directory, with its inputs evaluated in the caller."""

    address: str  # module.db, module.app["eu"]
    child: str  # the called directory, resolved, as a posix path
    inputs: dict[str, Any]
    file: str
    line: int


# Arguments of a module block that are not inputs of the module.
_MODULE_META = frozenset({"source", "version", "for_each", "count", "providers", "depends_on"})


@dataclass
class _Resource:
    file: str
    line: int
    column: int
    label: str
    attributes: dict[str, Any]  # hcl2 nodes or JsonValue
    suppression: Suppression | None
    source_kind: str


def _comment_lines(rule: Any) -> list[tuple[str, int]]:
    """The comments of a new-line-or-comment element as (text, line)."""
    text = "".join(str(token.value) for token in rule.children if token is not None)
    first = getattr(rule, "_meta", None)
    start = getattr(first, "line", 1) or 1
    return [(line, start + n) for n, line in enumerate(text.split("\n"))]


def _leading_suppression(body_children: list[Any], index: int) -> Suppression | None:
    """A suppression in the comment lines directly above child index (no blank line between)."""
    if index == 0:
        return None
    previous = body_children[index - 1]
    if previous is None or previous.lark_name() != "new_line_or_comment":
        return None
    lines = _comment_lines(previous)
    if lines and not lines[-1][0].strip():
        lines = lines[:-1]  # the newline that ends the last comment line
    if index - 1 > 0:
        # The first line is the rest of the line that ends the block before (`} # ...`):
        # a comment there belongs to that block.
        lines = lines[1:]
    found = None
    for text, line in reversed(lines):
        if not text.strip():
            break
        found = suppression_in(text, line) or found
    return found


def _inner_suppression(block: Any) -> Suppression | None:
    for child in block.body.children:
        if child is None:
            continue
        if child.lark_name() == "new_line_or_comment":
            for text, line in _comment_lines(child):
                found = suppression_in(text, line)
                if found:
                    return found
    # A comment on the opening line (`resource "..." "x" { # paramguard:ignore ...`).
    return None


def _block_labels(block: Any) -> list[str]:
    labels = []
    for label in block.labels:
        text = str(label.serialize())
        labels.append(text[1:-1] if text.startswith('"') and text.endswith('"') else text)
    return labels


def _attributes(block: Any) -> dict[str, Any]:
    return {
        str(child.identifier.serialize()): child.expression
        for child in block.body.children
        if child is not None and child.lark_name() == "attribute"
    }


_WANTED_BLOCKS = frozenset({"variable", "locals", "module"})


@functools.cache
def _parser() -> Any:
    """hcl2's own grammar and post-lexer, without lark's position propagation.

    Propagating positions to every node is a third of lark's time; tokens keep their line
    and column anyway, and only blocks and comments need one (set from their first token).
    """
    import hcl2.parser
    from hcl2.postlexer import PostLexer
    from lark import Lark

    options: dict[str, Any] = {
        "parser": "lalr",
        "rel_to": hcl2.parser.__file__,
        "propagate_positions": False,
        "postlex": PostLexer(),
    }
    try:
        return Lark.open("hcl2.lark", cache=True, **options)
    except Exception:  # noqa: BLE001 - an unwritable cache directory: build it each time
        return Lark.open("hcl2.lark", **options)


def parse_hcl(text: str) -> Any:
    """hcl2's tree of a file, with the blocks the scan never reads left out after parsing.

    The whole file is parsed, so a syntax error anywhere is still reported; only the
    conversion to hcl2's rule objects, half of the time, is skipped for blocks other than
    variables, locals, module calls and aws_ssm_parameter resources. Each one left out is
    replaced by a line break, so the comments before the next block stay where they were.
    """
    import hcl2
    from lark import Token, Tree

    # The trailing newline is hcl2's own workaround: its grammar has no end-of-file token.
    raw = _parser().parse(text + "\n")
    body = raw.children[0] if raw.children else None
    if isinstance(body, Tree) and body.data == "body":
        kept = []
        for child in body.children:
            if isinstance(child, Tree) and child.data == "block" and not _wanted(child):
                child = Tree("new_line_or_comment", [Token("NL_OR_COMMENT", "\n")])
            _position(child)
            if isinstance(child, Tree) and child.data == "block":
                for inner in child.children:
                    if isinstance(inner, Tree) and inner.data == "body":
                        for element in inner.children:
                            _position(element)
            kept.append(child)
        raw = Tree("start", [Tree("body", kept)])
    return hcl2.transform(raw)


def _position(node: Any) -> None:
    """Give a block or comment node the line and column of its first token."""
    from lark import Token, Tree

    if not isinstance(node, Tree):
        return
    first = next(node.scan_values(lambda v: isinstance(v, Token)), None)
    if first is not None and getattr(first, "line", None) is not None:
        meta = node.meta
        meta.line, meta.column = first.line, first.column
        meta.empty = False


def _raw_label(node: Any) -> str:
    """The text of a block label in lark's raw tree (an identifier or a plain string)."""
    from lark import Token

    tokens = [t for t in node.scan_values(lambda v: isinstance(v, Token))]
    return "".join(str(t) for t in tokens if t.type in ("NAME", "STRING_CHARS"))


def _wanted(block: Any) -> bool:
    from lark import Tree

    labels = [
        c for c in block.children if isinstance(c, Tree) and c.data in ("identifier", "string")
    ]
    if not labels:
        return True  # not a shape this knows: keep it
    kind = _raw_label(labels[0])
    if kind in _WANTED_BLOCKS:
        return True
    return kind == "resource" and len(labels) > 1 and _raw_label(labels[1]) == RESOURCE_TYPE


def read_hcl(path: Path, shown: str, module: Module, text: str) -> None:
    """Read one .tf file into module (variables, locals, resources)."""
    try:
        tree = parse_hcl(text)
    except Exception as exc:  # noqa: BLE001 - lark raises many kinds; all mean "cannot parse"
        module.problems.append(_hcl_problem(shown, exc))
        return
    children = tree.body.children
    for index, block in enumerate(children):
        if block is None or block.lark_name() != "block":
            continue
        labels = _block_labels(block)
        kind = labels[0] if labels else ""
        if kind == "variable" and len(labels) == 2:
            attributes = _attributes(block)
            if "type" in attributes:
                spec = type_defaults(attributes["type"])
                if spec is not None:
                    module.types[labels[1]] = spec
            if "default" in attributes:
                default = evaluate(attributes["default"], Scope())
                module.variables.setdefault(labels[1], default)
                module.defaults[labels[1]] = default
        elif kind == "locals":
            module.locals.update(_attributes(block))
        elif kind == "module" and len(labels) == 2:
            meta = block._meta
            module.calls.append(
                _CallSite(labels[1], _attributes(block), shown, getattr(meta, "line", 0) or 0)
            )
        elif kind == "resource" and len(labels) == 3 and labels[1] == RESOURCE_TYPE:
            meta = block._meta
            suppression = _leading_suppression(children, index) or _inner_suppression(block)
            module.resources.append(
                _Resource(
                    shown,
                    getattr(meta, "line", 0) or 0,
                    getattr(meta, "column", 0) or 0,
                    labels[2],
                    _attributes(block),
                    suppression,
                    "terraform",
                )
            )


_TOKEN_KINDS = {
    "STRING_CHARS": "text inside a string",
    "NAME": "name",
    "DECIMAL": "number",
    "INT_LITERAL": "number",
    "FLOAT_LITERAL": "number",
    "NL_OR_COMMENT": "line break or comment",
    "HEREDOC_TEMPLATE": "heredoc",
    "HEREDOC_TEMPLATE_TRIM": "heredoc",
}


def _hcl_problem(shown: str, exc: Exception) -> Problem:
    if isinstance(exc, RecursionError):
        return Problem(shown, "not read: nested too deeply for the HCL parser")
    line = getattr(exc, "line", None)
    column = getattr(exc, "column", None)
    token = getattr(exc, "token", None)
    if token is not None:
        # Only punctuation is quoted: any other token may be the text of a value, and a value
        # is never printed (an unterminated string holding a password, for one).
        kind = str(getattr(token, "type", ""))
        text = str(token).strip()
        if kind == "$END":
            message = "unexpected end of file"
        elif text and len(text) <= 3 and not any(c.isalnum() for c in text):
            message = f"unexpected '{text}'"
        else:
            message = f"unexpected {_TOKEN_KINDS.get(kind, 'token')}"
    elif getattr(exc, "char", None) is not None:
        char = str(exc.char)  # type: ignore[attr-defined]
        message = "unexpected character" + (f" '{char}'" if not char.isalnum() else "")
    else:
        message = "the parser stopped here"
    if isinstance(line, int) and line > 0:
        return Problem(
            shown, f"not valid HCL: {message}", line, column if isinstance(column, int) else None
        )
    return Problem(shown, f"not valid HCL: {message}")


def _json_blocks(value: Any) -> Iterator[Any]:
    """Terraform JSON allows a block as an object or as a list of objects."""
    if isinstance(value, list):
        for item in value:
            if isinstance(item, Mapping):
                yield item
    elif isinstance(value, Mapping):
        yield value


def read_tf_json(shown: str, module: Module, text: str) -> None:
    """Read one .tf.json file into module."""
    try:
        document = load_json(text)
    except DocumentError as exc:
        module.problems.append(Problem(shown, f"not valid JSON: {exc}", exc.line, exc.column))
        return
    if not isinstance(document, Mapping):
        module.problems.append(Problem(shown, "not a Terraform JSON file (not a JSON object)"))
        return
    for variables in _json_blocks(document.get("variable")):
        for name, spec in variables.items():
            for body in _json_blocks(spec):
                if "default" in body:
                    module.variables.setdefault(name, _plain(body["default"]))
                    module.defaults[name] = _plain(body["default"])
    for local_block in _json_blocks(document.get("locals")):
        for name, value in local_block.items():
            if name != "//":
                module.locals[name] = JsonValue(value)
    for calls in _json_blocks(document.get("module")):
        for label, spec in calls.items():
            line = calls.positions.get(label, (0, 0))[0] if isinstance(calls, Located) else 0
            for body in _json_blocks(spec):
                attributes = {k: JsonValue(v) for k, v in body.items() if k != "//"}
                module.calls.append(_CallSite(label, attributes, shown, line))
    for resources in _json_blocks(document.get("resource")):
        for body_by_name in _json_blocks(resources.get(RESOURCE_TYPE)):
            for name, spec in body_by_name.items():
                line, column = (
                    body_by_name.positions.get(name, (0, 0))
                    if isinstance(body_by_name, Located)
                    else (0, 0)
                )
                for body in _json_blocks(spec):
                    comment = body.get("//")
                    suppression = (
                        suppression_in(comment, line) if isinstance(comment, str) else None
                    )
                    attributes = {k: JsonValue(v) for k, v in body.items() if k != "//"}
                    module.resources.append(
                        _Resource(
                            shown, line, column, name, attributes, suppression, "terraform-json"
                        )
                    )


def _plain(value: Any) -> Any:
    """A JSON value as plain Python data (variable defaults are literal, not templates)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def read_tfvars(shown: str, module: Module, text: str, is_json: bool) -> None:
    """Apply a tfvars file (terraform.tfvars, *.auto.tfvars[.json]) over variable defaults."""
    if is_json:
        try:
            document = load_json(text)
        except DocumentError as exc:
            module.problems.append(Problem(shown, f"not valid JSON: {exc}", exc.line, exc.column))
            return
        if isinstance(document, Mapping):
            module.variables.update({str(k): _plain(v) for k, v in document.items()})
        return
    import hcl2

    try:
        tree = hcl2.parses(text)
    except Exception as exc:  # noqa: BLE001
        module.problems.append(_hcl_problem(shown, exc))
        return
    for child in tree.body.children:
        if child is not None and child.lark_name() == "attribute":
            module.variables[str(child.identifier.serialize())] = evaluate(
                child.expression, Scope()
            )


def _instances(attributes: Mapping[str, Any], scope: Scope) -> list[tuple[str, Scope, str | None]]:
    """(address suffix, scope, note) for each instance for_each/count makes (at least one)."""
    if "for_each" in attributes:
        collection = evaluate(attributes["for_each"], scope)
        choices = (
            branches(attributes["for_each"], scope) if isinstance(collection, Unknown) else None
        )
        if choices is not None and all(isinstance(c, Mapping) for c in choices):
            collection = {k: v for choice in choices for k, v in choice.items()}
        elif choices is not None and all(isinstance(c, list) for c in choices):
            collection = [item for choice in choices for item in choice]
        items: list[tuple[Any, Any]] | None = None
        if isinstance(collection, Mapping):
            items = list(collection.items())
        elif isinstance(collection, list) and all(isinstance(i, str) for i in collection):
            items = [(i, i) for i in collection]
        if items:
            return [
                (f'["{key}"]', scope.item((key, value), None), None)
                for key, value in items[:MAX_INSTANCES]
            ]
        note = (
            "for_each is empty with the defaults; the names are checked as if it were not"
            if items == []
            else "for_each is not known from the code; each.key/each.value are unresolved"
        )
        return [
            ("[each]", scope.item((Unknown("${each.key}"), Unknown("${each.value}")), None), note)
        ]
    if "count" in attributes:
        count = evaluate(attributes["count"], scope)
        if isinstance(count, int) and not isinstance(count, bool) and count > 0:
            return [(f"[{n}]", scope.item(None, n), None) for n in range(min(count, MAX_INSTANCES))]
        counted: str | None = None
        if count == 0:
            counted = "count is 0 with the defaults; the parameter is checked as if it were created"
        return [("[count]", scope.item(None, None), counted)]
    return [("", scope.item(None, None), None)]  # its own evaluation budget


def _string_attribute(node: Any, scope: Scope) -> Resolved | None:
    if node is None:
        return None
    return to_resolved(evaluate(node, scope))


def _name_attribute(node: Any, scope: Scope) -> Resolved | None:
    """The name; where a condition the code does not decide chooses it, each choice too."""
    resolved = _string_attribute(node, scope)
    if resolved is None or resolved.complete:
        return resolved
    choices = branches(node, scope)
    if not choices:
        return resolved
    literals = tuple(to_resolved(c).literal for c in choices)
    return Resolved(resolved.text, False, resolved.literal, literals)


def _type_attribute(node: Any, scope: Scope) -> tuple[Resolved | None, str | None]:
    """The type, and a note when a condition chooses between two plaintext types."""
    resolved = _string_attribute(node, scope)
    if resolved is None or resolved.complete:
        return resolved, None
    choices = branches(node, scope)
    if choices and all(c in ("String", "StringList") for c in choices):
        note = f"the type is {resolved.text}: String or StringList either way"
        return Resolved.known(str(choices[0])), note
    return resolved, None


def module_calls(
    module: Module, directory: Path, inputs: Mapping[str, Any] | None = None, prefix: str = ""
) -> list[ModuleCall]:
    """The module's calls of local modules (source "./..." or "../..."), one per instance."""
    scope = Scope(module.scope_variables({**module.variables, **(inputs or {})}), module.locals)
    calls: list[ModuleCall] = []
    for call in module.calls:
        source = evaluate(call.attributes.get("source"), Scope())
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            continue  # a registry or remote module: its code is not here
        child = (directory / source).resolve().as_posix()
        for suffix, item_scope, _ in _instances(call.attributes, scope):
            arguments = {
                name: evaluate(node, item_scope)
                for name, node in call.attributes.items()
                if name not in _MODULE_META
            }
            calls.append(
                ModuleCall(
                    f"{prefix}module.{call.label}{suffix}", child, arguments, call.file, call.line
                )
            )
    return calls


def module_parameters(
    module: Module,
    prefix: str = "",
    inputs: Mapping[str, Any] | None = None,
    via: str | None = None,
    problems: list[Problem] | None = None,
) -> list[Parameter]:
    """Every aws_ssm_parameter instance of a module, with names resolved in its scope.

    inputs are what a calling module passes (they replace defaults and tfvars); via names the
    call, for the notes; problems gets the one saying evaluation ran out of budget.
    """
    variables = dict(module.variables)
    if inputs is not None:
        # A called module's variables are its caller's inputs or its defaults: never tfvars.
        variables = {**module.defaults, **inputs}
    scope = Scope(module.scope_variables(variables), module.locals)
    found: list[Parameter] = []
    for resource in module.resources:
        if len(found) >= MAX_PARAMETERS:
            break  # the caller names the module (see too_many)
        attributes = resource.attributes
        value_node = attributes.get("value", attributes.get("insecure_value"))
        if value_node is None and "value_wo" in attributes:
            value_node = None  # write-only values never reach state; nothing to inspect
        paths = _references(value_node)
        for suffix, item_scope, note in _instances(resource.attributes, scope)[
            : MAX_PARAMETERS - len(found)
        ]:
            value = evaluate(value_node, item_scope) if value_node is not None else None
            literal = value if isinstance(value, str) else None
            declared, type_note = _type_attribute(attributes.get("type"), item_scope)
            found.append(
                Parameter(
                    file=resource.file,
                    line=resource.line,
                    column=resource.column,
                    address=f"{prefix}{RESOURCE_TYPE}.{resource.label}{suffix}",
                    source_kind=resource.source_kind,
                    name=_name_attribute(attributes.get("name"), item_scope),
                    type=declared,
                    value=literal,
                    value_source=secret_source(paths),
                    suppression=resource.suppression,
                    notes=tuple(n for n in (via, note, type_note) if n),
                )
            )
            if scope.module_exhausted() and problems is not None:
                problems.append(
                    Problem(
                        resource.file,
                        "expressions too costly to evaluate (nested for expressions?); names, "
                        "types and values from here on in this module may be left unresolved",
                        resource.line,
                    )
                )
                problems = None  # said once
    return found


def too_many(parameters: Sequence[Parameter]) -> Problem | None:
    """The problem to report when module_parameters stopped at MAX_PARAMETERS."""
    if len(parameters) < MAX_PARAMETERS:
        return None
    last = parameters[-1]
    return Problem(
        last.file,
        f"more than {MAX_PARAMETERS:,} parameter instances in one module (for_each/count); "
        "the ones past that are not checked",
        last.line,
    )


def _references(node: Any) -> list[str]:
    if node is None:
        return []
    if isinstance(node, JsonValue):
        paths: list[str] = []
        stack = [node.value]
        while stack:
            value = stack.pop()
            if isinstance(value, str) and "${" in value:
                try:
                    from .resolve import template_node

                    paths.extend(references(template_node(value)))
                except Exception:  # noqa: BLE001
                    continue
            elif isinstance(value, list):
                stack.extend(value)
            elif isinstance(value, Mapping):
                stack.extend(value.values())
        return paths
    return references(node)


# ---- plan and state JSON (terraform show -json) -----------------------------------------


def is_plan(document: Any) -> bool:
    """Whether a JSON document is `terraform show -json` output (a plan or a state)."""
    return (
        isinstance(document, Mapping)
        and "format_version" in document
        and ("planned_values" in document or "values" in document or "resource_changes" in document)
    )


def plan_parameters(document: Mapping[str, Any], shown: str) -> list[Parameter]:
    """Every aws_ssm_parameter a plan will leave in place (or a state holds), fully resolved."""
    values = document.get("planned_values") or document.get("values")
    if not isinstance(values, Mapping):
        values = {}
    unknown: dict[str, Any] = {}
    for change in document.get("resource_changes") or []:
        if isinstance(change, Mapping) and isinstance(change.get("change"), Mapping):
            after_unknown = change["change"].get("after_unknown")
            if isinstance(after_unknown, Mapping):
                unknown[str(change.get("address"))] = after_unknown
    found: list[Parameter] = []
    stack = [values.get("root_module") if isinstance(values, Mapping) else None]
    while stack:
        module = stack.pop()
        if not isinstance(module, Mapping):
            continue
        for resource in module.get("resources") or []:
            if not isinstance(resource, Mapping) or resource.get("type") != RESOURCE_TYPE:
                continue
            if resource.get("mode", "managed") != "managed":
                continue
            address = str(resource.get("address", ""))
            attributes: Mapping[str, Any] = (
                resource["values"] if isinstance(resource.get("values"), Mapping) else {}
            )
            pending = unknown.get(address, {})
            line, column = (
                (resource.line, resource.column) if isinstance(resource, Located) else (0, 0)
            )
            value = attributes.get("value")
            if value is None:
                value = attributes.get("insecure_value")
            found.append(
                Parameter(
                    file=shown,
                    line=line,
                    column=column,
                    address=address,
                    source_kind="terraform-plan",
                    name=_plan_string(attributes.get("name"), pending.get("name"), "name"),
                    type=_plan_string(attributes.get("type"), pending.get("type"), "type"),
                    value=value if isinstance(value, str) else None,
                )
            )
        stack.extend(reversed(list(module.get("child_modules") or [])))
    return found


def _plan_string(value: Any, pending: Any, attribute: str) -> Resolved | None:
    if isinstance(value, str):
        return Resolved.known(value)
    if pending is True:
        return to_resolved(Unknown("${known after apply}"))
    return None
