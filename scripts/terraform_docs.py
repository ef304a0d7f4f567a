"""Write the module's inputs and outputs tables into docs/terraform.md (terraform-docs style).

The tables sit between <!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS -->; the rest of the page is
written by hand. `--check` changes nothing and exits 1 when the page no longer matches the
*.tf files (tests/test_terraform_docs.py runs it), so a new variable cannot go undocumented.

    python scripts/terraform_docs.py          # regenerate
    python scripts/terraform_docs.py --check  # fail on drift
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import hcl2

REPO_ROOT = Path(__file__).resolve().parent.parent
BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"


def _unquote(value: Any) -> Any:
    """python-hcl2 keeps string literals quoted ("x") and expressions as ${...}."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return json.loads(value)
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return value[2:-1]
    return value


def _blocks(module: Path, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """Every `kind` block (variable, output) of the module's *.tf files, in file order."""
    found: list[tuple[str, dict[str, Any]]] = []
    for tf_file in sorted(module.glob("*.tf")):
        with tf_file.open(encoding="utf-8") as handle:
            parsed = hcl2.load(handle)
        for block in parsed.get(kind, []):
            for name, body in block.items():
                found.append((_unquote(name), body))
    return found


def _cell(text: str) -> str:
    """One table cell: one line, pipes escaped, <placeholders> shown rather than read as HTML."""
    text = " ".join(text.split()).replace("|", "\\|")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _hcl(value: Any) -> str:
    """A default value as the user would write it in HCL."""
    if value is None or value == "null":
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, separators=(", ", " = ")) if isinstance(value, dict) else str(value)


def render(module: Path) -> str:
    """The generated part of the page: the inputs table, then the outputs table."""
    lines = [
        "## Inputs",
        "",
        "| Name | Description | Type | Default | Required |",
        "|------|-------------|------|---------|:--------:|",
    ]
    for name, body in _blocks(module, "variable"):
        description = _cell(str(_unquote(body.get("description", ""))))
        type_ = _cell(str(_unquote(body.get("type", "any"))))
        if "default" in body:
            default, required = f"`{_cell(_hcl(_unquote(body['default'])))}`", "no"
        else:
            default, required = "n/a", "yes"
        lines.append(
            f'| <a name="input_{name}"></a> [{name}](#input_{name}) | {description} '
            f"| `{type_}` | {default} | {required} |"
        )
    lines += ["", "## Outputs", "", "| Name | Description |", "|------|-------------|"]
    for name, body in _blocks(module, "output"):
        description = _cell(str(_unquote(body.get("description", ""))))
        lines.append(f'| <a name="output_{name}"></a> [{name}](#output_{name}) | {description} |')
    return "\n".join(lines)


def updated(page: str, tables: str) -> str:
    """The page with the text between the markers replaced by the tables."""
    start, end = page.find(BEGIN), page.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the page has no {BEGIN} ... {END} markers")
    return f"{page[: start + len(BEGIN)]}\n{tables}\n{page[end:]}"


def main(argv: list[str] | None = None) -> int:
    """Regenerate the tables, or with --check report whether they drifted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is stale")
    parser.add_argument("--module", type=Path, default=REPO_ROOT, help="module directory")
    parser.add_argument("--docs", type=Path, default=REPO_ROOT / "docs" / "terraform.md")
    args = parser.parse_args(argv)
    page = args.docs.read_text(encoding="utf-8")
    try:
        new = updated(page, render(args.module))
    except ValueError as error:
        print(f"{args.docs}: {error}", file=sys.stderr)
        return 2
    if new == page:
        return 0
    if args.check:
        print(
            f"{args.docs} is out of date with the *.tf files in {args.module}; "
            "run: python scripts/terraform_docs.py",
            file=sys.stderr,
        )
        return 1
    args.docs.write_text(new, encoding="utf-8")
    print(f"wrote {args.docs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
