"""Read the records of a CloudTrail log that can be findings, in linear time and bounded memory.

Two readers, both exact for well-formed JSON (the rule sees what it would see after a full
`json.loads`). `candidate_records` finds the PutParameter and DeleteParameter(s) records
with byte searches and proves they are top-level records without decoding anything else, or
returns None when it cannot. `scan_records` then decodes the document one record at a time.
docs/performance.md gives the argument and the measured costs.

Where paramguard._sweep is built, the proof's whole-document passes (finding the event
names, and the bracket skeleton) are one pass in C (_proven_in_one_pass); where it is not,
they run in Python. Either is exact; tests/test_fastscan.py runs its specification with
both, and tests/test_sweep.py holds the C to plain statements of what it computes.
"""

from __future__ import annotations

import codecs
import json
import json.scanner
import re
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, takewhile

TYPE_CHECKING = False  # typing is for mypy only (start-up; see docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")

# The event names whose records can be findings (PutParameter) or fix one (DeleteParameter,
# DeleteParameters: the second token is a prefix of both, and its closing quote says which).
_TOKENS = (b'"PutParameter', b'"DeleteParameter')
_KEY = b'"eventName"'
# json.loads decodes "Put\u0050arameter" to the event name, so a record can name it without
# the literal bytes only by a \u escape of one of its letters (P u t a r m e, and for the
# deletes D l s). No encoder writes ASCII letters that way, so ordinary logs never hold one;
# a log that does is never taken on trust. (An escaped "eventName" KEY before a literal
# value is caught below: the literal value is then not preceded by the literal key.)
_ESCAPED_LETTER = re.compile(rb"\\u00(?:44|50|7[2345]|6[15cCdD])")
_ESCAPE_STRETCH = 1 << 12
# The same escapes as byte strings, for the C search (a test checks they are the same set).
_ESCAPES = tuple(
    b"\\u00" + code
    for code in (b"44", b"50", b"72", b"73", b"74", b"75", b"61", b"65", b"6c", b"6C", b"6d", b"6D")
)
_WS = b" \t\n\r"
_HEAD = re.compile(rb'[ \t\n\r]*\{[ \t\n\r]*"Records"[ \t\n\r]*:[ \t\n\r]*\[')
# Only brackets, and the marks put in place of some, survive into the skeleton. Raw control
# bytes are not valid JSON, so a document that holds one fails the proof by itself.
_MARK, _OPEN_RECORDS, _CLOSE_RECORDS = 0x00, 0x02, 0x03
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"{}[]\x00\x02\x03")
_PIECE = 1 << 18
_MAX_OBJECT_TRIES = 256
_WINDOW = 1 << 12
# Work bounds that keep the proof linear whatever the content: past them the document goes
# to scan_records. Real logs use a small fraction of each (bench/hostile.py measures).
_SKELETON_SHARE = 16  # brackets: at most 1/16 of the document (real logs: under 2 %)
_REDUCE_ROUNDS = 16  # bytes.replace work: at most 16 times the skeleton
# Nesting: json.loads refuses a document nested about 1,000 deep (Python's recursion limit),
# so the proof vouches for none nested deeper than this (brackets in strings counted): the
# C pass counts unclosed brackets, and a round of bytes.replace removes at most two levels.
_MAX_DEPTH = 512
_DECODE_SHARE = 16  # bytes decoded to locate candidates: at most 16 times the document
_KEEP_SHARE = 64  # candidate bytes kept decoded between proof and use; the rest re-decoded
_TOKEN_SHARE = 64  # event names found by the C pass: at most 1 per 64 bytes (then scan_records)

if TYPE_CHECKING:
    from types import ModuleType
try:
    from . import _sweep
except ImportError:  # not built (no C compiler at install, or the Lambda package)
    _sweep = None  # type: ignore[assignment]
BUILT: ModuleType | None = _sweep  # the C passes, where they were built
# The passes used: tests set it to None to run the Python ones.
native = BUILT

_decoder = json.JSONDecoder()
# The C scanner json.loads runs, called directly: (value, end) at a position, no wrapping.
_scan: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(_decoder)  # type: ignore[arg-type]


class DocumentError(ValueError):
    """The document is not UTF-8 JSON of the shape {"Records": [...]}."""


def holds_escaped_letter(data: bytes | bytearray) -> bool:
    """Whether the document holds a \\u escape of a letter of an event name it looks for.

    Backslashes come in clusters (policies logged as JSON text), so memchr jumps to each
    cluster and the regular expression reads only the 4 KB after it: a fraction of one
    pass over the document, and never more than one pass plus a jump per 4 KB. (The C
    search looks for the escapes themselves, in one pass.)
    """
    if native is not None:
        return native.find_tokens(data, _ESCAPES, 0) is None  # None: more than 0 found
    at = data.find(b"\\")
    while at >= 0:
        stop = at + _ESCAPE_STRETCH
        if _ESCAPED_LETTER.search(data, at, stop + 5) is not None:  # 5: the rest of one
            return True
        at = data.find(b"\\", stop)
    return False


def may_name_an_event(data: bytes | bytearray, needles: tuple[bytes, ...]) -> bool:
    """Whether data holds one of `needles` (each at least 2 bytes) or a \\u escape of a letter
    of an event name: what a document must hold to name one of the events (one C pass
    where it is built)."""
    if native is not None:
        return native.find_tokens(data, needles + _ESCAPES, 0) is None  # None: more than 0
    return any(needle in data for needle in needles) or holds_escaped_letter(data)


def _token_offsets(data: bytes | bytearray) -> list[int] | None:
    """The offset of every event-name token of _TOKENS in data, ascending; None when the
    document holds a \\u escape of a letter of an event name (see _ESCAPED_LETTER)."""
    if holds_escaped_letter(data):
        return None
    offsets: list[int] = []
    for token in _TOKENS:  # rfind: faster than find on these tokens (measured)
        end = len(data)
        while (at := data.rfind(token, 0, end)) >= 0:
            offsets.append(at)
            end = at
    offsets.sort()
    return offsets


class _Budget:
    """A count of bytes of work left."""

    def __init__(self, left: int) -> None:
        self.left = left

    def spend(self, amount: int) -> bool:
        """Take `amount`; False once the budget is exhausted."""
        self.left -= amount
        return self.left >= 0


def _event_name_hits(data: bytes | bytearray) -> array[int] | None:
    """Start of every `"eventName": "<event>"` pair for the events of _TOKENS, in order; None
    if one is odd.

    None too when the document holds a \\u escape of a letter of an event name (see
    _ESCAPED_LETTER). A token anywhere but as an eventName value sends the document to
    scan_records: CloudTrail writes these names only as eventName values.
    """
    offsets = _token_offsets(data)
    if offsets is None:
        return None
    found: list[int] = []
    for i in offsets:  # the tokens cannot overlap, so the starts differ
        hit = _pair_at(data, i)
        if hit is None:
            return None
        if hit >= 0:
            found.append(hit)
    found.sort()
    return array("q", found)


def _token_end(data: bytes | bytearray, i: int) -> int | None:
    """For a token at i: where the event name's string ends (its closing quote), or None
    when the string is not exactly one of the event names."""
    if data.startswith(_TOKENS[0], i):
        end = i + len(_TOKENS[0])
    else:
        end = i + len(_TOKENS[1])
        if data[end : end + 1] == b"s":  # DeleteParameters
            end += 1
    return end if data[end : end + 1] == b'"' else None


def _pair_at(data: bytes | bytearray, i: int) -> int | None:
    """For the token at i: the start of its eventName key, -1 if inside a string, None if odd."""
    run = i
    while run > 0 and data[run - 1] == 0x5C:
        run -= 1
    if (i - run) % 2:  # an escaped quote: text inside some string
        return -1
    if _token_end(data, i) is None:
        return None
    j = _previous(data, i)
    if j < 0 or data[j] != 0x3A:  # ':'
        return None
    j = _previous(data, j)
    k = j + 1 - len(_KEY)
    if k < 0 or data[k : j + 1] != _KEY:
        return None
    return k


def _decode_at(
    data: bytes | bytearray, start: int, budget: _Budget | None = None
) -> tuple[Any, int] | None:
    """Decode the JSON value that starts at byte `start`; (value, end byte) or None."""
    size = _WINDOW
    while True:
        stop = min(len(data), start + size)
        for _ in range(3):  # never cut a UTF-8 sequence (the document was checked to be UTF-8)
            if stop < len(data) and data[stop] & 0xC0 == 0x80:
                stop += 1
        if budget is not None and not budget.spend(stop - start):
            return None
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


def _object_past(
    data: bytes | bytearray, starts: Iterable[int], hit: int, budget: _Budget
) -> tuple[int, int, Any] | None:
    """The first of `starts` (each a `{`) that decodes to an object reaching past the key at
    `hit`: (start, end, decoded object); None if none does, or once the budget is spent.

    A `{` inside a string never decodes past the key: the decoder would take the string's
    closing quote for an opening one and stay out of step with every later quote, so it
    fails at the key's letters.
    """
    for start in starts:
        decoded = _decode_at(data, start, budget)
        if decoded is None and budget.left < 0:
            return None
        if decoded is not None and decoded[1] > hit and isinstance(decoded[0], dict):
            return start, decoded[1], decoded[0]
    return None


def _enclosing_element(
    data: bytes | bytearray, hit: int, floor: int, budget: _Budget
) -> tuple[int, int, Any] | None:
    """The innermost array element around the key at `hit` that is an object: (start, end,
    decoded object), or None (_object_past).

    Only a `{` after `,` or `[` can start an array element, so object values (`:{`) are
    passed over without decoding: for a key nested in a record's tags the record itself is
    found, and the proof then admits it.
    """

    def after_a_separator() -> Iterator[int]:  # among the last _MAX_OBJECT_TRIES `{`
        j = hit
        for _ in range(_MAX_OBJECT_TRIES):
            j = data.rfind(b"{", floor, j)
            if j < 0:
                return
            before = _previous(data, j)
            if before >= 0 and data[before] in b",[":
                yield j

    return _object_past(data, after_a_separator(), hit, budget)


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


def _skeleton(
    data: bytes | bytearray, starts: array[int], array_start: int, array_end: int, limit: int
) -> bytes | None:
    """Every bracket of the document in order, the array's and each candidate's replaced by
    marks; None past `limit` bytes. (bytes.translate on cached pieces is markedly faster
    than bytearray.translate on the whole.)"""
    marks = chain(
        ((array_start, _OPEN_RECORDS),),
        ((start, _MARK) for start in starts),
        ((array_end, _CLOSE_RECORDS), (len(data), -1)),
    )
    parts: list[bytes] = []
    size = 0
    with memoryview(data) as view:
        low = 0
        for at, mark in marks:
            for piece in range(low, at, _PIECE):
                part = bytes(view[piece : min(at, piece + _PIECE)]).translate(None, _NOT_BRACKETS)
                size += len(part)
                if size > limit:
                    return None
                parts.append(part)
            if mark >= 0:
                parts.append(bytes((mark,)))
                low = at + 1
    return b"".join(parts)


def _delimited(
    data: bytes | bytearray, starts: array[int], ends: array[int], array_start: int, array_end: int
) -> bool:
    """Whether each span sits where an element of Records does: after the array's `[` or a
    `,` that follows the previous element's `}`, and before a `,` or the array's `]`."""
    for start, end in zip(starts, ends, strict=True):
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
    return True


def _records_are_top_level(
    data: bytes | bytearray, starts: array[int], ends: array[int], array_start: int, array_end: int
) -> bool:
    """Prove each span is a direct element of the one top-level Records array.

    First the neighbours: an element of Records follows the array's `[` or a `,` after the
    previous record's `}`, and is followed by `,` or the array's `]`. Then the bracket
    skeleton of the whole document: each candidate's `{` and the array's own brackets are
    replaced by marks, every byte but brackets and marks is dropped, and matched pairs are
    removed until only unmatched structure is left, which must be exactly the root object,
    the array's marks and one `mark }` per candidate. Brackets inside strings are counted
    too: JSON text embedded in strings (policies) is balanced and vanishes; unbalanced text
    brackets make the proof fail. Each round of removal takes out one level of nesting, so
    the rounds are bounded in total work (a deep skeleton fails the proof); the caller then
    decodes the document record by record. (The C pass reduces the same skeleton with a
    stack; see _proven_in_one_pass.)
    """
    if not _delimited(data, starts, ends, array_start, array_end):
        return False
    limit = len(data) // _SKELETON_SHARE + _PIECE
    expected = b"{\x02" + b"\x00}" * len(starts) + b"\x03}"
    skeleton = _skeleton(data, starts, array_start, array_end, limit)
    if skeleton is None:
        return False
    work = _Budget(_REDUCE_ROUNDS * len(skeleton) + 1024)
    for _ in range(_MAX_DEPTH // 2):
        if not work.spend(len(skeleton)):
            return False
        reduced = skeleton.replace(b"{}", b"").replace(b"[]", b"")
        if len(reduced) == len(skeleton):
            return skeleton == expected
        skeleton = reduced
    return False


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


def candidate_records(data: bytes | bytearray) -> Iterator[Any] | None:
    """The top-level records whose eventName is one of the event names of _TOKENS (PutParameter,
    DeleteParameter, DeleteParameters), or None if it cannot be proven.

    Exact for well-formed JSON (same records, same order as a full parse hands to the rule);
    a document it cannot vouch for returns None so that the caller reads it with
    scan_records. Linear in the document's size; the records are decoded as they are taken.
    """
    head = _HEAD.match(data)
    array_end = _array_end(data)
    if head is None or array_end is None or array_end < head.end() - 1:
        return None
    if native is not None:
        return _proven_in_one_pass(data, head.end() - 1, array_end)
    if not data.isascii() and not _valid_utf8(data):
        return None
    hits = _event_name_hits(data)
    if not hits:
        return None if hits is None else iter(())
    starts, ends = array("q"), array("q")
    kept: dict[int, Any] = {}
    keep = _Budget(len(data) // _KEEP_SHARE + _WINDOW * 64)
    budget = _Budget(_DECODE_SHARE * len(data) + _PIECE)
    for hit in hits:
        if ends and hit < ends[-1]:
            continue  # a second key in the same record (nested, or a repeated key)
        located = _enclosing_element(data, hit, head.end(), budget)
        if located is None:
            return None
        start, end, record = located
        if starts and start < ends[-1]:
            return None  # an element around an earlier one: a look-alike nested in a record
        starts.append(start)
        ends.append(end)
        if keep.spend(end - start):
            kept[start] = record
    if not _records_are_top_level(data, starts, ends, head.end() - 1, array_end):
        return None
    return (kept[start] if start in kept else _decoded(data, start) for start in starts)


def _element_around(
    data: bytes | bytearray, hit: int, elements: array[int], floor: int, budget: _Budget
) -> tuple[int, int, Any] | None:
    """The element of the array around the key at `hit`: (start, end, decoded object), from
    the last element start before it that decodes to an object reaching past the key (a {
    inside a string, which brackets in strings can make look like a start, does not decode
    past it); None if there is none after `floor`, the end of the record taken before."""
    last = bisect_right(elements, hit) - 1
    nearest = range(last, max(last - _MAX_OBJECT_TRIES, -1), -1)
    starts = takewhile(lambda start: start >= floor, (elements[i] for i in nearest))
    return _object_past(data, starts, hit, budget)


def _proven_in_one_pass(
    data: bytes | bytearray, array_start: int, array_end: int
) -> Iterator[Any] | None:
    """candidate_records with the C pass (paramguard._sweep.structure), which reads the
    document once for the event names and the bracket skeleton together.

    The skeleton gives the start of every object that is a direct element of the array, or
    None unless the array's brackets pair as the proof requires (see _records_are_top_level:
    the same skeleton, strings' brackets counted, reduced with a stack). A key's record is
    then the last of those starts before it that decodes to an object reaching past the
    key (_element_around). Only the record itself can: an earlier record or a value nested
    in the record closes before the key, and decoding from a `{` inside a string fails at
    the key's letters (see _object_past). A look-alike nested in a record leads to
    that record, which the rule then judges by its own eventName. Each record taken must sit
    between the array's delimiters, as in the Python proof (_delimited).
    """
    assert native is not None
    found = native.structure(
        data,
        _TOKENS + _ESCAPES,
        array_start,
        array_end,
        len(data) // _SKELETON_SHARE + _PIECE,
        _MAX_DEPTH,
        len(data) // _TOKEN_SHARE + 1024,
    )
    if found is None:
        return None
    ascii = found[2] if found[2] is not None else data.isascii()
    if not ascii and not _valid_utf8(data):
        return None
    tokens, elements = array("q"), array("q")
    tokens.frombytes(found[0])
    elements.frombytes(found[1])
    if any(data[at] == 0x5C for at in tokens):  # a \u escape of a letter of an event name
        return None
    starts, ends = array("q"), array("q")
    kept: dict[int, Any] = {}
    keep = _Budget(len(data) // _KEEP_SHARE + _WINDOW * 64)
    budget = _Budget(_DECODE_SHARE * len(data) + _PIECE)
    for token in tokens:
        hit = _pair_at(data, token)
        if hit is None:
            return None
        if hit < 0 or (ends and hit < ends[-1]):
            continue  # inside a string; or a second key in the record just taken
        located = _element_around(data, hit, elements, ends[-1] if ends else 0, budget)
        if located is None:
            return None
        start, end, record = located
        starts.append(start)
        ends.append(end)
        if keep.spend(end - start):
            kept[start] = record
    # As in the Python proof: a string's `}` can close a record in the skeleton, so that an
    # object value after it opens as if it were an element; its neighbours say otherwise
    # (a `:` before it, found in review).
    if not _delimited(data, starts, ends, array_start, array_end):
        return None
    return (kept[start] if start in kept else _decoded(data, start) for start in starts)


def _decoded(data: bytes | bytearray, start: int) -> Any:
    """The value at `start` again, once it has been decoded and dropped to save memory."""
    decoded = _decode_at(data, start)
    if decoded is None:  # it decoded a moment ago
        raise DocumentError(f"record at byte {start} no longer decodes")
    return decoded[0]


# ---- One record at a time ----

_BLANKS = re.compile(r"[ \t\n\r]*")
_STREAM_WINDOW = 1 << 20  # bytes of the document decoded to text at a time
_CUT_MARGIN = 16  # a value cut off by the window fails within this many characters of its end


class _Reader:
    """The document decoded to text one window at a time; positions index `text`."""

    def __init__(self, data: bytes | bytearray, start: int) -> None:
        self.data = data
        self.base = 0  # byte offset of text[0]
        self.stop = 0  # byte offset just past the window
        self.text = ""
        self.load(start, _STREAM_WINDOW)

    @property
    def whole(self) -> bool:
        """Whether the window runs to the end of the document."""
        return self.stop >= len(self.data)

    def load(self, start: int, size: int) -> None:
        """Decode the window of at least `size` bytes that starts at byte `start`."""
        data = self.data
        stop = min(len(data), start + size)
        for _ in range(3):  # never cut a UTF-8 sequence (a longer run is invalid anyway)
            if stop < len(data) and data[stop] & 0xC0 == 0x80:
                stop += 1
        self.text = ""  # the old window goes before the new one is made
        with memoryview(data) as view:
            try:
                self.text = codecs.utf_8_decode(view[start:stop], "surrogatepass", True)[0]
            except UnicodeDecodeError as exc:
                raise DocumentError(
                    f"not UTF-8 text: {exc.reason} at byte {start + exc.start}"
                ) from None
        self.base, self.stop = start, stop

    def offset(self, pos: int) -> int:
        """Byte offset in the document of text position `pos`."""
        text = self.text
        if text.isascii():
            return self.base + pos
        if pos < len(text) // 2:  # encode the shorter side: a window slides near its end
            return self.base + len(text[:pos].encode("utf-8", "surrogatepass"))
        return self.stop - len(text[pos:].encode("utf-8", "surrogatepass"))

    def slide(self, pos: int, need: int = 0) -> int:
        """Restart the window at text position `pos`, holding at least `need` bytes."""
        self.load(self.offset(pos), max(_STREAM_WINDOW, need))
        return 0

    def peek(self, pos: int) -> tuple[str, int]:
        """The first non-blank character at or after `pos` ("" at the end) and its position."""
        while True:
            match = _BLANKS.match(self.text, pos)
            assert match is not None  # the pattern matches the empty string
            pos = match.end()
            if pos < len(self.text) or self.whole:
                return self.text[pos : pos + 1], pos
            pos = self.slide(pos)

    def value(self, pos: int) -> tuple[Any, int]:
        """Decode the JSON value at `pos`, widening the window until it holds all of it."""
        while True:
            text = self.text
            try:
                value, end = _scan(text, pos)
            except StopIteration as stop:
                problem, at = "Expecting value", int(stop.value)
            except json.JSONDecodeError as exc:
                problem, at = exc.msg, exc.pos
            except RecursionError:
                raise DocumentError("not valid JSON: too deeply nested") from None
            except ValueError as exc:  # e.g. an integer past int's digit limit
                raise DocumentError(f"not valid JSON: {str(exc)[:200]}") from None
            else:
                if end <= len(text) - _CUT_MARGIN or self.whole:  # a cut number still decodes
                    return value, end
                problem, at = "", end
            tried = self.stop - self.offset(pos)
            need = 2 * tried
            if problem.startswith("Unterminated string"):
                opening = self.offset(at)
                closing = _closing_quote(self.data, opening)
                if closing < 0:
                    raise DocumentError(f"not valid JSON: unterminated string at byte {opening}")
                need = max(need, closing + _CUT_MARGIN - self.offset(pos))
            elif problem and (self.whole or at < len(text) - _CUT_MARGIN):
                raise DocumentError(f"not valid JSON: {problem} at byte {self.offset(at)}")
            del text  # so that the old window is freed before the new one is made
            pos = self.slide(pos, need)


def _closing_quote(data: bytes | bytearray, opening: int) -> int:
    """Byte offset of the quote that closes the string opened at `opening`, or -1."""
    at = opening
    while True:
        at = data.find(b'"', at + 1)
        if at < 0:
            return -1
        run = at
        while data[run - 1] == 0x5C:  # stops at the opening quote at the latest
            run -= 1
        if (at - run) % 2 == 0:
            return at


def _elements(
    reader: _Reader, pos: int, visit: Callable[[Any], T | None] | None
) -> tuple[list[T], int, int]:
    """Decode the array whose `[` is before `pos` one element at a time, passing each to
    `visit`; (its results that are not None, element count, position after the `]`)."""
    results: list[T] = []
    count = 0
    char, pos = reader.peek(pos)
    if char == "]":
        return results, count, pos + 1
    while True:
        value, pos = reader.value(pos)
        count += 1
        if visit is not None:
            result = visit(value)
            if result is not None:
                results.append(result)
        del value
        char, pos = reader.peek(pos)
        if char == "]":
            return results, count, pos + 1
        if char != ",":
            raise DocumentError(f"not valid JSON: expected ',' or ']' at byte {reader.offset(pos)}")
        char, pos = reader.peek(pos + 1)


def scan_records(data: bytes | bytearray, visit: Callable[[Any], T | None]) -> tuple[list[T], int]:
    """Call `visit` on each record of a {"Records": [...]} document, decoding one at a time.

    Returns the results that are not None and the number of records. Exact: the records
    are the ones `json.loads(data)["Records"]` holds (the last "Records" key wins, a UTF-8
    byte order mark is skipped) and every invalid document raises DocumentError. Memory:
    the document, a window of its text and one record (docs/performance.md).
    """
    encoding = json.detect_encoding(bytes(data[:4]))
    if encoding not in ("utf-8", "utf-8-sig"):
        raise DocumentError(f"not UTF-8 text (looks like {encoding}); CloudTrail writes UTF-8")
    reader = _Reader(data, 3 if encoding == "utf-8-sig" else 0)
    char, pos = reader.peek(0)
    if char != "{":
        raise DocumentError('not a JSON object (a CloudTrail log file is {"Records": [...]})')
    records: tuple[list[T], int] | None = None
    char, pos = reader.peek(pos + 1)
    while char != "}":
        if char != '"':
            raise DocumentError(f"not valid JSON: expected a key at byte {reader.offset(pos)}")
        key, pos = reader.value(pos)
        char, pos = reader.peek(pos)
        if char != ":":
            raise DocumentError(f"not valid JSON: expected ':' at byte {reader.offset(pos)}")
        char, pos = reader.peek(pos + 1)
        if char == "[":
            results, count, pos = _elements(reader, pos + 1, visit if key == "Records" else None)
            if key == "Records":
                records = results, count
        else:
            _, pos = reader.value(pos)
            if key == "Records":
                records = None
        char, pos = reader.peek(pos)
        if char == ",":
            char, pos = reader.peek(pos + 1)
            if char == "}":
                raise DocumentError(f"not valid JSON: trailing ',' at byte {reader.offset(pos)}")
        elif char != "}":
            at = reader.offset(pos)
            raise DocumentError(f"not valid JSON: expected ',' or '}}' at byte {at}")
    char, pos = reader.peek(pos + 1)
    if char:
        raise DocumentError(f"not valid JSON: extra data at byte {reader.offset(pos)}")
    if records is None:
        raise DocumentError("JSON object has no 'Records' list (not a CloudTrail log file)")
    return records
