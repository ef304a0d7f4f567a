"""`make bench`'s driver: every module runs, every target is printed, misses are named.

No timing here: fake bench modules report fixed numbers through bench.targets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.targets import at_least, at_most, check

REPO = Path(__file__).resolve().parent.parent

MET = """
import sys
from bench.targets import at_most, report
sys.exit(report([at_most("fake start-up ratio", 3.5, 4.0)], "fakebench.met"))
"""
MISSED = """
import sys
from bench.targets import at_least, check, report
targets = [at_least("fake speed-up", 5.1, 6.0), check("fake same findings", True, "12")]
sys.exit(report(targets, "fakebench.missed"))
"""
OLD_STYLE = """
print("TARGET MISSED: fake old-style line")
raise SystemExit(1)
"""
CRASHES = """
raise RuntimeError("boom")
"""


def test_targets_compare_with_their_limit() -> None:
    assert at_most("r", 0.6, 0.6).passed and not at_most("r", 0.61, 0.6).passed
    assert at_least("s", 6.0, 6.0).passed and not at_least("s", 5.9, 6.0).passed
    assert not at_most("unmeasured", None, 1.0).passed  # a target not measured is not met
    assert at_most("unmeasured", None, 1.0).shown == "not measured"
    assert not check("same", False, "differ").passed


@pytest.fixture
def fake_modules(tmp_path: Path) -> dict[str, str]:
    """A package of fake bench modules and the environment that finds them."""
    package = tmp_path / "fakebench"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, body in (("met", MET), ("missed", MISSED), ("old", OLD_STYLE), ("crash", CRASHES)):
        (package / f"{name}.py").write_text(body)
    path = os.pathsep.join([str(tmp_path), str(REPO), str(REPO / "function")])
    return dict(os.environ, PYTHONPATH=path, BENCH_RESULTS=str(tmp_path / "results"))


def test_every_module_runs_and_every_miss_is_named(
    fake_modules: dict[str, str], tmp_path: Path
) -> None:
    modules = ["fakebench.missed", "fakebench.crash", "fakebench.old", "fakebench.met"]
    done = subprocess.run(
        [sys.executable, "-m", "bench.all", *modules],
        cwd=REPO,
        env=fake_modules,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    summary = done.stdout.split("===== every target (make bench) =====")[1]
    # Every target of every module, the met one after the misses included.
    assert "fakebench.missed: fake speed-up" in summary
    assert "5.10x" in summary and ">= 6.00x" in summary
    assert "fakebench.met: fake start-up ratio" in summary
    missed = summary.split("target(s) MISSED:")[1]
    assert "fakebench.missed: fake speed-up" in missed
    assert "fake same findings" not in missed and "fake start-up ratio" not in missed
    assert "fakebench.old: fake old-style line" in missed
    assert "fakebench.crash: exited 1 without naming a target" in missed
    saved = json.loads((tmp_path / "results" / "targets.json").read_text())
    assert len(saved["missed"]) == 3


def test_all_met_exits_zero(fake_modules: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.all", "fakebench.met"],
        cwd=REPO,
        env=fake_modules,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "every target met" in done.stdout
