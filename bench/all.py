"""`make bench`: run every bench module, then print every target in one table.

python -m bench.all [MODULE ...] (default: MODULES). Each module runs in its own process,
all of them even when an earlier one misses a target or fails; its output is shown as it
comes. Each reports its targets through bench.targets.report (saved to
bench/results/targets/<module>.json); a module that only prints `TARGET MISSED: ...` lines
(or fails without a table) is counted by those lines and its exit status. Exits 1 naming
every missed target.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import asdict, replace

from bench.targets import RESULTS, ROOT, TARGETS_DIR, Target, table

# The Makefile passes its BENCH_MODULES; a new module is one more name there.
MODULES = (
    "bench.run",
    "bench.startup",
    "bench.hostile",
    "bench.latency",
    "bench.iac",
    "bench.backfill",
    "bench.smallfiles",
    "bench.organization",
)
MISSED_PREFIX = "TARGET MISSED: "


def run_module(module: str) -> tuple[int, list[str], float]:
    """Run `python -m module`, echoing its output; exit status, its TARGET MISSED lines, s."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", module],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    missed = []
    for line in process.stdout:
        print(line, end="", flush=True)
        if line.startswith(MISSED_PREFIX):
            missed.append(line[len(MISSED_PREFIX) :].strip())
    return process.wait(), missed, time.perf_counter() - start


def main(argv: list[str]) -> int:
    """Run the modules, print the summary table, exit 1 naming the misses."""
    modules = argv or list(MODULES)
    for module in modules:  # a table left by an earlier run must not stand in for this one
        (TARGETS_DIR / f"{module}.json").unlink(missing_ok=True)
    everything: list[Target] = []
    missed: list[str] = []
    durations: dict[str, float] = {}
    for module in modules:
        print(f"\n===== python -m {module} =====", flush=True)
        code, lines, seconds = run_module(module)
        durations[module] = seconds
        saved = TARGETS_DIR / f"{module}.json"
        if saved.exists():
            targets = [Target(**t) for t in json.loads(saved.read_text())["targets"]]
            short = module.removeprefix("bench.")
            everything += [replace(t, name=f"{short}: {t.name}") for t in targets]
            missed += [f"{module}: {t.name}" for t in targets if not t.passed]
            if code != 0 and all(t.passed for t in targets):
                missed.append(f"{module}: exited {code} with every target met")
        else:
            missed += [f"{module}: {line}" for line in lines]
            if code != 0 and not lines:
                missed.append(f"{module}: exited {code} without naming a target")
            everything += [
                Target(f"{module.removeprefix('bench.')}: {line}", "see above", "", False)
                for line in lines
            ]
    print("\n===== every target (make bench) =====")
    table(everything, sys.stdout)
    print("time per module: " + ", ".join(f"{m} {s:.0f} s" for m, s in durations.items()))
    RESULTS.mkdir(parents=True, exist_ok=True)
    summary = {"targets": [asdict(t) for t in everything], "missed": missed}
    (RESULTS / "targets.json").write_text(json.dumps(summary, indent=2) + "\n")
    if missed:
        print(f"\n{len(missed)} target(s) MISSED:")
        for line in missed:
            print(f"  {line}")
        return 1
    print("\nevery target met")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
