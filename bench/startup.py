"""Start-up of the command line (issue 16, part 4): python -m bench.startup.

`paramguard scan` of a 10 KB log (no PutParameter), whole process, against a bare
`python -c pass` on the same machine, alternating, median of STARTUP_RUNS each: CPU time
(user + system; steadier than wall time on a shared machine) is the target, wall time is
shown too. Also the in-process costs behind it: importing paramguard.cli and loading the
bundled dictionary, each in a fresh interpreter; and, for scale, a process that only imports
the standard-library modules the scan path is built on (STDLIB_IMPORTS). Children run with
bytecode caching on (bench.targets.child_env), as an installed package does.
"""

from __future__ import annotations

import gzip
import json
import os
import statistics
import sys
from pathlib import Path

from bench.generate import DATA_DIR, generate
from bench.targets import at_most, report, run_process

START_RATIO = 4.0  # paramguard scan of a 10 KB log / python -c pass, whole process
RUNS = int(os.environ.get("STARTUP_RUNS", "40"))
LOG_JSON_BYTES = 10_000
# The standard-library modules `paramguard scan` cannot start without, as it is built:
# argparse (the command line), re and json (the scan), zlib. (Its value classes no longer
# use dataclasses, which imports inspect: see paramguard/plain.py.)
STDLIB_IMPORTS = "import argparse, json, re, zlib"
PARTS = (
    "import time\n"
    "t0 = time.perf_counter()\n"
    "import paramguard.cli\n"
    "t1 = time.perf_counter()\n"
    "from paramguard.matcher import load_default\n"
    "load_default()\n"
    "t2 = time.perf_counter()\n"
    "print(t1 - t0, t2 - t1)\n"
)


def quiet_log() -> Path:
    """A gzip log of about 10 KB of JSON without PutParameter, cached in bench/.data/."""
    path = DATA_DIR / "startup_10KB.json.gz"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(generate(LOG_JSON_BYTES, 0.0, seed=16), mtime=0))
    return path


def main() -> int:
    """Measure, print, report the target."""
    log = quiet_log()
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "paramguard scan (10 KB log)": [sys.executable, "-m", "paramguard", "scan", str(log)],
        "stdlib imports only": [sys.executable, "-c", STDLIB_IMPORTS],
    }
    for argv in commands.values():
        run_process(argv)  # bytecode written, files in the page cache
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(RUNS):
        for name, argv in commands.items():
            done = run_process(argv)
            if done.code != 0:
                raise RuntimeError(f"{name} exited {done.code}")
            runs[name].append((done.cpu, done.wall))
    medians = {
        name: (statistics.median(c for c, _ in r), statistics.median(w for _, w in r))
        for name, r in runs.items()
    }
    parts = [run_process([sys.executable, "-c", PARTS]).stdout.split() for _ in range(9)]
    imports = statistics.median(float(p[0]) for p in parts)
    dictionary = statistics.median(float(p[1]) for p in parts)
    for name, (cpu, wall) in medians.items():
        print(f"{name:28} {cpu * 1000:6.1f} ms CPU, {wall * 1000:6.1f} ms wall (median of {RUNS})")
    print(
        f"in-process (median of 9): import paramguard.cli {imports * 1000:.1f} ms, "
        f"load the bundled dictionary {dictionary * 1000:.1f} ms"
    )
    bare, scan = medians["python -c pass"], medians["paramguard scan (10 KB log)"]
    stdlib = medians["stdlib imports only"]
    ratio, wall_ratio = scan[0] / bare[0], scan[1] / bare[1]
    print(f"wall-time ratio: {wall_ratio:.2f}")
    print(
        f"`python -c '{STDLIB_IMPORTS}'` alone: {stdlib[0] / bare[0]:.2f}x python -c pass (CPU); "
        f"paramguard's own modules, parser, dictionary and scan: "
        f"{(scan[0] - stdlib[0]) * 1000:.1f} ms"
    )
    from bench.targets import RESULTS

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "startup.json").write_text(
        json.dumps(
            {
                "runs": RUNS,
                "python_c_pass": {"cpu_s": bare[0], "wall_s": bare[1]},
                "paramguard_scan_10KB": {"cpu_s": scan[0], "wall_s": scan[1]},
                "stdlib_imports_only": {
                    "cpu_s": stdlib[0],
                    "wall_s": stdlib[1],
                    "code": STDLIB_IMPORTS,
                },
                "import_cli_s": imports,
                "load_default_dictionary_s": dictionary,
                "ratio_cpu": ratio,
                "ratio_wall": wall_ratio,
            },
            indent=2,
        )
        + "\n"
    )
    targets = [
        at_most(
            "CLI start: paramguard scan of a 10 KB log / python -c pass, CPU", ratio, START_RATIO
        )
    ]
    return report(targets, "bench.startup")


if __name__ == "__main__":
    sys.exit(main())
