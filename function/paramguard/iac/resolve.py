"""Resolve Terraform expressions (hcl2 parse trees) and CloudFormation intrinsics to strings.

Only what the code itself fixes is resolved: literals, variable defaults and tfvars, locals,
for_each/count items, CloudFormation parameter defaults and pseudo parameters, and a few pure
functions. Everything else stays unknown and shows as ${expression} in names; its pieces
match nothing, so a name is then matched on its literal parts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hcl2.utils import SerializationOptions, process_escape_sequences

from .model import PLACEHOLDER, Resolved

_MAX_DEPTH = 64
# Bounds on what evaluation builds, so that locals which double a string or a list at each
# step cannot exhaust memory: a parameter name holds at most 2048 characters and a value 8 KB,
# so a longer string is not one the verdict needs.
MAX_STRING = 65_536
MAX_ITEMS = 10_000
MAX_STEPS = 100_000  # CloudFormation values visited per resolution (aliases share subtrees)
MAX_EVALUATION_STEPS = 200_000  # Terraform expression steps per resource instance
MAX_MODULE_STEPS = 5_000_000  # and per module scope, all instances together
_VALUE_OPTIONS = SerializationOptions(preserve_heredocs=False, strip_string_quotes=True)


@dataclass(frozen=True)
class Unknown:
    """A value the code does not fix; label is its expression as written."""

    label: str


@dataclass(frozen=True)
class Missing(Unknown):
    """An attribute or key a known object does not have: an error in Terraform, which try()
    passes over (where an Unknown might be anything, a Missing is certainly not a value)."""


@dataclass(frozen=True)
class Partial:
    """A string with unknown pieces."""

    parts: tuple[str | Unknown, ...]


def _label(node: Any) -> str:
    try:
        text = node.serialize()
    except Exception:  # noqa: BLE001 - hcl2 serialisers raise anything on odd trees
        return "${?}"
    text = str(text)
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        text = text[1:-1]
    return text if text.startswith("${") else "${" + text + "}"


def to_resolved(value: Any) -> Resolved:
    """The string a value stands for, as far as it is known."""
    if isinstance(value, str):
        return Resolved.known(value)
    if isinstance(value, bool):
        return Resolved.known("true" if value else "false")
    if isinstance(value, int | float):
        return Resolved.known(_number(value))
    if isinstance(value, Unknown):
        return Resolved(_shown(value.label), False, PLACEHOLDER)
    if isinstance(value, Partial):
        text = "".join(p if isinstance(p, str) else _shown(p.label) for p in value.parts)
        literal = "".join(p if isinstance(p, str) else PLACEHOLDER for p in value.parts)
        return Resolved(text, False, literal)
    return Resolved("${?}", False, PLACEHOLDER)


def _shown(label: str) -> str:
    return label if label.startswith("${") else "${" + label + "}"


def _number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_string(value: Any) -> str | Partial | Unknown:
    """Terraform's conversion to string inside a template."""
    if isinstance(value, str | Partial | Unknown):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    return Unknown("${?}")


def concat(pieces: list[Any]) -> str | Partial | Unknown:
    """Join template pieces, keeping unknown ones as such."""
    parts: list[str | Unknown] = []
    for piece in pieces:
        value = _as_string(piece)
        if isinstance(value, Partial):
            parts.extend(value.parts)
        else:
            parts.append(value)
    merged: list[str | Unknown] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    if sum(len(p) for p in merged if isinstance(p, str)) > MAX_STRING or len(merged) > MAX_ITEMS:
        return Unknown("${too long}")
    if all(isinstance(p, str) for p in merged):
        return "".join(p for p in merged if isinstance(p, str))
    return Partial(tuple(merged))


@dataclass
class Scope:
    """What names mean in one module: variables, locals, and the current for_each/count item."""

    variables: Mapping[str, Any] = field(default_factory=dict)
    locals: Mapping[str, Any] = field(default_factory=dict)  # unevaluated expression nodes
    each: tuple[Any, Any] | None = None
    count_index: int | None = None
    _cache: dict[str, Any] = field(default_factory=dict)
    _active: set[str] = field(default_factory=set)
    bindings: Mapping[str, Any] = field(default_factory=dict)  # for-expression iterators
    # Evaluation steps left for this instance and for the module: nested for expressions
    # multiply (8,192 items inside 8,192 is 67 million strings). Each instance has its own
    # budget, so one costly expression does not leave the other resources unresolved.
    _steps: list[int] = field(default_factory=lambda: [MAX_EVALUATION_STEPS])
    _total: list[int] = field(default_factory=lambda: [MAX_MODULE_STEPS])

    def exhausted(self) -> bool:
        """Whether an evaluation budget is spent."""
        return self._steps[0] < 0 or self._total[0] < 0

    def module_exhausted(self) -> bool:
        """Whether the module's budget is spent (later instances stay unresolved)."""
        return self._total[0] < 0

    def spend(self, steps: int = 1) -> bool:
        """Count steps; False once a budget is spent (the value is then unknown)."""
        self._steps[0] -= steps
        self._total[0] -= steps
        return not self.exhausted()

    def local(self, name: str, label: str) -> Any:
        """The value of local.name, evaluated once; a cycle or a missing local is unknown."""
        if name in self._cache:
            return self._cache[name]
        node = self.locals.get(name)
        if node is None or name in self._active:
            return Unknown(label)
        self._active.add(name)
        try:
            value = evaluate(
                node,
                Scope(
                    self.variables,
                    self.locals,
                    _cache=self._cache,
                    _active=self._active,
                    _steps=self._steps,
                    _total=self._total,
                ),
            )
        finally:
            self._active.discard(name)
        self._cache[name] = value
        return value

    def item(self, each: tuple[Any, Any] | None, count_index: int | None) -> Scope:
        """The same module scope for one instance of a resource."""
        return Scope(
            self.variables,
            self.locals,
            each,
            count_index,
            self._cache,
            self._active,
            _steps=[MAX_EVALUATION_STEPS],
            _total=self._total,
        )

    def bind(self, names: Mapping[str, Any]) -> Scope:
        """The same scope with for-expression iterators bound."""
        return Scope(
            self.variables,
            self.locals,
            self.each,
            self.count_index,
            self._cache,
            self._active,
            {**self.bindings, **names},
            self._steps,
            self._total,
        )


def evaluate(node: Any, scope: Scope, depth: int = 0) -> Any:
    """The value of an hcl2 expression node: Python data, Partial strings or Unknown."""
    if depth > _MAX_DEPTH or node is None:
        return Unknown("${?}")
    if not scope.spend():
        return Unknown("${too complex}")
    kind = node.lark_name()
    handler = _HANDLERS.get(kind)
    if handler is None:
        return Unknown(_label(node))
    try:
        return handler(node, scope, depth + 1)
    except RecursionError:
        return Unknown(_label(node))


def _expr_term(node: Any, scope: Scope, depth: int) -> Any:
    return evaluate(node.expression, scope, depth)


def _string(node: Any, scope: Scope, depth: int) -> Any:
    pieces: list[Any] = []
    for part in node.string_parts:
        content = part.content
        name = content.lark_name()
        if name == "STRING_CHARS":
            pieces.append(process_escape_sequences(str(content.value)))
        elif name == "ESCAPED_INTERPOLATION":
            pieces.append(str(content.value)[1:])  # $${ is a literal ${
        elif name == "ESCAPED_DIRECTIVE":
            pieces.append(str(content.value)[1:])
        elif name == "interpolation":
            pieces.append(evaluate(content.expression, scope, depth))
        else:  # %{ if } / %{ for } directives
            pieces.append(Unknown(_label(content)))
    return concat(pieces)


def _heredoc(node: Any, scope: Scope, depth: int) -> Any:
    raw = str(node.children[0].value) if node.children else ""
    if "${" in raw or "%{" in raw:
        return Unknown(_label(node))
    try:
        value = node.serialize(_VALUE_OPTIONS)
    except Exception:  # noqa: BLE001
        return Unknown(_label(node))
    return value if isinstance(value, str) else Unknown(_label(node))


def _literal(node: Any, scope: Scope, depth: int) -> Any:
    value = node.serialize()
    if isinstance(value, bool | int | float) or value is None:
        return value
    return Unknown(_label(node))


def _attribute_name(node: Any) -> str | None:
    """The identifier of a GetAttrRule (the `b` of `a.b`)."""
    for child in node.children:
        if child is not None and child.lark_name() == "identifier":
            return str(child.serialize())
    return None


def _root_identifier(node: Any) -> str | None:
    while node is not None and node.lark_name() == "expr_term":
        node = node.expression
    if node is not None and node.lark_name() == "identifier":
        return str(node.serialize())
    return None


def _get_attr(node: Any, scope: Scope, depth: int) -> Any:
    base, getter = node.children[0], node.children[1]
    attribute = _attribute_name(getter)
    root = _root_identifier(base)
    label = _label(node)
    if attribute is None:
        return Unknown(label)
    if root is not None and root in scope.bindings:
        value = scope.bindings[root]
        if isinstance(value, Mapping):
            return value[attribute] if attribute in value else Missing(label)
        return Unknown(label)
    if root == "var":
        return scope.variables.get(attribute, Unknown(label))
    if root == "local":
        return scope.local(attribute, label)
    if root == "each":
        if scope.each is None:
            return Unknown(label)
        if attribute == "key":
            return scope.each[0]
        if attribute == "value":
            return scope.each[1]
        return Unknown(label)
    if root == "count":
        if scope.count_index is not None and attribute == "index":
            return scope.count_index
        return Unknown(label)
    if root is not None:
        return Unknown(label)  # a resource, data source, module, path or terraform reference
    value = evaluate(base, scope, depth)
    if isinstance(value, Mapping):
        return value[attribute] if attribute in value else Missing(label)
    return Unknown(label)


def _index(node: Any, scope: Scope, depth: int) -> Any:
    base = evaluate(node.children[0], scope, depth)
    index_rule = node.children[1]
    key_node = next(
        (c for c in index_rule.children if c is not None and c.lark_name() == "expr_term"), None
    )
    key = evaluate(key_node, scope, depth) if key_node is not None else Unknown("?")
    if isinstance(base, Mapping) and isinstance(key, str):
        return base[key] if key in base else Missing(_label(node))
    if isinstance(base, list) and isinstance(key, int) and not isinstance(key, bool):
        return base[key] if 0 <= key < len(base) else Missing(_label(node))
    return Unknown(_label(node))


def _tuple(node: Any, scope: Scope, depth: int) -> Any:
    return [
        evaluate(child, scope, depth)
        for child in node.children
        if child is not None
        and hasattr(child, "children")
        and child.lark_name() != "new_line_or_comment"
    ]


def _object(node: Any, scope: Scope, depth: int) -> Any:
    result: dict[str, Any] = {}
    for element in node.children:
        if element is None or element.lark_name() != "object_elem":
            continue
        key_rule, value_node = element.children[0], element.children[-1]
        inner = key_rule.children[0] if key_rule.children else None
        if inner is not None and inner.lark_name() == "identifier":
            key: Any = str(inner.serialize())
        else:
            key = evaluate(inner, scope, depth) if inner is not None else Unknown("?")
        if not isinstance(key, str):
            return Unknown(_label(node))  # a computed key: the map's keys are not known
        result[key] = evaluate(value_node, scope, depth)
    return result


def branches(node: Any, scope: Scope) -> list[Any] | None:
    """The values of both branches of a conditional whose condition is not known, else None.

    Where any outcome matters (the items for_each may create, the types a parameter may get),
    both are taken into account.
    """
    while node is not None and node.lark_name() == "expr_term":
        node = node.expression
    if node is None or node.lark_name() != "conditional":
        return None
    parts = [c for c in node.children if c is not None and hasattr(c, "children")]
    if len(parts) != 3 or isinstance(evaluate(parts[0], scope), bool):
        return None
    return [evaluate(parts[1], scope), evaluate(parts[2], scope)]


def _identifier(node: Any, scope: Scope, depth: int) -> Any:
    name = str(node.serialize())
    return scope.bindings.get(name, Unknown(_label(node)))


def _for_items(intro: Any, scope: Scope, depth: int) -> list[dict[str, Any]] | None:
    """The bindings of each iteration of a for expression, or None if the collection is unknown."""
    collection = evaluate(intro.iterable, scope, depth)
    first = str(intro.first_iterator.serialize())
    second = intro.second_iterator
    second_name = str(second.serialize()) if second is not None else None
    if isinstance(collection, Mapping):
        pairs: list[tuple[Any, Any]] = list(collection.items())
    elif isinstance(collection, list):
        pairs = list(enumerate(collection))
    else:
        return None
    if len(pairs) > MAX_ITEMS or not scope.spend(len(pairs)):
        return None
    if second_name is None:
        return [{first: value} for _, value in pairs]
    return [{first: key, second_name: value} for key, value in pairs]


def _kept(rule: Any, scope: Scope, depth: int) -> bool:
    condition = rule.condition
    if condition is None:
        return True
    # An `if` the code does not decide keeps the item: it may be created.
    return evaluate(condition.condition_expr, scope, depth) is not False


def _for_tuple(node: Any, scope: Scope, depth: int) -> Any:
    items = _for_items(node.for_intro, scope, depth)
    if items is None:
        return Unknown(_label(node))
    result = []
    for names in items:
        if scope.exhausted():
            return Unknown("${too complex}")
        inner = scope.bind(names)
        if _kept(node, inner, depth):
            result.append(evaluate(node.value_expr, inner, depth))
    return result


def _for_object(node: Any, scope: Scope, depth: int) -> Any:
    items = _for_items(node.for_intro, scope, depth)
    if items is None or node.ellipsis is not None:
        return Unknown(_label(node))  # grouping mode (...) builds lists: not worth modelling
    result: dict[str, Any] = {}
    for names in items:
        if scope.exhausted():
            return Unknown("${too complex}")
        inner = scope.bind(names)
        if not _kept(node, inner, depth):
            continue
        key = evaluate(node.key_expr, inner, depth)
        if isinstance(key, int | float) and not isinstance(key, bool):
            key = _number(key)
        if not isinstance(key, str):
            return Unknown(_label(node))
        result[key] = evaluate(node.value_expr, inner, depth)
    return result


def _known_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _unary(node: Any, scope: Scope, depth: int) -> Any:
    operand = evaluate(node.expr_term, scope, depth)
    operator = str(node.operator).strip()
    if operator == "!" and isinstance(operand, bool):
        return not operand
    if operator == "-" and isinstance(operand, int | float) and not isinstance(operand, bool):
        return -operand
    return Unknown(_label(node))


def _binary(node: Any, scope: Scope, depth: int) -> Any:
    left = evaluate(node.expr_term, scope, depth)
    term = node.binary_term
    operator = str(term.binary_operator.serialize()).strip()
    right = evaluate(term.expr_term, scope, depth)
    if operator in ("&&", "||"):
        decisive = operator == "||"  # true decides ||, false decides &&
        if left is decisive or right is decisive:
            return decisive
        if isinstance(left, bool) and isinstance(right, bool):
            return not decisive
        return Unknown(_label(node))
    if operator in ("==", "!=") and _known_scalar(left) and _known_scalar(right):
        return (left == right) == (operator == "==")
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right))
    if numbers:
        try:
            result = {
                "+": lambda: left + right,
                "-": lambda: left - right,
                "*": lambda: left * right,
                "/": lambda: left / right,
                "%": lambda: left % right,
                "<": lambda: left < right,
                ">": lambda: left > right,
                "<=": lambda: left <= right,
                ">=": lambda: left >= right,
            }[operator]()
        except (KeyError, ZeroDivisionError, OverflowError):
            return Unknown(_label(node))
        return result
    return Unknown(_label(node))


def _conditional(node: Any, scope: Scope, depth: int) -> Any:
    parts = [c for c in node.children if c is not None and hasattr(c, "children")]
    if len(parts) != 3:
        return Unknown(_label(node))
    condition = evaluate(parts[0], scope, depth)
    if isinstance(condition, bool):
        return evaluate(parts[1] if condition else parts[2], scope, depth)
    return Unknown(_label(node))


def _call(node: Any, scope: Scope, depth: int) -> Any:
    name_node = node.children[0]
    name = str(name_node.serialize()) if name_node is not None else ""
    arguments = next(
        (c for c in node.children if c is not None and c.lark_name() == "arguments"), None
    )
    args: list[Any] = []
    if arguments is not None:
        args = [
            evaluate(c, scope, depth)
            for c in arguments.children
            if c is not None and hasattr(c, "children") and c.lark_name() != "new_line_or_comment"
        ]
    if name not in ("try", "can") and any(isinstance(a, Missing) for a in args):
        return Missing(_label(node))  # an error inside propagates to the try() or can() around
    function = _FUNCTIONS.get(name)
    if function is None:
        return Unknown(_label(node))
    try:
        result = function(args)
    except (TypeError, ValueError, IndexError):
        result = None
    if result is _NULL:
        return None
    if result is _ERROR:
        return Missing(_label(node))
    return Unknown(_label(node)) if result is None else result


# What a function returns for null and for an error (its None means "not known").
_NULL = object()
_ERROR = object()


def _can(args: list[Any]) -> Any:
    if len(args) != 1:
        return None
    if isinstance(args[0], Missing):
        return False
    return None if _has_unknown(args[0]) else True


def _to_string(args: list[Any]) -> Any:
    if len(args) != 1 or _has_unknown(args[0]):
        return None
    value = args[0]
    if value is None:
        return _NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    return value if isinstance(value, str) else _ERROR  # a list or an object


def _to_bool(args: list[Any]) -> Any:
    if len(args) != 1 or _has_unknown(args[0]):
        return None
    value = args[0]
    if value is None:
        return _NULL
    if isinstance(value, bool):
        return value
    return {"true": True, "false": False}.get(value, _ERROR) if isinstance(value, str) else _ERROR


def _to_number(args: list[Any]) -> Any:
    if len(args) != 1 or _has_unknown(args[0]):
        return None
    value = args[0]
    if value is None:
        return _NULL
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return _ERROR
        return int(number) if number.is_integer() and "." not in value else number
    return _ERROR


def _strings(args: list[Any], count: int) -> list[str] | None:
    if len(args) != count or not all(isinstance(a, str) for a in args):
        return None
    return [str(a) for a in args]


def _case(convert: Callable[[str], str]) -> Callable[[list[Any]], Any]:
    def apply(args: list[Any]) -> Any:
        if len(args) != 1:
            return None
        value = args[0]
        if isinstance(value, str):
            return convert(value)
        if isinstance(value, Partial):
            return Partial(tuple(convert(p) if isinstance(p, str) else p for p in value.parts))
        return None

    return apply


def _format(args: list[Any]) -> Any:
    if not args or not isinstance(args[0], str):
        return None
    spec, values = args[0], list(args[1:])
    pieces: list[Any] = []
    i = 0
    while i < len(spec):
        char = spec[i]
        if char != "%":
            pieces.append(char)
            i += 1
            continue
        verb = spec[i + 1 : i + 2]
        i += 2
        if verb == "%":
            pieces.append("%")
        elif verb in ("s", "v", "d", "q") and values:
            value = values.pop(0)
            pieces.append(f'"{value}"' if verb == "q" and isinstance(value, str) else value)
        else:
            return None  # widths, precisions, %[n] indexes: not worth guessing
    return concat(pieces)


def _join(args: list[Any]) -> Any:
    if len(args) < 2 or not isinstance(args[0], str):
        return None
    items: list[Any] = []
    for lst in args[1:]:
        if not isinstance(lst, list):
            return None
        items.extend(lst)
    if len(items) > MAX_ITEMS:
        return None
    pieces: list[Any] = []
    for n, item in enumerate(items):
        if n:
            pieces.append(args[0])
        pieces.append(item)
    return concat(pieces)


def _replace(args: list[Any]) -> Any:
    values = _strings(args, 3)
    if values is None or values[1].startswith("/") or not values[1]:
        return None  # a /regex/ replacement is not evaluated
    result = values[0].replace(values[1], values[2])
    return result if len(result) <= MAX_STRING else None


def _trim(kind: str) -> Callable[[list[Any]], Any]:
    def apply(args: list[Any]) -> Any:
        values = _strings(args, 2)
        if values is None:
            return None
        return (
            values[0].removeprefix(values[1])
            if kind == "prefix"
            else values[0].removesuffix(values[1])
        )

    return apply


def _coalesce(args: list[Any]) -> Any:
    for arg in args:
        if isinstance(arg, Unknown | Partial):
            return None
        if arg not in (None, ""):
            return arg
    return None


def _try(args: list[Any]) -> Any:
    for arg in args:
        if isinstance(arg, Missing):
            continue  # Terraform's error: try() takes the next argument
        if _has_unknown(arg):
            return None
        return _NULL if arg is None else arg
    return None


def _has_unknown(value: Any) -> bool:
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, Unknown | Partial):
            return True
        if isinstance(current, Mapping):
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return False


def _length(args: list[Any]) -> Any:
    if len(args) != 1 or isinstance(args[0], Unknown | Partial):
        return None
    return len(args[0]) if isinstance(args[0], str | list | Mapping) else None


def _element(args: list[Any]) -> Any:
    if len(args) != 2 or not isinstance(args[0], list) or not args[0]:
        return None
    index = args[1]
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        return None
    return args[0][index % len(args[0])]  # element() wraps around


def _split(args: list[Any]) -> Any:
    values = _strings(args, 2)
    if values is None or not values[0]:
        return None
    parts = values[1].split(values[0])
    return parts if len(parts) <= MAX_ITEMS else None


def _toset(args: list[Any]) -> Any:
    if len(args) == 1 and isinstance(args[0], list):
        seen: dict[Any, None] = {}
        for item in args[0]:
            if not isinstance(item, str):
                return None
            seen[item] = None
        return list(seen)
    return None


def _identity(args: list[Any]) -> Any:
    return args[0] if len(args) == 1 and not isinstance(args[0], Unknown) else None


def _merge(args: list[Any]) -> Any:
    result: dict[str, Any] = {}
    for arg in args:
        if not isinstance(arg, Mapping):
            return None
        result.update(arg)
    return result


def _concat_lists(args: list[Any]) -> Any:
    result: list[Any] = []
    for arg in args:
        if not isinstance(arg, list):
            return None
        result.extend(arg)
    return result if len(result) <= MAX_ITEMS else None


def _lookup(args: list[Any]) -> Any:
    if len(args) in (2, 3) and isinstance(args[0], Mapping) and isinstance(args[1], str):
        if args[1] in args[0]:
            return args[0][args[1]]
        return args[2] if len(args) == 3 else None
    return None


def _keys(args: list[Any]) -> Any:
    return sorted(args[0]) if len(args) == 1 and isinstance(args[0], Mapping) else None


def _values(args: list[Any]) -> Any:
    if len(args) == 1 and isinstance(args[0], Mapping):
        return [args[0][k] for k in sorted(args[0])]
    return None


_FUNCTIONS: dict[str, Callable[[list[Any]], Any]] = {
    "lookup": _lookup,
    "keys": _keys,
    "values": _values,
    "lower": _case(str.lower),
    "upper": _case(str.upper),
    "title": _case(str.title),
    "trimspace": lambda a: _strings(a, 1)[0].strip() if _strings(a, 1) else None,  # type: ignore[index]
    "format": _format,
    "join": _join,
    "replace": _replace,
    "trimprefix": _trim("prefix"),
    "trimsuffix": _trim("suffix"),
    "coalesce": _coalesce,
    "toset": _toset,
    "tomap": _identity,
    "tolist": _identity,
    "tostring": _to_string,
    "tobool": _to_bool,
    "tonumber": _to_number,
    "can": _can,
    "merge": _merge,
    "concat": _concat_lists,
    "try": _try,
    "length": _length,
    "element": _element,
    "split": _split,
}


def _unwrap(node: Any) -> Any:
    while node is not None and node.lark_name() == "expr_term":
        node = node.expression
    return node


def _call_parts(node: Any) -> tuple[str, list[Any]] | None:
    """(function name, argument nodes) of a function call node, else None."""
    node = _unwrap(node)
    if node is None or node.lark_name() != "function_call":
        return None
    arguments = next(
        (c for c in node.children if c is not None and c.lark_name() == "arguments"), None
    )
    args = [
        c
        for c in (arguments.children if arguments is not None else [])
        if c is not None and hasattr(c, "children") and c.lark_name() != "new_line_or_comment"
    ]
    return str(node.children[0].serialize()), args


def type_defaults(node: Any, depth: int = 0) -> Any:
    """What a variable's type constraint fills in: optional(type, default) attributes.

    ("object", {attribute: (spec, optional, default)}), ("collection", spec) for
    map/list/set, or None where nothing is filled in.
    """
    parts = _call_parts(node) if depth < _MAX_DEPTH else None
    if parts is None:
        return None
    name, args = parts
    if name in ("map", "list", "set") and len(args) == 1:
        inner = type_defaults(args[0], depth + 1)
        return ("collection", inner) if inner is not None else None
    if name != "object" or len(args) != 1:
        return None
    shape = _unwrap(args[0])
    if shape is None or shape.lark_name() != "object":
        return None
    attributes: dict[str, tuple[Any, bool, Any]] = {}
    for element in shape.children:
        if element is None or element.lark_name() != "object_elem":
            continue
        key = element.children[0].children[0] if element.children[0].children else None
        if key is None or key.lark_name() != "identifier":
            continue
        value = element.children[-1]
        optional = _call_parts(value)
        if optional is not None and optional[0] == "optional" and optional[1]:
            inner = type_defaults(optional[1][0], depth + 1)
            default = evaluate(optional[1][1], Scope()) if len(optional[1]) > 1 else None
            attributes[str(key.serialize())] = (inner, True, default)
        else:
            attributes[str(key.serialize())] = (type_defaults(value, depth + 1), False, None)
    if not any(opt or inner is not None for inner, opt, _ in attributes.values()):
        return None
    return ("object", attributes)


def with_defaults(spec: Any, value: Any) -> Any:
    """value with the defaults of its type's optional attributes filled in, as Terraform does."""
    if spec is None:
        return value
    kind, inner = spec
    if kind == "collection":
        if isinstance(value, Mapping):
            return {k: with_defaults(inner, v) for k, v in value.items()}
        if isinstance(value, list):
            return [with_defaults(inner, v) for v in value]
        return value
    if not isinstance(value, Mapping):
        return value
    result = dict(value)
    for attribute, (attribute_spec, optional, default) in inner.items():
        if result.get(attribute) is not None:
            result[attribute] = with_defaults(attribute_spec, result[attribute])
        elif optional:  # absent or null: the default (null when there is none)
            result[attribute] = with_defaults(attribute_spec, default)
    return result


class JsonValue:
    """A value from Terraform's JSON syntax, where every string is a template."""

    def __init__(self, value: Any) -> None:
        self.value = value

    @staticmethod
    def lark_name() -> str:
        """Lets evaluate() dispatch on it like an hcl2 node."""
        return "json_value"


def template_node(text: str) -> Any:
    """Parse a Terraform JSON string as the template it is, with hcl2's own parser."""
    import hcl2

    tree = hcl2.parses(f'x = "{_hcl_quoted(text)}"\n')
    return tree.body.children[0].expression


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _hcl_quoted(text: str) -> str:
    """The body of an HCL quoted template with the same meaning as a Terraform JSON string.

    Literal text is escaped; an interpolation or directive is copied as written, since its
    expressions (their quoted arguments too) are HCL already.
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith(("$${", "%%{"), i):
            out.append(text[i : i + 3])
            i += 3
        elif text.startswith(("${", "%{"), i):
            end = _template_end(text, i + 2)
            out.append(text[i:end])
            i = end
        else:
            out.append(_ESCAPES.get(text[i], text[i]))
            i += 1
    return "".join(out)


def _template_end(text: str, i: int) -> int:
    """Where the interpolation opened before i ends (after its closing brace)."""
    depth = 1
    quote = False
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == '"':
                quote = False
        elif char == '"':
            quote = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)  # unclosed: hcl2 will say it is not a template


def _json_value(node: Any, scope: Scope, depth: int) -> Any:
    value = node.value
    if isinstance(value, str):
        if "${" not in value and "%{" not in value:
            return value
        try:
            parsed = template_node(value)
        except Exception:  # noqa: BLE001 - an invalid template is an unknown value
            return Unknown(value)
        return evaluate(parsed, scope, depth)
    if isinstance(value, list):
        return [evaluate(JsonValue(v), scope, depth) for v in value]
    if isinstance(value, Mapping):
        return {str(k): evaluate(JsonValue(v), scope, depth) for k, v in value.items()}
    return value


_HANDLERS: dict[str, Callable[[Any, Scope, int], Any]] = {
    "json_value": _json_value,
    "expr_term": _expr_term,
    "string": _string,
    "heredoc_template": _heredoc,
    "heredoc_template_trim": _heredoc,
    "literal_value": _literal,
    "int_lit": _literal,
    "float_lit": _literal,
    "get_attr_expr_term": _get_attr,
    "index_expr_term": _index,
    "tuple": _tuple,
    "object": _object,
    "conditional": _conditional,
    "function_call": _call,
    "identifier": _identifier,
    "unary_op": _unary,
    "binary_op": _binary,
    "for_tuple_expr": _for_tuple,
    "for_object_expr": _for_object,
}


def references(node: Any) -> list[str]:
    """Every traversal (a.b.c) an expression makes, as dotted text, outermost first."""
    found: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current is None or not hasattr(current, "children"):
            continue
        if current.lark_name() == "get_attr_expr_term":
            path = _traversal(current)
            if path:
                found.append(path)
                continue
        stack.extend(reversed([c for c in current.children if c is not None]))
    return found


def _traversal(node: Any) -> str | None:
    names: list[str] = []
    while node is not None:
        kind = node.lark_name()
        if kind == "expr_term":
            node = node.expression
        elif kind == "get_attr_expr_term":
            attribute = _attribute_name(node.children[1])
            if attribute is None:
                return None
            names.append(attribute)
            node = node.children[0]
        elif kind == "index_expr_term":
            node = node.children[0]
        elif kind == "identifier":
            names.append(str(node.serialize()))
            return ".".join(reversed(names))
        else:
            return None
    return None


# ---- CloudFormation ----------------------------------------------------------------------

_PSEUDO = {"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": None}


@dataclass
class Template:
    """What a template fixes: parameter defaults and mappings."""

    parameters: Mapping[str, Any] = field(default_factory=dict)
    mappings: Mapping[str, Any] = field(default_factory=dict)
    steps: int = 0  # values visited so far (bounded by MAX_STEPS)


def cfn_value(value: Any, template: Template, depth: int = 0) -> Any:
    """Resolve a CloudFormation value: strings, Partial strings, lists, dicts or Unknown."""
    template.steps += 1
    if depth > _MAX_DEPTH or template.steps > MAX_STEPS:
        return Unknown("${too complex}")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return [cfn_value(v, template, depth + 1) for v in value]
    if not isinstance(value, Mapping):
        return Unknown("?")
    if len(value) != 1:
        return {k: cfn_value(v, template, depth + 1) for k, v in value.items()}
    ((key, argument),) = value.items()
    if key == "Ref":
        return _ref(argument, template)
    if key == "Fn::Sub":
        return _sub(argument, template, depth)
    if key == "Fn::Join":
        if isinstance(argument, list) and len(argument) == 2:
            separator = cfn_value(argument[0], template, depth + 1)
            items = cfn_value(argument[1], template, depth + 1)
            if isinstance(separator, str) and isinstance(items, list):
                return _join([separator, items])
        return Unknown(_cfn_label(key, argument))
    if key == "Fn::Split":
        if isinstance(argument, list) and len(argument) == 2:
            delimiter = cfn_value(argument[0], template, depth + 1)
            source = cfn_value(argument[1], template, depth + 1)
            if isinstance(delimiter, str) and delimiter and isinstance(source, str):
                return source.split(delimiter)
        return Unknown(_cfn_label(key, argument))
    if key == "Fn::Select":
        if isinstance(argument, list) and len(argument) == 2:
            index = cfn_value(argument[0], template, depth + 1)
            items = cfn_value(argument[1], template, depth + 1)
            if isinstance(index, str) and index.isdigit() and isinstance(items, list):
                if int(index) < len(items):
                    return items[int(index)]
        return Unknown(_cfn_label(key, argument))
    if key == "Fn::FindInMap":
        if isinstance(argument, list) and len(argument) >= 3:
            keys = [cfn_value(a, template, depth + 1) for a in argument[:3]]
            if all(isinstance(k, str) for k in keys):
                found: Any = template.mappings
                for k in keys:
                    found = found.get(k) if isinstance(found, Mapping) else None
                if found is not None:
                    return cfn_value(found, template, depth + 1)
        return Unknown(_cfn_label(key, argument))
    if key.startswith("Fn::") or key == "Condition":
        return Unknown(_cfn_label(key, argument))
    return {key: cfn_value(argument, template, depth + 1)}


def _cfn_label(key: str, argument: Any) -> str:
    if key == "Fn::GetAtt" and isinstance(argument, list):
        return "${" + ".".join(str(a) for a in argument) + "}"
    if key == "Fn::ImportValue" and isinstance(argument, str):
        return "${ImportValue " + argument + "}"
    return "${" + key.removeprefix("Fn::") + "}"


def _ref(argument: Any, template: Template) -> Any:
    if not isinstance(argument, str):
        return Unknown("${Ref}")
    if argument in _PSEUDO and _PSEUDO[argument] is not None:
        return _PSEUDO[argument]
    parameter = template.parameters.get(argument)
    kind = parameter.get("Type") if isinstance(parameter, Mapping) else None
    if isinstance(kind, str) and kind.startswith("AWS::SSM::Parameter::Value<"):
        # Its Default names a parameter; Ref is the value stored there, read at deploy time.
        return Unknown("${" + argument + "}")
    if isinstance(parameter, Mapping) and "Default" in parameter:
        default = parameter["Default"]
        if isinstance(default, bool) or not isinstance(default, str | int | float | list):
            return Unknown("${" + argument + "}")
        if isinstance(default, list):
            items = [_number(d) if isinstance(d, int | float) else str(d) for d in default]
        else:
            text = default if isinstance(default, str) else _number(default)
            items = [text]
        if isinstance(kind, str) and (kind == "CommaDelimitedList" or kind.startswith("List<")):
            # Ref to a list parameter is a list; its members are space-trimmed
            return [i.strip() for item in items for i in item.split(",")]
        return ",".join(items)
    return Unknown("${" + argument + "}")


def _sub(argument: Any, template: Template, depth: int) -> Any:
    if isinstance(argument, str):
        text, variables = argument, {}
    elif (
        isinstance(argument, list)
        and len(argument) == 2
        and isinstance(argument[0], str)
        and isinstance(argument[1], Mapping)
    ):
        text = argument[0]
        variables = {k: cfn_value(v, template, depth + 1) for k, v in argument[1].items()}
    else:
        return Unknown("${Sub}")
    pieces: list[Any] = []
    i = 0
    while i < len(text):
        start = text.find("${", i)
        if start < 0:
            pieces.append(text[i:])
            break
        pieces.append(text[i:start])
        if text.startswith("${!", start):  # ${!Literal} is the literal ${Literal}
            end = text.find("}", start)
            end = len(text) - 1 if end < 0 else end
            pieces.append("${" + text[start + 3 : end + 1])
            i = end + 1
            continue
        end = text.find("}", start)
        if end < 0:
            pieces.append(text[start:])
            break
        variable = text[start + 2 : end].strip()
        if variable in variables:
            pieces.append(variables[variable])
        elif "." in variable:
            pieces.append(Unknown("${" + variable + "}"))  # ${Resource.Attribute}
        else:
            pieces.append(_ref(variable, template))
        i = end + 1
    return concat(pieces)
