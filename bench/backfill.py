"""`make bench`: the faster inflater against the stdlib, and `scan -j` on a backfill.

1. decompress() of the 50 MB log with each installed inflater (in-process, median).
2. A backfill of BACKFILL_FILES logs of realistic sizes (compressed sizes drawn log-uniform
   between 1 KB and 500 KB, plus a few of several MB), cached in bench/.data/: the whole
   process `paramguard scan -j 2` against `-j 1` (wall time, same stdout), and the stdlib
   floor on one core (zlib decompression and one byte search per file, in-process).
Prints each target with its measured value; exits 1 naming any that is missed.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

from paramguard import inflate
from paramguard.logfile import decompress

from bench.generate import DATA_DIR, _Gen, cached

ROOT = Path(__file__).resolve().parent.parent
BACKFILL_FILES = 1000
BACKFILL_VERSION = 1
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
JOBS_RATIO = 0.6  # -j 2 wall time over -j 1, on 2 cores
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


def scan_process(top: Path, jobs: int) -> tuple[float, bytes]:
    """Wall time and stdout of `python -m paramguard scan -j JOBS --json TOP`."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "paramguard", "scan", "-j", str(jobs), "--json", str(top)],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise RuntimeError(f"paramguard scan -j {jobs} failed: {done.stderr.decode()[-500:]}")
    return elapsed, done.stdout


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


def floor(top: Path) -> float:
    """The stdlib floor on one core: zlib decompression plus one byte search per file."""
    files = sorted(top.rglob("*.json.gz"))
    start = time.perf_counter()
    for path in files:
        zlib.decompress(path.read_bytes(), 47).count(NEEDLE)
    return time.perf_counter() - start


def main() -> int:
    """Measure, print each target with its value, exit 1 if one is missed."""
    missed: list[str] = []
    times = inflaters()
    for name, seconds in times.items():
        print(f"inflater {name}: {seconds * 1000:.0f} ms for the 50 MB log (median of {REPEATS})")
    if "isal" in times:
        ratio = times["isal"] / times["zlib"]
        line = f"isal/zlib on the 50 MB log: {ratio:.2f} (target <= {INFLATER_RATIO})"
        print(line)
        if ratio > INFLATER_RATIO:
            missed.append(line)
    else:
        missed.append("isal is not installed: the faster inflater was not measured")

    top = backfill()
    files = sorted(top.rglob("*.json.gz"))
    sizes = sorted(p.stat().st_size for p in files)
    print(
        f"backfill: {len(files)} files, {sum(sizes) / 1e6:.0f} MB compressed, median "
        f"{sizes[len(sizes) // 2] / 1e3:.0f} KB, largest {sizes[-1] / 1e6:.1f} MB"
    )
    runs: dict[int, list[float]] = {1: [], 2: []}
    outputs: dict[int, bytes] = {}
    for _ in range(max(1, REPEATS // 2)):
        for jobs in (1, 2):
            seconds, out = scan_process(top, jobs)
            runs[jobs].append(seconds)
            outputs[jobs] = out
    one, two = statistics.median(runs[1]), statistics.median(runs[2])
    stdlib = floor(top)
    cores = os.cpu_count()
    print(f"scan -j 1: {one:.2f} s, -j 2: {two:.2f} s, stdlib floor (1 core): {stdlib:.2f} s")
    print(f"machine check: pure CPU work on 2 processes / 1 takes {capacity():.2f}")
    found = outputs[1].count(b"\n")
    same = outputs[1] == outputs[2] and found > 0
    line = f"-j 2 and -j 1 print the same {found} findings: {same}"
    print(line)
    if not same:
        missed.append(line)
    line = f"scan -j 2 / -j 1 wall on {cores} cores: {two / one:.2f} (target <= {JOBS_RATIO})"
    print(line)
    if two / one > JOBS_RATIO:
        missed.append(line)
    line = f"scan -j 2 / stdlib floor on one core: {two / stdlib:.2f} (target <= 0.5)"
    print(line)
    if two / stdlib > 0.5:
        missed.append(line)
    for line in missed:
        print(f"TARGET MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
