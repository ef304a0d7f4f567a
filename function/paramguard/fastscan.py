"""Find the PutParameter records of a CloudTrail log without parsing the others.

The fast path is exact for well-formed JSON: it returns the same top-level records a full
`json.loads` would hand to the rule, or None when it cannot prove that (the caller then
parses the whole document). See README "Performance" for the argument.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import Any

# A finding needs a record whose own "eventName" key holds "PutParameter". CloudTrail writes
# that value literally (it never escapes ASCII letters), so the byte pattern finds every one.
_TOKEN = b'"PutParameter'
_KEY = b'"eventName"'
_WS = b" \t\n\r"
_HEAD = re.compile(rb'[ \t\n\r]*\{[ \t\n\r]*"Records"[ \t\n\r]*:[ \t\n\r]*\[')
# Only brackets, and the marks put in place of some, survive into the skeleton. Raw control
# bytes are not valid JSON, so a document that holds one fails the proof by itself.
_MARK, _OPEN_RECORDS, _CLOSE_RECORDS = 0x00, 0x02, 0x03
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"{}[]\x00\x02\x03")
_PIECE = 1 << 18
_MAX_OBJECT_TRIES = 256
_WINDOW = 1 << 12

_decoder = json.JSONDecoder()


def _event_name_hits(data: bytes | bytearray) -> list[int] | None:
    """Start of every `"eventName": "PutParameter"` pair, in order; None if a look-alike is odd.

    A `"PutParameter` string token anywhere else (a damaged record, another key) sends the
    document to the full parse: cheap, because CloudTrail writes it only as an eventName.
    """
    hits: list[int] = []
    end = len(data)
    while True:
        i = data.rfind(_TOKEN, 0, end)
        if i < 0:
            break
        end = i
        run = i
        while run > 0 and data[run - 1] == 0x5C:
            run -= 1
        if (i - run) % 2:  # an escaped quote: text inside some string
            continue
        if data[i + len(_TOKEN) : i + len(_TOKEN) + 1] != b'"':
            return None
        j = _previous(data, i)
        if j < 0 or data[j] != 0x3A:  # ':'
            return None
        j = _previous(data, j)
        k = j + 1 - len(_KEY)
        if k < 0 or data[k : j + 1] != _KEY:
            return None
        hits.append(k)
    hits.reverse()
    return hits


def _decode_at(data: bytes | bytearray, start: int) -> tuple[Any, int] | None:
    """Decode the JSON value that starts at byte `start`; (value, end byte) or None."""
    size = _WINDOW
    while True:
        stop = min(len(data), start + size)
        while stop < len(data) and data[stop] & 0xC0 == 0x80:
            stop += 1  # never cut a UTF-8 sequence
        window = data[start:stop]
        try:
            text = window.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return None
        try:
            value, end = _decoder.raw_decode(text)
        except json.JSONDecodeError as exc:
            cut_short = exc.pos >= len(text) - 8 or exc.msg.startswith("Unterminated string")
            if stop >= len(data) or not cut_short:
                return None
            size *= 4
            continue
        except (ValueError, RecursionError):
            return None
        if not window.isascii():
            end = len(text[:end].encode("utf-8", "surrogatepass"))
        return value, start + end


def _enclosing_object(data: bytes | bytearray, hit: int, floor: int) -> tuple[int, int, Any] | None:
    """The innermost JSON object around the key at `hit`: (start, end, decoded object)."""
    j = hit
    for _ in range(_MAX_OBJECT_TRIES):
        j = data.rfind(b"{", floor, j)
        if j < 0:
            return None
        decoded = _decode_at(data, j)
        if decoded is not None and decoded[1] > hit and isinstance(decoded[0], dict):
            return j, decoded[1], decoded[0]
    return None


def _valid_utf8(data: bytes | bytearray) -> bool:
    """Whether the document decodes as json.loads would decode it, in bounded memory."""
    decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")
    view = memoryview(data)
    try:
        for at in range(0, len(view), _PIECE):
            decoder.decode(view[at : at + _PIECE])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        view.release()
    return True


def _previous(data: bytes | bytearray, i: int) -> int:
    """Index of the last non-blank byte before i (-1 if none)."""
    i -= 1
    while i >= 0 and data[i] in _WS:
        i -= 1
    return i


def _next(data: bytes | bytearray, i: int) -> int:
    """Index of the first non-blank byte at or after i (len(data) if none)."""
    while i < len(data) and data[i] in _WS:
        i += 1
    return i


def _brackets(data: bytearray) -> bytes:
    """Every bracket and mark of the document, in order (bytes.translate on cached pieces is
    markedly faster than bytearray.translate on the whole)."""
    view = memoryview(data)
    try:
        return b"".join(
            bytes(view[at : at + _PIECE]).translate(None, _NOT_BRACKETS)
            for at in range(0, len(view), _PIECE)
        )
    finally:
        view.release()


def _records_are_top_level(
    data: bytearray, spans: list[tuple[int, int]], array_start: int, array_end: int
) -> bool:
    """Prove each span is a direct element of the one top-level Records array.

    First the neighbours: an element of Records follows the array's `[` or a `,` after the
    previous record's `}`, and is followed by `,` or the array's `]`. Then the bracket
    skeleton of the whole document: each candidate's `{` and the array's own brackets are
    replaced by marks, every byte but brackets and marks is dropped, and matched pairs are
    removed until only unmatched structure is left, which must be exactly the root object,
    the array's marks and one `mark }` per candidate. Brackets inside strings are counted
    too: JSON text embedded in strings (policies) is balanced and vanishes; unbalanced text
    brackets make the proof fail and the caller parses the whole document (README,
    Performance, says what a crafted document can and cannot do).
    """
    for start, end in spans:
        before = _previous(data, start)
        if before < 0:
            return False
        if data[before] == 0x2C:  # ','
            if data[_previous(data, before)] != 0x7D:  # '}'
                return False
        elif before != array_start:
            return False
        after = _next(data, end)
        if after != array_end and (after >= len(data) or data[after] != 0x2C):
            return False
    marks = [(start, _MARK) for start, _ in spans]
    marks += [(array_start, _OPEN_RECORDS), (array_end, _CLOSE_RECORDS)]
    saved = [(at, data[at]) for at, _ in marks]
    for at, mark in marks:
        data[at] = mark
    try:
        skeleton = _brackets(data)
    finally:
        for at, byte in saved:
            data[at] = byte
    while True:
        reduced = skeleton.replace(b"{}", b"").replace(b"[]", b"")
        if len(reduced) == len(skeleton):
            break
        skeleton = reduced
    return skeleton == b"{\x02" + b"\x00}" * len(spans) + b"\x03}"


def _array_end(data: bytes | bytearray) -> int | None:
    """Byte offset of the `]` that should close Records, or None if the tail is not `]}`."""
    close_root = _previous(data, len(data))
    if close_root < 0 or data[close_root] != 0x7D:  # '}'
        return None
    close_array = _previous(data, close_root)
    if close_array < 0 or data[close_array] != 0x5D:  # ']'
        return None
    before = _previous(data, close_array)
    return None if before < 0 or data[before] == 0x2C else close_array  # a trailing ',' is not JSON


def candidate_records(data: bytes | bytearray) -> list[Any] | None:
    """The top-level records that say eventName PutParameter, or None if it cannot be proven.

    Exact for well-formed JSON (same records, same order as a full parse hands to the rule);
    a document it cannot vouch for returns None so that the caller parses it whole.
    """
    head = _HEAD.match(data)
    array_end = _array_end(data)
    if head is None or array_end is None or array_end < head.end() - 1:
        return None
    if not data.isascii() and not _valid_utf8(data):
        return None
    hits = _event_name_hits(data)
    if not hits:
        return hits
    found: dict[int, tuple[int, Any]] = {}
    floor = head.end()
    for hit in hits:
        located = _enclosing_object(data, hit, floor)
        if located is None:
            return None
        found.setdefault(located[0], (located[1], located[2]))
    spans = [(start, found[start][0]) for start in sorted(found)]
    buffer = data if isinstance(data, bytearray) else bytearray(data)
    if not _records_are_top_level(buffer, spans, head.end() - 1, array_end):
        return None
    return [found[start][1] for start, _ in spans]
