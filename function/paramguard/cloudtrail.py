"""Pure functions over CloudTrail log objects: key layouts, decompression, the rule."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, TypeVar

from .fastscan import DocumentError, candidate_records, holds_escaped_letter, scan_records

PLAINTEXT_TYPES = frozenset({"String", "StringList"})
SSM_SOURCE = "ssm.amazonaws.com"
TARGET_EVENT = "PutParameter"
# A log file that contains neither this byte string nor a \u escape of one of its letters
# cannot hold a finding, so it is never JSON-parsed (almost no CloudTrail file does).
_NEEDLE = TARGET_EVENT.encode()
T = TypeVar("T")

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


class NameMatcher(Protocol):
    """What the rule needs from a dictionary."""

    def match(self, name: str) -> Any: ...


@dataclass(frozen=True)
class KeyInfo:
    """What a log object's key says about it."""

    kind: str  # "log", "digest", "insight" or "other"
    account_id: str | None = None
    region: str | None = None
    organization_id: str | None = None


def classify_key(key: str) -> KeyInfo:
    """Tell a CloudTrail log file from a digest, an Insights file or an unrelated object."""
    found = _LOG_KEY_RE.search(key)
    lowered = key.lower()
    if found is None or not (lowered.endswith(".json.gz") or lowered.endswith(".json")):
        return KeyInfo("other")
    kind = {"CloudTrail": "log", "CloudTrail-Digest": "digest", "CloudTrail-Insight": "insight"}[
        found["kind"]
    ]
    return KeyInfo(kind, found["account"], found["region"], found["org"])


# Compressed bytes fed to zlib per step. Small steps keep each output chunk in cache while
# it is copied, and bound what one step can expand to (deflate tops out near 1032:1).
_INPUT_STEP = 16 * 1024
_OUTPUT_STEP = 1024 * 1024
_NOT_NUL = re.compile(rb"[^\x00]")


def _gzip_size_hint(data: bytes, max_bytes: int) -> int:
    """The uncompressed size the gzip trailer claims, if plausible (a hint, never trusted)."""
    claimed = int.from_bytes(data[-4:], "little") if len(data) >= 18 else 0
    # Believed only within a ratio real logs never exceed, so a lying trailer cannot make a
    # tiny object allocate the whole limit up front (the buffer still grows if needed).
    plausible = len(data) * 64 + 65536
    if 0 < claimed <= max_bytes and claimed <= plausible:
        return claimed
    return min(len(data) * 8 + 65536, max_bytes)


def decompress(data: bytes, max_bytes: int, gzipped: bool | None = None) -> bytes | bytearray:
    """Return the JSON bytes of a log object, gunzipping when it is gzip.

    The output goes straight into one buffer sized from the gzip trailer, and past that
    size is appended to in place, so memory stays near the decompressed size whatever the
    compression ratio. Raises LogFormatError for corrupt or truncated gzip and
    LogTooLargeError past max_bytes (a gzip bomb must not exhaust the function's memory).
    """
    if gzipped is None:
        gzipped = data[:2] == b"\x1f\x8b"
    if not gzipped:
        if len(data) > max_bytes:
            raise LogTooLargeError(f"object is {len(data)} bytes, over the {max_bytes}-byte limit")
        return data
    out = bytearray(_gzip_size_hint(data, max_bytes))
    used = 0
    member = 0
    view = memoryview(data)
    try:
        while member < len(data):  # gzip allows concatenated members
            decoder = zlib.decompressobj(wbits=47)
            position = member
            while position < len(data) and not decoder.eof:
                pending: bytes | memoryview = view[position : position + _INPUT_STEP]
                position += len(pending)
                while True:
                    # The cap bounds each chunk (16 KB of input can expand to 16 MB) and makes
                    # zlib stop at the limit instead of expanding a bomb further.
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
                    if not pending and (size < cap or decoder.eof):
                        break
            if not decoder.eof:
                raise LogFormatError("gzip stream is truncated")
            # The next member starts where this one's bytes ended; skip NUL padding.
            padding = _NOT_NUL.search(data, position - len(decoder.unused_data))
            member = padding.start() if padding else len(data)
    except zlib.error as exc:
        raise LogFormatError(f"not a valid gzip stream: {exc}") from None
    finally:
        view.release()
    del out[used:]
    return out


def might_contain_candidates(data: bytes | bytearray) -> bool:
    """Cheap test: can this log document hold a PutParameter record at all?"""
    return _NEEDLE in data or holds_escaped_letter(data)


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


@dataclass
class Finding:
    """One plaintext parameter whose name or value looks like a secret. Never holds the value.

    matched is the name's dictionary entry or, when only the value gave it away, the value
    detector (value:<detector>); value_matched names the detector when the value was read.
    """

    parameter_name: str
    parameter_type: str  # "String", "StringList" or "unknown" (type could not be determined)
    matched: str
    matched_line: int
    event_id: str | None
    event_time: str | None
    account_id: str | None
    region: str | None
    actor: str | None
    actor_type: str | None
    source_ip: str | None
    user_agent: str | None
    source: str
    event_source: str = "cloudtrail"
    version: int | None = None
    overwrite: bool | None = None
    type_source: str = "request"  # "request", "describe_parameters", "unknown" or "event"
    notes: list[str] = field(default_factory=list)
    value_matched: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict of the finding."""
        return asdict(self)

    @property
    def dedup_key(self) -> str:
        """Identifies the write: the event ID when known, else name and version."""
        if self.event_id:
            return f"event:{self.event_id}"
        return f"param:{self.account_id}:{self.region}:{self.parameter_name}:{self.version}"


def _str(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    # JSON can carry lone surrogates, which no UTF-8 message, log or URL can: spell them out.
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _actor(identity: Any) -> tuple[str | None, str | None]:
    if not isinstance(identity, Mapping):
        return None, None
    kind = _str(identity.get("type"))
    for field_name in ("arn", "principalId", "invokedBy", "userName"):
        value = _str(identity.get(field_name))
        if value:
            return value, kind
    return None, kind


@dataclass(frozen=True)
class Candidate:
    """A successful plaintext (or type-unknown) PutParameter whose name matched.

    With value inspection on, every such write is a candidate: name_matched False means
    only its value can make it a finding (its matched is empty until the value is read).
    """

    finding: Finding
    needs_type_lookup: bool
    name_matched: bool = True


def describe_json(value: Any) -> str:
    """A short, printable description of a JSON value, for notes (never the whole value)."""
    if isinstance(value, str):
        shown = value[:40].encode("unicode_escape").decode("ascii")
        return f"the string '{shown}'" + ("..." if len(value) > 40 else "")
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return "a number"
    return "an object" if isinstance(value, Mapping) else "an array"


def _declared_type(declared: Any, what: str = "write") -> tuple[str | None, str | None]:
    """(plaintext type, note): the type a write states, or why it has to be looked up.

    Only the three strings Parameter Store defines count. Anything else (absent, null, another
    string, a number, a list, an object) is not clearly SecureString, so the write stays a
    candidate with type 'unknown' and a note, and the current type is looked up.
    """
    if isinstance(declared, str) and declared in PLAINTEXT_TYPES:
        return declared, None
    if declared is None:
        if what == "write":
            return None, "the write did not state a type (an overwrite keeps the current one)"
        return None, f"the {what} did not state a type"
    return None, (
        f"the {what}'s type was {describe_json(declared)}, not String, StringList or "
        "SecureString; reported as type unknown"
    )


def evaluate_record(
    record: Any, matcher: NameMatcher, source: str, *, inspect_values: bool = False
) -> Candidate | None:
    """Apply the rule to one CloudTrail record; return a candidate finding or None.

    The rule: a successful PutParameter from ssm.amazonaws.com whose name matches the
    dictionary (any name, with inspect_values: its value decides) and whose type is not
    SecureString: String or StringList, or anything else (omitted, or a value Parameter
    Store does not define), to be looked up.
    Tolerates any shape: every field may be any JSON value and none makes it raise.
    """
    if not isinstance(record, Mapping):
        return None
    if record.get("eventSource") != SSM_SOURCE or record.get("eventName") != TARGET_EVENT:
        return None
    if record.get("errorCode") or record.get("errorMessage"):
        return None
    params = record.get("requestParameters")
    if not isinstance(params, Mapping):
        return None
    name = _str(params.get("name"))
    if name is None:
        return None
    declared = params.get("type")
    if isinstance(declared, str) and declared == "SecureString":
        return None
    hit = matcher.match(name)
    if hit is None and not inspect_values:
        return None
    plaintext, note = _declared_type(declared)
    actor, actor_type = _actor(record.get("userIdentity"))
    identity = record.get("userIdentity")
    account = _str(record.get("recipientAccountId"))
    if account is None and isinstance(identity, Mapping):
        account = _str(identity.get("accountId"))
    response = record.get("responseElements")
    version = response.get("version") if isinstance(response, Mapping) else None
    overwrite = params.get("overwrite")
    finding = Finding(
        parameter_name=name,
        parameter_type=plaintext or "unknown",
        matched=hit.entry if hit is not None else "",
        matched_line=hit.line if hit is not None else 0,
        event_id=_str(record.get("eventID")),
        event_time=_str(record.get("eventTime")),
        account_id=account,
        region=_str(record.get("awsRegion")),
        actor=actor,
        actor_type=actor_type,
        source_ip=_str(record.get("sourceIPAddress")),
        user_agent=_str(record.get("userAgent")),
        source=source,
        version=version if isinstance(version, int) and not isinstance(version, bool) else None,
        overwrite=overwrite if isinstance(overwrite, bool) else None,
        type_source="request" if plaintext else "unknown",
        notes=[note] if note else [],
    )
    return Candidate(finding, needs_type_lookup=plaintext is None, name_matched=hit is not None)


@dataclass
class LogScan:
    """What scanning one log document produced."""

    records: int = 0  # records JSON-parsed: every record when parsed whole, else candidates
    parsed: bool = False  # whether the whole document was parsed
    size: int = 0  # decompressed bytes scanned
    candidates: list[Candidate] = field(default_factory=list)


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


def scan_document(
    data: bytes | bytearray, matcher: NameMatcher, source: str, *, inspect_values: bool = False
) -> LogScan:
    """Scan a decompressed log document, parsing only the records that can be findings.

    A document that never mentions PutParameter is not parsed at all; otherwise only the
    records whose eventName is PutParameter are, when fastscan can prove they are exactly
    the ones a full parse would evaluate, and the document is decoded record by record
    (each evaluated and dropped) when it cannot.
    """
    scan = LogScan(size=len(data))
    if not might_contain_candidates(data):
        check_shape(data)
        return scan

    def visit(record: Any) -> Candidate | None:
        return evaluate_record(record, matcher, source, inspect_values=inspect_values)

    records = candidate_records(data)
    if records is None:
        scan.candidates, scan.records = parse_records(data, visit)
        scan.parsed = True
        return scan
    for record in records:
        scan.records += 1
        candidate = visit(record)
        if candidate is not None:
            scan.candidates.append(candidate)
    return scan


def evaluate_change(
    change: Any, matcher: NameMatcher, *, inspect_values: bool = False
) -> Candidate | None:
    """Apply the rule to an EventBridge `Parameter Store Change` (Create/Update).

    Such events name the parameter and its type but not who wrote it. A type that is not
    String, StringList or SecureString is treated as in a CloudTrail record: looked up.
    """
    declared = getattr(change, "type", None)
    if isinstance(declared, str) and declared == "SecureString":
        return None
    name = _str(getattr(change, "name", None))
    if name is None:
        return None
    hit = matcher.match(name)
    if hit is None and not inspect_values:
        return None
    plaintext, note = _declared_type(declared, "event")
    event_id = _str(getattr(change, "event_id", None))
    operation = _str(getattr(change, "operation", None)) or "?"
    notes = [
        f"reported by a Parameter Store Change ({operation}) event, which does not say who "
        "made the change; CloudTrail's PutParameter record for it does"
    ]
    finding = Finding(
        parameter_name=name,
        parameter_type=plaintext or "unknown",
        matched=hit.entry if hit is not None else "",
        matched_line=hit.line if hit is not None else 0,
        event_id=event_id,
        event_time=_str(getattr(change, "time", None)),
        account_id=_str(getattr(change, "account_id", None)),
        region=_str(getattr(change, "region", None)),
        actor=None,
        actor_type=None,
        source_ip=None,
        user_agent=None,
        source=f"eventbridge:{event_id or ''}",
        event_source="parameter-store-change",
        type_source="event" if plaintext else "unknown",
        notes=notes + ([note] if note else []),
    )
    return Candidate(finding, needs_type_lookup=plaintext is None, name_matched=hit is not None)
