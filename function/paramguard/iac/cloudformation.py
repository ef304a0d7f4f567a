"""CloudFormation, SAM and CDK (cdk.out) templates: AWS::SSM::Parameter resources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .documents import DocumentError, Located, Tags, load_json, load_yaml
from .model import PLACEHOLDER, Parameter, Problem, Resolved, Suppression
from .resolve import Partial, Template, Unknown, cfn_value, concat, to_resolved
from .terraform import suppression_in

RESOURCE_TYPE = "AWS::SSM::Parameter"


def is_template(document: Any) -> bool:
    """Whether a parsed document is a CloudFormation/SAM template."""
    return isinstance(document, Mapping) and (
        "AWSTemplateFormatVersion" in document or isinstance(document.get("Resources"), Mapping)
    )


# Directives of AWS's Rain (`rain pkg` replaces them with CloudFormation before deploy): a
# template written for it is valid, and the values they stand for are unknown here.
_PREPROCESSOR_TAGS = ("!Rain::",)


def templates_in(document: Any) -> list[tuple[Mapping[str, Any], bool]]:
    """(template, written for the Serverless Framework) for each template a document holds.

    A serverless.yml adds CloudFormation under `resources:` (a mapping, or a list of them),
    where `${...}` in a plain string is the Framework's variable, resolved before deploy.
    """
    if is_template(document):
        return [(document, False)]
    if not isinstance(document, Mapping) or "service" not in document:
        return []
    resources = document.get("resources")
    parts = resources if isinstance(resources, list) else [resources]
    return [(p, True) for p in parts if isinstance(p, Mapping) and is_template(p)]


def read_template(text: str, shown: str, is_json: bool) -> tuple[list[Parameter], list[Problem]]:
    """Every AWS::SSM::Parameter in a template, or why the file could not be read."""
    spans: list[tuple[int, int]] = []
    unknown_tags: list[Tags] = [[]]
    try:
        if is_json:
            documents = [load_json(text)]
        else:
            documents, spans, unknown_tags = load_yaml(text)
    except DocumentError as exc:
        kind = "JSON" if is_json else "YAML"
        return [], [Problem(shown, f"not valid {kind}: {exc}", exc.line, exc.column)]
    templates = [t for d in documents for t in templates_in(d)]
    if not templates:
        return [], []
    problems = [
        Problem(
            shown,
            f"not valid CloudFormation: unknown tag {tag} (not a CloudFormation intrinsic "
            f"function) at line {line} column {column}",
            line,
            column,
        )
        for document, tags in zip(documents, unknown_tags, strict=True)
        if templates_in(document)
        for tag, line, column in [t for t in tags if not t[0].startswith(_PREPROCESSOR_TAGS)][:1]
    ]
    lines = [] if is_json else text.splitlines()  # JSON has no comments
    parameters = [
        p
        for template, serverless in templates
        for p in template_parameters(template, shown, lines, spans, serverless, problems)
    ]
    return parameters, problems


def _metadata_suppression(resource: Mapping[str, Any], line: int) -> Suppression | None:
    metadata = resource.get("Metadata")
    if not isinstance(metadata, Mapping):
        return None
    ours = metadata.get("paramguard")
    if isinstance(ours, Mapping) and "ignore" in ours:
        reason = ours.get("ignore")
        return Suppression(reason.strip() if isinstance(reason, str) else "", line)
    return None


def _comment_suppression(
    lines: list[str], first: int, last: int, spans: list[tuple[int, int]], column: int = 1
) -> Suppression | None:
    """A `# paramguard:ignore` comment directly above the resource or inside it (YAML)."""

    def in_scalar(number: int) -> bool:
        return any(a < number <= b for a, b in spans)

    candidates: list[int] = []
    above = first - 1
    while above >= 1 and lines[above - 1].strip().startswith("#"):
        candidates.append(above)
        above -= 1
    # YAML ends a mapping where the next key starts, so that key and the comment lines above
    # it fall in this one's range: trailing lines not indented deeper than this resource's
    # logical ID belong to what follows.
    last = min(last, len(lines))
    while last > first and not in_scalar(last):
        text = lines[last - 1]
        stripped = text.lstrip()
        if stripped and len(text) - len(stripped) >= column:
            break
        last -= 1
    candidates.extend(range(first, last + 1))
    for number in candidates:
        if in_scalar(number):
            continue
        text = lines[number - 1]
        at = text.find("#")
        while at >= 0:
            if at == 0 or text[at - 1] in " \t":
                found = suppression_in(text[at:], number)
                if found:
                    return found
            at = text.find("#", at + 1)
    return None


_FOR_EACH = "Fn::ForEach::"
# CloudFormation takes at most 500 resources a template; nested loops of 1,000 items each
# would otherwise make a million.
_MAX_RESOURCES = 10_000
_MAX_LOOP_ITEMS = 1000
_MAX_COPIED = 200_000  # values copied per loop


def _resources(
    resources: Mapping[str, Any], template: Template, depth: int = 0, room: list[int] | None = None
) -> list[tuple[str, Any, tuple[int, int], str | None]]:
    """(logical ID, resource, position, note) for each resource, Fn::ForEach loops expanded.

    A loop (AWS::LanguageExtensions) over a list the template fixes gives one resource per
    item, its identifier replaced in the logical ID and in every string (${Id} and &{Id});
    over a list it does not fix, one resource with the identifier left unresolved.
    """
    room = [_MAX_RESOURCES] if room is None else room  # shared by nested loops
    found: list[tuple[str, Any, tuple[int, int], str | None]] = []
    for key, value in resources.items():
        if room[0] <= 0:
            break
        position = resources.position(key) if isinstance(resources, Located) else (0, 0)
        if not (key.startswith(_FOR_EACH) and isinstance(value, list) and len(value) == 3):
            found.append((key, value, position, None))
            room[0] -= 1
            continue
        identifier, collection, outputs = value
        if not isinstance(identifier, str) or not isinstance(outputs, Mapping) or depth > 5:
            continue
        items = cfn_value(collection, template)
        if isinstance(items, str):
            items = [i.strip() for i in items.split(",")]  # a CommaDelimitedList default
        note = None
        if not (isinstance(items, list) and items and all(isinstance(i, str) for i in items)):
            items = [None]
            note = (
                f"{key}: the collection is not fixed by the template; ${{{identifier}}} unresolved"
            )
        budget = [_MAX_COPIED]
        for item in items[:_MAX_LOOP_ITEMS]:
            if room[0] <= 0:
                break
            expanded = _substitute(outputs, identifier, item, budget, {})
            for inner_key, inner, inner_position, inner_note in _resources(
                expanded, template, depth + 1, room
            ):
                if inner_position == (0, 0):
                    inner_position = position
                found.append((inner_key, inner, inner_position, inner_note or note))
    return found


def _substitute(
    value: Any, identifier: str, item: str | None, budget: list[int], copied: dict[int, Any]
) -> Any:
    """A copy of value with ${identifier} and &{identifier} replaced by item (kept if None).

    A subtree YAML aliases share is copied once per item (copied, by id), and budget bounds
    the values copied in all: past it a subtree is kept as it is, not replaced, so a huge
    tree costs bounded work and never loses the resources in it.
    """
    if item is None or not isinstance(value, str | list | Mapping):
        return value
    if isinstance(value, str):
        return value.replace("${" + identifier + "}", item).replace("&{" + identifier + "}", item)
    if id(value) in copied:
        return copied[id(value)]
    budget[0] -= 1
    if budget[0] < 0:
        return value
    if isinstance(value, list):
        result: Any = [_substitute(v, identifier, item, budget, copied) for v in value]
    else:
        result = Located()
        if isinstance(value, Located):
            result.line, result.column, result.end_line = value.line, value.column, value.end_line
        for k, v in value.items():
            new_key = k.replace("${" + identifier + "}", item).replace(
                "&{" + identifier + "}", item
            )
            result[new_key] = _substitute(v, identifier, item, budget, copied)
            if isinstance(value, Located) and k in value.positions:
                result.positions[new_key] = value.positions[k]
    copied[id(value)] = result
    return result


def _framework_variables(value: Any) -> Any:
    """A value with the Serverless Framework's ${...} variables in its strings made unknown."""
    if isinstance(value, str):
        return concat(_split_variables(value)) if "${" in value else value
    if isinstance(value, Partial):
        return concat(
            [
                piece
                for part in value.parts
                for piece in (_split_variables(part) if isinstance(part, str) else [part])
            ]
        )
    return value


def _split_variables(text: str) -> list[Any]:
    pieces: list[Any] = []
    i = 0
    while (start := text.find("${", i)) >= 0:
        pieces.append(text[i:start])
        depth, end = 0, start
        while end < len(text):  # ${opt:stage, ${self:provider.stage}} nests
            if text.startswith("${", end):
                depth += 1
                end += 1
            elif text[end] == "}":
                depth -= 1
                if depth == 0:
                    break
            end += 1
        pieces.append(Unknown(text[start : end + 1]))
        i = end + 1
    pieces.append(text[i:])
    return pieces


def template_parameters(
    document: Mapping[str, Any],
    shown: str,
    lines: list[str],
    spans: list[tuple[int, int]],
    serverless: bool = False,
    problems: list[Problem] | None = None,
) -> list[Parameter]:
    """The AWS::SSM::Parameter resources of a parsed template (problems: where to say that
    Fn::ForEach loops made more resources than are read)."""

    def resolve(value: Any) -> Any:
        resolved = cfn_value(value, template)
        return _framework_variables(resolved) if serverless else resolved

    parameters = document.get("Parameters")
    mappings = document.get("Mappings")
    template = Template(
        parameters if isinstance(parameters, Mapping) else {},
        mappings if isinstance(mappings, Mapping) else {},
    )
    resources = document.get("Resources")
    if not isinstance(resources, Mapping):
        return []
    found: list[Parameter] = []
    room = [_MAX_RESOURCES]
    expanded = _resources(resources, template, room=room)
    if room[0] <= 0 and problems is not None:
        message = (
            f"Fn::ForEach loops make more than {_MAX_RESOURCES:,} resources (CloudFormation "
            "takes 500); the ones past that are not checked"
        )
        problems.append(Problem(shown, message, getattr(resources, "line", None) or None))
    for logical_id, resource, (line, column), loop_note in expanded:
        if not isinstance(resource, Mapping) or resource.get("Type") != RESOURCE_TYPE:
            continue
        template.steps = 0  # the resolution budget is per resource
        last = resource.end_line if isinstance(resource, Located) else line
        properties = resource.get("Properties")
        properties = properties if isinstance(properties, Mapping) else {}
        notes: list[str] = []
        if "Name" in properties:
            name: Resolved | None = to_resolved(resolve(properties["Name"]))
            choice = properties["Name"]
            choice = (
                choice.get("Fn::If") if isinstance(choice, Mapping) and len(choice) == 1 else None
            )
            if (
                name is not None
                and not name.complete
                and isinstance(choice, list)
                and len(choice) == 3
            ):
                literals = tuple(to_resolved(resolve(c)).literal for c in choice[1:])
                name = Resolved(name.text, False, name.literal, literals)
        else:
            # CloudFormation then names it CFN-<LogicalId>-<random suffix>, at most 40
            # characters (aws-cloudformation-resource-providers-ssm, CreateHandler): the
            # logical ID, perhaps shortened, is part of the name the function will see.
            name = Resolved(
                f"CFN-{logical_id}-${{generated}}", False, f"CFN-{logical_id}-{PLACEHOLDER}"
            )
            notes.append("no Name: CloudFormation generates one from the logical ID")
        declared = to_resolved(resolve(properties["Type"])) if "Type" in properties else None
        condition = properties.get("Type")
        if declared is not None and not declared.complete and isinstance(condition, Mapping):
            choice = condition.get("Fn::If")
            if isinstance(choice, list) and len(choice) == 3:
                types = [cfn_value(c, template) for c in choice[1:]]
                if all(t in ("String", "StringList") for t in types):
                    declared = Resolved.known(str(types[0]))
                    notes.append("the type is chosen by Fn::If: String or StringList either way")
        value = resolve(properties["Value"]) if "Value" in properties else None
        address = str(logical_id)
        metadata = resource.get("Metadata")
        if isinstance(metadata, Mapping) and isinstance(metadata.get("aws:cdk:path"), str):
            address = f"{logical_id} ({metadata['aws:cdk:path']})"
        if "Condition" in resource:
            notes.append(f"created only under condition {resource['Condition']}")
        if loop_note:
            notes.append(loop_note)
        suppression = _metadata_suppression(resource, line)
        if suppression is None and lines and spans is not None:
            suppression = _comment_suppression(lines, line, last, spans, column)
        found.append(
            Parameter(
                file=shown,
                line=line,
                column=column,
                address=address,
                source_kind="cloudformation",
                name=name,
                type=declared,
                value=value if isinstance(value, str) else None,
                suppression=suppression,
                notes=tuple(notes),
            )
        )
    return found
