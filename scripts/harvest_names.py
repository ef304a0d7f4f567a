#!/usr/bin/env python3
"""Extract every SSM parameter name declared in a fetched repository's IaC files.

Reads a bare git directory (a fetched mirror) at HEAD or a given commit and prints one JSON
object per candidate name: the name after the corpus interpolation rule, the declared type, the kind
(tf-resource, tf-data, cfn-resource, cfn-resolve, sam), the path, and context for the
person who labels it (resource label, description, the value expression). The context is
for labelling only and is never written to the corpus. Names with no literal letters left
after interpolation are counted as skips, per file, on stderr and in a final JSON object.

Usage: harvest_names.py GIT_DIR OWNER/REPO [REV] > candidates.jsonl  (REV defaults to HEAD)

What is read (see tests/data/README.md for the rules):
- Terraform `*.tf` / `*.tf.json`: `resource`/`data "aws_ssm_parameter"` names, expanding
  `for_each`/`count` over literal collections and local-module inputs, and the inputs of
  the public SSM modules (cloudposse ssm-parameter-store, terraform-aws-modules/ssm-parameter).
- CloudFormation/SAM YAML or JSON templates: `AWS::SSM::Parameter` Name properties,
  `{{resolve:ssm:...}}` / `{{resolve:ssm-secure:...}}` references, and the defaults of
  `AWS::SSM::Parameter::Value<...>` template parameters; Sceptre stack configs' `!ssm` names.
"""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import hcl2
import yaml

X = "{x}"
MAX_INSTANCES = 12
MAX_ITEMS = 400
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template", ".cfn")
SKIP_PARTS = ("node_modules/", "/.terraform/", "cdk.out/", ".serverless/", "vendor/")


class Unknown:
    """A value the harvester cannot know statically (an attribute, a data source, ...)."""

    def __repr__(self) -> str:
        return "UNK"


UNK = Unknown()


def git(git_dir: str, *args: str) -> bytes:
    """Run git against the bare mirror."""
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True
    ).stdout


def read_blobs(git_dir: str, rev: str, paths: list[str]) -> dict[str, str]:
    """Read files at a commit in one git cat-file process."""
    if not paths:
        return {}
    request = "".join(f"{rev}:{p}\n" for p in paths).encode()
    out = subprocess.run(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
        input=request,
        check=True,
        capture_output=True,
    ).stdout
    result: dict[str, str] = {}
    pos = 0
    for path in paths:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] != b"blob":
            continue
        size = int(header[2])
        result[path] = out[pos : pos + size].decode("utf-8", "replace")
        pos += size + 1
    return result


# ---------------------------------------------------------------- HCL expressions


@dataclass
class Node:
    """An HCL expression node: kind is str, ref, call, list, obj, lit or unk."""

    kind: str
    parts: list[Any] = field(default_factory=list)
    name: str = ""


class Parser:
    """A small recursive-descent parser for the HCL expression subset names use."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0

    def ws(self) -> None:
        while self.i < len(self.s) and self.s[self.i] in " \t\r\n":
            self.i += 1

    def peek(self) -> str:
        self.ws()
        return self.s[self.i] if self.i < len(self.s) else ""

    def parse_all(self) -> Node:
        node = self.expr()
        self.ws()
        if self.i != len(self.s):
            return Node("unk")
        return node

    def expr(self) -> Node:
        node = self.primary()
        self.ws()
        rest = self.s[self.i :]
        if rest[:1] in {"?", "+", "-", "*", "/", "%", "=", "!", "<", ">", "&", "|"}:
            # A conditional keeps both branches (a for_each over `cond ? {...} : {}` declares
            # every name in the map); any other operator makes the expression unknown.
            if self.skip_condition():
                then = self.expr()
                if self.peek() == ":":
                    self.i += 1
                    return Node("cond", [then, self.expr()])
            self.skip_to_end()
            return Node("unk")
        return node

    def skip_condition(self) -> bool:
        """Skip to just after the `?` of a conditional; False if there is none here."""
        depth = 0
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == '"':
                self.string()
                continue
            if c in "([{":
                depth += 1
            elif c in ")]}":
                if depth == 0:
                    return False
                depth -= 1
            elif c == "," and depth == 0:
                return False
            elif c == "?" and depth == 0:
                self.i += 1
                return True
            self.i += 1
        return False

    def skip_to_end(self) -> None:
        depth = 0
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == '"':
                self.string()
                continue
            if c in "([{":
                depth += 1
            elif c in ")]}":
                if depth == 0:
                    return
                depth -= 1
            elif c == "," and depth == 0:
                return
            self.i += 1

    def primary(self) -> Node:
        c = self.peek()
        if c == '"':
            return self.string()
        if c == "[":
            return self.list_()
        if c == "{":
            return self.obj()
        if c == "(":
            self.i += 1
            node = self.expr()
            if self.peek() == ")":
                self.i += 1
            return self.traversal(node)
        m = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*").match(self.s, self.i)
        if m:
            word = m.group(0)
            self.i = m.end()
            if word in {"true", "false", "null"}:
                return Node("lit", [None if word == "null" else word == "true"])
            if word == "for":
                self.skip_to_end()
                return Node("unk")
            if self.peek() == "(":
                self.i += 1
                args: list[Any] = []
                while self.peek() not in {")", ""}:
                    args.append(self.expr())
                    if self.peek() == ",":
                        self.i += 1
                    elif self.s.startswith("...", self.i):
                        self.i += 3
                if self.peek() == ")":
                    self.i += 1
                return self.traversal(Node("call", args, word))
            return self.traversal(Node("ref", [word]))
        m = re.compile(r"-?\d+(\.\d+)?").match(self.s, self.i)
        if m:
            self.i = m.end()
            return Node("lit", [float(m.group(0)) if m.group(1) else int(m.group(0))])
        self.skip_to_end()
        return Node("unk")

    def traversal(self, node: Node) -> Node:
        steps: list[Any] = []
        while True:
            c = self.s[self.i] if self.i < len(self.s) else ""
            if c == ".":
                m = re.compile(r"\.([A-Za-z_][A-Za-z0-9_\-]*|\*|\d+)").match(self.s, self.i)
                if not m:
                    break
                self.i = m.end()
                steps.append(m.group(1))
            elif c == "[":
                self.i += 1
                steps.append(self.expr())
                if self.peek() == "]":
                    self.i += 1
            else:
                break
        if not steps:
            return node
        if node.kind == "ref":
            return Node("ref", node.parts + steps)
        return Node("ref", [node, *steps])

    def string(self) -> Node:
        assert self.s[self.i] == '"'
        self.i += 1
        parts: list[Any] = []
        buf: list[str] = []
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == "\\" and self.i + 1 < len(self.s):
                nxt = self.s[self.i + 1]
                buf.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
                self.i += 2
                continue
            if c == '"':
                self.i += 1
                break
            if self.s.startswith("$${", self.i) or self.s.startswith("%%{", self.i):
                buf.append(self.s[self.i + 1 : self.i + 3])
                self.i += 3
                continue
            if self.s.startswith("${", self.i) or self.s.startswith("%{", self.i):
                if buf:
                    parts.append("".join(buf))
                    buf = []
                directive = self.s[self.i] == "%"
                self.i += 2
                if self.peek() == "~":
                    self.i += 1
                inner = self.expr()
                # Anything left before the closing brace makes it unknown.
                depth = 0
                while self.i < len(self.s):
                    ch = self.s[self.i]
                    if ch == '"':
                        self.string()
                        inner = Node("unk")
                        continue
                    if ch == "{":
                        depth += 1
                    elif ch == "}":
                        if depth == 0:
                            break
                        depth -= 1
                    elif ch not in " \t~":
                        inner = Node("unk")
                    self.i += 1
                self.i += 1
                parts.append(Node("unk") if directive else inner)
                continue
            buf.append(c)
            self.i += 1
        if buf:
            parts.append("".join(buf))
        return Node("str", parts)

    def list_(self) -> Node:
        self.i += 1
        if self.peek() == "f" and re.compile(r"for\b").match(self.s, self.i):
            self.skip_to_end()
            if self.peek() == "]":
                self.i += 1
            return Node("unk")
        items: list[Any] = []
        while self.peek() not in {"]", ""}:
            items.append(self.expr())
            if self.peek() == ",":
                self.i += 1
        self.i += 1
        return self.traversal(Node("list", items))

    def obj(self) -> Node:
        self.i += 1
        if self.peek() == "f" and re.compile(r"for\b").match(self.s, self.i):
            self.skip_to_end()
            if self.peek() == "}":
                self.i += 1
            return Node("unk")
        pairs: list[Any] = []
        while self.peek() not in {"}", ""}:
            bare = self.peek() not in {"(", '"'}
            key = self.primary()
            if bare and key.kind == "ref" and len(key.parts) == 1:
                # An unquoted object key is a literal name, not a reference.
                key = Node("str", [key.parts[0]])
            if self.peek() in {"=", ":"}:
                self.i += 1
            value = self.expr()
            pairs.append((key, value))
            if self.peek() == ",":
                self.i += 1
        self.i += 1
        return self.traversal(Node("obj", pairs))


def parse_hcl_value(raw: Any) -> Node:
    """Turn one python-hcl2 attribute value into an expression node."""
    if isinstance(raw, bool) or raw is None or isinstance(raw, int | float):
        return Node("lit", [raw])
    if isinstance(raw, list):
        return Node("list", [parse_hcl_value(item) for item in raw])
    if isinstance(raw, dict):
        pairs = []
        for key, value in raw.items():
            if key == "__is_block__":
                continue
            pairs.append((parse_key(key), parse_hcl_value(value)))
        return Node("obj", pairs)
    if isinstance(raw, str):
        text = raw
        if text.startswith("${") and text.endswith("}") and not text.startswith('"'):
            inner = text[2:-1]
            node = Parser(inner).parse_all()
            if node.kind != "unk" or Parser(inner).parse_all().kind == "unk":
                return node
        if text.startswith('"') and text.endswith('"') and len(text) >= 2:
            return Parser(text).parse_all()
        # A bare word (an HCL type keyword or an unquoted literal from JSON).
        return Node("str", [text])
    return Node("unk")


def parse_key(key: str) -> Node:
    """Object keys come quoted, bare, or as ${expr}."""
    if key.startswith('"') or key.startswith("${"):
        return parse_hcl_value(key)
    return Node("str", [key])


@dataclass
class Env:
    """What references resolve to while evaluating one block."""

    inputs: dict[str, Any]
    defaults: dict[str, Node]
    locals_: dict[str, Node]
    each: tuple[Any, Any] | None = None
    index: Any = UNK


def has_letters(text: str) -> bool:
    """True if the text keeps a literal letter once {x} markers are removed."""
    return bool(re.search(r"[A-Za-z]", text.replace(X, "")))


class Evaluator:
    """Evaluates expression nodes to str (with {x}), list, dict, number or UNK."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.depth = 0

    def value(self, node: Node, whole: bool = True) -> Any:
        """Evaluate a node; whole=False inside a string template (prefix pieces become {x})."""
        self.depth += 1
        try:
            if self.depth > 40:
                return UNK
            return self._value(node, whole)
        finally:
            self.depth -= 1

    def _value(self, node: Node, whole: bool) -> Any:
        if node.kind == "lit":
            return node.parts[0]
        if node.kind == "str":
            out: list[str] = []
            for part in node.parts:
                if isinstance(part, str):
                    out.append(part)
                    continue
                got = self.value(part, whole=False)
                out.append(scalar_text(got))
            return "".join(out)
        if node.kind == "list":
            return [self.value(item, whole) for item in node.parts]
        if node.kind == "obj":
            result: dict[str, Any] = {}
            for key, value in node.parts:
                k = self.value(key)
                if k is UNK or not isinstance(k, str | int | float):
                    k = X
                result[str(k)] = self.value(value)
            return result
        if node.kind == "cond":
            then, other = (self.value(part, whole) for part in node.parts)
            if isinstance(then, dict) and isinstance(other, dict):
                return {**other, **then}
            if isinstance(then, list) and isinstance(other, list):
                return then + [item for item in other if item not in then]
            return UNK
        if node.kind == "call":
            return self.call(node)
        if node.kind == "ref":
            return self.ref(node, whole)
        return UNK

    def call(self, node: Node) -> Any:
        name = node.name
        # The pieces format() and join() put into a name are interpolations: {x} unless they
        # are iteration items, like ${...} inside a template.
        piecewise = name in {"format", "join"}
        args = [self.value(arg, whole=not (piecewise and i)) for i, arg in enumerate(node.parts)]
        if name in {"toset", "tolist", "tomap", "nonsensitive", "sensitive", "trimspace"}:
            return args[0] if args else UNK
        if name == "format" and args and isinstance(args[0], str):
            fmt = args[0]
            pieces = iter(args[1:])
            out = re.sub(
                r"%(%|[-+# 0]*\d*(?:\.\d+)?[a-zA-Z])",
                lambda m: "%" if m.group(1) == "%" else scalar_text(next(pieces, UNK), True),
                fmt,
            )
            return out
        if name == "join" and len(args) == 2 and isinstance(args[1], list):
            sep = args[0] if isinstance(args[0], str) else X
            return sep.join(scalar_text(item) for item in args[1])
        if name in {"lower", "upper"} and args and isinstance(args[0], str):
            text = args[0].replace(X, "\0")
            text = text.lower() if name == "lower" else text.upper()
            return text.replace("\0", X)
        if name == "replace" and len(args) == 3 and all(isinstance(a, str) for a in args):
            if args[1].startswith("/") and args[1].endswith("/"):
                return UNK
            return args[0].replace(args[1], args[2])
        if name == "keys" and args and isinstance(args[0], dict):
            return list(args[0])
        if name == "values" and args and isinstance(args[0], dict):
            return list(args[0].values())
        if name == "merge" and args and all(isinstance(a, dict) for a in args):
            merged: dict[str, Any] = {}
            for arg in args:
                merged.update(arg)
            return merged
        if name in {"concat", "flatten"} and args and all(isinstance(a, list) for a in args):
            flat: list[Any] = []
            for arg in args:
                for item in arg:
                    if name == "flatten" and isinstance(item, list):
                        flat.extend(item)
                    else:
                        flat.append(item)
            return flat
        if name == "length" and args and isinstance(args[0], list | dict | str):
            return len(args[0])
        if name in {"element"} and len(args) == 2 and isinstance(args[0], list):
            if isinstance(args[1], int) and args[0]:
                return args[0][args[1] % len(args[0])]
            return UNK
        if name == "lookup" and len(args) >= 2 and isinstance(args[0], dict):
            key = args[1]
            if isinstance(key, str) and key in args[0]:
                return args[0][key]
            return args[2] if len(args) > 2 else UNK
        if name == "try" and args:
            for arg in args:
                if arg is not UNK:
                    return arg
            return UNK
        return UNK

    def ref(self, node: Node, whole: bool) -> Any:
        parts = node.parts
        head = parts[0]
        rest = parts[1:]
        if isinstance(head, Node):
            base = self.value(head)
        elif head == "each" and rest and rest[0] in {"key", "value"} and self.env.each:
            base = self.env.each[0] if rest[0] == "key" else self.env.each[1]
            rest = rest[1:]
        elif head == "count" and rest and rest[0] == "index":
            base = self.env.index
            rest = rest[1:]
        elif head in {"var", "local"} and rest and isinstance(rest[0], str):
            # Inside a template a variable or local is a prefix or an environment: {x}.
            # It is followed only when it is the whole name or a collection being indexed.
            if not whole and not any(iterates(step) for step in rest[1:]):
                return UNK
            var = rest[0]
            rest = rest[1:]
            if head == "local":
                found = self.env.locals_.get(var)
                base = self.value(found) if found is not None else UNK
            elif var in self.env.inputs:
                base = self.env.inputs[var]
            elif var in self.env.defaults:
                base = self.value(self.env.defaults[var])
            else:
                base = UNK
        else:
            return UNK
        for step in rest:
            if base is UNK:
                return UNK
            key = self.value(step) if isinstance(step, Node) else step
            if key == "*" or key is UNK:
                return UNK
            if isinstance(base, dict):
                base = base.get(str(key), UNK)
            elif isinstance(base, list):
                try:
                    base = base[int(key)]
                except (ValueError, IndexError, TypeError):
                    return UNK
            else:
                return UNK
        return base


def iterates(step: Any) -> bool:
    """True if an index step uses the iteration (count.index, each.key, each.value)."""
    if not isinstance(step, Node):
        return False
    if step.kind == "ref" and step.parts and step.parts[0] in {"count", "each"}:
        return True
    return any(iterates(part) for part in step.parts if isinstance(part, Node))


def scalar_text(value: Any, force: bool = False) -> str:
    """Text of a value placed in a name; anything not a known scalar becomes {x}."""
    if isinstance(value, bool):
        return X
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not force:
        return str(value)
    if isinstance(value, int | float):
        return str(value)
    return X


# ---------------------------------------------------------------- Terraform


@dataclass
class Module:
    """One Terraform directory: its variables, locals, SSM blocks and module calls."""

    path: str
    defaults: dict[str, Node] = field(default_factory=dict)
    locals_: dict[str, Node] = field(default_factory=dict)
    blocks: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)


SSM_MODULE_SOURCES = ("ssm-parameter-store", "ssm-parameter", "ssm_parameter", "parameter-store")


def load_terraform(files: dict[str, str], errors: Counter[str]) -> dict[str, Module]:
    """Parse every .tf/.tf.json file into per-directory modules."""
    modules: dict[str, Module] = {}
    for path, text in files.items():
        directory = posixpath.dirname(path)
        module = modules.setdefault(directory, Module(directory))
        try:
            data = json.loads(text) if path.endswith(".json") else hcl2.loads(text)
        except Exception:
            errors[path] += 1
            continue
        if path.endswith(".json"):
            data = normalise_tf_json(data)
        for block in as_list(data.get("variable")):
            for name, body in block.items():
                if isinstance(body, dict) and "default" in body:
                    module.defaults[unquote(name)] = parse_hcl_value(body["default"])
        for block in as_list(data.get("locals")):
            for name, value in block.items():
                if name != "__is_block__":
                    module.locals_[name] = parse_hcl_value(value)
        for kind_word, kind in (("resource", "tf-resource"), ("data", "tf-data")):
            for block in as_list(data.get(kind_word)):
                for rtype, labelled in block.items():
                    if unquote(rtype) != "aws_ssm_parameter" or not isinstance(labelled, dict):
                        continue
                    for label, body in labelled.items():
                        for item in as_list(body):
                            if isinstance(item, dict):
                                module.blocks.append((kind, unquote(label), path, item))
        for block in as_list(data.get("module")):
            for label, body in block.items():
                for item in as_list(body):
                    if isinstance(item, dict):
                        module.calls.append((unquote(label), path, item))
    return modules


def normalise_tf_json(data: Any) -> Any:
    """Terraform JSON uses plain strings with ${} templates; quote them like hcl2 does."""
    if isinstance(data, dict):
        return {k: normalise_tf_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [normalise_tf_json(v) for v in data]
    if isinstance(data, str):
        return '"' + data.replace('"', '\\"') + '"'
    return data


def as_list(value: Any) -> list[Any]:
    """hcl2 gives lists of blocks; Terraform JSON gives dicts."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def unquote(text: str) -> str:
    """Strip the quotes hcl2 keeps around labels and string literals."""
    return text[1:-1] if len(text) >= 2 and text.startswith('"') and text.endswith('"') else text


def attr(body: dict[str, Any], name: str) -> Node | None:
    """One attribute of a block as a node, or None."""
    if name not in body:
        return None
    return parse_hcl_value(body[name])


def iteration(body: dict[str, Any], ev: Evaluator) -> list[Any] | None:
    """The for_each items or count indices of a block, None when it has neither."""
    node = attr(body, "for_each")
    if node is not None:
        coll = ev.value(node)
        if isinstance(coll, dict):
            return list(coll.items())[:MAX_ITEMS]
        if isinstance(coll, list):
            return [(scalar_text(v) if not isinstance(v, dict) else X, v) for v in coll][:MAX_ITEMS]
        return [(UNK, UNK)]
    node = attr(body, "count")
    if node is not None:
        n = ev.value(node)
        if isinstance(n, int) and not isinstance(n, bool):
            return list(range(min(n, MAX_ITEMS))) or []
        # count = length(x) of an unknown collection, or a boolean switch.
        return [UNK]
    return None


def module_instances(modules: dict[str, Module]) -> dict[str, list[dict[str, Any]]]:
    """Input environments for each directory, following local module calls."""
    called: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for directory, module in modules.items():
        for _label, _path, body in module.calls:
            source = attr(body, "source")
            src = source.parts[0] if source and source.kind == "str" and source.parts else ""
            if isinstance(src, str) and src.startswith((".", "/")) is True:
                target = posixpath.normpath(posixpath.join(directory, src)).lstrip("/")
                target = "" if target == "." else target
                if target in modules and target != directory:
                    called.setdefault(target, []).append((directory, body))
    instances: dict[str, list[dict[str, Any]]] = {}

    def resolve(directory: str, stack: tuple[str, ...]) -> list[dict[str, Any]]:
        if directory in instances:
            return instances[directory]
        if directory not in called or directory in stack:
            instances[directory] = [{}]
            return instances[directory]
        envs: list[dict[str, Any]] = []
        for caller_dir, body in called[directory]:
            caller = modules[caller_dir]
            for caller_inputs in resolve(caller_dir, (*stack, directory)):
                base = Env(caller_inputs, caller.defaults, caller.locals_)
                items = iteration(body, Evaluator(base)) or [None]
                for item in items:
                    env = Env(caller_inputs, caller.defaults, caller.locals_)
                    if isinstance(item, tuple):
                        env.each = item
                    elif isinstance(item, int):
                        env.index = item
                    ev = Evaluator(env)
                    inputs = {
                        key: ev.value(parse_hcl_value(value))
                        for key, value in body.items()
                        if key not in {"source", "version", "providers", "__is_block__"}
                    }
                    envs.append(inputs)
                    if len(envs) >= MAX_INSTANCES:
                        break
        instances[directory] = envs or [{}]
        return instances[directory]

    for directory in modules:
        resolve(directory, ())
    return instances


def describe(value: Any) -> str:
    """A short text of an evaluated or raw value, for the labeller's eyes only."""
    if isinstance(value, str):
        return value[:80]
    if value is UNK or value is None:
        return ""
    return json.dumps(value, default=str)[:80]


def harvest_terraform(
    files: dict[str, str], skips: Counter[str], errors: Counter[str]
) -> Iterator[dict[str, Any]]:
    """Every aws_ssm_parameter name (resources, data, SSM module inputs) in the .tf files."""
    modules = load_terraform(files, errors)
    instances = module_instances(modules)
    for directory, module in modules.items():
        for inputs in instances[directory]:
            base_env = Env(inputs, module.defaults, module.locals_)
            for kind, label, path, body in module.blocks:
                items = iteration(body, Evaluator(base_env))
                for item in items if items is not None else [None]:
                    env = Env(inputs, module.defaults, module.locals_)
                    if isinstance(item, tuple):
                        env.each = item
                    elif isinstance(item, int) or item is UNK:
                        env.index = item
                    yield from terraform_row(kind, label, path, body, Evaluator(env), skips)
            for label, path, body in module.calls:
                yield from ssm_module_rows(label, path, body, base_env, skips)


def terraform_row(
    kind: str, label: str, path: str, body: dict[str, Any], ev: Evaluator, skips: Counter[str]
) -> Iterator[dict[str, Any]]:
    """The name of one aws_ssm_parameter block instance."""
    node = attr(body, "name")
    if node is None:
        skips[path] += 1
        return
    if node.kind == "ref" and node.parts[0] == "aws_ssm_parameter":
        # The name of a parameter this repository declares (and harvests) elsewhere.
        return
    name = name_text(ev.value(node))
    if name is None:
        skips[path] += 1
        return
    declared = "unknown"
    if kind == "tf-resource":
        tnode = attr(body, "type")
        tvalue = ev.value(tnode) if tnode is not None else UNK
        declared = tvalue if tvalue in {"String", "StringList", "SecureString"} else "unknown"
    context = {
        "label": label,
        "description": describe(ev.value(attr(body, "description") or Node("unk"))),
        "value": describe(body.get("value", body.get("insecure_value", ""))),
    }
    yield row(name, declared, kind, path, context)


def ssm_module_rows(
    label: str, path: str, body: dict[str, Any], env: Env, skips: Counter[str]
) -> Iterator[dict[str, Any]]:
    """Names given to the public SSM modules (their code is not in the repository)."""
    source = attr(body, "source")
    src = source.parts[0] if source and source.kind == "str" and source.parts else ""
    if not isinstance(src, str) or src.startswith((".", "/")):
        return
    if not any(word in src for word in SSM_MODULE_SOURCES):
        return
    items = iteration(body, Evaluator(env)) or [None]
    for item in items:
        item_env = Env(env.inputs, env.defaults, env.locals_)
        if isinstance(item, tuple):
            item_env.each = item
        ev = Evaluator(item_env)
        if "ssm-parameter-store" in src:
            writes = ev.value(attr(body, "parameter_write") or Node("unk"))
            for entry in writes if isinstance(writes, list) else []:
                if not isinstance(entry, dict):
                    skips[path] += 1
                    continue
                name = name_text(entry.get("name", UNK))
                declared = entry.get("type", "unknown")
                if declared not in {"String", "StringList", "SecureString"}:
                    declared = "unknown"
                if name is None:
                    skips[path] += 1
                    continue
                context = {"label": label, "description": describe(entry.get("description"))}
                yield row(name, declared, "tf-resource", path, context)
            reads = ev.value(attr(body, "parameter_read") or Node("unk"))
            for entry in reads if isinstance(reads, list) else []:
                name = name_text(entry)
                if name is None:
                    skips[path] += 1
                    continue
                yield row(name, "unknown", "tf-data", path, {"label": label})
        else:
            node = attr(body, "name")
            if node is None:
                continue
            name = name_text(ev.value(node))
            if name is None:
                skips[path] += 1
                continue
            secure = ev.value(attr(body, "secure_type") or Node("lit", [None]))
            tvalue = ev.value(attr(body, "type") or Node("unk"))
            if secure is True:
                declared = "SecureString"
            elif tvalue in {"String", "StringList", "SecureString"}:
                declared = tvalue
            else:
                declared = "unknown"
            context = {
                "label": label,
                "description": describe(ev.value(attr(body, "description") or Node("unk"))),
                "value": describe(body.get("value", body.get("values", ""))),
            }
            yield row(name, declared, "tf-resource", path, context)


ARN_PREFIX = re.compile(r"^arn:[^:]*:ssm:[^:]*:[^:]*:parameter(?=/|$)")


def name_text(value: Any) -> str | None:
    """The name after the interpolation rule, or None when no literal letters remain."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    # A name given as an ARN: keep the part Parameter Store calls the name.
    text = ARN_PREFIX.sub("", text)
    if text.startswith("arn:") and ":parameter" in text:
        text = text.split(":parameter", 1)[1]
    text = re.sub(r"(\{x\})+", X, text)
    if not has_letters(text) or "\n" in text or len(text) > 1011:
        return None
    return text


def row(name: str, declared: str, kind: str, path: str, context: dict[str, Any]) -> dict[str, Any]:
    """One candidate row with labelling context."""
    return {"name": name, "declared_type": declared, "kind": kind, "path": path, **context}


# ---------------------------------------------------------------- CloudFormation / SAM


class CfnLoader(yaml.SafeLoader):  # type: ignore[misc]
    """A SafeLoader that keeps CloudFormation short-form tags as Fn:: mappings."""


def _cfn_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    key = "Ref" if suffix == "Ref" else "Condition" if suffix == "Condition" else "Fn::" + suffix
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {key: value}


CfnLoader.add_multi_constructor("!", _cfn_tag)
# CloudFormation keeps dates and similar scalars as strings.
CfnLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in CfnLoader.yaml_implicit_resolvers.items()
}

RESOLVE = re.compile(r"\{\{resolve:(ssm|ssm-secure):([^}]*?)\}\}")


def sub_text(text: str) -> str:
    """A Fn::Sub string with each ${...} (not ${!...}) replaced by {x}."""
    text = re.sub(r"\$\{(?!!)[^}]*\}", X, text)
    return text.replace("${!", "${")


def cfn_string(value: Any) -> str | None:
    """A CloudFormation value as name text: literals, Fn::Sub, Fn::Join; else {x}."""
    if isinstance(value, str):
        # A ${...} in a plain string comes from a wrapping tool (Serverless, Sceptre).
        return sub_text(value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict) and len(value) == 1:
        ((fn, arg),) = value.items()
        if fn == "Fn::Sub":
            if isinstance(arg, str):
                return sub_text(arg)
            if isinstance(arg, list) and arg and isinstance(arg[0], str):
                return sub_text(arg[0])
            return None
        if fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            sep, parts = arg
            if isinstance(sep, str) and isinstance(parts, list):
                return sep.join(cfn_string(p) or X for p in parts)
        return X
    return None


def walk_strings(value: Any) -> Iterator[str]:
    """Every string in a template, Fn::Sub bodies with their variables as {x}."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "Fn::Sub":
                body = item if isinstance(item, str) else item[0] if isinstance(item, list) else ""
                if isinstance(body, str):
                    yield sub_text(body)
                if isinstance(item, list):
                    yield from walk_strings(item[1:])
            else:
                yield from walk_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk_strings(item)


def load_template(path: str, text: str) -> dict[str, Any] | None:
    """A CloudFormation/SAM template as a dict, or None if the file is not one."""
    if "AWS::" not in text and "resolve:ssm" not in text:
        return None
    try:
        if path.endswith(".json"):
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=CfnLoader)  # noqa: S506 - SafeLoader subclass
    except Exception:
        return None
    if not isinstance(data, dict):
        return None
    if not ("Resources" in data or "AWSTemplateFormatVersion" in data):
        return None
    return data


def harvest_template(
    path: str, data: dict[str, Any], skips: Counter[str]
) -> Iterator[dict[str, Any]]:
    """Every SSM parameter name a CloudFormation/SAM template declares or references."""
    transform = data.get("Transform")
    is_sam = "AWS::Serverless" in json.dumps(transform) if transform else False
    resources = data.get("Resources") or {}
    parameters = data.get("Parameters") or {}
    if not isinstance(resources, dict):
        resources = {}
    if not isinstance(parameters, dict):
        parameters = {}
    for logical, res in resources.items():
        if not isinstance(res, dict) or res.get("Type") != "AWS::SSM::Parameter":
            continue
        props = res.get("Properties") or {}
        if not isinstance(props, dict) or "Name" not in props:
            skips[path] += 1
            continue
        name = name_text(cfn_string(props["Name"]))
        if name is None:
            skips[path] += 1
            continue
        declared = props.get("Type")
        declared = declared if declared in {"String", "StringList", "SecureString"} else "unknown"
        context = {
            "label": logical,
            "description": describe(cfn_string(props.get("Description")) or ""),
            "value": describe(props.get("Value", "")),
        }
        yield row(name, declared, "sam" if is_sam else "cfn-resource", path, context)
    for logical, param in parameters.items():
        if not isinstance(param, dict):
            continue
        ptype = str(param.get("Type", ""))
        if not ptype.startswith("AWS::SSM::Parameter::"):
            continue
        default = param.get("Default")
        if default is None:
            continue
        name = name_text(cfn_string(default))
        if name is None:
            skips[path] += 1
            continue
        declared = "unknown"
        if "<String>" in ptype:
            declared = "String"
        elif "List<" in ptype or "CommaDelimitedList" in ptype:
            declared = "StringList"
        context = {"label": logical, "description": describe(param.get("Description", ""))}
        yield row(name, declared, "sam" if is_sam else "cfn-resolve", path, context)
    for text in walk_strings(data):
        for match in RESOLVE.finditer(text):
            ref = match.group(2)
            # {{resolve:ssm:name:version}}: the version is a trailing number.
            ref = re.sub(r":\d+$", "", ref)
            name = name_text(ref.replace("${", "{").replace("}", "}"))
            if name is None:
                skips[path] += 1
                continue
            declared = "SecureString" if match.group(1) == "ssm-secure" else "unknown"
            context = {"label": "resolve", "description": ""}
            yield row(name, declared, "sam" if is_sam else "cfn-resolve", path, context)


def harvest_sceptre(path: str, text: str, skips: Counter[str]) -> Iterator[dict[str, Any]]:
    """Names read by Sceptre's `!ssm` resolver in a stack config (a CloudFormation tool)."""
    # Sceptre configs are Jinja templates: each {{ ... }} is an interpolation.
    text = re.sub(r"\{\{.*?\}\}", X, text)
    text = re.sub(r"^\s*\{%.*?%\}\s*$", "", text, flags=re.M)
    try:
        data = yaml.load(text, Loader=CfnLoader)  # noqa: S506 - SafeLoader subclass
    except Exception:
        return
    stack: list[Any] = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if set(item) == {"Fn::ssm"}:
                ref = item["Fn::ssm"]
                ref = ref.get("name") if isinstance(ref, dict) else ref
                name = name_text(ref)
                if name is None:
                    skips[path] += 1
                else:
                    yield row(name, "unknown", "other", path, {"label": "sceptre !ssm"})
                continue
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


# ---------------------------------------------------------------- driver


def main(argv: list[str]) -> int:
    """Harvest one mirror; print candidates as JSON lines."""
    if len(argv) not in {3, 4}:
        print(__doc__, file=sys.stderr)
        return 2
    git_dir, repo = argv[1], argv[2]
    rev = argv[3] if len(argv) == 4 else "HEAD"
    commit = git(git_dir, "rev-parse", f"{rev}^{{commit}}").decode().strip()
    listing = git(git_dir, "ls-tree", "-r", "-l", commit).decode("utf-8", "replace")
    tf_paths: list[str] = []
    cfn_paths: list[str] = []
    for line in listing.splitlines():
        meta, path = line.split("\t", 1)
        size = meta.split()[3]
        if not size.isdigit() or int(size) > 2_000_000 or any(p in "/" + path for p in SKIP_PARTS):
            continue
        if path.endswith((".tf", ".tf.json")):
            tf_paths.append(path)
        elif path.endswith(TEMPLATE_SUFFIXES) and "serverless" not in posixpath.basename(path):
            cfn_paths.append(path)
    skips: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    rows: list[dict[str, Any]] = []
    tf_files = read_blobs(git_dir, commit, tf_paths)
    for candidate in harvest_terraform(tf_files, skips, errors):
        rows.append(candidate)
    for path, text in read_blobs(git_dir, commit, cfn_paths).items():
        data = load_template(path, text)
        if data is not None:
            rows.extend(harvest_template(path, data, skips))
        elif "!ssm" in text and path.endswith((".yaml", ".yml")):
            rows.extend(harvest_sceptre(path, text, skips))
    for candidate in rows:
        key = (candidate["name"], candidate["path"])
        if key in seen:
            continue
        seen.add(key)
        candidate["source"] = f"github:{repo}@{commit}:{candidate.pop('path')}"
        print(json.dumps(candidate, ensure_ascii=False))
    summary = {
        "summary": repo,
        "commit": commit,
        "skipped": {f"github:{repo}@{commit}:{p}": n for p, n in sorted(skips.items())},
        "parse_errors": sorted(errors),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
