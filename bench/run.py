"""`make bench`: time and memory of engine, baseline and floor; import costs; the targets.

The in-process table compares the three engines on every generated file; the targets of
issue 16 are whole process (interpreter start-up, imports, reading the file, the report):
`python -m paramguard scan FILE` against a Python process running the workshop's loop and
one that only decompresses the file and searches its bytes once (the stdlib floor), their
CPU time (user + system, steadier than wall time on a shared machine) and peak RSS.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import regex_safety
from bench.engines import ENGINES, NEEDLE, baseline, engine, matcher
from bench.generate import cached
from bench.targets import Run, Target, at_least, at_most, check, report, run_process

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SIZES_MB = (1, 10, 50)
PUT_PERMILLE = (0, 1, 10)
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
# The whole-process runs behind the targets: a median of 9. On this shared 2-core machine
# one run in three or four of a 0.13 s process can take 20 to 50 % longer (the host's other
# load); with 5 the median itself moved by 10 %.
WHOLE_REPEATS = int(os.environ.get("BENCH_WHOLE_REPEATS", "9"))
# Issue 16's targets, whole process, ratios within one run.
NO_PUT_VS_FLOOR = 1.0  # paramguard scan / the stdlib floor, a log with no PutParameter
SPEEDUP_50MB = 6.0  # the workshop baseline / paramguard scan, 50 MB with 1 % PutParameter
MEMORY_50MB = 0.3  # paramguard scan's peak RSS / the baseline's, on the same file
# The floor as a process of its own: nothing imported beyond zlib.
FLOOR_SCRIPT = (
    "import sys, zlib\n"
    "with open(sys.argv[1], 'rb') as f:\n"
    f"    zlib.decompress(f.read(), 47).count({NEEDLE!r})\n"
)


def child(*args: str) -> tuple[dict[str, Any], float]:
    """Run bench.run_one in a fresh interpreter; its JSON line and the wall time around it."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.run_one", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout), time.perf_counter() - start


def machine() -> dict[str, Any]:
    """CPU model, cores and Python version of this machine."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from paramguard import fastscan, inflate

    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "inflater": inflate.describe(),
        "proof passes": "C (paramguard._sweep)" if fastscan.BUILT else "Python (_sweep not built)",
    }


def median_fresh(code: str, repeats: int = 7) -> float:
    """Median wall time of `python -c code` in a fresh process."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def import_costs(sample: Path) -> dict[str, Any]:
    """Import time of the function against boto3 alone; does the CLI import boto3 locally?"""
    bare = median_fresh("pass")
    handler = median_fresh("import paramguard.handler")
    boto3 = median_fresh("import boto3")
    probe = (
        "import io, sys\n"
        "from paramguard import cli\n"
        f"cli.main(['scan', {str(sample)!r}], out=io.StringIO())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1].replace("'", '"'))
    return {
        "interpreter_s": bare,
        "import_handler_s": handler,
        "import_boto3_s": boto3,
        "handler_over_boto3": (handler - bare) / max(boto3 - bare, 1e-9),
        "cli_local_scan_imports_boto3": bool(loaded),
    }


def measure(path: Path) -> dict[str, Any]:
    """Alternating runs of the three engines on one file, medians, and one tracemalloc run each."""
    runs: dict[str, list[tuple[dict[str, Any], float]]] = {name: [] for name in ENGINES}
    for _ in range(REPEATS):
        for name in ENGINES:
            runs[name].append(child(name, str(path)))
    out: dict[str, Any] = {}
    for name, samples in runs.items():
        out[name] = {
            "in_process_s": statistics.median(s[0]["seconds"] for s in samples),
            "process_s": statistics.median(s[1] for s in samples),
            "max_rss": statistics.median(s[0]["max_rss"] for s in samples),
            "tracemalloc_peak": child(name, str(path), "memory")[0]["tracemalloc_peak"],
        }
    return out


def same_findings(path: Path) -> bool:
    """Engine and baseline report the same writes (by event ID)."""
    raw = path.read_bytes()
    names = matcher()
    mine = sorted(str(f["event_id"]) for f in engine(raw, names))
    theirs = sorted(str(f["eventID"]) for f in baseline(raw, names))
    return mine == theirs


def plot(rows: list[dict[str, Any]]) -> Path | None:
    """time_vs_size.png: in-process time against file size, one line per engine and mix."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot", file=sys.stderr)
        return None
    figure, axis = plt.subplots(figsize=(7, 4.5))
    for permille, style in zip(PUT_PERMILLE, ("-", "--", ":"), strict=True):
        for name, colour in (("engine", "C0"), ("baseline", "C3"), ("floor", "C2")):
            points = [(r["mb"], r[name]["in_process_s"]) for r in rows if r["permille"] == permille]
            xs, ys = zip(*sorted(points), strict=True)
            axis.plot(xs, ys, style, color=colour, marker="o", label=f"{name}, {permille / 10}%")
    axis.set_xlabel("uncompressed size (MB)")
    axis.set_ylabel("seconds (median, in-process)")
    axis.set_title("paramguard: scan time against log file size")
    axis.legend(fontsize=7, ncol=3)
    axis.grid(alpha=0.3)
    path = RESULTS / "time_vs_size.png"
    figure.savefig(path, dpi=120, bbox_inches="tight")
    return path


def whole_process(path: Path) -> dict[str, list[Run]]:
    """Alternating whole-process runs of paramguard scan, the baseline and the floor."""
    commands = {
        "paramguard": [sys.executable, "-m", "paramguard", "scan", "--json", str(path)],
        "baseline": [sys.executable, "-m", "bench.run_one", "baseline", str(path)],
        "floor": [sys.executable, "-c", FLOOR_SCRIPT, str(path)],
    }
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for argv in commands.values():
        run_process(argv)  # warm: the file in the page cache, paramguard's bytecode written
    for _ in range(WHOLE_REPEATS):
        for name, argv in commands.items():
            runs[name].append(run_process(argv))
    return runs


def median_of(runs: list[Run], what: str) -> float:
    """The median of one measure (wall, cpu, max_rss) over runs."""
    return float(statistics.median(getattr(r, what) for r in runs))


def whole_process_targets() -> tuple[list[Target], dict[str, Any]]:
    """The 50 MB targets of issue 16, whole process; and the numbers behind them."""
    found = cached(50, 10)
    quiet = cached(50, 0)
    busy, idle = whole_process(found), whole_process(quiet)
    numbers: dict[str, Any] = {}
    for label, runs in (("50MB_1pct", busy), ("50MB_0pct", idle)):
        numbers[label] = {
            name: {m: median_of(r, m) for m in ("wall", "cpu", "max_rss")}
            for name, r in runs.items()
        }
    for label, row in numbers.items():
        print(
            f"whole process, {label}: "
            + ", ".join(
                f"{name} {v['cpu']:.3f} s CPU ({v['wall']:.3f} s wall, "
                f"{v['max_rss'] / 2**20:.0f} MiB)"
                for name, v in row.items()
            )
        )
    codes = {r.code for r in busy["paramguard"]}
    printed = sorted(
        str(json.loads(line)["event_id"])
        for line in busy["paramguard"][-1].stdout.decode().splitlines()
    )
    expected = sorted(str(f["eventID"]) for f in baseline(found.read_bytes(), matcher()))
    b = numbers["50MB_1pct"]
    q = numbers["50MB_0pct"]
    speedup = b["baseline"]["cpu"] / b["paramguard"]["cpu"]
    targets = [
        at_least(
            "50 MB, 1 % PutParameter: workshop baseline / paramguard scan, CPU",
            speedup,
            SPEEDUP_50MB,
        ),
        check(
            "50 MB, 1 % PutParameter: identical findings",
            printed == expected and codes == {1},
            f"{len(printed)} vs {len(expected)}" + ("" if printed == expected else " DIFFER"),
        ),
        at_most(
            "50 MB, 1 % PutParameter: peak RSS paramguard / baseline",
            b["paramguard"]["max_rss"] / b["baseline"]["max_rss"],
            MEMORY_50MB,
        ),
        at_most(
            "50 MB, no PutParameter: paramguard scan / stdlib floor, CPU",
            q["paramguard"]["cpu"] / q["floor"]["cpu"],
            NO_PUT_VS_FLOOR,
        ),
    ]
    return targets, numbers


def main() -> int:
    """Run everything, print the table, write results, exit 1 if a target is missed."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = []
    header = (
        f"{'file':>14} {'engine s':>9} {'baseline s':>10} {'floor s':>8} "
        f"{'eng/floor':>9} {'base/eng':>8} {'mem e/b':>7} {'rss e/b':>7} {'same':>5}"
    )
    print(header)
    for mb in SIZES_MB:
        for permille in PUT_PERMILLE:
            path = cached(mb, permille)
            row: dict[str, Any] = {"mb": mb, "permille": permille, **measure(path)}
            e, b, f = row["engine"], row["baseline"], row["floor"]
            row["engine_over_floor"] = e["in_process_s"] / f["in_process_s"]
            row["baseline_over_engine"] = b["in_process_s"] / e["in_process_s"]
            row["memory_engine_over_baseline"] = e["tracemalloc_peak"] / b["tracemalloc_peak"]
            row["rss_engine_over_baseline"] = e["max_rss"] / b["max_rss"]
            row["same_findings"] = same_findings(path)
            rows.append(row)
            print(
                f"{f'{mb}MB {permille / 10:g}%':>14} {e['in_process_s']:9.3f} "
                f"{b['in_process_s']:10.3f} {f['in_process_s']:8.3f} "
                f"{row['engine_over_floor']:9.2f} {row['baseline_over_engine']:8.1f} "
                f"{row['memory_engine_over_baseline']:7.2f} {row['rss_engine_over_baseline']:7.2f} "
                f"{str(row['same_findings']):>5}",
                flush=True,
            )
    imports = import_costs(cached(1, 10))
    print(
        f"import: interpreter {imports['interpreter_s'] * 1000:.0f} ms, paramguard.handler "
        f"{imports['import_handler_s'] * 1000:.0f} ms, boto3 alone "
        f"{imports['import_boto3_s'] * 1000:.0f} ms; local `paramguard scan` imports boto3: "
        f"{imports['cli_local_scan_imports_boto3']}"
    )
    targets, whole = whole_process_targets()
    targets += [
        check(
            f"{r['mb']} MB {r['permille'] / 10:g} %: engine and baseline findings (in-process)",
            r["same_findings"],
            "same" if r["same_findings"] else "DIFFER",
        )
        for r in rows
    ]
    targets.append(
        check(
            "a local `paramguard scan` imports no boto3",
            not imports["cli_local_scan_imports_boto3"],
            "boto3 imported" if imports["cli_local_scan_imports_boto3"] else "not imported",
        )
    )
    regex = regex_safety.report()
    targets.append(
        at_most(
            "regex safety: slowest accepted regex on a 2048-character name",
            regex["slowest_name_search_s"],
            regex_safety.WORST_NAME_SEARCH_S,
            "s",
        )
    )
    regex.pop("missed")
    host = machine()
    result = {"machine": host, "repeats": REPEATS, "rows": rows, "imports": imports}
    result["whole_process"] = whole
    result["regex_safety"] = regex
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2))
    picture = plot(rows)
    print(f"machine: {host['cpu']}, {host['cores']} cores, Python {host['python']}")
    print(f"results: {RESULTS / 'latest.json'}" + (f", plot: {picture}" if picture else ""))
    return report(targets, "bench.run")


if __name__ == "__main__":
    sys.exit(main())
