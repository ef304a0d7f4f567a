"""docs/terraform.md's inputs and outputs tables follow the *.tf files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "terraform_docs.py"
DOCS = REPO / "docs" / "terraform.md"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_tables_match_the_tf_files() -> None:
    result = _run("--check")
    assert result.returncode == 0, result.stderr


def test_every_input_and_output_is_in_the_tables() -> None:
    text = DOCS.read_text()
    for tf_file in REPO.glob("*.tf"):
        for line in tf_file.read_text().splitlines():
            for kind in ("variable", "output"):
                if line.startswith(f'{kind} "'):
                    name = line.split('"')[1]
                    anchor = "input" if kind == "variable" else "output"
                    assert f'<a name="{anchor}_{name}"></a> [{name}](#{anchor}_{name})' in text


def test_check_fails_when_a_variable_is_added(tmp_path: Path) -> None:
    module = tmp_path / "module"
    module.mkdir()
    for tf_file in REPO.glob("*.tf"):
        (module / tf_file.name).write_text(tf_file.read_text())
    docs = tmp_path / "terraform.md"
    docs.write_text(DOCS.read_text())
    assert _run("--check", "--module", str(module), "--docs", str(docs)).returncode == 0

    with (module / "variables.tf").open("a") as handle:
        handle.write(
            '\nvariable "new_knob" {\n  description = "A | new <knob>."\n'
            "  type        = number\n}\n"
        )
    stale = _run("--check", "--module", str(module), "--docs", str(docs))
    assert stale.returncode == 1
    assert "out of date" in stale.stderr
    assert docs.read_text() == DOCS.read_text()  # --check writes nothing

    assert _run("--module", str(module), "--docs", str(docs)).returncode == 0
    row = next(line for line in docs.read_text().splitlines() if "input_new_knob" in line)
    assert "| A \\| new &lt;knob&gt;. | `number` | n/a | yes |" in row
    assert _run("--check", "--module", str(module), "--docs", str(docs)).returncode == 0


def test_markers_are_required(tmp_path: Path) -> None:
    docs = tmp_path / "terraform.md"
    docs.write_text("# no markers\n")
    result = _run("--check", "--docs", str(docs))
    assert result.returncode != 0
    assert "BEGIN_TF_DOCS" in result.stderr
