"""README.md and docs/ are the manual: commands parse and run, tables match code, links resolve."""

from __future__ import annotations

import ast
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from paramguard.cli import build_parser
from paramguard.report import Counters

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
DOCS = [README, *sorted((REPO / "docs").glob("*.md"))]
TEXT = {path: path.read_text() for path in DOCS}
ALL_TEXT = "\n".join(TEXT.values())
OPERATIONS = TEXT[REPO / "docs" / "operations.md"]

DEVELOPMENT = TEXT[REPO / "docs" / "development.md"]

SHELL_LINES = [
    line.split("  #")[0].strip()
    for text in TEXT.values()
    for block in re.findall(r"```sh\n(.*?)```", text, re.S)
    for line in block.splitlines()
    if line.strip() and not line.lstrip().startswith("#")
]
CLI_LINES = [line for line in SHELL_LINES if re.match(r"(\.venv/bin/)?paramguard ", line)]


def _without_fences(text: str) -> str:
    """A Markdown text without its fenced blocks (a `#` line there is not a heading)."""
    return re.sub(r"^ *```.*?^ *```", "", text, flags=re.S | re.M)


def _without_code(text: str) -> str:
    """The prose of a Markdown text: fenced blocks and code spans removed."""
    return re.sub(r"`[^`\n]*`", "", _without_fences(text))


def _anchors(text: str) -> set[str]:
    """The anchors GitHub gives a Markdown file's headings (duplicates get -1, -2, ...)."""
    seen: dict[str, int] = {}
    anchors = set()
    anchors.update(re.findall(r'<a name="([^"]+)"></a>', text))  # terraform-docs tables
    for heading in re.findall(r"^#{1,6} +(.+?) *#*$", _without_fences(text), re.M):
        heading = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _links(text: str) -> list[str]:
    """Targets of the inline links of a Markdown text (outside fenced blocks)."""
    return re.findall(r"\]\(([^)\s]+)\)", _without_fences(text))


def _table_rows(text: str, heading: str) -> list[list[str]]:
    """The cells of the first table under a heading, up to the next heading."""
    section = text.split(f"\n{heading}\n", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def test_the_readme_is_a_front_door() -> None:
    assert len(TEXT[README].splitlines()) < 160


def test_docs_have_cli_examples() -> None:
    assert len(CLI_LINES) >= 6


@pytest.mark.parametrize("line", CLI_LINES)
def test_every_cli_example_parses(line: str) -> None:
    args = build_parser().parse_args(shlex.split(line)[1:])
    assert args.func


@pytest.mark.parametrize("line", [line for line in CLI_LINES if "check-dictionary" in line])
def test_check_dictionary_examples_run_as_written(line: str) -> None:
    exe = Path(sys.executable).parent / "paramguard"
    result = subprocess.run(
        [str(exe), *shlex.split(line)[1:]], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_every_make_target_in_the_docs_exists() -> None:
    makefile = (REPO / "Makefile").read_text()
    readme_targets = set(re.findall(r"^make (\w+)", TEXT[README], re.M))
    assert {"test", "demo"} <= readme_targets
    targets = {m for line in SHELL_LINES for m in re.findall(r"^make (\w+)", line)}
    targets |= set(re.findall(r"`make (\w+)`", ALL_TEXT))
    for target in targets:
        assert re.search(rf"^{target}:", makefile, re.M), target


def _terraform_names(kind: str) -> set[str]:
    return {
        name
        for path in REPO.glob("*.tf")
        for name in re.findall(rf'^{kind} "(\w+)"', path.read_text(), re.M)
    }


def test_every_terraform_output_and_variable_in_the_commands_exists() -> None:
    outputs, variables = _terraform_names("output"), _terraform_names("variable")
    commands = "\n".join(SHELL_LINES)
    used_outputs = set(re.findall(r"terraform output (?:-raw )?(\w+)", commands))
    used_variables = set(re.findall(r"-var (\w+)=", commands))
    assert used_outputs and used_variables
    assert used_outputs <= outputs, used_outputs - outputs
    assert used_variables <= variables, used_variables - variables


def _environment_variables() -> dict[str, object]:
    """Every variable config.py reads from the environment, with its default where constant."""
    tree = ast.parse((REPO / "function" / "paramguard" / "config.py").read_text())
    found: dict[str, object] = {}
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        args = call.args
        if isinstance(call.func, ast.Attribute) and call.func.attr == "get":
            if not (isinstance(call.func.value, ast.Name) and call.func.value.id == "env"):
                continue
        elif not (args and isinstance(args[0], ast.Name) and args[0].id == "env"):
            continue
        else:
            args = args[1:]
        if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
            default = args[1].value if len(args) > 1 and isinstance(args[1], ast.Constant) else None
            found[args[0].value] = default
    return found


def test_every_environment_variable_is_in_the_configuration_table() -> None:
    variables = _environment_variables()
    variables.pop("AWS_REGION"), variables.pop("AWS_DEFAULT_REGION")
    assert len(variables) >= 10
    table = _table_rows(OPERATIONS, "## Configuration of the function")
    rows = {row[0].strip("`"): row for row in table}
    assert set(rows) == set(variables)
    for name, default in variables.items():
        if default not in (None, ""):
            shown = str(default).lower() if isinstance(default, bool) else str(default)
            assert shown in rows[name][1], (name, default, rows[name][1])


def test_every_metric_is_in_the_metrics_table() -> None:
    published = {name for name, _, _ in Counters(inspect_values=True).metrics()}
    always = {name for name, _, _ in Counters(inspect_values=False).metrics()}
    rows = {row[0].strip("`"): row for row in _table_rows(OPERATIONS, "## Metrics")}
    assert set(rows) == published
    for name, row in rows.items():
        assert ("value inspection" in row[1]) == (name not in always), (name, row[1])


def _markdown_files() -> list[Path]:
    """The project's Markdown files (not a virtualenv's, a build's or a Terraform cache's)."""
    found = []
    for folder, subfolders, files in os.walk(REPO):
        subfolders[:] = [s for s in subfolders if not s.startswith(".") and s != "build"]
        found += [Path(folder) / name for name in files if name.endswith(".md")]
    return found


def test_every_relative_link_resolves() -> None:
    # The other Markdown files of the tree link into docs/ too (dictionary/README.md).
    pages = {path: path.read_text() for path in _markdown_files()}
    anchors = {path: _anchors(text) for path, text in pages.items()}
    broken = []
    for page, text in pages.items():
        for link in _links(text):
            if re.match(r"[a-z]+:", link):
                continue
            target, _, anchor = link.partition("#")
            path = (page.parent / target).resolve() if target else page
            if not path.exists():
                broken.append(f"{page.relative_to(REPO)}: {link} (no such file)")
            elif anchor:
                if path not in anchors and path.suffix == ".md":
                    anchors[path] = _anchors(path.read_text())
                if anchor not in anchors.get(path, set()):
                    broken.append(f"{page.relative_to(REPO)}: {link} (no such heading)")
    assert not broken, broken


def test_the_layout_names_every_module_and_terraform_file() -> None:
    table = {row[0] for row in _table_rows(DEVELOPMENT, "## Layout of the tree")}
    named = {m for cell in table for m in re.findall(r"`(\w+\.py)`", cell)}
    in_tree = {
        path.name
        for path in (REPO / "function" / "paramguard").glob("*.py")
        if not path.name.startswith("__")
    }
    assert in_tree <= named, in_tree - named
    assert not named - in_tree, named - in_tree
    terraform_named = set(re.findall(r"`(\w+\.tf)`", DEVELOPMENT))
    terraform_in_tree = {path.name for path in REPO.glob("*.tf")}
    assert terraform_in_tree <= terraform_named, terraform_in_tree - terraform_named
    assert not terraform_named - terraform_in_tree, terraform_named - terraform_in_tree
    for directory in ("support", "examples/minimal", "examples/existing-organization-trail"):
        assert f"`{directory}" in DEVELOPMENT, directory
        assert (REPO / directory).is_dir(), directory


def test_one_word_per_concept() -> None:
    for path, text in TEXT.items():
        prose = _without_code(text)
        assert not re.search(r"analy[sz]er", prose, re.I), path.name
        assert not re.search(r"anomal(y|ies)", prose, re.I), path.name
