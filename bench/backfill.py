"""`make bench`: the faster inflater against the stdlib, and `scan -j` on a backfill.

1. decompress() of the 50 MB log with each installed inflater (in-process, median).
2. A backfill of BACKFILL_FILES logs of realistic sizes (compressed sizes drawn log-uniform
   between 1 KB and 500 KB, plus a few of several MB), cached in bench/.data/: the whole
   process `paramguard scan -j 2` against `-j 1` (wall time, same stdout), and the stdlib
   floor on one core (zlib decompression and one byte search per file).
3. The same backfill through the other contenders, each a whole process, wall and CPU time:
   the workshop's loop (gzip + json.load + its rule, every file), `zcat | jq` when jq is
   installed, and DuckDB's read_json when `make bench-peers` has installed it in
   .venv-duckdb (skipped with a message otherwise). Their findings are compared with
   paramguard's. Writes bench/results/backfill.json and the plot bench/results/backfill.png.
Prints each target with its measured value; exits 1 naming any that is missed.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import shlex
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from paramguard import inflate
from paramguard.logfile import decompress

from bench.generate import DATA_DIR, _Gen, cached
from bench.targets import RESULTS, Run, Target, at_most, check, child_env, report, run_process

ROOT = Path(__file__).resolve().parent.parent
BACKFILL_FILES = 1000
BACKFILL_VERSION = 1
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
# -j 1, -j N and the floor: a median of 9 each, alternating (with 2, -j 2 / -j 1 moved by
# 0.1 between runs; with 5, by 0.03).
SCAN_REPEATS = int(os.environ.get("BENCH_SCAN_REPEATS", "9"))
JOBS_RATIO = 0.6  # -j N wall time over -j 1, on N = 2 cores
FLOOR_RATIO = 0.5  # -j N wall time over the stdlib floor's single-core time
DUCKDB_PYTHON = ROOT / ".venv-duckdb" / "bin" / "python"
# The contenders, each a process of its own. The baseline, jq and DuckDB print the event ID
# (and the name) of each successful PutParameter of a String/StringList parameter; the
# dictionary is applied to the names here, to compare their findings with paramguard's.
FLOOR_SCRIPT = """
import sys, zlib
from pathlib import Path
for path in sorted(Path(sys.argv[1]).rglob("*.json.gz")):
    zlib.decompress(path.read_bytes(), 47).count(b"PutParameter")
"""
BASELINE_SCRIPT = """
import sys
from pathlib import Path
from bench.engines import baseline, matcher
names = matcher()
for path in sorted(Path(sys.argv[1]).rglob("*.json.gz")):
    for found in baseline(path.read_bytes(), names):
        print(found["eventID"])
"""
DUCKDB_SCRIPT = """
import sys
import duckdb
query = '''
SELECT json_extract_string(r, '$.eventID'), json_extract_string(r, '$.requestParameters.name')
FROM (SELECT unnest(Records) AS r FROM read_json($files, columns = {Records: 'JSON[]'},
      compression = 'gzip', maximum_object_size = 536870912))
WHERE json_extract_string(r, '$.eventSource') = 'ssm.amazonaws.com'
  AND json_extract_string(r, '$.eventName') = 'PutParameter'
  AND json_extract_string(r, '$.errorCode') IS NULL
  AND coalesce(json_extract_string(r, '$.requestParameters.type'), 'String')
      IN ('String', 'StringList')
'''
rows = duckdb.sql(query, params={"files": sys.argv[1] + "/**/*.json.gz"}).fetchall()
sys.stdout.write("".join(f"{i}\\t{n}\\n" for i, n in rows))
"""
JQ_FILTER = (
    '.Records[] | select(.eventSource == "ssm.amazonaws.com" and .eventName == "PutParameter"'
    ' and .errorCode == null and ((.requestParameters.type // "String") | IN("String",'
    ' "StringList"))) | [.eventID, .requestParameters.name] | @tsv'
)
INFLATER_RATIO = 0.75  # the faster inflater's time over zlib's, on the 50 MB log
NEEDLE = b"PutParameter"


def median_time(work: Any, repeats: int) -> float:
    """Median wall time of work() over repeats runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def inflaters() -> dict[str, float]:
    """Seconds to decompress the 50 MB log with each installed inflater (alternating)."""
    raw = cached(50, 10).read_bytes()
    found = inflate.available()
    samples: dict[str, list[float]] = {i.name: [] for i in found}
    for _ in range(REPEATS):
        for chosen in found:
            start = time.perf_counter()
            decompress(raw, 1 << 30, gzipped=True, inflater=chosen)
            samples[chosen.name].append(time.perf_counter() - start)
    return {name: statistics.median(times) for name, times in samples.items()}


def backfill() -> Path:
    """The backfill folder, generated on first use from one pool of generated records."""
    top = DATA_DIR / f"backfill_v{BACKFILL_VERSION}_{BACKFILL_FILES}"
    if (top / "done").exists():
        return top
    gen = _Gen(11)
    pool = [json.dumps(gen.record(0.01), separators=(",", ":")) for _ in range(12_000)]
    rnd = random.Random(7)
    # Compressed sizes: most log-uniform in 1 KB..500 KB, one in 200 of about 4 MB. The
    # generated JSON compresses about 7:1, so that is the uncompressed target's ratio.
    for n in range(BACKFILL_FILES):
        compressed = 4_000_000 if n % 200 == 17 else int(1000 * 500 ** rnd.random())
        target = compressed * 7
        parts: list[str] = []
        size = 0
        start = rnd.randrange(len(pool))
        while size < target:
            text = pool[(start + len(parts)) % len(pool)]
            parts.append(text)
            size += len(text) + 1
        day = top / "AWSLogs" / "123456789012" / "CloudTrail" / "eu-west-1" / f"{n % 28 + 1:02d}"
        day.mkdir(parents=True, exist_ok=True)
        document = ('{"Records":[' + ",".join(parts) + "]}").encode()
        name = f"123456789012_CloudTrail_eu-west-1_{n:05d}.json.gz"
        (day / name).write_bytes(gzip.compress(document, compresslevel=6, mtime=0))
    (top / "done").write_text("")
    return top


def scan_argv(top: Path, jobs: int) -> list[str]:
    """`python -m paramguard scan -j JOBS --json TOP`."""
    return [sys.executable, "-m", "paramguard", "scan", "-j", str(jobs), "--json", str(top)]


def _spin(count: int) -> int:
    total = 0
    for i in range(count):
        total += i
    return total


def capacity() -> float:
    """Wall time of pure CPU work on 2 processes over 1: what this machine gives right now.

    Near 0.5 on 2 idle cores; near 1.0 when something else holds a core (other jobs on a
    shared machine), and then no process pool can reach the -j target either.
    """
    from concurrent.futures import ProcessPoolExecutor

    walls = {}
    for jobs in (1, 2):
        start = time.perf_counter()
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(_spin, [2_000_000] * 8))
        walls[jobs] = time.perf_counter() - start
    return walls[2] / walls[1]


def matched_ids(lines: bytes) -> list[str]:
    """The event IDs among "ID<TAB>name" lines whose name the bundled dictionary flags."""
    from bench.engines import matcher

    names = matcher()
    found = []
    for line in lines.decode().splitlines():
        event_id, _, name = line.partition("\t")
        if names.match(name) is not None:
            found.append(event_id)
    return sorted(found)


def contenders(top: Path) -> dict[str, tuple[Run, list[str]] | str]:
    """The other ways to scan the backfill: each one's run and the event IDs it finds, or
    why it was not run."""
    out: dict[str, tuple[Run, list[str]] | str] = {}
    done = run_process([sys.executable, "-c", BASELINE_SCRIPT, str(top)])
    out["workshop baseline"] = (done, sorted(done.stdout.decode().split()))
    if shutil.which("jq") and shutil.which("zcat"):
        pipeline = (
            f"find {shlex.quote(str(top))} -name '*.json.gz' -print0 | sort -z | "
            f"xargs -0 zcat | jq -r {shlex.quote(JQ_FILTER)}"
        )
        done = run_process(["bash", "-o", "pipefail", "-c", pipeline])
        out["zcat | jq"] = (
            (done, matched_ids(done.stdout)) if done.code == 0 else f"failed (exit {done.code})"
        )
    else:
        out["zcat | jq"] = "jq or zcat is not installed"
    if DUCKDB_PYTHON.exists():
        env = {k: v for k, v in child_env().items() if k != "PYTHONPATH"}
        done = run_process([str(DUCKDB_PYTHON), "-c", DUCKDB_SCRIPT, str(top)], env=env)
        out["DuckDB read_json"] = (
            (done, matched_ids(done.stdout)) if done.code == 0 else f"failed (exit {done.code})"
        )
    else:
        out["DuckDB read_json"] = "not installed: `make bench-peers` installs it in .venv-duckdb"
    return out


def plot(rows: list[dict[str, Any]], title: str) -> Path | None:
    """backfill.png: wall and CPU seconds of every contender on the backfill."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot", file=sys.stderr)
        return None
    rows = sorted(rows, key=lambda r: float(r["wall_s"]))
    figure, axis = plt.subplots(figsize=(8, 0.55 * len(rows) + 1.5))
    ys = list(range(len(rows)))
    axis.barh([y - 0.2 for y in ys], [r["wall_s"] for r in rows], 0.4, label="wall", color="C0")
    axis.barh([y + 0.2 for y in ys], [r["cpu_s"] for r in rows], 0.4, label="CPU", color="C1")
    for y, r in zip(ys, rows, strict=True):
        axis.text(r["wall_s"], y - 0.2, f" {r['wall_s']:.2f} s", va="center", fontsize=8)
        axis.text(r["cpu_s"], y + 0.2, f" {r['cpu_s']:.2f} s", va="center", fontsize=8)
    axis.set_yticks(ys, [r["name"] for r in rows])
    axis.invert_yaxis()
    axis.set_xscale("log")
    axis.set_xlabel("seconds, whole process (log scale)")
    axis.set_title(title, fontsize=8)
    axis.legend(fontsize=8, loc="upper right")
    axis.grid(alpha=0.3, axis="x")
    path = RESULTS / "backfill.png"
    figure.savefig(path, dpi=110, bbox_inches="tight")
    return path


def _row(name: str, runs: list[Run], found: list[str] | None, mine: list[str]) -> dict[str, Any]:
    return {
        "name": name,
        "wall_s": statistics.median(r.wall for r in runs),
        "cpu_s": statistics.median(r.cpu for r in runs),
        "max_rss": statistics.median(r.max_rss for r in runs),
        "runs": len(runs),
        "findings": None if found is None else len(found),
        "same_findings": None if found is None else found == mine,
    }


def main() -> int:
    """Measure, print each target with its value, exit 1 if one is missed."""
    targets: list[Target] = []
    times = inflaters()
    for name, seconds in times.items():
        print(f"inflater {name}: {seconds * 1000:.0f} ms for the 50 MB log (median of {REPEATS})")
    ratio = times["isal"] / times["zlib"] if "isal" in times else None
    targets.append(at_most("isal / zlib, decompressing the 50 MB log", ratio, INFLATER_RATIO))

    top = backfill()
    files = sorted(top.rglob("*.json.gz"))
    sizes = sorted(p.stat().st_size for p in files)
    described = (
        f"{len(files)} files, {sum(sizes) / 1e6:.0f} MB compressed, median "
        f"{sizes[len(sizes) // 2] / 1e3:.0f} KB, largest {sizes[-1] / 1e6:.1f} MB"
    )
    print(f"backfill: {described}")
    cores = len(os.sched_getaffinity(0))
    jobs = max(2, cores)
    scans: dict[int, list[Run]] = {1: [], jobs: []}
    floors: list[Run] = []
    run_process(scan_argv(top, 1))  # warm: the files in the page cache, bytecode written
    for _ in range(SCAN_REPEATS):
        for n in scans:
            scans[n].append(run_process(scan_argv(top, n)))
        floors.append(run_process([sys.executable, "-c", FLOOR_SCRIPT, str(top)]))
    one = statistics.median(r.wall for r in scans[1])
    many = statistics.median(r.wall for r in scans[jobs])
    stdlib = statistics.median(r.wall for r in floors)
    machine = capacity()
    print(f"scan -j 1: {one:.2f} s, -j {jobs}: {many:.2f} s, stdlib floor (1 core): {stdlib:.2f} s")
    print(f"machine check: pure CPU work on 2 processes / 1 takes {machine:.2f}")
    outputs = {n: runs[-1].stdout for n, runs in scans.items()}
    mine = sorted(str(json.loads(line)["event_id"]) for line in outputs[1].splitlines())
    same = outputs[1] == outputs[jobs] and bool(mine)
    shown = f"{len(mine)} findings" + ("" if same else ", DIFFER")
    targets.append(check(f"-j {jobs} and -j 1 print the same findings", same, shown))
    targets.append(at_most(f"scan -j {jobs} / -j 1 on the backfill, wall", many / one, JOBS_RATIO))
    targets.append(
        at_most(f"scan -j {jobs} / the stdlib floor on one core, wall", many / stdlib, FLOOR_RATIO)
    )
    rows = [
        _row("paramguard scan -j 1", scans[1], mine, mine),
        _row(f"paramguard scan -j {jobs}", scans[jobs], mine, mine),
        _row("stdlib floor (zlib + one byte search)", floors, None, mine),
    ]
    skipped: dict[str, str] = {}
    for name, outcome in contenders(top).items():
        if isinstance(outcome, str):
            print(f"{name}: skipped: {outcome}")
            skipped[name] = outcome
        else:
            rows.append(_row(name, [outcome[0]], outcome[1], mine))
    print(f"\n{'contender':40} {'wall s':>8} {'CPU s':>8} {'peak RSS':>9} {'/ -j 1':>7}  findings")
    for r in rows:
        same_text = {None: "-", True: "same", False: "DIFFER"}[r["same_findings"]]
        print(
            f"{r['name']:40} {r['wall_s']:8.2f} {r['cpu_s']:8.2f} "
            f"{r['max_rss'] / 2**20:7.0f}Mi {r['wall_s'] / one:7.2f}  {same_text}"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    picture = plot(
        rows,
        f"A backfill of {described}:\nwhole processes on {cores} cores of a shared machine "
        f"(2-process check {machine:.2f}; 0.5 = two free cores)",
    )
    result = {
        "backfill": described,
        "cores": cores,
        "load_average_1m": os.getloadavg()[0],
        "capacity_2_over_1": machine,
        "inflaters_s": times,
        "contenders": rows,
        "skipped": skipped,
        "findings": len(mine),
    }
    (RESULTS / "backfill.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"results: {RESULTS / 'backfill.json'}" + (f", plot: {picture}" if picture else ""))
    return report(targets, "bench.backfill")


if __name__ == "__main__":
    sys.exit(main())
