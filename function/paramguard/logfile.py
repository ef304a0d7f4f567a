"""The CloudTrail log-file format: key layouts, decompression, scanning a document."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from . import inflate
from .fastscan import (
    DocumentError,
    candidate_records,
    may_name_an_event,
    scan_records,
)
from .finding import Candidate, Remediation
from .plain import Frozen, Record
from .rule import DELETE_EVENTS, TARGET_EVENT, evaluate_record, evaluate_remediation

TYPE_CHECKING = False  # typing is for mypy only (start-up; see docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, Literal, TypeVar

    from .rule import NameMatcher

    T = TypeVar("T")
    KeyKind = Literal["log", "digest", "insight", "other"]

# A log file that contains none of these byte strings nor a \u escape of one of their letters
# cannot hold a finding or a fix of one, so it is never JSON-parsed (almost no CloudTrail
# file does). "DeleteParameter" is also the start of "DeleteParameters".
_NEEDLES = (TARGET_EVENT.encode(), DELETE_EVENTS[0].encode())

# AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz and, for organization
# trails, AWSLogs/<o-id>/<account>/CloudTrail/...; an optional user prefix may precede both.
_LOG_KEY_RE = re.compile(
    r"(?:^|/)AWSLogs/(?:(?P<org>o-[a-z0-9]{10,32})/)?(?P<account>\d{12})/"
    r"(?P<kind>CloudTrail|CloudTrail-Digest|CloudTrail-Insight)/(?P<region>[a-z0-9-]+)/"
)


_RECORDS_RE = re.compile(rb'"Records"\s*:\s*\[')
_LAST_BYTE = re.compile(rb"[^ \t\n\r\f\v][ \t\n\r\f\v]*\Z")


class LogFormatError(ValueError):
    """A log object that is not a readable CloudTrail log file (retrying cannot help)."""


class LogTooLargeError(LogFormatError):
    """A log object that expands beyond the configured decompressed-size limit."""


class KeyInfo(Frozen):
    """What a log object's key says about it."""

    __slots__ = ("kind", "account_id", "region", "organization_id")
    kind: KeyKind
    account_id: str | None
    region: str | None
    organization_id: str | None

    def __init__(
        self,
        kind: KeyKind,
        account_id: str | None = None,
        region: str | None = None,
        organization_id: str | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "kind", kind)
        _set(self, "account_id", account_id)
        _set(self, "region", region)
        _set(self, "organization_id", organization_id)


_KEY_KINDS: dict[str, KeyKind] = {
    "CloudTrail": "log",
    "CloudTrail-Digest": "digest",
    "CloudTrail-Insight": "insight",
}


def is_log_name(name: str) -> bool:
    """Whether a file name is one CloudTrail gives its files: .json or .json.gz."""
    lowered = name.lower()
    return lowered.endswith(".json.gz") or lowered.endswith(".json")


def is_digest(path: str) -> bool:
    """A digest file, told by its folder (CloudTrail-Digest/) or its name (_CloudTrail-Digest_).

    For a file outside the AWSLogs/ layout (a folder of downloaded logs) this is all there is
    to go on; classify_key reads the layout.
    """
    return "CloudTrail-Digest" in path


def classify_key(key: str) -> KeyInfo:
    """Tell a CloudTrail log file from a digest, an Insights file or an unrelated object."""
    found = _LOG_KEY_RE.search(key)
    if found is None or not is_log_name(key):
        return KeyInfo("other")
    return KeyInfo(_KEY_KINDS[found["kind"]], found["account"], found["region"], found["org"])


# Compressed bytes fed to the inflater per step. Small steps keep each output chunk in cache while
# it is copied, and bound what one step can expand to (deflate tops out near 1032:1).
_INPUT_STEP = 16 * 1024
_OUTPUT_STEP = 1024 * 1024
_NOT_NUL = re.compile(rb"[^\x00]")
# A blob this small is inflated in one call: 20-30 % less time than the stepped path on
# typical log files of 2-32 KB of JSON (measured with isal and zlib, docs/performance.md),
# which are most of the files CloudTrail writes. Its output is held to _ONE_SHOT_OUTPUT, past
# which the stepped path starts again: one zlib call's output briefly takes twice its size.
# An inflater that grows its output in place (ISA-L) inflates a blob of any size in one call,
# bounded by the limit alone: a sixth less time than the steps on a 50 MB log, the same peak.
_ONE_SHOT_INPUT = 64 * 1024
_ONE_SHOT_OUTPUT = 2 * 1024 * 1024


def _gzip_size_hint(data: bytes, max_bytes: int) -> int:
    """The uncompressed size the gzip trailer claims, if plausible (a hint, never trusted)."""
    claimed = int.from_bytes(data[-4:], "little") if len(data) >= 18 else 0
    # Believed only within a ratio real logs never exceed, so a lying trailer cannot make a
    # tiny object allocate the whole limit up front (the buffer still grows if needed).
    plausible = len(data) * 64 + 65536
    if 0 < claimed <= max_bytes and claimed <= plausible:
        return claimed
    return min(len(data) * 8 + 65536, max_bytes)


def _decompress_whole(
    data: bytes, max_bytes: int, inflater: inflate.Inflater, cap: int
) -> bytes | None:
    """A blob inflated in one call of at most cap bytes, or None when it needs the stepped
    path below.

    The call is bounded by max_length, so a bomb stops at the limit (or at a smaller cap,
    where the stepped path takes over and bounds memory as it does for any blob); a second
    gzip member also goes there. Errors are the stepped path's.
    """
    if data[:2] == b"\x1f\x8b" and data[3:4] > b"\x1f":
        raise LogFormatError("not a valid gzip stream: reserved header flags are set")
    decoder = inflater.decoder()
    try:
        out = decoder.decompress(data, cap)
    except inflater.errors as exc:
        raise LogFormatError(f"not a valid gzip stream: {exc}") from None
    if len(out) > max_bytes:
        raise LogTooLargeError(f"expands past the {max_bytes}-byte decompressed limit")
    if not decoder.eof:
        if len(out) < cap and not decoder.unconsumed_tail:  # all read, and it did not end
            raise LogFormatError("gzip stream is truncated")
        return None
    if _NOT_NUL.search(decoder.unused_data) is not None:
        return None
    return out


def decompress(
    data: bytes,
    max_bytes: int,
    gzipped: bool | None = None,
    *,
    inflater: inflate.Inflater | None = None,
) -> bytes | bytearray:
    """Return the JSON bytes of a log object, gunzipping when it is gzip.

    The output goes straight into one buffer sized from the gzip trailer, and past that
    size is appended to in place, so memory stays near the decompressed size whatever the
    compression ratio. Raises LogFormatError for corrupt or truncated gzip and
    LogTooLargeError past max_bytes (a gzip bomb must not exhaust the function's memory).
    The inflater is inflate.selected unless one is given.
    """
    if gzipped is None:
        gzipped = data[:2] == b"\x1f\x8b"
    if not gzipped:
        if len(data) > max_bytes:
            raise LogTooLargeError(f"object is {len(data)} bytes, over the {max_bytes}-byte limit")
        return data
    inflater = inflater or inflate.selected
    if 0 < len(data) and (inflater.grows_in_place or len(data) <= _ONE_SHOT_INPUT):
        cap = max_bytes + 1 if inflater.grows_in_place else min(max_bytes + 1, _ONE_SHOT_OUTPUT)
        whole = _decompress_whole(data, max_bytes, inflater, cap)
        if whole is not None:
            return whole
    out = bytearray(_gzip_size_hint(data, max_bytes))
    used = 0
    member = 0
    view = memoryview(data)
    try:
        while member < len(data):  # gzip allows concatenated members
            if data[member : member + 2] == b"\x1f\x8b" and data[member + 3 : member + 4] > b"\x1f":
                # zlib refuses a header with reserved flag bits set and ISA-L does not: the
                # same file must give the same result whichever is installed.
                raise LogFormatError("not a valid gzip stream: reserved header flags are set")
            decoder = inflater.decoder()
            position = member
            while position < len(data) and not decoder.eof:
                pending: bytes | memoryview = view[position : position + _INPUT_STEP]
                position += len(pending)
                while True:
                    # The cap bounds each chunk (16 KB of input can expand to 16 MB) and makes
                    # the inflater stop at the limit instead of expanding a bomb further.
                    cap = min(_OUTPUT_STEP, max_bytes - used + 1)
                    chunk = decoder.decompress(pending, cap)
                    size = len(chunk)
                    if used + size > max_bytes:
                        raise LogTooLargeError(
                            f"expands past the {max_bytes}-byte decompressed limit"
                        )
                    if used + size <= len(out):
                        out[used : used + size] = chunk
                    else:  # past the trailer's size: no zero-filled growth, no second copy
                        del out[used:]
                        out += chunk
                    used += size
                    pending = decoder.unconsumed_tail
                    # At the member's end zlib can leave what follows it in unconsumed_tail
                    # as well as in unused_data: feeding that again returns nothing forever.
                    if decoder.eof or (not pending and size < cap):
                        break
            if not decoder.eof:
                raise LogFormatError("gzip stream is truncated")
            # The next member starts where this one's bytes ended; skip NUL padding.
            padding = _NOT_NUL.search(data, position - len(decoder.unused_data))
            member = padding.start() if padding else len(data)
    except inflater.errors as exc:
        raise LogFormatError(f"not a valid gzip stream: {exc}") from None
    finally:
        view.release()
    del out[used:]
    return out


def might_contain_candidates(data: bytes | bytearray) -> bool:
    """Cheap test: can this log document hold a PutParameter or DeleteParameter(s) record?"""
    return may_name_an_event(data, _NEEDLES)


def parse_records(data: bytes | bytearray, visit: Callable[[Any], T | None]) -> tuple[list[T], int]:
    """Call `visit` on each record of a CloudTrail log document, decoding one at a time.

    Returns the results that are not None and the number of records: the records
    json.loads would find, in memory near the document's size whatever it holds. Raises
    LogFormatError for anything that is not {"Records": [...]} in UTF-8 JSON.
    """
    try:
        return scan_records(data, visit)
    except DocumentError as exc:
        raise LogFormatError(str(exc)) from None


def parse_whole(data: bytes | bytearray, visit: Callable[[Any], T | None]) -> tuple[list[T], int]:
    """parse_records for a small document: one json.loads, then `visit` on each record.

    The same records and the same refusals as parse_records: a document it does not read
    as {"Records": [...]} in UTF-8 is handed to parse_records, which says what is wrong.
    """
    if json.detect_encoding(data[:4]) in ("utf-8", "utf-8-sig"):
        try:
            document = json.loads(data)
        except (ValueError, RecursionError):
            document = None
        records = document.get("Records") if isinstance(document, dict) else None
        if isinstance(records, list):
            results = [result for result in map(visit, records) if result is not None]
            return results, len(records)
    return parse_records(data, visit)


class LogScan(Record):
    """What scanning one log document produced."""

    __slots__ = ("records", "parsed", "size", "candidates", "remediations")

    def __init__(
        self,
        records: int = 0,
        parsed: bool = False,
        size: int = 0,
        candidates: list[Candidate] | None = None,
        remediations: list[Remediation] | None = None,
    ) -> None:
        self.records = (
            records  # records JSON-parsed: every record when parsed whole, else candidates
        )
        self.parsed = parsed  # whether the whole document was parsed
        self.size = size  # decompressed bytes scanned
        self.candidates: list[Candidate] = [] if candidates is None else candidates
        # Fixes, in record order.
        self.remediations: list[Remediation] = [] if remediations is None else remediations


def check_shape(data: bytes | bytearray) -> None:
    """Cheap structural check of a document that will not be parsed; raises LogFormatError."""
    head = data[:64].lstrip()
    if not head:
        raise LogFormatError("empty log object")
    # The last non-blank byte, found without copying the document as data.rstrip() would.
    last = _LAST_BYTE.search(data, max(0, len(data) - 4096)) or _LAST_BYTE.search(data)
    if head[:1] != b"{" or last is None or last.group()[:1] != b"}":
        raise LogFormatError('not a JSON object (a CloudTrail log file is {"Records": [...]})')
    if _RECORDS_RE.search(data) is None:
        raise LogFormatError("JSON object has no 'Records' list (not a CloudTrail log file)")


# Below this many bytes of JSON, one json.loads of the whole document and the rule over every
# record cost less than fastscan's proof and the rule over its candidates: the proof has a
# fixed cost of about 20 us (a record decoded to find its ends, the bracket skeleton, a few
# dozen Python calls), json.loads about 4.5 ns a byte. Measured (CPU time per document,
# generated records, one PutParameter each, two runs): the proof costs 13 us more at 2 KB,
# 4-7 us more at 4 KB, about the same at 6 KB, 8-15 us less at 8 KB, 40-60 us less at 16 KB.
# bench/smallfiles.py measures the crossover again on every run.
WHOLE_PARSE_BELOW = 6 * 1024


def scan_document(
    data: bytes | bytearray, matcher: NameMatcher, read_from: str, *, inspect_values: bool = False
) -> LogScan:
    """Scan a decompressed log document, parsing only the records that can be findings or
    fix one (PutParameter, DeleteParameter, DeleteParameters).

    A document that never mentions those event names is not parsed at all; one under
    WHOLE_PARSE_BELOW bytes is parsed whole; otherwise only their records are, when
    fastscan can prove they are exactly the ones a full parse would evaluate, and the
    document is decoded record by record (each evaluated and dropped) when it cannot.
    """
    scan = LogScan(size=len(data))
    if not might_contain_candidates(data):
        check_shape(data)
        return scan

    # Results are returned, not collected here: scan_records keeps only the last "Records"
    # array's (as json.loads does), so an earlier array's must not slip in.
    def visit(record: Any) -> tuple[Candidate | None, list[Remediation]] | None:
        found = evaluate_record(record, matcher, read_from, inspect_values=inspect_values)
        if found is not None:
            return found, []
        fixed = evaluate_remediation(record, matcher, read_from, inspect_values=inspect_values)
        return (None, fixed) if fixed else None

    whole = len(data) < WHOLE_PARSE_BELOW
    records = None if whole else candidate_records(data)
    if records is None:
        results, scan.records = (parse_whole if whole else parse_records)(data, visit)
        scan.parsed = True
    else:
        results = []
        for record in records:
            scan.records += 1
            result = visit(record)
            if result is not None:
                results.append(result)
    for found, fixed in results:
        if found is not None:
            scan.candidates.append(found)
        scan.remediations.extend(fixed)
    return scan
