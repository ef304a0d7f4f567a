"""The three things the benchmark times: paramguard's engine, the workshop baseline, the floor."""

from __future__ import annotations

import gzip
import io
import json
import zlib
from typing import Any

from paramguard.matcher import load_default
from paramguard.scan import scan_blob

NEEDLE = b"PutParameter"
MAX_BYTES = 1024 * 1024 * 1024


def engine(raw: bytes, matcher: Any) -> list[dict[str, Any]]:
    """What the function and `paramguard scan` do with one gzip log (scan.scan_blob)."""
    scan = scan_blob(raw, "bench.json.gz", matcher, MAX_BYTES)
    # The same identity the baseline returns; formatting reports is not scanning.
    return [{"event_id": c.finding.event_id} for c in scan.candidates]


def baseline(raw: bytes, matcher: Any) -> list[dict[str, Any]]:
    """The workshop's way: its get_records (GzipFile + json.load of the whole file), then
    every record through the analysis function (guarded, where the workshop's would crash)."""
    with io.BytesIO(raw) as obj, gzip.GzipFile(fileobj=obj) as logfile:
        records = json.load(logfile)["Records"]
    found = []
    for record in records:
        if record.get("eventSource") != "ssm.amazonaws.com":
            continue
        if record.get("eventName") != "PutParameter" or record.get("errorCode"):
            continue
        params = record.get("requestParameters") or {}
        if params.get("type", "String") in ("String", "StringList"):
            if matcher.match(params.get("name") or "") is not None:
                found.append({"eventID": record.get("eventID")})
    return found


def floor(raw: bytes, matcher: Any) -> int:
    """Decompression plus one byte search that locates every occurrence of the needle."""
    return zlib.decompress(raw, 47).count(NEEDLE)


ENGINES = {"engine": engine, "baseline": baseline, "floor": floor}


def matcher() -> Any:
    """The bundled dictionary, as the function and the command line load it."""
    return load_default()
