"""The README is the manual: its commands parse and run, its tables match the code."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from paramguard.cli import build_parser
from paramguard.report import Counters

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text()
SHELL_LINES = [
    line.split("  #")[0].strip()
    for block in re.findall(r"```sh\n(.*?)```", README, re.S)
    for line in block.splitlines()
    if line.strip() and not line.lstrip().startswith("#")
]
CLI_LINES = [line for line in SHELL_LINES if re.match(r"(\.venv/bin/)?paramguard ", line)]


def test_readme_has_cli_examples() -> None:
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


def test_every_make_target_in_the_readme_exists() -> None:
    makefile = (REPO / "Makefile").read_text()
    targets = {m for line in SHELL_LINES for m in re.findall(r"^make (\w+)", line)}
    assert {"test", "demo"} <= targets
    for target in targets:
        assert re.search(rf"^{target}:", makefile, re.M), target


def test_every_environment_variable_is_documented() -> None:
    source = (REPO / "function" / "paramguard" / "config.py").read_text()
    names = set(re.findall(r'"([A-Z][A-Z_]{5,})"', source)) - {"AWS_REGION", "AWS_DEFAULT_REGION"}
    assert len(names) >= 10
    for name in names:
        assert f"`{name}`" in README, name


def test_every_metric_is_documented() -> None:
    for entry in Counters(inspect_values=True).metric_data():
        assert f"`{entry['MetricName']}`" in README, entry["MetricName"]
