"""`make bench`: time and memory of engine, baseline and floor; import costs; the targets."""

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
from bench.engines import ENGINES, baseline, engine, matcher
from bench.generate import cached

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SIZES_MB = (1, 10, 50)
PUT_PERMILLE = (0, 1, 10)
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
NO_PUT_VS_FLOOR = 1.2
SPEEDUP_50MB = 4.0
MEMORY_50MB = 0.6


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
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
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
    missed = []
    for row in rows:
        name = f"{row['mb']} MB {row['permille'] / 10:g}%"
        if not row["same_findings"]:
            missed.append(f"{name}: engine and baseline findings differ")
        if row["permille"] == 0 and row["engine_over_floor"] > NO_PUT_VS_FLOOR:
            missed.append(
                f"{name}: engine/floor {row['engine_over_floor']:.2f} > {NO_PUT_VS_FLOOR}"
            )
        if row["mb"] == 50 and row["permille"] == 10:
            if row["baseline_over_engine"] < SPEEDUP_50MB:
                missed.append(
                    f"{name}: baseline/engine {row['baseline_over_engine']:.2f} < {SPEEDUP_50MB}"
                )
            if row["memory_engine_over_baseline"] > MEMORY_50MB:
                missed.append(
                    f"{name}: memory engine/baseline "
                    f"{row['memory_engine_over_baseline']:.2f} > {MEMORY_50MB}"
                )
    if imports["cli_local_scan_imports_boto3"]:
        missed.append("`paramguard scan` of a local file imports boto3")
    regex = regex_safety.report()
    missed.extend(regex.pop("missed"))
    host = machine()
    result = {"machine": host, "repeats": REPEATS, "rows": rows, "imports": imports}
    result["regex_safety"] = regex
    result["missed"] = missed
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2))
    picture = plot(rows)
    print(f"machine: {host['cpu']}, {host['cores']} cores, Python {host['python']}")
    print(f"results: {RESULTS / 'latest.json'}" + (f", plot: {picture}" if picture else ""))
    for line in missed:
        print(f"TARGET MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
