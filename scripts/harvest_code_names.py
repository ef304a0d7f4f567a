"""Extract SSM parameter names from application code, framework config and documentation.

Used to build tests/data/real/code.tsv (see tests/data/README.md). It reads a fetched git
mirror (bare git directory) or a saved text file and prints one JSON object per file: its
source (github:owner/repo@commit:path), how many references were skipped (no literal letters
left after interpolation), commented out or rejected, and each name found with the declared
type when the code states one, the kind of reference, the line and a few lines of context for
the labeller. Deduplication, the 5%-per-repository cap and the labels are applied afterwards
(see tests/data/README.md). It holds no fetched content: only the syntax of the tools it knows.

    python scripts/harvest_code_names.py mirror /work/.mirror/owner+repo/repo/.git owner/repo
    python scripts/harvest_code_names.py text saved_page.txt https://example.com/post
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath

X = "{x}"
DOC_SUFFIXES = {".md", ".markdown", ".rst", ".txt", ".adoc", ".html", ".htm", ".mdx", ".ipynb"}
TEXT_SUFFIXES = DOC_SUFFIXES | {
    ".yml",
    ".yaml",
    ".json",
    ".sh",
    ".bash",
    ".zsh",
    ".py",
    ".js",
    ".mjs",
    ".cjs",
    ".ts",
    ".tsx",
    ".jsx",
    ".go",
    ".java",
    ".kt",
    ".kts",
    ".cs",
    ".rb",
    ".php",
    ".ps1",
    ".psm1",
    ".toml",
    ".ini",
    ".cfg",
    ".conf",
    ".env",
    ".groovy",
    ".gradle",
    ".mk",
    ".rs",
    ".scala",
    ".swift",
    ".dockerfile",
    ".properties",
    ".j2",
    ".jinja",
    ".tpl",
    ".example",
    ".sample",
    ".template",
    ".envrc",
}
TEXT_NAMES = {"Makefile", "Dockerfile", "Jenkinsfile", "Procfile", ".envrc", ".env", "justfile"}
SKIP_DIRS = {
    "node_modules",
    "vendor",
    "dist",
    "build",
    ".git",
    "cdk.out",
    ".serverless",
    "site-packages",
    "third_party",
    "__snapshots__",
    ".terraform",
    "coverage",
}
TEST_DIRS = {
    "test",
    "tests",
    "__tests__",
    "spec",
    "specs",
    "testdata",
    "test_data",
    "mocks",
    "__mocks__",
    "fixtures",
    "e2e",
    "integ-tests",
    "integration-tests",
}
MAX_FILE_BYTES = 400_000


@dataclass
class Hit:
    name: str
    declared_type: str
    kind: str
    path: str = ""
    line: int = 0
    context: str = ""
    raw: str = ""


@dataclass
class FileResult:
    path: str
    hits: list[Hit] = field(default_factory=list)
    skipped_no_letters: int = 0
    skipped_raw: list[str] = field(default_factory=list)
    wrappers: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    commented: int = 0
    rejected: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- file selection


def is_excluded_path(path: str) -> str | None:
    """Return why a path is not harvested here, or None when it is."""
    p = PurePosixPath(path)
    parts = {x.lower() for x in p.parts[:-1]}
    if parts & SKIP_DIRS:
        return "vendored/build"
    if parts & TEST_DIRS:
        return "test"
    low = p.name.lower()
    if low.endswith(
        (
            ".tf",
            ".tf.json",
            ".tfvars",
            ".hcl",
            ".tfstate",
            ".lock",
            ".min.js",
            ".map",
            "package-lock.json",
            "yarn.lock",
            "pnpm-lock.yaml",
        )
    ):
        return "terraform/lock"
    if re.search(
        r"(^test_|_test\.(py|go)$|\.(test|spec)\.[jt]sx?$|Test\.java$|Tests?\.cs$)", p.name
    ):
        return "test"
    suffix = p.suffix.lower()
    if (
        suffix not in TEXT_SUFFIXES
        and p.name not in TEXT_NAMES
        and not low.startswith((".env", "makefile", "dockerfile"))
    ):
        return "not text"
    return None


CFN_MARKERS = re.compile(
    r"AWSTemplateFormatVersion|^Transform:\s*['\"]?AWS::Serverless|\"Transform\"\s*:\s*\"AWS::Serverless",
    re.MULTILINE,
)


def is_cfn_template(path: str, text: str) -> bool:
    """CloudFormation/SAM templates are the other harvester's; serverless.yml is ours."""
    low = PurePosixPath(path).name.lower()
    if low.startswith("serverless") or PurePosixPath(path).suffix.lower() in DOC_SUFFIXES:
        return False
    if CFN_MARKERS.search(text):
        return True
    if PurePosixPath(path).suffix.lower() in {".yml", ".yaml", ".json", ".template"}:
        if re.search(r"^Resources:\s*$", text, re.MULTILINE) or re.search(
            r"^\s*\"Resources\"\s*:\s*\{", text, re.MULTILINE
        ):
            if re.search(r"Type['\"]?\s*:\s*['\"]?AWS::", text):
                return True
    return False


# ---------------------------------------------------------------- expressions

STRING_RE = re.compile(
    r"""(?P<prefix>\b(?:[fFrRbBuU]{1,2})|@|\$)?(?P<q>'''|\"\"\"|'|"|`)(?P<body>(?:\\.|(?!(?P=q)).)*?)(?P=q)""",
    re.DOTALL,
)


def replace_interpolations(body: str, prefix: str = "", quote: str = "") -> str:
    """Replace every interpolated piece of a literal by {x}."""
    s = body
    s = re.sub(r"\{\{.*?\}\}", X, s)  # jinja / handlebars
    s = replace_dollar_braces(s)
    s = re.sub(r"#\{[^}]*\}", X, s)  # ruby
    s = re.sub(r"\$\([^)]*\)", X, s)  # shell command substitution
    s = re.sub(r"\$[A-Za-z_][A-Za-z0-9_]*|\$[0-9@#?*!$-]", X, s)  # shell / php variables
    s = re.sub(r"%(\([A-Za-z_]+\))?[-+0 #]*\d*(\.\d+)?[sdvqfi]", X, s)  # printf family
    s = re.sub(r"<[A-Za-z0-9_ .:/-]+>", X, s)  # <placeholder> in docs
    if prefix and prefix.lower().startswith("f") or prefix == "$" or "{" in s:
        # f-strings, C# $"", str.format: {expr}; keep the {x} already produced.
        s = re.sub(r"\{(?!x\})[^{}]*\}", X, s)
    s = s.replace("{{x}}", X)
    return s


def replace_dollar_braces(s: str) -> str:
    """Replace ${...} (possibly nested) by {x}."""
    out: list[str] = []
    i = 0
    while i < len(s):
        if s.startswith("${", i):
            depth = 0
            j = i + 1
            while j < len(s):
                if s[j] == "{":
                    depth += 1
                elif s[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            out.append(X)
            i = j + 1
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def split_top_level(text: str, seps: str = ",") -> list[str]:
    """Split at separators that are outside brackets and string literals."""
    parts: list[str] = []
    depth = 0
    cur: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c in "'\"`":
            m = STRING_RE.match(text, i)
            if m:
                cur.append(m.group(0))
                i = m.end()
                continue
        if c in seps and depth == 0:
            parts.append("".join(cur))
            cur = []
            i += 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        cur.append(c)
        i += 1
    parts.append("".join(cur))
    return parts


def balanced(text: str, start: int) -> str:
    """Return text from the opening bracket at start to its match (exclusive of both)."""
    pairs = {"(": ")", "{": "}", "[": "]"}
    open_c = text[start]
    close_c = pairs[open_c]
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c in "'\"`":
            m = STRING_RE.match(text, i)
            if m:
                i = m.end()
                continue
        if c == open_c:
            depth += 1
        elif c == close_c:
            depth -= 1
            if depth == 0:
                return text[start + 1 : i]
        i += 1
    return text[start + 1 : start + 2000]


def eval_expr(expr: str, consts: dict[str, str]) -> str | None:
    """Turn a name expression into a literal with {x} pieces; None if it is no literal at all."""
    e = expr.strip()
    if not e:
        return None
    # wrappers that only build strings
    for wrapper in ("aws.String", "aws.string", "String.valueOf", "str", "Path", "cdk.Fn.join"):
        if e.startswith(wrapper + "("):
            e = balanced(e, len(wrapper))
            break
    m = re.match(r"(fmt\.Sprintf|String\.format|string\.Format|sprintf)\s*\(", e)
    if m:
        args = split_top_level(balanced(e, m.end() - 1))
        return eval_expr(args[0], consts)
    m = re.match(r"""(?P<lit>(['"]).*\2)\s*\.\s*format\s*\(""", e, re.DOTALL)
    if m:
        return eval_expr(m.group("lit"), consts)
    m = re.match(r"""(?P<lit>(['"]).*?\2)\s*%\s*""", e, re.DOTALL)
    if m and not STRING_RE.fullmatch(e):
        return eval_expr(m.group("lit"), consts)
    pieces = split_top_level(e, "+")
    if len(pieces) == 1:
        pieces = (
            split_top_level(e, ".")
            if re.fullmatch(r"""(['"].*?['"]\s*\.\s*)+['"].*['"]""", e, re.DOTALL)
            else pieces
        )
    out: list[str] = []
    any_literal = False
    for piece in pieces:
        piece = piece.strip()
        sm = STRING_RE.fullmatch(piece)
        if sm:
            out.append(
                replace_interpolations(sm.group("body"), sm.group("prefix") or "", sm.group("q"))
            )
            any_literal = True
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", piece) and piece in consts:
            out.append(consts[piece])
            any_literal = True
        else:
            out.append(X)
    if not any_literal:
        return None
    return "".join(out)


class Unresolved(str):
    """An expression that holds no literal: maybe a parameter of a wrapper function."""


def ev(expr: str, consts: dict[str, str]) -> str:
    v = eval_expr(expr, consts)
    return v if v is not None else Unresolved(expr.strip())


CONST_RE = re.compile(
    r"""^[ \t]*(?:export\s+)?"""
    r"""(?:(?:const|let|var|final|static|private|public|String|val|readonly)\s+)*"""
    r"""(?P<id>[A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*[A-Za-z]+\s*)?(?::=|=)\s*(?P<lit>(?:[fF]?(['"`])(?:\\.|(?!\3).)*\3))\s*;?\s*$""",
    re.MULTILINE,
)


def file_constants(text: str) -> dict[str, str]:
    """Simple NAME = 'literal' assignments that occur exactly once in the file."""
    seen: dict[str, list[str]] = {}
    for m in CONST_RE.finditer(text):
        sm = STRING_RE.fullmatch(m.group("lit"))
        if sm:
            val = replace_interpolations(sm.group("body"), sm.group("prefix") or "", sm.group("q"))
            seen.setdefault(m.group("id"), []).append(val)
    return {k: v[0] for k, v in seen.items() if len(set(v)) == 1}


# ---------------------------------------------------------------- name clean-up


ARN_TAIL = "\x00arn-tail"
PLACEHOLDERS = {
    "parameter-name",
    "parameter_name",
    "parametername",
    "param-name",
    "param_name",
    "name",
    "your-parameter-name",
    "your_parameter_name",
    "parameter",
    "param",
    "my-parameter-name",
    "path/to/param",
    "path/to/parameter",
    "{x}",
}


def clean_name(name: str) -> str | None:
    """Normalise an extracted name; None for something that is not a parameter name."""
    n = name.strip().strip("'\"`").strip()
    arn = re.match(r"^arn:(?:aws[a-z-]*|\{x\}):ssm:[^:]*:[^:]*:parameter(?P<rest>/.*)$", n)
    if arn:
        n = arn.group("rest")
    if arn or n.startswith(ARN_TAIL):
        n = n.removeprefix(ARN_TAIL)
        # an ARN's "parameter/a/b" is the name "/a/b", but "parameter/name" is "name"
        if n.count("/") == 1:
            n = n.lstrip("/")
    n = n.split(":", 1)[0] if re.search(r":\d+$", n) else n  # name:version selector
    n = n.replace("...", X).replace("\u2026", X)
    if n.lower().strip("/") in PLACEHOLDERS:
        return None
    if not n or any(c in n for c in " \t\n*\\") or len(n) > 2048:
        return None
    if n.endswith("/") or n.endswith("/" + X) and n.count("/") <= 1:
        return None  # a path prefix, not a parameter
    if n.startswith(("http://", "https://", "arn:aws")):
        return None
    return n


# ---------------------------------------------------------------- extractors


def line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def context_of(text: str, pos: int, before: int = 3, after: int = 3) -> str:
    lines = text.splitlines()
    ln = line_of(text, pos) - 1
    lo, hi = max(0, ln - before), min(len(lines), ln + after + 1)
    return "\n".join(x[:240] for x in lines[lo:hi])


SERVERLESS_RE = re.compile(r"\$\{ssm(?:\((?P<opts>[^)]*)\))?:")


def extract_serverless(text: str) -> Iterator[tuple[int, str | None, str, str]]:
    for m in SERVERLESS_RE.finditer(text):
        start = m.start() + 1  # the "{"
        inner = balanced(text, start)
        body = inner[len(m.group(0)) - 2 :]
        # cut the fallback (", default") and old decrypt/split flags ("~true")
        body = split_top_level(body, ",")[0]
        body = re.split(r"~(?:true|false|split)\b", body)[0]
        body = body.strip().strip("'\"")
        name = replace_interpolations(body)
        yield m.start(), name, "unknown", "serverless"


CLI_RE = re.compile(
    r"\bssm\s+(?P<cmd>put-parameter|get-parameters|get-parameter|delete-parameters|delete-parameter|"
    r"get-parameter-history|label-parameter-version|unlabel-parameter-version)\b"
)
SHELL_TOKEN = re.compile(r"""\$\([^)]*\)|"(?:\\.|[^"\\])*"|'[^']*'|[^\s'"]+""")


def shell_tokens(cmd: str) -> list[str]:
    out = []
    for t in SHELL_TOKEN.findall(cmd):
        if t.endswith(")") and t.count("(") < t.count(")"):
            out.append(t.rstrip(")"))
            break  # the end of a $( ... ) command substitution
        out.append(t)
    return out


SHELL_ASSIGN = re.compile(
    r"""^[ \t]*(?:local\s+|export\s+|readonly\s+|declare\s+-\w+\s+)?(?P<id>[A-Za-z_]\w*)="""
    r"""(?P<v>"[^"\n]*"|'[^'\n]*'|[^\s;#'"]*)[ \t]*(?:#.*)?$""",
    re.MULTILINE,
)


def shell_constants(text: str) -> dict[str, str]:
    """VAR=literal shell assignments made once in the file, with their own $VARs resolved."""
    seen: dict[str, set[str]] = {}
    for m in SHELL_ASSIGN.finditer(text):
        seen.setdefault(m.group("id"), set()).add(m.group("v"))
    out: dict[str, str] = {}
    for k, vals in seen.items():
        if len(vals) == 1:
            v = next(iter(vals))
            out[k] = shell_word(v, dict(out)) if v else ""
    return out


def shell_word(tok: str, consts: dict[str, str] | None = None) -> str:
    if tok.startswith("'") and tok.endswith("'") and len(tok) > 1:
        return tok[1:-1]
    if tok.startswith('"') and tok.endswith('"') and len(tok) > 1:
        tok = tok[1:-1]
    if consts:
        tok = re.sub(
            r"\$\{(\w+)\}|\$(\w+)",
            lambda m: consts.get(m.group(1) or m.group(2)) or m.group(0),
            tok,
        )
    return replace_interpolations(tok)


def shell_var(tok: str) -> str | None:
    """The variable a bare "$var" / "${var}" token names, else None."""
    m = re.fullmatch(r"""["']?\$\{?(\w+)\}?["']?""", tok)
    return m.group(1) if m else None


def extract_cli(text: str) -> Iterator[tuple[int, str | None, str, str]]:
    sconsts = shell_constants(text)
    for m in CLI_RE.finditer(text):
        # the command runs to the end of the line, following "\" / "`" / "^" continuations
        end = m.end()
        while True:
            nl = text.find("\n", end)
            if nl == -1:
                end = len(text)
                break
            seg = text[end:nl].rstrip()
            if seg.endswith(("\\", "`", "^")) or (seg.strip() == "" and end == m.end()):
                end = nl + 1
                continue
            end = nl
            break
        cmd = text[m.end() : end]
        cmd = re.sub(r"[\\`^]\s*\n", " ", cmd)
        cmd = cmd.split("`", 1)[0]  # the end of an inline code span or a `...` substitution
        cmd = (
            re.split(r"[|;]|&&|\)\s*$", cmd)[0]
            if "--name" not in cmd.split("|")[0]
            else cmd.split("|")[0]
        )
        toks = shell_tokens(cmd)
        dtype = "unknown"
        names: list[str] = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if t.startswith("--type"):
                val = t.split("=", 1)[1] if "=" in t else (toks[i + 1] if i + 1 < len(toks) else "")
                val = shell_word(val, sconsts)
                if val in ("String", "StringList", "SecureString"):
                    dtype = val
            if t in ("--name", "--names") or t.startswith(("--name=", "--names=")):
                if "=" in t:
                    names.append(t.split("=", 1)[1])
                    if t.startswith("--names="):
                        j = i + 1
                        while j < len(toks) and not toks[j].startswith("-"):
                            names.append(toks[j])
                            j += 1
                else:
                    j = i + 1
                    while j < len(toks) and not toks[j].startswith("--"):
                        names.append(toks[j])
                        j += 1
                        if t == "--name":
                            break
            i += 1
        for raw in names:
            if raw.startswith("file://"):
                continue
            word = shell_word(raw, sconsts)
            var = shell_var(raw)
            if var and not re.search(r"[A-Za-z]", word.replace(X, "")):
                yield m.start(), Unresolved("$" + var), dtype, "cli"
            else:
                yield m.start(), word, dtype, "cli"


PS_RE = re.compile(
    r"\b(?:Write|Get|Remove)-SSMParameter\b[^\n]*?-Name\s+(?P<v>\"[^\"]*\"|'[^']*'|\S+)", re.I
)


def extract_powershell(text: str) -> Iterator[tuple[int, str | None, str, str]]:
    for m in PS_RE.finditer(text):
        seg = text[
            m.start() : text.find("\n", m.start()) if "\n" in text[m.start() :] else len(text)
        ]
        tm = re.search(r"-Type\s+['\"]?(String|StringList|SecureString)", seg)
        yield m.start(), shell_word(m.group("v")), tm.group(1) if tm else "unknown", "cli"


SDK_CALL_RE = re.compile(
    r"(?P<kw>\b(?:GetParameterCommand|PutParameterCommand|GetParametersCommand|DeleteParameterCommand|"
    r"DeleteParametersCommand|GetParameterHistoryCommand|GetParameterInput|PutParameterInput|"
    r"GetParametersInput|DeleteParameterInput|DeleteParametersInput|GetParameterHistoryInput|"
    r"GetParameterRequest|PutParameterRequest|GetParametersRequest|DeleteParameterRequest|"
    r"DeleteParametersRequest|GetParameterHistoryRequest)\b"
    r"|\.(?:put_parameter|get_parameter|get_parameters|delete_parameter|delete_parameters|"
    r"get_parameter_history|label_parameter_version|putParameter|getParameter|getParameters|"
    r"deleteParameter|deleteParameters|getParameterHistory)\b)"
)


def extract_sdk(text: str, consts: dict[str, str]) -> Iterator[tuple[int, str | None, str, str]]:
    for m in SDK_CALL_RE.finditer(text):
        kw = m.group("kw")
        # region: the bracket group after the keyword, or a Java builder chain up to ";"
        rest = text[m.end() : m.end() + 3000]
        bm = re.match(r"\s*(?:\.builder\(\)|\(\s*\)|\s)*", rest)
        pos = m.end() + (bm.end() if bm else 0)
        if pos < len(text) and text[pos] in "({[":
            region = balanced(text, pos)
            tail = text[pos : pos + len(region) + 400]
        else:
            region = ""
            tail = text[m.end() : m.end() + 600]
        if "builder" in rest[:20] or "with" in tail[:60] or "Request" in kw:
            semi = tail.find(";")
            region = region + "\n" + (tail[: semi if semi != -1 else len(tail)])
        if kw.startswith(".get") and "Parameters" not in kw and "_parameters" not in kw:
            # JS v2 ssm.getParameter({Name}) / boto3 ssm.get_parameter(Name=...)
            pass
        dtype = "unknown"
        tm = re.search(
            r"""\bType\s*[:=]\s*(?:ParameterType\.|types\.ParameterType|ssm\.ParameterType\.|["'])?(String|StringList|SecureString|STRING_LIST|SECURE_STRING|STRING)\b""",
            region,
        )
        if tm:
            dtype = {
                "STRING": "String",
                "STRING_LIST": "StringList",
                "SECURE_STRING": "SecureString",
            }.get(tm.group(1), tm.group(1))
        tm = re.search(
            r"\.(?:type|withType)\(\s*(?:ParameterType\.)?[\"']?(String|StringList|SecureString|STRING_LIST|SECURE_STRING|STRING)",
            region,
        )
        if tm:
            dtype = {
                "STRING": "String",
                "STRING_LIST": "StringList",
                "SECURE_STRING": "SecureString",
            }.get(tm.group(1), tm.group(1))
        found = False
        for nm in re.finditer(r"(?<![A-Za-z_])(?P<k>Names?|names?)\s*(?P<op>[:=]|\()", region):
            if nm.group("k").islower() and nm.group("op") != "(" and "Request" not in kw:
                # lowercase `name`: a Java builder's .name(...), not an SDK request field
                if "Command" in kw or "Input" in kw:
                    continue
            vstart = nm.end()
            val_text = region[vstart:]
            if nm.group("op") == "(":
                val_text = balanced(region, vstart - 1)
            plural = nm.group("k").lower() == "names"
            if plural:
                lm = re.search(r"[\[{(]", val_text)
                if lm and lm.start() < 40:
                    inner = balanced(val_text, lm.start())
                    for piece in split_top_level(inner):
                        v = ev(piece, consts)
                        yield m.start(), v, dtype, "sdk"
                        found = True
                    continue
                inner = val_text
                items = split_top_level(inner)
                for piece in items if nm.group("op") == "(" else items[:1]:
                    v = ev(piece.split("\n")[0] if nm.group("op") != "(" else piece, consts)
                    yield m.start(), v, dtype, "sdk"
                    found = True
                continue
            piece = split_top_level(val_text, ",;\n}")[0] if nm.group("op") != "(" else val_text
            v = ev(piece, consts)
            yield m.start(), v, dtype, "sdk"
            found = True
            if "Names" not in kw:
                break
        if not found and kw.startswith((".get", ".put")) and pos < len(text) and text[pos] == "(":
            # positional first argument: Powertools, wrappers, AWS SDK for Ruby style helpers
            args = split_top_level(region)
            if args and STRING_RE.fullmatch(args[0].strip()) and "ssm" in text.lower():
                if not re.search(
                    r"request\.getParameter|req\.getParameter|\.getParameter\(\s*\"[A-Za-z]+\"\s*\)",
                    text[max(0, m.start() - 20) : m.end() + 40],
                ):
                    yield m.start(), ev(args[0], consts), dtype, "sdk"


POWERTOOLS_RE = re.compile(
    r"\b(?:parameters\.)?(?P<fn>get_parameter|getParameter|getSecureParameter|get_ssm_parameter|getSsmParameter|"
    r"getSSMParameter|get_ssm_param|getSsmParam|getSSMParam|fetchSsmParameter|fetchSSMParameter|"
    r"get_param_from_ssm|getParamFromSsm|getParameterFromSSM|getParameterFromSsm|get_parameter_from_ssm|"
    r"read_ssm_parameter|readSsmParameter|ssm_get|ssmGet|loadSsmParameter|load_ssm_parameter)\s*\("
)


def extract_helpers(
    text: str, consts: dict[str, str]
) -> Iterator[tuple[int, str | None, str, str]]:
    """First-argument names of Powertools calls and of helpers whose name says SSM."""
    powertools = bool(
        re.search(r"aws_lambda_powertools|@aws-lambda-powertools/parameters|middy/ssm", text)
    )
    for m in POWERTOOLS_RE.finditer(text):
        fn = m.group("fn")
        if fn in ("get_parameter", "getParameter") and not powertools:
            continue
        prev = text[max(0, m.start() - 1) : m.start()]
        if prev == "." and fn in ("get_parameter", "getParameter"):
            continue  # a method call: handled as SDK if it is one
        if re.match(
            r"\s*(def|function|async|fun|func|public|private)\b",
            text[text.rfind("\n", 0, m.start()) + 1 : m.start()],
        ):
            continue  # a definition, not a call
        region = balanced(text, m.end() - 1)
        args = split_top_level(region)
        if not args or not STRING_RE.fullmatch(args[0].strip()):
            continue
        yield m.start(), ev(args[0], consts), "unknown", "sdk"


CDK_POS = [
    # (regex, index of the name argument, declared type)
    (
        r"\b(?:valueForStringParameter|value_for_string_parameter|valueForTypedStringParameter(?:V2)?|value_for_typed_string_parameter(?:_v2)?)\s*\(",
        1,
        "unknown",
    ),
    (
        r"\b(?:valueForSecureStringParameter|value_for_secure_string_parameter)\s*\(",
        1,
        "SecureString",
    ),
    (r"\b(?:valueFromLookup|value_from_lookup)\s*\(", 1, "unknown"),
    (
        r"\b(?:fromStringParameterName|from_string_parameter_name|fromStringListParameterName|from_string_list_parameter_name)\s*\(",
        2,
        "unknown",
    ),
    (r"\b(?:fromSsmParameter|StringParameter\.fromStringParameterArn)\s*\(", -1, "unknown"),
]
CDK_OBJ = [
    (
        r"\b(?:fromSecureStringParameterAttributes|from_secure_string_parameter_attributes)\s*\(",
        "SecureString",
    ),
    (r"\b(?:fromStringParameterAttributes|from_string_parameter_attributes)\s*\(", "unknown"),
    (r"\b(?:ssm\.)?(?<!Cfn)StringParameter\s*\(", "String"),
    (r"\bStringParameter\.Builder\.create\s*\(", "String"),
    (r"\b(?:ssm\.)?StringListParameter\s*\(", "StringList"),
    (r"\bStringListParameter\.Builder\.create\s*\(", "StringList"),
    (r"\b(?:ssm\.)?CfnParameter\s*\(", "cfn"),
    (r"\bCfnParameter\.Builder\.create\s*\(", "cfn"),
]


def extract_cdk(text: str, consts: dict[str, str]) -> Iterator[tuple[int, str | None, str, str]]:
    for pat, idx, dtype in CDK_POS:
        if idx < 0:
            continue
        for m in re.finditer(pat, text):
            args = split_top_level(balanced(text, m.end() - 1))
            if len(args) > idx:
                yield m.start(), ev(args[idx], consts), dtype, "cdk"
    for pat, dtype in CDK_OBJ:
        for m in re.finditer(pat, text):
            line_start = text.rfind("\n", 0, m.start()) + 1
            if re.search(r"\b(class|interface|import|from)\b", text[line_start : m.start()]):
                continue
            if (
                pat.startswith(r"\b(?:ssm\.)?CfnParameter")
                and "ssm" not in text[max(0, m.start() - 5) : m.start() + 4]
                and "aws_ssm" not in text
                and "aws-ssm" not in text
            ):
                continue  # core CfnParameter is a CloudFormation template parameter
            region = balanced(text, m.end() - 1)
            chain = text[m.end() - 1 + len(region) + 2 : m.end() + len(region) + 1500]
            if "Builder" in pat:
                semi = chain.find(";")
                region = region + chain[: semi if semi != -1 else 0]
            d = dtype
            if dtype == "cfn":
                tm = re.search(r"""\btype\s*[:=(]\s*["'](String|StringList|SecureString)""", region)
                d = tm.group(1) if tm else "unknown"
            elif dtype == "String":
                if re.search(r"SECURE_STRING|SecureString", region):
                    d = "SecureString"
                elif re.search(r"STRING_LIST", region):
                    d = "StringList"
            key = (
                r"(?:parameterName|parameter_name|stringParameterName|string_parameter_name)"
                if dtype != "cfn"
                else r"\bname"
            )
            km = re.search(key + r"\s*(?P<op>[:=(])", region)
            if not km:
                continue
            if km.group("op") == "(":
                piece = balanced(region, km.end() - 1)
            else:
                piece = split_top_level(region[km.end() :], ",\n}")[0]
            yield m.start(), ev(piece, consts), d, "cdk"


CHAMBER_RE = re.compile(r"\bchamber\s+(?P<cmd>write|read|delete|history)\s+(?P<args>[^\n|;&>]*)")


def extract_chamber(text: str) -> Iterator[tuple[int, str | None, str, str]]:
    sconsts = shell_constants(text)
    for m in CHAMBER_RE.finditer(text):
        toks = [t for t in shell_tokens(m.group("args"))]
        pos = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if t.startswith("-"):
                if (
                    t in ("-v", "--version", "-b", "--backend", "--kms-key-alias", "-t", "--type")
                    and "=" not in t
                ):
                    i += 1
                i += 1
                continue
            pos.append(t)
            i += 1
        if len(pos) < 2:
            continue
        svc, key = shell_word(pos[0], sconsts), shell_word(pos[1], sconsts)
        yield m.start(), f"/{svc}/{key}", "SecureString", "chamber"


SSM_URI_RE = re.compile(r"""\bssm://(?P<n>[^\s'"`,;)}\]<>]+)""")


def extract_ssm_uri(text: str) -> Iterator[tuple[int, str | None, str, str]]:
    for m in SSM_URI_RE.finditer(text):
        yield m.start(), replace_interpolations(m.group("n")), "unknown", "other"


RESOLVE_RE = re.compile(r"\{\{resolve:(?P<t>ssm|ssm-secure):(?P<n>[^}:]+?)(?::\d+)?\}\}")


def extract_resolve(text: str) -> Iterator[tuple[int, str | None, str, str]]:
    for m in RESOLVE_RE.finditer(text):
        dtype = "SecureString" if m.group("t") == "ssm-secure" else "unknown"
        yield m.start(), replace_interpolations(m.group("n")), dtype, "cfn-resolve"


VALUEFROM_RE = re.compile(
    r"""\bvalue_?[Ff]rom["']?\s*[:=]\s*["']?(?P<v>arn:aws[a-z-]*:ssm:[^"'\s,}]+|arn:\$\{[^}]*\}:ssm:[^"'\s,}]+)"""
)


VALUEFROM_EXPR_RE = re.compile(r"""\bvalue_?[Ff]rom["']?\s*[:=]\s*(?P<e>[^\n]+)""")


def extract_valuefrom(text: str) -> Iterator[tuple[int, str | None, str, str]]:
    """ECS task definitions / Copilot / jsonnet: secrets taken from an SSM parameter ARN."""
    consts = file_constants(text)
    for m in VALUEFROM_EXPR_RE.finditer(text):
        expr = split_top_level(m.group("e"), ",}")[0].strip()
        if STRING_RE.match(expr) or "+" in expr:
            v = eval_expr(expr, consts)
        else:
            v = expr
        if v is None or ":ssm:" not in v or ":parameter" not in v:
            continue
        yield (
            m.start(),
            ARN_TAIL + replace_interpolations(v.split(":parameter", 1)[1]),
            "unknown",
            "other",
        )


ANSIBLE_LOOKUP_RE = re.compile(
    r"""lookup\(\s*['"](?:amazon\.aws\.|community\.aws\.)?(?:aws_)?ssm(?:_parameter)?['"]\s*,\s*"""
)
ANSIBLE_MODULE_RE = re.compile(
    r"""^(?P<ind>[ \t]*)-?\s*(?:community\.aws\.|amazon\.aws\.)?"""
    r"""(?:aws_ssm_parameter_store|ssm_parameter_store|ssm_parameter):\s*$""",
    re.MULTILINE,
)


def extract_ansible(
    text: str, consts: dict[str, str]
) -> Iterator[tuple[int, str | None, str, str]]:
    for m in ANSIBLE_LOOKUP_RE.finditer(text):
        args = split_top_level(balanced(text, text.rfind("(", 0, m.end())))
        if len(args) > 1:
            yield m.start(), ev(args[1], consts), "unknown", "other"
    for m in ANSIBLE_MODULE_RE.finditer(text):
        block = text[m.end() : m.end() + 1500]
        ind = len(m.group("ind").expandtabs())
        dtype = "unknown"
        name = None
        for ln in block.splitlines()[1:]:
            if ln.strip() and len(ln) - len(ln.lstrip()) <= ind:
                break
            nm = re.match(r"\s*name:\s*(.+?)\s*$", ln)
            if nm:
                name = nm.group(1)
            tm = re.match(r"\s*string_type:\s*['\"]?(String|StringList|SecureString)", ln)
            if tm:
                dtype = tm.group(1)
        if name:
            yield m.start(), replace_interpolations(name.strip("'\"")), dtype, "other"


GHA_PAIRS_RE = re.compile(r"""parameterPairs:[ \t]*(?P<v>[|>][-+]?\s*\n(?:[ \t]+.*\n?)+|.+)""")
GHA_SINGLE_RE = re.compile(r"""\bssm_parameter:[ \t]*(?P<v>\S.*)""")


def extract_gha(text: str) -> Iterator[tuple[int, str | None, str, str]]:
    for m in GHA_PAIRS_RE.finditer(text):
        v = m.group("v")
        for pair in re.split(r"[,\n]", v.lstrip("|>-+")):
            left = pair.split("=")[0].strip().strip("'\"")
            if left:
                yield m.start(), replace_interpolations(left), "unknown", "other"
    for m in GHA_SINGLE_RE.finditer(text):
        yield (
            m.start(),
            replace_interpolations(m.group("v").strip().strip("'\"")),
            "unknown",
            "other",
        )


def extract_copilot(path: str, text: str) -> Iterator[tuple[int, str | None, str, str]]:
    """Copilot manifests: a `secrets:` entry whose value is a string names an SSM parameter."""
    if not re.search(r"(^|[/:])copilot/.*manifest\.ya?ml$", path):
        return
    for m in re.finditer(r"^(?P<ind>[ \t]*)secrets:[ \t]*(?:#.*)?$", text, re.MULTILINE):
        ind = len(m.group("ind"))
        child = -1
        pos = m.end()
        for ln in text[m.end() + 1 :].splitlines():
            pos += len(ln) + 1
            if not ln.strip() or ln.lstrip().startswith("#"):
                continue
            this = len(ln) - len(ln.lstrip())
            if this <= ind:
                break
            if child == -1:
                child = this
            if this != child:
                continue
            kv = re.match(r"\s+[A-Za-z_][\w.-]*:\s*(?P<v>[^#\n]+?)\s*(?:#.*)?$", ln)
            if (
                kv
                and kv.group("v").strip()
                and not kv.group("v").startswith(("secretsmanager", "from_cfn", "{"))
            ):
                yield (
                    pos - len(ln),
                    replace_interpolations(kv.group("v").strip("'\"")),
                    "unknown",
                    "other",
                )


def extract_csi(text: str) -> Iterator[tuple[int, str | None, str, str]]:
    """Secrets Store CSI (ASCP) objects of type ssmparameter; External Secrets on ParameterStore."""
    for m in re.finditer(r"""objectType:\s*["']?ssmparameter""", text):
        start = text.rfind("- ", 0, m.start())
        end = text.find("- ", m.end())
        item = text[start : end if end != -1 else len(text)]
        nm = re.search(r"""objectName:\s*["']?(?P<v>[^"'\s]+)""", item)
        if nm:
            yield m.start(), replace_interpolations(nm.group("v")), "unknown", "other"
    if "ParameterStore" in text and "ExternalSecret" in text:
        for m in re.finditer(r"""remoteRef:\s*\n\s+key:\s*["']?(?P<v>[^"'\s]+)""", text):
            yield m.start(), replace_interpolations(m.group("v")), "unknown", "other"


def extract_mapping_blocks(
    text: str, consts: dict[str, str]
) -> Iterator[tuple[int, str | None, str, str]]:
    """serverless-ssm-fetch `serverlessSsmFetch:` maps and middy `fetchData: {...}` objects."""
    for m in re.finditer(r"^(?P<ind>[ \t]*)serverlessSsmFetch:[ \t]*$", text, re.MULTILINE):
        ind = len(m.group("ind"))
        pos = m.end()
        for ln in text[m.end() + 1 :].splitlines():
            pos += len(ln) + 1
            if not ln.strip() or ln.lstrip().startswith("#"):
                continue
            if len(ln) - len(ln.lstrip()) <= ind:
                break
            kv = re.match(r"\s+[\w.-]+:\s*(?P<v>[^#\n]+?)\s*(?:#.*)?$", ln)
            if kv:
                v = re.split(r"~(?:true|false)", kv.group("v").strip("'\""))[0]
                yield pos - len(ln), replace_interpolations(v), "unknown", "serverless"
    if "middy/ssm" in text or "middy-ssm" in text:
        for m in re.finditer(r"\bfetchData\s*:\s*\{", text):
            body = balanced(text, m.end() - 1)
            for item in split_top_level(body):
                if ":" in item:
                    v = item.split(":", 1)[1].strip()
                    yield m.start(), ev(v, consts), "unknown", "sdk"


EXTENSION_RE = re.compile(r"""/systemsmanager/parameters/get/?\?name=(?P<n>[^&"'`\s]+)""")


def extract_extension(text: str) -> Iterator[tuple[int, str | None, str, str]]:
    """The Parameters and Secrets Lambda extension's local HTTP endpoint."""
    for m in EXTENSION_RE.finditer(text):
        n = m.group("n").replace("%2F", "/").replace("%2f", "/")
        yield m.start(), replace_interpolations(n), "unknown", "sdk"


SLS_CFN_RE = re.compile(r"""Type['"]?\s*:\s*['"]?AWS::SSM::Parameter['"]?\s*,?\s*$""", re.MULTILINE)


def extract_serverless_cfn(text: str) -> Iterator[tuple[int, str | None, str, str]]:
    """AWS::SSM::Parameter resources inside serverless.yml resources."""
    for m in SLS_CFN_RE.finditer(text):
        # the resource block: the following lines until indentation drops below the Type line
        line_start = text.rfind("\n", 0, m.start()) + 1
        ind = len(text[line_start : m.start()]) - len(text[line_start : m.start()].lstrip())
        block_start = text.rfind("\n", 0, line_start - 1) + 1
        # look a few lines back too (Properties may come first)
        back = text[max(0, line_start - 800) : line_start]
        back_lines = back.splitlines()[-12:]
        fwd_lines = text[m.end() :].splitlines()[1:40]
        block: list[str] = []
        for ln in reversed(back_lines):
            if ln.strip() and len(ln) - len(ln.lstrip()) < ind:
                break
            block.insert(0, ln)
        for ln in fwd_lines:
            if ln.strip() and len(ln) - len(ln.lstrip()) < ind:
                break
            block.append(ln)
        _ = block_start
        joined = "\n".join(block)
        nm = re.search(r"""^\s*['"]?Name['"]?\s*:\s*(?P<v>.+?)\s*,?$""", joined, re.MULTILINE)
        tm = re.search(
            r"""^\s*['"]?Type['"]?\s*:\s*['"]?(String|StringList|SecureString)['"]?""",
            joined,
            re.MULTILINE,
        )
        if not nm:
            continue
        v = nm.group("v").strip()
        v = re.sub(r"^!Sub\s+", "", v)
        if v.startswith(("!Join", "Fn::", "{", "!Ref", "!GetAtt", "[")) or v == "":
            yield m.start(), None, "unknown", "cfn-resource"
            continue
        yield (
            m.start(),
            replace_interpolations(v.strip("'\"")),
            tm.group(1) if tm else "unknown",
            "cfn-resource",
        )


FUNC_DEFS = [
    # (regex with groups fn, params) per language family
    re.compile(r"^[ \t]*(?:async\s+)?def\s+(?P<fn>\w+)\s*\((?P<params>[^)]*)\)", re.MULTILINE),
    re.compile(r"(?:async\s+)?function\s*\*?\s*(?P<fn>\w+)\s*(?:<[^>]*>)?\s*\((?P<params>[^)]*)\)"),
    re.compile(
        r"(?:const|let|var)\s+(?P<fn>\w+)\s*(?::[^=\n]+)?=\s*(?:async\s*)?(?:function\s*)?\((?P<params>[^)]*)\)"
    ),
    re.compile(
        r"^[ \t]*(?:(?:public|private|protected|static|async|override|readonly|suspend|fun)\s+)*"
        r"(?P<fn>\w+)\s*(?:<[^>]*>)?\s*\((?P<params>[^)]*)\)\s*(?::\s*[^{\n]+)?\{",
        re.MULTILINE,
    ),
    re.compile(r"func\s+(?:\([^)]*\)\s*)?(?P<fn>\w+)\s*\((?P<params>[^)]*)\)"),
    re.compile(
        r"^[ \t]*(?:function\s+)?(?P<fn>[A-Za-z_][\w-]*)\s*\(\)\s*\{(?P<params>)", re.MULTILINE
    ),
]
NOT_FUNCS = {
    "if",
    "for",
    "while",
    "switch",
    "catch",
    "return",
    "function",
    "constructor",
    "get",
    "set",
    "load",
    "read",
    "fetch",
    "main",
    "handler",
    "run",
    "call",
    "init",
    "new",
}


def param_names(params: str) -> list[str]:
    """Parameter names of a definition in Python, JS/TS, Go or Java style."""
    names = []
    for p in split_top_level(params):
        p = p.strip().lstrip("*").strip()
        if not p or p in ("self", "cls"):
            names.append(p or "?")
            continue
        p = re.split(r"[=]", p)[0].strip()
        if ":" in p:  # TS / Python annotations
            names.append(p.split(":")[0].strip().rstrip("?"))
        else:
            toks = p.split()
            if len(toks) >= 2 and re.match(r"[A-Z]|final$", toks[0]):  # Java: Type name
                names.append(toks[-1])
            else:
                names.append(toks[0])  # Go: name type
    return [n for n in names if n not in ("self", "cls")]


def find_wrapper(text: str, pos: int, expr: str) -> tuple[str, int] | None:
    """If expr is a parameter of the function enclosing pos, return (function, index)."""
    m = re.fullmatch(r"\$\{?(\d+|\w+)\}?|(\w+)", expr.strip().strip("'\""))
    if not m:
        return None
    ident = m.group(1) or m.group(2)
    best: tuple[int, str, str] | None = None
    for rx in FUNC_DEFS:
        for d in rx.finditer(text, 0, pos):
            if d.group("fn") in NOT_FUNCS or d.start() > pos:
                continue
            if best is None or d.start() > best[0]:
                best = (d.start(), d.group("fn"), d.group("params"))
    if best is None or pos - best[0] > 3000:
        return None
    start, fn, params = best
    if ident.isdigit():  # shell positional
        return fn, int(ident) - 1
    names = param_names(params)
    if ident in names:
        return fn, names.index(ident)
    # shell: local name="$1"; Python/JS: name = arg  (one hop)
    body = text[start:pos]
    hop = re.search(r"\b" + re.escape(ident) + r"""\s*=\s*["']?\$\{?(\d)\}?["']?""", body)
    if hop:
        return fn, int(hop.group(1)) - 1
    return None


def extract_wrapper_calls(
    path: str,
    text: str,
    wrappers: dict[str, tuple[int, str, str]],
) -> Iterator[tuple[int, str | None, str, str]]:
    """Literal names passed to functions found to wrap an SSM call (see find_wrapper)."""
    consts = file_constants(text)
    sconsts = shell_constants(text)
    for fn, (idx, dtype, kind) in wrappers.items():
        if kind == "cli":
            if not re.search(r"(\.(sh|bash|zsh|ya?ml)|/[^./]+|^[^./]+|Makefile)$", path):
                continue
            for m in re.finditer(
                r"^[ \t]*" + re.escape(fn) + r"[ \t]+(?P<args>(?:.*\\\n)*.*)$", text, re.MULTILINE
            ):
                toks = shell_tokens(m.group("args").replace("\\\n", " "))
                if len(toks) > idx and not toks[idx].startswith(("(", "{")):
                    yield m.start(), shell_word(toks[idx], sconsts), dtype, "cli"
            continue
        for m in re.finditer(r"(?<![\w$])" + re.escape(fn) + r"\s*(?:<[^>()]*>)?\(", text):
            line_start = text.rfind("\n", 0, m.start()) + 1
            if re.search(
                r"\b(def|function|func|fun)\s+$|\b(def|function)\b", text[line_start : m.start()]
            ):
                continue
            args = split_top_level(balanced(text, m.end() - 1))
            if (
                len(args) > idx
                and STRING_RE.search(args[idx])
                and re.search(r"[A-Za-z]", args[idx])
            ):
                v = eval_expr(args[idx], consts)
                if v is not None:
                    yield m.start(), v, dtype, kind


def is_commented(text: str, pos: int) -> bool:
    """Whether the reference sits on a commented-out line (#, //, or a /* */ comment line)."""
    line_start = text.rfind("\n", 0, pos) + 1
    head = text[line_start:pos].lstrip()
    if head.startswith(("#", "//", "*", "/*", "<!--", "REM ", "::")):
        return not head.startswith("#!")
    return False


def harvest_text(
    path: str, text: str, wrappers: dict[str, tuple[int, str, str]] | None = None
) -> FileResult:
    res = FileResult(path)
    consts = file_constants(text)
    is_doc = PurePosixPath(path).suffix.lower() in DOC_SUFFIXES or path.startswith("http")
    extractors = [
        extract_serverless(text),
        extract_cli(text),
        extract_powershell(text),
        extract_sdk(text, consts),
        extract_helpers(text, consts),
        extract_cdk(text, consts),
        extract_chamber(text),
        extract_ssm_uri(text),
        extract_resolve(text),
        extract_valuefrom(text),
        extract_ansible(text, consts),
        extract_gha(text),
        extract_serverless_cfn(text),
        extract_copilot(path, text),
        extract_csi(text),
        extract_extension(text),
        extract_mapping_blocks(text, consts),
    ]
    if wrappers:
        extractors.append(extract_wrapper_calls(path, text, wrappers))
    seen: set[tuple[int, str]] = set()
    for gen in extractors:
        for pos, raw_name, dtype, kind in gen:
            if not is_doc and is_commented(text, pos):
                res.commented += 1
                continue
            if isinstance(raw_name, Unresolved):
                w = find_wrapper(text, pos, raw_name)
                if w:
                    res.wrappers[w[0]] = (w[1], dtype, kind)
                res.skipped_no_letters += 1
                res.skipped_raw.append(f"{line_of(text, pos)}:{kind}:{raw_name}:wrapper={w}")
                continue
            name = clean_name(raw_name) if raw_name is not None else None
            if name is None and raw_name and re.search(r"[A-Za-z]", raw_name.replace(X, "")):
                res.rejected.append(f"{line_of(text, pos)}:{kind}:{raw_name[:80]}")
                continue
            if name is None or not re.search(r"[A-Za-z]", name.replace(X, "")):
                res.skipped_no_letters += 1
                res.skipped_raw.append(f"{line_of(text, pos)}:{kind}:{raw_name}")
                continue
            if (line_of(text, pos), name) in seen:
                continue
            seen.add((line_of(text, pos), name))
            res.hits.append(
                Hit(
                    name=name,
                    declared_type=dtype,
                    kind="doc" if is_doc else kind,
                    path=path,
                    line=line_of(text, pos),
                    context=context_of(text, pos),
                    raw=raw_name or "",
                )
            )
    return res


QUICK = re.compile(
    r"\$\{ssm|ssm\s+(?:put|get|delete|label)-parameter|SSMParameter|Parameter(?:Command|Input|Request)|"
    r"_parameters?\(|Parameters?\(|ParameterName|parameter_name|chamber\s+(?:write|read)|ssm://|resolve:ssm|"
    r":ssm:|aws_ssm|ssm_parameter|parameterPairs|value_from_lookup|valueFromLookup|get_ssm|getSsm|getSSM|"
    r"ssmparameter|^secrets:|\n\s+secrets:|systemsmanager/parameters|serverlessSsmFetch|fetchData",
)


def harvest_mirror(git_dir: str) -> Iterator[FileResult]:
    listing = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "-r", "-l", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    files: list[tuple[str, str]] = []
    for row in listing.splitlines():
        meta, path = row.split("\t", 1)
        _mode, typ, sha, size = meta.split()
        if typ != "blob" or not size.isdigit() or int(size) > MAX_FILE_BYTES:
            continue
        if is_excluded_path(path):
            continue
        got = subprocess.run(
            ["git", "--git-dir", git_dir, "cat-file", "blob", sha], capture_output=True, check=False
        )
        if got.returncode != 0:
            continue
        data = got.stdout
        if b"\0" in data[:4096]:
            continue
        text = data.decode("utf-8", errors="replace")
        if is_cfn_template(path, text):
            continue
        if path.endswith(".ipynb"):
            try:
                nb = json.loads(text)
                text = "\n".join("".join(c.get("source", [])) for c in nb.get("cells", []))
            except ValueError:
                pass
        files.append((path, text))
    wrappers: dict[str, tuple[int, str, str]] = {}
    for path, text in files:
        if QUICK.search(text):
            wrappers.update(harvest_text(path, text).wrappers)
    for path, text in files:
        if QUICK.search(text) or (wrappers and any(fn in text for fn in wrappers)):
            res = harvest_text(path, text, wrappers)
            if res.hits or res.skipped_no_letters:
                yield res


def main(argv: list[str]) -> int:
    mode = argv[1]
    if mode == "mirror":
        git_dir, repo = argv[2], argv[3]
        commit = subprocess.run(
            ["git", "--git-dir", git_dir, "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for res in harvest_mirror(git_dir):
            print(
                json.dumps(
                    {
                        "source": f"github:{repo}@{commit}:{res.path}",
                        "skipped_no_letters": res.skipped_no_letters,
                        "skipped_raw": res.skipped_raw,
                        "commented": res.commented,
                        "rejected": res.rejected,
                        "hits": [asdict(h) for h in res.hits],
                    }
                )
            )
    elif mode == "text":
        path, url = argv[2], argv[3]
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        res = harvest_text(url, text)
        print(
            json.dumps(
                {
                    "source": url,
                    "skipped_no_letters": res.skipped_no_letters,
                    "skipped_raw": res.skipped_raw,
                    "hits": [asdict(h) for h in res.hits],
                }
            )
        )
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
