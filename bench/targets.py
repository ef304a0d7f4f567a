"""The targets `make bench` checks: one way for every bench module to report them.

A module builds a list of Target (at_most, at_least, check), then calls report(targets,
module): it prints a table, saves it to bench/results/targets/<module>.json for bench.all's
summary, and returns the exit code (1 if any target is missed). A target that could not be
measured is missed: it cannot be claimed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
# BENCH_RESULTS: another folder for the results (the tests of bench.all use one).
RESULTS = Path(os.environ.get("BENCH_RESULTS") or ROOT / "bench" / "results")
TARGETS_DIR = RESULTS / "targets"
PYCACHE = ROOT / "bench" / ".data" / "pycache"


@dataclass(frozen=True)
class Target:
    """One target: what was measured, the limit, and whether it holds."""

    name: str
    shown: str  # the measured value as printed ("0.42x", "1 call", "not measured")
    goal: str  # the limit as printed ("<= 0.6x")
    passed: bool
    measured: float | None = None
    limit: float | None = None
    note: str = ""


def _number(value: float, unit: str) -> str:
    return f"{value:.2f}{unit}" if unit in ("x", "") else f"{value:.3g} {unit}"


def at_most(name: str, measured: float | None, limit: float, unit: str = "x") -> Target:
    """A target met when measured <= limit (None: not measured, so missed)."""
    if measured is None:
        return Target(name, "not measured", f"<= {_number(limit, unit)}", False, None, limit)
    shown = _number(measured, unit)
    return Target(name, shown, f"<= {_number(limit, unit)}", measured <= limit, measured, limit)


def at_least(name: str, measured: float | None, limit: float, unit: str = "x") -> Target:
    """A target met when measured >= limit (None: not measured, so missed)."""
    if measured is None:
        return Target(name, "not measured", f">= {_number(limit, unit)}", False, None, limit)
    shown = _number(measured, unit)
    return Target(name, shown, f">= {_number(limit, unit)}", measured >= limit, measured, limit)


def check(name: str, passed: bool, shown: str, goal: str = "yes") -> Target:
    """A yes/no target (identical findings, no boto3 import)."""
    return Target(name, shown, goal, passed)


def table(targets: list[Target], stream: TextIO) -> None:
    """Print the targets as a table: name, measured, goal, met or MISSED."""
    width = max([len(t.name) for t in targets] + [6])
    print(f"{'target':<{width}}  {'measured':>14}  {'goal':>10}  result", file=stream)
    for t in targets:
        result = "met" if t.passed else "MISSED"
        note = f"  ({t.note})" if t.note else ""
        print(f"{t.name:<{width}}  {t.shown:>14}  {t.goal:>10}  {result}{note}", file=stream)


def report(targets: list[Target], module: str, stream: TextIO = sys.stdout) -> int:
    """Print the table, save it for bench.all, return 1 if a target is missed (else 0)."""
    print(f"\n{module}: targets", file=stream)
    table(targets, stream)
    missed = [t for t in targets if not t.passed]
    for t in missed:
        print(f"TARGET MISSED: {t.name}: {t.shown} (goal {t.goal})", file=stream)
    TARGETS_DIR.mkdir(parents=True, exist_ok=True)
    saved = {"module": module, "targets": [asdict(t) for t in targets]}
    (TARGETS_DIR / f"{module}.json").write_text(json.dumps(saved, indent=2) + "\n")
    stream.flush()
    return 1 if missed else 0


def child_env() -> dict[str, str]:
    """The environment of a timed `paramguard` process: bytecode cached, as when installed.

    The Makefile sets PYTHONDONTWRITEBYTECODE, so without this every child would compile
    paramguard from source, which an installed package (pip writes .pyc) never does.
    """
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(PYCACHE))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "function"), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return env


@dataclass(frozen=True)
class Run:
    """One child process: wall and CPU seconds (user + system), peak RSS, exit code, stdout."""

    wall: float
    cpu: float
    max_rss: int
    code: int
    stdout: bytes


# A small process that starts the measured one and reports its wall time, CPU time and peak
# RSS as JSON on stderr. It exists for the peak: a child forked (or vforked) from the bench,
# which holds hundreds of MB, counts the bench's pages in its ru_maxrss until it execs; forked
# from this launcher, it counts about 10 MB, less than any Python process holds anyway.
LAUNCHER = """
import json, os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
code = os.waitstatus_to_exitcode(status)
cpu = usage.ru_utime + usage.ru_stime
os.write(2, json.dumps([wall, cpu, usage.ru_maxrss * 1024, code]).encode())
"""


def run_process(argv: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> Run:
    """Run argv to completion: its own wall and CPU time (with the processes it waited
    for, e.g. -j workers) and peak RSS, measured by LAUNCHER; its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *argv],
        cwd=cwd,
        env=env or child_env(),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the launcher failed for {argv[:4]}: {done.stderr[-500:]!r}")
    wall, cpu, max_rss, code = json.loads(done.stderr)
    return Run(wall, cpu, max_rss, code, done.stdout)
