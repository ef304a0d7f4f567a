"""One timed run in a fresh process: python -m bench.run_one ENGINE FILE -> JSON on stdout."""

from __future__ import annotations

import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path

from bench.engines import ENGINES, matcher


def peak_rss() -> int:
    """This process's peak resident set in bytes (VmHWM; ru_maxrss survives fork+exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main(argv: list[str]) -> None:
    """Time one engine on one file, in-process, and print the numbers as JSON."""
    name, path, mode = argv[0], Path(argv[1]), argv[2] if len(argv) > 2 else "time"
    raw = path.read_bytes()
    names = matcher()
    if mode == "memory":
        tracemalloc.start()
        ENGINES[name](raw, names)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(json.dumps({"tracemalloc_peak": peak}))
        return
    start = time.perf_counter()
    ENGINES[name](raw, names)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "max_rss": peak_rss()}))


if __name__ == "__main__":
    main(sys.argv[1:])
